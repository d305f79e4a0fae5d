// The dApp as people meet it (issue 22), provider3 and consumer1 each in a browser of their own:
// nothing sent twice by accident (forms clear and lock, an identical report within a minute is
// asked about), settle disabled while nothing is payable (saying from when) and saying what it
// paid, receipt session keys stored only once their lease exists (exported and removed once it is
// closed), the price guard's refusal in display units with the new price fetched, a heartbeat
// "just now", no stale success beside a new error; and both pages on a phone, under axe-core and
// with the keyboard alone.
import { readFileSync } from "node:fs";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  assertFieldReady,
  assertNoRawErrors,
  deployment,
  launch,
  openAs,
  see,
  signer,
  submit,
  textOf,
  type UserPage,
  waitForTimestamp,
} from "./harness";

let browser: Browser;
let P: UserPage; // provider3: gpu, us-east, 0.00005 USDC per GiB
let C: UserPage; // consumer1
const d = deployment();
const KEYS = `depin:receipt-keys:${d.chain_id}:${d.addresses.billingEscrow}`;

beforeAll(async () => {
  browser = await launch();
  P = await openAs(browser, "provider3", "#/provider");
  C = await openAs(browser, "consumer1", "#/consumer");
});

afterAll(async () => {
  for (const u of [P, C]) if (u) await assertNoRawErrors(u.page);
  await browser?.close();
  expect([...(P?.problems ?? []), ...(C?.problems ?? [])]).toEqual([]);
});

const field = (scope: Locator | UserPage["page"], name: string) => scope.locator(`[name="${name}"]`).first();
const providerLease = (id: number) => P.page.locator(`[data-testid="provider-lease"][data-lease="${id}"]`);
const consumerLease = (id: number) => C.page.locator(`[data-testid="consumer-lease"][data-lease="${id}"]`);
const receiptKeys = (): Promise<Record<string, { leaseId?: number }>> =>
  C.page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "{}"), KEYS);
const query = async (msg: unknown) => {
  const chain = await signer("consumer4");
  try {
    return await chain.client.queryContractSmart(d.addresses.billingEscrow, msg as Record<string, unknown>);
  } finally {
    chain.client.disconnect();
  }
};

async function chooseProvider3(): Promise<void> {
  await C.page.goto(new URL(`#/consumer?provider=${P.wallet.address}`, C.page.url()).toString());
  await see(C.page.getByTestId("price-guard"), "Price 0.00005 USDC per GiB");
}

async function openLease(mode: "metered" | "receipts", deposit: string): Promise<number> {
  await chooseProvider3();
  await field(C.page, "mode").selectOption(mode);
  await field(C.page, "deposit").fill(deposit);
  await C.page.getByRole("button", { name: "Open lease" }).click();
  const done = C.page.locator(".tx.done", { hasText: `Opened ${mode} lease` });
  await done.waitFor({ timeout: 30_000 });
  const id = Number(/lease (\d+)/.exec(await textOf(done))?.[1]);
  await consumerLease(id).waitFor();
  return id;
}

describe("nothing sent twice by accident", () => {
  let metered = 0;
  test("a usage report locks while in flight, clears after success, and asks before the same report again", async () => {
    metered = await openLease("metered", "0.1");
    await expect.poll(() => field(C.page, "deposit").inputValue()).toBe(""); // cleared once the transaction lands and its reads are refreshed
    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    const pl = providerLease(metered);
    const reportButton = pl.getByRole("button", { name: "Report usage" });
    await field(pl, "units").fill("100");
    await reportButton.click();
    await expect.poll(() => reportButton.isDisabled(), { timeout: 2_000, interval: 50 }).toBe(true);
    await see(pl.locator(".tx.done"), `Reported 100 units (0.005 USDC) on lease ${metered}`, 30_000);
    await expect.poll(() => field(pl, "units").inputValue()).toBe("");

    const signed = P.wallet.signed;
    await field(pl, "units").fill("100");
    await reportButton.click();
    const confirm = pl.getByRole("alertdialog", { name: "Report the same usage again?" });
    await see(confirm, "You reported 100 units");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(P.wallet.signed).toBe(signed);
    await reportButton.click();
    await confirm.getByRole("button", { name: "Report again" }).click();
    await expect.poll(() => pl.getByTestId("charge-row").count(), { timeout: 30_000 }).toBe(2);
    expect(P.wallet.signed).toBe(signed + 1);

    // A new error never stands beside the last success.
    await field(pl, "units").fill("many");
    await reportButton.click();
    await pl.getByRole("alert").first().waitFor();
    expect(await pl.locator(".tx.done").count()).toBe(0);
  });

  test("settle is disabled while nothing is payable, says from when, then says what it paid", async () => {
    await C.page.reload();
    const cl = consumerLease(metered);
    const settle = cl.getByRole("button", { name: "Settle" });
    await see(cl.getByTestId("settle-hint"), /Payable after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: the charges are still disputable\./);
    expect(await settle.isDisabled()).toBe(true);
    const charges = (await query({ charges: { lease_id: metered } })).charges;
    const chain = await signer("consumer4");
    await waitForTimestamp(chain.client, charges[1].disputable_until);
    chain.client.disconnect();
    await expect.poll(() => settle.isEnabled(), { timeout: 20_000 }).toBe(true);
    await submit(
      cl,
      "Settle",
      new RegExp(`Settled lease ${metered}: paid 0\\.01 USDC for 200 units \\([\\d.]+ USDC to the provider, a [\\d.]+ USDC fee\\)\\.`),
    );
    await see(cl.getByTestId("settle-hint"), "Nothing to settle: nothing is billed yet.");
    expect(await settle.isDisabled()).toBe(true);
  });

  test("the stake field clears once the bond lands; a heartbeat just sent reads 'just now'", async () => {
    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    const stake = P.page.getByRole("region", { name: "Stake" });
    await field(stake, "bond").fill("0.1");
    await submit(stake, "Bond", "Bonded 0.1 STAKE.");
    await expect.poll(() => field(stake, "bond").inputValue()).toBe("");

    const liveness = P.page.getByRole("region", { name: "Liveness and rewards" });
    await submit(liveness, "Send heartbeat", "Heartbeat: done.");
    const last = liveness.locator(".dl > div", { has: P.page.locator("dt", { hasText: "Last heartbeat" }) }).locator("dd");
    await see(last, /just now|\d+ s ago/);
    expect(await textOf(last)).not.toMatch(/\(in \d+ s\)/);
  });
});

