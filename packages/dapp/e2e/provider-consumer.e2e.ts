// A provider onboards from its wallet and a consumer leases from it, each in
// its own browser with its own injected wallet: registration validated before
// signing, listing update, bond / unbond with the claim's release time,
// heartbeat; metered (report, dispute, settle, close), streaming (accept, top
// up, settle, close) and receipts leases (session key in the browser, receipts
// copied and downloaded, pasted and uploaded, redeemed); the agent key set
// (refusals in words first) and an oracle's proof of service shown; rewards;
// and the unbonded stake claimed once the unbonding period has passed.

import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import { agentPublicKey, livenessProof, receiptPublicKey, signReceipt } from "@depin/ts-client";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  assertFieldReady,
  assertNoRawErrors,
  deployment,
  launch,
  openAs,
  screenshot,
  see,
  signer,
  submit,
  textOf,
  type UserPage,
  waitForTimestamp,
} from "./harness";

let browser: Browser;
let P: UserPage; // provider2
let C: UserPage; // consumer2
const d = deployment();

beforeAll(async () => {
  browser = await launch();
  P = await openAs(browser, "provider2", "#/provider");
  C = await openAs(browser, "consumer2", "#/consumer");
});

afterAll(async () => {
  for (const u of [P, C]) if (u) await assertNoRawErrors(u.page);
  await browser?.close();
  expect([...(P?.problems ?? []), ...(C?.problems ?? [])]).toEqual([]);
});

const field = (scope: Locator | UserPage["page"], name: string) => scope.locator(`[name="${name}"]`).first();
const providerLease = (id: number) => P.page.locator(`[data-testid="provider-lease"][data-lease="${id}"]`);
const consumerLease = (id: number) => C.page.locator(`[data-testid="consumer-lease"][data-lease="${id}"]`);

async function openLease(mode: "metered" | "streaming" | "receipts", deposit: string, rate?: string): Promise<number> {
  await C.page.goto(new URL(`#/consumer?provider=${P.wallet.address}`, C.page.url()).toString());
  await see(C.page.getByTestId("price-guard"), "Price 0.00003 USDC per GB");
  await field(C.page, "mode").selectOption(mode);
  await field(C.page, "deposit").fill(deposit);
  if (rate) await field(C.page, "rate").fill(rate);
  await C.page.getByRole("button", { name: "Open lease" }).click();
  const done = C.page.locator(".tx.done", { hasText: `Opened ${mode} lease` });
  await done.waitFor({ timeout: 30_000 });
  const opened = /lease (\d+)/.exec(await textOf(done));
  if (!opened) throw new Error(`no lease id in: ${await textOf(done)}`);
  const id = Number(opened[1]);
  await consumerLease(id).waitFor();
  return id;
}

