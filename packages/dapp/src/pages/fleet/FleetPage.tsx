// The fleet page (issue 26): the connected wallet as an operator. The providers that named it
// (providers_by_operator, paged), each with its liveness, rewards and leases; the page's totals;
// and one claim_rewards {providers} for those of the page with pending rewards, minted to each provider.
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { GAS, useTx } from "../../chain/tx";
import { Pager, usePager } from "../../components/Pager";
import { Address, ConnectPrompt, Fact, Facts, QueryError, Section, TxStatus, useNow } from "../../components/ui";
import { errorToSentence } from "../../lib/errors";
import { claimMessage, fleetClaim, fleetPageSize, fleetTotals, mintedByClaim } from "../../lib/fleet";
import { formatCoin, formatProviderStatus } from "../../lib/format";
import { formatLeaseCount, type LeaseCount } from "../../lib/leaseCount";
import { formatCurrentEpoch, formatLastProven, formatProofCounts } from "../../lib/liveness";
import type { ProviderResponse } from "../../lib/types";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";
import { registryQueries } from "../../queries/registry";
import { href, navigate, type Route } from "../../router";

const PAGE_SIZES = [2, 5, 10, 25, 50, 100];

export function FleetPage({ route }: { route: Route }) {
  const { account } = useChain();
  if (!account) return <ConnectPrompt what="see the providers that named it their operator, and claim their rewards" />;
  return <Fleet key={account.address} operator={account.address} limit={fleetPageSize(route.params)} />;
}

function Fleet({ operator, limit }: { operator: string; limit: number }) {
  const { reader } = useChain();
  const queryClient = useQueryClient();
  const pager = usePager<string>(`${operator}:${limit}`);
  const page = useQuery(registryQueries.fleet(reader, operator, { startAfter: pager.startAfter, limit }));
  const stats = useQuery(registryQueries.stats(reader));
  const providers = page.data?.providers ?? [];
  const leases = useQueries({ queries: providers.map((provider) => escrowQueries.leaseCount(reader, queryClient, provider.address)) });
  const epoch = stats.data?.current_epoch;
  return (
    <>
      <Section title="Your fleet">
        <p>
          The providers that named this wallet (<Address address={operator} />) their operator: as their fleet agent's hot key it may report
          usage, redeem receipts and settle their leases, and claim their rewards, which are minted to each provider.
        </p>
        {page.error ? (
          <QueryError error={page.error} />
        ) : !page.data ? (
          <p>Loading…</p>
        ) : providers.length === 0 ? (
          <p data-testid="no-fleet">
            {pager.pageNumber > 1 ? (
              "No more providers: the fleet ends on the previous page."
            ) : (
              <>
                No provider has named this wallet its operator, so it operates no fleet. A provider names its operator on its own dashboard
                (<a href={href("/provider")}>Provider</a>, panel “Operator”) with this wallet's address; its providers then show here with
                their liveness, rewards and leases.
              </>
            )}
          </p>
        ) : (
          <FleetTable providers={providers} leases={leases.map((query) => ({ count: query.data, error: query.error }))} epoch={epoch} />
        )}
        <Pager pager={pager} items={providers} pageSize={limit} cursorOf={(provider) => provider.address}>
          <label>
            per page
            <select aria-label="Page size" value={limit} onChange={(e) => navigate("/fleet", { limit: e.target.value })}>
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
        </Pager>
      </Section>
      {providers.length > 0 && (
        <PageTotals
          providers={providers}
          leases={leases.map((query) => query.data)}
          epoch={epoch}
          operator={operator}
          pageNumber={pager.pageNumber}
        />
      )}
    </>
  );
}

