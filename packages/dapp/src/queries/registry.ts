// Query factories of the provider registry: one per contract query (TanStack Query v5 options over the generated query client).
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { isNotFound } from "../lib/errors";
import type { ProviderResponse, StatusFilter } from "../lib/types";
import type { PageRequest, ProvidersFilter } from "./keys";
import type { Reader } from "./reader";

/** Counting stops here: the count shows as "1000+" beyond it. */
export const COUNT_CAP = 1000;
const COUNT_PAGE = 100;

export const registryQueries = {
  config: (reader: Reader) =>
    queryOptions({ queryKey: reader.keys.registry.config(), queryFn: () => reader.q.providerRegistry.config(), staleTime: 60_000 }),
  /** The provider record with its effective status; null when the address is not registered. */
  provider: (reader: Reader, address: string) =>
    queryOptions({
      queryKey: reader.keys.registry.provider(address),
      queryFn: async (): Promise<ProviderResponse | null> => {
        try {
          return await reader.q.providerRegistry.provider({ address });
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      },
      enabled: !!address,
    }),
  /** One page of the indexed providers query. */
  providers: (reader: Reader, filter: ProvidersFilter) =>
    queryOptions({ queryKey: reader.keys.registry.providers(filter), queryFn: () => reader.q.providerRegistry.providers(filter) }),
  /** One page of the providers that named `operator` (its fleet), in address order. */
  fleet: (reader: Reader, operator: string, page: PageRequest<string>) =>
    queryOptions({
      queryKey: reader.keys.registry.fleet(operator, page),
      queryFn: () => reader.q.providerRegistry.providersByOperator({ operator, ...page }),
      enabled: !!operator,
    }),
  /** How many providers the registry's status index holds under `status` (pages of 100 through the indexed query). */
  providerCount: (reader: Reader, client: QueryClient, status: StatusFilter) =>
    queryOptions({
      queryKey: reader.keys.registry.providerCount(status),
      queryFn: async () => {
        let count = 0;
        let startAfter: string | undefined;
        while (count < COUNT_CAP) {
          const page = await client.fetchQuery(registryQueries.providers(reader, { status, startAfter, limit: COUNT_PAGE }));
          count += page.providers.length;
          const last = page.providers.at(-1);
          if (page.providers.length < COUNT_PAGE || !last) return { count, capped: false };
          startAfter = last.address;
        }
        return { count, capped: true };
      },
    }),
  pendingRewards: (reader: Reader, address: string) =>
    queryOptions({
      queryKey: reader.keys.registry.pendingRewards(address),
      queryFn: () => reader.q.providerRegistry.pendingRewards({ address }),
      enabled: !!address,
    }),
  claims: (reader: Reader, address: string) =>
    queryOptions({
      queryKey: reader.keys.registry.claims(address),
      queryFn: () => reader.q.providerRegistry.claims({ address }),
      enabled: !!address,
    }),
  stats: (reader: Reader) => queryOptions({ queryKey: reader.keys.registry.stats(), queryFn: () => reader.q.providerRegistry.stats() }),
};
