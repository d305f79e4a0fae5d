// The phase runner: signs a phase's transactions offline, broadcasts them in
// bursts (an account's k-th transaction after every account's (k-1)-th),
// follows the blocks until each is in one, then applies the outcomes to the
// accounts' sequences and predicted balances.
import { calculateFee } from "@cosmjs/stargate";
import { fmt, latestHeight, pool, txHash } from "../load-stats";
import type { RunContext } from "./context";
import {
  type Account,
  errorText,
  FAULT_OP,
  GAS_MARGIN,
  type Phase,
  type PhaseMeta,
  type Planned,
  REBROADCAST_MS,
  sleep,
  type TxRecord,
} from "./model";

/** The gas limit of the operation: its first transaction simulated × margin, once per operation. */
async function simulateOnce(ctx: RunContext, op: string, planned: Planned[]): Promise<void> {
  if (planned.length === 0 || ctx.gasFor.has(op) || planned.every((p) => p.gas !== undefined)) return;
  const first = planned[0];
  let simulated: number;
  try {
    simulated = await ctx.keys.simulate(first.account, first.msgs);
  } catch (err) {
    throw new Error(`simulating the first ${op} (${first.account.name}) failed: ${errorText(err)}`);
  }
  ctx.gasFor.set(op, Math.ceil(simulated * GAS_MARGIN));
}

// Rounds: the k-th transaction of every account goes out after every (k-1)-th,
// so an account's sequences reach the mempool in order.
async function signRounds(ctx: RunContext, op: string, planned: Planned[]): Promise<TxRecord[][]> {
  const rounds: TxRecord[][] = [];
  const perAccount = new Map<Account, number>();
  for (const p of planned) {
    const k = perAccount.get(p.account) ?? 0;
    perAccount.set(p.account, k + 1);
    const fee = calculateFee(p.gas ?? ctx.gasFor.get(op) ?? 0, ctx.gasPrice);
    const bytes = await ctx.keys.signTx(p.account, p.msgs, fee, p.account.sequence + k);
    const record: TxRecord = {
      op,
      account: p.account,
      hash: txHash(bytes),
      bytes,
      fee,
      sentAtMs: 0,
      lastSentMs: 0,
      sends: 0,
      inclusions: 0,
      appliedAgain: false,
      items: p.items ?? 1,
      onSuccess: p.onSuccess,
    };
    const round = rounds[k] ?? [];
    rounds[k] = round;
    round.push(record);
  }
  return rounds;
}

/** Broadcasts round after round; with --fault the validator dies halfway through FAULT_OP's broadcast, with transactions in its mempool. */
async function broadcastRounds(ctx: RunContext, op: string, rounds: TxRecord[][], total: number): Promise<void> {
  let faultStarted: Promise<void> | undefined;
  let sent = 0;
  for (const round of rounds) {
    await pool(round, ctx.options.concurrency, async (record) => {
      ctx.follower.pending.set(record.hash, record);
      await ctx.broadcaster.send(record);
      sent++;
      if (ctx.fault && op === FAULT_OP && !faultStarted && sent >= total / 2) faultStarted = ctx.fault.start();
    });
  }
  await faultStarted;
}

/** Follows the blocks until every accepted transaction is in one (or nothing lands for the phase timeout). */
export async function followUntilIncluded(ctx: RunContext, records: TxRecord[]): Promise<void> {
  const { follower } = ctx;
  const waitingCount = () => records.filter((r) => follower.pending.has(r.hash)).length;
  let lastProgress = Date.now();
  let waiting = waitingCount();
  while (waiting > 0) {
    await follower.scan();
    const now = waitingCount();
    if (now < waiting) lastProgress = Date.now();
    waiting = now;
    if (waiting > 0 && Date.now() - lastProgress > ctx.options.phaseTimeoutS * 1000) break;
    // Lost with a node's mempool (a killed validator) or still queued: the same bytes again, to node 0.
    const stale = records.filter((r) => follower.pending.has(r.hash) && Date.now() - r.lastSentMs > REBROADCAST_MS);
    await pool(stale, ctx.options.concurrency, (r) => ctx.broadcaster.send(r, 0));
    if (waiting > 0) await sleep(300);
  }
  await follower.scan();
}

/** Sequences and predictions: a transaction in a block used its sequence and its fee; a lost one makes its account re-read. */
export async function applyOutcomes(ctx: RunContext, records: TxRecord[]): Promise<void> {
  const lost = new Set<Account>();
  for (const r of records) {
    if (r.height === undefined) {
      ctx.follower.pending.delete(r.hash);
      r.account.unpredictable = true;
      lost.add(r.account);
      continue;
    }
    r.account.sequence += 1;
    r.account.ustake -= BigInt(r.fee.amount[0].amount);
    if (r.code === 0) r.onSuccess?.(r);
    else r.account.unpredictable = true;
  }
  for (const a of lost) await ctx.keys.readAccount(a);
}

function logPhase(ctx: RunContext, phase: Phase): void {
  const { op, records } = phase;
  const ok = records.filter((r) => r.code === 0).length;
  const rejected = records.length - ok;
  const gasLimit = ctx.gasFor.get(op);
  ctx.log(
    `${op}: ${ok}/${records.length} succeeded${rejected ? ` (${rejected} rejected or lost)` : ""}, heights ${phase.startHeight}–${phase.endHeight}, ` +
      `signed in ${phase.signMs} ms, broadcast in ${phase.broadcastMs} ms, done in ${(phase.wallMs / 1000).toFixed(1)} s` +
      (gasLimit !== undefined ? `, gas limit ${fmt(gasLimit)}` : ""),
  );
}

/** Runs one operation for every planned transaction and records it as a phase of the run. */
export async function runPhase(ctx: RunContext, op: string, planned: Planned[], meta: PhaseMeta = {}): Promise<Phase> {
  const t0 = Date.now();
  const startHeight = (await latestHeight(ctx.config.rpc)) + 1;
  await simulateOnce(ctx, op, planned);
  const signT0 = Date.now();
  const rounds = await signRounds(ctx, op, planned);
  const signMs = Date.now() - signT0;
  const records = rounds.flat();
  const broadcastT0 = Date.now();
  await broadcastRounds(ctx, op, rounds, records.length);
  const broadcastMs = Date.now() - broadcastT0;
  await followUntilIncluded(ctx, records);
  await applyOutcomes(ctx, records);
  const phase: Phase = { op, records, startHeight, endHeight: ctx.follower.scanned, signMs, broadcastMs, wallMs: Date.now() - t0, ...meta };
  ctx.phases.push(phase);
  logPhase(ctx, phase);
  return phase;
}
