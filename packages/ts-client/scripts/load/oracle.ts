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
  /** Why the loop stopped early, if it did. */
  error?: string;
  private stopped = false;
  private loop?: Promise<void>;
  private readonly sizesLeft: number[] = [...PROOF_BATCH_SIZES];

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
        (this.error ? `; stopped early: ${this.error}` : ""),
    );
    const phases = this.phases(ctx.state.pinLog);
    const at = ctx.phases.findIndex((p) => p.op.endsWith(PINNED));
    ctx.phases.splice(at < 0 ? ctx.phases.length : at, 0, ...phases.filter((p) => !p.op.endsWith(PINNED)));
    ctx.phases.push(...phases.filter((p) => p.op.endsWith(PINNED)));
    ctx.state.proofs = { oracle: this.account, batches: this.batches, epochs: this.epochs, firstEpoch, lastEpoch, error: this.error };
  }

  // Each new epoch: the current one, and the previous one too when it went by unproven (still in its
  // proof window); an epoch older than that is lost.
  private async run(): Promise<void> {
    const { ctx } = this;
    let last = -1;
    try {
      while (!this.stopped) {
        const epoch = (await ctx.q.providerRegistry.stats()).current_epoch;
        const providers = ctx.actors.providers.filter((p) => ctx.state.registered.has(p) && p.agent !== undefined);
        if (epoch > last && providers.length > 0) {
          if (last >= 0 && epoch - 2 > last) ctx.log(`oracle: epochs ${last + 1}–${epoch - 2} went by unproven`);
          const due = last >= 0 && epoch - 1 > last ? [epoch - 1, epoch] : [epoch];
          await this.prove(due, providers);
          last = epoch;
        } else await sleep(400);
        this.lastEpoch = Math.max(this.lastEpoch ?? epoch, epoch);
      }
    } catch (err) {
      this.error = errorText(err);
      ctx.log(`oracle stopped: ${this.error}`);
    }
  }

  /** The batch sizes for `total` providers: each size not measured yet once if it fits, then the largest that fits. */
  private batchSizes(total: number): number[] {
    const sizes: number[] = [];
    let left = total;
    while (left > 0) {
      const i = this.sizesLeft.findIndex((n) => n <= left);
      const n = i >= 0 ? this.sizesLeft.splice(i, 1)[0] : Math.min(MAX_LIVENESS_PROOFS, left);
      sizes.push(n);
      left -= n;
    }
    return sizes;
  }

  private message(epoch: number, providers: Account[]) {
    const { ctx } = this;
    const registry = ctx.addresses.providerRegistry;
    const proofs = providers.map((p) =>
      livenessProof((p.agent as AgentKey).privkey, {
        chainId: ctx.chain.chainId,
        registry,
        provider: p.address,
        epoch,
        nonce: randomBytes(NONCE_BYTES),
      }),
    );
    return execMsg(this.account.address, registry, { prove_liveness: { epoch, proofs } });
  }

  /** Every provider for each of `epochs`: sign every batch, simulate each (before anything is sent: the simulation checks the sequence), send in order, follow. */
  private async prove(epochs: number[], providers: Account[]): Promise<void> {
    const { ctx, account } = this;
    const chunks: { epoch: number; chunk: Account[] }[] = [];
    for (const epoch of epochs) {
      let from = 0;
      for (const n of this.batchSizes(providers.length)) {
        chunks.push({ epoch, chunk: providers.slice(from, from + n) });
        from += n;
      }
    }
    const signT0 = Date.now();
    const msgs = chunks.map(({ epoch, chunk }) => this.message(epoch, chunk));
    // Every batch simulated: a provider's settlement reads more when epochs went by unproven.
    const gas: number[] = [];
    for (const msg of msgs) gas.push(Math.ceil((await ctx.keys.simulate(account, [msg])) * GAS_MARGIN));
    const batches: ProofBatch[] = [];
    for (const [i, { epoch, chunk }] of chunks.entries()) {
      const fee = calculateFee(gas[i], ctx.gasPrice);
      const bytes = await ctx.keys.signTx(account, [msgs[i]], fee, account.sequence + i);
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
      const batch: ProofBatch = { epoch, providers: chunk, record, signMs: 0, broadcastMs: 0 };
      batches.push(batch);
    }
    const signMs = Date.now() - signT0;
    this.batches.push(...batches);
    this.epochs.push(...epochs);
    const records = batches.map((b) => b.record);
    const broadcastT0 = Date.now();
    for (const r of records) {
      ctx.follower.pending.set(r.hash, r);
      await ctx.broadcaster.send(r, 0);
    }
    const broadcastMs = Date.now() - broadcastT0;
    for (const b of batches) {
      b.signMs = signMs / batches.length;
      b.broadcastMs = broadcastMs / batches.length;
    }
    await followUntilIncluded(ctx, records);
    await applyOutcomes(ctx, records);
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
