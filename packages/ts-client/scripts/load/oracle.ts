// The oracle of the load run (proof of service): the run is the registry's
// oracle (the `arbiter` test account, the one oracle of
// deploy/params/devnet.json), and the agent of every provider it registered
// (keys from accounts.ts): from the providers' registration to
// the end of the run it proves every registered provider once an epoch with
// prove_liveness batches (sizes 1, 10 and 100 once each first, as far as the
// providers go, then the largest that fits), each entry a fresh nonce signed
// by the provider's agent key over the digest the registry verifies
// (@depin/ts-client's livenessProof, the interface's liveness_digest). The batches go to node 0
// only, in sequence order, as one oracle daemon would send them.
import { randomBytes } from "node:crypto";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { calculateFee } from "@cosmjs/stargate";
import { livenessProof } from "../../src";
import { eventAttribute, latestHeight, txHash } from "../load-stats";
import type { RunContext } from "./context";
import {
  type Account,
  type AgentKey,
  errorText,
  execMsg,
  GAS_MARGIN,
  MAX_LIVENESS_PROOFS,
  type Phase,
  PINNED,
  type PinLog,
  PROOF_BATCH_SIZES,
  type ProofBatch,
  proveOp,
  sleep,
  type TxRecord,
} from "./model";
import { applyOutcomes, followUntilIncluded } from "./runner";

/** Bytes of each challenge (the registry takes 8 to 64). */
const NONCE_BYTES = 16;
/** Agent signatures made before the oracle lets the rest of the run go on. */
const SIGNATURES_PER_TURN = 20;

/** An epoch's batches with the agents' answers signed (before the epoch, when there was time). */
interface Signed {
  epoch: number;
  providers: number;
  items: { epoch: number; chunk: Account[]; msg: EncodeObject }[];
  signMs: number;
}
/** Batches that landed while the pin proposal was voted on: neither pinned nor surely unpinned. */
export const WHILE_PINNING = " (while pinning)";

/** The registry's counts in a successful prove_liveness transaction's events. */
function counts(record: TxRecord): { proven: number; duplicates: number; rejected: number } {
  const n = (key: string) => Number(eventAttribute(record.events ?? [], "wasm", key) ?? NaN);
  return { proven: n("proven"), duplicates: n("duplicates"), rejected: n("rejected") };
}

