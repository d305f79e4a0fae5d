// The bundle budget: the compressed JavaScript of the first page (the entry chunk, what it imports
// statically, and the network page's chunk) and of the whole build, from vite's manifest and the
// .br/.gz files the build writes beside each asset. Fails (exit 1) when either is over its budget.
//
//   node scripts/bundle-budget.mjs [--dist dist] [--json]

import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Budgets in bytes of brotli-compressed JavaScript (what scripts/serve.mjs sends to browsers). The
 * total was 250 KB until the history charts: uPlot (20.5 KB) is its own chunk, loaded with the
 * first chart drawn, never on the first page.
 */
export const BUDGET = { firstPage: 215 * 1024, total: 280 * 1024 };
/** The route a visitor lands on: its lazy chunk counts as part of the first page. */
const FIRST_PAGE_MODULE = "src/pages/network/NetworkPage.tsx";

const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
};
const dist = resolve(argument("--dist", "dist"));
const manifestFile = join(dist, ".vite", "manifest.json");
if (!existsSync(manifestFile)) {
  console.error(`no ${manifestFile}: build first (scripts/dapp.sh build)`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));

const size = (file, suffix) => {
  const path = join(dist, file + suffix);
  if (!existsSync(path)) throw new Error(`${path} is missing: the build writes .br and .gz beside every asset`);
  return statSync(path).size;
};

/** The files a chunk needs before it runs: itself and its static imports, transitively. */
function staticClosure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) staticClosure(imported, seen);
  return seen;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const firstPageFiles = new Set([...staticClosure(entry), ...staticClosure(FIRST_PAGE_MODULE)]);
const allFiles = new Set(
  Object.values(manifest)
    .map((chunk) => chunk.file)
    .filter((file) => file.endsWith(".js")),
);
const measure = (files) => ({
  raw: [...files].reduce((sum, file) => sum + statSync(join(dist, file)).size, 0),
  gzip: [...files].reduce((sum, file) => sum + size(file, ".gz"), 0),
  brotli: [...files].reduce((sum, file) => sum + size(file, ".br"), 0),
});
const firstPage = measure(firstPageFiles);
const total = measure(allFiles);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv.includes("--json")) console.log(JSON.stringify({ firstPage, total, budget: BUDGET }));
else {
  console.log(
    `first page: ${firstPageFiles.size} JS files, ${kb(firstPage.raw)} raw, ${kb(firstPage.gzip)} gzip, ${kb(firstPage.brotli)} brotli (budget ${kb(BUDGET.firstPage)} brotli)`,
  );
  console.log(
    `all JS:     ${allFiles.size} files, ${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.brotli)} brotli (budget ${kb(BUDGET.total)} brotli)`,
  );
}
const over = [];
if (firstPage.brotli > BUDGET.firstPage)
  over.push(`the first page's JavaScript is ${kb(firstPage.brotli)} brotli, over its ${kb(BUDGET.firstPage)} budget`);
if (total.brotli > BUDGET.total) over.push(`all JavaScript is ${kb(total.brotli)} brotli, over its ${kb(BUDGET.total)} budget`);
if (over.length > 0) {
  console.error(
    `bundle budget exceeded: ${over.join("; ")}. Import only what is used (a lazy route, a slimmer entry point) or, if the growth is wanted, raise BUDGET in scripts/bundle-budget.mjs.`,
  );
  process.exit(1);
}
