// Amino JSON converters for authz and feegrant grants, which CosmJS 0.38 leaves out
// (createAuthzAminoConverters and createFeegrantAminoConverters are empty): a provider's grant to
// its agent's hot key (MsgGrant of a wasm ContractExecutionAuthorization, MsgGrantAllowance of an
// AllowedMsgAllowance over a BasicAllowance) signed on a Ledger. The JSON is what wasmd v0.70.3's
// x/tx aminojson encoder writes from the protobuf: the `amino.name` of each message, nested Any
// as {"type","value"}, (u)int64 as strings, timestamps as RFC 3339, durations as nanoseconds,
// empty fields left out unless the proto says `dont_omitempty` (coin lists then become []).
// wasm's AcceptedMessagesFilter (repeated bytes as inline JSON) has no amino form on that chain:
// its encoder takes one byte string, not a list, so a grant with it is refused before signing.

import type { AminoMsg, Coin } from "@cosmjs/amino";
import { toUtf8 } from "@cosmjs/encoding";
import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { GenericAuthorization, Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import {
  AcceptedMessageKeysFilter,
  AcceptedMessagesFilter,
  AllowAllMessagesFilter,
  CombinedLimit,
  ContractExecutionAuthorization,
  type ContractGrant,
  ContractMigrationAuthorization,
  MaxCallsLimit,
  MaxFundsLimit,
} from "cosmjs-types/cosmwasm/wasm/v1/authz";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Duration } from "cosmjs-types/google/protobuf/duration";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { AminoRefusal } from "./amino";

type Json = Record<string, unknown>;

/** `{[key]: value}` unless the value is empty (as the chain leaves out a field without dont_omitempty). */
function opt(key: string, value: string | bigint | readonly unknown[] | Json | undefined): Json {
  if (value === undefined || value === "" || value === 0n) return {};
  if (Array.isArray(value) && value.length === 0) return {};
  return { [key]: typeof value === "bigint" ? value.toString() : value };
}

/** A coin list (legacy_coins, dont_omitempty: always present, [] when empty). */
const coins = (list: readonly Coin[]): Coin[] => list.map(({ amount, denom }) => ({ amount, denom }));
const coinsFrom = (list: readonly Coin[] | undefined): Coin[] => (list ?? []).map(({ amount, denom }) => ({ amount, denom }));

/** A timestamp as Go's time.Time in amino JSON: RFC 3339, the fraction only when there are nanoseconds. */
export function timestampToAmino({ seconds, nanos }: Timestamp): string {
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const fraction = nanos ? `.${nanos.toString().padStart(9, "0").replace(/0+$/, "")}` : "";
  return `${whole}${fraction}Z`;
}

