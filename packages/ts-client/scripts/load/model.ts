// What the load run is made of: its options, amounts and limits, the accounts
// it predicts, the transactions it sends and the phases it runs. Plain data:
// every other module of scripts/load/ builds on these.
import { toUtf8 } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { StdFee } from "@cosmjs/stargate";
import { arg } from "../cli";
import type { ChainBlock } from "../load-stats";

export const STAKE = "ustake";
export const USDC = "uusdc";
export const GAS_MARGIN = 1.3;
export const PROVIDER_STAKE = 1_000_000n;
export const FEE_FUNDS = 300_000n;
export const DEPOSIT = 1_000_000n;
export const PRICE = 10n;
export const DAO_STAKE = 1_000_000n;
export const OUTPUTS_PER_MULTISEND = 500;
const EXECUTE = "/cosmwasm.wasm.v1.MsgExecuteContract";
/** The deposit of the leases of the pinned round (the consumers spent part of DEPOSIT in the first). */
export const PINNED_DEPOSIT = 100_000n;
/** A transaction not in a block this long after it was sent is sent again (same bytes) to node 0. */
export const REBROADCAST_MS = 20_000;
/** The validator --fault kills (node 0 serves the reads, so never node 0). */
export const FAULT_NODE = 3;
export const FAULT_OP = "registry register (native stake)";
export const PINNED = " (pinned)";
/** The registry's oracle in deploy/params/devnet.json (scripts/devnet-accounts.json): the run proves liveness as it. */
export const ORACLE = "arbiter";
/** prove_liveness batch sizes measured once each first (as far as the providers go), then the largest that fits. */
export const PROOF_BATCH_SIZES = [1, 10, 100] as const;
/** depin_interface::liveness::MAX_LIVENESS_PROOFS: most proofs in one prove_liveness message. */
export const MAX_LIVENESS_PROOFS = 200;
/** The operation of a prove_liveness batch of `n` proofs. */
export function proveOp(n: number): string {
  return `registry prove_liveness (${n} ${n === 1 ? "proof" : "proofs"})`;
}

/** The command line of scripts/load.sh (see scripts/load.ts). */
export interface LoadOptions {
  providers: number;
  leases: number;
  stakers: number;
  concurrency: number;
  phaseTimeoutS: number;
  seed: string;
  fault: boolean;
  faultDownS: number;
  pin: boolean;
  pinSample: number;
  /** Files given on the command line; the defaults depend on the devnet configuration. */
  out?: string;
  deployment?: string;
  params?: string;
}

