// The load run's keys and accounts: fresh keys derived from the seed (so a run
// can be repeated; the providers' agent keys too), the devnet's test accounts that fund them, and offline
// signing with explicit account numbers and sequences through one client.
import { readFileSync } from "node:fs";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { sha256 } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";
import {
  type AccountData,
  DirectSecp256k1HdWallet,
  DirectSecp256k1Wallet,
  type DirectSignResponse,
  type EncodeObject,
  type OfflineDirectSigner,
} from "@cosmjs/proto-signing";
import type { GasPrice, StdFee } from "@cosmjs/stargate";
import { accountParser, agentPublicKey } from "../../src";
import { encodeTxRaw, restAccount, restSimulate } from "../load-stats";
import { type Account, type AgentKey, account, type Fleet, LEASES_PER_CONSUMER, type LoadOptions, ORACLE, STAKE } from "./model";

/** The test accounts that fund the run, in the order they take the multi-sends (not the oracle: its sequence is the oracle loop's). */
const FUNDER_NAMES = ["validator", "provider2", "consumer2", "provider3", "consumer3", "provider4", "consumer4", "deployer"];

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

/**
 * Every account of the run: the new ones it funds and the test accounts it spends from.
 * The providers the oracle daemon proves are the fleets' (each fleet's operator key
 * batches its providers' billing and claims) and the lone ones (each sends its own);
 * the sweep fleet's providers are proven by the run itself, in batches of each sweep size.
 */
export interface Actors {
  /** The fleets' providers, then the lone ones: the daemon proves these. */
  providers: Account[];
  fleets: Fleet[];
  lone: Account[];
  sweep?: Fleet;
  /** Each opens up to LEASES_PER_CONSUMER leases, one per provider. */
  consumers: Account[];
  stakers: Account[];
  funders: Account[];
  /** member3: holds the DPIN the stakers get; arbiter: the registry's oracle. */
  tokenHolder: Account;
  oracle: Account;
}

/** Every provider of the run: the daemon's, then the sweep fleet's. */
export function allProviders(actors: Actors): Account[] {
  return [...actors.providers, ...(actors.sweep?.providers ?? [])];
}

/** Every operator key: the fleets', then the sweep fleet's. */
export function allFleets(actors: Actors): Fleet[] {
  return [...actors.fleets, ...(actors.sweep ? [actors.sweep] : [])];
}

/** The key ring, the signing client over it and the node's REST endpoint for account numbers and simulation. */
export class Keys {
  private constructor(
    private readonly ring: KeyRing,
    readonly client: SigningCosmWasmClient,
    readonly chainId: string,
    private readonly testAccounts: { name: string; mnemonic: string }[],
    private readonly options: { seed: string; rest: string; accountsFile: string },
  ) {}

  static async connect(rpc: string, gasPrice: GasPrice, options: { seed: string; rest: string; accountsFile: string }): Promise<Keys> {
    const testAccounts = JSON.parse(readFileSync(options.accountsFile, "utf8")).accounts;
    const ring = new KeyRing();
    const client = await SigningCosmWasmClient.connectWithSigner(rpc, ring, { gasPrice, accountParser });
    return new Keys(ring, client, await client.getChainId(), testAccounts, options);
  }

  /** The node's REST API (account numbers, simulation, queries at a height). */
  get rest(): string {
    return this.options.rest;
  }

  /** A key derived from the seed: the same seed gives the same accounts. */
  async newAccount(name: string): Promise<Account> {
    const key = sha256(toUtf8(`depin-load:${this.options.seed}:${name}`));
    return account(name, await this.ring.add(await DirectSecp256k1Wallet.fromKey(key, "wasm")), false);
  }

  /** A provider's agent key (registered as its `agent_pubkey`), derived from the seed like its account key. */
  agentKey(name: string): AgentKey {
    const privkey = sha256(toUtf8(`depin-load-agent:${this.options.seed}:${name}`));
    return { privkey, pubkey: agentPublicKey(privkey) };
  }

