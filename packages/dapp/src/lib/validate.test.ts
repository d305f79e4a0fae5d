import { describe, expect, test } from "vitest";
import type { CoinBook } from "./format";
import type { LeaseResponse, ProviderResponse } from "./types";
import {
  addressError,
  type RegisterForm,
  validateAmount,
  validateDisputeReason,
  validateListing,
  validateOpenLease,
  validateRegister,
  validateTopUp,
  validateUsage,
} from "./validate";

const book: CoinBook = { ustake: { symbol: "STAKE", decimals: 6 }, uusdc: { symbol: "USDC", decimals: 6 } };
const ADDR = "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht";
const ME = "wasm17p9rzwnnfxcjp32un9ug7yhhzgtkhvl9jfksztgw5uh69wac2pgsm0v070";
const accepted = [{ native: "uusdc" }];

const form = (patch: Partial<RegisterForm> = {}): RegisterForm => ({
  service: "storage",
  otherService: "",
  endpoint: "https://p.example",
  region: "eu-west",
  capacityAmount: "1000",
  capacityUnit: "GiB",
  prices: [{ denom: "uusdc", perUnit: "0.00001" }],
  metadataUri: "",
  stake: "5",
  ...patch,
});
const ctx = { acceptedDenoms: accepted, book, stakeDenom: { native: "ustake" }, minStake: 1_000_000n, bonded: 0n, balance: 10_000_000n };

describe("register", () => {
  test("builds the exact message and stake", () => {
    const v = validateRegister(form(), ctx);
    expect(v).toEqual({
      ok: true,
      value: {
        msg: {
          service: "storage",
          endpoint: "https://p.example",
          region: "eu-west",
          capacity: { amount: "1000", unit: "GiB" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "10" }],
          metadata_uri: null,
        },
        stake: 5_000_000n,
      },
    });
  });
  test("says what is wrong with each field, before anything is signed", () => {
    const v = validateRegister(
      form({ endpoint: "", region: "x".repeat(65), capacityAmount: "1.5", stake: "0.5", prices: [{ denom: "uusdc", perUnit: "0" }] }),
      ctx,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.endpoint).toBe("The endpoint is required.");
    expect(v.errors.region).toBe("The region is 65 bytes long; the limit is 64.");
    expect(v.errors.capacityAmount).toBe("The capacity must be a whole number.");
    expect(v.errors.stake).toBe("The stake must be at least the minimum stake of 1 STAKE.");
    expect(v.errors.price0).toBe("Price: The amount must be greater than zero.");
  });
  test("refuses a stake above the balance, a price in a denom the escrow does not accept, and duplicates", () => {
    const v = validateRegister(form({ stake: "11", prices: [{ denom: "uatom", perUnit: "1" }] }), ctx);
    expect(!v.ok && v.errors.stake).toBe("The amount is more than your balance (10 STAKE).");
    expect(!v.ok && v.errors.price0).toBe("uatom is not accepted by the escrow.");
    const d = validateListing(
      {
        ...form(),
        prices: [
          { denom: "uusdc", perUnit: "1" },
          { denom: "uusdc", perUnit: "2" },
        ],
      },
      ctx,
    );
    expect(!d.ok && d.errors.price1).toBe("USDC is listed twice.");
  });
  test("counts stake still bonded when an exiting provider registers again", () => {
    expect(validateRegister(form({ stake: "0.5" }), { ...ctx, bonded: 600_000n }).ok).toBe(true);
  });
  test("an agent key, when given, goes into the message as base64; a malformed one is refused in words", () => {
    const hex = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
    const v = validateRegister(form({ agentKey: ` 0x${hex} ` }), ctx);
    expect(v.ok && v.value.msg.agent_pubkey).toBe(Buffer.from(hex, "hex").toString("base64"));
    const none = validateRegister(form({ agentKey: "  " }), ctx);
    expect(none.ok).toBe(true);
    expect(none.ok && "agent_pubkey" in none.value.msg).toBe(false);
    const bad = validateRegister(form({ agentKey: hex.slice(0, 64) }), ctx);
    expect(!bad.ok && bad.errors.agentKey).toBe("An agent key is 33 bytes (a compressed secp256k1 public key); this one is 32 bytes.");
  });
  test("other services need a name", () => {
    const v = validateRegister(form({ service: "other", otherService: "" }), ctx);
    expect(!v.ok && v.errors.otherService).toBe("The service name is required.");
    const ok = validateRegister(form({ service: "other", otherService: "lidar" }), ctx);
    expect(ok.ok && ok.value.msg.service).toEqual({ other: "lidar" });
  });
});

const provider = (patch: Partial<ProviderResponse> = {}): ProviderResponse =>
  ({
    address: ADDR,
    capacity: { amount: "1000", unit: "GiB" },
    endpoint: "https://p.example",
    open_disputes: 0,
    pending_rewards: "0",
    prices: [{ denom: { native: "uusdc" }, per_unit: "10" }],
    region: "eu-west",
    registered_at: "0",
    reputation: { disputes_lost: 0, heartbeats: 0, leases_settled: 0, revenue: [], slashes: 0, usage_units: "0" },
    service: "storage",
    stake: "5000000",
    status: "active",
    unbonding: "0",
    ...patch,
  }) as ProviderResponse;