describe("provider onboarding", () => {
  test("registration is validated before anything is signed, then registers with stake", async () => {
    const page = P.page;
    await see(page.getByRole("heading", { name: "Register as a provider" }), "Register");
    await field(page, "stake").fill("0.5");
    await field(page, "region").fill("x".repeat(70));
    await field(page, "agentKey").fill("not a key");
    await page.getByRole("button", { name: "Register and stake" }).click();
    await see(
      page.getByRole("alert").filter({ hasText: "agent key" }),
      "The agent key is neither hex (66 characters) nor base64 (44 characters).",
    );
    await see(page.getByRole("alert").filter({ hasText: "endpoint" }), "The endpoint is required.");
    await see(page.getByRole("alert").filter({ hasText: "region" }), "The region is 70 bytes long; the limit is 64.");
    await see(page.getByRole("alert").filter({ hasText: "minimum stake" }), "The stake must be at least the minimum stake of 1 STAKE.");
    await see(page.locator(".tx.error"), "nothing was sent");
    expect(P.wallet.signed).toBe(0);

    await field(page, "service").selectOption("bandwidth");
    await field(page, "endpoint").fill("https://provider2.example");
    await field(page, "region").fill("ap-south");
    await field(page, "capacityAmount").fill("500");
    await field(page, "capacityUnit").fill("GB");
    await field(page, "price0").fill("0.00002");
    await field(page, "stake").fill("3");
    await field(page, "agentKey").fill(""); // optional: set later on the dashboard (below)
    await submit(page, "Register and stake", "Registered with 3 STAKE staked.");
    expect(P.wallet.suggested[0]).toMatchObject({ chainId: d.chain_id, rpc: expect.stringContaining("127.0.0.1") });
    await see(page.getByTestId("my-status"), "active");
    await see(page.getByTestId("my-stake"), "3 STAKE");
  });

  test("updates the listing", async () => {
    const listing = P.page.getByRole("region", { name: "Listing" });
    await field(listing, "price0").fill("0.00003");
    await field(listing, "capacityAmount").fill("600");
    await submit(listing, "Update listing", "Update listing: done.");
    const chain = await signer("consumer3");
    const record = await chain.client.queryContractSmart(d.addresses.providerRegistry, { provider: { address: P.wallet.address } });
    expect(record.prices).toEqual([{ denom: { native: "uusdc" }, per_unit: "30" }]);
    expect(record.capacity).toEqual({ amount: "600", unit: "GB" });
    chain.client.disconnect();
  });

  test("bonds, unbonds with the claim's release time, and heartbeats", async () => {
    const stake = P.page.getByRole("region", { name: "Stake" });
    await field(stake, "bond").fill("1");
    await submit(stake, "Bond", "Bonded 1 STAKE.");
    await see(P.page.getByTestId("my-stake"), "4 STAKE");
    await field(stake, "unbond").fill("1.5");
    await submit(stake, "Unbond", /Unbonding 1.5 STAKE, released \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\./);
    await see(stake.getByTestId("unbonding-claims"), /1\.5 STAKE\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (3\d|40) s\)/);
    await see(P.page.getByTestId("my-unbonding"), "1.5 STAKE");
    await field(stake, "unbond").fill("100");
    await stake.getByRole("button", { name: "Unbond", exact: true }).click();
    await see(stake.getByRole("alert").first(), "The amount is more than your bonded stake (2.5 STAKE).");

    const liveness = P.page.getByRole("region", { name: "Liveness and rewards" });
    await submit(liveness, "Send heartbeat", "Heartbeat: done.");
    await see(P.page.getByTestId("my-heartbeats"), "1");
  });
});

