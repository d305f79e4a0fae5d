import { toBech32 } from "@cosmjs/encoding";
import { describe, expect, test } from "vitest";
import { claimMessage, fleetClaim, fleetPageSize, fleetTotals, MAX_FLEET_CLAIM, mintedByClaim, validateOperator } from "./fleet";
import type { ProviderResponse } from "./types";

const address = (byte: number, bytes = 20, prefix = "wasm") => toBech32(prefix, new Uint8Array(bytes).fill(byte));
const PROVIDER = address(1);
const OPERATOR = address(2);
const OTHER = address(3);

const provider = (patch: Partial<ProviderResponse> = {}): ProviderResponse => ({
  address: PROVIDER,
  capacity: { amount: "1", unit: "GiB" },
  endpoint: "https://p.example",
  open_disputes: 0,
  operator: OPERATOR,
  pending_rewards: "0",
  prices: [],
  region: "eu",
  registered_at: "0",
  reputation: { disputes_lost: 0, heartbeats: 0, leases_settled: 0, revenue: [], slashes: 0, usage_units: "0" },
  service: "storage",
  stake: "1000000",
  status: "active",
  unbonding: "0",
  unproven_rewards: "0",
  ...patch,
});

describe("validateOperator", () => {
  const ctx = { prefix: "wasm", provider: PROVIDER };
  test("accepts an account or a contract address of the chain, trimmed", () => {
    expect(validateOperator(`  ${OPERATOR} `, ctx)).toEqual({ ok: true, value: OPERATOR });
    const contract = address(4, 32);
    expect(validateOperator(contract, ctx)).toEqual({ ok: true, value: contract });
  });
  test("refuses an empty field, another chain's prefix, a broken checksum and upper case, in words", () => {
    expect(validateOperator(" ", ctx)).toEqual({ ok: false, error: "Enter the address of your fleet agent's hot key." });
    expect(validateOperator(address(2, 20, "cosmos"), ctx)).toEqual({
      ok: false,
      error: "The operator address must start with wasm1 (it starts with cosmos1).",
    });
    const broken = `${OPERATOR.slice(0, -1)}${OPERATOR.endsWith("q") ? "p" : "q"}`;
    expect(validateOperator(broken, ctx)).toEqual({ ok: false, error: `The operator address "${broken}" is not a valid wasm address.` });
    expect(validateOperator(OPERATOR.toUpperCase(), ctx)).toMatchObject({ ok: false });
  });
  test("refuses an address of neither 20 nor 32 bytes", () => {
    expect(validateOperator(address(2, 10), ctx)).toEqual({
      ok: false,
      error: "The operator address holds 10 bytes; an account address holds 20 and a contract address 32.",
    });
  });
  test("refuses the provider itself and the operator it already has", () => {
    expect(validateOperator(PROVIDER, ctx)).toEqual({
      ok: false,
      error: "A provider cannot name itself its operator: enter the address of your fleet agent's hot key.",
    });
    expect(validateOperator(OPERATOR, { ...ctx, current: OPERATOR })).toMatchObject({
      ok: false,
      error: expect.stringContaining("is already your operator: nothing to change."),
    });
    expect(validateOperator(OTHER, { ...ctx, current: OPERATOR })).toEqual({ ok: true, value: OTHER });
  });
});

describe("fleetClaim", () => {
  test("lists the providers of the page with pending rewards that named the operator, once each", () => {
    const a = provider({ address: address(10), pending_rewards: "5" });
    const b = provider({ address: address(11), pending_rewards: "0", unproven_rewards: "9" });
    const c = provider({ address: address(12), pending_rewards: "7" });
    const elsewhere = provider({ address: address(13), pending_rewards: "100", operator: OTHER });
    expect(fleetClaim([a, b, c, elsewhere, a], OPERATOR)).toEqual({ ok: true, providers: [a.address, c.address], pending: 12n });
  });
  test("refuses in words when nothing is pending, or too many would be listed", () => {
    expect(fleetClaim([provider()], OPERATOR)).toEqual({
      ok: false,
      error: "No provider on this page has pending rewards: nothing was sent.",
    });
    expect(fleetClaim([], OPERATOR)).toMatchObject({ ok: false });
    const distinct = (i: number) =>
      toBech32(
        "wasm",
        Uint8Array.from({ length: 20 }, (_, j) => (j === 0 ? i & 0xff : j === 1 ? i >> 8 : 7)),
      );
    const many = Array.from({ length: MAX_FLEET_CLAIM + 1 }, (_, i) => provider({ address: distinct(i), pending_rewards: "1" }));
    expect(fleetClaim(many, OPERATOR)).toMatchObject({ ok: false, error: expect.stringContaining("at most 200") });
    expect(fleetClaim(many.slice(0, MAX_FLEET_CLAIM), OPERATOR)).toMatchObject({ ok: true, pending: 200n });
  });
});

