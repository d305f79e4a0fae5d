// Connections to the local devnet of scripts/devnet.sh: its RPC, chain id, gas
// price and the funded test accounts of scripts/devnet-accounts.json.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser } from "../src/accounts";

/** The repository root (this file runs from packages/ts-client/dist/scripts/). */
export const REPO_ROOT = resolve(__dirname, "../../../..");

export interface DevnetConfig {
  rpc: string;
  /** Where scripts/devnet.sh keeps the node and the deployment and gas files. */
  dir: string;
  chainId: string;
  gasPrice: string;
  accountsFile: string;
}

export function devnetConfig(): DevnetConfig {
  return {
    rpc: process.env.DEVNET_RPC ?? `http://127.0.0.1:${process.env.DEVNET_RPC_PORT ?? "26657"}`,
    dir: process.env.DEVNET_DIR ?? resolve(REPO_ROOT, ".tools/devnet"),
    chainId: process.env.DEVNET_CHAIN_ID ?? "testing",
    gasPrice: process.env.DEVNET_GAS_PRICE ?? "0.025ustake",
    accountsFile: process.env.DEVNET_ACCOUNTS ?? resolve(REPO_ROOT, "scripts/devnet-accounts.json"),
  };
}

export interface Actor {
  name: string;
  address: string;
  client: SigningCosmWasmClient;
}

/** A signing client for each named devnet account. */
export async function connectActors(config: DevnetConfig, names: string[]): Promise<Record<string, Actor>> {
  const accounts: { name: string; mnemonic: string }[] = JSON.parse(readFileSync(config.accountsFile, "utf8")).accounts;
  const actors: Record<string, Actor> = {};
  for (const name of names) {
    const account = accounts.find((a) => a.name === name);
    if (!account) throw new Error(`no devnet account ${name} in ${config.accountsFile}`);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account.mnemonic, { prefix: "wasm" });
    const [{ address }] = await wallet.getAccounts();
    const client = await SigningCosmWasmClient.connectWithSigner(config.rpc, wallet, {
      gasPrice: GasPrice.fromString(config.gasPrice),
      accountParser,
      // Blocks come every ~0.2 s on the devnet; CosmJS polls every 3 s by default.
      broadcastPollIntervalMs: 200,
    });
    actors[name] = { name, address, client };
  }
  return actors;
}

export async function queryClient(config: DevnetConfig): Promise<CosmWasmClient> {
  return CosmWasmClient.connect(config.rpc, { accountParser });
}

/** One transaction's gas, as the chain reported it. */
export interface GasRecord {
  step: string;
  txHash: string;
  height: number;
  gasWanted: number;
  gasUsed: number;
}

export class GasLog {
  readonly records: GasRecord[] = [];
  /** Records a CosmJS result (ExecuteResult, UploadResult, InstantiateResult, DeliverTxResponse). */
  add<T extends { transactionHash: string; height: number; gasUsed: bigint | number; gasWanted: bigint | number }>(
    step: string,
    result: T,
  ): T {
    this.records.push({
      step,
      txHash: result.transactionHash,
      height: result.height,
      gasWanted: Number(result.gasWanted),
      gasUsed: Number(result.gasUsed),
    });
    console.log(
      `  ${step}: gas_used ${result.gasUsed} (wanted ${result.gasWanted}) tx ${result.transactionHash.slice(0, 12)}… height ${result.height}`,
    );
    return result;
  }
}

/** A transaction result's events, as CosmJS returns them. */
export interface HasEvents {
  events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[];
}

/**
 * The first value of attribute `key` in a transaction's events of `type`:
 * by default the contracts' own `wasm` events (the SDK's fee and transfer
 * events carry keys such as `amount` too).
 */
export function attribute(result: HasEvents, key: string, type = "wasm"): string {
  const found = result.events
    .filter((e) => e.type === type)
    .flatMap((e) => e.attributes)
    .find((a) => a.key === key);
  if (!found) throw new Error(`no ${key} attribute in the transaction's ${type} events`);
  return found.value;
}

/** A bank balance as a bigint. */
export async function bankBalance(client: CosmWasmClient | SigningCosmWasmClient, address: string, denom: string): Promise<bigint> {
  return BigInt((await client.getBalance(address, denom)).amount);
}

/** A block's time in whole seconds (the contracts' `env.block.time`): the latest block, or the one at `height`. */
export async function chainSeconds(client: CosmWasmClient | SigningCosmWasmClient, height?: number): Promise<number> {
  const block = await client.getBlock(height);
  return Math.floor(Date.parse(block.header.time) / 1000);
}

/**
 * Waits until a block with time ≥ `seconds` (Unix seconds) is committed, so
 * the next transaction executes at or after it. Gives up after `timeoutMs`.
 */
export async function waitForChainTime(
  client: CosmWasmClient | SigningCosmWasmClient,
  seconds: number,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await chainSeconds(client)) < seconds) {
    if (Date.now() > deadline) throw new Error(`the chain did not reach time ${seconds} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
