// The escrow's metered billing as the run predicts it, lease by lease: a
// usage report is a charge of units × price whose fee goes through the
// lease's carry (sums.rs `fee_with_carry`: the fee of the sum of its charges,
// rounded up once), payable once its dispute window has passed; a report in a
// `batch` also pays every matured charge of its lease (settlement at the
// report), a `settle` item pays them alone. Each item's outcome is read from
// its `wasm-batch_item` event and compared with the prediction; the provider
// is paid the amounts less the fees.
import type { BillingEscrowTypes } from "../../src";
import type { RpcEvent } from "../load-stats";
import { type ChargePlan, type LeasePlan, PRICE } from "./model";

const BPS_DENOMINATOR = 10_000n;

/** sums.rs `fee_with_carry`: the fee of `amount` at `feeBps` through the lease's carry, and the new carry. */
export function feeWithCarry(amount: bigint, feeBps: bigint, carry: bigint): { fee: bigint; carry: bigint } {
  const exact = amount * feeBps;
  const owed = exact > carry ? exact - carry : 0n;
  const fee = (owed + BPS_DENOMINATOR - 1n) / BPS_DENOMINATOR;
  return { fee, carry: carry + fee * BPS_DENOMINATOR - exact };
}

/** A lease's usage on day `day`: USAGE_BASE + (index + day) % 100 units (kept varied across leases and days). */
export function usageOn(lease: LeasePlan, day: number, base: bigint): bigint {
  return base + BigInt((lease.index + day) % 100);
}

/** The batch item reporting `units` on the lease, built on what was reported so far (`billed_before`). */
export function reportItem(lease: LeasePlan, units: bigint): BillingEscrowTypes.BatchItem {
  return { report_usage: { lease_id: lease.id as number, units: String(units), billed_before: String(lease.reported) } };
}

export function settleItem(lease: LeasePlan): BillingEscrowTypes.BatchItem {
  return { settle: { lease_id: lease.id as number } };
}

/** What one item did, from its `wasm-batch_item` event. */
export interface ItemOutcome {
  leaseId: number;
  kind: string;
  units: bigint;
  paid: bigint;
  error?: string;
}

/** Every `wasm-batch_item` event of a transaction, in order. */
export function itemOutcomes(events: readonly RpcEvent[]): ItemOutcome[] {
  return events
    .filter((e) => e.type === "wasm-batch_item")
    .map((e) => {
      const get = (key: string) => e.attributes.find((a) => a.key === key)?.value;
      return {
        leaseId: Number(get("lease_id")),
        kind: get("kind") ?? "",
        units: BigInt(get("units") ?? "0"),
        paid: BigInt(get("paid") ?? "0"),
        error: get("error"),
      };
    });
}

/** The matured charges not paid yet at `nowS`, paid: their gross amount and their fees. */
function payMatured(lease: LeasePlan, nowS: number): { amount: bigint; fee: bigint } {
  let amount = 0n;
  let fee = 0n;
  for (const c of lease.charges) {
    if (c.paid || c.maturesAtS > nowS) continue;
    c.paid = true;
    amount += c.amount;
    fee += c.fee;
  }
  lease.paid += amount;
  lease.provider.uusdc += amount - fee;
  return { amount, fee };
}

/**
 * A report of `units` that went through at block time `nowS`: the new charge (its fee through the
 * carry, maturing after `windowS`), then what had matured paid. Returns the gross paid and the fees.
 */
export function applyReport(
  lease: LeasePlan,
  units: bigint,
  nowS: number,
  windowS: number,
  feeBps: bigint,
): { amount: bigint; fee: bigint } {
  const amount = units * PRICE;
  const { fee, carry } = feeWithCarry(amount, feeBps, lease.feeCarry);
  lease.feeCarry = carry;
  const charge: ChargePlan = { units, amount, fee, maturesAtS: nowS + windowS, paid: false };
  lease.charges.push(charge);
  lease.reported += units;
  return payMatured(lease, nowS);
}

/** A settle that went through at block time `nowS`: what had matured paid. */
export function applySettle(lease: LeasePlan, nowS: number): { amount: bigint; fee: bigint } {
  return payMatured(lease, nowS);
}

/** What the escrow should hold for the lease: units, paid, reserved, available. */
export function expectedLease(lease: LeasePlan): { units: bigint; reported: bigint; paid: bigint; reserved: bigint; available: bigint } {
  const units = lease.charges.reduce((s, c) => s + c.units, 0n);
  const reserved = lease.charges.filter((c) => !c.paid).reduce((s, c) => s + c.amount, 0n);
  return { units, reported: lease.reported, paid: lease.paid, reserved, available: lease.deposit - lease.paid - reserved };
}

/** The latest maturity among the lease's unpaid charges (0 when none). */
export function lastMaturity(leases: readonly LeasePlan[]): number {
  return Math.max(0, ...leases.flatMap((l) => l.charges.filter((c) => !c.paid).map((c) => c.maturesAtS)));
}
