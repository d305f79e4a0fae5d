// History and alerts: a provider and a consumer made by this file. A streaming
// lease whose deposit lasts less than a day raises the low-deposit alert on the
// lease and in the wallet's summary; a top-up in the dApp clears both. The
// provider is paid by a settle and by an escrow batch; its earnings chart (from
// the indexer) and the chart's CSV download then hold exactly what the chain
// paid it, the lease's spending chart its payments. Without an indexer in
// config.json, every history panel says so.

import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  assertAccessible,
  assertFitsPhone,
  assertKeyboardReachable,
  assertNoRawErrors,
  deployment,
  env,
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
  type UserPage,
} from "./harness";

const d = deployment();
let browser: Browser;
let P: UserPage; // the provider, on its public page
let C: UserPage; // the consumer
let provider: Signer;
let consumer: Signer;
let leaseId = 0;
/** What the chain paid the provider in uusdc: its balance after the payments minus before. */
let received = 0n;
const RATE = 10n; // uusdc per second: 0.5 USDC lasts 13 h 53 min
const field = (scope: Locator | UserPage["page"], name: string) => scope.locator(`[name="${name}"]`).first();
const consumerLease = () => C.page.locator(`[data-testid="consumer-lease"][data-lease="${leaseId}"]`);
const balance = async () => BigInt((await provider.client.getBalance(provider.address, "uusdc")).amount);

/** "1.5" USDC in uusdc. */
function baseUnits(display: string, decimals = 6): bigint {
  const [whole, fraction = ""] = display.split(".");
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + "0".repeat(decimals)).slice(0, decimals) || "0");
}

/** A chart's table as the page holds it: the header cells, then each row's cells. */
async function chartTable(scope: Locator | UserPage["page"], name: string): Promise<string[][]> {
  return scope
    .getByTestId(`table-${name}`)
    .evaluate((table) => [...table.querySelectorAll("tr")].map((tr) => [...tr.children].map((cell) => cell.textContent ?? "")));
}

/** The chart's CSV, downloaded as a person would, in rows of fields (no field here needs quoting). */
async function downloadCsv(scope: Locator | UserPage["page"], page: UserPage["page"], name: string): Promise<string[][]> {
  const [download] = await Promise.all([page.waitForEvent("download"), scope.getByTestId(`csv-${name}`).click()]);
  expect(download.suggestedFilename()).toBe(`${name}.csv`);
  const path = await download.path();
  return readFileSync(path, "utf8")
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));
}

beforeAll(async () => {
  const phrases = { provider: await newMnemonic(), consumer: await newMnemonic() };
  provider = await signerOf(phrases.provider);
  consumer = await signerOf(phrases.consumer);
  // Not under test: the deployer funds both, the provider registers, the consumer opens a streaming lease it accepts.
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
        send(consumer.address, [
          { denom: "ustake", amount: "5000000" },
          { denom: "uusdc", amount: "3000000" },
        ]),
      ],
      1.6,
    ),
  );
  expect(funded.code).toBe(0);
  deployer.client.disconnect();
  await provider.execute(
    d.addresses.providerRegistry,
    {
      register: {
        service: "bandwidth",
        endpoint: "https://history.example",
        region: "eu-north",
        capacity: { amount: "100", unit: "GB" },
        prices: [{ denom: { native: "uusdc" }, per_unit: "10" }],
      },
    },
    [{ denom: "ustake", amount: "2000000" }],
  );
  const opened = await consumer.execute(
    d.addresses.billingEscrow,
    { open_lease: { provider: provider.address, billing: { streaming: { rate_per_second: RATE.toString() } } } },
    [{ denom: "uusdc", amount: "500000" }],
  );
  const id = opened.events.flatMap((e) => e.attributes).find((a) => a.key === "lease_id")?.value;
  leaseId = Number(id);
  expect(leaseId).toBeGreaterThan(0);
  await provider.execute(d.addresses.billingEscrow, { accept_lease: { lease_id: leaseId } });
  browser = await launch();
  C = await openAs(browser, "history consumer", "#/consumer", phrases.consumer);
  P = await openAs(browser, "history provider", `#/providers/${provider.address}`, phrases.provider);
}, 180_000);

afterAll(async () => {
  for (const u of [P, C]) if (u) await assertNoRawErrors(u.page);
  await browser?.close();
  provider?.client.disconnect();
  consumer?.client.disconnect();
  expect([...(P?.problems ?? []), ...(C?.problems ?? [])]).toEqual([]);
});

describe("alerts", () => {
  test("a deposit lasting less than a day is flagged on the lease and in the wallet's summary, and cleared by a top-up", async () => {
    const lease = consumerLease();
    await see(lease.getByTestId("alert-deposit-low"), `Lease ${leaseId}'s deposit runs out within a day`);
    await see(lease.getByTestId("alert-deposit-low"), /about 13 h \d+ min at its current rate\): top it up/);
    const summary = C.page.getByTestId("wallet-alerts");
    await see(summary, "for your wallet (1 to act on)");
    await see(summary.getByTestId("alert-deposit-low"), `Lease ${leaseId}'s deposit runs out within a day`);
    await screenshot(C.page, "alerts");
    // The provider sees it too, from the other side, in its own summary.
    await see(P.page.getByTestId("wallet-alerts").getByTestId("alert-deposit-low"), "consumer has deposit for less than a day");

    await field(lease, "topUp").fill("1");
    await submit(lease, "Top up", `Topped up lease ${leaseId} with 1 USDC.`);
    await see(lease.getByTestId("lease-deposited"), "1.5 USDC");
    await expect.poll(() => lease.getByTestId("alert-deposit-low").count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => C.page.getByTestId("alert-deposit-low").count(), { timeout: 30_000 }).toBe(0);
  });
});

