// The 64-bit account numbers wasmd v0.70 gives new accounts: CosmJS's own
// parser refuses them; ours keeps them exact into the direct sign doc.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeSignDoc } from "@cosmjs/proto-signing";
import { accountFromAny } from "@cosmjs/stargate";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { accountParser } from "../src";

const BIG = (1n << 60n) + 5n;
const ADDRESS = "wasm1xkzgfw2tgqw2w9l78vf3hvray540jxq0w5vs3d";

function baseAny(accountNumber: bigint, sequence: bigint) {
  return {
    typeUrl: "/cosmos.auth.v1beta1.BaseAccount",
    value: BaseAccount.encode(BaseAccount.fromPartial({ address: ADDRESS, accountNumber, sequence })).finish(),
  };
}

describe("accountParser", () => {
  it("CosmJS's default parser refuses an account number above 2^53", () => {
    assert.throws(() => accountFromAny(baseAny(BIG, 3n)), /53 bits/);
  });
  it("keeps a 64-bit account number exact through the direct sign doc", () => {
    const account = accountParser(baseAny(BIG, 3n));
    assert.equal(account.address, ADDRESS);
    assert.equal(account.sequence, 3);
    assert.equal(makeSignDoc(new Uint8Array(), new Uint8Array(), "c", account.accountNumber).accountNumber, BIG);
  });
  it("returns small account numbers as plain numbers", () => {
    const account = accountParser(baseAny(42n, 0n));
    assert.equal(account.accountNumber, 42);
    assert.equal(typeof account.accountNumber, "number");
  });
  it("reads the base account inside a module account", () => {
    const value = ModuleAccount.encode(
      ModuleAccount.fromPartial({ baseAccount: { address: ADDRESS, accountNumber: BIG, sequence: 0n }, name: "gov" }),
    ).finish();
    assert.equal(
      makeSignDoc(
        new Uint8Array(),
        new Uint8Array(),
        "c",
        accountParser({ typeUrl: "/cosmos.auth.v1beta1.ModuleAccount", value }).accountNumber,
      ).accountNumber,
      BIG,
    );
  });
  it("refuses account types it does not know, as CosmJS does", () => {
    assert.throws(() => accountParser({ typeUrl: "/example.Unknown", value: new Uint8Array() }), /Unsupported type/);
  });
});