export function timestampFromAmino(text: string): Timestamp {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${text}`);
  return { seconds: BigInt(Date.parse(`${m[1]}Z`) / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** A duration in amino JSON: its nanoseconds, as a string. */
const durationToAmino = ({ seconds, nanos }: Duration): string => (seconds * 1_000_000_000n + BigInt(nanos)).toString();
function durationFromAmino(text: string): Duration {
  const total = BigInt(text);
  return { seconds: total / 1_000_000_000n, nanos: Number(total % 1_000_000_000n) };
}

/** A type carried in an Any (an authorization, a limit, a filter, an allowance) and its amino form. */
interface Nested<T> {
  typeUrl: string;
  aminoType: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  toAmino(value: T): Json;
  fromAmino(value: Json): T;
}

interface Codec<T> {
  typeUrl: string;
  encode(value: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

function nested<T>(codec: Codec<T>, aminoType: string, toAmino: (value: T) => Json, fromAmino: (value: Json) => T): Nested<T> {
  return {
    typeUrl: codec.typeUrl,
    aminoType,
    encode: (value) => codec.encode(value).finish(),
    decode: (bytes) => codec.decode(bytes),
    toAmino,
    fromAmino,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of differently typed codecs, each typed where it is made
const NESTED: Nested<any>[] = [];

function anyToAmino(any: Any): AminoMsg {
  const type = NESTED.find((n) => n.typeUrl === any.typeUrl);
  if (!type)
    throw new AminoRefusal(
      `The grant contains a ${any.typeUrl}, which a Ledger (amino JSON signing) cannot sign for this chain: nothing was sent.`,
    );
  return { type: type.aminoType, value: type.toAmino(type.decode(any.value)) };
}

function anyFromAmino(amino: AminoMsg): Any {
  const type = NESTED.find((n) => n.aminoType === amino.type);
  if (!type) throw new Error(`no protobuf type for the amino type ${amino.type}`);
  return { typeUrl: type.typeUrl, value: type.encode(type.fromAmino(amino.value)) };
}

const optAny = (key: string, any: Any | undefined): Json => (any ? { [key]: anyToAmino(any) } : {});
const anyOrUndefined = (value: unknown): Any | undefined => (value ? anyFromAmino(value as AminoMsg) : undefined);

// wasm authorizations, their limits and filters (wasmd proto/cosmwasm/wasm/v1/authz.proto).
const contractGrantToAmino = (g: ContractGrant): Json => ({
  ...opt("contract", g.contract),
  ...optAny("limit", g.limit),
  ...optAny("filter", g.filter),
});
const contractGrantFromAmino = (g: Json): ContractGrant => ({
  contract: (g.contract as string | undefined) ?? "",
  limit: anyOrUndefined(g.limit),
  filter: anyOrUndefined(g.filter),
});
const grantsFromAmino = (value: Json) => ((value.grants as Json[] | undefined) ?? []).map(contractGrantFromAmino);

NESTED.push(
  nested(
    ContractExecutionAuthorization,
    "wasm/ContractExecutionAuthorization",
    (a) => ({ grants: a.grants.map(contractGrantToAmino) }),
    (v) => ({ grants: grantsFromAmino(v) }),
  ),
  nested(
    ContractMigrationAuthorization,
    "wasm/ContractMigrationAuthorization",
    (a) => ({ grants: a.grants.map(contractGrantToAmino) }),
    (v) => ({ grants: grantsFromAmino(v) }),
  ),
  nested(
    MaxCallsLimit,
    "wasm/MaxCallsLimit",
    (l) => opt("remaining", l.remaining),
    (v) => ({ remaining: BigInt((v.remaining as string | undefined) ?? 0) }),
  ),
  nested(
    MaxFundsLimit,
    "wasm/MaxFundsLimit",
    (l) => ({ amounts: coins(l.amounts) }),
    (v) => ({ amounts: coinsFrom(v.amounts as Coin[]) }),
  ),
  nested(
    CombinedLimit,
    "wasm/CombinedLimit",
    (l) => ({ ...opt("calls_remaining", l.callsRemaining), amounts: coins(l.amounts) }),
    (v) => ({ callsRemaining: BigInt((v.calls_remaining as string | undefined) ?? 0), amounts: coinsFrom(v.amounts as Coin[]) }),
  ),
  nested(
    AllowAllMessagesFilter,
    "wasm/AllowAllMessagesFilter",
    () => ({}),
    () => ({}),
  ),
  nested(
    AcceptedMessageKeysFilter,
    "wasm/AcceptedMessageKeysFilter",
    (f) => opt("keys", f.keys),
    (v) => ({ keys: [...((v.keys as string[] | undefined) ?? [])] }),
  ),
  nested(
    AcceptedMessagesFilter,
    "wasm/AcceptedMessagesFilter",
    () => {
      throw new AminoRefusal(
        "The grant limits the contract messages to exact messages (AcceptedMessagesFilter), which this chain cannot read in amino JSON, so a Ledger cannot sign it: nothing was sent. Limit the grant by message names instead.",
      );
    },
    (v) => ({ messages: ((v.messages as unknown[] | undefined) ?? []).map((m) => toUtf8(JSON.stringify(m))) }),
  ),
  // cosmos-sdk authz (proto/cosmos/authz/v1beta1/authz.proto).
  nested(
    GenericAuthorization,
    "cosmos-sdk/GenericAuthorization",
    (a) => opt("msg", a.msg),
    (v) => ({ msg: (v.msg as string | undefined) ?? "" }),
  ),
  // cosmos-sdk feegrant allowances (proto/cosmos/feegrant/v1beta1/feegrant.proto).
  nested(BasicAllowance, "cosmos-sdk/BasicAllowance", basicToAmino, basicFromAmino),
  nested(
    PeriodicAllowance,
    "cosmos-sdk/PeriodicAllowance",
    (a) => ({
      basic: basicToAmino(a.basic),
      period: durationToAmino(a.period),
      period_spend_limit: coins(a.periodSpendLimit),
      period_can_spend: coins(a.periodCanSpend),
      period_reset: timestampToAmino(a.periodReset),
    }),
    (v) => ({
      basic: basicFromAmino(v.basic as Json),
      period: durationFromAmino(v.period as string),
      periodSpendLimit: coinsFrom(v.period_spend_limit as Coin[]),
      periodCanSpend: coinsFrom(v.period_can_spend as Coin[]),
      periodReset: timestampFromAmino(v.period_reset as string),
    }),
  ),
  nested(
    AllowedMsgAllowance,
    "cosmos-sdk/AllowedMsgAllowance",
    (a) => ({ ...optAny("allowance", a.allowance), ...opt("allowed_messages", a.allowedMessages) }),
    (v) => ({ allowance: anyOrUndefined(v.allowance), allowedMessages: [...((v.allowed_messages as string[] | undefined) ?? [])] }),
  ),
);

function basicToAmino(a: BasicAllowance): Json {
  return { spend_limit: coins(a.spendLimit), ...(a.expiration ? { expiration: timestampToAmino(a.expiration) } : {}) };
}

function basicFromAmino(v: Json): BasicAllowance {
  return {
    spendLimit: coinsFrom(v.spend_limit as Coin[]),
    expiration: v.expiration ? timestampFromAmino(v.expiration as string) : undefined,
  };
}

/** The protobuf types of the grant messages, for the signing client's registry. */
export const grantTypes: ReadonlyArray<[string, GeneratedType]> = [
  ["/cosmos.authz.v1beta1.MsgGrant", MsgGrant],
  ["/cosmos.authz.v1beta1.MsgRevoke", MsgRevoke],
  ["/cosmos.feegrant.v1beta1.MsgGrantAllowance", MsgGrantAllowance],
  ["/cosmos.feegrant.v1beta1.MsgRevokeAllowance", MsgRevokeAllowance],
];

/** Amino converters of the authz and feegrant grant messages (cosmos-sdk v0.54 proto `amino.name`s). */
export function createGrantAminoConverters(): AminoConverters {
  return {
    "/cosmos.authz.v1beta1.MsgGrant": {
      aminoType: "cosmos-sdk/MsgGrant",
      toAmino: ({ granter, grantee, grant }: MsgGrant): Json => ({
        ...opt("granter", granter),
        ...opt("grantee", grantee),
        // dont_omitempty: present even when empty.
        grant: {
          ...optAny("authorization", grant.authorization),
          ...(grant.expiration ? { expiration: timestampToAmino(grant.expiration) } : {}),
        },
      }),
      fromAmino: ({ granter, grantee, grant }: Json): MsgGrant => {
        const g = (grant ?? {}) as Json;
        return {
          granter: (granter as string | undefined) ?? "",
          grantee: (grantee as string | undefined) ?? "",
          grant: Grant.fromPartial({
            authorization: anyOrUndefined(g.authorization),
            expiration: g.expiration ? timestampFromAmino(g.expiration as string) : undefined,
          }),
        };
      },
    },
    "/cosmos.authz.v1beta1.MsgRevoke": {
      aminoType: "cosmos-sdk/MsgRevoke",
      toAmino: ({ granter, grantee, msgTypeUrl }: MsgRevoke): Json => ({
        ...opt("granter", granter),
        ...opt("grantee", grantee),
        ...opt("msg_type_url", msgTypeUrl),
      }),
      fromAmino: (v: Json): MsgRevoke => ({
        granter: (v.granter as string | undefined) ?? "",
        grantee: (v.grantee as string | undefined) ?? "",
        msgTypeUrl: (v.msg_type_url as string | undefined) ?? "",
      }),
    },
    "/cosmos.feegrant.v1beta1.MsgGrantAllowance": {
      aminoType: "cosmos-sdk/MsgGrantAllowance",
      toAmino: ({ granter, grantee, allowance }: MsgGrantAllowance): Json => ({
        ...opt("granter", granter),
        ...opt("grantee", grantee),
        ...optAny("allowance", allowance),
      }),
      fromAmino: (v: Json): MsgGrantAllowance => ({
        granter: (v.granter as string | undefined) ?? "",
        grantee: (v.grantee as string | undefined) ?? "",
        allowance: anyOrUndefined(v.allowance),
      }),
    },
    "/cosmos.feegrant.v1beta1.MsgRevokeAllowance": {
      aminoType: "cosmos-sdk/MsgRevokeAllowance",
      toAmino: ({ granter, grantee }: MsgRevokeAllowance): Json => ({ ...opt("granter", granter), ...opt("grantee", grantee) }),
      fromAmino: (v: Json): MsgRevokeAllowance => ({
        granter: (v.granter as string | undefined) ?? "",
        grantee: (v.grantee as string | undefined) ?? "",
      }),
    },
  };
}

/** An Any of one of the nested types above (for building grants: `anyOf(MaxCallsLimit, { remaining: 10n })`). */
export function anyOf<T>(codec: Codec<T>, value: T): Any {
  return { typeUrl: codec.typeUrl, value: codec.encode(value).finish() };
}