describe("consumer leases", () => {
  let metered = 0;
  test("a metered lease: usage reported, a charge disputed within its window, the rest settled, closed", async () => {
    metered = await openLease("metered", "1");
    await see(consumerLease(metered).getByTestId("lease-deposited"), "1 USDC");

    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    const pl = providerLease(metered);
    await field(pl, "units").fill("1000000");
    await pl.getByRole("button", { name: "Report usage" }).click();
    await see(pl.getByRole("alert"), "1000000 units cost 30 USDC, more than the 1 USDC available on the lease.");
    await field(pl, "units").fill("1000");
    await submit(pl, "Report usage", `Reported 1000 units (0.03 USDC) on lease ${metered}`);
    await field(pl, "units").fill("2000");
    await submit(pl, "Report usage", `Reported 2000 units (0.06 USDC) on lease ${metered}`);

    const cl = consumerLease(metered);
    await see(cl.getByTestId("charges"), /disputable in \d+ s/);
    const second = cl.locator('[data-testid="charge-row"]').nth(1);
    await second.getByRole("button", { name: "Dispute" }).click();
    await field(cl, "reason").fill("not delivered");
    await submit(cl, "Send dispute", /is disputed/);
    await see(second, "disputed: “not delivered”");
    // The provider's stake is held while the dispute is open.
    await see(P.page.getByTestId("my-disputes"), "1 — your stake is held");

    // The first charge becomes payable after the dispute window; settle pays it.
    const first = cl.locator('[data-testid="charge-row"]').first();
    const charge = (
      await (await signer("consumer4")).client.queryContractSmart(d.addresses.billingEscrow, { charges: { lease_id: metered } })
    ).charges[0];
    await waitForTimestamp((await signer("consumer4")).client, charge.disputable_until);
    await see(cl.getByTestId("settleable"), "Settle now would pay 0.03 USDC for 1000 units");
    await submit(cl, "Settle", `Settled lease ${metered}: paid 0.03 USDC for 1000 units`);
    await see(first, "paid");
    await see(cl.getByTestId("lease-paid"), "0.03 USDC");

    // The arbiter upholds the disputed charge (not a dApp journey): the hold is released.
    const arbiter = await signer("arbiter");
    await arbiter.execute(d.addresses.billingEscrow, { resolve_dispute: { lease_id: metered, charge_id: 2, uphold: true } });
    arbiter.client.disconnect();
    await see(P.page.getByTestId("my-disputes"), "0");

    await submit(cl, "Close", `Lease ${metered} is closing: the provider has one dispute window (8 s) to bill final usage`);
    await see(cl.getByTestId("lease-state"), "closing");
  });

  test("a streaming lease: accepted by the provider, topped up, settled, closed", async () => {
    const id = await openLease("streaming", "0.5", "0.000002");
    const cl = consumerLease(id);
    await see(cl.getByTestId("lease-state"), "pending");
    await P.page.reload();
    const pl = providerLease(id);
    await submit(pl, "Accept", `Accept lease ${id}: done.`);
    await see(cl.getByTestId("lease-state"), "open");
    await field(cl, "topUp").fill("0.1");
    await submit(cl, "Top up", `Topped up lease ${id} with 0.1 USDC.`);
    await see(cl.getByTestId("lease-deposited"), "0.6 USDC");
    await see(cl.getByTestId("settleable"), /Settle now would pay 0\.0000\d+ USDC/);
    await submit(pl, "Settle", new RegExp(`Settled lease ${id}: paid 0\\.0000\\d+ USDC`));
    await see(pl.getByTestId("lease-paid"), /0\.0000\d+ USDC/);
    await submit(cl, "Close", `Lease ${id} closed; the rest of the deposit is refunded.`);
    await see(cl.getByTestId("lease-state"), "closed");
  });

  test("a receipts lease: session key in the browser, receipts signed, copied and downloaded, pasted and uploaded, redeemed", async () => {
    const id = await openLease("receipts", "0.1");
    const cl = consumerLease(id);
    // The session key stays in local storage; its public key is the lease's consumer key.
    const lease = await (await signer("consumer4")).client.queryContractSmart(d.addresses.billingEscrow, { lease: { lease_id: id } });
    const stored = await C.page.evaluate(
      ([k]) => localStorage.getItem(k),
      [`depin:receipt-keys:${d.chain_id}:${d.addresses.billingEscrow}`],
    );
    expect(stored).not.toBeNull();
    const keys = JSON.parse(stored ?? "{}");
    const privateKey = fromHex(keys[lease.billing.receipts.consumer_pubkey].privateKey);
    expect(toBase64(receiptPublicKey(privateKey))).toBe(lease.billing.receipts.consumer_pubkey);

    await field(cl, "cumulative").fill("1000");
    await cl.getByRole("button", { name: "Sign receipt" }).click();
    const receipt1 = JSON.parse(await cl.getByTestId("signed-receipt").inputValue());
    // The same bytes as @depin/ts-client's receipt.ts.
    expect(fromBase64(receipt1.signature)).toEqual(signReceipt(privateKey, d.chain_id, d.addresses.billingEscrow, id, 1000n));
    await cl.getByRole("button", { name: "Copy", exact: true }).click();
    await see(cl.getByRole("status").filter({ hasText: "Copied" }), "Copied.");
    const copied = await C.page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toEqual(receipt1);

    // The provider pastes it; a tampered copy is refused before anything is sent.
    await P.page.reload();
    const pl = providerLease(id);
    await field(pl, "receipt").fill(JSON.stringify({ ...receipt1, cumulative_units: "5000" }));
    const signedBefore = P.wallet.signed;
    await pl.getByRole("button", { name: "Redeem receipt" }).click();
    await see(pl.getByRole("alert"), `The signature does not verify against lease ${id}'s consumer key.`);
    expect(P.wallet.signed).toBe(signedBefore);
    await field(pl, "receipt").fill(copied);
    await submit(pl, "Redeem receipt", `Redeemed 1000 units on lease ${id}.`);
    await see(pl.getByTestId("lease-units"), "1000");

    // A second, cumulative receipt is downloaded as a file and uploaded by the provider.
    await C.page.reload();
    await field(cl, "cumulative").fill("1500");
    await cl.getByRole("button", { name: "Sign receipt" }).click();
    const [download] = await Promise.all([C.page.waitForEvent("download"), cl.getByRole("link", { name: "Download" }).click()]);
    const file = await download.path();
    const receipt2 = JSON.parse(readFileSync(file, "utf8"));
    expect(receipt2).toMatchObject({ lease_id: id, cumulative_units: "1500" });
    await pl.getByLabel("Upload receipt").setInputFiles(file);
    await expect.poll(() => field(pl, "receipt").inputValue()).toContain('"cumulative_units": "1500"');
    await submit(pl, "Redeem receipt", `Redeemed 500 units on lease ${id}.`);
    await see(pl.getByTestId("lease-paid"), "0.045 USDC");
    await screenshot(C.page, "consumer");
    await assertFieldReady(C.page, "consumer");
  });
});

