// The provider-days: one a registry epoch (production has 1-day epochs; the
// load params shorten them). On each day every lease's usage is reported once
// with escrow `batch` (a fleet's operator sends one message for its providers'
// leases, a lone provider its own), which also pays the charges of the
// previous day that have matured (the dispute window is shorter than the
// epoch); the oracle daemon proves every provider on its own schedule; on a
// claim day the fleets claim with `claim_rewards {providers}` and the lone
// providers their own. The sweep fleet does the same in batches of each sweep
// size, and the run proves it itself (arbiter) in batches of each size.
//
// Day 1 pays nothing yet (billing alone); day 2 pays day 1's charges (the
// first payouts); day 3 is the steady day: it pays day 2's charges, and the
// providers' usage of day 2 is converted into usage rewards at their first
// settlement of the day, as on every day of a running network; it claims.
// With --pin the codes are pinned after day 3, day 4 is a steady day pinned
// (it claims), a settle round pays day 4's charges, and day 5 reports with
// nothing matured: billing alone, pinned.
import { randomBytes } from "node:crypto";
import { type BillingEscrowTypes, livenessProof, type ProviderRegistryTypes } from "../../src";
import { blockTimeMs, type RpcEvent } from "../load-stats";
import { applyReport, applySettle, itemOutcomes, lastMaturity, reportItem, settleItem, usageOn } from "./billing";
import type { RunContext } from "./context";
import type { DayLog, DayRole } from "./model";
import {
  type Account,
  type AgentKey,
  DAY_MARGIN_S,
  type Duty,
  execMsg,
  type Fleet,
  type LeasePlan,
  type Phase,
  PINNED,
  type Planned,
  plural,
  type Sender,
  sleep,
  type TxRecord,
  USAGE_BASE,
  USDC,
} from "./model";
import { pinCodes } from "./phases";
import { mulDecimalFloor } from "./rewards";
import { runPhase } from "./runner";

/** Bytes of the sweep's challenges (the daemon's are 32; the registry takes 8 to 64). */
const NONCE_BYTES = 32;

/** The latest block's time (s), the chain's clock. */
async function chainNowS(ctx: RunContext): Promise<number> {
  return Math.floor(blockTimeMs((await ctx.keys.client.getBlock()).header.time) / 1000);
}

/** Waits until the chain's clock reads `s`. */
async function waitChainTime(ctx: RunContext, s: number): Promise<number> {
  let now = await chainNowS(ctx);
  while (now < s) {
    await sleep(250);
    now = await chainNowS(ctx);
  }
  return now;
}

/**
 * The day's epoch: the first epoch that starts at `notBeforeS` or later (day 1 may use the epoch in
 * hand when enough of it is left for the next day's reports to find this one's charges matured).
 * Waits until it has started.
 */
async function dayEpoch(ctx: RunContext, notBeforeS: number, first: boolean): Promise<number> {
  const { epochs } = ctx;
  const now = await chainNowS(ctx);
  const window = ctx.chain.escrowConfig.dispute_window;
  const current = epochs.at(now);
  if (first && epochs.startOf(current + 1) - now >= window + 3 * DAY_MARGIN_S) return current;
  // The first epoch to start at or after both now and `notBeforeS`.
  const from = Math.max(now, notBeforeS);
  let epoch = epochs.at(from);
  if (epochs.startOf(epoch) < from) epoch += 1;
  ctx.log(`waiting for epoch ${epoch} (chain time ≥ ${epochs.startOf(epoch)}; now ${now})`);
  await waitChainTime(ctx, epochs.startOf(epoch));
  return epoch;
}

function tagOf(day: number | "settle", pinned: boolean): string {
  return `${day === "settle" ? " [settle round]" : ` [day ${day}]`}${pinned ? PINNED : ""}`;
}

/** A provider's lease (one each). */
function leaseOf(ctx: RunContext): Map<Account, LeasePlan> {
  const out = new Map<Account, LeasePlan>();
  for (const l of ctx.state.leases) if (l.id !== undefined) out.set(l.provider, l);
  return out;
}

/**
 * Adds the fee a provider's payment carried, weighed by the registry's usage weight of its denom
 * (floor(fee × weight), as record_usage does), to the provider's usage weight of the epoch it was
 * paid in (rewards.ts).
 */
function recordFees(ctx: RunContext, provider: Account, epoch: number, fee: bigint): void {
  const weight = ctx.chain.registryConfig.usage_weights.find((w) => "native" in w.denom && w.denom.native === USDC)?.weight ?? "0";
  const weighed = mulDecimalFloor(fee, weight);
  if (weighed === 0n) return;
  const perEpoch = ctx.state.usageFees.get(provider) ?? new Map<number, bigint>();
  ctx.state.usageFees.set(provider, perEpoch);
  perEpoch.set(epoch, (perEpoch.get(epoch) ?? 0n) + weighed);
}

