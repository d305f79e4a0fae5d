import { describe, expect, test } from "vitest";
import { configCoins, keplrChainInfo, type NetworkConfig, validateConfig } from "./config";

const good = {
  chainId: "testing",
  rpc: "http://127.0.0.1:26657/",
  rest: "http://127.0.0.1:1317",
  bech32Prefix: "wasm",
  feeDenom: "ustake",
  gasPrice: "0.025",
  addresses: {
    dao: "wasm133arqt8dc5k4ctwmfwe7r4l3j5vv0erad24m9fy3ptsvde5dwyese035vs",
    rewardToken: "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d",
    providerRegistry: "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht",
    billingEscrow: "wasm17p9rzwnnfxcjp32un9ug7yhhzgtkhvl9jfksztgw5uh69wac2pgsm0v070",
  },
  coins: [{ denom: "ustake", symbol: "STAKE", decimals: 6 }],
};

/** The config `good` validates to (the test fails with the problems when it does not). */
function goodConfig(): NetworkConfig {
  const { config, problems } = validateConfig(good);
  if (!config) throw new Error(problems.join(" "));
  return config;
}

describe("config.json", () => {
  test("a valid config, with defaults", () => {
    const { config, problems } = validateConfig(good);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ chainName: "testing", rpc: "http://127.0.0.1:26657", broadcastPollIntervalMs: 1000 });
    expect(configCoins(goodConfig())).toEqual({ ustake: { symbol: "STAKE", decimals: 6 } });
  });
  test("lists every problem in words", () => {
    const { config, problems } = validateConfig({
      ...good,
      rpc: "ftp://x",
      addresses: { ...good.addresses, dao: "cosmos1xyz" },
      gasPrice: "cheap",
    });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      "rpc must be an http(s) URL.",
      "gasPrice must be a decimal number such as 0.025.",
      "addresses.dao must be a wasm address.",
    ]);
    expect(validateConfig(null).problems).toEqual(["config.json is not a JSON object."]);
  });
  test("the indexer is optional, and an http(s) URL when named", () => {
    expect(goodConfig().indexer).toBeUndefined();
    expect(validateConfig({ ...good, indexer: "http://127.0.0.1:8750/" }).config?.indexer).toBe("http://127.0.0.1:8750");
    expect(validateConfig({ ...good, indexer: "127.0.0.1:8750" }).problems).toEqual([
      "indexer must be an http(s) URL (the depin-indexer API), or left out.",
    ]);
  });
  test("describes the chain to the wallet", () => {
    const info = keplrChainInfo(goodConfig());
    expect(info).toMatchObject({
      chainId: "testing",
      rpc: "http://127.0.0.1:26657",
      rest: "http://127.0.0.1:1317",
      bech32Config: { bech32PrefixAccAddr: "wasm", bech32PrefixValAddr: "wasmvaloper" },
      feeCurrencies: [{ coinMinimalDenom: "ustake", coinDenom: "STAKE", coinDecimals: 6, gasPriceStep: { low: 0.025 } }],
    });
  });
});
