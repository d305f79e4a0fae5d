// The run context: one object holding what the load run connects to, its
// accounts, what it sends and follows, and what it has done so far. Every
// phase, the verification and the report read it; `openRun` builds it.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { GasPrice } from "@cosmjs/stargate";
import { type BillingEscrowTypes, type ProviderRegistryTypes, type SuiteAddresses, suiteQueryClients } from "../../src";
import { type DevnetConfig, devnetConfig, REPO_ROOT } from "../devnet";
import { blockMaxGas, fmt } from "../load-stats";
import { loadParams } from "../params";
import { type Actors, allProviders, Keys } from "./accounts";
import { Agents } from "./agents";
import { Broadcaster, ChainFollower } from "./broadcast";
import { Epochs } from "./epochs";
import { Fault } from "./localnet";
import {
  type Account,
  DAY_MARGIN_S,
  type DayLog,
  errorText,
  FAULT_NODE,
  type LeasePlan,
  type LoadOptions,
  type Phase,
  type PinLog,
  type ProofLedger,
  type ProposalPlan,
  type SettleLog,
} from "./model";
import { OracleDaemon } from "./oracle";

/** The suite deployment the run loads (scripts/deploy.sh's deployment.json). */
export interface Deployment {
  chain_id: string;
  addresses: SuiteAddresses;
  code_ids: Record<string, number>;
  params_file?: string;
}

/** The suite's configuration as the run found it. */
export interface ChainFacts {
  chainId: string;
  maxGas: number;
  escrowConfig: BillingEscrowTypes.ConfigResponse;
  registryConfig: ProviderRegistryTypes.ConfigResponse;
  statsBefore: ProviderRegistryTypes.StatsResponse;
}

/** What the phases did, for the verification: who registered, leased, staked and voted, the days, claims and usage fees. */
export interface RunState {
  registered: Set<Account>;
  leases: LeasePlan[];
  staked: Set<Account>;
  proposals: ProposalPlan[];
  pinLog?: PinLog;
  days: DayLog[];
  settleRound?: SettleLog;
  /** Each provider's protocol fees paid per epoch: its usage weight (rewards.ts). */
  usageFees: Map<Account, Map<number, bigint>>;
  /** What each provider's claims minted, from the claims' events. */
  claimed: Map<Account, bigint>;
  /** Outcomes of the run's transactions that differ from its prediction (a batch item refused, another amount paid). */
  problems: string[];
  /** Every prove_liveness of the run, read from the blocks after it (proofs.ts). */
  proofs?: ProofLedger;
  /** From the start to the end of the last phase. */
  runMs?: number;
}

export interface RunContext {
  options: LoadOptions;
  config: DevnetConfig;
  /** Every node's RPC (scripts/localnet.sh env); node 0 alone elsewhere. */
  rpcs: string[];
  out: string;
  deployment: Deployment;
  deploymentFile: string;
  paramsFile: string;
  addresses: SuiteAddresses;
  gasPrice: GasPrice;
  started: number;
  log: (line: string) => void;
  keys: Keys;
  q: ReturnType<typeof suiteQueryClients>;
  chain: ChainFacts;
  actors: Actors;
  follower: ChainFollower;
  broadcaster: Broadcaster;
  fault?: Fault;
  /** The registry's epochs. */
  epochs: Epochs;
  /** The providers' agents (the simulator) and the oracle daemon proving them. */
  agents: Agents;
  oracle: OracleDaemon;
  /** Gas limit per operation: the first transaction's simulation × margin. */
  gasFor: Map<string, number>;
  phases: Phase[];
  state: RunState;
}

