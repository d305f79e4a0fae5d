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