describe("receipt session keys", () => {
  test("are stored only once the lease exists; a closed lease's key is exported, then removed", async () => {
    await chooseProvider3();
    await field(C.page, "mode").selectOption("receipts");
    await field(C.page, "deposit").fill("0");
    await C.page.getByRole("button", { name: "Open lease" }).click();
    await see(C.page.locator(".tx.error"), "nothing was sent");
    expect(await receiptKeys()).toEqual({});

    await field(C.page, "deposit").fill("0.01");
    C.wallet.reject = true;
    await C.page.getByRole("button", { name: "Open lease" }).click();
    await see(C.page.locator(".tx.error"), "The wallet did not sign");
    expect(await receiptKeys()).toEqual({});
    C.wallet.reject = false;

    await C.page.getByRole("button", { name: "Open lease" }).click();
    const done = C.page.locator(".tx.done", { hasText: "Opened receipts lease" });
    await done.waitFor({ timeout: 30_000 });
    const id = Number(/lease (\d+)/.exec(await textOf(done))?.[1]);
    const lease = await query({ lease: { lease_id: id } });
    const keys = await receiptKeys();
    expect(Object.keys(keys)).toEqual([lease.billing.receipts.consumer_pubkey]);
    expect(keys[lease.billing.receipts.consumer_pubkey].leaseId).toBe(id);

    // Closed: the provider's final-billing grace, then a settle completes the close and refunds.
    const cl = consumerLease(id);
    await submit(cl, "Close", `Lease ${id} is closing`);
    await see(cl.getByTestId("settle-hint"), "the provider's final-billing grace is running");
    const closing = await query({ lease: { lease_id: id } });
    const chain = await signer("consumer4");
    await waitForTimestamp(chain.client, closing.close_after);
    chain.client.disconnect();
    await submit(cl, "Settle", `Settled lease ${id}: nothing was due; the lease is closed and 0.01 USDC refunded.`);
    await see(cl.getByTestId("lease-state"), "closed");

    const kept = cl.getByTestId("closed-lease-key");
    const [download] = await Promise.all([C.page.waitForEvent("download"), kept.getByRole("link", { name: "Export key" }).click()]);
    const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
    expect(exported).toMatchObject({ lease_id: id, public_key: lease.billing.receipts.consumer_pubkey });
    await kept.getByRole("button", { name: "Remove key" }).click();
    await kept.getByRole("button", { name: "Remove for good" }).click();
    await see(cl.getByRole("status").filter({ hasText: "removed" }), `The session key of lease ${id} is removed from this browser.`);
    expect(await receiptKeys()).toEqual({});
  });
});

describe("amounts in display units", () => {
  test("the price guard's refusal names both prices in USDC per GiB, and the new price is fetched", async () => {
    await chooseProvider3();
    await field(C.page, "mode").selectOption("metered");
    await field(C.page, "deposit").fill("0.01");
    const provider3 = await signer("provider3");
    const setPrice = (perUnit: string) =>
      provider3.execute(d.addresses.providerRegistry, { update_provider: { prices: [{ denom: { native: "uusdc" }, per_unit: perUnit }] } });
    try {
      await setPrice("60");
      await C.page.getByRole("button", { name: "Open lease" }).click();
      await see(
        C.page.locator(".tx.error"),
        "The provider's price is now 0.00006 USDC per GiB, above the 0.00005 USDC per GiB you accepted: nothing was sent.",
      );
      await see(C.page.getByTestId("price-guard"), "Price 0.00006 USDC per GiB");
    } finally {
      await setPrice("50");
      provider3.client.disconnect();
    }
  });
});

describe("on a phone and with assistive technology", () => {
  test("the provider's and the consumer's pages fit 390 px, pass axe-core and are usable with the keyboard alone", async () => {
    await P.page.goto(new URL("#/provider", P.page.url()).toString());
    await P.page.getByTestId("provider-lease").first().waitFor();
    await assertFieldReady(P.page);
    await C.page.goto(new URL("#/consumer", C.page.url()).toString());
    await C.page.getByTestId("consumer-lease").first().waitFor();
    await assertFieldReady(C.page);
  });
});