function intArg(name: string, fallback: number, min: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`);
  return n;
}

export function parseOptions(): LoadOptions {
  const providers = intArg("--providers", 20, 1);
  const leases = intArg("--leases", 10, 0);
  const stakers = intArg("--stakers", Math.min(100, Math.max(5, Math.ceil(providers / 20))), 1);
  return {
    providers,
    leases,
    stakers,
    concurrency: intArg("--concurrency", 32, 1),
    phaseTimeoutS: intArg("--phase-timeout", 300, 10),
    seed: arg("--seed") ?? String(Date.now()),
    fault: process.argv.includes("--fault"),
    faultDownS: intArg("--fault-down", 12, 1),
    pin: process.argv.includes("--pin"),
    pinSample: intArg("--pin-sample", 200, 1),
    out: arg("--out"),
    deployment: arg("--deployment"),
    params: arg("--params"),
  };
}

export interface Account {
  name: string;
  address: string;
  /** A bigint: wasmd 0.70 numbers new accounts beyond 2^53. */
  accountNumber: bigint;
  sequence: number;
  /** Predicted balance changes since funding (native denoms and the suite token). */
  ustake: bigint;
  uusdc: bigint;
  dpin: bigint;
  /** A transaction of this account failed or was lost: its balances are not predicted. */
  unpredictable: boolean;
  /** A provider's agent key (registered as `agent_pubkey`), which signs the oracle's liveness challenges. */
  agent?: AgentKey;
}

/** A secp256k1 key pair of a provider's agent: the private key and the 33-byte compressed public key. */
export interface AgentKey {
  privkey: Uint8Array;
  pubkey: Uint8Array;
}

export interface TxRecord {
  op: string;
  account: Account;
  hash: string;
  bytes: Uint8Array;
  fee: StdFee;
  sentAtMs: number;
  lastSentMs: number;
  /** Node index of the first broadcast CheckTx answered, and how many times the bytes were sent. */
  node?: number;
  sends: number;
  /** How many blocks hold this transaction, and whether a second copy succeeded too. */
  inclusions: number;
  appliedAgain: boolean;
  checkCode?: number;
  checkCodespace?: string;
  checkLog?: string;
  height?: number;
  blockTimeMs?: number;
  code?: number;
  codespace?: string;
  log?: string;
  gasUsed?: number;
  gasWanted?: number;
  events?: ChainBlock["results"][number]["events"];
  /** Applied to the prediction when the transaction succeeds. */
  onSuccess?: (record: TxRecord) => void;
}

export interface Planned {
  account: Account;
  msgs: EncodeObject[];
  onSuccess?: (record: TxRecord) => void;
  /** Gas limit of this transaction (default: the operation's simulated gas × margin). */
  gas?: number;
}

export interface Phase {
  op: string;
  records: TxRecord[];
  startHeight: number;
  endHeight: number;
  signMs: number;
  broadcastMs: number;
  wallMs: number;
}

/** A metered lease the run opens, and how far it got. */
export interface LeasePlan {
  consumer: Account;
  provider: Account;
  units: bigint;
  deposit: bigint;
  id?: number;
  reported?: boolean;
  settled?: boolean;
  closed?: boolean;
}

/** A proposal of the run and the stakers whose vote on it succeeded. */
export interface ProposalPlan {
  id: number;
  voted: Set<Account>;
}

/** --pin: which codes were pinned, how long it took, the height it started at and the one it was in force from. */
export interface PinLog {
  ids: number[];
  seconds: number;
  startHeight: number;
  height: number;
}

/** One prove_liveness batch of the oracle: the epoch, the providers it proves and its transaction. */
export interface ProofBatch {
  epoch: number;
  providers: Account[];
  record: TxRecord;
  /** Its share of the epoch's signing (agent signatures and the transaction) and broadcast time. */
  signMs: number;
  broadcastMs: number;
  /** The registry's counts (event attributes of a successful batch). */
  proven?: number;
  duplicates?: number;
  rejected?: number;
}

/** A fresh account of the run with nothing predicted yet. */
export function account(name: string, address: string, unpredictable: boolean): Account {
  return { name, address, accountNumber: -1n, sequence: 0, ustake: 0n, uusdc: 0n, dpin: 0n, unpredictable };
}

export function execMsg(sender: string, contract: string, msg: unknown, funds: { denom: string; amount: string }[] = []): EncodeObject {
  return { typeUrl: EXECUTE, value: { sender, contract, msg: toUtf8(JSON.stringify(msg)), funds } };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What the oracle did, for the verification and the report. */
export interface ProofLog {
  oracle: Account;
  batches: ProofBatch[];
  /** Epochs it sent proofs for, and the epoch when it started and stopped. */
  epochs: number[];
  firstEpoch: number;
  lastEpoch: number;
  /** What went wrong along the way: a simulation refused, an RPC error (the oracle went on). */
  failures: string[];
}

/** The epochs the oracle proved against those that went by. */
export function missedText(log: ProofLog): string {
  const proven = new Set(log.epochs);
  const missed: number[] = [];
  for (let e = log.firstEpoch; e <= log.lastEpoch; e++) if (!proven.has(e)) missed.push(e);
  const all = log.lastEpoch - log.firstEpoch + 1;
  return `proofs sent for ${all - missed.length} of the ${all}${missed.length ? ` (not for ${missed.join(", ")}: the run ended or the oracle fell behind)` : ", every one"}`;
}