describe("fleet page size", () => {
  test("from the URL, 1 to 100, 25 when absent or not a number", () => {
    const size = (query: string) => fleetPageSize(new URLSearchParams(query));
    expect(size("")).toBe(25);
    expect(size("limit=abc")).toBe(25);
    expect(size("limit=0")).toBe(25);
    expect(size("limit=2")).toBe(2);
    expect(size("limit=7.9")).toBe(7);
    expect(size("limit=500")).toBe(100);
  });
});

describe("fleet totals", () => {
  test("sum the page's rewards and leases, and count the providers proven this epoch", () => {
    const proven = provider({
      pending_rewards: "10",
      unproven_rewards: "1",
      reputation: { ...provider().reputation, last_proven_epoch: 7 },
    });
    const late = provider({ pending_rewards: "5", unproven_rewards: "2", reputation: { ...provider().reputation, last_proven_epoch: 6 } });
    const totals = fleetTotals(
      [proven, late],
      [
        { total: 2, open: 1, capped: false },
        { total: 3, open: 0, capped: false },
      ],
      7,
    );
    expect(totals).toEqual({ providers: 2, provenThisEpoch: 1, pending: 15n, unproven: 3n, leases: { total: 5, open: 1, capped: false } });
  });
  test("leave what is still loading unknown", () => {
    const totals = fleetTotals([provider(), provider()], [{ total: 1, open: 1, capped: false }, undefined], undefined);
    expect(totals.leases).toBeUndefined();
    expect(totals.provenThisEpoch).toBeUndefined();
    expect(fleetTotals([], [], 3)).toEqual({
      providers: 0,
      provenThisEpoch: 0,
      pending: 0n,
      unproven: 0n,
      leases: { total: 0, open: 0, capped: false },
    });
  });
});

describe("what a fleet claim minted", () => {
  const attrs = (pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value }));
  const events = [
    { type: "message", attributes: attrs([["action", "/cosmwasm.wasm.v1.MsgExecuteContract"]]) },
    {
      type: "wasm",
      attributes: attrs([
        ["_contract_address", "registry"],
        ["action", "claim_rewards"],
        ["provider", "alice"],
        ["amount", "1500000"],
        ["forfeited", "0"],
        ["provider", "bob"],
        ["amount", "250000"],
        ["forfeited", "5"],
      ]),
    },
    // The token's mint events carry an amount too: not the registry's.
    {
      type: "wasm",
      attributes: attrs([
        ["_contract_address", "token"],
        ["action", "mint"],
        ["to", "alice"],
        ["amount", "1500000"],
      ]),
    },
  ];
  test("reads each provider's amount from the registry's event only", () => {
    expect(mintedByClaim(events)).toEqual([
      { provider: "alice", amount: 1_500_000n, forfeited: 0n },
      { provider: "bob", amount: 250_000n, forfeited: 5n },
    ]);
    expect(mintedByClaim([])).toEqual([]);
  });
  test("says it in words, with the providers skipped and anything forfeited", () => {
    const format = (amount: bigint) => `${amount} u`;
    const minted = mintedByClaim(events);
    expect(claimMessage(minted, 2, format)).toBe(
      "Claimed 1750000 u for 2 providers, minted to each provider; 5 u forfeited at the token's cap.",
    );
    expect(claimMessage(minted.slice(0, 1), 3, format)).toBe(
      "Claimed 1500000 u for 1 provider (2 of the 3 listed had nothing left to claim), minted to each provider.",
    );
  });
});
