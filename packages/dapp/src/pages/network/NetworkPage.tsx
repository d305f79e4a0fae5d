import type { Route } from "../../router";
import { ProviderList } from "./ProviderList";
import { StatsPanel, useStatsSettled } from "./StatsPanel";

export function NetworkPage({ route }: { route: Route }) {
  // The list waits for the stats above it: a panel growing above would push it down (a layout shift on a slow link).
  const statsSettled = useStatsSettled();
  return (
    <>
      <StatsPanel />
      {statsSettled && <ProviderList route={route} />}
    </>
  );
}
