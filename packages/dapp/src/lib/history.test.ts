import { describe, expect, test } from "vitest";
import type { CoinBook } from "./format";
import {
  chartCsv,
  earningsChart,
  epochAt,
  firstDayOf,
  leaseSpendingChart,
  livenessChart,
  MAX_DAYS,
  networkGrowthChart,
  rangeDays,
  stakeChart,
  turnoutChart,
  usageChart,
  xNumber,
} from "./history";

const book: CoinBook = {
  uusdc: { symbol: "USDC", decimals: 6 },
  ustake: { symbol: "STAKE", decimals: 6 },
  wasm1token: { symbol: "DPIN", decimals: 6 },
};
const earning = (day: string, denom: string, net: string, withoutFee = 0) => ({
  day,
  denom,
  payments: 1,
  gross: net,
  fee: "0",
  net,
  payments_without_fee: withoutFee,
});

describe("days", () => {
  test("7 and 30 days end today; all starts at the first row, at most MAX_DAYS", () => {
    expect(rangeDays("7d", "2026-03-02")).toEqual([
      "2026-02-24",
      "2026-02-25",
      "2026-02-26",
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
    expect(rangeDays("30d", "2026-01-30")[0]).toBe("2026-01-01");
    expect(rangeDays("all", "2026-01-03", "2025-12-31")).toEqual(["2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03"]);
    expect(rangeDays("all", "2026-01-03")).toEqual(["2026-01-03"]);
    expect(rangeDays("all", "2026-01-03", "1990-01-01")).toHaveLength(MAX_DAYS);
    expect(firstDayOf([{ day: "2026-01-05" }], [{ day: "2026-01-02" }, { day: "2026-01-09" }], [])).toBe("2026-01-02");
    expect(firstDayOf([])).toBeUndefined();
  });
});

describe("provider charts", () => {
  test("earnings: net per denom and rewards by day, exact, zero on days without payments; the CSV is that table", () => {
    const days = ["2026-01-01", "2026-01-02", "2026-01-03"];
    const { data, withoutFee } = earningsChart(
      [
        earning("2026-01-01", "native:uusdc", "1500001"),
        earning("2026-01-03", "native:uusdc", "999999999999999999999", 2),
        earning("2026-01-03", "native:ustake", "7"),
      ],
      [{ day: "2026-01-02", claims: 1, rewards: "2500000", forfeited: "0" }],
      days,
      book,
      "wasm1token",
    );
    expect(data.series.map((s) => `${s.label} (${s.unit})`)).toEqual(["received (STAKE)", "received (USDC)", "rewards claimed (DPIN)"]);
    expect(data.rows).toEqual([
      { x: "2026-01-01", values: ["0", "1.500001", "0"] },
      { x: "2026-01-02", values: ["0", "0", "2.5"] },
      { x: "2026-01-03", values: ["0.000007", "999999999999999.999999", "0"] },
    ]);
    expect(withoutFee).toBe(2);
    expect(chartCsv(data)).toBe(
      "day,received (STAKE),received (USDC),rewards claimed (DPIN)\r\n2026-01-01,0,1.500001,0\r\n2026-01-02,0,0,2.5\r\n2026-01-03,0.000007,999999999999999.999999,0\r\n",
    );
    // Rows outside the range are not drawn, and their missing fees are not counted.
    expect(earningsChart([earning("2025-12-01", "native:uusdc", "5", 1)], [], days, book, "wasm1token").withoutFee).toBe(0);
  });

  test("usage sums units by day", () => {
    const row = (day: string, charged: string, paid: string) => ({
      day,
      payments: 1,
      units_paid: paid,
      charges: 1,
      units_charged: charged,
      units_recorded: "0",
    });
    const data = usageChart([row("2026-01-02", "10", "4"), row("2026-01-02", "5", "1")], ["2026-01-01", "2026-01-02"], "GB");
    expect(data.rows).toEqual([
      { x: "2026-01-01", values: ["0", "0"] },
      { x: "2026-01-02", values: ["15", "5"] },
    ]);
    expect(data.series[0]).toEqual({ key: "charged", label: "units charged", unit: "GB" });
  });

  test("stake holds its level between changes, from before the range", () => {
    const data = stakeChart(
      [
        { day: "2026-01-03", changes: 2, stake: "4000000" },
        { day: "2025-12-20", changes: 1, stake: "3000000" },
      ],
      ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
      book,
      "ustake",
    );
    expect(data.rows.map((r) => r.values[0])).toEqual(["3", "3", "4", "4"]);
    expect(data.step).toBe(true);
    expect(stakeChart([], ["2026-01-01"], book, "ustake").rows).toEqual([{ x: "2026-01-01", values: ["0"] }]);
  });

  test("liveness marks every epoch since registration, proven or not, the latest 365 at most", () => {
    const rows = [3, 5].map((epoch) => ({ epoch, source: "oracle", proven_at: "" }));
    expect(livenessChart(rows, 2, 6).rows).toEqual([
      { x: "2", values: ["0"] },
      { x: "3", values: ["1"] },
      { x: "4", values: ["0"] },
      { x: "5", values: ["1"] },
      { x: "6", values: ["0"] },
    ]);
    const long = livenessChart([], 0, 1000);
    expect(long.rows).toHaveLength(365);
    expect(long.rows[0].x).toBe("636");
    expect(livenessChart([], 5, 4).rows).toEqual([]);
  });

  test("the epoch of a time", () => {
    const genesis = "1000000000000"; // 1000 s
    expect(epochAt("1000000000000", genesis, 60)).toBe(0);
    expect(epochAt("1119000000000", genesis, 60)).toBe(1);
    expect(epochAt("1120000000000", genesis, 60)).toBe(2);
    expect(epochAt("1", genesis, 60)).toBe(0);
  });
});

describe("network, lease and proposal charts", () => {
  test("growth: providers and stake carried to each day", () => {
    const data = networkGrowthChart(
      [{ day: "2026-01-01", registered: 2, providers: 2 }],
      [{ day: "2026-01-02", total_stake: "5000000" }],
      ["2026-01-01", "2026-01-02", "2026-01-03"],
      book,
      "ustake",
    );
    expect(data.rows.map((r) => r.values)).toEqual([
      ["2", "0"],
      ["2", "5"],
      ["2", "5"],
    ]);
  });

  test("a lease's spending accumulates its payments", () => {
    const pay = (block_time: string, amount: string) => ({ block_time, kind: "settle", amount, fee: "0" });
    const data = leaseSpendingChart(
      [pay("2026-01-01T00:00:01Z", "10"), pay("2026-01-01T00:00:01Z", "20"), pay("2026-01-02T00:00:00Z", "1000000")],
      book,
      "uusdc",
    );
    expect(data.rows.map((r) => r.values)).toEqual([
      ["0.00001", "0.00001"],
      ["0.00002", "0.00003"],
      ["1", "1.00003"],
    ]);
  });

  test("turnout counts a member's latest vote once and rounds down", () => {
    const vote = (voter: string, v: string, power: string) => ({ block_time: "2026-01-01T00:00:00Z", voter, vote: v, power });
    const data = turnoutChart([vote("a", "yes", "1"), vote("b", "no", "1"), vote("a", "no", "1")], "3");
    expect(data.rows.map((r) => r.values)).toEqual([
      ["33.33", "33.33"],
      ["66.66", "33.33"],
      ["66.66", "0"],
    ]);
    expect(turnoutChart([vote("a", "yes", "5")], "0").rows[0].values).toEqual(["0", "0"]);
  });

  test("CSV quotes what needs quoting; x values become seconds", () => {
    const csv = chartCsv({
      x: { key: "time", label: "time", kind: "time" },
      series: [{ key: "a", label: 'say "hi", twice', unit: "%" }],
      rows: [{ x: "t", values: ["1"] }],
    });
    expect(csv).toBe('time,"say ""hi"", twice (%)"\r\nt,1\r\n');
    expect(xNumber("day", "2026-01-02")).toBe(Date.UTC(2026, 0, 2) / 1000);
    expect(xNumber("epoch", "7")).toBe(7);
    expect(xNumber("time", "2026-01-02T00:00:01.500Z")).toBe(Date.UTC(2026, 0, 2) / 1000 + 1.5);
  });
});
