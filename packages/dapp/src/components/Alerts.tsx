// Alerts on the pages where they matter (a lease card, the provider's
// dashboard, a proposal) and a summary of every alert of the connected wallet
// under the header. They are read from the chain (lib/alerts.ts), so they work
// without the indexer.
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Account, useChain } from "../chain/ChainProvider";
import { type Alert, claimAlert, leaseAlerts, livenessAlerts, maturedClaims, sortAlerts, voteAlert } from "../lib/alerts";
import { epochAt } from "../lib/history";
import type { LeaseResponse, ProposalResponse, ProviderResponse, RegistryConfig } from "../lib/types";
import { daoQueries } from "../queries/dao";
import { escrowQueries } from "../queries/escrow";
import { registryQueries } from "../queries/registry";
import { useNow } from "./ui";

export function AlertList({ alerts, links = false }: { alerts: Alert[]; links?: boolean }) {
  if (alerts.length === 0) return null;
  return (
    <ul className="alerts">
      {alerts.map((alert) => (
        <li key={alert.key} className={`alert ${alert.level}`} data-testid={`alert-${alert.kind}`} data-key={alert.key}>
          {alert.text}
          {links && (
            <>
              {" "}
              <a href={alert.href}>Go there</a>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A lease's alerts for the party looking at it. */
export function LeaseAlerts({ lease, party }: { lease: LeaseResponse; party: "consumer" | "provider" }) {
  const { book } = useChain();
  const now = useNow(10_000);
  return <AlertList alerts={leaseAlerts(lease, party, now, book)} />;
}

/** The current epoch by this computer's clock (the registry's epochs are fixed lengths from its genesis). */
function useCurrentEpoch(registry: RegistryConfig | undefined): number | undefined {
  const now = useNow(10_000);
  return registry && epochAt(`${BigInt(now) * 1_000_000n}`, registry.genesis_time, registry.epoch_seconds);
}

/** A provider's own alerts: proof of service, and rewards or stake to claim. */
export function providerAlerts(
  provider: ProviderResponse,
  registry: RegistryConfig,
  currentEpoch: number,
  claimable: bigint,
  book: ReturnType<typeof useChain>["book"],
  rewardToken: string,
): Alert[] {
  return [
    ...livenessAlerts(provider, registry, currentEpoch, "#/provider"),
    ...claimAlert("rewards", BigInt(provider.pending_rewards), rewardToken, book, "#/provider"),
    ...claimAlert("stake", claimable, registry.stake_denom, book, "#/provider"),
  ];
}

export function ProviderAlerts({ provider, registry }: { provider: ProviderResponse; registry: RegistryConfig }) {
  const { reader, book, config } = useChain();
  const now = useNow(10_000);
  const claims = useQuery(registryQueries.claims(reader, provider.address));
  const epoch = useCurrentEpoch(registry) ?? 0;
  const claimable = maturedClaims(claims.data?.claims ?? [], now);
  return <AlertList alerts={sortAlerts(providerAlerts(provider, registry, epoch, claimable, book, config.addresses.rewardToken))} />;
}

/** Every alert of the connected wallet: as consumer, provider and DAO member. */
function useWalletAlerts(account: Account): Alert[] {
  const { reader, book, config } = useChain();
  const client = useQueryClient();
  const now = useNow(10_000);
  const address = account.address;
  const consumerLeases = useQuery(escrowQueries.attention(reader, client, "consumer", address));
  const providerLeases = useQuery(escrowQueries.attention(reader, client, "provider", address));
  const provider = useQuery(registryQueries.provider(reader, address));
  const registry = useQuery(registryQueries.config(reader));
  const stakeClaims = useQuery(registryQueries.claims(reader, address));
  const daoClaims = useQuery(daoQueries.claims(reader, address));
  const open = useQuery(daoQueries.open(reader, client));
  const epoch = useCurrentEpoch(registry.data);
  // Only proposals ending within a day need the member's vote and power read.
  const ending = (open.data ?? []).filter((proposal) => voteAlert(proposal, false, 1n, now).length > 0);
  const votes = useQueries({ queries: ending.map((proposal) => daoQueries.vote(reader, proposal.id, address)) });
  const powers = useQueries({ queries: ending.map((proposal) => daoQueries.votingPower(reader, address, proposal.start_height)) });
  const alerts: Alert[] = [];
  for (const lease of consumerLeases.data ?? []) alerts.push(...leaseAlerts(lease, "consumer", now, book));
  for (const lease of providerLeases.data ?? []) alerts.push(...leaseAlerts(lease, "provider", now, book));
  if (provider.data && registry.data && epoch !== undefined)
    alerts.push(
      ...providerAlerts(
        provider.data,
        registry.data,
        epoch,
        maturedClaims(stakeClaims.data?.claims ?? [], now),
        book,
        config.addresses.rewardToken,
      ),
    );
  alerts.push(...claimAlert("unstaked", maturedClaims(daoClaims.data?.claims ?? [], now), config.addresses.rewardToken, book, "#/dao"));
  ending.forEach((proposal: ProposalResponse, i) => {
    const vote = votes[i]?.data;
    const power = powers[i]?.data;
    if (vote && power) alerts.push(...voteAlert(proposal, !!vote.vote, BigInt(power.power), now));
  });
  return sortAlerts(alerts);
}

/** The summary under the header: nothing when no wallet is connected or nothing needs attention. */
export function WalletAlerts() {
  const { account } = useChain();
  return account ? <WalletAlertsOf account={account} /> : null;
}

function WalletAlertsOf({ account }: { account: Account }) {
  const alerts = useWalletAlerts(account);
  if (alerts.length === 0) return null;
  const warnings = alerts.filter((alert) => alert.level === "warning").length;
  return (
    <section className="card wallet-alerts" aria-label="Alerts for your wallet" data-testid="wallet-alerts">
      <details open={warnings > 0}>
        <summary>
          <strong>
            {alerts.length} alert{alerts.length === 1 ? "" : "s"} for your wallet
          </strong>
          {warnings > 0 ? ` (${warnings} to act on)` : ""}
        </summary>
        <AlertList alerts={alerts} links />
      </details>
    </section>
  );
}

/** On a proposal's card: its vote ends within a day and the connected member has not voted. */
export function ProposalVoteAlert({ proposal }: { proposal: ProposalResponse }) {
  const { reader, account } = useChain();
  const now = useNow(10_000);
  const ending = voteAlert(proposal, false, 1n, now).length > 0;
  const address = ending ? (account?.address ?? "") : "";
  const vote = useQuery(daoQueries.vote(reader, proposal.id, address));
  const power = useQuery(daoQueries.votingPower(reader, address, proposal.start_height));
  if (!vote.data || !power.data) return null;
  return <AlertList alerts={voteAlert(proposal, !!vote.data.vote, BigInt(power.data.power), now)} />;
}
