// The provider's page: register (or register again after exiting), then the dashboard.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { ProviderAlerts } from "../../components/Alerts";
import { ProviderHistory } from "../../components/History";
import { ConnectPrompt, Pending } from "../../components/ui";
import { statusKind } from "../../lib/format";
import { registryQueries } from "../../queries/registry";
import { OperatorPanel } from "./OperatorPanel";
import { ProviderLeases } from "./ProviderLeases";
import { AgentKeyPanel, ListingUpdate, LivenessPanel, Overview } from "./ProviderPanels";
import { RegisterForm } from "./RegisterForm";
import { StakePanel } from "./StakePanel";

export function ProviderPage() {
  const { account, reader } = useChain();
  const provider = useQuery(registryQueries.provider(reader, account?.address ?? ""));
  const config = useQuery(registryQueries.config(reader));
  const [registered, setRegistered] = useState<string | null>(null);
  if (!account) return <ConnectPrompt what="register as a provider and manage your listing, stake and leases" />;
  if (provider.data === undefined || !config.data) return <Pending title="Provider" error={provider.error ?? config.error} />;
  if (provider.data === null) return <RegisterForm account={account} bonded={0n} onRegistered={setRegistered} />;
  const record = provider.data;
  const registry = config.data;
  const exiting = statusKind(record.status) === "exiting";
  return (
    <>
      {registered && (
        <p className="tx done" role="status">
          {registered}
        </p>
      )}
      <ProviderAlerts provider={record} registry={registry} />
      <Overview provider={record} registry={registry} />
      {exiting && <RegisterForm key="again" account={account} bonded={BigInt(record.stake)} onRegistered={setRegistered} />}
      {!exiting && <ListingUpdate key={record.address} provider={record} />}
      {!exiting && <AgentKeyPanel provider={record} />}
      <OperatorPanel provider={record} />
      <StakePanel account={account} provider={record} registry={registry} />
      <LivenessPanel provider={record} registry={registry} />
      <ProviderHistory provider={record} registry={registry} />
      <ProviderLeases account={account} />
    </>
  );
}
