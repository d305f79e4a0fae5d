// Query factories of the billing escrow: one per contract query.
import { queryOptions } from "@tanstack/react-query";
import type { PageRequest } from "./keys";
import type { Reader } from "./reader";

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