/** The oracle's loop: once an epoch, every registered provider proven in batches. */
export class Oracle {
  readonly batches: ProofBatch[] = [];
  /** Epochs the oracle sent proofs for, in order. */
  readonly epochs: number[] = [];
  /** The epoch when the oracle started, and the latest it saw. */
  firstEpoch?: number;
  lastEpoch?: number;
  startHeight = 0;
  /** What went wrong along the way (the loop went on). */
  readonly failures: string[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  /** Batch sizes that landed at least once, and the gas limit of each size (its first simulation × margin). */
  private readonly measured = new Set<number>();
  private readonly gasFor = new Map<number, number>();

  constructor(
    private readonly ctx: RunContext,
    readonly account: Account,
  ) {}

  /** Starts proving in the background (the phases go on meanwhile). */
  async start(): Promise<void> {
    this.startHeight = (await latestHeight(this.ctx.config.rpc)) + 1;
    this.firstEpoch = (await this.ctx.q.providerRegistry.stats()).current_epoch;
    this.ctx.log(`oracle ${this.account.name}: proving every registered provider once an epoch from epoch ${this.firstEpoch}`);
    this.loop = this.run();
  }

  /**
   * Lets the epoch in hand finish and stops, then files the batches as phases of the run (the
   * unpinned ones before the first pinned phase) and what the oracle did in the run state.
   */
  async finish(): Promise<void> {
    const { ctx } = this;
    this.stopped = true;
    await this.loop;
    const firstEpoch = this.firstEpoch ?? 0;
    const lastEpoch = this.lastEpoch ?? firstEpoch;
    const ok = this.batches.filter((b) => b.record.code === 0);
    ctx.log(
      `oracle: proofs sent for ${this.epochs.length} of the ${lastEpoch - firstEpoch + 1} epochs ${firstEpoch}–${lastEpoch}, ${ok.length}/${this.batches.length} batches succeeded` +
        (this.failures.length ? `; ${this.failures.length} failures (first: ${this.failures[0]})` : ""),
    );
    const phases = this.phases(ctx.state.pinLog);
    const at = ctx.phases.findIndex((p) => p.op.endsWith(PINNED));
    ctx.phases.splice(at < 0 ? ctx.phases.length : at, 0, ...phases.filter((p) => !p.op.endsWith(PINNED)));
    ctx.phases.push(...phases.filter((p) => p.op.endsWith(PINNED)));
    ctx.state.proofs = { oracle: this.account, batches: this.batches, epochs: this.epochs, firstEpoch, lastEpoch, failures: this.failures };
  }

  // Each new epoch: the current one, and the previous one too when it went by unproven (still in its
  // proof window); an epoch older than that is lost. The next epoch's challenges are signed while the
  // current one runs out. A failure is logged and the loop goes on.
  private async run(): Promise<void> {
    const { ctx } = this;
    let last = -1;
    let ready: Signed | undefined;
    while (!this.stopped) {
      try {
        const epoch = await this.currentEpoch();
        const providers = ctx.actors.providers.filter((p) => ctx.state.registered.has(p) && p.agent !== undefined);
        if (epoch <= last || providers.length === 0) {
          await sleep(400);
          continue;
        }
        if (last >= 0 && epoch - 2 > last) ctx.log(`oracle: epochs ${last + 1}–${epoch - 2} went by unproven`);
        const due = last >= 0 && epoch - 1 > last ? [epoch - 1, epoch] : [epoch];
        const signed: Signed[] = [];
        for (const e of due)
          signed.push(ready?.epoch === e && ready.providers === providers.length ? ready : await this.sign(e, providers));
        last = epoch;
        await this.send(signed);
        ready = await this.sign(epoch + 1, providers);
      } catch (err) {
        this.failures.push(errorText(err));
        ctx.log(`oracle: ${errorText(err)}`);
        await sleep(1000);
      }
    }
  }

  private async currentEpoch(): Promise<number> {
    const epoch = (await this.ctx.q.providerRegistry.stats()).current_epoch;
    this.lastEpoch = Math.max(this.lastEpoch ?? epoch, epoch);
    return epoch;
  }

  /** The batch sizes for `total` providers: each size not measured yet (none landed) once if it fits, then the largest that fits. */
  private batchSizes(total: number): number[] {
    const sizes: number[] = [];
    const first = PROOF_BATCH_SIZES.filter((n) => !this.measured.has(n));
    let left = total;
    while (left > 0) {
      const i = first.findIndex((n) => n <= left);
      const n = i >= 0 ? first.splice(i, 1)[0] : Math.min(MAX_LIVENESS_PROOFS, left);
      sizes.push(n);
      left -= n;
    }
    return sizes;
  }

  /** Every provider's answer to a fresh challenge for `epoch`, in batches. */
  private async sign(epoch: number, providers: Account[]): Promise<Signed> {
    const t0 = Date.now();
    const items: Signed["items"] = [];
    let from = 0;
    for (const n of this.batchSizes(providers.length)) {
      const chunk = providers.slice(from, from + n);
      from += n;
      items.push({ epoch, chunk, msg: await this.message(epoch, chunk) });
    }
    return { epoch, providers: providers.length, items, signMs: Date.now() - t0 };
  }

  private async message(epoch: number, providers: Account[]): Promise<EncodeObject> {
    const { ctx } = this;
    const registry = ctx.addresses.providerRegistry;
    const proofs: ReturnType<typeof livenessProof>[] = [];
    for (const p of providers) {
      const nonce = randomBytes(NONCE_BYTES);
      proofs.push(
        livenessProof((p.agent as AgentKey).privkey, { chainId: ctx.chain.chainId, registry, provider: p.address, epoch, nonce }),
      );
      // The agents' signatures take the process's one thread: let the phases' sends and reads in between.
      if (proofs.length % SIGNATURES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return execMsg(this.account.address, registry, { prove_liveness: { epoch, proofs } });
  }

  /**
   * Sends the signed batches whose epoch the registry still takes: the gas limit of each size is its
   * first simulation × margin (simulated before anything is sent: the simulation checks the sequence;
   * a batch that fails it is dropped and logged), signed in sequence, sent to node 0 in order and
   * followed into a block.
   */
  private async send(signed: Signed[]): Promise<void> {
    const { ctx, account } = this;
    const current = await this.currentEpoch();
    const items = signed
      .filter((s) => s.epoch + 1 >= current)
      .flatMap((s) => s.items.map((item) => ({ ...item, signMs: s.signMs / s.items.length })));
    const kept: (typeof items)[number][] = [];
    const gas: number[] = [];
    for (const item of items) {
      try {
        const size = item.chunk.length;
        const limit = this.gasFor.get(size) ?? Math.ceil((await ctx.keys.simulate(account, [item.msg])) * GAS_MARGIN);
        this.gasFor.set(size, limit);
        gas.push(limit);
        kept.push(item);
      } catch (err) {
        const failure = `simulating a batch of ${item.chunk.length} proofs for epoch ${item.epoch}: ${errorText(err)}`;
        this.failures.push(failure);
        ctx.log(`oracle: ${failure}`);
      }
    }
    const txT0 = Date.now();
    const batches: ProofBatch[] = [];
    for (const [i, { epoch, chunk, msg, signMs }] of kept.entries()) {
      const fee = calculateFee(gas[i], ctx.gasPrice);
      const bytes = await ctx.keys.signTx(account, [msg], fee, account.sequence + i);
      const record: TxRecord = {
        op: proveOp(chunk.length),
        account,
        hash: txHash(bytes),
        bytes,
        fee,
        sentAtMs: 0,
        lastSentMs: 0,
        sends: 0,
        inclusions: 0,
        appliedAgain: false,
        onSuccess: (r) => Object.assign(batch, counts(r)),
      };
      const batch: ProofBatch = { epoch, providers: chunk, record, signMs, broadcastMs: 0 };
      batches.push(batch);
    }
    const txSignMs = Date.now() - txT0;
    this.batches.push(...batches);
    for (const e of new Set(batches.map((b) => b.epoch))) this.epochs.push(e);
    const records = batches.map((b) => b.record);
    const broadcastT0 = Date.now();
    for (const r of records) {
      ctx.follower.pending.set(r.hash, r);
      await ctx.broadcaster.send(r, 0);
    }
    const broadcastMs = Date.now() - broadcastT0;
    for (const b of batches) {
      b.signMs += txSignMs / batches.length;
      b.broadcastMs = broadcastMs / batches.length;
    }
    await followUntilIncluded(ctx, records);
    await applyOutcomes(ctx, records);
    for (const b of batches) {
      if (b.record.code === 0) this.measured.add(b.providers.length);
      // Out of gas (a settlement read more than the simulated one): simulate that size again next time.
      else if (/out of gas/i.test(b.record.log ?? "")) this.gasFor.delete(b.providers.length);
    }
  }

  /**
   * The oracle's batches as phases of the run, one per batch size: those that landed after the
   * codes were pinned tagged (pinned), those that landed while the pin proposal was voted on tagged
   * (while pinning). Their records' op is set to the phase's.
   */
  private phases(pinLog: PinLog | undefined): Phase[] {
    const groups = new Map<string, ProofBatch[]>();
    for (const b of this.batches) {
      const h = b.record.height ?? 0;
      const tag = pinLog && h > pinLog.height ? PINNED : pinLog && h > pinLog.startHeight ? WHILE_PINNING : "";
      b.record.op = proveOp(b.providers.length) + tag;
      const group = groups.get(b.record.op) ?? [];
      groups.set(b.record.op, group);
      group.push(b);
    }
    const phases: { size: number; phase: Phase }[] = [];
    for (const [op, group] of groups) {
      const records = group.map((b) => b.record);
      const heights = records.map((r) => r.height ?? 0).filter((h) => h > 0);
      const sent = records.map((r) => r.sentAtMs).filter((t) => t > 0);
      // Committed at the header time of the next block (as the per-operation table counts it).
      const committed = heights.map((h) => this.ctx.follower.blocks.get(h + 1)?.timeMs ?? 0).filter((t) => t > 0);
      const phase: Phase = {
        op,
        records,
        startHeight: heights.length ? Math.min(...heights) : this.startHeight,
        endHeight: heights.length ? Math.max(...heights) : this.startHeight,
        signMs: group.reduce((s, b) => s + b.signMs, 0),
        broadcastMs: group.reduce((s, b) => s + b.broadcastMs, 0),
        wallMs: sent.length && committed.length ? Math.max(...committed) - Math.min(...sent) : 0,
      };
      phases.push({ size: group[0].providers.length, phase });
    }
    // Unpinned first, then while pinning, then pinned; by batch size within each.
    const rank = (op: string) => (op.endsWith(PINNED) ? 2 : op.endsWith(WHILE_PINNING) ? 1 : 0);
    return phases.sort((a, b) => rank(a.phase.op) - rank(b.phase.op) || a.size - b.size).map((p) => p.phase);
  }
}
