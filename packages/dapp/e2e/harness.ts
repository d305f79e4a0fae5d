// What every browser test file shares: the deployment and dApp URL from the
// environment scripts/dapp.sh sets, one headless system Chromium, pages that
// open the dApp as a named devnet account (its wallet injected), direct
// CosmJS clients for setup steps that are not under test, chain-time waits,
// and the screenshots of every page the docs show.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { env, mnemonic } from "./chain";
import { injectWallet, type TestWallet } from "./wallet";

export * from "./chain";

/** The screenshots' size: a desktop browser window. */
const SCREENSHOT_VIEWPORT = { width: 1280, height: 800 };
/** A phone: every page must fit its width (no sideways scrolling). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
const AXE = resolve(__dirname, "../node_modules/axe-core/axe.min.js");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

export interface UserPage {
  page: Page;
  wallet: TestWallet;
  /** Problems the page reported: uncaught errors, and any stack trace shown to the person. */
  problems: string[];
}

/**
 * A fresh browser context with `name`'s wallet injected (the devnet account's, or the key of
 * `phrase`, an account the test made; a Ledger, signing amino JSON only, when `ledger`), on
 * `path` of the dApp, connected.
 */
export async function openAs(
  browser: Browser,
  name: string,
  path = "#/network",
  phrase = mnemonic(name),
  ledger = false,
): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env.url).origin });
  const page = await context.newPage();
  const wallet = await injectWallet(page, phrase, name, "wasm", ledger);
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("response", (response) => {
    if (response.status() === 404) problems.push(`404: ${response.url()}`);
  });
  await page.goto(new URL(path, env.url).toString());
  await page.getByRole("button", { name: "Connect wallet" }).first().click();
  await see(page.getByTestId("account"), wallet.address.slice(-6), 20_000);
  return { page, wallet, problems };
}

/** Fails if any alert on the page shows a stack trace or a raw CosmJS error. */
export async function assertNoRawErrors(page: Page): Promise<void> {
  for (const text of await page.getByRole("alert").allInnerTexts()) {
    if (/\bat \S+ \(|\.ts:\d+|Query failed with|rpc error|Broadcasting transaction failed/.test(text))
      throw new Error(`raw error shown to the person: ${text}`);
  }
}

/** The text of the (first) element, "" when it has none. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.first().textContent()) ?? "";
}

/** Waits until the (first) element's text contains `text` or matches it. */
export async function see(locator: Locator, text: string | RegExp, timeout = 20_000): Promise<void> {
  const first = locator.first();
  await first.waitFor({ state: "visible", timeout });
  const deadline = Date.now() + timeout;
  let last = "";
  for (;;) {
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text (cells apart), not a DOM node's innerText
    last = await first.innerText().catch(() => last);
    if (typeof text === "string" ? last.includes(text) : text.test(last)) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(text)} in ${locator}, got: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Clicks a button and waits for the transaction outcome shown next to it ("done" text, or an error alert). */
export async function submit(scope: Locator | Page, button: string | RegExp, expectDone: string | RegExp, timeout = 30_000): Promise<void> {
  await scope
    .getByRole("button", { name: button, exact: typeof button === "string" })
    .first()
    .click();
  await see(scope.locator(".tx.done, .tx.error"), expectDone, timeout);
}

/**
 * Saves the top of the page at desktop size as <env.screenshots>/<name>.png (the docs show
 * them), then gives the page its own viewport back.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize(SCREENSHOT_VIEWPORT);
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(env.screenshots, { recursive: true });
  await page.screenshot({ path: resolve(env.screenshots, `${name}.png`) });
  if (viewport) await page.setViewportSize(viewport);
}

/**
 * Checks the page as a phone shows it (390 × 844): nothing wider than the screen (and, when
 * `name` is given, saves <name>-phone.png), then gives the page its own viewport back.
 */
export async function assertFitsPhone(page: Page, name?: string): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize(PHONE_VIEWPORT);
  try {
    await page.waitForTimeout(300);
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const over = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 1 || element.scrollWidth > width)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      return { scrollWidth: document.documentElement.scrollWidth, over: over.slice(0, 5) };
    });
    if (wide.scrollWidth > PHONE_VIEWPORT.width)
      throw new Error(`${page.url()} is ${wide.scrollWidth} px wide on a phone (390 px); too wide: ${wide.over.join(", ")}`);
    if (name) {
      mkdirSync(env.screenshots, { recursive: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: resolve(env.screenshots, `${name}-phone.png`) });
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/** Runs axe-core on the page: fails on any serious or critical accessibility violation. */
export async function assertAccessible(page: Page): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join("; ")}`);
  });
  if (violations.length > 0) throw new Error(`accessibility violations on ${page.url()}:\n${violations.join("\n")}`);
}

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/** Everything the keyboard must reach: links, enabled form controls, and the summaries that open a chart's table or the alerts. */
const CONTROLS = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary";

/**
 * Tabs through the page from the top: fails if a visible link or enabled control is never focused.
 * A page that changed while it was walked (an alert appearing as an epoch ends, a chart drawn) is
 * walked once more; a control that no walk reaches fails.
 */
export async function assertKeyboardReachable(page: Page): Promise<void> {
  let unreached: string[] = [];
  for (let walk = 0; walk < 2; walk++) {
    const count = await page.locator(CONTROLS).count();
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      for (const element of document.querySelectorAll("[data-reached]")) element.removeAttribute("data-reached");
    });
    // Twice round: the walk starts where the last click left the focus, wraps at the end, and
    // passes stops that are not controls (a scrolling table); extra presses only mark again.
    for (let i = 0; i < 2 * count + 10; i++) {
      await page.keyboard.press("Tab");
      await page.evaluate(() => document.activeElement?.setAttribute("data-reached", ""));
    }
    unreached = await page.locator(CONTROLS).evaluateAll((elements) =>
      elements
        .filter((element) => {
          // Inside a closed <details> (but its summary) a control is hidden, though Chromium still gives it an offsetParent.
          const details = element.closest("details");
          const folded = !!details && !details.open && !(element.tagName === "SUMMARY" && element.parentElement === details);
          return !element.hasAttribute("data-reached") && (element as HTMLElement).offsetParent !== null && !folded;
        })
        .map((element) => element.outerHTML.slice(0, 100)),
    );
    if (unreached.length === 0) return;
  }
  throw new Error(`not reachable with the keyboard on ${page.url()}:\n${unreached.join("\n")}`);
}

/** The checks of a page as people meet it: on a phone, with assistive technology, with the keyboard alone. */
export async function assertFieldReady(page: Page, name?: string): Promise<void> {
  await assertFitsPhone(page, name);
  await assertAccessible(page);
  await assertKeyboardReachable(page);
}