  /** A test account's mnemonic (the oracle daemon's `grant` signs with the arbiter's). */
  mnemonicOf(name: string): string {
    const entry = this.testAccounts.find((a) => a.name === name);
    if (!entry) throw new Error(`no test account ${name} in ${this.options.accountsFile}`);
    return entry.mnemonic;
  }

  /** A devnet test account (scripts/devnet-accounts.json); its balances are not predicted. */
  async testAccount(name: string): Promise<Account> {
    const entry = this.testAccounts.find((a) => a.name === name);
    if (!entry) throw new Error(`no test account ${name} in ${this.options.accountsFile}`);
    const address = await this.ring.add(await DirectSecp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "wasm" }));
    return account(name, address, true);
  }

  /** The account number and sequence from the chain. */
  async readAccount(a: Account): Promise<void> {
    const onChain = await restAccount(this.options.rest, a.address);
    if (!onChain) throw new Error(`the account ${a.name} (${a.address}) does not exist on chain ${this.chainId}`);
    a.accountNumber = onChain.accountNumber;
    a.sequence = onChain.sequence;
  }

  // Signs offline. CosmJS 0.38 types SignerData.accountNumber as a number but
  // only passes it to BigInt(), so the 64-bit number goes through as a bigint.
  async signTx(a: Account, msgs: readonly EncodeObject[], fee: StdFee, sequence: number): Promise<Uint8Array> {
    const signerData = { accountNumber: a.accountNumber as unknown as number, sequence, chainId: this.chainId };
    return encodeTxRaw(await this.client.sign(a.address, msgs, fee, "", signerData));
  }

  /** Gas used by these messages at the account's current sequence. */
  async simulate(a: Account, msgs: readonly EncodeObject[]): Promise<number> {
    // The simulation skips the minimum gas price: a token fee leaves the balance to the messages.
    return restSimulate(
      this.options.rest,
      await this.signTx(a, msgs, { amount: [{ denom: STAKE, amount: "1" }], gas: "50000000" }, a.sequence),
    );
  }

  /** The run's new keys and the test accounts it spends from (their account numbers read). */
  async makeActors(options: LoadOptions): Promise<Actors> {
    const many = async (prefix: string, n: number): Promise<Account[]> => {
      const out: Account[] = [];
      for (let i = 0; i < n; i++) out.push(await this.newAccount(`${prefix}-${i}`));
      return out;
    };
    const providers = await many("provider", options.providers);
    const inFleets = providers.slice(0, options.providers - options.lone);
    const fleets: Fleet[] = [];
    for (let f = 0; f * options.fleetSize < inFleets.length; f++) {
      const members = inFleets.slice(f * options.fleetSize, (f + 1) * options.fleetSize);
      fleets.push({ name: `fleet-${f}`, kind: "fleet", operator: await this.newAccount(`operator-${f}`), providers: members });
    }
    const lone = providers.slice(inFleets.length);
    const sweepCount = options.sweep.reduce((s, n) => s + n, 0);
    const sweep: Fleet | undefined =
      sweepCount > 0
        ? {
            name: "sweep",
            kind: "sweep",
            operator: await this.newAccount("sweep-operator"),
            providers: await many("sweep-provider", sweepCount),
          }
        : undefined;
    for (const p of [...providers, ...(sweep?.providers ?? [])]) p.agent = this.agentKey(p.name);
    const leases = providers.length + sweepCount;
    const consumers = await many("consumer", Math.ceil(leases / LEASES_PER_CONSUMER));
    const stakers = await many("staker", options.stakers);
    const funders: Account[] = [];
    for (const name of FUNDER_NAMES.filter((n) => this.testAccounts.some((a) => a.name === n))) funders.push(await this.testAccount(name));
    const tokenHolder = await this.testAccount("member3");
    const oracle = await this.testAccount(ORACLE);
    for (const a of [...funders, tokenHolder, oracle]) await this.readAccount(a);
    return { providers, fleets, lone, sweep, consumers, stakers, funders, tokenHolder, oracle };
  }
}
