// History panels: each reads the indexer named by config.json (`indexer`)
// and draws one chart with its CSV. Without an indexer they say so, and the
// rest of the page (read from the chain) works as before.
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useMemo, useState } from "react";
import { useChain } from "../chain/ChainProvider";
import { denomKey } from "../lib/format";
import {
  type ChartData,
  earningsChart,
  epochAt,
  firstDayOf,
  leaseSpendingChart,
  livenessChart,
  networkActivityChart,
  networkGrowthChart,
  RANGES,
  type Range,
  rangeDays,
  stakeChart,
  turnoutChart,
  usageChart,
  utcDay,
} from "../lib/history";
import {
  allRows,
  type EarningsRow,
  type LivenessRow,
  type NetworkEmissionRow,
  type NetworkProvidersRow,
  type NetworkStakeRow,
  type NetworkUsageRow,
  type PaymentRow,
  type RewardsRow,
  type StakeRow,
  type UsageRow,
  type VoteRow,
} from "../lib/indexer";
import type { Denom, LeaseResponse, ProposalResponse, ProviderResponse, RegistryConfig } from "../lib/types";
import { Chart } from "./Chart";
import { QueryError, Section } from "./ui";

/** How often a shown history is read again: the indexer follows the chain within a block or two. */
const HISTORY_REFRESH_MS = 10_000;

/** Reads `paths` from the indexer (every page of each) while the panel is shown. */
function useHistory<T extends unknown[]>(name: string, paths: string[]) {
  const { config } = useChain();
  const base = config.indexer;
  return useQuery({
    queryKey: [config.chainId, "history", base, name, ...paths],
    queryFn: async () => (await Promise.all(paths.map((path) => allRows(base ?? "", path)))).map((r) => r.rows) as T,
    enabled: !!base,
    refetchInterval: HISTORY_REFRESH_MS,
  });
}

/** A history section: the range buttons (for charts by day), then the chart, or why there is none. */
function HistorySection({
  title,
  name,
  range,
  onRange,
  query,
  build,
  inline,
}: {
  title: string;
  /** Inside a card (a lease, a proposal): a heading of its own instead of a card. */
  inline?: boolean;
  name: string;
  range?: Range;
  onRange?: (range: Range) => void;
  query: { data?: unknown; error: unknown };
  /** The chart's table (and a note under it), once the query has its rows. */
  build: () => { data: ChartData; note?: string } | ChartData | undefined;
}) {
  const { config } = useChain();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `build` reads the query's data and the range, its inputs.
  const built = useMemo(build, [query.data, range]);
  const data = built && "data" in built ? built.data : built;
  const note = built && "data" in built ? built.note : undefined;
  const Frame = inline ? InlineFrame : Section;
  return (
    <Frame title={title}>
      {!config.indexer ? (
        <p className="hint" data-testid="indexer-missing">
          History needs an indexer, and this network's config.json names none (<code>indexer</code>). The figures read from the chain are
          current; only the charts are missing.
        </p>
      ) : (
        <>
          {range && onRange && (
            <fieldset className="range" aria-label={`${title}: time range`}>
              {RANGES.map((r) => (
                <button
                  key={r.value}
                  type="button"
                  className={r.value === range ? "link active" : "link"}
                  aria-pressed={r.value === range}
                  onClick={() => onRange(r.value)}
                >
                  {r.label}
                </button>
              ))}
            </fieldset>
          )}
          {query.error ? <QueryError error={query.error} /> : data ? <Chart data={data} name={name} title={title} /> : <p>Loading…</p>}
          {note && <p className="hint">{note}</p>}
        </>
      )}
    </Frame>
  );
}

function InlineFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="history" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** A chart shown on request inside a card (each card's history is one more read of the indexer). */
export function ShowHistory({ label, children }: { label: string; children: ReactNode }) {
  const [shown, setShown] = useState(false);
  return (
    <>
      <button type="button" className="link" aria-expanded={shown} onClick={() => setShown(!shown)}>
        {shown ? `Hide ${label}` : `Show ${label}`}
      </button>
      {shown && children}
    </>
  );
}

const today = () => utcDay(Date.now());
const denomOf = (denom: Denom) => denomKey(denom);

/** A provider's earnings (net of the fee, per denom, and rewards claimed) and usage by day. */
export function ProviderHistory({ provider, registry }: { provider: ProviderResponse; registry: RegistryConfig }) {
  const { book, config } = useChain();
  const [range, setRange] = useState<Range>("30d");
  const [usageRange, setUsageRange] = useState<Range>("30d");
  const [stakeRange, setStakeRange] = useState<Range>("30d");
  const at = `/providers/${provider.address}`;
  const money = useHistory<[EarningsRow[], RewardsRow[]]>("earnings", [`${at}/earnings`, `${at}/rewards`]);
  const usage = useHistory<[UsageRow[]]>("usage", [`${at}/usage`]);
  const liveness = useHistory<[LivenessRow[]]>("liveness", [`${at}/liveness`]);
  const stake = useHistory<[StakeRow[]]>("stake", [`${at}/stake`]);
  const currentEpoch = epochAt(`${BigInt(Date.now()) * 1_000_000n}`, registry.genesis_time, registry.epoch_seconds);
  return (
    <>
      <HistorySection
        title="Earnings by day"
        name="earnings"
        range={range}
        onRange={setRange}
        query={money}
        build={() => {
          if (!money.data) return undefined;
          const [earnings, rewards] = money.data;
          const { data, withoutFee } = earningsChart(
            earnings,
            rewards,
            rangeDays(range, today(), firstDayOf(earnings, rewards)),
            book,
            config.addresses.rewardToken,
          );
          const note =
            withoutFee > 0
              ? `${withoutFee} payment(s) in this range came from batches whose events did not carry the fee: it is unknown here and counted as received.`
              : undefined;
          return { data, note };
        }}
      />
      <HistorySection
        title="Usage by day"
        name="usage"
        range={usageRange}
        onRange={setUsageRange}
        query={usage}
        build={() =>
          usage.data && usageChart(usage.data[0], rangeDays(usageRange, today(), firstDayOf(usage.data[0])), provider.capacity.unit)
        }
      />
      <HistorySection
        title="Proofs of service by epoch"
        name="liveness"
        query={liveness}
        build={() =>
          liveness.data &&
          livenessChart(liveness.data[0], epochAt(provider.registered_at, registry.genesis_time, registry.epoch_seconds), currentEpoch)
        }
      />
      <HistorySection
        title="Stake over time"
        name="stake"
        range={stakeRange}
        onRange={setStakeRange}
        query={stake}
        build={() =>
          stake.data &&
          stakeChart(stake.data[0], rangeDays(stakeRange, today(), firstDayOf(stake.data[0])), book, denomOf(registry.stake_denom))
        }
      />
    </>
  );
}

/** The network's growth (providers, stake) and activity (lease payments, rewards minted) by day. */
export function NetworkHistory({ registry }: { registry: RegistryConfig }) {
  const { book, config } = useChain();
  const [range, setRange] = useState<Range>("30d");
  const growth = useHistory<[NetworkProvidersRow[], NetworkStakeRow[]]>("growth", ["/network/providers", "/network/stake"]);
  const activity = useHistory<[NetworkUsageRow[], NetworkEmissionRow[]]>("activity", ["/network/usage", "/network/emission"]);
  return (
    <>
      <HistorySection
        title="Network growth"
        name="network-growth"
        range={range}
        onRange={setRange}
        query={growth}
        build={() =>
          growth.data &&
          networkGrowthChart(
            growth.data[0],
            growth.data[1],
            rangeDays(range, today(), firstDayOf(...growth.data)),
            book,
            denomOf(registry.stake_denom),
          )
        }
      />
      <HistorySection
        title="Network activity"
        name="network-activity"
        range={range}
        onRange={setRange}
        query={activity}
        build={() =>
          activity.data &&
          networkActivityChart(
            activity.data[0],
            activity.data[1],
            rangeDays(range, today(), firstDayOf(...activity.data)),
            book,
            config.addresses.rewardToken,
          )
        }
      />
    </>
  );
}

/** A lease's spending: its payments and the total paid. */
export function LeaseHistory({ lease }: { lease: LeaseResponse }) {
  const { book } = useChain();
  const payments = useHistory<[PaymentRow[]]>("lease", [`/leases/${lease.lease_id}/payments`]);
  return (
    <HistorySection
      title={`Lease ${lease.lease_id}: spending`}
      name={`lease-${lease.lease_id}-spending`}
      query={payments}
      inline
      build={() => payments.data && leaseSpendingChart(payments.data[0], book, denomOf(lease.denom))}
    />
  );
}

/** A proposal's turnout after each vote. */
export function ProposalTurnout({ proposal }: { proposal: ProposalResponse }) {
  const votes = useHistory<[VoteRow[]]>("turnout", [`/proposals/${proposal.id}/votes`]);
  return (
    <HistorySection
      title={`Proposal ${proposal.id}: turnout`}
      name={`proposal-${proposal.id}-turnout`}
      query={votes}
      inline
      build={() => votes.data && turnoutChart(votes.data[0], proposal.total_power)}
    />
  );
}
