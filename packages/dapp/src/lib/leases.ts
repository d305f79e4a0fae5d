// Lease facts for display: billing mode in words, what each party may do in each state.

import { isPast } from "./format";
import type { BillingMode, ChargeResponse, LeaseResponse } from "./types";

export type Mode = "metered" | "streaming" | "receipts";

export function leaseMode(billing: BillingMode): Mode {
  return "metered" in billing ? "metered" : "streaming" in billing ? "streaming" : "receipts";
}

/** A lease is still billable (report, redeem, settle) while open, or closing within the provider's grace. */
export function billable(lease: LeaseResponse): boolean {
  return lease.state === "open" || lease.state === "closing";
}

/** A charge the consumer may dispute now: pending and inside its window. */
export function disputable(charge: ChargeResponse, nowMs: number): boolean {
  return charge.status === "pending" && !isPast(charge.disputable_until, nowMs);
}

export interface LeaseActions {
  accept: boolean;
  report: boolean;
  redeem: boolean;
  settle: boolean;
  close: boolean;
  topUp: boolean;
  sign: boolean;
}

/** The actions offered to `role` on a lease. */
export function leaseActions(lease: LeaseResponse, role: "consumer" | "provider"): LeaseActions {
  const mode = leaseMode(lease.billing);
  const live = billable(lease);
  return {
    accept: role === "provider" && mode === "streaming" && lease.state === "pending",
    report: role === "provider" && mode === "metered" && live,
    redeem: role === "provider" && mode === "receipts" && live,
    settle: live,
    close: lease.state === "open" || lease.state === "pending" || (lease.state === "closing" && role === "provider"),
    topUp: lease.state === "open" || lease.state === "pending",
    sign: role === "consumer" && mode === "receipts" && live,
  };
}

/** Whether settle can do anything now, and if not, from when (a contract Timestamp) it can. */
export type SettleReadiness = { ready: true } | { ready: false; reason: string; after?: string };

/**
 * Settle is refused when it would pay nothing, pass no matured dispute and complete no close:
 * ready when something is due (`due`: the escrow's settleable amount), a charge is payable, a
 * disputed charge's window has passed, or a closing lease's grace is over with nothing reserved.
 * Otherwise it says from when: the first pending charge's window end, or the end of the grace.
 */
export function settleReadiness(lease: LeaseResponse, due: bigint, charges: readonly ChargeResponse[], nowMs: number): SettleReadiness {
  if (due > 0n) return { ready: true };
  if (charges.some((charge) => charge.status === "payable")) return { ready: true };
  const lastPaid = Math.max(0, ...charges.filter((charge) => charge.status === "paid").map((charge) => charge.charge_id));
  if (charges.some((charge) => charge.status === "disputed" && charge.charge_id > lastPaid && isPast(charge.disputable_until, nowMs)))
    return { ready: true };
  const graceOver = !lease.close_after || isPast(lease.close_after, nowMs);
  if (lease.state === "closing" && graceOver && BigInt(lease.reserved) === 0n) return { ready: true };
  const pending = charges
    .filter((charge) => charge.status === "pending" && !isPast(charge.disputable_until, nowMs))
    .map((charge) => charge.disputable_until)
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  if (pending.length > 0) return { ready: false, reason: "the charges are still disputable", after: pending[0] };
  if (lease.state === "closing" && lease.close_after && !graceOver)
    return { ready: false, reason: "the provider's final-billing grace is running", after: lease.close_after };
  if (lease.state === "pending") return { ready: false, reason: "nothing accrues until the provider accepts the lease" };
  return { ready: false, reason: "nothing is billed yet" };
}
