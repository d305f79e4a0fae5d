import { describe, expect, test } from "vitest";
import {
  type CoinBook,
  epochEmission,
  formatBps,
  formatCoin,
  formatDuration,
  formatExpiration,
  formatPercent,
  formatProviderStatus,
  formatUnits,
  parseUnits,
  serviceLabel,
  share,
  statusKind,
  timeAgo,
  timeLeft,
  toDisplayUnits,
} from "./format";

const book: CoinBook = {
  ustake: { symbol: "STAKE", decimals: 6 },
  uusdc: { symbol: "USDC", decimals: 6 },
  wasm1token: { symbol: "DPIN", decimals: 6 },
};
const sec = (s: number) => `${BigInt(s) * 1_000_000_000n}`;

describe("amounts", () => {
  test("formats base units exactly", () => {
    expect(formatUnits("1500000", 6)).toBe("1.5");
    expect(formatUnits("10", 6)).toBe("0.00001");
    expect(formatUnits(0n, 6)).toBe("0");
    expect(formatUnits("340282366920938463463374607431768211455", 6)).toBe("340282366920938463463374607431768.211455");
    expect(formatUnits("42", 0)).toBe("42");
  });
  test("names the coin, native or cw20, and shows unknown denoms in base units", () => {
    expect(formatCoin(book, "5000000", { native: "ustake" })).toBe("5 STAKE");
    expect(formatCoin(book, "2500000", { cw20: "wasm1token" })).toBe("2.5 DPIN");
    expect(formatCoin(book, "7", "ufoo")).toBe("7 ufoo");
    expect(toDisplayUnits(book, "10", { native: "uusdc" })).toBe("0.00001");
  });
  test("parses typed amounts without floating point", () => {
    expect(parseUnits("1.5", 6)).toBe(1500000n);
    expect(parseUnits("0.000001", 6)).toBe(1n);
    expect(parseUnits(".5", 6)).toBe(500000n);
    expect(parseUnits("3", 6)).toBe(3000000n);
    expect(parseUnits("3.", 6)).toBe(3000000n);
    expect(parseUnits("0.0000001", 6)).toBeNull();
    expect(parseUnits("-1", 6)).toBeNull();
    expect(parseUnits("1e3", 6)).toBeNull();
    expect(parseUnits("", 6)).toBeNull();
  });
  test("percentages and shares", () => {
    expect(formatPercent("0.334")).toBe("33.4 %");
    expect(formatPercent("0.5")).toBe("50 %");
    expect(formatBps(150)).toBe("1.5 %");
    expect(share(200n, 250n)).toBe("80.0 %");
    expect(share(1n, 0n)).toBe("–");
  });
});

describe("times", () => {
  test("durations in words", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe("3 h 20 min");
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe("2 d 4 h");
  });
  test("time left before and after a deadline", () => {
    expect(timeLeft(sec(1030), 1000_000)).toBe("in 30 s");
    expect(timeLeft(sec(1000), 1003_000)).toBe("3 s ago");
  });
  test("time since a past instant, never 'in 0 s' when the chain's clock runs a little ahead", () => {
    expect(timeAgo(sec(1000), 1030_000)).toBe("30 s ago");
    expect(timeAgo(sec(1002), 1000_000)).toBe("just now");
    expect(timeAgo(sec(1000), 1003_000)).toBe("just now");
  });
  test("claims' release times", () => {
    expect(formatExpiration({ at_time: sec(1040) }, 1000_000).matured).toBe(false);
    expect(formatExpiration({ at_time: sec(1040) }, 1000_000).text).toMatch(/\(in 40 s\)$/);
    expect(formatExpiration({ at_time: sec(1040) }, 1041_000)).toMatchObject({ matured: true });
    expect(formatExpiration({ never: {} }, 0).text).toBe("never");
  });
});

describe("registry facts", () => {
  test("statuses", () => {
    expect(statusKind("active")).toBe("active");
    expect(statusKind({ jailed: { until: sec(10) } })).toBe("jailed");
    expect(formatProviderStatus({ jailed: { until: sec(10) } }, 20_000)).toMatch(/may unjail now/);
    expect(formatProviderStatus({ jailed: { until: sec(30) } }, 20_000)).toMatch(/\(in 10 s\)/);
  });
  test("services", () => {
    expect(serviceLabel("gpu")).toBe("gpu");
    expect(serviceLabel({ other: "lidar" })).toBe("other: lidar");
  });
  test("the epoch's emission halves every halving_epochs (0 = never)", () => {
    expect(epochEmission("1000000", 0, 99)).toBe(1000000n);
    expect(epochEmission("1000000", 10, 9)).toBe(1000000n);
    expect(epochEmission("1000000", 10, 10)).toBe(500000n);
    expect(epochEmission("1000000", 10, 25)).toBe(250000n);
    expect(epochEmission("1000000", 1, 200)).toBe(0n);
  });
});
