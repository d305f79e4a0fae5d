// Reads composed from the per-query factories (never a second factory for one contract query).
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import type { StatusFilter } from "../lib/types";
import type { Reader } from "./keys";
import { registryQueries } from "./registry";

/** Counting stops here: the count shows as "1000+" beyond it. */
export const COUNT_CAP = 1000;

/** How many providers the registry's status index holds under `status` (pages of 100 through the indexed query). */
export const providerCount = (r: Reader, client: QueryClient, status: StatusFilter) =>
  queryOptions({
    queryKey: [r.chainId, "derived", "provider_count", status],
    queryFn: async () => {
      let count = 0;
      let startAfter: string | undefined;
      while (count < COUNT_CAP) {
        const page = await client.fetchQuery(registryQueries.providers(r, { status, startAfter, limit: 100 }));
        count += page.providers.length;
        if (page.providers.length < 100) return { count, capped: false };
        startAfter = page.providers[page.providers.length - 1].address;
      }
      return { count, capped: true };
    },
  });
