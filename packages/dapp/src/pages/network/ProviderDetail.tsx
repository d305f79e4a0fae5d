// One provider's page: listing, agent key, operator, prices, capacity, stake, rewards, reputation, proofs of service and attestations.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { ProviderHistory } from "../../components/History";
import { LivenessFacts } from "../../components/LivenessFacts";
import { Address, Fact, Facts, Pending, Section, useNow } from "../../components/ui";
import { coinMeta, formatCoin, formatProviderStatus, formatTimestamp, serviceLabel, timeAgo } from "../../lib/format";
import { agentKeyHex } from "../../lib/liveness";
import type { Denom, ProviderResponse } from "../../lib/types";
import { registryQueries } from "../../queries/registry";
import { href } from "../../router";

export function ProviderDetail({ address }: { address: string }) {
  const { reader } = useChain();
  const provider = useQuery(registryQueries.provider(reader, address));
  const config = useQuery(registryQueries.config(reader));
  if (provider.data === undefined || !config.data) return <Pending title="Provider" error={provider.error ?? config.error} />;
  if (provider.data === null) {
    return (
      <Section title="Provider">
        <p role="alert">{address} is not a registered provider.</p>
      </Section>
    );
  }
  return (
    <>
      <ProviderFacts provider={provider.data} stakeDenom={config.data.stake_denom} />
      <ProviderPrices provider={provider.data} />
      <ProviderReputation provider={provider.data} />
      <ProviderHistory provider={provider.data} registry={config.data} />
    </>
  );
}

function ProviderFacts({ provider, stakeDenom }: { provider: ProviderResponse; stakeDenom: Denom }) {
  const { book, config } = useChain();
  const now = useNow();
  return (
    <Section title={`Provider ${provider.address}`}>
      <p>
        <a href={href("/network")}>← all providers</a> ·{" "}
        <a href={href("/consumer", { provider: provider.address })}>Lease from this provider</a>
      </p>
      <Facts>
        <Fact term="Status">
          <span data-testid="provider-status">{formatProviderStatus(provider.status, now)}</span>
        </Fact>
        <Fact term="Service">{serviceLabel(provider.service)}</Fact>
        <Fact term="Region">{provider.region}</Fact>
        <Fact term="Endpoint">{provider.endpoint}</Fact>
        <Fact term="Capacity">
          <span data-testid="provider-capacity">
            {provider.capacity.amount} {provider.capacity.unit}
          </span>
        </Fact>
        <Fact term="Stake">
          <span data-testid="provider-stake">{formatCoin(book, provider.stake, stakeDenom)}</span>
        </Fact>
        <Fact term="Unbonding">{formatCoin(book, provider.unbonding, stakeDenom)}</Fact>
        <Fact term="Open disputes">
          <span data-testid="provider-disputes">
            {provider.open_disputes}
            {provider.open_disputes > 0 ? " — its stake is held: claims of unbonded stake wait until every dispute is resolved" : ""}
          </span>
        </Fact>
        <Fact term="Agent key">
          <span data-testid="provider-agent-key" className="mono">
            {agentKeyHex(provider.agent_pubkey) ?? "none: no oracle can prove it live, so it earns no stake rewards"}
          </span>
        </Fact>
        <Fact term="Operator">
          <span data-testid="provider-operator">
            {provider.operator ? <Address address={provider.operator} /> : "none: only the provider acts for itself"}
          </span>
        </Fact>
        <Fact term="Pending rewards">
          <span data-testid="provider-pending">{formatCoin(book, provider.pending_rewards, config.addresses.rewardToken)}</span>
        </Fact>
        <Fact term="Unproven rewards">
          <span data-testid="provider-unproven">
            {formatCoin(book, provider.unproven_rewards, config.addresses.rewardToken)} (claimable once an oracle proves their epoch)
          </span>
        </Fact>
        <Fact term="Registered">{formatTimestamp(provider.registered_at)}</Fact>
        <Fact term="Metadata">{provider.metadata_uri ?? "–"}</Fact>
      </Facts>
    </Section>
  );
}

function ProviderPrices({ provider }: { provider: ProviderResponse }) {
  const { book } = useChain();
  return (
    <Section title="Prices">
      <table data-testid="provider-prices">
        <thead>
          <tr>
            <th>Denom</th>
            <th>Price per {provider.capacity.unit}</th>
          </tr>
        </thead>
        <tbody>
          {provider.prices.map((price) => (
            <tr key={JSON.stringify(price.denom)}>
              <td>{coinMeta(book, price.denom).symbol}</td>
              <td>{formatCoin(book, price.per_unit, price.denom)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function ProviderReputation({ provider }: { provider: ProviderResponse }) {
  const { book, reader } = useChain();
  const now = useNow();
  const stats = useQuery(registryQueries.stats(reader));
  const reputation = provider.reputation;
  const capacity = reputation.attested_capacity;
  return (
    <Section title="Reputation and attestations">
      <Facts>
        <Fact term="Attested score">
          <span data-testid="attested-score">{reputation.attested_score ?? "no attestation"}</span>
        </Fact>
        <Fact term="Attested capacity">
          <span data-testid="attested-capacity">{capacity ? `${capacity.amount} ${capacity.unit}` : "no attestation"}</span>
        </Fact>
        <LivenessFacts reputation={reputation} currentEpoch={stats.data?.current_epoch} />
        <Fact term="Heartbeats">
          <span data-testid="heartbeats">{reputation.heartbeats}</span>
        </Fact>
        <Fact term="Last heartbeat">
          {reputation.last_heartbeat
            ? `${formatTimestamp(reputation.last_heartbeat)} (${timeAgo(reputation.last_heartbeat, now)})`
            : "never"}
        </Fact>
        <Fact term="Usage units">{reputation.usage_units}</Fact>
        <Fact term="Revenue">
          {reputation.revenue.length ? reputation.revenue.map((coin) => formatCoin(book, coin.amount, coin.denom)).join(", ") : "none"}
        </Fact>
        <Fact term="Leases settled">{reputation.leases_settled}</Fact>
        <Fact term="Disputes lost">{reputation.disputes_lost}</Fact>
        <Fact term="Slashes">{reputation.slashes}</Fact>
      </Facts>
    </Section>
  );
}
