import { describe, expect, test } from "vitest";
import { disputable, leaseActions, leaseMode, settleReadiness } from "./leases";
import type { ChargeResponse, LeaseResponse } from "./types";

const lease = (billing: LeaseResponse["billing"], state: LeaseResponse["state"]) => ({ billing, state }) as LeaseResponse;

describe("leases", () => {
  test("mode", () => {
    expect(leaseMode({ metered: {} })).toBe("metered");
    expect(leaseMode({ streaming: { rate_per_second: "1" } })).toBe("streaming");
    expect(leaseMode({ receipts: { consumer_pubkey: "" } })).toBe("receipts");
  });
  test("who may do what in which state", () => {
    expect(leaseActions(lease({ streaming: { rate_per_second: "1" } }, "pending"), "provider")).toMatchObject({
      accept: true,
      settle: false,
      close: true,
    });
    expect(leaseActions(lease({ metered: {} }, "open"), "provider")).toMatchObject({ report: true, settle: true, redeem: false });
    expect(leaseActions(lease({ metered: {} }, "closing"), "provider")).toMatchObject({ report: true, close: true });
    expect(leaseActions(lease({ metered: {} }, "closing"), "consumer")).toMatchObject({ close: false, topUp: false, settle: true });
    expect(leaseActions(lease({ receipts: { consumer_pubkey: "" } }, "open"), "consumer")).toMatchObject({ sign: true, redeem: false });
    expect(leaseActions(lease({ receipts: { consumer_pubkey: "" } }, "closed"), "provider")).toMatchObject({
      redeem: false,
      settle: false,
      close: false,
    });
  });
  test("a charge is disputable while pending and inside its window", () => {
    const c = { status: "pending", disputable_until: `${10n * 1_000_000_000n}` } as ChargeResponse;
    expect(disputable(c, 9_000)).toBe(true);
    expect(disputable(c, 10_000)).toBe(false);
    expect(disputable({ ...c, status: "disputed" }, 9_000)).toBe(false);
  });
  test("settle is ready when it pays, passes a matured dispute or completes a close; otherwise it says from when", () => {
    const sec = (s: number) => `${BigInt(s) * 1_000_000_000n}`;
    const open = { ...lease({ metered: {} }, "open"), reserved: "30" } as LeaseResponse;
    const pending = { charge_id: 1, status: "pending", disputable_until: sec(20) } as ChargeResponse;
    expect(settleReadiness(open, 5n, [], 10_000)).toEqual({ ready: true });
    expect(settleReadiness(open, 0n, [pending], 10_000)).toMatchObject({ ready: false, after: sec(20) });
    expect(settleReadiness(open, 0n, [{ ...pending, status: "payable" }], 10_000)).toEqual({ ready: true });
    expect(settleReadiness(open, 0n, [{ ...pending, status: "disputed" }], 21_000)).toEqual({ ready: true });
    expect(
      settleReadiness(
        open,
        0n,
        [
          { ...pending, status: "disputed" },
          { ...pending, charge_id: 2, status: "paid" },
        ],
        21_000,
      ),
    ).toMatchObject({ ready: false });
    expect(settleReadiness(open, 0n, [], 10_000)).toEqual({ ready: false, reason: "nothing is billed yet" });
    const closing = { ...open, state: "closing", reserved: "0", close_after: sec(30) } as LeaseResponse;
    expect(settleReadiness(closing, 0n, [], 10_000)).toMatchObject({ ready: false, after: sec(30) });
    expect(settleReadiness(closing, 0n, [], 31_000)).toEqual({ ready: true });
  });
});
