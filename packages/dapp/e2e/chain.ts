// Chain-side helpers of the browser tests (no test runner imports: the global setup uses them too):
// the environment scripts/dapp.sh sets, the deployment, the devnet accounts, direct CosmJS signers
// for setup steps that are not under test, and chain-time waits.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser } from "@depin/ts-client";

export const env = {
  url: process.env.DAPP_URL ?? "http://127.0.0.1:5180/",
  rpc: process.env.DEVNET_RPC ?? "http://127.0.0.1:26657",
  dir: process.env.DEVNET_DIR ?? resolve(__dirname, "../../../.tools/devnet"),
  accounts: process.env.DEVNET_ACCOUNTS ?? resolve(__dirname, "../../../scripts/devnet-accounts.json"),
  chromium: process.env.CHROMIUM ?? "/usr/bin/chromium",
  artifacts: process.env.E2E_ARTIFACTS,
  /** Where the tests save a screenshot of every page (scripts/dapp.sh screenshots copies them into docs/screenshots). */
  screenshots: process.env.DAPP_SCREENSHOTS ?? resolve(__dirname, "../../../.tools/reports/screenshots"),
};

export interface Deployment {
  chain_id: string;
  addresses: { dao: string; rewardToken: string; providerRegistry: string; billingEscrow: string };
  code_ids: Record<string, number>;
}

export function deployment(): Deployment {
  return JSON.parse(readFileSync(resolve(env.dir, "deployment.json"), "utf8"));
}

export function mnemonic(name: string): string {
  const account = JSON.parse(readFileSync(env.accounts, "utf8")).accounts.find((a: { name: string }) => a.name === name);
  if (!account) throw new Error(`no devnet account ${name}`);
  return account.mnemonic;
}

export interface Signer {
  address: string;
  client: SigningCosmWasmClient;
  execute(
    contract: string,
    msg: unknown,
    funds?: { denom: string; amount: string }[],
  ): Promise<{ events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[] }>;
}

/** A direct CosmJS signer for setup steps that are not what a test is about. */
export async function signer(name: string): Promise<Signer> {
  return signerOf(mnemonic(name));
}

/**
 * A direct CosmJS signer of any mnemonic (an account a test creates: wasmd v0.70 gives new accounts
 * 64-bit account numbers, which the ts-client's account parser reads). Its transactions are sent
 * again while the node refuses them for a stale sequence: the files run side by side and some share
 * an account (the arbiter, the devnet's only oracle).
 */
export async function signerOf(phrase: string): Promise<Signer> {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(phrase, { prefix: "wasm" });
  const [{ address }] = await wallet.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(env.rpc, wallet, {
    gasPrice: GasPrice.fromString("0.025ustake"),
    broadcastPollIntervalMs: 200,
    accountParser,
  });
  return {
    address,
    client,
    execute: (contract, msg, funds) =>
      resendOnStaleSequence(() => client.execute(address, contract, msg as Record<string, unknown>, 1.6, undefined, funds)),
  };
}

/** A new account's mnemonic (24 words), unknown to the chain until something is sent to it. */
export async function newMnemonic(): Promise<string> {
  return (await DirectSecp256k1HdWallet.generate(24, { prefix: "wasm" })).mnemonic;
}

/** Sends again (up to 20 times, 300 ms apart) while the node refuses a transaction for its account sequence. */
export async function resendOnStaleSequence<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const stale = /account sequence mismatch|incorrect account sequence/.test(err instanceof Error ? err.message : String(err));
      if (!stale || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export async function chainSeconds(client: SigningCosmWasmClient): Promise<number> {
  const block = await client.getBlock();
  return Math.floor(Date.parse(block.header.time) / 1000);
}

/** Waits until the chain's latest block is at or after a contract timestamp (nanoseconds). */
export async function waitForTimestamp(client: SigningCosmWasmClient, nanos: string, timeoutMs = 90_000): Promise<void> {
  const target = Number((BigInt(nanos) + 999_999_999n) / 1_000_000_000n);
  const deadline = Date.now() + timeoutMs;
  while ((await chainSeconds(client)) < target) {
    if (Date.now() > deadline) throw new Error(`the chain did not reach ${target} in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const DAO_TURN = () => resolve(env.dir, "e2e-dao-turn");

/**
 * The DAO's staked total is shared by the files that run side by side: dao.e2e.ts checks shares of
 * it, ledger.e2e.ts stakes for a moment. Each takes its turn (a directory made atomically under the
 * devnet's; the global setup clears a stale one) and calls the returned function to end it (once).
 */
export async function takeDaoTurn(who: string, timeoutMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(DAO_TURN());
      let ended = false;
      return () => {
        if (!ended) rmSync(DAO_TURN(), { recursive: true, force: true });
        ended = true;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (Date.now() > deadline) throw new Error(`${who}: another file held the DAO's turn for ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function clearDaoTurn(): void {
  rmSync(DAO_TURN(), { recursive: true, force: true });
}
