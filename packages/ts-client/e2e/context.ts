// What every end-to-end test file shares: the deployment written by
// scripts/deploy.ts, signing clients for the devnet accounts a file uses (each
// file uses its own accounts, so files can run side by side without nonce
// clashes), chain-time waits, balance reads, and a gas log written to
// $DEVNET_DIR/e2e-gas/<file>.json for the committed gas table (CHAIN_GAS.md).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import type { DeliverTxResponse, StdFee } from "@cosmjs/stargate";
import { MsgExecuteContract, MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { type Actor, connectActors, type DevnetConfig, devnetConfig, GasLog, type HasEvents, waitForChainTime } from "../scripts/devnet";
import {
  agentPublicKey,
  livenessProof,
  type ProveLivenessResponse,
  type ProviderRegistryTypes,
  type SuiteAddresses,
  suiteClients,
  suiteQueryClients,
} from "../src";

type LivenessProof = ProviderRegistryTypes.LivenessProof;

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
  /**
   * Signing clients for the whole suite, acting as the named account. A
   * transaction the node refuses for its account sequence (another file
   * signing with a shared account, the arbiter, at the same moment) is sent
   * again: refused in CheckTx, it never executed.
   */
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
      const clients = suiteClients(actor.client, actor.address, addresses);
      for (const client of Object.values(clients)) {
        const inner = client.client;
        client.client = {
          queryContractSmart: (address, query) => inner.queryContractSmart(address, query),
          execute: (...args) => retrySequence(() => inner.execute(...args)),
        };
      }
      return clients;
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

/** True for the node's refusal of a transaction signed with a stale account sequence. */
function isSequenceMismatch(err: unknown): boolean {
  return /account sequence mismatch|incorrect account sequence/.test(err instanceof Error ? err.message : String(err));
}

/** Runs `send` again (up to 30 times, 300 ms apart) while the node refuses it for its account sequence. */
export async function retrySequence<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!isSequenceMismatch(err) || attempt >= 30) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** A provider's agent key, derived from a seed so every run signs with the same key. */
export interface AgentKey {
  privateKey: Uint8Array;
  /** The compressed public key, base64, as `register` and `update_provider` take it. */
  pubkey: string;
}

export function agentKey(seed: string): AgentKey {
  const privateKey = new Sha256(toUtf8(`depin e2e agent key ${seed}`)).digest();
  return { privateKey, pubkey: toBase64(agentPublicKey(privateKey)) };
}

let nonceCounter = 0;
/** A fresh 16-byte challenge nonce (the oracle's; unique per call in this process). */
export function challengeNonce(): Uint8Array {
  nonceCounter += 1;
  return new Sha256(toUtf8(`nonce ${process.pid} ${Date.now()} ${nonceCounter}`)).digest().slice(0, 16);
}

/** One batch entry: `provider`'s agent signs a fresh challenge for `epoch` of `t`'s registry. */
export function proofFor(t: E2eContext, provider: string, key: AgentKey, epoch: number): LivenessProof {
  return livenessProof(key.privateKey, {
    chainId: t.chainId,
    registry: t.addresses.providerRegistry,
    provider,
    epoch,
    nonce: challengeNonce(),
  });
}

/** A `prove_liveness` transaction's result and its response data. */
export interface ProofBatch {
  result: DeliverTxResponse;
  data: ProveLivenessResponse;
}

/**
 * Sends `prove_liveness` for `epoch` as `oracle` (an account `t` connected;
 * the devnet's oracle is `arbiter`) and decodes the response data. Fails
 * with the chain's error when the transaction is refused.
 */
export async function proveLiveness(
  t: E2eContext,
  oracle: string,
  epoch: number,
  proofs: LivenessProof[],
  fee: number | "auto" | StdFee = "auto",
): Promise<ProofBatch> {
  const actor = t.actors[oracle];
  if (!actor) throw new Error(`the e2e file did not connect account ${oracle}`);
  const msg = {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: MsgExecuteContract.fromPartial({
      sender: actor.address,
      contract: t.addresses.providerRegistry,
      msg: toUtf8(JSON.stringify({ prove_liveness: { epoch, proofs } })),
      funds: [],
    }),
  };
  const result = await retrySequence(async () => {
    const res = await actor.client.signAndBroadcast(actor.address, [msg], fee);
    if (res.code !== 0) throw new Error(`prove_liveness failed in its block (code ${res.code}): ${res.rawLog}`);
    return res;
  });
  const [response] = result.msgResponses;
  if (!response) throw new Error(`prove_liveness tx ${result.transactionHash} has no message response`);
  const data = MsgExecuteContractResponse.decode(response.value).data;
  return { result, data: JSON.parse(new TextDecoder().decode(data)) as ProveLivenessResponse };
}

/** The current reward epoch of the registry at the latest block. */
export async function currentEpoch(t: E2eContext): Promise<number> {
  return (await t.q.providerRegistry.stats()).current_epoch;
}

/** Unix seconds at which reward `epoch` starts. */
export async function epochStart(t: E2eContext, epoch: number): Promise<number> {
  const config = await t.q.providerRegistry.config();
  return timestampSeconds(config.genesis_time) + epoch * config.epoch_seconds;
}

/**
 * Waits until reward `epoch` has started on chain and the registry's queries
 * see it: a query may run at the block before the newest one (wasmd v0.60.8
 * once read the usage epoch as still open right after its last block).
 */
export async function waitForEpoch(t: E2eContext, epoch: number): Promise<void> {
  await waitForChainTime(t.chain, await epochStart(t, epoch));
  for (let tries = 0; (await currentEpoch(t)) < epoch; tries++) {
    if (tries > 120) throw new Error(`the registry's queries did not reach epoch ${epoch} within 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
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
