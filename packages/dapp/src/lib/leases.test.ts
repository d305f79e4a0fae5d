import { describe, expect, test } from "vitest";
import { disputable, leaseActions, leaseMode } from "./leases";
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
});
