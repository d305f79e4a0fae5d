// Sending and following: raw transactions broadcast with broadcast_tx_sync,
// node by node in turn, and every block of the run read back (block and
// block_results) to find where each transaction landed and how it ran.
import { broadcastSync, type ChainBlock, fetchBlock, latestHeight, pool } from "../load-stats";
import { errorText, sleep, type TxRecord } from "./model";

/** Sends of one transaction that may find the mempool full before it counts as rejected. */
const MEMPOOL_FULL_TRIES = 60;

/** Reads every block of the run from node 0 and fills in the records of the transactions it holds. */
export class ChainFollower {
  readonly blocks = new Map<number, ChainBlock>();
  /** Sent and accepted by CheckTx, not yet seen in a block. */
  readonly pending = new Map<string, TxRecord>();
  private readonly included = new Map<string, TxRecord>();
  /** The scan under way: the phases and the oracle scan at once, and a block must be read once. */
  private scanning?: Promise<void>;

  private constructor(
    private readonly rpc: string,
    /** The last height read. */
    public scanned: number,
  ) {}

  static async start(rpc: string): Promise<ChainFollower> {
    return new ChainFollower(rpc, (await latestHeight(rpc)) - 1);
  }

  /** Reads the blocks committed since the last scan (joins the scan under way, if any). */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    // The latest height's block results may not be stored yet when /status reports it: one behind.
    const top = (await latestHeight(this.rpc)) - 1;
    const heights: number[] = [];
    for (let h = this.scanned + 1; h <= top; h++) heights.push(h);
    const fetched: ChainBlock[] = [];
    await pool(heights, 8, async (h) => {
      fetched.push(await fetchBlock(this.rpc, h));
    });
    fetched.sort((a, b) => a.height - b.height);
    for (const block of fetched) {
      this.blocks.set(block.height, block);
      block.hashes.forEach((hash, i) => {
        this.record(block, hash, i);
      });
    }
    if (heights.length > 0) this.scanned = top;
  }

  private record(block: ChainBlock, hash: string, i: number): void {
    const record = this.pending.get(hash);
    const result = block.results[i];
    if (!record) {
      // A transaction already seen in a block: CometBFT and the sequence must never let it run twice.
      const earlier = this.included.get(hash);
      if (earlier) {
        earlier.inclusions++;
        if (result?.code === 0) earlier.appliedAgain = true;
      }
      return;
    }
    record.inclusions = 1;
    this.included.set(hash, record);
    record.height = block.height;
    record.blockTimeMs = block.timeMs;
    record.code = result?.code ?? -1;
    record.codespace = result?.codespace;
    record.log = result?.log;
    record.gasUsed = Number(result?.gas_used ?? 0);
    record.gasWanted = Number(result?.gas_wanted ?? 0);
    record.events = result?.events ?? [];
    record.data = result?.data ?? undefined;
    this.pending.delete(hash);
  }
}

/**
 * CheckTx's answer from a node whose state is behind: "account sequence mismatch, expected E, got
 * G" with E < G (it has not seen our earlier transactions yet), or a signature that does not verify
 * against the account number it holds (a restarted validator answering from an old state before
 * the account existed; the run's signatures are right by construction).
 */
function behind(checkLog: string): boolean {
  const m = /account sequence mismatch, expected (\d+), got (\d+)/.exec(checkLog);
  return (m !== null && Number(m[1]) < Number(m[2])) || /signature verification failed; please verify account number/.test(checkLog);
}

// Broadcasting: node by node in turn; a node that cannot be reached, answers without
// running CheckTx (block sync after a restart) or is still behind (it expects a lower
// sequence than the one signed) is skipped for the next.
export class Broadcaster {
  private nextNode = 0;
  /** Broadcast attempts that found a node unreachable, and that found it catching up or behind. */
  unreachable = 0;
  unavailable = 0;
  /** First answers "tx already exists in cache" (an attempt that timed out had reached a node): counted as accepted. */
  alreadyInCache = 0;
  /** Answers "mempool is full": the transaction was sent again a second later (at most MEMPOOL_FULL_TRIES times). */
  mempoolFull = 0;

  constructor(
    readonly rpcs: string[],
    private readonly follower: ChainFollower,
  ) {}

  /**
   * Sends the record's bytes to the next node (or to node `only`); a CheckTx rejection or no node
   * at all ends the record. A full mempool (the blocks have not caught up with the sends yet) is
   * waited out: the same bytes again a second later.
   */
  async send(record: TxRecord, only?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.sendOnce(record, only);
      if (attempt >= MEMPOOL_FULL_TRIES || record.checkCode === undefined || !/mempool is full/i.test(record.checkLog ?? "")) return;
      this.mempoolFull++;
      record.checkCode = record.checkCodespace = record.checkLog = record.node = undefined;
      record.sends = Math.max(0, record.sends - 1);
      this.follower.pending.set(record.hash, record);
      await sleep(1000);
    }
  }

  private async sendOnce(record: TxRecord, only?: number): Promise<void> {
    const rpcs = this.rpcs;
    const first = only ?? this.nextNode++ % rpcs.length;
    const tries = only === undefined ? rpcs.length : 1;
    let lastError = "";
    for (let k = 0; k < tries; k++) {
      const node = (first + k) % rpcs.length;
      try {
        const now = Date.now();
        const result = await broadcastSync(rpcs[node], record.bytes);
        // An earlier attempt (timed out on our side) reached a node: the transaction is in a mempool.
        const inCache = result.rpcError === true && result.log.includes("tx already exists in cache");
        if (inCache && record.node === undefined) this.alreadyInCache++;
        if (record.node === undefined && k + 1 < tries && !inCache && (result.rpcError || behind(result.log))) {
          this.unavailable++;
          lastError = `${rpcs[node]}: ${result.log}`;
          continue;
        }
        record.sentAtMs ||= now;
        record.lastSentMs = Date.now();
        record.sends++;
        // A second send's answer does not matter: "already in the cache" or a sequence
        // mismatch mean the first is still on its way or already in a block.
        if (record.node === undefined) {
          record.node = node;
          if (result.code !== 0 && !inCache) this.reject(record, result.code, result.log, result.codespace);
        }
        return;
      } catch (err) {
        this.unreachable++;
        lastError = `${rpcs[node]}: ${errorText(err)}`;
      }
    }
    if (record.node === undefined) this.reject(record, -1, `broadcast failed: no node could be reached (${lastError})`);
  }

  private reject(record: TxRecord, code: number, log: string, codespace?: string): void {
    this.follower.pending.delete(record.hash);
    record.checkCode = code;
    record.checkCodespace = codespace;
    record.checkLog = log;
  }
}
