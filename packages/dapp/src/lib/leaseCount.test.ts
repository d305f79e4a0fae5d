import { describe, expect, test } from "vitest";
import { countLeases, formatLeaseCount } from "./leaseCount";

describe("a provider's lease count", () => {
  test("count leases not closed yet as open", () => {
    expect(countLeases([{ state: "open" }, { state: "closed" }, { state: "pending" }, { state: "closing" }])).toEqual({
      total: 4,
      open: 3,
    });
    expect(formatLeaseCount({ total: 4, open: 3, capped: false })).toBe("4 (3 open)");
    expect(formatLeaseCount({ total: 1000, open: 12, capped: true })).toBe("1000+ (12+ open)");
  });
});
