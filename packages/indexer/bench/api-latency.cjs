#!/usr/bin/env node
// The indexer API's latency, measured by a client: scripts/indexer-load.sh runs it
// against an indexer that has caught up with the load run's chain. For every
// endpoint family it sends N requests in each of four forms (JSON and CSV, limit
// 100 and 1000), one at a time over one keep-alive connection (Node's fetch), each
// to a provider, lease or proposal drawn at random from the files given (picked from
// the database by the script); /providers is walked page by page with `after`.
// A few warm-up requests per form are not counted. Every answer must be 200 with
// the expected body (a JSON `rows` array), else it exits 1.
//
//   node packages/indexer/bench/api-latency.cjs --api http://127.0.0.1:29750 \
//     --providers <file> --leases <file> --proposals <file> [--requests 200] [--warmup 5] \
//     [--json <out.json>]
//
// Prints a markdown table (p50/p99 per form, max over all, rows and bytes per answer).
"use strict";
const fs = require("node:fs");

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
};
const api = opt("api");
if (!api) {
  console.error("usage: api-latency.cjs --api URL --providers FILE --leases FILE --proposals FILE [--requests N]");
  process.exit(2);
}
const N = Number(opt("requests", "200"));
const WARMUP = Number(opt("warmup", "5"));
const lines = (f) =>
  f
    ? fs
        .readFileSync(f, "utf8")
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
const providers = lines(opt("providers"));
const leases = lines(opt("leases"));
const proposals = lines(opt("proposals"));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

// Endpoint families: a path maker (null when its inputs are missing).
const perProvider = (suffix) => (providers.length ? () => `/providers/${pick(providers)}/${suffix}` : null);
const perLease = (suffix) => (leases.length ? () => `/leases/${pick(leases)}${suffix}` : null);
let providersCursor = null;
const endpoints = [
  ["/status", () => "/status"],
  ["/providers?after= (pages)", "walk"],
  ["/providers/{a}/earnings", perProvider("earnings")],
  ["/providers/{a}/usage", perProvider("usage")],
  ["/providers/{a}/liveness", perProvider("liveness")],
  ["/providers/{a}/events", perProvider("events")],
  ["/providers/{a}/leases", perProvider("leases")],
  ["/leases/{id}", perLease("")],
  ["/leases/{id}/charges", perLease("/charges")],
  ["/leases/{id}/payments", perLease("/payments")],
  ["/leases/{id}/disputes", perLease("/disputes")],
  ["/leases/{id}/events", perLease("/events")],
  ["/network/providers", () => "/network/providers"],
  ["/network/stake", () => "/network/stake"],
  ["/network/usage", () => "/network/usage"],
  ["/network/emission", () => "/network/emission"],
  ["/network/liveness", () => "/network/liveness"],
  ["/proposals", () => "/proposals"],
  ["/proposals/{id}/votes", proposals.length ? () => `/proposals/${pick(proposals)}/votes` : null],
  ["/dao/stakes", () => "/dao/stakes"],
];
const forms = [
  { name: "JSON 100", csv: false, limit: 100 },
  { name: "JSON 1000", csv: false, limit: 1000 },
  { name: "CSV 100", csv: true, limit: 100 },
  { name: "CSV 1000", csv: true, limit: 1000 },
];

async function once(path, form) {
  const sep = path.includes("?") ? "&" : "?";
  const url = `${api}${path}${sep}limit=${form.limit}${form.csv ? "&format=csv" : ""}`;
  const t0 = process.hrtime.bigint();
  const res = await fetch(url);
  const body = await res.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${body.slice(0, 200)}`);
  let rows;
  let next;
  if (form.csv) {
    // No rows: an empty body (the header comes from the first row's columns).
    const n = body.split("\n").filter(Boolean).length;
    rows = Math.max(0, n - 1);
    next = res.headers.get("x-next-cursor");
  } else {
    const j = JSON.parse(body);
    if (!Array.isArray(j.rows)) throw new Error(`${url}: no rows array`);
    rows = j.rows.length;
    next = j.next;
  }
  return { ms, rows, bytes: Buffer.byteLength(body), next };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

async function main() {
  const results = [];
  const started = Date.now();
  for (const [name, make] of endpoints) {
    if (make === null) {
      results.push({ name, skipped: "no input rows" });
      continue;
    }
    const entry = { name, forms: {} };
    for (const form of forms) {
      const times = [];
      let rows = 0;
      let bytes = 0;
      for (let i = 0; i < WARMUP + N; i++) {
        let path;
        if (make === "walk") path = providersCursor ? `/providers?after=${encodeURIComponent(providersCursor)}` : "/providers";
        else path = make();
        const r = await once(path, form);
        if (make === "walk") providersCursor = r.next || null;
        if (i < WARMUP) continue;
        times.push(r.ms);
        rows += r.rows;
        bytes += r.bytes;
      }
      times.sort((a, b) => a - b);
      entry.forms[form.name] = {
        n: times.length,
        p50: quantile(times, 0.5),
        p99: quantile(times, 0.99),
        max: times[times.length - 1],
        mean: times.reduce((a, b) => a + b, 0) / times.length,
        rows: rows / times.length,
        bytes: bytes / times.length,
      };
    }
    results.push(entry);
    const j = entry.forms["JSON 100"];
    console.error(`   ${name}: JSON 100 p50 ${fmt(j.p50)} ms, p99 ${fmt(j.p99)} ms`);
  }
  const seconds = (Date.now() - started) / 1000;
  const total = results.reduce((a, e) => a + (e.forms ? Object.values(e.forms).reduce((b, f) => b + f.n, 0) : 0), 0);

  const out = [];
  out.push(
    `| endpoint | ${forms.map((f) => `${f.name}: p50 / p99 (ms)`).join(" | ")} | max (ms) | rows per answer (limit 100 / 1000) | KiB per answer (JSON 1000) |`,
  );
  out.push(`|---|${forms.map(() => "---:").join("|")}|---:|---:|---:|`);
  for (const e of results) {
    if (!e.forms) {
      out.push(`| ${e.name} | ${forms.map(() => "–").join(" | ")} | – | ${e.skipped} | – |`);
      continue;
    }
    const cells = forms.map((f) => `${fmt(e.forms[f.name].p50)} / ${fmt(e.forms[f.name].p99)}`);
    const max = Math.max(...forms.map((f) => e.forms[f.name].max));
    const r100 = e.forms["JSON 100"].rows;
    const r1000 = e.forms["JSON 1000"].rows;
    const r = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
    out.push(
      `| \`${e.name}\` | ${cells.join(" | ")} | ${fmt(max)} | ${r(r100)} / ${r(r1000)} | ${(e.forms["JSON 1000"].bytes / 1024).toFixed(1)} |`,
    );
  }
  console.log(out.join("\n"));
  console.log(`\n${total} requests measured in ${seconds.toFixed(1)} s (with the warm-ups).`);
  const jsonOut = opt("json");
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ requests: N, warmup: WARMUP, seconds, total, results }, null, 2));
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
