// The charts' data, built from the indexer's rows: one table per chart (an x
// column and a column per series, every value an exact decimal string in
// display units), which the chart draws and its CSV download writes, so the
// file holds exactly what the chart shows. Plain functions, unit-tested.
import { type CoinBook, coinMeta, formatUnits } from "./format";
import {
  type EarningsRow,
  indexerDenomKey,
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
} from "./indexer";

export type Range = "7d" | "30d" | "all";
export const RANGES: { value: Range; label: string }[] = [
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "all", label: "all" },
];
/** "all" draws at most this many days (ten years), the latest ones. */
export const MAX_DAYS = 3660;
/** A liveness chart draws at most this many epochs, the latest ones. */
export const MAX_EPOCHS = 365;

export interface ChartSeries {
  key: string;
  label: string;
  /** What the values count ("USDC", "units", "%", "providers"): series of one unit share an axis. */
  unit: string;
}

export interface ChartData {
  /** `day`: "YYYY-MM-DD" (UTC); `epoch`: an epoch number; `time`: an RFC 3339 time. */
  x: { key: string; label: string; kind: "day" | "epoch" | "time" };
  series: ChartSeries[];
  rows: { x: string; values: string[] }[];
  /** Levels that hold until the next change (stake, totals) rather than amounts per period. */
  step?: boolean;
}

/** The chart's table as CSV: a header (x, then each series with its unit), one line per row. */
export function chartCsv(data: ChartData): string {
  const header = [data.x.label, ...data.series.map((s) => `${s.label} (${s.unit})`)];
  const lines = [header, ...data.rows.map((row) => [row.x, ...row.values])].map((fields) => fields.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A chart's x value as a number uPlot can scale: seconds since the epoch for days and times. */
export function xNumber(kind: ChartData["x"]["kind"], x: string): number {
  if (kind === "epoch") return Number(x);
  return Date.parse(kind === "day" ? `${x}T00:00:00Z` : x) / 1000;
}

// ---------------------------------------------------------------- days

/** The UTC day of a time in milliseconds: "YYYY-MM-DD". */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000);
}

/** The days a range draws, oldest first: the last 7 or 30 up to `today`, or all from `firstDay` (at most MAX_DAYS). */
export function rangeDays(range: Range, today: string, firstDay?: string): string[] {
  const count =
    range === "7d"
      ? 7
      : range === "30d"
        ? 30
        : Math.min(MAX_DAYS, firstDay && firstDay <= today ? Math.round((Date.parse(today) - Date.parse(firstDay)) / 86_400_000) + 1 : 1);
  return Array.from({ length: count }, (_, i) => addDays(today, i - count + 1));
}

/** The earliest day among lists of rows keyed by day, or undefined when they are all empty. */
export function firstDayOf(...lists: { day: string }[][]): string | undefined {
  let first: string | undefined;
  for (const rows of lists) for (const row of rows) if (first === undefined || row.day < first) first = row.day;
  return first;
}

/** Sums of `value` by day over `rows` (amounts as bigint). */
function sumByDay<Row extends { day: string }>(rows: Row[], value: (row: Row) => string): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const row of rows) sums.set(row.day, (sums.get(row.day) ?? 0n) + BigInt(value(row)));
  return sums;
}

