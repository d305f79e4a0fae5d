// The amino JSON of every converter, as wasmd v0.70.3's x/tx aminojson encoder writes it (field
// names and amino.name from the cosmos-sdk v0.54 and wasmd protos; empty fields left out unless
// dont_omitempty; coin lists [] when empty; u64 as strings; RFC 3339 times; durations in ns).
// The agent's grants are also broadcast, signed in amino JSON, in e2e/ledger.e2e.ts.
import { type StdSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { createWasmAminoConverters } from "@cosmjs/cosmwasm";
import { fromUtf8, toUtf8 } from "@cosmjs/encoding";
import { Registry } from "@cosmjs/proto-signing";
import { AminoTypes } from "@cosmjs/stargate";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import {
  AcceptedMessageKeysFilter,
  AcceptedMessagesFilter,
  AllowAllMessagesFilter,
  CombinedLimit,
  ContractExecutionAuthorization,
  ContractMigrationAuthorization,
  MaxCallsLimit,
  MaxFundsLimit,
} from "cosmjs-types/cosmwasm/wasm/v1/authz";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { describe, expect, test } from "vitest";
import { AminoRefusal } from "./amino";
import { anyOf, createGrantAminoConverters, grantTypes, timestampFromAmino, timestampToAmino } from "./grants";

const aminoTypes = new AminoTypes({ ...createWasmAminoConverters(), ...createGrantAminoConverters() });
const registry = new Registry(grantTypes);
const P = "wasm1provider";
const HOT = "wasm1hot";

/** The amino JSON of a message as it is signed: sorted and escaped by CosmJS's serializeSignDoc, cut out of a sign doc. */
function json(typeUrl: string, value: unknown): string {
  const doc = { msgs: [aminoTypes.toAmino({ typeUrl, value })] } as unknown as StdSignDoc;
  return fromUtf8(serializeSignDoc(doc)).slice('{"msgs":['.length, -"]}".length);
}

/** Converts to amino and back: the protobuf bytes must be the same. */
function roundTrips(typeUrl: string, value: unknown) {
  const back = aminoTypes.fromAmino(JSON.parse(JSON.stringify(aminoTypes.toAmino({ typeUrl, value }))));
  expect(back.typeUrl).toBe(typeUrl);
  expect(registry.encode(back)).toEqual(registry.encode({ typeUrl, value }));
}

/** The agent's grant (packages/provider-agent/src/grants.rs): execution on two contracts, by message name, a call budget. */
const agentGrant = MsgGrant.fromPartial({
  granter: P,
  grantee: HOT,
  grant: {
    authorization: anyOf(ContractExecutionAuthorization, {
      grants: [
        {
          contract: "wasm1registry",
          limit: anyOf(MaxCallsLimit, { remaining: 100000n }),
          filter: anyOf(AcceptedMessageKeysFilter, { keys: ["heartbeat", "claim_rewards"] }),
        },
        {
          contract: "wasm1escrow",
          limit: anyOf(MaxCallsLimit, { remaining: 100000n }),
          filter: anyOf(AcceptedMessageKeysFilter, { keys: ["report_usage", "settle"] }),
        },
      ],
    }),
    expiration: { seconds: 1830297600n, nanos: 0 }, // 2028-01-01
  },
});

/** The agent's fee grant: MsgExec only, up to a spend limit. */
const agentFeeGrant = MsgGrantAllowance.fromPartial({
  granter: P,
  grantee: HOT,
  allowance: anyOf(AllowedMsgAllowance, {
    allowance: anyOf(BasicAllowance, { spendLimit: [{ denom: "ustake", amount: "50000000" }], expiration: undefined }),
    allowedMessages: ["/cosmos.authz.v1beta1.MsgExec"],
  }),
});

describe("authz", () => {
  test("the agent's MsgGrant of a wasm ContractExecutionAuthorization", () => {
    expect(json("/cosmos.authz.v1beta1.MsgGrant", agentGrant)).toBe(
      '{"type":"cosmos-sdk/MsgGrant","value":{"grant":{"authorization":{"type":"wasm/ContractExecutionAuthorization","value":{"grants":[' +
        '{"contract":"wasm1registry","filter":{"type":"wasm/AcceptedMessageKeysFilter","value":{"keys":["heartbeat","claim_rewards"]}},"limit":{"type":"wasm/MaxCallsLimit","value":{"remaining":"100000"}}},' +
        '{"contract":"wasm1escrow","filter":{"type":"wasm/AcceptedMessageKeysFilter","value":{"keys":["report_usage","settle"]}},"limit":{"type":"wasm/MaxCallsLimit","value":{"remaining":"100000"}}}' +
        ']}},"expiration":"2028-01-01T00:00:00Z"},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.authz.v1beta1.MsgGrant", agentGrant);
  });

  test("the other wasm limits and filters, a generic authorization, no expiration (grant kept: dont_omitempty)", () => {
    const grant = MsgGrant.fromPartial({
      granter: P,
      grantee: HOT,
      grant: {
        authorization: anyOf(ContractMigrationAuthorization, {
          grants: [
            {
              contract: "wasm1a",
              limit: anyOf(MaxFundsLimit, { amounts: [{ denom: "uusdc", amount: "5" }] }),
              filter: anyOf(AllowAllMessagesFilter, {}),
            },
            { contract: "wasm1b", limit: anyOf(CombinedLimit, { callsRemaining: 3n, amounts: [] }) },
            { contract: "wasm1c", limit: anyOf(MaxCallsLimit, { remaining: 0n }), filter: anyOf(AcceptedMessageKeysFilter, { keys: [] }) },
          ],
        }),
      },
    });
    expect(json("/cosmos.authz.v1beta1.MsgGrant", grant)).toBe(
      '{"type":"cosmos-sdk/MsgGrant","value":{"grant":{"authorization":{"type":"wasm/ContractMigrationAuthorization","value":{"grants":[' +
        '{"contract":"wasm1a","filter":{"type":"wasm/AllowAllMessagesFilter","value":{}},"limit":{"type":"wasm/MaxFundsLimit","value":{"amounts":[{"amount":"5","denom":"uusdc"}]}}},' +
        '{"contract":"wasm1b","limit":{"type":"wasm/CombinedLimit","value":{"amounts":[],"calls_remaining":"3"}}},' +
        '{"contract":"wasm1c","filter":{"type":"wasm/AcceptedMessageKeysFilter","value":{}},"limit":{"type":"wasm/MaxCallsLimit","value":{}}}' +
        ']}}},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.authz.v1beta1.MsgGrant", grant);
    const generic = MsgGrant.fromPartial({
      granter: P,
      grantee: HOT,
      grant: {
        authorization: anyOf(GenericAuthorization, { msg: "/cosmos.bank.v1beta1.MsgSend" }),
        expiration: { seconds: 1830297600n, nanos: 5000 },
      },
    });
    expect(json("/cosmos.authz.v1beta1.MsgGrant", generic)).toBe(
      '{"type":"cosmos-sdk/MsgGrant","value":{"grant":{"authorization":{"type":"cosmos-sdk/GenericAuthorization","value":{"msg":"/cosmos.bank.v1beta1.MsgSend"}},"expiration":"2028-01-01T00:00:00.000005Z"},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.authz.v1beta1.MsgGrant", generic);
  });

  test("MsgRevoke", () => {
    const revoke = MsgRevoke.fromPartial({ granter: P, grantee: HOT, msgTypeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract" });
    expect(json("/cosmos.authz.v1beta1.MsgRevoke", revoke)).toBe(
      '{"type":"cosmos-sdk/MsgRevoke","value":{"grantee":"wasm1hot","granter":"wasm1provider","msg_type_url":"/cosmwasm.wasm.v1.MsgExecuteContract"}}',
    );
    roundTrips("/cosmos.authz.v1beta1.MsgRevoke", revoke);
  });

  test("refuses an AcceptedMessagesFilter in words: the chain has no amino JSON for it", () => {
    const grant = MsgGrant.fromPartial({
      granter: P,
      grantee: HOT,
      grant: {
        authorization: anyOf(ContractExecutionAuthorization, {
          grants: [{ contract: "wasm1a", filter: anyOf(AcceptedMessagesFilter, { messages: [toUtf8('{"settle":{}}')] }) }],
        }),
      },
    });
    expect(() => aminoTypes.toAmino({ typeUrl: "/cosmos.authz.v1beta1.MsgGrant", value: grant })).toThrow(AminoRefusal);
    expect(() => aminoTypes.toAmino({ typeUrl: "/cosmos.authz.v1beta1.MsgGrant", value: grant })).toThrow(
      /Limit the grant by message names instead/,
    );
  });
});

describe("feegrant", () => {
  test("the agent's MsgGrantAllowance: an AllowedMsgAllowance over a BasicAllowance", () => {
    expect(json("/cosmos.feegrant.v1beta1.MsgGrantAllowance", agentFeeGrant)).toBe(
      '{"type":"cosmos-sdk/MsgGrantAllowance","value":{"allowance":{"type":"cosmos-sdk/AllowedMsgAllowance","value":{"allowance":{"type":"cosmos-sdk/BasicAllowance","value":{"spend_limit":[{"amount":"50000000","denom":"ustake"}]}},"allowed_messages":["/cosmos.authz.v1beta1.MsgExec"]}},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.feegrant.v1beta1.MsgGrantAllowance", agentFeeGrant);
  });

  test("a BasicAllowance without a limit keeps spend_limit: []; a PeriodicAllowance's period is in nanoseconds", () => {
    const basic = MsgGrantAllowance.fromPartial({
      granter: P,
      grantee: HOT,
      allowance: anyOf(BasicAllowance, { spendLimit: [], expiration: { seconds: 1830297600n, nanos: 0 } }),
    });
    expect(json("/cosmos.feegrant.v1beta1.MsgGrantAllowance", basic)).toBe(
      '{"type":"cosmos-sdk/MsgGrantAllowance","value":{"allowance":{"type":"cosmos-sdk/BasicAllowance","value":{"expiration":"2028-01-01T00:00:00Z","spend_limit":[]}},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.feegrant.v1beta1.MsgGrantAllowance", basic);
    const periodic = MsgGrantAllowance.fromPartial({
      granter: P,
      grantee: HOT,
      allowance: anyOf(PeriodicAllowance, {
        basic: { spendLimit: [], expiration: undefined },
        period: { seconds: 3600n, nanos: 0 },
        periodSpendLimit: [{ denom: "ustake", amount: "1000" }],
        periodCanSpend: [],
        periodReset: { seconds: 0n, nanos: 0 },
      }),
    });
    expect(json("/cosmos.feegrant.v1beta1.MsgGrantAllowance", periodic)).toBe(
      '{"type":"cosmos-sdk/MsgGrantAllowance","value":{"allowance":{"type":"cosmos-sdk/PeriodicAllowance","value":{"basic":{"spend_limit":[]},"period":"3600000000000","period_can_spend":[],"period_reset":"1970-01-01T00:00:00Z","period_spend_limit":[{"amount":"1000","denom":"ustake"}]}},"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.feegrant.v1beta1.MsgGrantAllowance", periodic);
  });

  test("MsgRevokeAllowance", () => {
    const revoke = MsgRevokeAllowance.fromPartial({ granter: P, grantee: HOT });
    expect(json("/cosmos.feegrant.v1beta1.MsgRevokeAllowance", revoke)).toBe(
      '{"type":"cosmos-sdk/MsgRevokeAllowance","value":{"grantee":"wasm1hot","granter":"wasm1provider"}}',
    );
    roundTrips("/cosmos.feegrant.v1beta1.MsgRevokeAllowance", revoke);
  });
});

describe("CosmWasm's own converter (createWasmAminoConverters) for every contract call the dApp sends", () => {
  test("MsgExecuteContract: msg inline, funds [] when none (dont_omitempty), cw20 send's hook as its base64 string", () => {
    const send = MsgExecuteContract.fromPartial({
      sender: P,
      contract: "wasm1token",
      msg: toUtf8(JSON.stringify({ send: { contract: "wasm1dao", amount: "5", msg: "eyJzdGFrZSI6e319" } })),
      funds: [],
    });
    expect(json("/cosmwasm.wasm.v1.MsgExecuteContract", send)).toBe(
      '{"type":"wasm/MsgExecuteContract","value":{"contract":"wasm1token","funds":[],"msg":{"send":{"amount":"5","contract":"wasm1dao","msg":"eyJzdGFrZSI6e319"}},"sender":"wasm1provider"}}',
    );
    const withFunds = MsgExecuteContract.fromPartial({ ...send, funds: [{ denom: "ustake", amount: "3000000" }] });
    expect(json("/cosmwasm.wasm.v1.MsgExecuteContract", withFunds)).toContain('"funds":[{"amount":"3000000","denom":"ustake"}]');
  });
});

test("timestamps as Go's RFC 3339: whole seconds bare, nanoseconds without trailing zeros", () => {
  expect(timestampToAmino({ seconds: 1830297600n, nanos: 0 })).toBe("2028-01-01T00:00:00Z");
  expect(timestampToAmino({ seconds: 1830297600n, nanos: 120_000_000 })).toBe("2028-01-01T00:00:00.12Z");
  expect(timestampToAmino({ seconds: 1n, nanos: 1 })).toBe("1970-01-01T00:00:01.000000001Z");
  expect(timestampFromAmino("2028-01-01T00:00:00.12Z")).toEqual({ seconds: 1830297600n, nanos: 120_000_000 });
  expect(() => timestampFromAmino("2028-01-01 00:00")).toThrow("not an RFC 3339 UTC time");
});
