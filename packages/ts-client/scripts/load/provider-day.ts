// The provider-day in gas, from the run's phases (gas_used from the blocks):
// liveness is the oracle daemon's prove_liveness batches for the days'
// epochs, per proof; billing is the escrow batches of the first day of a pair
// (nothing matured yet: reports alone), per report; payout is what the second
// day's reports (which also pay the first day's matured charges) cost more per
// report; claims are the claim day's claim_rewards per provider, counted 1/7
// (a weekly claim). Fleets and lone providers count together (every
// transaction the day needs, whoever sends it); the sweep fleet's batches are
// in the sweep table, not here.
import type { RunContext } from "./context";
import type { DayLog } from "./days";
import { CLAIM_DAYS, type Duty, type Phase, type Sender, type TxRecord } from "./model";
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

/** One provider-day, unpinned (days 1–2) or pinned (days 3–4), by duty. */
export interface ProviderDay {
  pinned: boolean;
  /** The report-only day and the payout day (which also claims). */
  days: [DayLog, DayLog];
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

/** The provider-day of a pair of days (the first reports only, the second pays and claims). */
function providerDay(ctx: RunContext, first: DayLog, second: DayLog): ProviderDay {
  const { phases } = ctx;
  const of = (duty: Duty, day: number, senders: readonly Sender[]) =>
    recordsOf(phases, (p) => p.duty === duty && p.day === day && p.sender !== undefined && senders.includes(p.sender));
  const liveness = figure(
    recordsOf(
      phases,
      (p) =>
        p.duty === "liveness" && p.sender === "oracle" && (p.day === first.day || p.day === second.day) && !p.op.endsWith(WHILE_PINNING),
    ),
  );
  const billing = figure(of("billing", first.day, WORKLOAD));
  const billingAndPayout = figure(of("billing", second.day, WORKLOAD));
  const claims = figure(of("claims", second.day, WORKLOAD));
  const payout = (billingAndPayout?.perItem ?? NaN) - (billing?.perItem ?? NaN);
  const bySender = new Map<Sender, { billing?: Figure; billingAndPayout?: Figure; claims?: Figure }>();
  for (const s of WORKLOAD)
    bySender.set(s, {
      billing: figure(of("billing", first.day, [s])),
      billingAndPayout: figure(of("billing", second.day, [s])),
      claims: figure(of("claims", second.day, [s])),
    });
  return {
    pinned: first.pinned,
    days: [first, second],
    liveness,
    billing,
    billingAndPayout,
    claims,
    payout,
    total: (liveness?.perItem ?? NaN) + (billingAndPayout?.perItem ?? NaN) + (claims?.perItem ?? NaN) / CLAIM_DAYS,
    bySender,
  };
}

/** The unpinned provider-day (days 1–2) and, with --pin, the pinned one (days 3–4). */
export function providerDays(ctx: RunContext): ProviderDay[] {
  const days = ctx.state.days;
  const out: ProviderDay[] = [];
  for (let i = 0; i + 1 < days.length; i += 2) out.push(providerDay(ctx, days[i], days[i + 1]));
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
