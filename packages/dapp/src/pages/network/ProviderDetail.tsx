// One provider's page: listing, prices, capacity, stake, reputation and attestations.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { Dl, QueryError, Section, useNow } from "../../components/ui";
import { coinMeta, formatCoin, formatProviderStatus, formatTimestamp, serviceLabel, timeLeft } from "../../lib/format";
import { registryQueries } from "../../queries/registry";
import { href } from "../../router";

export function ProviderDetail({ address }: { address: string }) {
  const { reader, book, config } = useChain();
  const now = useNow();
  const provider = useQuery(registryQueries.provider(reader, address));
  const cfg = useQuery(registryQueries.config(reader));
  if (provider.error)
    return (
      <Section title="Provider">
        <QueryError error={provider.error} />
      </Section>
    );
  if (provider.data === undefined || !cfg.data)
    return (
      <Section title="Provider">
        <p>Loading…</p>
      </Section>
    );
  const p = provider.data;
  if (p === null)
    return (
      <Section title="Provider">
        <p role="alert">{address} is not a registered provider.</p>
      </Section>
    );
  const stakeDenom = cfg.data.stake_denom;
  const r = p.reputation;
  return (
    <>
      <Section title={`Provider ${p.address}`}>
        <p>
          <a href={href("/network")}>← all providers</a> · <a href={href("/consumer", { provider: p.address })}>Lease from this provider</a>
        </p>
        <Dl
          rows={[
            ["Status", <span data-testid="provider-status">{formatProviderStatus(p.status, now)}</span>],
            ["Service", serviceLabel(p.service)],
            ["Region", p.region],
            ["Endpoint", p.endpoint],
            [
              "Capacity",
              <span data-testid="provider-capacity">
                {p.capacity.amount} {p.capacity.unit}
              </span>,
            ],
            ["Stake", <span data-testid="provider-stake">{formatCoin(book, p.stake, stakeDenom)}</span>],
            ["Unbonding", formatCoin(book, p.unbonding, stakeDenom)],
            [
              "Open disputes",
              <span data-testid="provider-disputes">
                {p.open_disputes}
                {p.open_disputes > 0 ? " — its stake is held: claims of unbonded stake wait until every dispute is resolved" : ""}
              </span>,
            ],
            ["Pending rewards", formatCoin(book, p.pending_rewards, config.addresses.rewardToken)],
            ["Registered", formatTimestamp(p.registered_at)],
            ["Metadata", p.metadata_uri ?? "–"],
          ]}
        />
      </Section>
      <Section title="Prices">
        <table data-testid="provider-prices">
          <thead>
            <tr>
              <th>Denom</th>
              <th>Price per {p.capacity.unit}</th>
            </tr>
          </thead>
          <tbody>
            {p.prices.map((x) => (
              <tr key={JSON.stringify(x.denom)}>
                <td>{coinMeta(book, x.denom).symbol}</td>
                <td>{formatCoin(book, x.per_unit, x.denom)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Reputation and attestations">
        <Dl
          rows={[
            ["Attested score", <span data-testid="attested-score">{r.attested_score ?? "no attestation"}</span>],
            [
              "Attested capacity",
              <span data-testid="attested-capacity">
                {r.attested_capacity ? `${r.attested_capacity.amount} ${r.attested_capacity.unit}` : "no attestation"}
              </span>,
            ],
            ["Heartbeats", <span data-testid="heartbeats">{r.heartbeats}</span>],
            ["Last heartbeat", r.last_heartbeat ? `${formatTimestamp(r.last_heartbeat)} (${timeLeft(r.last_heartbeat, now)})` : "never"],
            ["Usage units", r.usage_units],
            ["Revenue", r.revenue.length ? r.revenue.map((x) => formatCoin(book, x.amount, x.denom)).join(", ") : "none"],
            ["Leases settled", r.leases_settled],
            ["Disputes lost", r.disputes_lost],
            ["Slashes", r.slashes],
          ]}
        />
      </Section>
    </>
  );
}
