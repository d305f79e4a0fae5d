// Query factories of the provider registry: one per contract query (TanStack Query v5 options over the generated query client).
import { queryOptions } from "@tanstack/react-query";
import { isNotFound } from "../lib/errors";
import type { ProviderResponse, Service, StatusFilter } from "../lib/types";
import type { Reader } from "./keys";

export const registryQueries = {
  config: (r: Reader) =>
    queryOptions({ queryKey: [r.chainId, "registry", "config"], queryFn: () => r.q.providerRegistry.config(), staleTime: 60_000 }),
  /** The provider record with its effective status; null when the address is not registered. */
  provider: (r: Reader, address: string) =>
    queryOptions({
      queryKey: [r.chainId, "registry", "provider", address],
      queryFn: async (): Promise<ProviderResponse | null> => {
        try {
          return await r.q.providerRegistry.provider({ address });
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      },
      enabled: !!address,
    }),
  /** One page of the indexed providers query. */
  providers: (r: Reader, filter: { service?: Service; region?: string; status?: StatusFilter; startAfter?: string; limit: number }) =>
    queryOptions({
      queryKey: [r.chainId, "registry", "providers", filter],
      queryFn: () => r.q.providerRegistry.providers(filter),
    }),
  pendingRewards: (r: Reader, address: string) =>
    queryOptions({
      queryKey: [r.chainId, "registry", "pending_rewards", address],
      queryFn: () => r.q.providerRegistry.pendingRewards({ address }),
      enabled: !!address,
    }),
  claims: (r: Reader, address: string) =>
    queryOptions({
      queryKey: [r.chainId, "registry", "claims", address],
      queryFn: () => r.q.providerRegistry.claims({ address }),
      enabled: !!address,
    }),
  stats: (r: Reader) => queryOptions({ queryKey: [r.chainId, "registry", "stats"], queryFn: () => r.q.providerRegistry.stats() }),
};
