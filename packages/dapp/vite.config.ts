// Vite: React, the TypeScript client from its sources (packages/ts-client/src, one copy of CosmJS:
// the dApp's), relative asset paths so the build is served from any directory. The dev server
// serves config.json from $DAPP_CONFIG (default: the devnet deployment's, written by scripts/dapp.sh).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress, slimCosmjs } from "./scripts/vite-plugins";

const COSMJS = [
  "@cosmjs/amino",
  "@cosmjs/cosmwasm",
  "@cosmjs/crypto",
  "@cosmjs/encoding",
  "@cosmjs/math",
  "@cosmjs/proto-signing",
  "@cosmjs/stargate",
  "@cosmjs/utils",
];

export default defineConfig({
  base: "./",
  plugins: [
    react(),
    slimCosmjs(),
    precompress(),
    {
      name: "depin-dev-config",
      configureServer(server) {
        server.middlewares.use("/config.json", (_req, res) => {
          const file = process.env.DAPP_CONFIG ?? resolve(__dirname, "../../.tools/devnet/dapp/config.json");
          try {
            res.setHeader("content-type", "application/json");
            res.end(readFileSync(file));
          } catch {
            res.statusCode = 404;
            res.end("{}");
          }
        });
      },
    },
  ],
  resolve: {
    alias: { "@depin/ts-client": resolve(__dirname, "../ts-client/src/index.ts") },
    dedupe: COSMJS,
  },
  server: { host: "127.0.0.1", port: 5180, strictPort: true },
  preview: { host: "127.0.0.1", port: 5180, strictPort: true },
  // The manifest lists each chunk and what it imports: scripts/bundle-budget.mjs measures the first page from it
  // (the budget, not the chunk size warning, is the check).
  build: { outDir: "dist", sourcemap: false, manifest: true, chunkSizeWarningLimit: 1300 },
});
