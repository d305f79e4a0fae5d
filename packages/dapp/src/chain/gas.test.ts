import { describe, expect, test } from "vitest";
import { headroomGas } from "./gas";

describe("streaming gas", () => {
  test("covers a payout and record_usage that simulation did not see", () => {
    // close_lease of a streaming lease: ~178k simulated with nothing accrued, ~340k with a payout (CHAIN_GAS.md).
    expect(headroomGas(178_000)).toBe(478_000);
    expect(headroomGas(2_000_000)).toBe(2_600_000);
  });
});
