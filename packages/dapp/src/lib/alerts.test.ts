import { describe, expect, test } from "vitest";
import { claimAlert, depositSecondsLeft, leaseAlerts, livenessAlerts, maturedClaims, sortAlerts, voteAlert } from "./alerts";
import type { CoinBook } from "./format";
import type { LeaseResponse, ProposalResponse, ProviderResponse, RegistryConfig } from "./types";

const book: CoinBook = { uusdc: { symbol: "USDC", decimals: 6 }, ustake: { symbol: "STAKE", decimals: 6 } };
const S = 1_000_000_000n; // nanoseconds per second
const ns = (seconds: number) => `${BigInt(seconds) * S}`;
const NOW_S = 1_000_000;
const now = NOW_S * 1000;

function lease(fields: Partial<LeaseResponse>): LeaseResponse {
  return {
    lease_id: 7,
    consumer: "wasm1consumer",
    provider: "wasm1provider",
    denom: { native: "uusdc" },
    billing: { metered: {} },
    price_per_unit: "10",
    dispute_window: 60,
    state: "open",
    deposited: "1000000",
    paid: "0",
    reserved: "0",
    available: "1000000",
    refunded: "0",
    units: "0",
    reported_units: "0",
    opened_at: ns(NOW_S - 3600),
    started_at: ns(NOW_S - 3600),
    ...fields,
  } as LeaseResponse;
}

describe("a lease's deposit", () => {
  test("streaming: what is free, at its rate", () => {
    const streaming = lease({ billing: { streaming: { rate_per_second: "10" } }, available: "500000" });
    expect(depositSecondsLeft(streaming, now)).toBe(50_000);
    const alerts = leaseAlerts(streaming, "consumer", now, book);
    expect(alerts).toEqual([
      {
        key: "deposit-low:7",
        kind: "deposit-low",
        level: "warning",
        text: "Lease 7's deposit runs out within a day (0.5 USDC left, about 13 h 53 min at its current rate): top it up to keep the service.",
        href: "#/consumer",
      },
    ]);
    expect(leaseAlerts(streaming, "provider", now, book)[0].text).toMatch(/consumer has deposit for less than a day/);
    // Topped up to last more than a day: no alert.
    expect(leaseAlerts({ ...streaming, available: "864000" }, "consumer", now, book)).toEqual([]);
    expect(leaseAlerts({ ...streaming, available: "863999" }, "consumer", now, book)).toHaveLength(1);
  });

  test("metered: what it used per second since it started; nothing used, no rate", () => {
    expect(depositSecondsLeft(lease({}), now)).toBeNull();
    // 100000 used in an hour, 500000 left: 5 hours.
    expect(depositSecondsLeft(lease({ paid: "60000", reserved: "40000", available: "500000" }), now)).toBe(18_000);
    expect(depositSecondsLeft(lease({ paid: "1", available: "1000000", started_at: null, opened_at: ns(NOW_S - 3600) }), now)).toBe(
      3_600_000_000,
    );
    expect(depositSecondsLeft(lease({ state: "pending", paid: "1" }), now)).toBeNull();
  });
});

describe("a lease closing or closed", () => {
  test("the provider is told when the consumer closed, with the time to bill by", () => {
    const closing = lease({ state: "closing", close_after: ns(NOW_S + 60) });
    const [provider] = leaseAlerts(closing, "provider", now, book);
    expect(provider).toMatchObject({ kind: "lease-closing", level: "warning", href: "#/provider" });
    expect(provider.text).toMatch(/^The consumer closed lease 7: report its final usage or redeem its last receipts before /);
    expect(leaseAlerts(closing, "consumer", now, book)[0]).toMatchObject({ kind: "lease-closing", level: "info" });
    expect(leaseAlerts(lease({ state: "closing" }), "provider", now, book)[0].text).toMatch(/a charge is still in its dispute window/);
  });
  test("a closed lease is shown for seven days", () => {
    const closed = lease({ state: "closed", closed_at: ns(NOW_S - 3600), paid: "250000", refunded: "750000" });
    expect(leaseAlerts(closed, "consumer", now, book)[0]).toMatchObject({ kind: "lease-closed", level: "info" });
    expect(leaseAlerts(closed, "consumer", now, book)[0].text).toMatch(/paid 0.25 USDC, refunded 0.75 USDC/);
    expect(leaseAlerts({ ...closed, closed_at: ns(NOW_S - 7 * 86_400) }, "consumer", now, book)).toEqual([]);
  });
});

