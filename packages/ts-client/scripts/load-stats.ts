// Small helpers of the load generator (scripts/load.ts): statistics, the
// protobuf encoding of a signed transaction (TxRaw) and the CometBFT RPC
// calls CosmJS does not expose (block results, consensus parameters).
import { sha256 } from "@cosmjs/crypto";
import { fromBase64, fromUtf8, toBase64, toHex, toUtf8 } from "@cosmjs/encoding";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";

/** The q-quantile (0..1) of numbers, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/** A number with thousands separators, or "–" for NaN. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * cosmos.tx.v1beta1.TxRaw as protobuf bytes: body_bytes (1), auth_info_bytes
 * (2), signatures (3, repeated), each a length-delimited field. Written here
 * so the load generator needs no package beyond the declared CosmJS ones.
 */
export function encodeTxRaw(tx: { bodyBytes: Uint8Array; authInfoBytes: Uint8Array; signatures: readonly Uint8Array[] }): Uint8Array {
  const parts: number[] = [];
  const field = (tag: number, bytes: Uint8Array) => {
    parts.push((tag << 3) | 2, ...varint(bytes.length));
    for (const b of bytes) parts.push(b);
  };
  field(1, tx.bodyBytes);
  field(2, tx.authInfoBytes);
  for (const s of tx.signatures) field(3, s);
  return Uint8Array.from(parts);
}

/** A transaction's hash as CometBFT prints it (upper-case hex sha256 of its bytes). */
export function txHash(bytes: Uint8Array): string {
  return toHex(sha256(bytes)).toUpperCase();
}

export interface RpcEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

export interface RpcTxResult {
  code: number;
  codespace?: string;
  log: string;
  gas_wanted: string;
  gas_used: string;
  events: RpcEvent[];
  /** The transaction's result data: base64 of TxMsgData. */
  data?: string | null;
}

export interface ChainBlock {
  height: number;
  /** Block time, ms since the epoch. */
  timeMs: number;
  hashes: string[];
  results: RpcTxResult[];
}

async function rpcGet<T>(rpc: string, path: string): Promise<T> {
  let lastError = "";
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const response = await fetch(`${rpc}${path}`);
      const body = (await response.json()) as { result?: T; error?: { message?: string; data?: string } };
      if (body.result !== undefined) return body.result;
      lastError = `${body.error?.message ?? "no result"} ${body.error?.data ?? ""}`.trim();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  throw new Error(`the node at ${rpc} did not answer ${path}: ${lastError}`);
}

/** Block time of an RFC 3339 timestamp with nanoseconds, in ms. */
export function blockTimeMs(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d*Z$/, "$1Z"));
}

/** One block with its transactions' hashes and DeliverTx results. */
export async function fetchBlock(rpc: string, height: number): Promise<ChainBlock> {
  const [block, results] = await Promise.all([
    rpcGet<{ block: { header: { time: string }; data: { txs: string[] | null } } }>(rpc, `/block?height=${height}`),
    rpcGet<{ txs_results: RpcTxResult[] | null }>(rpc, `/block_results?height=${height}`),
  ]);
  const txs = block.block.data.txs ?? [];
  return {
    height,
    timeMs: blockTimeMs(block.block.header.time),
    hashes: txs.map((t) => txHash(fromBase64(t))),
    results: results.txs_results ?? [],
  };
}

export async function latestHeight(rpc: string): Promise<number> {
  const status = await rpcGet<{ sync_info: { latest_block_height: string } }>(rpc, "/status");
  return Number(status.sync_info.latest_block_height);
}

/** The consensus parameters' block gas limit (-1: none). */
export async function blockMaxGas(rpc: string): Promise<number> {
  const params = await rpcGet<{ consensus_params: { block: { max_gas: string } } }>(rpc, "/consensus_params");
  return Number(params.consensus_params.block.max_gas);
}

/**
 * The JSON a contract answered to the first message of a committed
 * transaction (its response `data`), sent directly or through authz `MsgExec`;
 * undefined when there is none.
 */
export function contractResponse(dataB64: string | null | undefined): unknown {
  if (!dataB64) return undefined;
  try {
    const first = TxMsgData.decode(fromBase64(dataB64)).msgResponses[0];
    if (!first) return undefined;
    let execute = first.value;
    if (first.typeUrl === "/cosmos.authz.v1beta1.MsgExecResponse") execute = MsgExecResponse.decode(first.value).results[0];
    else if (first.typeUrl !== "/cosmwasm.wasm.v1.MsgExecuteContractResponse") return undefined;
    const { data } = MsgExecuteContractResponse.decode(execute ?? new Uint8Array());
    return data.length ? JSON.parse(fromUtf8(data)) : undefined;
  } catch {
    return undefined;
  }
}

/** Every value of `key` in events of `type`, in order. */
export function eventAttributes(events: readonly RpcEvent[], type: string, key: string): string[] {
  return events
    .filter((e) => e.type === type)
    .flatMap((e) => e.attributes)
    .filter((a) => a.key === key)
    .map((a) => a.value);
}