/**
 * Applies a successful batch to the leases: each item's `wasm-batch_item` event must show it went
 * through and paid exactly what had matured on its lease (else a problem is noted).
 */
function applyBatch(ctx: RunContext, r: TxRecord, items: { lease: LeasePlan; units?: bigint }[]): void {
  const nowS = Math.floor((r.blockTimeMs ?? 0) / 1000);
  const epoch = ctx.epochs.at(nowS);
  const outcomes = itemOutcomes(r.events ?? []);
  const fee = BigInt(ctx.chain.escrowConfig.fee_bps);
  items.forEach(({ lease, units }, i) => {
    const outcome = outcomes[i];
    if (!outcome || outcome.leaseId !== lease.id || outcome.error !== undefined) {
      lease.provider.unpredictable = true;
      ctx.state.problems.push(`batch ${r.hash} item ${i} (lease ${lease.id}): ${outcome?.error ?? "no batch_item event for it"}`);
      return;
    }
    const paid =
      units === undefined ? applySettle(lease, nowS) : applyReport(lease, units, nowS, ctx.chain.escrowConfig.dispute_window, fee);
    recordFees(ctx, lease.provider, epoch, paid.fee);
    if (paid.amount !== outcome.paid)
      ctx.state.problems.push(
        `lease ${lease.id}: the batch ${r.hash} paid ${outcome.paid}, the run predicted ${paid.amount} (matured charges)`,
      );
  });
}

