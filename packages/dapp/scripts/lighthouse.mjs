// Lighthouse (mobile profile: a mid-range phone on a slow 4G link, simulated) on every page of a
// served dApp, in the system Chromium; prints the table of scores (and writes it as JSON).
//
//   node scripts/lighthouse.mjs --url http://127.0.0.1:23180/ --provider <address> [--chromium /usr/bin/chromium] [--out scores.json]

import { writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
};
const base = argument("--url", "http://127.0.0.1:5180/");
const provider = argument("--provider", "");
const out = argument("--out", "");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const pages = [
  ["Network", "#/network"],
  ["A provider's page", provider ? `#/providers/${provider}` : ""],
  ["Provider (no wallet)", "#/provider"],
  ["Consumer (no wallet)", "#/consumer"],
  ["DAO", "#/dao"],
].filter(([, path]) => path);

const chrome = await chromeLauncher.launch({
  chromePath: argument("--chromium", "/usr/bin/chromium"),
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
const rows = [];
try {
  for (const [name, path] of pages) {
    const url = new URL(path, base).toString();
    const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES });
    const lhr = result?.lhr;
    if (!lhr) throw new Error(`no Lighthouse result for ${url}`);
    const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    rows.push({
      page: name,
      path,
      performance: score("performance"),
      accessibility: score("accessibility"),
      bestPractices: score("best-practices"),
      seo: score("seo"),
      fcpMs: Math.round(lhr.audits["first-contentful-paint"]?.numericValue ?? 0),
      lcpMs: Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? 0),
      tbtMs: Math.round(lhr.audits["total-blocking-time"]?.numericValue ?? 0),
      cls: Number((lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0).toFixed(3)),
    });
  }
} finally {
  await chrome.kill();
}
console.log(`Lighthouse ${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version}, mobile profile, ${base}`);
console.log("| Page | Performance | Accessibility | Best practices | SEO | FCP | LCP | TBT | CLS |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const row of rows)
  console.log(
    `| ${row.page} | ${row.performance} | ${row.accessibility} | ${row.bestPractices} | ${row.seo} | ${(row.fcpMs / 1000).toFixed(1)} s | ${(row.lcpMs / 1000).toFixed(1)} s | ${row.tbtMs} ms | ${row.cls} |`,
  );
if (out) writeFileSync(out, JSON.stringify(rows, null, 2));