function FleetTable({
  providers,
  leases,
  epoch,
}: {
  providers: ProviderResponse[];
  leases: { count: LeaseCount | undefined; error: unknown }[];
  epoch: number | undefined;
}) {
  const { book, config } = useChain();
  const now = useNow(5000);
  const token = config.addresses.rewardToken;
  return (
    <table className="stack" data-testid="fleet-table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Status</th>
          <th>Epochs</th>
          <th>Last proven</th>
          <th>Current epoch</th>
          <th>Pending rewards</th>
          <th>Unproven rewards</th>
          <th>Leases</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((provider, i) => {
          const lease = leases[i];
          return (
            <tr key={provider.address} data-testid="fleet-row" data-address={provider.address}>
              <td data-label="Provider">
                <Address address={provider.address} href={href(`/providers/${provider.address}`)} />
              </td>
              <td data-label="Status">{formatProviderStatus(provider.status, now)}</td>
              <td data-label="Epochs" data-testid="fleet-proofs">
                {formatProofCounts(provider.reputation)}
              </td>
              <td data-label="Last proven" data-testid="fleet-last-proven">
                {formatLastProven(provider.reputation)}
              </td>
              <td data-label="Current epoch" data-testid="fleet-current-proof">
                {epoch === undefined ? "…" : formatCurrentEpoch(provider.reputation, epoch)}
              </td>
              <td data-label="Pending" data-testid="fleet-pending">
                {formatCoin(book, provider.pending_rewards, token)}
              </td>
              <td data-label="Unproven" data-testid="fleet-unproven">
                {formatCoin(book, provider.unproven_rewards, token)}
              </td>
              <td data-label="Leases" data-testid="fleet-leases">
                {lease?.count ? formatLeaseCount(lease.count) : lease?.error ? errorToSentence(lease.error) : "…"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The page's totals and the one claim for its providers with pending rewards. */
function PageTotals({
  providers,
  leases,
  epoch,
  operator,
  pageNumber,
}: {
  providers: ProviderResponse[];
  leases: (LeaseCount | undefined)[];
  epoch: number | undefined;
  operator: string;
  pageNumber: number;
}) {
  const { book, config, reader } = useChain();
  const tx = useTx();
  const token = config.addresses.rewardToken;
  const totals = fleetTotals(providers, leases, epoch);
  const claim = fleetClaim(providers, operator);
  const send = () => {
    // Checked again at the click, on the figures shown: nothing is sent for a provider without pending rewards.
    const checked = fleetClaim(providers, operator);
    if (!checked.ok) return tx.fail(checked.error);
    const count = checked.providers.length;
    void tx.run({
      label: `Claim rewards for ${count === 1 ? "1 provider" : `${count} providers`}`,
      send: (sender) => sender.clients.providerRegistry.claimRewards({ providers: checked.providers }, GAS),
      changes: changedBy.fleetRewards(reader.keys, checked.providers),
      done: (result) => claimMessage(mintedByClaim(result.events), count, (amount) => formatCoin(book, amount, token)),
    });
  };
  return (
    <Section title={`Totals of page ${pageNumber}`}>
      <Facts>
        <Fact term="Providers">
          <span data-testid="fleet-total-providers">{totals.providers}</span>
        </Fact>
        <Fact term="Proven this epoch">
          <span data-testid="fleet-total-proven">
            {totals.provenThisEpoch === undefined ? "…" : `${totals.provenThisEpoch} of ${totals.providers}`}
          </span>
        </Fact>
        <Fact term="Pending rewards">
          <span data-testid="fleet-total-pending">{formatCoin(book, totals.pending, token)}</span>
        </Fact>
        <Fact term="Unproven rewards">
          <span data-testid="fleet-total-unproven">{formatCoin(book, totals.unproven, token)}</span>
        </Fact>
        <Fact term="Leases">
          <span data-testid="fleet-total-leases">{totals.leases ? formatLeaseCount(totals.leases) : "…"}</span>
        </Fact>
      </Facts>
      <div className="actions">
        <button type="button" onClick={send} disabled={tx.pending || !claim.ok} aria-describedby="fleet-claim-hint">
          Claim rewards for these providers{claim.ok ? ` (${claim.providers.length})` : ""}
        </button>
        <span className="hint" id="fleet-claim-hint" data-testid="fleet-claim-hint">
          {claim.ok
            ? `One claim_rewards for the ${claim.providers.length === 1 ? "provider" : `${claim.providers.length} providers`} of this page with pending rewards (${formatCoin(book, claim.pending, token)}); the registry mints each provider's rewards to that provider, not to this wallet.`
            : "No provider on this page has pending rewards to claim."}
        </span>
      </div>
      <TxStatus state={tx.state} />
    </Section>
  );
}