describe("proof of service", () => {
  const registry = { genesis_time: ns(0), epoch_seconds: 100 } as RegistryConfig;
  const provider = (fields: Partial<ProviderResponse["reputation"]>, rest: Partial<ProviderResponse> = {}) =>
    ({
      address: "wasm1p",
      status: "active",
      agent_pubkey: "A".repeat(44),
      registered_at: ns(150),
      reputation: { ...fields },
      ...rest,
    }) as ProviderResponse;
  test("missed the previous epoch, not proven in this one", () => {
    const alerts = livenessAlerts(provider({ last_proven_epoch: 3 }), registry, 5, "#/provider");
    expect(alerts.map((a) => [a.kind, a.level])).toEqual([
      ["missed-epoch", "warning"],
      ["not-proven", "info"],
    ]);
    expect(alerts[0].text).toBe("Provider wasm1p missed epoch 4: no oracle proved it live (last proven: epoch 3). Check its agent.");
  });
  test("proven in the previous epoch: only this one's reminder; proven now: nothing", () => {
    expect(livenessAlerts(provider({ last_proven_epoch: 4 }), registry, 5, "").map((a) => a.kind)).toEqual(["not-proven"]);
    expect(livenessAlerts(provider({ last_proven_epoch: 5 }), registry, 5, "")).toEqual([]);
  });
  test("registered during the previous epoch: it could not have been proven in it", () => {
    expect(livenessAlerts(provider({}, { registered_at: ns(450) }), registry, 5, "").map((a) => a.kind)).toEqual(["not-proven"]);
  });
  test("no agent key, or not active", () => {
    expect(livenessAlerts(provider({}, { agent_pubkey: null }), registry, 5, "")[0].text).toMatch(/has no agent key/);
    expect(livenessAlerts(provider({}, { status: "inactive" }), registry, 5, "")).toEqual([]);
  });
});

describe("claims and votes", () => {
  test("only matured claims count", () => {
    const claims = [
      { amount: "5", release_at: { at_time: ns(NOW_S - 1) } },
      { amount: "7", release_at: { at_time: ns(NOW_S + 100) } },
    ];
    expect(maturedClaims(claims, now)).toBe(5n);
    expect(claimAlert("stake", 0n, "ustake", book, "#/provider")).toEqual([]);
    expect(claimAlert("stake", 1500000n, "ustake", book, "#/provider")[0].text).toBe("Unbonded stake to claim: 1.5 STAKE.");
  });
  test("a proposal ending within a day, unvoted, with power", () => {
    const proposal = { id: 3, title: "Raise the fee", status: "open", voting_ends_at: ns(NOW_S + 7200) } as ProposalResponse;
    expect(voteAlert(proposal, false, 5n, now)[0].text).toBe("Proposal 3 (“Raise the fee”) closes in 2 h and you have not voted.");
    expect(voteAlert(proposal, true, 5n, now)).toEqual([]);
    expect(voteAlert(proposal, false, 0n, now)).toEqual([]);
    expect(voteAlert({ ...proposal, voting_ends_at: ns(NOW_S + 86_400) }, false, 5n, now)).toEqual([]);
    expect(voteAlert({ ...proposal, voting_ends_at: ns(NOW_S - 1) }, false, 5n, now)).toEqual([]);
    expect(voteAlert({ ...proposal, status: "passed" }, false, 5n, now)).toEqual([]);
  });
  test("warnings first, each once", () => {
    const a = { key: "a", kind: "claimable", level: "info", text: "", href: "" } as const;
    const b = { key: "b", kind: "deposit-low", level: "warning", text: "", href: "" } as const;
    expect(sortAlerts([a, b, a]).map((x) => x.key)).toEqual(["b", "a"]);
  });
});
