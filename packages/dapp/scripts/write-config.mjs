// Writes the dApp's config.json for a deployment: chain id, RPC and REST on
// 127.0.0.1, the suite's addresses from the deployment JSON of
// packages/ts-client/scripts/deploy.ts, fee denom and gas price, display coins.
//
//   node scripts/write-config.mjs --deployment <deployment.json> --rest <url> --gas-price 0.025ustake [--indexer <url>] --out <config.json>
//
// --indexer names the depin-indexer API the history charts read (left out: the charts say there is none).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`error: ${name} is required`);
  process.exit(1);
}

const deployment = JSON.parse(readFileSync(arg("--deployment"), "utf8"));
const gas = /^(\d+(?:\.\d+)?)([a-z][a-z0-9/]*)$/.exec(arg("--gas-price", "0.025ustake"));
if (!gas) {
  console.error("error: --gas-price must look like 0.025ustake");
  process.exit(1);
}
const config = {
  chainId: deployment.chain_id,
  chainName: arg("--chain-name", "DePIN devnet"),
  rpc: deployment.rpc,
  rest: arg("--rest"),
  ...(arg("--indexer", "") ? { indexer: arg("--indexer") } : {}),
  bech32Prefix: arg("--prefix", "wasm"),
  feeDenom: gas[2],
  gasPrice: gas[1],
  broadcastPollIntervalMs: Number(arg("--poll-ms", "300")),
  addresses: deployment.addresses,
  coins: [
    { denom: "ustake", symbol: "STAKE", decimals: 6 },
    { denom: "uusdc", symbol: "USDC", decimals: 6 },
  ],
};
const out = arg("--out");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
console.log(`dApp config written to ${out}`);
