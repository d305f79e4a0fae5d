// Network statistics: providers by status, stake, the reward epoch and its emission, rewards minted.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { QueryError, Section } from "../../components/ui";
import { epochEmission, formatCoin, formatDuration } from "../../lib/format";
import { STATUSES } from "../../lib/types";
import { providerCount } from "../../queries/derived";
import { escrowQueries } from "../../queries/escrow";
import { registryQueries } from "../../queries/registry";
import { tokenQueries } from "../../queries/token";

function StatusCount({ status }: { status: (typeof STATUSES)[number] }) {
  const { reader } = useChain();
  const client = useQueryClient();
  const q = useQuery(providerCount(reader, client, status));
  if (q.error) return <>?</>;
  if (!q.data) return <>…</>;
  return (
    <>
      {q.data.count}
      {q.data.capped ? "+" : ""}
    </>
  );
}

export function StatsPanel() {
  const { reader, book, config } = useChain();
  const stats = useQuery(registryQueries.stats(reader));
  const cfg = useQuery(registryQueries.config(reader));
  const token = useQuery(tokenQueries.tokenInfo(reader));
  const escrow = useQuery(escrowQueries.config(reader));
  if (stats.error || cfg.error)
    return (
      <Section title="Network">
        <QueryError error={stats.error ?? cfg.error} />
      </Section>
    );
  if (!stats.data || !cfg.data)
    return (
      <Section title="Network">
        <p>Loading…</p>
      </Section>
    );
  const s = stats.data;
  const c = cfg.data;
  const tokenDenom = config.addresses.rewardToken;
  return (
    <Section title="Network">
      <div className="stats" data-testid="stats">
        <div className="stat">
          <span className="stat-value" data-testid="stat-providers">
            {s.providers}
          </span>
          <span>providers registered</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="stat-active">
            {s.active_providers}
          </span>
          <span>active</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="stat-stake">
            {formatCoin(book, s.total_stake, c.stake_denom)}
          </span>
          <span>total stake</span>
        </div>
        <div className="stat">
          <span className="stat-value">{formatCoin(book, s.total_unbonding, c.stake_denom)}</span>
          <span>unbonding</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="stat-epoch">
            {s.current_epoch}
          </span>
          <span>current epoch ({formatDuration(c.epoch_seconds)} each)</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="stat-emission">
            {formatCoin(book, epochEmission(c.emission_per_epoch, c.halving_epochs, s.current_epoch), tokenDenom)}
          </span>
          <span>emission this epoch{c.halving_epochs ? `, halving every ${c.halving_epochs} epochs` : ", no halving"}</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="stat-minted">
            {formatCoin(book, s.rewards_minted, tokenDenom)}
          </span>
          <span>rewards minted{token.data?.total_supply ? ` (supply ${formatCoin(book, token.data.total_supply, tokenDenom)})` : ""}</span>
        </div>
        {escrow.data && (
          <div className="stat">
            <span className="stat-value">{escrow.data.fee_bps / 100} %</span>
            <span>protocol fee</span>
          </div>
        )}
      </div>
      <h3>Providers by indexed status</h3>
      <table className="compact" data-testid="status-counts">
        <tbody>
          <tr>
            {STATUSES.map((st) => (
              <th key={st}>{st}</th>
            ))}
          </tr>
          <tr>
            {STATUSES.map((st) => (
              <td key={st} data-testid={`count-${st}`}>
                <StatusCount status={st} />
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="hint">
        Counts come from the registry's status index, which keeps a provider's stored status until its next change or a <code>refresh</code>
        ; a provider's own record always shows its effective status (an active provider below the minimum stake of{" "}
        {formatCoin(book, c.min_stake, c.stake_denom)} reads inactive).
      </p>
    </Section>
  );
}
