import { describe, expect, test } from "vitest";
import type { CoinBook } from "./format";
import { decodeJson, describeMsg, EMPTY_TEMPLATE, parseRawMsgs, proposalActions, templateMsgs, validateProposal } from "./proposals";
import type { ProposalResponse } from "./types";

const c = {
  dao: "wasm133arqt8dc5k4ctwmfwe7r4l3j5vv0erad24m9fy3ptsvde5dwyese035vs",
  rewardToken: "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d",
  providerRegistry: "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht",
  billingEscrow: "wasm17p9rzwnnfxcjp32un9ug7yhhzgtkhvl9jfksztgw5uh69wac2pgsm0v070",
};
const book: CoinBook = {
  ustake: { symbol: "STAKE", decimals: 6 },
  uusdc: { symbol: "USDC", decimals: 6 },
  [c.rewardToken]: { symbol: "DPIN", decimals: 6 },
};
const ctx = { contracts: c, prefix: "wasm", book, stakeDenom: { native: "ustake" }, paymentDenoms: ["ustake", "uusdc", c.rewardToken] };
const inner = (m: unknown) => decodeJson((m as { wasm: { execute: { msg: string } } }).wasm.execute.msg);
const target = (m: unknown) => (m as { wasm: { execute: { contract_addr: string } } }).wasm.execute.contract_addr;

describe("templates", () => {
  test("escrow fee in percent becomes fee_bps", () => {
    const v = templateMsgs({ ...EMPTY_TEMPLATE, kind: "escrow_fee", feePercent: "1.5" }, ctx);
    expect(v.ok && target(v.value[0])).toBe(c.billingEscrow);
    expect(v.ok && inner(v.value[0])).toEqual({ update_config: { fee_bps: 150 } });
    expect(templateMsgs({ ...EMPTY_TEMPLATE, kind: "escrow_fee", feePercent: "101" }, ctx).ok).toBe(false);
    expect(templateMsgs({ ...EMPTY_TEMPLATE, kind: "escrow_fee", feePercent: "1.555" }, ctx).ok).toBe(false);
  });
  test("arbiters and oracles add and remove lists", () => {
    const a = templateMsgs({ ...EMPTY_TEMPLATE, kind: "arbiters", add: `${c.dao}\n${c.billingEscrow}` }, ctx);
    expect(a.ok && inner(a.value[0])).toEqual({ update_config: { add_arbiters: [c.dao, c.billingEscrow] } });
    const o = templateMsgs({ ...EMPTY_TEMPLATE, kind: "oracles", remove: c.dao }, ctx);
    expect(o.ok && target(o.value[0])).toBe(c.providerRegistry);
    expect(o.ok && inner(o.value[0])).toEqual({ update_config: { remove_oracles: [c.dao] } });
    const bad = templateMsgs({ ...EMPTY_TEMPLATE, kind: "oracles", add: "cosmos1abc" }, ctx);
    expect(!bad.ok && bad.errors.add).toMatch(/not a valid wasm address/);
    expect(templateMsgs({ ...EMPTY_TEMPLATE, kind: "oracles" }, ctx).ok).toBe(false);
  });
  test("min_stake in display units", () => {
    const v = templateMsgs({ ...EMPTY_TEMPLATE, kind: "min_stake", minStake: "2.5" }, ctx);
    expect(v.ok && inner(v.value[0])).toEqual({ update_config: { min_stake: "2500000" } });
  });
  test("treasury payments: bank send for native coins, cw20 transfer for the suite token", () => {
    const bank = templateMsgs({ ...EMPTY_TEMPLATE, kind: "treasury_payment", recipient: c.dao, amount: "0.5", denom: "uusdc" }, ctx);
    expect(bank.ok && bank.value).toEqual([{ bank: { send: { to_address: c.dao, amount: [{ denom: "uusdc", amount: "500000" }] } } }]);
    const cw20 = templateMsgs({ ...EMPTY_TEMPLATE, kind: "treasury_payment", recipient: c.dao, amount: "1", denom: c.rewardToken }, ctx);
    expect(cw20.ok && inner(cw20.value[0])).toEqual({ transfer: { recipient: c.dao, amount: "1000000" } });
    expect(cw20.ok && describeMsg(cw20.value[0], c, book)).toBe(`pay 1 DPIN to ${c.dao}`);
  });
});

describe("raw messages", () => {
  test("encodes a wasm msg written as JSON and fills funds", () => {
    const v = parseRawMsgs(JSON.stringify({ wasm: { execute: { contract_addr: c.dao, msg: { update_config: { timelock: 1 } } } } }));
    expect(v.ok && inner(v.value[0])).toEqual({ update_config: { timelock: 1 } });
    expect(v.ok && (v.value[0] as { wasm: { execute: { funds: unknown[] } } }).wasm.execute.funds).toEqual([]);
    expect(v.ok && describeMsg(v.value[0], c, book)).toBe('DAO: {"update_config":{"timelock":1}}');
  });
  test("refuses what is not a CosmosMsg, but leaves the members'-funds rules to the DAO", () => {
    expect(parseRawMsgs("{").ok).toBe(false);
    expect(parseRawMsgs("[]").ok).toBe(false);
    expect(parseRawMsgs('{"wasm":{},"bank":{}}').ok).toBe(false);
    expect(parseRawMsgs('[{"stargate":{"type_url":"/x","value":""}}]').ok).toBe(true);
  });
  test("describes upgrades", () => {
    const v = parseRawMsgs(JSON.stringify({ wasm: { update_admin: { contract_addr: c.providerRegistry, admin: c.dao } } }));
    expect(v.ok && describeMsg(v.value[0], c, book)).toBe(`change the admin of registry to ${c.dao}`);
  });
});

describe("proposals", () => {
  test("title, description and 1–32 messages", () => {
    expect(validateProposal({ title: "", description: "" }, []).ok).toBe(false);
    const msgs = Array(33).fill({ bank: { burn: { amount: [] } } });
    const v = validateProposal({ title: "t", description: "d" }, msgs);
    expect(!v.ok && v.errors.msgs).toBe("A proposal carries at most 32 messages.");
  });
  const base = {
    status: "open",
    voting_ends_at: `${2000n * 1_000_000_000n}`,
    executable_at: null,
  } as unknown as ProposalResponse;
  test("what can be done now", () => {
    expect(proposalActions(base, 1000_000, { hasPower: true, voted: false, isGuardian: false }).vote).toBe(true);
    expect(proposalActions(base, 1000_000, { hasPower: true, voted: true, isGuardian: false }).vote).toBe(false);
    const passed = { ...base, status: "passed", executable_at: `${1500n * 1_000_000_000n}` } as ProposalResponse;
    expect(proposalActions(passed, 1000_000, { hasPower: true, voted: true, isGuardian: true })).toMatchObject({
      execute: false,
      waiting: true,
      veto: true,
    });
    expect(proposalActions(passed, 1600_000, { hasPower: true, voted: true, isGuardian: true })).toMatchObject({
      execute: true,
      waiting: false,
      veto: false,
    });
    expect(
      proposalActions({ ...base, status: "rejected" } as ProposalResponse, 0, { hasPower: false, voted: false, isGuardian: false }).close,
    ).toBe(true);
  });
});
