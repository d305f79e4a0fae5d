// A static server for the built dApp (dist/) on 127.0.0.1 only, with
// /config.json served from the file given, so one build serves any chain.
// Assets go out precompressed: <file>.br or <file>.gz (written by the build) when the
// browser accepts that encoding.
//
//   node scripts/serve.mjs --dist <dir> --config <config.json> [--port 5180]

import { access, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const dist = resolve(arg("--dist", "dist"));
const configFile = resolve(arg("--config", "config.json"));
const port = Number(arg("--port", "5180"));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The precompressed copy of `file` the browser accepts (brotli first), if the build wrote one. */
async function precompressed(file, acceptEncoding) {
  for (const [encoding, suffix] of [
    ["br", ".br"],
    ["gzip", ".gz"],
  ]) {
    if (!new RegExp(`\\b${encoding}\\b`).test(acceptEncoding)) continue;
    try {
      await access(file + suffix);
      return { encoding, path: file + suffix };
    } catch {
      // no copy in this encoding
    }
  }
  return null;
}

const server = createServer(async (req, res) => {
  try {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    let file;
    if (path === "/config.json") file = configFile;
    else {
      file = normalize(join(dist, path === "/" ? "index.html" : path));
      if (!file.startsWith(dist)) {
        res.writeHead(403).end();
        return;
      }
    }
    const compressed = file === configFile ? null : await precompressed(file, String(req.headers["accept-encoding"] ?? ""));
    const body = await readFile(compressed?.path ?? file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-store",
      vary: "accept-encoding",
      ...(compressed ? { "content-encoding": compressed.encoding } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});
server.listen(port, "127.0.0.1", () => console.log(`dApp on http://127.0.0.1:${port}/ (dist ${dist}, config ${configFile})`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
