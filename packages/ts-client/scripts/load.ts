// Load generator for a deployed suite on the localnet (scripts/load.sh runs
// it): makes and funds its own accounts (bank multi-sends from the test
// accounts, a few transactions), signs every transaction offline with
// explicit account numbers and sequences (SigningCosmWasmClient.sign with
// SignerData), broadcasts the raw bytes with broadcast_tx_sync in bursts,
// spread over every node of the localnet (a node that cannot be reached is
// skipped; a transaction not in a block 20 s after it was sent is sent again,
// the same bytes, to node 0), and runs, phase by phase:
//   N providers: register (native stake), heartbeat;
//   M metered leases: open_lease → report_usage → (dispute window) → settle → close_lease;
//   K members: DAO stake (cw20 send), one proposal, K votes.
// --fault SIGKILLs validator 3 halfway through the providers' registrations, restarts it
// --fault-down seconds later; the run then waits for it to catch up and
// compares its app hash with node 0's. --pin pins the four codes through an
// x/gov proposal after the run and repeats heartbeats, a lease round and a
// vote with --pin-sample accounts, pinned, for the unpinned/pinned table.
// It reads every block of the run (block and block_results) and records per
// operation: gas_used (first vs last 10 % of its transactions), transactions
// per block, block gas used against the block gas limit, inclusion latency
// (broadcast → block time) and rejected transactions by reason (CheckTx and
// DeliverTx codes and logs). At the end it checks its own accounting against
// the chain (every lease's state and amounts, the provider count, balances
// it can predict, voting power and the proposal's tally) and writes a
// markdown report with a projection of heartbeat / report_usage / settle gas
// to 10k, 100k and 1M providers.
//
//   node dist/scripts/load.js [--providers N] [--leases M] [--stakers K] [--out <file>]
//                             [--deployment <file>] [--params <file>] [--concurrency C] [--seed <text>]
//                             [--fault] [--fault-down S] [--pin] [--pin-sample P]
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, relative, resolve } from "node:path";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import {
  type AccountData,
  DirectSecp256k1HdWallet,
  DirectSecp256k1Wallet,
  type DirectSignResponse,
  type EncodeObject,
  type OfflineDirectSigner,
} from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, type StdFee } from "@cosmjs/stargate";
import { accountParser, type SuiteAddresses, suiteQueryClients } from "../src";
import { arg } from "./cli";
import { devnetConfig, REPO_ROOT } from "./devnet";
import {
  appHashAt,
  blockMaxGas,
  broadcastSync,
  type ChainBlock,
  encodeTxRaw,
  eventAttribute,
  fetchBlock,
  fmt,
  latestHeight,
  mean,
  nodeSync,
  pool,
  quantile,
  restAccount,
  restSimulate,
  txHash,
} from "./load-stats";
import { loadParams } from "./params";

const STAKE = "ustake";
const USDC = "uusdc";
const GAS_MARGIN = 1.3;
const PROVIDER_STAKE = 1_000_000n;
const FEE_FUNDS = 300_000n;
const DEPOSIT = 1_000_000n;
const PRICE = 10n;
const DAO_STAKE = 1_000_000n;
const OUTPUTS_PER_MULTISEND = 500;
const EXECUTE = "/cosmwasm.wasm.v1.MsgExecuteContract";
/** The deposit of the leases of the pinned round (the consumers spent part of DEPOSIT in the first). */
const PINNED_DEPOSIT = 100_000n;
/** A transaction not in a block this long after it was sent is sent again (same bytes) to node 0. */
const REBROADCAST_MS = 20_000;
/** The validator --fault kills (node 0 serves the reads, so never node 0). */
const FAULT_NODE = 3;
const FAULT_OP = "registry register (native stake)";
const PINNED = " (pinned)";

function intArg(name: string, fallback: number, min: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`);
  return n;
}

/** Many keys behind one OfflineDirectSigner, so one offline-signing client serves every account. */
class KeyRing implements OfflineDirectSigner {
  private readonly signers = new Map<string, OfflineDirectSigner>();
  private readonly accounts: AccountData[] = [];
  async add(signer: OfflineDirectSigner): Promise<string> {
    const [account] = await signer.getAccounts();
    this.signers.set(account.address, signer);
    this.accounts.push(account);
    return account.address;
  }
  async getAccounts(): Promise<readonly AccountData[]> {
    return this.accounts;
  }
  async signDirect(address: string, signDoc: Parameters<OfflineDirectSigner["signDirect"]>[1]): Promise<DirectSignResponse> {
    const signer = this.signers.get(address);
    if (!signer) throw new Error(`no key for ${address} in the load generator's key ring`);
    return signer.signDirect(address, signDoc);
  }
}

interface Account {
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
}

interface TxRecord {
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

interface Planned {
  account: Account;
  msgs: EncodeObject[];
  onSuccess?: (record: TxRecord) => void;
  /** Gas limit of this transaction (default: the operation's simulated gas × margin). */
  gas?: number;
}

interface Phase {
  op: string;
  records: TxRecord[];
  startHeight: number;
  endHeight: number;
  signMs: number;
  broadcastMs: number;
  wallMs: number;
}

function execMsg(sender: string, contract: string, msg: unknown, funds: { denom: string; amount: string }[] = []): EncodeObject {
  return { typeUrl: EXECUTE, value: { sender, contract, msg: toUtf8(JSON.stringify(msg)), funds } };
}

function machine(): { cpu: string; nproc: number; ramGiB: string; kernel: string; node: string } {
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || nproc;
  } catch {
    // nproc missing: os.cpus()
  }
  let kernel = "";
  try {
    kernel = execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim();
  } catch {
    kernel = process.platform;
  }
  return { cpu: cpus()[0]?.model ?? "unknown", nproc, ramGiB: (totalmem() / 2 ** 30).toFixed(1), kernel, node: process.version };
}