function readDeployment(file: string): Deployment {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the deployment ${file} (deploy first: scripts/deploy.sh --network localnet): ${errorText(err)}`);
  }
}

async function chainFacts(keys: Keys, q: RunContext["q"], rpc: string): Promise<ChainFacts> {
  return {
    chainId: keys.chainId,
    maxGas: await blockMaxGas(rpc),
    escrowConfig: await q.billingEscrow.config(),
    registryConfig: await q.providerRegistry.config(),
    statsBefore: await q.providerRegistry.stats(),
  };
}

/** Reads the deployment, connects to node 0, makes the run's keys and starts following the chain. */
export async function openRun(options: LoadOptions): Promise<RunContext> {
  const config = devnetConfig();
  const rpcs = (process.env.LOCALNET_RPCS ?? config.rpc).split(",").filter((r) => r.length > 0);
  if ((options.fault || options.pin) && rpcs.length <= FAULT_NODE) {
    throw new Error(
      `--fault and --pin need the four-validator localnet (LOCALNET_RPCS of scripts/localnet.sh env), not ${rpcs.length} node(s)`,
    );
  }
  const out = resolve(options.out ?? resolve(REPO_ROOT, ".tools/load/LOAD.md"));
  const deploymentFile = resolve(options.deployment ?? resolve(config.dir, "deployment.json"));
  const deployment = readDeployment(deploymentFile);
  const paramsFile = resolve(options.params ?? deployment.params_file ?? resolve(REPO_ROOT, "deploy/params/devnet.json"));
  // Read for its checks: a bad params file stops the run before anything is sent.
  loadParams(paramsFile, "wasm");
  const addresses = deployment.addresses;
  const gasPrice = GasPrice.fromString(config.gasPrice);
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const rest = process.env.DEVNET_REST ?? "http://127.0.0.1:56659";
  const keys = await Keys.connect(config.rpc, gasPrice, { seed: options.seed, rest, accountsFile: config.accountsFile });
  if (keys.chainId !== deployment.chain_id)
    throw new Error(`the node at ${config.rpc} runs chain ${keys.chainId}, but ${deploymentFile} was deployed to ${deployment.chain_id}`);
  const q = suiteQueryClients(keys.client, addresses);
  const chain = await chainFacts(keys, q, config.rpc);
  const window = chain.escrowConfig.dispute_window;
  const epoch = chain.registryConfig.epoch_seconds;
  if (window + 2 * DAY_MARGIN_S > epoch)
    throw new Error(
      `the suite's dispute window (${window} s) must be well inside its epoch (${epoch} s; a provider-day): each day's reports pay the previous day's matured charges. ` +
        "Deploy with deploy/params/load.json (or load-short.json): scripts/load.sh --fresh",
    );
  log(`chain ${chain.chainId} at ${config.rpc}, block gas limit ${fmt(chain.maxGas)}, suite DAO ${addresses.dao}`);
  log(
    `load: ${options.providers} providers (fleets of ${options.fleetSize}, ${options.lone} alone), sweep ${options.sweep.join(", ") || "none"}, ` +
      `one metered lease each, ${options.stakers} DAO stakers (seed ${options.seed})`,
  );
  const makeT0 = Date.now();
  const actors = await keys.makeActors(options);
  log(`${allProviders(actors).length} providers' keys and agent keys and the other accounts made in ${Date.now() - makeT0} ms`);
  const follower = await ChainFollower.start(config.rpc);
  return {
    options,
    config,
    rpcs,
    out,
    deployment,
    deploymentFile,
    paramsFile,
    addresses,
    gasPrice,
    started,
    log,
    keys,
    q,
    chain,
    actors,
    follower,
    broadcaster: new Broadcaster(rpcs, follower),
    fault: options.fault ? new Fault(config.rpc, rpcs[FAULT_NODE], options.faultDownS, log) : undefined,
    epochs: Epochs.of(chain.registryConfig),
    agents: new Agents(options.agentPort, actors.providers),
    oracle: new OracleDaemon(config.dir, options.agentPort + 1, log),
    gasFor: new Map(),
    phases: [],
    state: {
      registered: new Set(),
      leases: [],
      staked: new Set(),
      proposals: [],
      days: [],
      usageFees: new Map(),
      claimed: new Map(),
      problems: [],
    },
  };
}