describe("open_lease", () => {
  const lctx = { provider: provider(), consumer: ME, acceptedDenoms: accepted, book, balance: 5_000_000n };
  test("sets the price guard to the price shown", () => {
    const v = validateOpenLease({ mode: "metered", denom: "uusdc", deposit: "1", rate: "" }, lctx);
    expect(v).toEqual({
      ok: true,
      value: {
        msg: { provider: ADDR, billing: { metered: {} }, max_price_per_unit: "10" },
        deposit: 1_000_000n,
        denom: { native: "uusdc" },
      },
    });
  });
  test("streaming needs a rate, receipts a session key", () => {
    const s = validateOpenLease({ mode: "streaming", denom: "uusdc", deposit: "1", rate: "0.000002" }, lctx);
    expect(s.ok && s.value.msg.billing).toEqual({ streaming: { rate_per_second: "2" } });
    const noRate = validateOpenLease({ mode: "streaming", denom: "uusdc", deposit: "1", rate: "" }, lctx);
    expect(!noRate.ok && noRate.errors.rate).toBe("Rate per second: Enter an amount of USDC.");
    const r = validateOpenLease({ mode: "receipts", denom: "uusdc", deposit: "1", rate: "" }, { ...lctx, receiptPubkey: "A".repeat(44) });
    expect(r.ok && r.value.msg.billing).toEqual({ receipts: { consumer_pubkey: "A".repeat(44) } });
  });
  test("refuses an inactive provider, leasing from oneself and an unpriced denom", () => {
    const jailed = validateOpenLease(
      { mode: "metered", denom: "uusdc", deposit: "1", rate: "" },
      { ...lctx, provider: provider({ status: "inactive" }) },
    );
    expect(!jailed.ok && jailed.errors.provider).toBe("The provider is inactive; only active providers can be leased.");
    const self = validateOpenLease({ mode: "metered", denom: "uusdc", deposit: "1", rate: "" }, { ...lctx, consumer: ADDR });
    expect(!self.ok && self.errors.provider).toBe("A provider cannot lease from itself.");
    const unpriced = validateOpenLease(
      { mode: "metered", denom: "uusdc", deposit: "1", rate: "" },
      { ...lctx, provider: provider({ prices: [] }) },
    );
    expect(!unpriced.ok && unpriced.errors.denom).toBe("The provider lists no price in USDC.");
    const broke = validateOpenLease({ mode: "metered", denom: "uusdc", deposit: "6", rate: "" }, lctx);
    expect(!broke.ok && broke.errors.deposit).toBe("The amount is more than your balance (5 USDC).");
  });
});

const lease = { available: "1000", price_per_unit: "10", denom: { native: "uusdc" } } as unknown as LeaseResponse;

describe("lease actions", () => {
  test("usage must be whole and covered by the free funds", () => {
    expect(validateUsage("100", lease, book)).toEqual({ ok: true, value: 100n });
    expect(validateUsage("0", lease, book).ok).toBe(false);
    const v = validateUsage("101", lease, book);
    expect(!v.ok && v.errors.units).toBe("101 units cost 0.00101 USDC, more than the 0.001 USDC available on the lease.");
  });
  test("dispute reasons and top-ups", () => {
    expect(validateDisputeReason("  ").ok).toBe(false);
    expect(validateDisputeReason("x".repeat(513)).ok).toBe(false);
    expect(validateDisputeReason(" not delivered ")).toEqual({ ok: true, value: "not delivered" });
    expect(validateTopUp("0.5", lease, book, 1_000_000n)).toEqual({ ok: true, value: 500_000n });
    expect(validateTopUp("2", lease, book, 1_000_000n).ok).toBe(false);
  });
});

describe("addresses and amounts", () => {
  test("bech32 with the chain's prefix, lower case", () => {
    expect(addressError(ADDR, "wasm")).toBeNull();
    expect(addressError(ADDR, "osmo")).toBe("The address must start with osmo1 (it starts with wasm1).");
    expect(addressError(ADDR.toUpperCase(), "wasm")).toBe("The address must be written in lower case.");
    expect(addressError("wasm1xyz", "wasm")).toMatch(/is not a valid wasm address/);
  });
  test("amount rules", () => {
    expect(validateAmount("1.0000001", "ustake", book)).toEqual({
      ok: false,
      error: '"1.0000001" is not an amount of STAKE (a number with at most 6 decimals).',
    });
    expect(validateAmount("2", "ustake", book, { min: 3_000_000n })).toEqual({ ok: false, error: "The amount must be at least 3 STAKE." });
    expect(validateAmount("1.5", "ustake", book, { max: { amount: 1_000_000n, what: "your balance" } })).toEqual({
      ok: false,
      error: "The amount is more than your balance (1 STAKE).",
    });
    expect(validateAmount(" 2.5 ", "ustake", book)).toEqual({ ok: true, value: 2_500_000n });
  });
});