describe("history from the indexer", () => {
  test("the earnings chart and its CSV hold exactly what the chain paid the provider", async () => {
    const before = await balance();
    await provider.execute(d.addresses.billingEscrow, { settle: { lease_id: leaseId } });
    // A few seconds more of streaming, paid by a batch item (the fleet's way of billing).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await provider.execute(d.addresses.billingEscrow, { batch: { items: [{ settle: { lease_id: leaseId } }] } });
    received = (await balance()) - before;
    expect(received).toBeGreaterThan(0n);

    const earnings = P.page.getByRole("region", { name: "Earnings by day" });
    const column = async () => {
      const rows = await chartTable(earnings, "earnings");
      const index = rows[0].indexOf("received (USDC)");
      return index < 0 ? -1n : rows.slice(1).reduce((sum, row) => sum + baseUnits(row[index]), 0n);
    };
    // The indexer follows the chain within a block or two; the chart reads it again every 10 s.
    await expect.poll(column, { timeout: 60_000, interval: 1000 }).toBe(received);
    const table = await chartTable(earnings, "earnings");
    expect(table[0]).toEqual(["day", "received (USDC)", "rewards claimed (DPIN)"]);
    expect(table).toHaveLength(31); // 30 days
    expect(await downloadCsv(earnings, P.page, "earnings")).toEqual(table);
    // "all" starts at the first payment's day (today, unless the test ran across midnight UTC), with the same total.
    await earnings.getByRole("button", { name: "all" }).click();
    await expect.poll(async () => (await chartTable(earnings, "earnings")).length).toBeLessThan(4);
    expect(await column()).toBe(received);
    await expect.poll(() => earnings.locator("canvas").count()).toBeGreaterThan(0);
    await screenshot(P.page, "history");
    mkdirSync(env.screenshots, { recursive: true });
    await earnings.screenshot({ path: resolve(env.screenshots, "earnings-chart.png") });
    // The charts fit a phone, and pass axe and the keyboard like every page.
    await assertFitsPhone(P.page, "history");
    await assertAccessible(P.page);
    await assertKeyboardReachable(P.page);
  });

  test("the stake, usage and proof-of-service charts draw the provider's history", async () => {
    const stake = P.page.getByRole("region", { name: "Stake over time" });
    await expect.poll(async () => (await chartTable(stake, "stake")).at(-1)?.[1]).toBe("2");
    const liveness = P.page.getByRole("region", { name: "Proofs of service by epoch" });
    const epochs = await chartTable(liveness, "liveness");
    expect(epochs[0]).toEqual(["epoch", "proven (1 = proven)"]);
    // Never proven (no agent key): every epoch since it registered reads 0.
    expect(epochs.slice(1).every((row) => row[1] === "0")).toBe(true);
    expect(epochs.length).toBeGreaterThan(1);
    const usage = P.page.getByRole("region", { name: "Usage by day" });
    expect((await chartTable(usage, "usage"))[0]).toEqual(["day", "units charged (GB)", "units paid (GB)"]);
  });

  test("the lease's spending chart lists its payments and ends at what it paid", async () => {
    const lease = consumerLease();
    await lease.getByRole("button", { name: "Show spending chart" }).click();
    const chart = lease.getByRole("region", { name: `Lease ${leaseId}: spending` });
    const paid = (await consumer.client.queryContractSmart(d.addresses.billingEscrow, { lease: { lease_id: leaseId } })).paid;
    const spending = () => chartTable(chart, `lease-${leaseId}-spending`);
    await expect.poll(async () => baseUnits((await spending()).at(-1)?.[2] ?? "0"), { timeout: 60_000, interval: 1000 }).toBe(BigInt(paid));
    const rows = (await spending()).slice(1);
    expect(rows).toHaveLength(2); // the settle and the batch's settle (a top-up accrues, it pays nothing)
    expect(rows.reduce((sum, row) => sum + baseUnits(row[1]), 0n)).toBe(BigInt(paid));
  });

  test("the network page draws the network's growth", async () => {
    await P.page.goto(new URL("#/network", env.url).toString());
    const growth = P.page.getByRole("region", { name: "Network growth" });
    // Other files register providers meanwhile: the chart and the registry are read again until they agree.
    const agree = async () => {
      const stats = await provider.client.queryContractSmart(d.addresses.providerRegistry, { stats: {} });
      return (await chartTable(growth, "network-growth")).at(-1)?.[1] === String(stats.providers);
    };
    await expect.poll(agree, { timeout: 60_000, interval: 1000 }).toBe(true);
  });

  test("without an indexer in config.json, every history panel says so", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.route("**/config.json", async (route) => {
      const response = await route.fetch();
      const { indexer: _, ...config } = await response.json();
      await route.fulfill({ response, json: config });
    });
    const indexer = JSON.parse(readFileSync(resolve(env.dir, "dapp/config.json"), "utf8")).indexer;
    expect(indexer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const indexerCalls: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(indexer)) indexerCalls.push(request.url());
    });
    await page.goto(new URL(`#/providers/${provider.address}`, env.url).toString());
    await see(page.getByTestId("provider-stake"), "2 STAKE");
    await expect.poll(() => page.getByTestId("indexer-missing").count()).toBe(4);
    await see(page.getByTestId("indexer-missing").first(), "History needs an indexer");
    expect(indexerCalls).toEqual([]);
    await context.close();
  });
});
