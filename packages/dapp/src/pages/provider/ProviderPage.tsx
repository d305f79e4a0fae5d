// The provider's page: register (or register again after exiting), then the dashboard.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { ConnectPrompt, QueryError, Section } from "../../components/ui";
import { statusKind } from "../../lib/format";
import { registryQueries } from "../../queries/registry";
import { ProviderLeases } from "./ProviderLeases";
import { ListingUpdate, LivenessPanel, Overview, StakePanel } from "./ProviderPanels";
import { RegisterForm } from "./RegisterForm";

export function ProviderPage() {
  const { account, reader } = useChain();
  const provider = useQuery(registryQueries.provider(reader, account?.address ?? ""));
  const cfg = useQuery(registryQueries.config(reader));
  const [registered, setRegistered] = useState<string | null>(null);
  if (!account) return <ConnectPrompt what="register as a provider and manage your listing, stake and leases" />;
  if (provider.error || cfg.error)
    return (
      <Section title="Provider">
        <QueryError error={provider.error ?? cfg.error} />
      </Section>
    );
  if (provider.data === undefined || !cfg.data)
    return (
      <Section title="Provider">
        <p>Loading…</p>
      </Section>
    );
  const p = provider.data;
  if (p === null) return <RegisterForm account={account} bonded={0n} onRegistered={setRegistered} />;
  const exiting = statusKind(p.status) === "exiting";
  return (
    <>
      {registered && (
        <p className="tx done" role="status">
          {registered}
        </p>
      )}
      <Overview p={p} cfg={cfg.data} />
      {exiting && <RegisterForm key="again" account={account} bonded={BigInt(p.stake)} onRegistered={setRegistered} />}
      {!exiting && <ListingUpdate key={p.address} p={p} />}
      <StakePanel account={account} p={p} cfg={cfg.data} />
      <LivenessPanel p={p} cfg={cfg.data} />
      <ProviderLeases account={account} />
    </>
  );
}
