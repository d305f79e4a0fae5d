// What the load run is made of: its options, amounts and limits, the accounts
// it predicts, the transactions it sends and the phases it runs. Plain data:
// every other module of scripts/load/ builds on these.
import { toUtf8 } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { StdFee } from "@cosmjs/stargate";
import { MAX_BATCH_ITEMS } from "../../src";
import { arg } from "../cli";
import type { ChainBlock } from "../load-stats";

export const STAKE = "ustake";
export const USDC = "uusdc";
export const GAS_MARGIN = 1.3;
export const PROVIDER_STAKE = 1_000_000n;
/** ustake for fees: a provider (register; a lone one also its batches and claims), a consumer, a staker. */
export const FEE_FUNDS = 300_000n;
/** ustake for fees of a fleet operator (a batch of 100–200 items a day, claims, the settle round). */
export const OPERATOR_FEE_FUNDS = 30_000_000n;
/** Each lease's deposit: many days of usage at PRICE. */
export const DEPOSIT = 1_000_000n;
export const PRICE = 10n;
/** A lease's usage per day: USAGE_BASE + (lease index % 100) units. */
export const USAGE_BASE = 1000n;
export const DAO_STAKE = 1_000_000n;
export const OUTPUTS_PER_MULTISEND = 500;
/** Leases each consumer opens, and open_lease messages per transaction. */
export const LEASES_PER_CONSUMER = 100;
export const OPENS_PER_TX = 25;
const EXECUTE = "/cosmwasm.wasm.v1.MsgExecuteContract";
/** A transaction not in a block this long after it was sent is sent again (same bytes) to node 0. */
export const REBROADCAST_MS = 20_000;
/** The validator --fault kills (node 0 serves the reads, so never node 0). */
export const FAULT_NODE = 3;
export const FAULT_OP = "registry register (native stake, agent key, operator)";
export const PINNED = " (pinned)";
/** The registry's oracle in the load params (scripts/devnet-accounts.json): the daemon's granter, and the sweep's sender. */
export const ORACLE = "arbiter";
/** depin_interface::MAX_BATCH_ITEMS (= MAX_LIVENESS_PROOFS): most items of a batch, a fleet claim, a prove_liveness. */
export { MAX_BATCH_ITEMS } from "../../src";
/** Days of rewards one claim collects: the provider-day counts 1/CLAIM_DAYS of a claim. */
export const CLAIM_DAYS = 7;
/** Seconds between one day's last report landing (its block's time) and the next day's epoch start, beyond the dispute window. */
export const DAY_MARGIN_S = 2;

/** The command line of scripts/load.sh (see scripts/load.ts). */
export interface LoadOptions {
  /** Providers the oracle daemon proves: the fleets' and the lone ones. */
  providers: number;
  fleetSize: number;
  lone: number;
  /** Batch sizes of the sweep: the sweep fleet has their sum of providers. */
  sweep: number[];
  stakers: number;
  concurrency: number;
  phaseTimeoutS: number;
  seed: string;
  fault: boolean;
  faultDownS: number;
  pin: boolean;
  /** The depin-oracle binary (scripts/load.sh builds it). */
  oracleBin: string;
  /** The agents' simulator listens here, the oracle's metrics on the next port. */
  agentPort: number;
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

function sizesArg(name: string, fallback: number[]): number[] {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  if (raw === "none") return [];
  const sizes = raw.split(",").map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_BATCH_ITEMS))
    throw new Error(`${name} takes batch sizes 1 to ${MAX_BATCH_ITEMS} separated by commas (or none), not ${JSON.stringify(raw)}`);
  return sizes;
}

