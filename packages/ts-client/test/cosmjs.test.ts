// CosmJS as pinned by package-lock.json: guards the @scure/base override in
// package.json (2.3+ breaks fromBech32 and instantiate2Address in CosmJS 0.38).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { instantiate2Address } from "@cosmjs/cosmwasm";
import { fromBech32, fromHex, toUtf8 } from "@cosmjs/encoding";

describe("cosmjs", () => {
  it("decodes a wasm bech32 address", () => {
    const { prefix, data } = fromBech32("wasm1xkzgfw2tgqw2w9l78vf3hvray540jxq0w5vs3d");
    assert.equal(prefix, "wasm");
    assert.equal(data.length, 20);
  });
  it("computes an instantiate2 address", () => {
    const checksum = fromHex("13a1fc994cc6d1c81b746ee0c0ff6f90043875e0bf1d9be6b7d779fc978dc2a5");
    const creator = "purple1nxvenxve42424242hwamhwamenxvenxvhxf2py";
    const address = instantiate2Address(checksum, creator, toUtf8("test"), "purple");
    assert.match(address, /^purple1[02-9ac-hj-np-z]{58}$/);
  });
});
