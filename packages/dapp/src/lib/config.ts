// The network the dApp talks to, read at start-up from config.json beside
// index.html (written by scripts/dapp.sh from the deployment), so one build
// serves any chain. validateConfig checks it before anything uses it.
import { fromBech32 } from "@cosmjs/encoding";
import type { CoinBook } from "./format";

export interface NetworkConfig {
  chainId: string;
  chainName: string;
  rpc: string;
  rest: string;
  /** The history API of depin-indexer (packages/indexer); without it the charts say so and the rest works. */
  indexer?: string;
  bech32Prefix: string;
  /** The denom fees are paid in, and its price per gas unit ("0.025"). */
  feeDenom: string;
  gasPrice: string;
  /** How often a sent transaction is looked up until it is in a block. */
  broadcastPollIntervalMs: number;
  addresses: { dao: string; rewardToken: string; providerRegistry: string; billingEscrow: string };
  /** Display metadata of native denoms (the suite token's comes from the chain). */
  coins: { denom: string; symbol: string; decimals: number }[];
}

function isUrl(v: unknown): v is string {
  if (typeof v !== "string") return false;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Checks a parsed config.json; returns the config or the list of problems in words. */
export function validateConfig(raw: unknown): { config?: NetworkConfig; problems: string[] } {
  const problems: string[] = [];
  if (!raw || typeof raw !== "object") return { problems: ["config.json is not a JSON object."] };
  const c = raw as Record<string, unknown>;
  // A required text field; "" (and the problem noted) when it is missing.
  const str = (k: string) => {
    const value = c[k];
    if (typeof value === "string" && value.trim()) return value;
    problems.push(`${k} is missing.`);
    return "";
  };
  const chainId = str("chainId");
  const prefix = str("bech32Prefix");
  if (!isUrl(c.rpc)) problems.push("rpc must be an http(s) URL.");
  if (!isUrl(c.rest)) problems.push("rest must be an http(s) URL.");
  if (c.indexer !== undefined && c.indexer !== null && !isUrl(c.indexer))
    problems.push("indexer must be an http(s) URL (the depin-indexer API), or left out.");
  const feeDenom = str("feeDenom");
  const gasPrice = str("gasPrice");
  if (gasPrice && !/^\d+(\.\d+)?$/.test(gasPrice)) problems.push("gasPrice must be a decimal number such as 0.025.");
  const addresses = (c.addresses ?? {}) as Record<string, unknown>;
  for (const k of ["dao", "rewardToken", "providerRegistry", "billingEscrow"]) {
    const a = addresses[k];
    try {
      if (typeof a !== "string" || fromBech32(a).prefix !== prefix) throw new Error();
    } catch {
      problems.push(`addresses.${k} must be a ${prefix || "bech32"} address.`);
    }
  }
  const coins = Array.isArray(c.coins) ? c.coins : [];
  for (const coin of coins) {
    if (
      !coin ||
      typeof coin.denom !== "string" ||
      typeof coin.symbol !== "string" ||
      !Number.isInteger(coin.decimals) ||
      coin.decimals < 0 ||
      coin.decimals > 18
    ) {
      problems.push(`coins: each entry needs denom, symbol and decimals (0–18).`);
      break;
    }
  }
  const poll = c.broadcastPollIntervalMs === undefined ? 1000 : c.broadcastPollIntervalMs;
  if (typeof poll !== "number" || poll < 50) problems.push("broadcastPollIntervalMs must be a number of milliseconds (≥ 50).");
  if (problems.length) return { problems };
  return {
    problems,
    config: {
      chainId,
      chainName: typeof c.chainName === "string" && c.chainName ? c.chainName : chainId,
      rpc: (c.rpc as string).replace(/\/$/, ""),
      rest: (c.rest as string).replace(/\/$/, ""),
      ...(isUrl(c.indexer) ? { indexer: c.indexer.replace(/\/$/, "") } : {}),
      bech32Prefix: prefix,
      feeDenom,
      gasPrice,
      broadcastPollIntervalMs: poll as number,
      addresses: addresses as NetworkConfig["addresses"],
      coins: coins as NetworkConfig["coins"],
    },
  };
}

/** The coin book of the config's native coins. */
export function configCoins(config: NetworkConfig): CoinBook {
  return Object.fromEntries(config.coins.map((c) => [c.denom, { symbol: c.symbol, decimals: c.decimals }]));
}

/** The chain description a Keplr-compatible wallet's experimentalSuggestChain takes. */
export function keplrChainInfo(config: NetworkConfig) {
  const p = config.bech32Prefix;
  const currency = (denom: string) => {
    const meta = config.coins.find((c) => c.denom === denom);
    return { coinDenom: meta?.symbol ?? denom, coinMinimalDenom: denom, coinDecimals: meta?.decimals ?? 0 };
  };
  const gas = Number(config.gasPrice);
  return {
    chainId: config.chainId,
    chainName: config.chainName,
    rpc: config.rpc,
    rest: config.rest,
    bip44: { coinType: 118 },
    bech32Config: {
      bech32PrefixAccAddr: p,
      bech32PrefixAccPub: `${p}pub`,
      bech32PrefixValAddr: `${p}valoper`,
      bech32PrefixValPub: `${p}valoperpub`,
      bech32PrefixConsAddr: `${p}valcons`,
      bech32PrefixConsPub: `${p}valconspub`,
    },
    currencies: config.coins.map((c) => currency(c.denom)),
    feeCurrencies: [{ ...currency(config.feeDenom), gasPriceStep: { low: gas, average: gas * 1.2, high: gas * 2 } }],
    stakeCurrency: currency(config.feeDenom),
    features: ["cosmwasm"],
  };
}