export function parseOptions(): LoadOptions {
  const providers = intArg("--providers", 20, 2);
  const fleetSize = intArg("--fleet-size", Math.min(100, Math.max(2, Math.floor(providers / 2))), 2);
  if (fleetSize > MAX_BATCH_ITEMS) throw new Error(`--fleet-size must be at most ${MAX_BATCH_ITEMS} (one batch per fleet and day)`);
  const lone = intArg("--lone", Math.max(1, Math.round(providers * 0.02)), 0);
  if (lone >= providers) throw new Error(`--lone (${lone}) must leave providers for the fleets (--providers ${providers})`);
  const oracleBin = arg("--oracle-bin");
  if (oracleBin === undefined) throw new Error("--oracle-bin <depin-oracle binary> is required (scripts/load.sh builds and passes it)");
  return {
    providers,
    fleetSize,
    lone,
    sweep: sizesArg("--sweep", [1, 10, 100, 200]),
    stakers: intArg("--stakers", Math.min(100, Math.max(5, Math.ceil(providers / 100))), 0),
    concurrency: intArg("--concurrency", 32, 1),
    phaseTimeoutS: intArg("--phase-timeout", 300, 10),
    seed: arg("--seed") ?? String(Date.now()),
    fault: process.argv.includes("--fault"),
    faultDownS: intArg("--fault-down", 12, 1),
    pin: process.argv.includes("--pin"),
    oracleBin,
    agentPort: intArg("--agent-port", 26100, 1024),
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

/**
 * A group of providers one operator key serves: a fleet of the workload (its agent
 * batches every provider's report in one message a day), or the sweep fleet (its
 * reports, claims and proofs go in batches of each sweep size).
 */
export interface Fleet {
  name: string;
  kind: "fleet" | "sweep";
  operator: Account;
  providers: Account[];
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
  /** The transaction's result data (base64 TxMsgData). */
  data?: string;
  /** How many items (reports, proofs, claimed providers) the transaction carries. */
  items: number;
  /** Applied to the prediction when the transaction succeeds. */
  onSuccess?: (record: TxRecord) => void;
}

export interface Planned {
  account: Account;
  msgs: EncodeObject[];
  onSuccess?: (record: TxRecord) => void;
  /** Gas limit of this transaction (default: the operation's simulated gas × margin). */
  gas?: number;
  /** Items it carries (default 1). */
  items?: number;
}

/** What a phase counts for in the provider-day (report.ts): proofs, reports, claims, or the settle round. */
export type Duty = "liveness" | "billing" | "claims" | "settle";
/** Who sent it: a fleet's operator, a lone provider, the sweep, or the oracle daemon. */
export type Sender = "fleet" | "lone" | "sweep" | "oracle";

/** Where a phase belongs in the provider-day: its duty, sender, day (0: setup) and item count per transaction. */
export interface PhaseMeta {
  duty?: Duty;
  sender?: Sender;
  day?: number;
  /** Items per transaction (reports, proofs, providers claimed). */
  size?: number;
  /** Sent by another process (depin-oracle) and read from the blocks: not in the run's own sends. */
  external?: boolean;
}

export interface Phase extends PhaseMeta {
  op: string;
  records: TxRecord[];
  startHeight: number;
  endHeight: number;
  signMs: number;
  broadcastMs: number;
  wallMs: number;
}

/** A metered charge the run predicts: created by a report, paid by a later report or settle once matured. */
export interface ChargePlan {
  units: bigint;
  amount: bigint;
  fee: bigint;
  maturesAtS: number;
  paid: boolean;
}

/** A provider's metered lease, and what the escrow should hold for it. */
export interface LeasePlan {
  consumer: Account;
  provider: Account;
  /** The fleet serving its provider (none for a lone provider). */
  fleet?: Fleet;
  index: number;
  deposit: bigint;
  id?: number;
  charges: ChargePlan[];
  /** The escrow's fee carry (ten-thousandths of a unit), as `sums::fee_with_carry` keeps it. */
  feeCarry: bigint;
  /** Units reported so far (`reported_units`), what the next report's `billed_before` names. */
  reported: bigint;
  paid: bigint;
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

/** "1 report", "10 reports". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What a day measures: billing alone (nothing matured), the first payouts, or the steady day. */
export type DayRole = "billing" | "first payouts" | "steady";

/** One provider-day of the run. */
export interface DayLog {
  day: number;
  role: DayRole;
  epoch: number;
  pinned: boolean;
  /** This day's reports pay the previous day's matured charges. */
  payouts: boolean;
  claims: boolean;
  /** Chain time (s) when its reports went out, and when the last of them landed. */
  startS: number;
  reportsLandedS: number;
}

/** The settle round between the unpinned and the pinned days. */
export interface SettleLog {
  pinned: boolean;
  startS: number;
}

/** One prove_liveness transaction of the run, as the chain ran it. */
export interface ProofTx {
  record: TxRecord;
  sender: "oracle" | "sweep";
  epoch?: number;
  proven: string[];
  duplicates: number;
  rejected: number;
}

/** Every prove_liveness of the run, and each provider's proven epochs from them. */
export interface ProofLedger {
  txs: ProofTx[];
  provenEpochs: Map<string, Set<number>>;
  /** The daemon's transactions (proofs or not), by hash. */
  daemonTxs: number;
}
