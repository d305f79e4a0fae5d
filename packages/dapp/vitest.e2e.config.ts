// Browser tests (e2e/*.e2e.ts): headless system Chromium through playwright-core against the
// dApp served by scripts/dapp.sh and a real devnet. The files run side by side (each signs
// with its own devnet accounts); e2e/global-setup.ts registers the providers they share.
import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      include: ["e2e/**/*.e2e.ts"],
      environment: "node",
      globalSetup: ["e2e/global-setup.ts"],
      testTimeout: 150_000,
      hookTimeout: 120_000,
      pool: "forks",
      fileParallelism: true,
      maxWorkers: 3,
      minWorkers: 1,
      sequence: { concurrent: false },
    },
  }),
);
