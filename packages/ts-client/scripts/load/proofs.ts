// Proof of service read back from the blocks: every prove_liveness of the
// run, the oracle daemon's (signed by its hot key, through authz MsgExec) and
// the sweep's (the arbiter's own), with the registry's response data: which
// providers each proved, for which epoch. The daemon's transactions become
// phases of the run (one per provider-day, one for the other epochs), so the
// tables count them like the run's own; the proven sets feed the rewards'
// closed form (rewards.ts) and the proof checks (verification.ts).
import { contractResponse, eventAttribute } from "../load-stats";
import type { RunContext } from "./context";
import { account, type DayLog, type Phase, PINNED, type PinLog, type ProofLedger, type ProofTx, type TxRecord } from "./model";

/** Batches that landed while the pin proposal was voted on: neither pinned nor surely unpinned. */
export const WHILE_PINNING = " (while pinning)";

/** The registry's answer to a prove_liveness (its response data). */
interface ProveResponse {
  epoch: number;
  proven: string[];
  duplicates: string[];
  rejected: { provider: string; reason: string }[];
}

/** The signer of a transaction in a block: its `tx` event's `acc_seq` (`<address>/<sequence>`). */
function signerOf(events: TxRecord["events"]): string | undefined {
  return eventAttribute(events ?? [], "tx", "acc_seq")?.split("/")[0];
}

/**
 * Reads every block of the run for prove_liveness transactions: the run's own (by hash) and every
 * transaction signed by the daemon's hot key (a failed one too). The daemon's become records with
 * their broadcast time from its log (for latency).
 */
export function readProofs(ctx: RunContext): ProofLedger {
  const registry = ctx.addresses.providerRegistry;
  const own = new Map<string, TxRecord>();
  for (const p of ctx.phases) for (const r of p.records) own.set(r.hash, r);
  const hot = ctx.oracle.hot;
  const hotAccount = account("depin-oracle (hot key)", hot, true);
  const broadcastMs = ctx.oracle.log?.broadcastMs ?? new Map<string, number>();
  const ledger: ProofLedger = { txs: [], provenEpochs: new Map(), daemonTxs: 0 };
  const heights = [...ctx.follower.blocks.keys()].sort((a, b) => a - b);
  for (const h of heights) {
    const block = ctx.follower.blocks.get(h);
    if (!block) continue;
    block.hashes.forEach((hash, i) => {
      const result = block.results[i];
      if (!result) return;
      const ours = own.get(hash);
      const daemon = !ours && hot !== "" && signerOf(result.events) === hot;
      if (!ours && !daemon) return;
      const isProof = result.events.some(
        (e) =>
          e.type === "wasm" &&
          e.attributes.some((a) => a.key === "_contract_address" && a.value === registry) &&
          e.attributes.some((a) => a.key === "action" && a.value === "prove_liveness"),
      );
      if (daemon) ledger.daemonTxs++;
      if (ours && !isProof) return;
      const record: TxRecord = ours ?? {
        op: "",
        account: hotAccount,
        hash,
        bytes: new Uint8Array(),
        fee: { amount: [], gas: result.gas_wanted },
        sentAtMs: broadcastMs.get(hash) ?? block.timeMs,
        lastSentMs: 0,
        sends: 1,
        inclusions: 1,
        appliedAgain: false,
        height: h,
        blockTimeMs: block.timeMs,
        code: result.code,
        codespace: result.codespace,
        log: result.log,
        gasUsed: Number(result.gas_used),
        gasWanted: Number(result.gas_wanted),
        events: result.events,
        data: result.data ?? undefined,
        items: 0,
      };
      const response = result.code === 0 ? (contractResponse(result.data) as ProveResponse | undefined) : undefined;
      const tx: ProofTx = {
        record,
        sender: ours ? "sweep" : "oracle",
        epoch: response?.epoch,
        proven: response?.proven ?? [],
        duplicates: response?.duplicates.length ?? 0,
        rejected: response?.rejected.length ?? 0,
      };
      if (!ours) record.items = tx.proven.length + tx.duplicates + tx.rejected;
      ledger.txs.push(tx);
      if (response)
        for (const p of response.proven) {
          const set = ledger.provenEpochs.get(p) ?? new Set<number>();
          ledger.provenEpochs.set(p, set);
          set.add(response.epoch);
        }
    });
  }
  return ledger;
}

/**
 * The daemon's transactions as phases, one per provider-day (by the epoch they proved), one for
 * the other epochs; pinned ones (after the pin took effect) and those that landed while the pin
 * proposal was voted on tagged so. Appended to the run's phases.
 */
export function daemonPhases(ctx: RunContext, ledger: ProofLedger): Phase[] {
  const pinLog: PinLog | undefined = ctx.state.pinLog;
  const dayOf = new Map<number, DayLog>(ctx.state.days.map((d) => [d.epoch, d]));
  const groups = new Map<string, { day: number; records: TxRecord[] }>();
  for (const tx of ledger.txs.filter((t) => t.sender === "oracle")) {
    const h = tx.record.height ?? 0;
    const pin = pinLog && h > pinLog.height ? PINNED : pinLog && h > pinLog.startHeight ? WHILE_PINNING : "";
    const day = tx.epoch === undefined ? undefined : dayOf.get(tx.epoch);
    const op = `registry prove_liveness: depin-oracle, up to 200 proofs (authz MsgExec)${day ? ` [day ${day.day}]` : " [other epochs]"}${pin}`;
    tx.record.op = op;
    const group = groups.get(op) ?? { day: day?.day ?? 0, records: [] };
    groups.set(op, group);
    group.records.push(tx.record);
  }
  const phases: Phase[] = [];
  for (const [op, { day, records }] of groups) {
    const heights = records.map((r) => r.height ?? 0);
    const committed = heights.map((h) => ctx.follower.blocks.get(h + 1)?.timeMs ?? 0).filter((t) => t > 0);
    const sent = records.map((r) => r.sentAtMs);
    phases.push({
      op,
      records,
      startHeight: Math.min(...heights),
      endHeight: Math.max(...heights),
      signMs: 0,
      broadcastMs: 0,
      wallMs: committed.length ? Math.max(...committed) - Math.min(...sent) : 0,
      duty: "liveness",
      sender: "oracle",
      day,
      external: true,
    });
  }
  return phases.sort((a, b) => a.startHeight - b.startHeight);
}
