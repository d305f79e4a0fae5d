// The network page, as anyone sees it without a wallet: stats, providers
// filtered by service, region and status through the registry's index, paging,
// and one provider's page with prices, capacity, reputation and attestations.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assertFieldReady, deployment, env, launch, screenshot, see, signer, textOf } from "./harness";

let browser: Browser;
let page: Page;
const errors: string[] = [];
let provider1 = "";
let provider3 = "";

beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext()).newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (response) => {
    if (response.status() === 404) errors.push(`404: ${response.url()}`);
  });
  provider1 = (await signer("provider1")).address;
  provider3 = (await signer("provider3")).address;
});

afterAll(async () => {
  await browser?.close();
  expect(errors).toEqual([]);
});

const rows = () => page.getByTestId("provider-row");

describe("network page", () => {
  test("shows the network's stats", async () => {
    await page.goto(new URL("#/network", env.url).toString());
    await see(page.getByTestId("network"), deployment().chain_id);
    await expect.poll(async () => Number(await textOf(page.getByTestId("stat-providers")))).toBeGreaterThanOrEqual(3);
    await see(page.getByTestId("stat-stake"), /STAKE$/);
    await see(page.getByTestId("stat-emission"), "1 DPIN");
    await see(page.getByTestId("stat-minted"), /DPIN/);
    await expect.poll(async () => Number(await textOf(page.getByTestId("stat-epoch")))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await textOf(page.getByTestId("count-active")))).toBeGreaterThanOrEqual(3);
    await expect.poll(() => rows().count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, "network");
    await assertFieldReady(page, "network");
    // The tab's icon exists (no 404 on a first load).
    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    expect(icon).toBeTruthy();
    expect((await page.request.get(new URL(icon ?? "", page.url()).toString())).status()).toBe(200);
  });

  test("filters providers by service, region and status", async () => {
    await page.getByLabel("Service filter").selectOption("gpu");
    await expect.poll(() => rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")))).toEqual([provider3]);
    await page.getByLabel("Service filter").selectOption("");
    await page.getByLabel("Region filter").fill("eu-west");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect
      .poll(async () => (await rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")))).includes(provider1))
      .toBe(true);
    await expect
      .poll(async () => (await rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")))).includes(provider3))
      .toBe(false);
    await page.getByLabel("Service filter").selectOption("storage");
    await expect.poll(() => rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")))).toEqual([provider1]);
    await page.getByLabel("Status filter").selectOption("exiting");
    await see(page.getByTestId("no-providers"), "No provider matches");
    await page.getByLabel("Status filter").selectOption("active");
    await expect.poll(() => rows().count()).toBe(1);
    expect(page.url()).toContain("service=storage");
    expect(page.url()).toContain("region=eu-west");
    expect(page.url()).toContain("status=active");
  });

  test("pages through the indexed query", async () => {
    await page.goto(new URL("#/network?limit=2", env.url).toString());
    await expect.poll(() => rows().count()).toBe(2);
    const first = await rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")));
    await page.getByRole("button", { name: "Next page" }).click();
    await see(page.getByTestId("page-number"), "page 2");
    await expect.poll(() => rows().count()).toBeGreaterThanOrEqual(1);
    const second = await rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")));
    expect(second.some((a) => first.includes(a))).toBe(false);
    // Key order: page 2 starts after the last address of page 1.
    expect([...first, ...second]).toEqual([...first, ...second].slice().sort());
    await page.getByRole("button", { name: "Previous page" }).click();
    await see(page.getByTestId("page-number"), "page 1");
    await expect.poll(() => rows().evaluateAll((r) => r.map((x) => x.getAttribute("data-address")))).toEqual(first);
  });

  test("shows a provider's prices, capacity, reputation and attestations", async () => {
    await page.goto(new URL("#/network?service=storage", env.url).toString());
    const row = page.locator(`[data-address="${provider1}"]`);
    await see(row.getByTestId("row-proofs"), /^0 proven · \d+ missed$/);
    await see(row.getByTestId("row-current-proof"), "not yet");
    await page.locator(`[data-address="${provider1}"] a`).first().click();
    await see(page.getByTestId("provider-status"), "active");
    await see(page.getByTestId("provider-prices"), "0.00001 USDC");
    await see(page.getByTestId("provider-capacity"), "1000 GiB");
    await see(page.getByTestId("provider-stake"), "5 STAKE");
    await see(page.getByTestId("attested-score"), "87");
    await see(page.getByTestId("attested-capacity"), "900 GiB");
    await see(page.getByTestId("provider-disputes"), "0");
    await see(page.getByTestId("heartbeats"), "0");
    // Registered without an agent key, never proven: nothing it earns from stake is claimable.
    await see(page.getByTestId("provider-agent-key"), "none: no oracle can prove it live");
    await see(page.getByTestId("proven-epochs"), "0");
    await see(page.getByTestId("missed-epochs"), /^\d+$/);
    await see(page.getByTestId("current-epoch-proof"), /^epoch \d+ not proven yet$/);
    await screenshot(page, "provider-page");
    await assertFieldReady(page, "provider-page");
  });
});
