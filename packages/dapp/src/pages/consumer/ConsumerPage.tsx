import { useChain } from "../../chain/ChainProvider";
import { ConnectPrompt } from "../../components/ui";
import type { Route } from "../../router";
import { ConsumerLeases } from "./ConsumerLeases";
import { OpenLease } from "./OpenLease";

export function ConsumerPage({ route }: { route: Route }) {
  const { account } = useChain();
  if (!account) return <ConnectPrompt what="lease from a provider and pay for what you use" />;
  return (
    <>
      <OpenLease account={account} route={route} />
      <ConsumerLeases account={account} />
    </>
  );
}
