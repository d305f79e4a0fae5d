// The provider-day in gas, from the run's phases (gas_used from the blocks),
// on the steady day (its reports pay the previous day's matured charges, and
// the providers' usage of the previous day is converted into rewards, as on
// every day of a running network): liveness is the oracle daemon's
// prove_liveness batches for its epoch, per proof; billing is the reports of
// the day that paid nothing (nothing had matured), per report; payout is what
// the steady day's reports cost more per report; claims are the steady day's
// claim_rewards per provider, counted 1/7 (a weekly claim). Fleets and lone
// providers count together (every transaction the day needs, whoever sends
// it); the sweep fleet's batches are in the sweep table, not here.
import type { RunContext } from "./context";
import { CLAIM_DAYS, type DayLog, type Duty, type Phase, PINNED, type Sender, type TxRecord } from "./model";
import { WHILE_PINNING } from "./proofs";

/** Gas of a set of transactions: sums, per item, and per item of the first and last tenth (block order). */
export interface Figure {
  txs: number;
  items: number;
  gas: number;
  perItem: number;
  firstTenth: number;
  lastTenth: number;
  /** Distinct blocks the transactions landed in. */
  blocks: number;
}

export function figure(records: readonly TxRecord[]): Figure | undefined {
  const ok = records.filter((r) => r.code === 0 && r.items > 0).sort((a, b) => (a.height ?? 0) - (b.height ?? 0));
  if (ok.length === 0) return undefined;
  const per = (rs: TxRecord[]) => rs.reduce((s, r) => s + (r.gasUsed ?? 0), 0) / rs.reduce((s, r) => s + r.items, 0);
  const tenth = Math.max(1, Math.ceil(ok.length / 10));
  const gas = ok.reduce((s, r) => s + (r.gasUsed ?? 0), 0);
  const items = ok.reduce((s, r) => s + r.items, 0);
  return {
    txs: ok.length,
    items,
    gas,
    perItem: gas / items,
    firstTenth: per(ok.slice(0, tenth)),
    lastTenth: per(ok.slice(-tenth)),
    blocks: new Set(ok.map((r) => r.height)).size,
  };
}

/** The records of the phases matching `where`. */
export function recordsOf(phases: readonly Phase[], where: (p: Phase) => boolean): TxRecord[] {
  return phases.filter(where).flatMap((p) => p.records);
}

/** `figure` with the first and last tenth taken from the fleets' transactions alone (one shape: state growth, not the mix, shows). */
function withFleetTenths(all: Figure | undefined, fleets: Figure | undefined): Figure | undefined {
  return all && fleets ? { ...all, firstTenth: fleets.firstTenth, lastTenth: fleets.lastTenth } : all;
}

/** One provider-day, unpinned or pinned, by duty. */
export interface ProviderDay {
  pinned: boolean;
  /** The day whose reports paid nothing, and the steady day (which also claims). */
  billingDay: DayLog;
  steadyDay: DayLog;
  liveness?: Figure;
  billing?: Figure;
  billingAndPayout?: Figure;
  claims?: Figure;
  /** billingAndPayout − billing, per report. */
  payout: number;
  /** liveness + billing + payout + claims / CLAIM_DAYS, per provider. */
  total: number;
  /** Per sender (fleet, lone): billing, billing and payout, claims. */
  bySender: Map<Sender, { billing?: Figure; billingAndPayout?: Figure; claims?: Figure }>;
}

const WORKLOAD: readonly Sender[] = ["fleet", "lone"];

/** The provider-day of a billing-only day and a steady day. */
function providerDay(ctx: RunContext, billingDay: DayLog, steadyDay: DayLog): ProviderDay {
  const { phases } = ctx;
  const of = (duty: Duty, day: number, senders: readonly Sender[]) =>
    recordsOf(phases, (p) => p.duty === duty && p.day === day && p.sender !== undefined && senders.includes(p.sender));
  // The daemon's batches for the steady day's epoch that ran as the day did (pinned or not).
  const liveness = figure(
    recordsOf(
      phases,
      (p) =>
        p.duty === "liveness" &&
        p.sender === "oracle" &&
        p.day === steadyDay.day &&
        !p.op.endsWith(WHILE_PINNING) &&
        p.op.endsWith(PINNED) === steadyDay.pinned,
    ),
  );
  const fleetTenths = (duty: Duty, day: number) => withFleetTenths(figure(of(duty, day, WORKLOAD)), figure(of(duty, day, ["fleet"])));
  const billing = fleetTenths("billing", billingDay.day);
  const billingAndPayout = fleetTenths("billing", steadyDay.day);
  const claims = fleetTenths("claims", steadyDay.day);
  const payout = (billingAndPayout?.perItem ?? NaN) - (billing?.perItem ?? NaN);
  const bySender = new Map<Sender, { billing?: Figure; billingAndPayout?: Figure; claims?: Figure }>();
  for (const s of WORKLOAD)
    bySender.set(s, {
      billing: figure(of("billing", billingDay.day, [s])),
      billingAndPayout: figure(of("billing", steadyDay.day, [s])),
      claims: figure(of("claims", steadyDay.day, [s])),
    });
  return {
    pinned: steadyDay.pinned,
    billingDay,
    steadyDay,
    liveness,
    billing,
    billingAndPayout,
    claims,
    payout,
    total: (liveness?.perItem ?? NaN) + (billingAndPayout?.perItem ?? NaN) + (claims?.perItem ?? NaN) / CLAIM_DAYS,
    bySender,
  };
}

/** The unpinned provider-day (days 1 and 3) and, with --pin, the pinned one (days 5 and 4). */
export function providerDays(ctx: RunContext): ProviderDay[] {
  const out: ProviderDay[] = [];
  for (const pinned of [false, true]) {
    const billingDay = ctx.state.days.find((d) => d.pinned === pinned && d.role === "billing");
    const steadyDay = ctx.state.days.find((d) => d.pinned === pinned && d.role === "steady");
    if (billingDay && steadyDay) out.push(providerDay(ctx, billingDay, steadyDay));
  }
  return out;
}

/** The sweep's gas per batch size for one kind of message, unpinned and pinned. */
export interface SweepRow {
  size: number;
  unpinned?: Figure;
  pinned?: Figure;
}

/** The sweep's batches of `duty` on the days picked (e.g. report-only days), per size. */
export function sweepRows(ctx: RunContext, duty: Duty, days: { unpinned: number[]; pinned: number[] }): SweepRow[] {
  const at = (size: number, which: number[]) =>
    figure(recordsOf(ctx.phases, (p) => p.sender === "sweep" && p.duty === duty && p.size === size && which.includes(p.day ?? -1)));
  return ctx.options.sweep.map((size) => ({ size, unpinned: at(size, days.unpinned), pinned: at(size, days.pinned) }));
}
