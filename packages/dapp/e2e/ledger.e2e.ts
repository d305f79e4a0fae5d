// Ledger: a provider and a member whose wallet signs amino JSON only (Keplr with a Ledger: no
// signDirect, isNanoLedger), both accounts made by this file, so wasmd v0.70 gives them account
// numbers above 2^63. The provider onboards (register with native stake), the member opens a
// lease with funds, stakes (a cw20 send to the DAO), votes and unstakes; each landed on chain, each signed
// from an amino sign doc whose account_number is the chain's uint64 as a decimal string. Text the
// chain encodes differently in amino JSON (U+2028 in a registration) is refused in words before
// anything is signed. The
// provider's grants to an agent's hot key (authz MsgGrant of a wasm ContractExecutionAuthorization,
// feegrant MsgGrantAllowance), every other limit, filter, authorization and allowance the dApp has
// an amino form for, and both revokes are signed the same way through the dApp's signing client,
// in node: each lands on chain, so the chain's amino JSON matched; AcceptedMessagesFilter is refused.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OfflineAminoSigner } from "@cosmjs/amino";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { GasPrice } from "@cosmjs/stargate";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import {
  AcceptedMessageKeysFilter,
  AcceptedMessagesFilter,
  AllowAllMessagesFilter,
  CombinedLimit,
  ContractExecutionAuthorization,
  ContractMigrationAuthorization,
  MaxCallsLimit,
  MaxFundsLimit,
} from "cosmjs-types/cosmwasm/wasm/v1/authz";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { anyOf } from "../src/chain/grants";
import { connectSigningClient } from "../src/chain/signing";
import {
  assertAccessible,
  assertNoRawErrors,
  deployment,
  env,
  launch,
  newMnemonic,
  openAs,
  resendOnStaleSequence,
  type Signer,
  see,
  signer,
  signerOf,
  submit,
  takeDaoTurn,
  textOf,
  type UserPage,
} from "./harness";

const d = deployment();
let browser: Browser;
let P: UserPage; // the Ledger provider
let M: UserPage; // the Ledger member and consumer
const phrases = { provider: "", member: "" };
const users: UserPage[] = [];
/** The REST endpoint the dApp's config names (account numbers, grants). */
const rest = (): string => JSON.parse(readFileSync(resolve(env.dir, "dapp/config.json"), "utf8")).rest;
const restJson = async (path: string) => {
  const response = await fetch(new URL(path, rest()));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
};
/** The account number the chain holds, as its decimal string (a uint64: never through a JS number). */
const accountNumber = async (address: string): Promise<string> => {
  const { account } = await restJson(`cosmos/auth/v1beta1/accounts/${address}`);
  return account.account_number ?? account.base_account?.account_number;
};
const field = (scope: Locator | UserPage["page"], name: string) => scope.locator(`[name="${name}"]`).first();
const DPIN = 1_000_000n;

beforeAll(async () => {
  phrases.provider = await newMnemonic();
  phrases.member = await newMnemonic();
  const provider = await signerOf(phrases.provider);
  const member = await signerOf(phrases.member);
  // Not under test: the deployer funds both (fees, stake, a lease deposit), member3 gives the member 20 DPIN.
  const deployer = await signer("deployer");
  const send = (to: string, amount: { denom: string; amount: string }[]) => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: deployer.address, toAddress: to, amount },
  });
  const funded = await resendOnStaleSequence(() =>
    deployer.client.signAndBroadcast(
      deployer.address,
      [
        send(provider.address, [{ denom: "ustake", amount: "10000000" }]),
        send(member.address, [
          { denom: "ustake", amount: "5000000" },
          { denom: "uusdc", amount: "2000000" },
        ]),
      ],
      1.6,
    ),
  );
  expect(funded.code).toBe(0);
  const member3 = await signer("member3");
  await member3.execute(d.addresses.rewardToken, { transfer: { recipient: member.address, amount: (20n * DPIN).toString() } });
  for (const s of [deployer, member3, provider, member]) s.client.disconnect();
  browser = await launch();
  P = await openAs(browser, "ledger provider", "#/provider", phrases.provider, true);
  M = await openAs(browser, "ledger member", "#/consumer", phrases.member, true);
  users.push(P, M);
}, 180_000);