async function main(): Promise<void> {
  const providersN = intArg("--providers", 20, 1);
  const leasesM = intArg("--leases", 10, 0);
  const stakersK = intArg("--stakers", Math.min(100, Math.max(5, Math.ceil(providersN / 20))), 1);
  const concurrency = intArg("--concurrency", 32, 1);
  const phaseTimeoutS = intArg("--phase-timeout", 300, 10);
  const seed = arg("--seed") ?? String(Date.now());
  const fault = process.argv.includes("--fault");
  const faultDownS = intArg("--fault-down", 12, 1);
  const pin = process.argv.includes("--pin");
  const pinSample = intArg("--pin-sample", 200, 1);
  const config = devnetConfig();
  // Every node's RPC (scripts/localnet.sh env); node 0 alone elsewhere.
  const rpcs = (process.env.LOCALNET_RPCS ?? config.rpc).split(",").filter((r) => r.length > 0);
  if ((fault || pin) && rpcs.length <= FAULT_NODE) {
    throw new Error(
      `--fault and --pin need the four-validator localnet (LOCALNET_RPCS of scripts/localnet.sh env), not ${rpcs.length} node(s)`,
    );
  }
  const out = resolve(arg("--out") ?? resolve(REPO_ROOT, ".tools/load/LOAD.md"));
  const deploymentFile = resolve(arg("--deployment") ?? resolve(config.dir, "deployment.json"));
  let deployment: { chain_id: string; addresses: SuiteAddresses; code_ids: Record<string, number>; params_file?: string };
  try {
    deployment = JSON.parse(readFileSync(deploymentFile, "utf8"));
  } catch (err) {
    throw new Error(
      `cannot read the deployment ${deploymentFile} (deploy first: scripts/deploy.sh --network localnet): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const paramsFile = resolve(arg("--params") ?? deployment.params_file ?? resolve(REPO_ROOT, "deploy/params/devnet.json"));
  const params = loadParams(paramsFile, "wasm");
  const addresses = deployment.addresses;
  const gasPrice = GasPrice.fromString(config.gasPrice);
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

  // Keys: deterministic from the seed, so a run can be repeated; fresh per run by default.
  const ring = new KeyRing();
  const newAccount = async (name: string): Promise<Account> => {
    const key = sha256(toUtf8(`depin-load:${seed}:${name}`));
    const address = await ring.add(await DirectSecp256k1Wallet.fromKey(key, "wasm"));
    return { name, address, accountNumber: -1n, sequence: 0, ustake: 0n, uusdc: 0n, dpin: 0n, unpredictable: false };
  };
  const testAccounts: { name: string; mnemonic: string }[] = JSON.parse(readFileSync(config.accountsFile, "utf8")).accounts;
  const testAccount = async (name: string): Promise<Account> => {
    const entry = testAccounts.find((a) => a.name === name);
    if (!entry) throw new Error(`no test account ${name} in ${config.accountsFile}`);
    const address = await ring.add(await DirectSecp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "wasm" }));
    return { name, address, accountNumber: -1n, sequence: 0, ustake: 0n, uusdc: 0n, dpin: 0n, unpredictable: true };
  };

  const client = await SigningCosmWasmClient.connectWithSigner(config.rpc, ring, { gasPrice, accountParser });
  const rest = process.env.DEVNET_REST ?? "http://127.0.0.1:56659";
  const readAccount = async (a: Account): Promise<void> => {
    const onChain = await restAccount(rest, a.address);
    if (!onChain) throw new Error(`the account ${a.name} (${a.address}) does not exist on chain ${chainId}`);
    a.accountNumber = onChain.accountNumber;
    a.sequence = onChain.sequence;
  };
  // Signs offline. CosmJS 0.38 types SignerData.accountNumber as a number but
  // only passes it to BigInt(), so the 64-bit number goes through as a bigint.
  const signTx = async (a: Account, msgs: readonly EncodeObject[], fee: StdFee, sequence: number): Promise<Uint8Array> =>
    encodeTxRaw(await client.sign(a.address, msgs, fee, "", { accountNumber: a.accountNumber as unknown as number, sequence, chainId }));
  const simulate = async (a: Account, msgs: readonly EncodeObject[]): Promise<number> =>
    // The simulation skips the minimum gas price: a token fee leaves the balance to the messages.
    restSimulate(rest, await signTx(a, msgs, { amount: [{ denom: STAKE, amount: "1" }], gas: "50000000" }, a.sequence));
  const chainId = await client.getChainId();
  if (chainId !== deployment.chain_id)
    throw new Error(`the node at ${config.rpc} runs chain ${chainId}, but ${deploymentFile} was deployed to ${deployment.chain_id}`);
  const q = suiteQueryClients(client, addresses);
  const maxGas = await blockMaxGas(config.rpc);
  const escrowConfig = await q.billingEscrow.config();
  const registryConfig = await q.providerRegistry.config();
  const statsBefore = await q.providerRegistry.stats();
  log(`chain ${chainId} at ${config.rpc}, block gas limit ${fmt(maxGas)}, suite DAO ${addresses.dao}`);
  log(`load: ${providersN} providers, ${leasesM} metered leases, ${stakersK} DAO stakers (seed ${seed})`);

  const makeT0 = Date.now();
  const providers: Account[] = [];
  for (let i = 0; i < providersN; i++) providers.push(await newAccount(`provider-${i}`));
  const consumers: Account[] = [];
  for (let i = 0; i < leasesM; i++) consumers.push(await newAccount(`consumer-${i}`));
  const stakers: Account[] = [];
  for (let i = 0; i < stakersK; i++) stakers.push(await newAccount(`staker-${i}`));
  const funderNames = [
    "validator",
    "provider2",
    "consumer2",
    "provider3",
    "consumer3",
    "provider4",
    "consumer4",
    "arbiter",
    "deployer",
  ].filter((n) => testAccounts.some((a) => a.name === n));
  const funders: Account[] = [];
  for (const name of funderNames) funders.push(await testAccount(name));
  const proposer = await testAccount("member1");
  const tokenHolder = await testAccount("member3");
  for (const a of [...funders, proposer, tokenHolder]) await readAccount(a);
  log(`${providersN + leasesM + stakersK} keys made in ${Date.now() - makeT0} ms`);

  // ---- the phase runner: sign offline, broadcast in bursts, follow the blocks ----
  const blocks = new Map<number, ChainBlock>();
  const pending = new Map<string, TxRecord>();
  const included = new Map<string, TxRecord>();
  let scanned = (await latestHeight(config.rpc)) - 1;
  const scan = async (): Promise<void> => {
    // The latest height's block results may not be stored yet when /status reports it: one behind.
    const top = (await latestHeight(config.rpc)) - 1;
    const heights: number[] = [];
    for (let h = scanned + 1; h <= top; h++) heights.push(h);
    const fetched: ChainBlock[] = [];
    await pool(heights, 8, async (h) => {
      fetched.push(await fetchBlock(config.rpc, h));
    });
    fetched.sort((a, b) => a.height - b.height);
    for (const block of fetched) {
      blocks.set(block.height, block);
      block.hashes.forEach((hash, i) => {
        const record = pending.get(hash);
        if (!record) {
          // A transaction already seen in a block: CometBFT and the sequence must never let it run twice.
          const earlier = included.get(hash);
          if (earlier) {
            earlier.inclusions++;
            if (block.results[i]?.code === 0) earlier.appliedAgain = true;
          }
          return;
        }
        record.inclusions = 1;
        included.set(hash, record);
        const result = block.results[i];
        record.height = block.height;
        record.blockTimeMs = block.timeMs;
        record.code = result?.code ?? -1;
        record.codespace = result?.codespace;
        record.log = result?.log;
        record.gasUsed = Number(result?.gas_used ?? 0);
        record.gasWanted = Number(result?.gas_wanted ?? 0);
        record.events = result?.events ?? [];
        pending.delete(hash);
      });
    }
    if (heights.length > 0) scanned = top;
  };
  const gasFor = new Map<string, number>();
  const phases: Phase[] = [];

  // Broadcasting: node by node in turn; a node that cannot be reached, answers without
  // running CheckTx (block sync after a restart) or is still behind (it expects a lower
  // sequence than the one signed) is skipped for the next.
  let nextNode = 0;
  let unreachable = 0;
  let unavailable = 0;
  /** CheckTx's "account sequence mismatch, expected E, got G" with E < G: the node has not seen our earlier transactions yet. */
  const behind = (checkLog: string): boolean => {
    const m = /account sequence mismatch, expected (\d+), got (\d+)/.exec(checkLog);
    return m !== null && Number(m[1]) < Number(m[2]);
  };
  const send = async (record: TxRecord, only?: number): Promise<void> => {
    const first = only ?? nextNode++ % rpcs.length;
    const tries = only === undefined ? rpcs.length : 1;
    let lastError = "";
    for (let k = 0; k < tries; k++) {
      const node = (first + k) % rpcs.length;
      try {
        const now = Date.now();
        const result = await broadcastSync(rpcs[node], record.bytes);
        if (record.node === undefined && k + 1 < tries && (result.rpcError || behind(result.log))) {
          unavailable++;
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
          if (result.code !== 0) {
            pending.delete(record.hash);
            record.checkCode = result.code;
            record.checkCodespace = result.codespace;
            record.checkLog = result.log;
          }
        }
        return;
      } catch (err) {
        unreachable++;
        lastError = `${rpcs[node]}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    if (record.node === undefined) {
      pending.delete(record.hash);
      record.checkCode = -1;
      record.checkLog = `broadcast failed: no node could be reached (${lastError})`;
    }
  };

  // --fault: validator FAULT_NODE is killed as FAULT_OP starts and restarted faultDownS later.
  interface FaultLog {
    killedAtMs: number;
    killHeight: number;
    restartedAtMs?: number;
    restartHeight?: number;
    /** Restart, then follow the node until it is within one block of node 0 and not catching up. */
    restart?: Promise<void>;
    caughtUpS?: number;
    caughtUpHeight?: number;
    appHash?: { height: number; node0: string; restarted: string };
  }
  let faultLog: FaultLog | undefined;
  const localnet = (args: string[]) =>
    new Promise<void>((resolveDone, reject) => {
      execFile(resolve(REPO_ROOT, "scripts/localnet.sh"), args, (err, stdout, stderr) => {
        process.stdout.write(
          stdout +
            stderr
              .split("\n")
              .filter((l) => !/wasmd v[\d.]+ cached/.test(l))
              .join("\n"),
        );
        if (err) reject(new Error(`scripts/localnet.sh ${args.join(" ")} failed: ${stderr.trim().split("\n").pop() ?? err.message}`));
        else resolveDone();
      });
    });
  const startFault = async (): Promise<void> => {
    const killHeight = await latestHeight(config.rpc);
    await localnet(["kill", String(FAULT_NODE)]);
    const fl: FaultLog = { killedAtMs: Date.now(), killHeight };
    faultLog = fl;
    log(`fault: validator ${FAULT_NODE} killed at height ${killHeight}; it restarts in ${faultDownS} s`);
    fl.restart = new Promise((r) => setTimeout(r, faultDownS * 1000)).then(async () => {
      fl.restartHeight = await latestHeight(config.rpc);
      fl.restartedAtMs = Date.now();
      await localnet(["restart", String(FAULT_NODE)]);
      log(`fault: validator ${FAULT_NODE} restarted at height ${fl.restartHeight}`);
      for (;;) {
        const restarted = await nodeSync(rpcs[FAULT_NODE]);
        const top = await latestHeight(config.rpc);
        if (!restarted.catchingUp && restarted.height >= top - 1) {
          fl.caughtUpS = (Date.now() - (fl.restartedAtMs ?? Date.now())) / 1000;
          fl.caughtUpHeight = restarted.height;
          log(`fault: validator ${FAULT_NODE} caught up (height ${restarted.height}) ${fl.caughtUpS.toFixed(1)} s after its restart`);
          return;
        }
        if (Date.now() - (fl.restartedAtMs ?? 0) > 180_000) {
          throw new Error(
            `validator ${FAULT_NODE} is at height ${restarted.height} (catching up: ${restarted.catchingUp}) 180 s after its restart; node 0 is at ${top}`,
          );
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    // Awaited (and its failure reported) after the phases.
    fl.restart.catch(() => undefined);
  };

  const runPhase = async (op: string, planned: Planned[]): Promise<Phase> => {
    const t0 = Date.now();
    const startHeight = (await latestHeight(config.rpc)) + 1;
    if (planned.length > 0 && !gasFor.has(op) && planned.some((p) => p.gas === undefined)) {
      const first = planned[0];
      let simulated: number;
      try {
        simulated = await simulate(first.account, first.msgs);
      } catch (err) {
        throw new Error(`simulating the first ${op} (${first.account.name}) failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      gasFor.set(op, Math.ceil(simulated * GAS_MARGIN));
    }
    // Rounds: the k-th transaction of every account goes out after every (k-1)-th,
    // so an account's sequences reach the mempool in order.
    const rounds: { p: Planned; bytes: Uint8Array; record: TxRecord }[][] = [];
    const perAccount = new Map<Account, number>();
    const signT0 = Date.now();
    for (const p of planned) {
      const k = perAccount.get(p.account) ?? 0;
      perAccount.set(p.account, k + 1);
      const gas = p.gas ?? gasFor.get(op) ?? 0;
      const fee = calculateFee(gas, gasPrice);
      const bytes = await signTx(p.account, p.msgs, fee, p.account.sequence + k);
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
        onSuccess: p.onSuccess,
      };
      (rounds[k] ??= []).push({ p, bytes, record });
    }
    const signMs = Date.now() - signT0;
    const records = rounds.flat().map((r) => r.record);
    // --fault: the validator dies halfway through this phase's broadcast, with transactions in its mempool.
    let faultStarted: Promise<void> | undefined;
    let sent = 0;
    const broadcastT0 = Date.now();
    for (const round of rounds) {
      await pool(round, concurrency, async ({ record }) => {
        pending.set(record.hash, record);
        await send(record);
        sent++;
        if (fault && op === FAULT_OP && !faultStarted && sent >= records.length / 2) faultStarted = startFault();
      });
    }
    await faultStarted;
    const broadcastMs = Date.now() - broadcastT0;
    // Follow the blocks until every accepted transaction is in one (or the phase times out).
    let lastProgress = Date.now();
    let waiting = records.filter((r) => pending.has(r.hash)).length;
    while (waiting > 0) {
      await scan();
      const now = records.filter((r) => pending.has(r.hash)).length;
      if (now < waiting) lastProgress = Date.now();
      waiting = now;
      if (waiting > 0 && Date.now() - lastProgress > phaseTimeoutS * 1000) break;
      // Lost with a node's mempool (a killed validator) or still queued: the same bytes again, to node 0.
      const stale = records.filter((r) => pending.has(r.hash) && Date.now() - r.lastSentMs > REBROADCAST_MS);
      await pool(stale, concurrency, (r) => send(r, 0));
      if (waiting > 0) await new Promise((r) => setTimeout(r, 300));
    }
    await scan();
    // Sequences and predictions.
    const lost = new Set<Account>();
    for (const r of records) {
      if (r.height === undefined) {
        pending.delete(r.hash);
        r.account.unpredictable = true;
        lost.add(r.account);
        continue;
      }
      r.account.sequence += 1;
      r.account.ustake -= BigInt(r.fee.amount[0].amount);
      if (r.code === 0) r.onSuccess?.(r);
      else r.account.unpredictable = true;
    }
    for (const a of lost) await readAccount(a);
    const phase: Phase = { op, records, startHeight, endHeight: scanned, signMs, broadcastMs, wallMs: Date.now() - t0 };
    phases.push(phase);
    const ok = records.filter((r) => r.code === 0).length;
    const rejected = records.length - ok;
    log(
      `${op}: ${ok}/${records.length} succeeded${rejected ? ` (${rejected} rejected or lost)` : ""}, heights ${startHeight}–${phase.endHeight}, ` +
        `signed in ${signMs} ms, broadcast in ${broadcastMs} ms, done in ${(phase.wallMs / 1000).toFixed(1)} s` +
        (gasFor.has(op) ? `, gas limit ${fmt(gasFor.get(op) ?? 0)}` : ""),
    );
    return phase;
  };

  // ---- 1. funding: bank multi-sends from the test accounts, DPIN from member3 ----
  const outputs: { address: string; coins: { denom: string; amount: string }[] }[] = [];
  for (const p of providers) outputs.push({ address: p.address, coins: [{ denom: STAKE, amount: String(PROVIDER_STAKE + FEE_FUNDS) }] });
  for (const c of consumers) {
    outputs.push({
      address: c.address,
      coins: [
        { denom: STAKE, amount: String(FEE_FUNDS) },
        { denom: USDC, amount: String(DEPOSIT) },
      ].sort((a, b) => a.denom.localeCompare(b.denom)),
    });
  }
  for (const s of stakers) outputs.push({ address: s.address, coins: [{ denom: STAKE, amount: String(FEE_FUNDS) }] });
  const chunks: (typeof outputs)[] = [];
  for (let i = 0; i < outputs.length; i += OUTPUTS_PER_MULTISEND) chunks.push(outputs.slice(i, i + OUTPUTS_PER_MULTISEND));
  const fundPlans: Planned[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const funder = funders[i % funders.length];
    const totals = new Map<string, bigint>();
    for (const o of chunks[i]) for (const c of o.coins) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + BigInt(c.amount));
    const inputs = [
      {
        address: funder.address,
        coins: [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([denom, amount]) => ({ denom, amount: String(amount) })),
      },
    ];
    const msgs = [{ typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend", value: { inputs, outputs: chunks[i] } }];
    // Each chunk's gas is simulated (they differ in size); chunks of one funder after its first
    // cannot be simulated before it lands, so they reuse the largest estimate.
    const gas = i < funders.length ? Math.ceil((await simulate(funder, msgs)) * GAS_MARGIN) : undefined;
    fundPlans.push({ account: funder, msgs, gas: gas ?? Math.max(...fundPlans.map((p) => p.gas ?? 0)) });
  }
  const dpinMsgs = stakers.map((s) =>
    execMsg(tokenHolder.address, addresses.rewardToken, { transfer: { recipient: s.address, amount: String(DAO_STAKE) } }),
  );
  const dpinGas = Math.ceil((await simulate(tokenHolder, dpinMsgs)) * GAS_MARGIN);
  fundPlans.push({ account: tokenHolder, msgs: dpinMsgs, gas: dpinGas });
  const funding = await runPhase("fund (bank multi-send + cw20 transfers)", fundPlans);
  if (funding.records.some((r) => r.code !== 0)) {
    const bad = funding.records.find((r) => r.code !== 0);
    throw new Error(`funding failed: ${bad?.checkLog ?? bad?.log ?? "not included"}`);
  }
  for (const p of providers) p.ustake = PROVIDER_STAKE + FEE_FUNDS;
  for (const c of consumers) {
    c.ustake = FEE_FUNDS;
    c.uusdc = DEPOSIT;
  }
  for (const s of stakers) {
    s.ustake = FEE_FUNDS;
    s.dpin = DAO_STAKE;
  }
  const newAccounts = [...providers, ...consumers, ...stakers];
  const numbersT0 = Date.now();
  await pool(newAccounts, concurrency, readAccount);
  log(`account numbers of ${newAccounts.length} accounts read in ${Date.now() - numbersT0} ms`);

  // ---- 2. providers ----
  const registered = new Set<Account>();
  await runPhase(
    "registry register (native stake)",
    providers.map((p, i) => ({
      account: p,
      msgs: [
        execMsg(
          p.address,
          addresses.providerRegistry,
          {
            register: {
              service: "storage",
              endpoint: `https://load-${i}.example`,
              region: ["eu-west", "us-east", "ap-south"][i % 3],
              capacity: { amount: "1000", unit: "GiB" },
              prices: [{ denom: { native: USDC }, per_unit: String(PRICE) }],
            },
          },
          [{ denom: STAKE, amount: String(PROVIDER_STAKE) }],
        ),
      ],
      onSuccess: () => {
        p.ustake -= PROVIDER_STAKE;
        registered.add(p);
      },
    })),
  );
  const heartbeatRound = (tag: string, who: Account[]) =>
    runPhase(
      `registry heartbeat${tag}`,
      who.map((p) => ({ account: p, msgs: [execMsg(p.address, addresses.providerRegistry, { heartbeat: {} })] })),
    );
  await heartbeatRound(
    "",
    providers.filter((p) => registered.has(p)),
  );

  // ---- 3. metered leases ----
  interface LeasePlan {
    consumer: Account;
    provider: Account;
    units: bigint;
    deposit: bigint;
    id?: number;
    reported?: boolean;
    settled?: boolean;
    closed?: boolean;
  }
  const leases: LeasePlan[] = [];
  // The escrow rounds the protocol fee up.
  const feeOf = (amount: bigint) => (amount * BigInt(escrowConfig.fee_bps) + 9999n) / 10000n;
  const leaseRound = async (tag: string, plans: LeasePlan[]): Promise<void> => {
    leases.push(...plans);
    await runPhase(
      `escrow open_lease (metered)${tag}`,
      plans.map((l) => ({
        account: l.consumer,
        msgs: [
          execMsg(l.consumer.address, addresses.billingEscrow, { open_lease: { provider: l.provider.address, billing: { metered: {} } } }, [
            { denom: USDC, amount: String(l.deposit) },
          ]),
        ],
        onSuccess: (r) => {
          l.consumer.uusdc -= l.deposit;
          const id = eventAttribute(r.events ?? [], "wasm", "lease_id");
          if (id === undefined) throw new Error(`open_lease ${r.hash} succeeded without a lease_id attribute`);
          l.id = Number(id);
        },
      })),
    );
    const report = await runPhase(
      `escrow report_usage${tag}`,
      plans
        .filter((l) => l.id !== undefined)
        .map((l) => ({
          account: l.provider,
          msgs: [execMsg(l.provider.address, addresses.billingEscrow, { report_usage: { lease_id: l.id, units: String(l.units) } })],
          onSuccess: () => {
            l.reported = true;
          },
        })),
    );
    const lastReportMs = Math.max(0, ...report.records.map((r) => r.blockTimeMs ?? 0));
    if (lastReportMs > 0) {
      const until = Math.floor(lastReportMs / 1000) + escrowConfig.dispute_window + 1;
      log(`waiting for the ${escrowConfig.dispute_window} s dispute window (chain time ≥ ${until})`);
      while (Math.floor(Date.parse((await client.getBlock()).header.time) / 1000) < until) await new Promise((r) => setTimeout(r, 250));
    }
    await runPhase(
      `escrow settle (metered)${tag}`,
      plans
        .filter((l) => l.reported)
        .map((l) => ({
          account: l.consumer,
          msgs: [execMsg(l.consumer.address, addresses.billingEscrow, { settle: { lease_id: l.id } })],
          onSuccess: () => {
            const amount = l.units * PRICE;
            l.provider.uusdc += amount - feeOf(amount);
            l.settled = true;
          },
        })),
    );
    await runPhase(
      `escrow close_lease (by provider)${tag}`,
      plans
        .filter((l) => l.settled)
        .map((l) => ({
          account: l.provider,
          msgs: [execMsg(l.provider.address, addresses.billingEscrow, { close_lease: { lease_id: l.id } })],
          onSuccess: () => {
            l.consumer.uusdc += l.deposit - l.units * PRICE;
            l.closed = true;
          },
        })),
    );
  };
  const live = providers.filter((p) => registered.has(p));
  if (leasesM > 0 && live.length === 0) throw new Error("no provider registered: no lease can be opened");
  await leaseRound(
    "",
    consumers.map((c, i) => ({
      consumer: c,
      provider: live[i % Math.max(1, live.length)],
      units: 1000n + BigInt(i % 100),
      deposit: DEPOSIT,
    })),
  );

  // ---- 4. DAO: stake, one proposal, votes ----
  const staked = new Set<Account>();
  const stakeMsg = toBase64(toUtf8(JSON.stringify({ stake: {} })));
  await runPhase(
    "dao stake (cw20 send)",
    stakers.map((s) => ({
      account: s,
      msgs: [execMsg(s.address, addresses.rewardToken, { send: { contract: addresses.dao, amount: String(DAO_STAKE), msg: stakeMsg } })],
      onSuccess: () => {
        s.dpin -= DAO_STAKE;
        staked.add(s);
      },
    })),
  );
  const proposals: { id: number; voted: Set<Account> }[] = [];
  const voteRound = async (tag: string): Promise<void> => {
    let proposalId: number | undefined;
    await runPhase(`dao propose (no messages)${tag}`, [
      {
        account: proposer,
        msgs: [
          execMsg(proposer.address, addresses.dao, {
            propose: { title: "Load test signal", description: "A text proposal the load generator votes on.", msgs: [] },
          }),
        ],
        onSuccess: (r) => {
          proposalId = Number(eventAttribute(r.events ?? [], "wasm", "proposal_id"));
        },
      },
    ]);
    if (proposalId === undefined) return;
    const voted = new Set<Account>();
    proposals.push({ id: proposalId, voted });
    // Abstain: turnout without deciding, so every vote lands while the proposal is open.
    await runPhase(
      `dao vote (abstain)${tag}`,
      stakers
        .filter((s) => staked.has(s))
        .map((s) => ({
          account: s,
          msgs: [execMsg(s.address, addresses.dao, { vote: { proposal_id: proposalId, vote: "abstain" } })],
          onSuccess: () => voted.add(s),
        })),
    );
  };
  await voteRound("");

  // ---- 5. --pin: the four codes pinned through x/gov, then the same operations again ----
  let pinLog: { ids: number[]; seconds: number; height: number } | undefined;
  if (pin) {
    const ids = Object.values(deployment.code_ids).sort((a, b) => a - b);
    log(`pinning codes ${ids.join(", ")} through x/gov (scripts/localnet.sh pin)`);
    const pinT0 = Date.now();
    await localnet(["pin", ...ids.map(String)]);
    pinLog = { ids, seconds: (Date.now() - pinT0) / 1000, height: await latestHeight(config.rpc) };
    const sample = live.slice(0, pinSample);
    await heartbeatRound(PINNED, sample);
    await leaseRound(
      PINNED,
      consumers
        .filter((c) => leases.some((l) => l.consumer === c && l.closed))
        .slice(0, pinSample)
        .map((c, i) => ({ consumer: c, provider: live[i % live.length], units: 500n + BigInt(i % 100), deposit: PINNED_DEPOSIT })),
    );
    await voteRound(PINNED);
  }
  const runMs = Date.now() - started;
  // The block after the last one, for the commit time of the last transactions.
  const lastHeight = scanned;
  while (scanned <= lastHeight) {
    await new Promise((r) => setTimeout(r, 300));
    await scan();
  }

  const problems: string[] = [];
  const checks: string[] = [];

  // ---- 6. --fault: the restarted validator catches up and agrees with node 0 ----
  if (faultLog) {
    const fl = faultLog;
    try {
      await fl.restart;
      // The header of block h carries the app hash after block h − 1: equal hashes, equal state.
      // At the end of the run, so the whole run's state is compared.
      const h = Math.min(await latestHeight(rpcs[0]), (await nodeSync(rpcs[FAULT_NODE])).height) - 1;
      fl.appHash = { height: h, node0: await appHashAt(rpcs[0], h), restarted: await appHashAt(rpcs[FAULT_NODE], h) };
      if (fl.appHash.node0 !== fl.appHash.restarted)
        problems.push(`validator ${FAULT_NODE}'s app hash at height ${h} is ${fl.appHash.restarted}, node 0's ${fl.appHash.node0}`);
      log(
        `fault: app hash at height ${h} on node 0 and validator ${FAULT_NODE}: ${fl.appHash.node0 === fl.appHash.restarted ? "equal" : "DIFFERENT"}`,
      );
    } catch (err) {
      problems.push(`fault: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ---- 7. the chain against the accounting ----
  log("checking the chain against the load generator's accounting");
  const allSent = phases.flatMap((p) => p.records);
  const accepted = allSent.filter((r) => r.checkCode === undefined);
  const lostTxs = accepted.filter((r) => r.height === undefined);
  const twice = allSent.filter((r) => r.inclusions > 1);
  const appliedTwice = allSent.filter((r) => r.appliedAgain);
  if (lostTxs.length > 0)
    problems.push(`${lostTxs.length} transactions accepted by CheckTx never reached a block (first: ${lostTxs[0].op} ${lostTxs[0].hash})`);
  if (appliedTwice.length > 0)
    problems.push(`${appliedTwice.length} transactions succeeded twice (first: ${appliedTwice[0].op} ${appliedTwice[0].hash})`);
  checks.push(
    `transactions: ${accepted.length} of ${allSent.length} accepted by CheckTx, ${accepted.length - lostTxs.length} of them in a block (${lostTxs.length} lost); ` +
      `${twice.length} in more than one block, ${appliedTwice.length} succeeded twice (every block of the run read from node 0)`,
  );
  let leaseOk = 0;
  await pool(leases, concurrency, async (l) => {
    if (l.id === undefined) return;
    const lease = await q.billingEscrow.lease({ leaseId: l.id });
    const want = {
      state: l.closed ? "closed" : "open",
      consumer: l.consumer.address,
      provider: l.provider.address,
      units: l.reported ? String(l.units) : "0",
      paid: l.settled ? String(l.units * PRICE) : "0",
      refunded: l.closed ? String(l.deposit - l.units * PRICE) : "0",
      deposited: String(l.deposit),
    };
    const got = {
      state: lease.state,
      consumer: lease.consumer,
      provider: lease.provider,
      units: lease.units,
      paid: lease.paid,
      refunded: lease.refunded,
      deposited: lease.deposited,
    };
    const diff = (Object.keys(want) as (keyof typeof want)[]).filter((k) => want[k] !== got[k]);
    if (diff.length === 0) leaseOk++;
    else problems.push(`lease ${l.id}: ${diff.map((k) => `${k} ${got[k]} (expected ${want[k]})`).join(", ")}`);
  });
  const opened = leases.filter((l) => l.id !== undefined).length;
  checks.push(
    `leases: ${leaseOk} of ${opened} opened leases match in state, parties, units, paid, refunded and deposit (${leases.filter((l) => l.closed).length} closed)`,
  );
  const statsAfter = await q.providerRegistry.stats();
  const wantProviders = statsBefore.providers + registered.size;
  if (statsAfter.providers !== wantProviders)
    problems.push(
      `the registry counts ${statsAfter.providers} providers, expected ${wantProviders} (${statsBefore.providers} before + ${registered.size} registered)`,
    );
  checks.push(
    `providers: the registry counts ${statsAfter.providers} (${statsBefore.providers} before the run + ${registered.size} registered): ${statsAfter.providers === wantProviders ? "match" : "MISMATCH"}`,
  );
  const wantStake = BigInt(statsBefore.total_stake) + BigInt(registered.size) * PROVIDER_STAKE;
  if (BigInt(statsAfter.total_stake) !== wantStake)
    problems.push(`the registry's total stake is ${statsAfter.total_stake}, expected ${wantStake}`);
  checks.push(
    `total provider stake ${statsAfter.total_stake} (expected ${wantStake}): ${BigInt(statsAfter.total_stake) === wantStake ? "match" : "MISMATCH"}`,
  );
  let balancesOk = 0;
  let predicted = 0;
  await pool(newAccounts, concurrency, async (a) => {
    if (a.unpredictable) return;
    predicted++;
    const ustake = BigInt((await client.getBalance(a.address, STAKE)).amount);
    const uusdc = BigInt((await client.getBalance(a.address, USDC)).amount);
    const dpin = stakers.includes(a) ? BigInt((await q.rewardToken.balance({ address: a.address })).balance) : 0n;
    const bad: string[] = [];
    if (ustake !== a.ustake) bad.push(`${STAKE} ${ustake} (expected ${a.ustake})`);
    if (uusdc !== a.uusdc) bad.push(`${USDC} ${uusdc} (expected ${a.uusdc})`);
    if (dpin !== a.dpin) bad.push(`DPIN ${dpin} (expected ${a.dpin})`);
    if (bad.length === 0) balancesOk++;
    else problems.push(`${a.name} ${a.address}: ${bad.join(", ")}`);
  });
  checks.push(
    `balances: ${balancesOk} of ${predicted} accounts with every transaction succeeded match the predicted ${STAKE} (funding − stake − fees), ${USDC} (provider: Σ units × price − protocol fee; consumer: funded − units × price, the rest of the deposit refunded at close) and DPIN` +
      (newAccounts.length > predicted
        ? `; ${newAccounts.length - predicted} accounts had a failed or lost transaction and are not predicted`
        : ""),
  );
  let powerOk = 0;
  await pool([...staked], concurrency, async (s) => {
    const power = await q.dao.votingPower({ address: s.address });
    if (power.power === String(DAO_STAKE)) powerOk++;
    else problems.push(`${s.name}: voting power ${power.power}, expected ${DAO_STAKE}`);
  });
  checks.push(`DAO voting power: ${powerOk} of ${staked.size} stakers hold exactly ${DAO_STAKE}`);
  for (const { id, voted } of proposals) {
    const proposal = await q.dao.proposal({ proposalId: id });
    const wantAbstain = String(BigInt(voted.size) * DAO_STAKE);
    if (proposal.tally.abstain !== wantAbstain) problems.push(`proposal ${id}: abstain ${proposal.tally.abstain}, expected ${wantAbstain}`);
    checks.push(
      `proposal ${id}: abstain tally ${proposal.tally.abstain} = ${voted.size} votes × ${DAO_STAKE}: ${proposal.tally.abstain === wantAbstain ? "match" : "MISMATCH"} (status ${proposal.status})`,
    );
  }
  log(problems.length === 0 ? "accounting matches the chain" : `${problems.length} mismatches`);

  // ---- 8. the report ----
  const m = machine();
  const epochSeconds = registryConfig.epoch_seconds;
  const lines: string[] = [];
  const opPhases = phases.filter((p) => p.records.length > 0);
  const allRecords = allSent;
  const inBlocks = allRecords.filter((r) => r.height !== undefined);
  lines.push(
    "# Load on the localnet",
    "",
    `Generated by \`scripts/load.sh\` (packages/ts-client/scripts/load.ts) on ${new Date(started).toISOString()}; do not edit by hand. ` +
      "Every transaction was signed offline with explicit account numbers and sequences and broadcast with `broadcast_tx_sync` in bursts, node by node in turn " +
      `(${rpcs.length === 1 ? "one node" : `${rpcs.length} nodes`}; an unreachable node is skipped, and a transaction not in a block ${REBROADCAST_MS / 1000} s after it was sent is sent again to node 0); ` +
      "every block of the run was read back (`/block`, `/block_results`). Gas limits are the first transaction's simulation × 1.3 per operation.",
    "",
    "## Machine and parameters",
    "",
    `- machine: ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.ramGiB} GiB RAM, ${m.kernel}, node ${m.node}; the four validators, the load generator and the RPC all share it`,
    `- chain: \`${chainId}\` (scripts/localnet.sh: 4 validators, \`timeout_commit\` 1 s), block gas limit ${fmt(maxGas)}, gas price ${config.gasPrice}`,
    `- suite: params \`${relative(REPO_ROOT, paramsFile)}\` (epoch ${epochSeconds} s, dispute window ${escrowConfig.dispute_window} s, fee ${escrowConfig.fee_bps} bps), DAO \`${addresses.dao}\``,
    `- load: \`--providers ${providersN} --leases ${leasesM} --stakers ${stakersK}\`, ${concurrency} broadcasts in flight, seed \`${seed}\`; ${allRecords.length} transactions in ${fmt(runMs / 1000, 0)} s (heights ${phases[0]?.startHeight}–${phases[phases.length - 1]?.endHeight})`,
    `- provider stake ${PROVIDER_STAKE} ${STAKE}, lease deposit ${DEPOSIT} ${USDC}, price ${PRICE} ${USDC}/unit, usage 1000–1099 units per lease, DAO stake ${DAO_STAKE} DPIN units per staker`,
    `- faults: ${fault ? `\`--fault --fault-down ${faultDownS}\`: validator ${FAULT_NODE} SIGKILLed halfway through \`${FAULT_OP}\`, restarted ${faultDownS} s later (section *Fault* below)` : "none"}; ` +
      `pinning: ${pin ? `\`--pin --pin-sample ${pinSample}\` (section *Pinning* below; the rows marked${PINNED} ran after it)` : "none (codes unpinned)"}`,
    "",
    "## Per operation",
    "",
    "gas_used is the mean of the successful transactions; *first 10 %* and *last 10 %* are the means of the first and last tenth of them in block order (state growth shows as a rise). " +
      "Blocks are those holding at least one transaction of the operation; block gas is every transaction's gas_used in the block (all operations), against the limit. " +
      "Latency is broadcast (local clock) → commit of the including block H, taken as the header time of block H+1 (CometBFT's BFT time: the median of H's precommit times; same machine clock).",
    "",
    "| operation | txs | ok | gas limit | gas_used mean | first 10 % | last 10 % | blocks | txs/block mean | txs/block max | block gas_used max (% of limit) | block gas_wanted max (% of limit) | latency median (s) | latency p99 (s) | wall (s) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  const gasMeans: Record<string, number> = {};
  for (const phase of opPhases) {
    const ok = phase.records.filter((r) => r.code === 0).sort((a, b) => (a.height ?? 0) - (b.height ?? 0));
    const used = ok.map((r) => r.gasUsed ?? 0);
    const tenth = Math.max(1, Math.floor(used.length / 10));
    const heights = [...new Set(phase.records.filter((r) => r.height !== undefined).map((r) => r.height as number))];
    const perBlock = heights.map((h) => phase.records.filter((r) => r.height === h).length);
    const blockUsed = heights.map((h) => (blocks.get(h)?.results ?? []).reduce((s, r) => s + Number(r.gas_used), 0));
    const blockWanted = heights.map((h) => (blocks.get(h)?.results ?? []).reduce((s, r) => s + Number(r.gas_wanted), 0));
    // A header's time is BFT time: the median of the previous block's precommit times, so block H is
    // committed at the time of block H+1's header (H's own header time can precede the broadcast).
    const committedMs = (h: number) => blocks.get(h + 1)?.timeMs ?? blocks.get(h)?.timeMs ?? NaN;
    const latency = phase.records.filter((r) => r.height !== undefined).map((r) => (committedMs(r.height as number) - r.sentAtMs) / 1000);
    const limits = [...new Set(phase.records.map((r) => Number(r.fee.gas)))];
    gasMeans[phase.op] = mean(used);
    const pct = (v: number) => (maxGas > 0 ? ` (${fmt((100 * v) / maxGas, 1)} %)` : "");
    lines.push(
      `| ${phase.op} | ${phase.records.length} | ${ok.length} | ${limits.length === 1 ? fmt(limits[0]) : `${fmt(Math.min(...limits))}–${fmt(Math.max(...limits))}`} | ${fmt(mean(used))} | ${fmt(mean(used.slice(0, tenth)))} | ${fmt(mean(used.slice(-tenth)))} | ${heights.length} | ${fmt(mean(perBlock), 1)} | ${perBlock.length ? Math.max(...perBlock) : 0} | ${blockUsed.length ? fmt(Math.max(...blockUsed)) + pct(Math.max(...blockUsed)) : "–"} | ${blockWanted.length ? fmt(Math.max(...blockWanted)) + pct(Math.max(...blockWanted)) : "–"} | ${fmt(quantile(latency, 0.5), 2)} | ${fmt(quantile(latency, 0.99), 2)} | ${fmt(phase.wallMs / 1000, 1)} |`,
    );
  }
  // Blocks of the whole run.
  const runHeights = [...blocks.keys()].filter((h) => h >= (phases[0]?.startHeight ?? 0)).sort((a, b) => a - b);
  const runBlocks = runHeights.map((h) => blocks.get(h) as ChainBlock);
  const busy = runBlocks.filter((b) => b.hashes.length > 0);
  const intervals = runBlocks.slice(1).map((b, i) => (b.timeMs - runBlocks[i].timeMs) / 1000);
  const busyUsed = busy.map((b) => b.results.reduce((s, r) => s + Number(r.gas_used), 0));
  lines.push(
    "",
    `Whole run: ${runBlocks.length} blocks, ${busy.length} with transactions, ${fmt(mean(busy.map((b) => b.hashes.length)), 1)} txs per non-empty block (max ${busy.length ? Math.max(...busy.map((b) => b.hashes.length)) : 0}), ` +
      `block gas_used max ${busyUsed.length ? fmt(Math.max(...busyUsed)) : "–"} (${busyUsed.length ? fmt((100 * Math.max(...busyUsed)) / maxGas, 1) : "–"} % of ${fmt(maxGas)}), ` +
      `block interval median ${fmt(quantile(intervals, 0.5), 2)} s, p99 ${fmt(quantile(intervals, 0.99), 2)} s, max ${intervals.length ? fmt(Math.max(...intervals), 2) : "–"} s; ` +
      `${inBlocks.length} of ${allRecords.length} transactions included.`,
    "",
    "Sending side (one Node.js process): " +
      opPhases
        .map((p) => `${p.op} signed ${p.records.length} in ${fmt(p.signMs / 1000, 1)} s, broadcast in ${fmt(p.broadcastMs / 1000, 1)} s`)
        .join("; ") +
      ".",
    "",
    "## Rejected transactions",
    "",
  );
  const reasons = new Map<string, number>();
  for (const r of allRecords) {
    let key: string | undefined;
    const clean = (s: string) => s.replace(/\s+/g, " ").slice(0, 200).replace(/\|/g, "\\|");
    if (r.checkCode !== undefined) key = `${r.op} | CheckTx | ${r.checkCodespace ?? ""} ${r.checkCode} | ${clean(r.checkLog ?? "")}`;
    else if (r.height === undefined) key = `${r.op} | not included within ${phaseTimeoutS} s | – | accepted by CheckTx, never in a block`;
    else if (r.code !== 0) key = `${r.op} | DeliverTx | ${r.codespace ?? ""} ${r.code} | ${clean(r.log ?? "")}`;
    if (key) reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  if (reasons.size === 0) lines.push("None: every transaction passed CheckTx and succeeded in a block.");
  else {
    lines.push("| operation | stage | code | log | count |", "|---|---|---|---|---:|");
    for (const [key, count] of [...reasons.entries()].sort((a, b) => b[1] - a[1])) lines.push(`| ${key} | ${count} |`);
  }
  lines.push("", "## Accounting against the chain", "", ...checks.map((c) => `- ${c}`));
  if (problems.length > 0) {
    lines.push("", `**${problems.length} mismatches** (first 20):`, "", ...problems.slice(0, 20).map((p) => `- ${p}`));
  } else {
    lines.push("", "Every check matched.");
  }
  if (faultLog) {
    const fl = faultLog;
    const downHeights = [...blocks.keys()]
      .filter((h) => h > fl.killHeight && h <= (fl.restartHeight ?? fl.killHeight))
      .sort((a, b) => a - b);
    const downIntervals = downHeights
      .map((h) => ((blocks.get(h)?.timeMs ?? NaN) - (blocks.get(h - 1)?.timeMs ?? NaN)) / 1000)
      .filter((v) => Number.isFinite(v));
    const resent = allRecords.reduce((n, r) => n + Math.max(0, r.sends - 1), 0);
    const downS = ((fl.restartedAtMs ?? fl.killedAtMs) - fl.killedAtMs) / 1000;
    lines.push(
      "",
      "## Fault: a validator killed and restarted",
      "",
      `- validator ${FAULT_NODE} (one of four with equal power) was SIGKILLed halfway through the broadcast of \`${FAULT_OP}\`, at height ${fl.killHeight}, and restarted ${fmt(downS, 1)} s later, at height ${fl.restartHeight ?? "–"}: ` +
        `the other three produced ${downHeights.length} blocks meanwhile (interval median ${fmt(quantile(downIntervals, 0.5), 2)} s, max ${downIntervals.length ? fmt(Math.max(...downIntervals), 2) : "–"} s: a round whose proposer is the dead validator times out first)`,
      `- broadcasting: ${unreachable} broadcast attempts found a node unreachable and ${unavailable} found it catching up or behind; each went on to the next node. ${resent} transactions not in a block ${REBROADCAST_MS / 1000} s after they were sent were sent again (same bytes) to node 0`,
      `- catch-up: validator ${FAULT_NODE} reached height ${fl.caughtUpHeight ?? "–"}, within one block of node 0 and no longer catching up, ${fmt(fl.caughtUpS ?? NaN, 1)} s after its restart; ` +
        (fl.appHash
          ? `the app hash in block ${fl.appHash.height} is \`${fl.appHash.node0.slice(0, 16)}…\` on node 0 and \`${fl.appHash.restarted.slice(0, 16)}…\` on validator ${FAULT_NODE}: ${fl.appHash.node0 === fl.appHash.restarted ? "equal" : "DIFFERENT"}`
          : "no app hash compared"),
      `- transactions: ${accepted.length} accepted by CheckTx, ${lostTxs.length} of them lost, ${twice.length} in more than one block, ${appliedTwice.length} succeeded twice; the accounting checks above ${problems.length === 0 ? "all matched" : "found mismatches"}`,
    );
  }
  if (pinLog) {
    lines.push(
      "",
      "## Pinning",
      "",
      `Codes ${pinLog.ids.join(", ")} were pinned by an x/gov \`MsgPinCodes\` proposal (\`scripts/localnet.sh pin\`: submit, four yes votes, ${fmt(pinLog.seconds, 0)} s in all with the 20 s voting period), in force from height ${pinLog.height}. ` +
        `Then the same operations ran again with ${fmt(pinSample)} accounts each (rows marked${PINNED} above). gas_used means, measured:`,
      "",
      "| operation | unpinned | pinned | saved | saved % |",
      "|---|---:|---:|---:|---:|",
    );
    for (const [op, unpinned] of Object.entries(gasMeans)) {
      const pinned = gasMeans[op + PINNED];
      if (op.endsWith(PINNED) || pinned === undefined) continue;
      lines.push(
        `| ${op} | ${fmt(unpinned)} | ${fmt(pinned)} | ${fmt(unpinned - pinned)} | ${fmt((100 * (unpinned - pinned)) / unpinned, 1)} % |`,
      );
    }
  }
  // Projection.
  const project = [
    ["registry heartbeat", "heartbeat (one per provider)"],
    ["escrow report_usage", "report_usage (one per provider)"],
    ["escrow settle (metered)", "settle (one per provider)"],
  ] as const;
  const sizes = [10_000, 100_000, 1_000_000];
  const dailyS = 86_400;
  lines.push(
    "",
    "## Projection",
    "",
    `From the measured mean gas_used above, what one transaction per provider of each kind would need: **blocks = count × gas_used / ${fmt(maxGas)}** (the whole block gas limit, nothing else in the block). ` +
      `With 1 s blocks an epoch of E seconds has E blocks, so **share of an epoch = blocks / E**: here E = ${epochSeconds} s (\`${relative(REPO_ROOT, paramsFile)}\`), and for comparison a daily epoch (E = ${fmt(dailyS)} s, as in deploy/params/production-example.json). ` +
      "Above 100 % the operation cannot be done once per provider per epoch at all. gas_used, not gas_wanted, is counted; blocks are packed by gas_wanted (here × 1.3), so real packing is about 1.3 × worse. " +
      "Block execution time is not projected: the per-operation table shows what this machine did.",
    "",
    `| operation | gas_used | providers | blocks (100M gas each) | share of a ${epochSeconds} s epoch | share of a 1-day epoch |`,
    "|---|---:|---:|---:|---:|---:|",
  );
  for (const [op, label] of project) {
    const gas = gasMeans[op];
    for (const n of sizes) {
      const blocksNeeded = Number.isFinite(gas) && maxGas > 0 ? (n * gas) / maxGas : NaN;
      lines.push(
        `| ${label} | ${fmt(gas)} | ${fmt(n)} | ${fmt(blocksNeeded, 1)} | ${fmt((100 * blocksNeeded) / epochSeconds, 1)} % | ${fmt((100 * blocksNeeded) / dailyS, 2)} % |`,
      );
    }
  }
  const sum = project.reduce((s, [op]) => s + (gasMeans[op] ?? NaN), 0);
  lines.push(
    "",
    `All three per provider (${fmt(sum)} gas): ${sizes.map((n) => `${fmt(n)} providers → ${fmt((n * sum) / maxGas, 1)} blocks`).join(", ")}.`,
    "",
  );
  const pinnedSum = project.reduce((s, [op]) => s + (gasMeans[op + PINNED] ?? NaN), 0);
  if (Number.isFinite(pinnedSum)) {
    lines.push(
      `With the codes pinned (${fmt(pinnedSum)} gas): ${sizes.map((n) => `${fmt(n)} providers → ${fmt((n * pinnedSum) / maxGas, 1)} blocks`).join(", ")}.`,
      "",
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join("\n"));
  log(`report written to ${out}`);
  client.disconnect();
  if (problems.length > 0) {
    for (const p of problems.slice(0, 10)) console.error(`  mismatch: ${p}`);
    throw new Error(`${problems.length} mismatches between the load generator's accounting and the chain (see ${out})`);
  }
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
