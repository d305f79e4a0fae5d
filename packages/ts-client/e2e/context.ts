// What every end-to-end test file shares: the deployment written by
// scripts/deploy.ts, signing clients for the devnet accounts a file uses (each
// file uses its own accounts, so files can run side by side without nonce
// clashes), chain-time waits, balance reads, and a gas log written to
// $DEVNET_DIR/e2e-gas/<file>.json for the committed gas table (CHAIN_GAS.md).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { type Actor, connectActors, type DevnetConfig, devnetConfig, GasLog, type HasEvents, waitForChainTime } from "../scripts/devnet";
import { type SuiteAddresses, suiteClients, suiteQueryClients } from "../src";

export type { HasEvents } from "../scripts/devnet";
export { attribute, bankBalance, chainSeconds, waitForChainTime } from "../scripts/devnet";

export interface E2eContext {
  config: DevnetConfig;
  chainId: string;
  addresses: SuiteAddresses;
  /** Code ids of the uploaded artifacts, by crate name (e.g. "depin-billing-escrow"). */
  codeIds: Record<string, number>;
  actors: Record<string, Actor>;
  /** A client for reads that are not contract queries (balances, blocks). */
  chain: SigningCosmWasmClient;
  /** The suite token (DPIN) balance of `address`. */
  tokenBalance(address: string): Promise<bigint>;
  /** Query clients for the whole suite. */
  q: ReturnType<typeof suiteQueryClients>;
  /** Signing clients for the whole suite, acting as the named account. */
  as(name: string): ReturnType<typeof suiteClients>;
  /** Records each transaction's gas_used under this file's name. */
  gas: GasLog;
  /** Writes the gas log and disconnects (call from `after`). */
  close(): void;
}

/** Connects the named accounts to the deployed suite; `file` names the gas log. */
export async function connect(file: string, names: string[]): Promise<E2eContext> {
  const config = devnetConfig();
  const deploymentFile = process.env.DEVNET_DEPLOYMENT ?? resolve(config.dir, "deployment.json");
  const deployment = JSON.parse(readFileSync(deploymentFile, "utf8"));
  const addresses: SuiteAddresses = deployment.addresses;
  const actors = await connectActors(config, names);
  const any = Object.values(actors)[0];
  const gas = new GasLog();
  const q = suiteQueryClients(any.client, addresses);
  return {
    config,
    chainId: deployment.chain_id,
    addresses,
    codeIds: deployment.code_ids,
    actors,
    chain: any.client,
    q,
    async tokenBalance(address) {
      return BigInt((await q.rewardToken.balance({ address })).balance);
    },
    as(name) {
      const actor = actors[name];
      if (!actor) throw new Error(`${file} did not connect account ${name}`);
      return suiteClients(actor.client, actor.address, addresses);
    },
    gas,
    close() {
      for (const a of Object.values(actors)) a.client.disconnect();
      const dir = resolve(config.dir, "e2e-gas");
      mkdirSync(dir, { recursive: true });
      writeFileSync(resolve(dir, `${file}.json`), `${JSON.stringify(gas.records, null, 2)}\n`);
    },
  };
}

/** A contract timestamp (nanoseconds as a string) in Unix seconds. */
export function timestampSeconds(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000_000n);
}

/**
 * Waits until a block at or after a contract timestamp (nanoseconds, as
 * queries and the `release_at` / `voting_ends_at` attributes give it) is
 * committed, so the next transaction executes at or after that instant.
 */
export async function waitForTimestamp(client: SigningCosmWasmClient, nanos: string): Promise<void> {
  await waitForChainTime(client, Number((BigInt(nanos) + 999_999_999n) / 1_000_000_000n));
}

/** Asserts that a transaction fails and that the chain's error names the contract error. */
export async function rejectsWith(tx: Promise<unknown>, error: RegExp): Promise<void> {
  await assert.rejects(tx, (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    assert.match(message, error);
    return true;
  });
}

/** The escrow's protocol fee on `amount`: `ceil(amount × fee_bps / 10000)`, so splitting usage never lowers it. */
export function protocolFee(amount: bigint, feeBps: bigint): bigint {
  return (amount * feeBps + 9_999n) / 10_000n;
}

/** The amount of `denom` a transaction's bank transfers moved from `sender` to `recipient`. */
export function transferredTo(result: HasEvents, sender: string, recipient: string, denom: string): bigint {
  let total = 0n;
  for (const event of result.events.filter((e) => e.type === "transfer")) {
    const get = (key: string) => event.attributes.find((a) => a.key === key)?.value;
    if (get("sender") !== sender || get("recipient") !== recipient) continue;
    for (const coin of (get("amount") ?? "").split(",")) {
      if (coin.endsWith(denom)) total += BigInt(coin.slice(0, -denom.length));
    }
  }
  return total;
}
