// Fleets (issue 26), with accounts this file makes (funded by the deployer): three providers and
// the hot key of their fleet agent, the operator. Provider A names the operator from its
// dashboard (refusals in words first, nothing signed); B and C name it through CosmJS. A's page
// on the network names its operator. The operator's fleet page lists them with their liveness
// (A and B proven by the devnet's oracle, C never), rewards and leases (a lease opened to A), and
// the page's totals; "claim rewards for these providers" sends one claim_rewards for A and B,
// minted to each provider and not to the operator; the fleet pages; A removes its operator. Both
// pages on a phone, under axe-core and with the keyboard alone.
import { randomBytes } from "node:crypto";
import { fromBech32, toBase64, toBech32 } from "@cosmjs/encoding";
import { agentPublicKey, livenessProof } from "@depin/ts-client";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  assertFieldReady,
  assertNoRawErrors,
  deployment,
  launch,
  newMnemonic,
  openAs,
  resendOnStaleSequence,
  type Signer,
  screenshot,
  see,
  signer,
  signerOf,
  submit,
  textOf,
  type UserPage,
} from "./harness";

const d = deployment();
const registry = d.addresses.providerRegistry;
let browser: Browser;
let P: UserPage; // provider A, on its dashboard
let O: UserPage; // the operator, on its fleet page
let operator: Signer;
const fleet: { a: Signer; b: Signer; c: Signer } = {} as never;
const agentKeys = { a: randomBytes(32), b: randomBytes(32) };
const phrases: Record<"a" | "b" | "c" | "operator" | "consumer", string> = {} as never;

beforeAll(async () => {
  for (const name of ["a", "b", "c", "operator", "consumer"] as const) phrases[name] = await newMnemonic();
  [fleet.a, fleet.b, fleet.c, operator] = await Promise.all([phrases.a, phrases.b, phrases.c, phrases.operator].map(signerOf));
  const consumer = await signerOf(phrases.consumer);
  // Not under test: the deployer funds the new accounts (fees, stake, a lease deposit) in one transaction.
  const deployer = await signer("deployer");
  const send = (to: string, amount: { denom: string; amount: string }[]) => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: deployer.address, toAddress: to, amount },
  });
  const stake = (amount: string) => [{ denom: "ustake", amount }];
  const funded = await resendOnStaleSequence(() =>
    deployer.client.signAndBroadcast(
      deployer.address,
      [
        send(fleet.a.address, stake("10000000")),
        send(fleet.b.address, stake("10000000")),
        send(fleet.c.address, stake("10000000")),
        send(operator.address, stake("5000000")),
        send(consumer.address, [...stake("2000000"), { denom: "uusdc", amount: "1000000" }]),
      ],
      1.6,
    ),
  );
  expect(funded.code).toBe(0);
  deployer.client.disconnect();
  // Registered through CosmJS (registration has its own journey): A and B with an agent key, C without.
  const register = (who: Signer, region: string, agentKey?: Uint8Array) =>
    who.execute(
      registry,
      {
        register: {
          service: "storage",
          endpoint: `https://fleet-${region}.example`,
          region,
          capacity: { amount: "100", unit: "GiB" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "10" }],
          ...(agentKey ? { agent_pubkey: toBase64(agentPublicKey(agentKey)) } : {}),
        },
      },
      [{ denom: "ustake", amount: "3000000" }],
    );
  await Promise.all([register(fleet.a, "fleet-a", agentKeys.a), register(fleet.b, "fleet-b", agentKeys.b), register(fleet.c, "fleet-c")]);
  await consumer.execute(
    d.addresses.billingEscrow,
    { open_lease: { provider: fleet.a.address, billing: { metered: {} }, max_price_per_unit: "10" } },
    [{ denom: "uusdc", amount: "100000" }],
  );
  consumer.client.disconnect();
  browser = await launch();
  O = await openAs(browser, "fleet operator", "#/fleet", phrases.operator);
  P = await openAs(browser, "fleet provider A", "#/provider", phrases.a);
});

afterAll(async () => {
  for (const u of [P, O]) if (u) await assertNoRawErrors(u.page);
  await browser?.close();
  for (const s of [fleet.a, fleet.b, fleet.c, operator]) s?.client.disconnect();
  expect([...(P?.problems ?? []), ...(O?.problems ?? [])]).toEqual([]);
});

const field = (scope: Locator, name: string) => scope.locator(`[name="${name}"]`).first();
const rows = () => O.page.getByTestId("fleet-row");
const row = (address: string) => O.page.locator(`[data-testid="fleet-row"][data-address="${address}"]`);
const rowAddresses = () => rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")));
const query = (msg: Record<string, unknown>, contract = registry) => operator.client.queryContractSmart(contract, msg);
const dpin = async (address: string): Promise<bigint> => BigInt((await query({ balance: { address } }, d.addresses.rewardToken)).balance);
/** "1.234 DPIN" in base units (6 decimals). */
const baseUnits = (text: string): bigint => {
  const m = /([\d]+)(?:\.(\d{1,6}))? DPIN/.exec(text);
  if (!m) throw new Error(`no DPIN amount in: ${text}`);
  return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
};

