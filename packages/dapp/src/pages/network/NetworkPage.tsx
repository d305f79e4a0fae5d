import type { Route } from "../../router";
import { ProviderList } from "./ProviderList";
import { StatsPanel } from "./StatsPanel";

export function NetworkPage({ route }: { route: Route }) {
  return (
    <>
      <StatsPanel />
      <ProviderList route={route} />
    </>
  );
}