/** The first value of `key` in events of `type`. */
export function eventAttribute(events: readonly RpcEvent[], type: string, key: string): string | undefined {
  return events
    .filter((e) => e.type === type)
    .flatMap((e) => e.attributes)
    .find((a) => a.key === key)?.value;
}

/** Runs `worker` over `items` with at most `limit` at a time, in order of start. */
export async function pool<T>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await worker(items[i], i);
    }
  });
  await Promise.all(runners);
}

/**
 * An account's number and sequence from the REST API. wasmd 0.70 gives new
 * accounts 64-bit account numbers beyond 2^53, which CosmJS 0.38's
 * getAccount refuses ("number can only safely store up to 53 bits"): the
 * number is kept as a bigint here.
 */
export async function restAccount(rest: string, address: string): Promise<{ accountNumber: bigint; sequence: number } | undefined> {
  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const response = await fetch(`${rest}/cosmos/auth/v1beta1/accounts/${address}`);
      if (response.status === 404) return undefined;
      const body = (await response.json()) as {
        account?: { account_number?: string; sequence?: string; base_account?: { account_number: string; sequence: string } };
        message?: string;
      };
      const account = body.account?.base_account ?? body.account;
      if (account?.account_number !== undefined)
        return { accountNumber: BigInt(account.account_number), sequence: Number(account.sequence ?? "0") };
      if (/not found/i.test(body.message ?? "")) return undefined;
      lastError = body.message ?? JSON.stringify(body).slice(0, 200);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  throw new Error(`the REST API at ${rest} did not return the account ${address}: ${lastError}`);
}

/**
 * A contract's smart query through the REST API, at `height` (the
 * `x-cosmos-block-height` header) or the latest block: a read of the state
 * as of one block, whose time is known.
 */
export async function restSmart<T>(rest: string, contract: string, msg: unknown, height?: number): Promise<T> {
  const query = toBase64(toUtf8(JSON.stringify(msg)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
  const headers: Record<string, string> = height === undefined ? {} : { "x-cosmos-block-height": String(height) };
  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const response = await fetch(`${rest}/cosmwasm/wasm/v1/contract/${contract}/smart/${query}`, { headers });
      const body = (await response.json()) as { data?: T; message?: string };
      if (body.data !== undefined) return body.data;
      lastError = body.message ?? `HTTP ${response.status}`;
      if (response.status < 500) break;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  throw new Error(
    `the REST API at ${rest} did not answer the query ${JSON.stringify(msg)} on ${contract}${height ? ` at height ${height}` : ""}: ${lastError}`,
  );
}

/** gas_used of a signed transaction simulated by the node's REST API. */
export async function restSimulate(rest: string, txBytes: Uint8Array): Promise<number> {
  const response = await fetch(`${rest}/cosmos/tx/v1beta1/simulate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tx_bytes: Buffer.from(txBytes).toString("base64") }),
  });
  const body = (await response.json()) as { gas_info?: { gas_used: string }; message?: string };
  if (!body.gas_info) throw new Error(body.message ?? `HTTP ${response.status}`);
  return Number(body.gas_info.gas_used);
}

/**
 * broadcast_tx_sync of signed bytes to one node: CheckTx's code and log, or,
 * when the node answered without running CheckTx ("tx already exists in
 * cache", "endpoint is closed while node is catching up"), code -1 and
 * `rpcError`. Throws only when the node cannot be reached.
 */
export async function broadcastSync(
  rpc: string,
  txBytes: Uint8Array,
): Promise<{ code: number; codespace: string; log: string; rpcError?: boolean }> {
  const response = await fetch(rpc, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "broadcast_tx_sync", params: { tx: Buffer.from(txBytes).toString("base64") } }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as {
    result?: { code: number; codespace?: string; log?: string };
    error?: { message?: string; data?: string };
  };
  if (body.result) return { code: body.result.code, codespace: body.result.codespace ?? "", log: body.result.log ?? "" };
  return { code: -1, codespace: "rpc", log: `${body.error?.message ?? "no result"} ${body.error?.data ?? ""}`.trim(), rpcError: true };
}

/** A node's latest height and whether it says it is catching up. */
export async function nodeSync(rpc: string): Promise<{ height: number; catchingUp: boolean }> {
  const status = await rpcGet<{ sync_info: { latest_block_height: string; catching_up: boolean } }>(rpc, "/status");
  return { height: Number(status.sync_info.latest_block_height), catchingUp: status.sync_info.catching_up };
}

/** The app hash in the header of block `height` as one node stores it (the state after block height − 1). */
export async function appHashAt(rpc: string, height: number): Promise<string> {
  const block = await rpcGet<{ block: { header: { app_hash: string } } }>(rpc, `/block?height=${height}`);
  return block.block.header.app_hash;
}
