import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { NetworkHistory } from "../../components/History";
import { registryQueries } from "../../queries/registry";
import type { Route } from "../../router";
import { ProviderList } from "./ProviderList";
import { StatsPanel, useStatsSettled } from "./StatsPanel";

export function NetworkPage({ route }: { route: Route }) {
  // The list waits for the stats above it: a panel growing above would push it down (a layout shift on a slow link).
  const statsSettled = useStatsSettled();
  const { reader } = useChain();
  const registry = useQuery(registryQueries.config(reader));
  return (
    <>
      <StatsPanel />
      {statsSettled && <ProviderList route={route} />}
      {/* Below the list: charts drawn late never push what a visitor reads first. */}
      {statsSettled && registry.data && <NetworkHistory registry={registry.data} />}
    </>
  );
}