/** The amounts a successful claim_rewards minted, by provider (its `wasm` event's provider/amount pairs). */
function claimed(events: readonly RpcEvent[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const event = events.find((e) => e.type === "wasm" && e.attributes.some((a) => a.key === "action" && a.value === "claim_rewards"));
  let provider: string | undefined;
  for (const a of event?.attributes ?? []) {
    if (a.key === "provider") provider = a.value;
    if (a.key === "amount" && provider) {
      out.set(provider, (out.get(provider) ?? 0n) + BigInt(a.value));
      provider = undefined;
    }
  }
  return out;
}

function applyClaim(ctx: RunContext, r: TxRecord, providers: Account[]): void {
  const minted = claimed(r.events ?? []);
  for (const p of providers) {
    const amount = minted.get(p.address) ?? 0n;
    p.dpin += amount;
    ctx.state.claimed.set(p, (ctx.state.claimed.get(p) ?? 0n) + amount);
  }
}

/** Runs each list of phases in order, the lists side by side (each list is one account's, or accounts of its own). */
async function sideBySide(chains: (() => Promise<unknown>)[][]): Promise<void> {
  await Promise.all(
    chains.map(async (chain) => {
      for (const step of chain) await step();
    }),
  );
}

/** Groups of fleets of one size: one operation each. */
function bySize(fleets: Fleet[]): Fleet[][] {
  const groups = new Map<number, Fleet[]>();
  for (const f of fleets) groups.set(f.providers.length, [...(groups.get(f.providers.length) ?? []), f]);
  return [...groups.values()];
}

/** The sweep fleet's providers in consecutive chunks of each sweep size. */
function sweepChunks(ctx: RunContext): Account[][] {
  const sweep = ctx.actors.sweep;
  if (!sweep) return [];
  let from = 0;
  return ctx.options.sweep.map((n) => {
    const chunk = sweep.providers.slice(from, from + n);
    from += n;
    return chunk;
  });
}

interface BatchSpec {
  duty: Duty;
  day: number | "settle";
  pinned: boolean;
  /** Units each lease reports (a report), none for a settle. */
  units?: (lease: LeasePlan) => bigint;
}

/** One `batch` message per sender: a fleet operator's for its providers' leases, a lone provider's for its own. */
function batchPlanned(ctx: RunContext, sender: Account, leases: LeasePlan[], spec: BatchSpec): Planned {
  const items = leases.map((lease) => ({ lease, units: spec.units?.(lease) }));
  const msg: BillingEscrowTypes.ExecuteMsg = {
    batch: { items: items.map(({ lease, units }) => (units === undefined ? settleItem(lease) : reportItem(lease, units))) },
  };
  return {
    account: sender,
    msgs: [execMsg(sender.address, ctx.addresses.billingEscrow, msg)],
    items: items.length,
    onSuccess: (r) => applyBatch(ctx, r, items),
  };
}

function batchOp(size: number, spec: BatchSpec, sender: Sender): string {
  const what = plural(size, spec.units ? "report" : "settle");
  const who = sender === "lone" ? "lone provider" : sender;
  return `escrow batch: ${what} (${who})${tagOf(spec.day, spec.pinned)}`;
}

/** The escrow batches of a day (or the settle round): every fleet, every lone provider, the sweep fleet by size. */
async function batches(ctx: RunContext, spec: BatchSpec): Promise<void> {
  const leases = leaseOf(ctx);
  const own = (providers: Account[]) => providers.flatMap((p) => leases.get(p) ?? []);
  const meta = (sender: Sender, size: number) => ({ duty: spec.duty, sender, day: typeof spec.day === "number" ? spec.day : 0, size });
  const chains: (() => Promise<unknown>)[][] = bySize(ctx.actors.fleets).map((group) => [
    () =>
      runPhase(
        ctx,
        batchOp(group[0].providers.length, spec, "fleet"),
        group.map((f) => batchPlanned(ctx, f.operator, own(f.providers), spec)),
        meta("fleet", group[0].providers.length),
      ),
  ]);
  if (ctx.actors.lone.length > 0)
    chains.push([
      () =>
        runPhase(
          ctx,
          batchOp(1, spec, "lone"),
          ctx.actors.lone.flatMap((p) => (leases.has(p) ? [batchPlanned(ctx, p, own([p]), spec)] : [])),
          meta("lone", 1),
        ),
    ]);
  const sweep = ctx.actors.sweep;
  if (sweep)
    chains.push(
      sweepChunks(ctx).map(
        (chunk) => () =>
          runPhase(
            ctx,
            batchOp(chunk.length, spec, "sweep"),
            [batchPlanned(ctx, sweep.operator, own(chunk), spec)],
            meta("sweep", chunk.length),
          ),
      ),
    );
  await sideBySide(chains);
}

/** The sweep's own proofs for `epoch`: the sweep fleet's agents answer fresh challenges, sent by the arbiter in batches of each sweep size. */
function sweepProofs(ctx: RunContext, day: number, epoch: number, pinned: boolean): (() => Promise<unknown>)[] {
  const oracle = ctx.actors.oracle;
  const registry = ctx.addresses.providerRegistry;
  return sweepChunks(ctx).map((chunk) => () => {
    const proofs = chunk.map((p) =>
      livenessProof((p.agent as AgentKey).privkey, {
        chainId: ctx.chain.chainId,
        registry,
        provider: p.address,
        epoch,
        nonce: randomBytes(NONCE_BYTES),
      }),
    );
    const msg: ProviderRegistryTypes.ExecuteMsg = { prove_liveness: { epoch, proofs } };
    return runPhase(
      ctx,
      `registry prove_liveness: ${plural(chunk.length, "proof")} (sweep, arbiter)${tagOf(day, pinned)}`,
      [{ account: oracle, msgs: [execMsg(oracle.address, registry, msg)], items: chunk.length }],
      { duty: "liveness", sender: "sweep", day, size: chunk.length },
    );
  });
}

/** Claims: each fleet's operator for its providers, each lone provider its own, the sweep fleet by size. */
async function claims(ctx: RunContext, day: number, pinned: boolean): Promise<void> {
  const registry = ctx.addresses.providerRegistry;
  const registered = (providers: Account[]) => providers.filter((p) => ctx.state.registered.has(p));
  const claimFor = (sender: Account, providers: Account[] | undefined, who: Account[]): Planned => {
    const msg: ProviderRegistryTypes.ExecuteMsg = { claim_rewards: { providers: providers?.map((p) => p.address) } };
    return {
      account: sender,
      msgs: [execMsg(sender.address, registry, msg)],
      items: who.length,
      onSuccess: (r) => applyClaim(ctx, r, who),
    };
  };
  const tag = tagOf(day, pinned);
  const chains: (() => Promise<unknown>)[][] = bySize(ctx.actors.fleets).map((group) => [
    () =>
      runPhase(
        ctx,
        `registry claim_rewards: ${plural(group[0].providers.length, "provider")} (fleet)${tag}`,
        group.map((f) => claimFor(f.operator, registered(f.providers), registered(f.providers))),
        { duty: "claims", sender: "fleet", day, size: group[0].providers.length },
      ),
  ]);
  if (ctx.actors.lone.length > 0)
    chains.push([
      () =>
        runPhase(
          ctx,
          `registry claim_rewards: own (lone provider)${tag}`,
          registered(ctx.actors.lone).map((p) => claimFor(p, undefined, [p])),
          { duty: "claims", sender: "lone", day, size: 1 },
        ),
    ]);
  const sweep = ctx.actors.sweep;
  if (sweep)
    chains.push(
      sweepChunks(ctx).map(
        (chunk) => () =>
          runPhase(
            ctx,
            `registry claim_rewards: ${plural(chunk.length, "provider")} (sweep)${tag}`,
            [claimFor(sweep.operator, registered(chunk), registered(chunk))],
            {
              duty: "claims",
              sender: "sweep",
              day,
              size: chunk.length,
            },
          ),
      ),
    );
  await sideBySide(chains);
}

/** The last block time (s) of the phases' successful transactions. */
function landedS(phases: Phase[]): number {
  return Math.max(0, ...phases.flatMap((p) => p.records.map((r) => Math.floor((r.blockTimeMs ?? 0) / 1000))));
}

/** One provider-day: its epoch, the sweep's proofs and every lease's report, then the claims on a claim day. */
async function day(ctx: RunContext, n: number, role: DayRole, pinned: boolean, notBeforeS: number): Promise<DayLog> {
  const claimDay = role === "steady";
  const epoch = await dayEpoch(ctx, notBeforeS, n === 1);
  const startS = await chainNowS(ctx);
  const payouts = ctx.state.leases.some((l) => l.charges.some((c) => !c.paid && c.maturesAtS <= startS));
  ctx.log(
    `day ${n}${pinned ? " (pinned)" : ""}: epoch ${epoch}; every lease reports its usage${payouts ? " and is paid the previous day's charges" : ""}`,
  );
  const before = ctx.phases.length;
  const spec: BatchSpec = { duty: "billing", day: n, pinned, units: (l) => usageOn(l, n, USAGE_BASE) };
  await sideBySide([[() => batches(ctx, spec)], sweepProofs(ctx, n, epoch, pinned)]);
  const reportsLandedS = landedS(ctx.phases.slice(before).filter((p) => p.duty === "billing"));
  if (claimDay) await claims(ctx, n, pinned);
  const log: DayLog = { day: n, role, epoch, pinned, payouts, claims: claimDay, startS, reportsLandedS };
  ctx.state.days.push(log);
  return log;
}

/** Before the last day: every lease's matured charges paid by `settle` items, so that day's reports pay none. */
async function settleRound(ctx: RunContext, pinned: boolean): Promise<void> {
  const until = lastMaturity(ctx.state.leases);
  ctx.log(`settle round: waiting until the last charge matures (chain time ≥ ${until})`);
  const startS = await waitChainTime(ctx, until);
  await batches(ctx, { duty: "settle", day: "settle", pinned });
  ctx.state.settleRound = { pinned, startS };
}

/**
 * The provider-days: 1 (billing alone), 2 (the first payouts) and 3 (steady, claims) unpinned;
 * with --pin, the codes pinned, 4 (steady, claims), a settle round, 5 (billing alone) pinned. Each
 * day starts once the previous day's charges have matured; then the daemon is given the last
 * day's epoch to prove everyone.
 */
export async function providerDays(ctx: RunContext): Promise<void> {
  const after = (d: DayLog) => d.reportsLandedS + ctx.chain.escrowConfig.dispute_window + DAY_MARGIN_S;
  let previous = await day(ctx, 1, "billing", false, 0);
  previous = await day(ctx, 2, "first payouts", false, after(previous));
  previous = await day(ctx, 3, "steady", false, after(previous));
  if (ctx.options.pin) {
    // The steady day's proofs all run unpinned: the codes are pinned once the daemon has proven its epoch.
    await daemonProves(ctx, previous.epoch);
    await pinCodes(ctx);
    previous = await day(ctx, 4, "steady", true, after(previous));
    await settleRound(ctx, true);
    previous = await day(ctx, 5, "billing", true, 0);
  }
  await daemonProves(ctx, previous.epoch);
}

/** Waits until the registry counts every provider proven for `epoch` (the daemon's and the sweep's), or until the epoch's proof window closes. */
async function daemonProves(ctx: RunContext, epoch: number): Promise<void> {
  const everyone = ctx.state.registered.size;
  const closes = ctx.epochs.startOf(epoch + 2);
  ctx.log(`waiting for the oracle daemon to prove epoch ${epoch} (${everyone} providers in all)`);
  for (;;) {
    const stats = await ctx.q.providerRegistry.stats();
    const proven =
      stats.current_epoch === epoch ? stats.proven_current_epoch : stats.current_epoch === epoch + 1 ? stats.proven_previous_epoch : 0;
    if (proven >= everyone) return;
    if ((await chainNowS(ctx)) >= closes) {
      ctx.log(`epoch ${epoch}: ${proven} providers proven when its proof window closed`);
      return;
    }
    await sleep(1000);
  }
}
