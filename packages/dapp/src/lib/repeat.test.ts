import { describe, expect, test } from "vitest";
import { isRecentRepeat } from "./repeat";

describe("repeats", () => {
  test("the same thing within the window is a repeat; another thing or a later one is not", () => {
    const last = { what: "lease 3: 100 units", atMs: 1_000_000 };
    expect(isRecentRepeat(last, "lease 3: 100 units", 1_030_000)).toBe(true);
    expect(isRecentRepeat(last, "lease 3: 101 units", 1_030_000)).toBe(false);
    expect(isRecentRepeat(last, "lease 3: 100 units", 1_060_000)).toBe(false);
    expect(isRecentRepeat(null, "lease 3: 100 units", 1_030_000)).toBe(false);
  });
});