describe("provider earnings and exit", () => {
  test("sets its agent key (refusals in words, nothing signed), then an oracle's proof shows on its page", async () => {
    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    const panel = P.page.getByRole("region", { name: "Agent key" });
    await see(panel.getByTestId("my-agent-key"), "none set");
    const signed = P.wallet.signed;
    const input = panel.getByTestId("agent-key-input");
    await input.fill("02abcd");
    await panel.getByRole("button", { name: "Set agent key" }).click();
    await see(panel.getByRole("alert").first(), "An agent key is 33 bytes (a compressed secp256k1 public key); this one is 3 bytes.");
    await input.fill(`04${"11".repeat(32)}`);
    await panel.getByRole("button", { name: "Set agent key" }).click();
    await see(panel.getByRole("alert").first(), /starts with 02 or 03 \(a compressed public key\); this one starts with 04/);
    expect(P.wallet.signed).toBe(signed);

    const agentKey = new Uint8Array(createHash("sha256").update("dapp e2e agent key provider2").digest());
    const pubkey = toHex(agentPublicKey(agentKey));
    await input.fill(`0x${pubkey}`);
    await submit(panel, "Set agent key", "Agent key saved: proofs are checked against it from now on.");
    await see(panel.getByTestId("my-agent-key"), pubkey);
    await see(P.page.getByTestId("my-proven"), "0");

    // The oracle (the devnet's arbiter; not a dApp journey) proves provider2 in the current epoch.
    const arbiter = await signer("arbiter");
    const registry = d.addresses.providerRegistry;
    const { current_epoch: epoch } = await arbiter.client.queryContractSmart(registry, { stats: {} });
    const proof = livenessProof(agentKey, { chainId: d.chain_id, registry, provider: P.wallet.address, epoch, nonce: randomBytes(16) });
    await arbiter.execute(registry, { prove_liveness: { epoch, proofs: [proof] } });
    arbiter.client.disconnect();
    await P.page.reload();
    await see(P.page.getByTestId("my-proven"), "1");
    await see(P.page.getByTestId("my-missed"), /^\d+$/);
    // The epoch may have ended meanwhile: then the next one reads "not proven yet".
    const current = await textOf(P.page.getByTestId("my-current-proof"));
    const shown = Number(/epoch (\d+)/.exec(current)?.[1]);
    expect(current).toBe(shown === epoch ? `epoch ${epoch} proven` : `epoch ${shown} not proven yet`);
    expect(shown).toBeGreaterThanOrEqual(epoch);
    await see(P.page.getByTestId("unproven-rewards"), /DPIN/);
  });

  test("claims rewards", async () => {
    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    await expect.poll(async () => await textOf(P.page.getByTestId("pending-rewards")), { timeout: 20_000 }).not.toBe("0 DPIN");
    await submit(P.page.getByRole("region", { name: "Liveness and rewards" }), "Claim rewards", /Claimed [\d.]+ DPIN\./);
    await screenshot(P.page, "provider");
    await assertFieldReady(P.page, "provider");
  });

  test("claims the unbonded stake once the unbonding period has passed", async () => {
    const chain = await signer("consumer4");
    const claims = await chain.client.queryContractSmart(d.addresses.providerRegistry, { claims: { address: P.wallet.address } });
    await waitForTimestamp(chain.client, claims.claims[0].release_at.at_time);
    chain.client.disconnect();
    const stake = P.page.getByRole("region", { name: "Stake" });
    await see(stake.getByRole("button", { name: /Claim matured stake \(1\.5 STAKE\)/ }), "1.5 STAKE");
    await submit(stake, /Claim matured stake/, "Claim unbonded stake: done.");
    await see(stake, "No unbonding claims.");
    await see(P.page.getByTestId("my-unbonding"), "0 STAKE");
  });
});
