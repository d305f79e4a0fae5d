// Network statistics: providers by status, stake, the reward epoch and its emission, rewards minted.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useChain } from "../../chain/ChainProvider";
import { Pending, Section } from "../../components/ui";
import { epochEmission, formatCoin, formatDuration } from "../../lib/format";
import { type RegistryConfig, type RegistryStats, STATUSES, type StatusFilter } from "../../lib/types";
import { escrowQueries } from "../../queries/escrow";
import { registryQueries } from "../../queries/registry";
import { tokenQueries } from "../../queries/token";

/** The reads the stats panel shows: it renders once they are all in, at its full height. */
export function useStatsSettled(): boolean {
  const { reader } = useChain();
  const reads = [
    useQuery(registryQueries.stats(reader)),
    useQuery(registryQueries.config(reader)),
    useQuery(tokenQueries.tokenInfo(reader)),
    useQuery(escrowQueries.config(reader)),
  ];
  return reads.every((read) => read.data !== undefined || read.error);
}

export function StatsPanel() {
  const { reader, book } = useChain();
  const stats = useQuery(registryQueries.stats(reader));
  const config = useQuery(registryQueries.config(reader));
  const settled = useStatsSettled();
  if (!stats.data || !config.data || !settled) return <Pending title="Network" error={stats.error ?? config.error} />;
  const registry = config.data;
  return (
    <Section title="Network">
      <Stats stats={stats.data} registry={registry} />
      <h3>Providers by indexed status</h3>
      <table className="compact" data-testid="status-counts">
        <tbody>
          <tr>
            {STATUSES.map((status) => (
              <th key={status}>{status}</th>
            ))}
          </tr>
          <tr>
            {STATUSES.map((status) => (
              <td key={status} data-testid={`count-${status}`}>
                <StatusCount status={status} />
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="hint">
        Counts come from the registry's status index, which keeps a provider's stored status until its next change or a <code>refresh</code>
        ; a provider's own record always shows its effective status (an active provider below the minimum stake of{" "}
        {formatCoin(book, registry.min_stake, registry.stake_denom)} reads inactive).
      </p>
    </Section>
  );
}

function Stat({ value, testId, children }: { value: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <div className="stat">
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      <span>{children}</span>
    </div>
  );
}

function Stats({ stats, registry }: { stats: RegistryStats; registry: RegistryConfig }) {
  const { reader, book, config } = useChain();
  const token = useQuery(tokenQueries.tokenInfo(reader));
  const escrow = useQuery(escrowQueries.config(reader));
  const tokenDenom = config.addresses.rewardToken;
  const emission = epochEmission(registry.emission_per_epoch, registry.halving_epochs, stats.current_epoch);
  const supply = token.data?.total_supply;
  return (
    <div className="stats" data-testid="stats">
      <Stat value={stats.providers} testId="stat-providers">
        providers registered
      </Stat>
      <Stat value={stats.active_providers} testId="stat-active">
        active
      </Stat>
      <Stat value={formatCoin(book, stats.total_stake, registry.stake_denom)} testId="stat-stake">
        total stake
      </Stat>
      <Stat value={formatCoin(book, stats.total_unbonding, registry.stake_denom)}>unbonding</Stat>
      <Stat value={stats.current_epoch} testId="stat-epoch">
        current epoch ({formatDuration(registry.epoch_seconds)} each)
      </Stat>
      <Stat value={formatCoin(book, emission, tokenDenom)} testId="stat-emission">
        emission this epoch{registry.halving_epochs ? `, halving every ${registry.halving_epochs} epochs` : ", no halving"}
      </Stat>
      <Stat value={formatCoin(book, stats.rewards_minted, tokenDenom)} testId="stat-minted">
        rewards minted{supply ? ` (supply ${formatCoin(book, supply, tokenDenom)})` : ""}
      </Stat>
      {escrow.data && <Stat value={`${escrow.data.fee_bps / 100} %`}>protocol fee</Stat>}
    </div>
  );
}

function StatusCount({ status }: { status: StatusFilter }) {
  const { reader } = useChain();
  const client = useQueryClient();
  const count = useQuery(registryQueries.providerCount(reader, client, status));
  if (count.error) return <>?</>;
  if (!count.data) return <>…</>;
  return (
    <>
      {count.data.count}
      {count.data.capped ? "+" : ""}
    </>
  );
}