/** The level on each day: the last value on or before it (`before`, the level before any row, otherwise). */
function levelByDay<Row extends { day: string }>(rows: Row[], days: string[], value: (row: Row) => bigint, before = 0n): bigint[] {
  const sorted = [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  let level = before;
  let i = 0;
  return days.map((day) => {
    while (i < sorted.length && sorted[i].day <= day) level = value(sorted[i++]);
    return level;
  });
}

function table(days: string[], columns: bigint[][], decimals: number[]): ChartData["rows"] {
  return days.map((day, d) => ({ x: day, values: columns.map((column, c) => formatUnits(column[d], decimals[c])) }));
}

// ---------------------------------------------------------------- provider

/** The denoms (keys) of rows, sorted. */
function denomsOf(rows: { denom: string }[]): string[] {
  return [...new Set(rows.map((row) => indexerDenomKey(row.denom)))].sort();
}

/**
 * A provider's earnings by day: what its leases paid it (net of the protocol fee), one series per
 * denom, and the reward tokens it claimed. `withoutFee` counts payments whose fee the chain did not
 * emit (their net is their gross).
 */
export function earningsChart(
  earnings: EarningsRow[],
  rewards: RewardsRow[],
  days: string[],
  book: CoinBook,
  rewardToken: string,
): { data: ChartData; withoutFee: number } {
  const denoms = denomsOf(earnings);
  const columns = denoms.map((denom) => {
    const sums = sumByDay(
      earnings.filter((row) => indexerDenomKey(row.denom) === denom),
      (row) => row.net,
    );
    return days.map((day) => sums.get(day) ?? 0n);
  });
  const rewardSums = sumByDay(rewards, (row) => row.rewards);
  columns.push(days.map((day) => rewardSums.get(day) ?? 0n));
  const metas = [...denoms, rewardToken].map((denom) => coinMeta(book, denom));
  const inDays = new Set(days);
  return {
    data: {
      x: { key: "day", label: "day", kind: "day" },
      series: [
        ...denoms.map((denom, i) => ({ key: `received:${denom}`, label: "received", unit: metas[i].symbol })),
        { key: "rewards", label: "rewards claimed", unit: metas[denoms.length].symbol },
      ],
      rows: table(
        days,
        columns,
        metas.map((meta) => meta.decimals),
      ),
    },
    withoutFee: earnings.filter((row) => inDays.has(row.day)).reduce((n, row) => n + row.payments_without_fee, 0),
  };
}

/** A provider's usage by day: units charged (reported) and units paid. */
export function usageChart(rows: UsageRow[], days: string[], unit: string): ChartData {
  const charged = sumByDay(rows, (row) => row.units_charged);
  const paid = sumByDay(rows, (row) => row.units_paid);
  return {
    x: { key: "day", label: "day", kind: "day" },
    series: [
      { key: "charged", label: "units charged", unit },
      { key: "paid", label: "units paid", unit },
    ],
    rows: table(days, [days.map((day) => charged.get(day) ?? 0n), days.map((day) => paid.get(day) ?? 0n)], [0, 0]),
  };
}

/** A provider's stake at the end of each day (the last stake the registry emitted for it). */
export function stakeChart(rows: StakeRow[], days: string[], book: CoinBook, stakeDenom: string): ChartData {
  const meta = coinMeta(book, stakeDenom);
  return {
    x: { key: "day", label: "day", kind: "day" },
    series: [{ key: "stake", label: "stake", unit: meta.symbol }],
    rows: table(days, [levelByDay(rows, days, (row) => BigInt(row.stake))], [meta.decimals]),
    step: true,
  };
}

/** Epoch `epoch`'s number for a time in nanoseconds, given the registry's genesis and epoch length. */
export function epochAt(nanos: string, genesisNanos: string, epochSeconds: number): number {
  const elapsed = BigInt(nanos) - BigInt(genesisNanos);
  if (elapsed <= 0n || epochSeconds <= 0) return 0;
  return Number(elapsed / (BigInt(epochSeconds) * 1_000_000_000n));
}

/** Each epoch from `fromEpoch` to `currentEpoch` (the latest MAX_EPOCHS): 1 when proven, 0 when not. */
export function livenessChart(rows: LivenessRow[], fromEpoch: number, currentEpoch: number): ChartData {
  const proven = new Set(rows.map((row) => row.epoch));
  const first = Math.max(fromEpoch, currentEpoch - MAX_EPOCHS + 1, 0);
  const epochs = currentEpoch >= first ? Array.from({ length: currentEpoch - first + 1 }, (_, i) => first + i) : [];
  return {
    x: { key: "epoch", label: "epoch", kind: "epoch" },
    series: [{ key: "proven", label: "proven", unit: "1 = proven" }],
    rows: epochs.map((epoch) => ({ x: String(epoch), values: [proven.has(epoch) ? "1" : "0"] })),
  };
}

// ---------------------------------------------------------------- network

/** The network's growth: providers registered and total stake, at the end of each day. */
export function networkGrowthChart(
  providers: NetworkProvidersRow[],
  stake: NetworkStakeRow[],
  days: string[],
  book: CoinBook,
  stakeDenom: string,
): ChartData {
  const meta = coinMeta(book, stakeDenom);
  return {
    x: { key: "day", label: "day", kind: "day" },
    series: [
      { key: "providers", label: "providers registered", unit: "providers" },
      { key: "stake", label: "total stake", unit: meta.symbol },
    ],
    rows: table(
      days,
      [levelByDay(providers, days, (row) => BigInt(row.providers)), levelByDay(stake, days, (row) => BigInt(row.total_stake))],
      [0, meta.decimals],
    ),
    step: true,
  };
}

/** The network's activity by day: what leases paid, per denom, and the reward tokens minted. */
export function networkActivityChart(
  usage: NetworkUsageRow[],
  emission: NetworkEmissionRow[],
  days: string[],
  book: CoinBook,
  rewardToken: string,
): ChartData {
  const denoms = denomsOf(usage);
  const columns = denoms.map((denom) => {
    const sums = sumByDay(
      usage.filter((row) => indexerDenomKey(row.denom) === denom),
      (row) => row.gross,
    );
    return days.map((day) => sums.get(day) ?? 0n);
  });
  const minted = sumByDay(emission, (row) => row.minted);
  columns.push(days.map((day) => minted.get(day) ?? 0n));
  const metas = [...denoms, rewardToken].map((denom) => coinMeta(book, denom));
  return {
    x: { key: "day", label: "day", kind: "day" },
    series: [
      ...denoms.map((denom, i) => ({ key: `paid:${denom}`, label: "paid by leases", unit: metas[i].symbol })),
      { key: "minted", label: "rewards minted", unit: metas[denoms.length].symbol },
    ],
    rows: table(
      days,
      columns,
      metas.map((meta) => meta.decimals),
    ),
  };
}

// ---------------------------------------------------------------- lease, proposal

/** A lease's spending: each payment (fee included) and the total paid after it. */
export function leaseSpendingChart(payments: PaymentRow[], book: CoinBook, denom: string): ChartData {
  const meta = coinMeta(book, denom);
  let total = 0n;
  return {
    x: { key: "time", label: "time", kind: "time" },
    series: [
      { key: "payment", label: "payment", unit: meta.symbol },
      { key: "paid", label: "paid so far", unit: meta.symbol },
    ],
    rows: payments.map((payment) => {
      total += BigInt(payment.amount);
      return { x: payment.block_time, values: [formatUnits(payment.amount, meta.decimals), formatUnits(total, meta.decimals)] };
    }),
    step: true,
  };
}

/** Percent with two decimals, rounded down: `part` of `whole`. */
function percent(part: bigint, whole: bigint): string {
  if (whole <= 0n) return "0";
  return formatUnits((part * 10_000n) / whole, 2);
}

/**
 * A proposal's turnout after each vote: the voting power that has voted and the power voting yes,
 * as percentages of the proposal's total power (a member's later vote replaces its earlier one).
 */
export function turnoutChart(votes: VoteRow[], totalPower: string): ChartData {
  const total = BigInt(totalPower);
  const latest = new Map<string, { vote: string; power: bigint }>();
  return {
    x: { key: "time", label: "time", kind: "time" },
    series: [
      { key: "turnout", label: "turnout", unit: "%" },
      { key: "yes", label: "yes", unit: "%" },
    ],
    rows: votes.map((row) => {
      latest.set(row.voter, { vote: row.vote, power: BigInt(row.power) });
      let voted = 0n;
      let yes = 0n;
      for (const { vote, power } of latest.values()) {
        voted += power;
        if (vote === "yes") yes += power;
      }
      return { x: row.block_time, values: [percent(voted, total), percent(yes, total)] };
    }),
    step: true,
  };
}