afterAll(async () => {
  for (const u of users) await assertNoRawErrors(u.page);
  await browser?.close();
  expect(users.flatMap((u) => u.problems)).toEqual([]);
  // Not one direct sign request: everything went through amino JSON.
  expect(users.map((u) => u.wallet.directRequests)).toEqual([0, 0]);
});

/** Every amino sign doc `u`'s wallet received since `from` carries the chain's account number, above 2^53, as a string. */
async function expectSignDocs(u: UserPage, from: number) {
  const number = await accountNumber(u.wallet.address);
  expect(BigInt(number)).toBeGreaterThanOrEqual(1n << 63n);
  const docs = u.wallet.aminoDocs.slice(from);
  expect(docs.length).toBeGreaterThan(0);
  for (const doc of docs) {
    expect(typeof doc.account_number).toBe("string");
    expect(doc.account_number).toBe(number);
  }
}

describe("a Ledger (amino JSON only) signs every kind of transaction", () => {
  test("the wallet is connected as a Ledger, and the account numbers are 64-bit", async () => {
    for (const u of users) await see(u.page.getByTestId("sign-mode"), "Ledger · amino");
    await assertAccessible(P.page);
    for (const u of users) expect(BigInt(await accountNumber(u.wallet.address))).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  test("a provider onboards: register with native stake (text amino JSON cannot carry refused in words first)", async () => {
    const page = P.page;
    await see(page.getByRole("heading", { name: "Register as a provider" }), "Register");
    await field(page, "service").selectOption("storage");
    await field(page, "endpoint").fill("https://ledger-provider.example");
    await field(page, "region").fill("eu-north");
    await field(page, "capacityAmount").fill("100");
    await field(page, "capacityUnit").fill("GiB");
    await field(page, "price0").fill("0.00001");
    await field(page, "stake").fill("3");
    // Text with U+2028: the chain's JSON escapes it, the wallet's does not; refused in words, nothing signed.
    await field(page, "region").fill("eu\u2028north");
    await page.getByRole("button", { name: "Register and stake" }).click();
    await see(page.locator(".tx.error"), "line or paragraph separator character (U+2028 or U+2029)");
    await see(page.locator(".tx.error"), "nothing was sent");
    expect(P.wallet.signed).toBe(0);
    expect(P.wallet.aminoDocs).toHaveLength(0);
    await field(page, "region").fill("eu-north");
    await submit(page, "Register and stake", "Registered with 3 STAKE staked.");
    await see(page.getByTestId("my-status"), "active");
    const chain = await signer("consumer3");
    const record = await chain.client.queryContractSmart(d.addresses.providerRegistry, { provider: { address: P.wallet.address } });
    chain.client.disconnect();
    expect(record.prices).toEqual([{ denom: { native: "uusdc" }, per_unit: "10" }]);
    await expectSignDocs(P, 0);
    expect(P.wallet.aminoDocs.at(-1)?.msgs[0]).toMatchObject({
      type: "wasm/MsgExecuteContract",
      value: { sender: P.wallet.address, contract: d.addresses.providerRegistry, funds: [{ amount: "3000000", denom: "ustake" }] },
    });
  });

  test("a consumer opens a lease with funds", async () => {
    const page = M.page;
    const before = M.wallet.aminoDocs.length;
    await page.goto(new URL(`#/consumer?provider=${P.wallet.address}`, page.url()).toString());
    await see(page.getByTestId("price-guard"), "Price 0.00001 USDC per GiB");
    await field(page, "mode").selectOption("metered");
    await field(page, "deposit").fill("0.5");
    await page.getByRole("button", { name: "Open lease" }).click();
    const done = page.locator(".tx.done", { hasText: "Opened metered lease" });
    await done.waitFor({ timeout: 30_000 });
    const id = Number(/lease (\d+)/.exec(await textOf(done))?.[1]);
    const chain = await signer("consumer3");
    const lease = await chain.client.queryContractSmart(d.addresses.billingEscrow, { lease: { lease_id: id } });
    chain.client.disconnect();
    expect(lease).toMatchObject({ consumer: M.wallet.address, provider: P.wallet.address, deposited: "500000" });
    await expectSignDocs(M, before);
    expect(M.wallet.aminoDocs.at(-1)?.msgs[0]).toMatchObject({ value: { funds: [{ amount: "500000", denom: "uusdc" }] } });
  });

  test("a member stakes (cw20 send to the DAO), votes and unstakes", async () => {
    const page = M.page;
    const before = M.wallet.aminoDocs.length;
    // The DAO's staked total is shared with dao.e2e.ts: this stake lasts only for this turn.
    const endTurn = await takeDaoTurn("ledger.e2e.ts", 360_000);
    let member: Signer | undefined;
    try {
      await page.goto(new URL("#/dao", page.url()).toString());
      const panel = page.getByRole("region", { name: "Your stake" });
      await see(panel.getByTestId("dao-balance"), "20 DPIN");
      await field(panel, "daoStake").fill("10");
      await submit(panel, "Stake", "Staked 10 DPIN");

      // Not under test: the member proposes (it needs voting power, as every proposer).
      member = await signerOf(phrases.member);
      const config = await member.client.queryContractSmart(d.addresses.dao, { config: {} });
      const propose = { title: "Ledger vote", description: "A member with a Ledger votes.", msgs: [] };
      const deposit = BigInt(config.proposal_deposit ?? "0");
      const execute = (contract: string, msg: unknown) => ({
        typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
        value: { sender: member?.address ?? "", contract, msg: toUtf8(JSON.stringify(msg)), funds: [] },
      });
      const proposeMsg =
        deposit > 0n
          ? execute(d.addresses.rewardToken, {
              send: { contract: d.addresses.dao, amount: deposit.toString(), msg: toBase64(toUtf8(JSON.stringify({ propose }))) },
            })
          : execute(d.addresses.dao, { propose });
      const proposed = await member.client.signAndBroadcast(member.address, [proposeMsg], 1.6);
      expect(proposed.code).toBe(0);
      const id = Number(
        proposed.events
          .filter((e) => e.type === "wasm")
          .flatMap((e) => e.attributes)
          .find((a) => a.key === "proposal_id")?.value,
      );
      expect(id).toBeGreaterThan(0);

      await page.reload();
      const card = page.locator(`[data-testid="proposal"][data-proposal="${id}"]`);
      // The proposals are listed ten to a page, oldest first (dao.e2e.ts may have made many).
      await page.getByTestId("proposal").first().waitFor();
      for (let tries = 0; !(await card.isVisible()); tries++) {
        if (tries > 50) throw new Error(`proposal ${id} is not listed`);
        const next = page.getByRole("region", { name: "Proposals" }).getByRole("button", { name: "Next page" });
        if (await next.isEnabled()) await next.click();
        await page.waitForTimeout(300);
      }
      await submit(card, "Vote yes", `Vote yes on #${id}: done.`);
      await see(card.getByTestId("my-vote"), "You voted yes with 10 DPIN");
      const vote = await member.client.queryContractSmart(d.addresses.dao, { vote: { proposal_id: id, voter: M.wallet.address } });
      expect(vote.vote).toMatchObject({ vote: "yes", power: (10n * DPIN).toString() });

      // The stake leaves again before the turn ends (the vote keeps its power at the proposal's start height).
      await field(panel, "daoUnstake").fill("10");
      await submit(panel, "Unstake", "Unstake: done.");
      const power = await member.client.queryContractSmart(d.addresses.dao, { voting_power: { address: M.wallet.address } });
      expect(power.power).toBe("0");
      endTurn();
      await expectSignDocs(M, before);
    } finally {
      // Whatever failed, the stake leaves before the turn ends (dao.e2e.ts counts the members' stake alone).
      member ??= await signerOf(phrases.member);
      const { power } = await member.client.queryContractSmart(d.addresses.dao, { voting_power: { address: M.wallet.address } });
      if (power !== "0") await member.execute(d.addresses.dao, { unstake: { amount: power } });
      endTurn();
      member.client.disconnect();
    }
  }, 420_000);
});

/** The dApp's signing client (src/chain/signing.ts) over an amino-only signer of `phrase`, as the page's Ledger: no signDirect. */
async function ledgerClient(phrase: string) {
  const ledger = await Secp256k1HdWallet.fromMnemonic(phrase, { prefix: "wasm" });
  const asked: string[] = [];
  const aminoOnly: OfflineAminoSigner = {
    getAccounts: () => ledger.getAccounts(),
    signAmino: (address, doc) => {
      asked.push(doc.account_number);
      return ledger.signAmino(address, doc);
    },
  };
  const client = await connectSigningClient(env.rpc, aminoOnly, {
    gasPrice: GasPrice.fromString("0.025ustake"),
    broadcastPollIntervalMs: 200,
  });
  return { client, asked };
}

const newAddress = async (): Promise<string> =>
  (await (await Secp256k1HdWallet.fromMnemonic(await newMnemonic(), { prefix: "wasm" })).getAccounts())[0].address;

describe("the provider's grants to its agent's hot key, signed in amino JSON", () => {
  test("MsgGrant (wasm ContractExecutionAuthorization) and MsgGrantAllowance (AllowedMsgAllowance) land on chain", async () => {
    const { client, asked } = await ledgerClient(phrases.provider);
    const provider = P.wallet.address;
    const hot = await newAddress();
    const expiration = { seconds: BigInt(Math.floor(Date.now() / 1000) + 365 * 86400), nanos: 0 };
    const result = await client.signAndBroadcast(
      provider,
      [
        {
          typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
          value: {
            granter: provider,
            grantee: hot,
            grant: {
              authorization: anyOf(ContractExecutionAuthorization, {
                grants: [
                  {
                    contract: d.addresses.providerRegistry,
                    limit: anyOf(MaxCallsLimit, { remaining: 1000n }),
                    filter: anyOf(AcceptedMessageKeysFilter, { keys: ["heartbeat", "claim_rewards", "claim", "unjail"] }),
                  },
                  {
                    contract: d.addresses.billingEscrow,
                    limit: anyOf(MaxCallsLimit, { remaining: 1000n }),
                    filter: anyOf(AcceptedMessageKeysFilter, { keys: ["accept_lease", "report_usage", "redeem_receipt", "settle"] }),
                  },
                ],
              }),
              expiration,
            },
          },
        },
        {
          typeUrl: "/cosmos.feegrant.v1beta1.MsgGrantAllowance",
          value: {
            granter: provider,
            grantee: hot,
            allowance: anyOf(AllowedMsgAllowance, {
              allowance: anyOf(BasicAllowance, { spendLimit: [{ denom: "ustake", amount: "500000" }], expiration: undefined }),
              allowedMessages: ["/cosmos.authz.v1beta1.MsgExec"],
            }),
          },
        },
      ],
      1.6,
    );
    client.disconnect();
    expect(result.code).toBe(0);
    expect(asked).toEqual([await accountNumber(provider)]);
    const { grants } = await restJson(`cosmos/authz/v1beta1/grants?granter=${provider}&grantee=${hot}`);
    expect(grants).toHaveLength(1);
    expect(grants[0].authorization["@type"]).toBe("/cosmwasm.wasm.v1.ContractExecutionAuthorization");
    expect(grants[0].authorization.grants.map((g: { contract: string }) => g.contract)).toEqual([
      d.addresses.providerRegistry,
      d.addresses.billingEscrow,
    ]);
    const { allowance } = await restJson(`cosmos/feegrant/v1beta1/allowance/${provider}/${hot}`);
    expect(allowance.allowance["@type"]).toBe("/cosmos.feegrant.v1beta1.AllowedMsgAllowance");
    expect(allowance.allowance.allowance.spend_limit).toEqual([{ denom: "ustake", amount: "500000" }]);
  });

  test("the other limits, filters, authorizations and allowances, and both revokes, land on chain", async () => {
    const { client, asked } = await ledgerClient(phrases.provider);
    const provider = P.wallet.address;
    const hot = await newAddress();
    const inADay = BigInt(Math.floor(Date.now() / 1000) + 86400);
    const grant = (authorization: Any, expiration?: { seconds: bigint; nanos: number }) => ({
      typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
      value: { granter: provider, grantee: hot, grant: { authorization, expiration } },
    });
    const granted = await client.signAndBroadcast(
      provider,
      [
        grant(
          anyOf(ContractExecutionAuthorization, {
            grants: [
              {
                contract: d.addresses.providerRegistry,
                limit: anyOf(CombinedLimit, { callsRemaining: 5n, amounts: [{ denom: "ustake", amount: "1" }] }),
                filter: anyOf(AllowAllMessagesFilter, {}),
              },
              {
                contract: d.addresses.billingEscrow,
                limit: anyOf(MaxFundsLimit, { amounts: [{ denom: "uusdc", amount: "5" }] }),
                filter: anyOf(AcceptedMessageKeysFilter, { keys: ["settle"] }),
              },
            ],
          }),
        ),
        grant(
          anyOf(ContractMigrationAuthorization, {
            grants: [
              { contract: d.addresses.dao, limit: anyOf(MaxCallsLimit, { remaining: 1n }), filter: anyOf(AllowAllMessagesFilter, {}) },
            ],
          }),
          { seconds: inADay, nanos: 0 },
        ),
        grant(anyOf(GenericAuthorization, { msg: "/cosmos.bank.v1beta1.MsgSend" }), { seconds: inADay, nanos: 120_000_000 }),
        {
          typeUrl: "/cosmos.feegrant.v1beta1.MsgGrantAllowance",
          value: {
            granter: provider,
            grantee: hot,
            allowance: anyOf(PeriodicAllowance, {
              basic: { spendLimit: [], expiration: { seconds: inADay, nanos: 0 } },
              period: { seconds: 3600n, nanos: 0 },
              periodSpendLimit: [{ denom: "ustake", amount: "1000" }],
              periodCanSpend: [],
              periodReset: { seconds: 0n, nanos: 0 },
            }),
          },
        },
      ],
      1.6,
    );
    expect(granted.code).toBe(0);
    const { grants } = await restJson(`cosmos/authz/v1beta1/grants?granter=${provider}&grantee=${hot}`);
    const types = (list: { authorization: { "@type": string } }[]) => list.map((g) => g.authorization["@type"]).sort();
    expect(types(grants)).toEqual([
      "/cosmos.authz.v1beta1.GenericAuthorization",
      "/cosmwasm.wasm.v1.ContractExecutionAuthorization",
      "/cosmwasm.wasm.v1.ContractMigrationAuthorization",
    ]);
    const generic = grants.find((g: { authorization: { "@type": string } }) => g.authorization["@type"].endsWith("GenericAuthorization"));
    expect(generic.expiration).toMatch(/\.120*Z$/);
    const { allowance } = await restJson(`cosmos/feegrant/v1beta1/allowance/${provider}/${hot}`);
    expect(allowance.allowance["@type"]).toBe("/cosmos.feegrant.v1beta1.PeriodicAllowance");
    expect(allowance.allowance.period).toBe("3600s");

    // A grant wasmd cannot read in amino JSON is refused before the wallet is asked.
    const before = asked.length;
    const exact = grant(
      anyOf(ContractExecutionAuthorization, {
        grants: [
          {
            contract: d.addresses.billingEscrow,
            limit: anyOf(MaxCallsLimit, { remaining: 1n }),
            filter: anyOf(AcceptedMessagesFilter, { messages: [toUtf8('{"settle":{}}')] }),
          },
        ],
      }),
    );
    await expect(client.signAndBroadcast(provider, [exact], 1.6)).rejects.toThrow(/AcceptedMessagesFilter.*nothing was sent/);
    expect(asked.length).toBe(before);

    const revoked = await client.signAndBroadcast(
      provider,
      [
        {
          typeUrl: "/cosmos.authz.v1beta1.MsgRevoke",
          value: { granter: provider, grantee: hot, msgTypeUrl: "/cosmos.bank.v1beta1.MsgSend" },
        },
        { typeUrl: "/cosmos.feegrant.v1beta1.MsgRevokeAllowance", value: { granter: provider, grantee: hot } },
      ],
      1.6,
    );
    client.disconnect();
    expect(revoked.code).toBe(0);
    expect(types((await restJson(`cosmos/authz/v1beta1/grants?granter=${provider}&grantee=${hot}`)).grants)).toHaveLength(2);
    const number = await accountNumber(provider);
    expect(asked.slice(-2)).toEqual([number, number]);
  });
});