describe("fleets", () => {
  test("a wallet that operates no fleet is told so in words", async () => {
    await see(O.page.getByTestId("no-fleet"), "No provider has named this wallet its operator, so it operates no fleet.");
    await assertFieldReady(O.page);
  });

  test("a provider names its operator from its dashboard: refusals in words first, nothing signed, then set once", async () => {
    const panel = P.page.getByRole("region", { name: "Operator" });
    await see(panel.getByTestId("my-operator"), "none");
    const input = field(panel, "operator");
    const set = panel.getByRole("button", { name: "Set operator" });
    const signed = P.wallet.signed;
    const refused = async (value: string, sentence: string) => {
      await input.fill(value);
      await set.click();
      await see(panel.getByRole("alert").first(), sentence);
      await see(panel.locator(".tx.error"), "nothing was sent");
    };
    await refused(
      toBech32("cosmos", fromBech32(operator.address).data),
      "The operator address must start with wasm1 (it starts with cosmos1).",
    );
    await refused(fleet.a.address, "A provider cannot name itself its operator");
    await refused("wasm1operator", 'The operator address "wasm1operator" is not a valid wasm address.');
    await refused(toBech32("wasm", new Uint8Array(12).fill(9)), "The operator address holds 12 bytes");
    expect(P.wallet.signed).toBe(signed);

    await input.fill(operator.address);
    await set.click();
    // Locked while in flight: a second click cannot send it twice.
    await expect.poll(() => set.isDisabled(), { timeout: 2_000, interval: 50 }).toBe(true);
    await see(panel.locator(".tx.done"), `Operator set to ${operator.address.slice(0, 10)}`, 30_000);
    expect(P.wallet.signed).toBe(signed + 1);
    await expect.poll(() => input.inputValue()).toBe(""); // cleared once the transaction lands and its reads are refreshed
    await expect
      .poll(() => panel.getByTestId("my-operator").locator("[data-address-full]").getAttribute("data-address-full"))
      .toBe(operator.address);
    expect((await query({ provider: { address: fleet.a.address } })).operator).toBe(operator.address);

    // The same operator again changes nothing: refused before signing.
    await input.fill(operator.address);
    await panel.getByRole("button", { name: "Change operator" }).click();
    await see(panel.getByRole("alert").first(), "is already your operator: nothing to change.");
    expect(P.wallet.signed).toBe(signed + 1);
    await assertFieldReady(P.page);
  });

  test("the operator's fleet page lists its providers with their liveness, rewards and leases, and the page's totals", async () => {
    await Promise.all([fleet.b, fleet.c].map((p) => p.execute(registry, { set_operator: { operator: operator.address } })));
    // The devnet's oracle (the arbiter; not a dApp journey) proves A and B live in the current epoch, in one batch.
    const arbiter = await signer("arbiter");
    const { current_epoch: epoch } = await query({ stats: {} });
    const proof = (who: Signer, key: Uint8Array) =>
      livenessProof(key, { chainId: d.chain_id, registry, provider: who.address, epoch, nonce: randomBytes(16) });
    await arbiter.execute(registry, { prove_liveness: { epoch, proofs: [proof(fleet.a, agentKeys.a), proof(fleet.b, agentKeys.b)] } });
    arbiter.client.disconnect();
    for (const p of [fleet.a, fleet.b])
      expect((await query({ provider: { address: p.address } })).reputation.last_proven_epoch).toBe(epoch);

    // A's page on the network shows the operator it named.
    await O.page.goto(new URL(`#/providers/${fleet.a.address}`, O.page.url()).toString());
    await expect
      .poll(() => O.page.getByTestId("provider-operator").locator("[data-address-full]").getAttribute("data-address-full"))
      .toBe(operator.address);
    await O.page.goto(new URL("#/fleet", O.page.url()).toString());
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(3);
    // In address order, as providers_by_operator pages them.
    expect(await rowAddresses()).toEqual([fleet.a.address, fleet.b.address, fleet.c.address].sort());
    for (const p of [fleet.a, fleet.b]) {
      await see(row(p.address).getByTestId("fleet-proofs"), /^1 proven · \d+ missed$/);
      await see(row(p.address).getByTestId("fleet-last-proven"), `epoch ${epoch}`);
      // The epoch may have ended meanwhile: then the next one reads "not proven yet".
      const current = await textOf(row(p.address).getByTestId("fleet-current-proof"));
      const shown = Number(/epoch (\d+)/.exec(current)?.[1]);
      expect(shown).toBeGreaterThanOrEqual(epoch);
      expect(current).toBe(shown === epoch ? `epoch ${epoch} proven` : `epoch ${shown} not proven yet`);
    }
    await see(row(fleet.c.address).getByTestId("fleet-proofs"), /^0 proven · \d+ missed$/);
    await see(row(fleet.c.address).getByTestId("fleet-last-proven"), "never");
    await see(row(fleet.c.address).getByTestId("fleet-current-proof"), /^epoch \d+ not proven yet$/);
    await see(row(fleet.a.address).getByTestId("fleet-leases"), "1 (1 open)");
    await see(row(fleet.b.address).getByTestId("fleet-leases"), "0 (0 open)");
    await see(O.page.getByTestId("fleet-total-leases"), "1 (1 open)");
    await see(O.page.getByTestId("fleet-total-providers"), "3");
    await see(O.page.getByTestId("fleet-total-proven"), /^[0-2] of 3$/);

    // Once the proven epoch has ended, A's and B's rewards for it are pending (claimable); C, never proven, has none.
    for (const p of [fleet.a, fleet.b])
      await expect.poll(() => textOf(row(p.address).getByTestId("fleet-pending")), { timeout: 30_000 }).not.toBe("0 DPIN");
    await see(row(fleet.c.address).getByTestId("fleet-pending"), "0 DPIN");
    await see(row(fleet.c.address).getByTestId("fleet-unproven"), /DPIN$/);
    const pending = await Promise.all((await rows().all()).map((r) => textOf(r.getByTestId("fleet-pending"))));
    const total = baseUnits(await textOf(O.page.getByTestId("fleet-total-pending")));
    expect(total).toBe(pending.reduce((sum, text) => sum + baseUnits(text), 0n));
    expect(total).toBeGreaterThan(0n);
    await see(O.page.getByTestId("fleet-claim-hint"), "One claim_rewards for the 2 providers of this page with pending rewards");
    await screenshot(O.page, "fleet");
    await assertFieldReady(O.page, "fleet");
  });

  test("one claim for the providers with pending rewards, minted to each provider and not to the operator", async () => {
    const holders = [fleet.a, fleet.b, fleet.c, operator];
    const before = await Promise.all(holders.map((h) => dpin(h.address)));
    const sequence = (await operator.client.getSequence(operator.address)).sequence;
    const signed = O.wallet.signed;
    const totals = O.page.getByRole("region", { name: "Totals of page 1" });
    await submit(totals, "Claim rewards for these providers (2)", /Claimed [\d.]+ DPIN for 2 providers, minted to each provider\./);
    const claimed = baseUnits(await textOf(totals.locator(".tx.done")));
    expect(O.wallet.signed).toBe(signed + 1);
    expect((await operator.client.getSequence(operator.address)).sequence).toBe(sequence + 1);
    const after = await Promise.all(holders.map((h) => dpin(h.address)));
    const [gainA, gainB, gainC, gainOperator] = after.map((balance, i) => balance - before[i]);
    expect(gainA).toBeGreaterThan(0n);
    expect(gainB).toBeGreaterThan(0n);
    expect(gainC).toBe(0n);
    expect(gainOperator).toBe(0n);
    expect(gainA + gainB).toBe(claimed);
    // Nothing is pending any more (the epochs since are unproven): the claim is disabled and says why.
    for (const p of [fleet.a, fleet.b]) await see(row(p.address).getByTestId("fleet-pending"), "0 DPIN");
    await see(O.page.getByTestId("fleet-claim-hint"), "No provider on this page has pending rewards to claim.");
    expect(await totals.getByRole("button", { name: /Claim rewards for these providers/ }).isDisabled()).toBe(true);
  });

  test("pages through the fleet with the shared pager", async () => {
    const all = [fleet.a.address, fleet.b.address, fleet.c.address].sort();
    await O.page.goto(new URL("#/fleet?limit=2", O.page.url()).toString());
    await expect.poll(rowAddresses).toEqual(all.slice(0, 2));
    await see(O.page.getByTestId("fleet-total-providers"), "2");
    await O.page.getByRole("button", { name: "Next page" }).click();
    await see(O.page.getByTestId("page-number"), "page 2");
    await expect.poll(rowAddresses).toEqual(all.slice(2));
    await see(O.page.getByRole("region", { name: "Totals of page 2" }).getByTestId("fleet-total-providers"), "1");
    await O.page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(rowAddresses).toEqual(all.slice(0, 2));
  });

  test("a provider removes its operator: the fleet no longer lists it", async () => {
    await P.page.reload();
    const panel = P.page.getByRole("region", { name: "Operator" });
    await submit(panel, "Remove operator", "Operator removed: from now on only this wallet acts for your provider.");
    await see(panel.getByTestId("my-operator"), "none");
    expect((await query({ provider: { address: fleet.a.address } })).operator ?? null).toBeNull();
    await O.page.goto(new URL("#/fleet", O.page.url()).toString());
    await expect.poll(rowAddresses, { timeout: 20_000 }).toEqual([fleet.b.address, fleet.c.address].sort());
  });
});
