// Unit tests of the plain functions (src/**/*.test.ts), in node.
import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config";

export default mergeConfig(viteConfig, defineConfig({ test: { include: ["src/**/*.test.ts"], environment: "node" } }));
