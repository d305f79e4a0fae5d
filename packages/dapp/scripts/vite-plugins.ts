// The build's own Vite plugins: slim CosmJS entry points (src/chain/cosmjs-slim/README.md) and
// precompressed copies of every text asset (.br and .gz beside it, served by scripts/serve.mjs).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const SLIM = resolve(__dirname, "../src/chain/cosmjs-slim");

/** In `vite build`: @cosmjs/cosmwasm, crypto and stargate resolve to the slim entry points, for every importer. */
export function slimCosmjs(): Plugin {
  const entries: Record<string, string> = {
    "@cosmjs/cosmwasm": join(SLIM, "cosmwasm.ts"),
    "@cosmjs/crypto": join(SLIM, "crypto.ts"),
    "@cosmjs/stargate": join(SLIM, "stargate.ts"),
  };
  return {
    name: "slim-cosmjs",
    apply: "build",
    enforce: "pre",
    resolveId(source, importer) {
      const from = importer?.replace(/\\/g, "/") ?? "";
      // The signing client only where a wallet connects (a chunk of its own); the read-only client elsewhere.
      if (source === "@cosmjs/cosmwasm" && from.endsWith("/src/chain/signing.ts")) return join(SLIM, "cosmwasm-signing.ts");
      if (source in entries) return entries[source];
      // StargateClient connects with four query extensions; the modules index would bring all of them.
      if (source === "./modules" && from.endsWith("@cosmjs/stargate/build/stargateclient.js")) return join(SLIM, "stargate-modules.ts");
      return null;
    },
  };
}

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** After the build: <file>.br and <file>.gz beside every text asset of the output directory. */
export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of filesUnder(outDir).filter((path) => COMPRESSIBLE.test(path))) {
        const body = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}
