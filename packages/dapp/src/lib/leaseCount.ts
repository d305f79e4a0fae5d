// A provider's lease count as the fleet page shows it (counted through leases_by_provider): kept
// apart from lib/leases.ts so the first page, which reads the escrow's queries, loads only this.
import type { LeaseResponse } from "./types";

/** A provider's leases: how many, and how many are not closed yet (pending, open or closing). */
export interface LeaseCount {
  total: number;
  open: number;
  /** Counting stopped at the cap: there are at least `total`. */
  capped: boolean;
}

export function countLeases(leases: readonly Pick<LeaseResponse, "state">[]): Pick<LeaseCount, "total" | "open"> {
  return { total: leases.length, open: leases.filter((lease) => lease.state !== "closed").length };
}

/** "3 (1 open)", "1000+ (12+ open)" past the cap. */
export function formatLeaseCount(count: LeaseCount): string {
  const more = count.capped ? "+" : "";
  return `${count.total}${more} (${count.open}${more} open)`;
}
