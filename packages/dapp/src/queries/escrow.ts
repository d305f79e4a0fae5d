// Query factories of the billing escrow: one per contract query.
import { queryOptions } from "@tanstack/react-query";
import type { Reader } from "./keys";

export const escrowQueries = {
  config: (r: Reader) =>
    queryOptions({ queryKey: [r.chainId, "escrow", "config"], queryFn: () => r.q.billingEscrow.config(), staleTime: 30_000 }),
  lease: (r: Reader, leaseId: number) =>
    queryOptions({ queryKey: [r.chainId, "escrow", "lease", leaseId], queryFn: () => r.q.billingEscrow.lease({ leaseId }) }),
  leasesByConsumer: (r: Reader, consumer: string, page: { startAfter?: number; limit: number }) =>
    queryOptions({
      queryKey: [r.chainId, "escrow", "leases_by_consumer", consumer, page],
      queryFn: () => r.q.billingEscrow.leasesByConsumer({ consumer, ...page }),
      enabled: !!consumer,
    }),
  leasesByProvider: (r: Reader, provider: string, page: { startAfter?: number; limit: number }) =>
    queryOptions({
      queryKey: [r.chainId, "escrow", "leases_by_provider", provider, page],
      queryFn: () => r.q.billingEscrow.leasesByProvider({ provider, ...page }),
      enabled: !!provider,
    }),
  charges: (r: Reader, leaseId: number, page: { startAfter?: number; limit: number } = { limit: 100 }) =>
    queryOptions({
      queryKey: [r.chainId, "escrow", "charges", leaseId, page],
      queryFn: () => r.q.billingEscrow.charges({ leaseId, ...page }),
    }),
  settleable: (r: Reader, leaseId: number) =>
    queryOptions({
      queryKey: [r.chainId, "escrow", "settleable", leaseId],
      queryFn: () => r.q.billingEscrow.settleable({ leaseId }),
      refetchInterval: 3000,
    }),
};
