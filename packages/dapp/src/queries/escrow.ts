// Query factories of the billing escrow: one per contract query.
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { countLeases, type LeaseCount } from "../lib/leaseCount";
import type { LeaseResponse } from "../lib/types";
import type { PageRequest } from "./keys";
import type { Reader } from "./reader";

/** Counting a provider's leases stops here: the count shows as "1000+" beyond it. */
export const LEASE_COUNT_CAP = 1000;
const LEASE_COUNT_PAGE = 100;

export const escrowQueries = {
  config: (reader: Reader) =>
    queryOptions({ queryKey: reader.keys.escrow.config(), queryFn: () => reader.q.billingEscrow.config(), staleTime: 30_000 }),
  lease: (reader: Reader, leaseId: number) =>
    queryOptions({ queryKey: reader.keys.escrow.lease(leaseId), queryFn: () => reader.q.billingEscrow.lease({ leaseId }) }),
  leasesByConsumer: (reader: Reader, consumer: string, page: PageRequest<number>) =>
    queryOptions({
      queryKey: reader.keys.escrow.leasesByConsumer(consumer, page),
      queryFn: () => reader.q.billingEscrow.leasesByConsumer({ consumer, ...page }),
      enabled: !!consumer,
    }),
  leasesByProvider: (reader: Reader, provider: string, page: PageRequest<number>) =>
    queryOptions({
      queryKey: reader.keys.escrow.leasesByProvider(provider, page),
      queryFn: () => reader.q.billingEscrow.leasesByProvider({ provider, ...page }),
      enabled: !!provider,
    }),
  /**
   * How many leases `provider` has and how many are not closed: pages of 100 of leasesByProvider
   * (shared with its lease list's cache), up to LEASE_COUNT_CAP.
   */
  leaseCount: (reader: Reader, client: QueryClient, provider: string) =>
    queryOptions({
      queryKey: reader.keys.escrow.leaseCount(provider),
      queryFn: async (): Promise<LeaseCount> => {
        const count: LeaseCount = { total: 0, open: 0, capped: false };
        let startAfter: number | undefined;
        while (count.total < LEASE_COUNT_CAP) {
          const page = await client.fetchQuery(escrowQueries.leasesByProvider(reader, provider, { startAfter, limit: LEASE_COUNT_PAGE }));
          const counted = countLeases(page.leases);
          count.total += counted.total;
          count.open += counted.open;
          const last = page.leases.at(-1);
          if (page.leases.length < LEASE_COUNT_PAGE || !last) return count;
          startAfter = last.lease_id;
        }
        return { ...count, capped: true };
      },
      enabled: !!provider,
      // A fleet page counts the leases of up to 100 providers: not every 6 s (lease transactions sent here refresh it at once).
      refetchInterval: 30_000,
    }),
  /** A party's leases for its alerts: pages of 100 (shared with the lease lists' cache), up to LEASE_COUNT_CAP. */
  attention: (reader: Reader, client: QueryClient, party: "consumer" | "provider", address: string) =>
    queryOptions({
      queryKey: [...reader.keys.escrow.lists(), party, address, "attention"],
      queryFn: async (): Promise<LeaseResponse[]> => {
        const leases: LeaseResponse[] = [];
        let startAfter: number | undefined;
        for (let read = 0; read < LEASE_COUNT_CAP; read += LEASE_COUNT_PAGE) {
          const request = { startAfter, limit: LEASE_COUNT_PAGE };
          const page =
            party === "consumer"
              ? await client.fetchQuery(escrowQueries.leasesByConsumer(reader, address, request))
              : await client.fetchQuery(escrowQueries.leasesByProvider(reader, address, request));
          leases.push(...page.leases);
          const last = page.leases.at(-1);
          if (page.leases.length < LEASE_COUNT_PAGE || !last) break;
          startAfter = last.lease_id;
        }
        return leases;
      },
      enabled: !!address,
      refetchInterval: 15_000,
    }),
  charges: (reader: Reader, leaseId: number, page: PageRequest<number> = { limit: 100 }) =>
    queryOptions({
      queryKey: reader.keys.escrow.charges(leaseId, page),
      queryFn: () => reader.q.billingEscrow.charges({ leaseId, ...page }),
    }),
  settleable: (reader: Reader, leaseId: number) =>
    queryOptions({
      queryKey: reader.keys.escrow.settleable(leaseId),
      queryFn: () => reader.q.billingEscrow.settleable({ leaseId }),
      refetchInterval: 3000,
    }),
};
