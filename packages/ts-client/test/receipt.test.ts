// Every vector of packages/depin-interface/tests/receipt_vectors.json (the
// Rust definition's test vectors), byte for byte.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromHex, toHex } from "@cosmjs/encoding";
import { receiptDigest, receiptMessage, receiptPublicKey, signReceipt, verifyReceipt } from "../src/receipt";

interface Vector {
  private_key: string;
  public_key: string;
  chain_id: string;
  escrow: string;
  lease_id: number | string;
  cumulative_units: string;
  message: string;
  digest: string;
  signature: string;
}

// Compiled to dist/test/; the vectors live in the Rust crate.
const VECTORS_PATH = join(__dirname, "../../../depin-interface/tests/receipt_vectors.json");
const raw = readFileSync(VECTORS_PATH, "utf8");
// lease_id may exceed 2^53: read it as a string before JSON.parse rounds it.
const vectors: Vector[] = JSON.parse(raw.replace(/"lease_id":\s*([0-9]+)/g, '"lease_id": "$1"')).vectors;

describe("receipt vectors", () => {
  it("has vectors, including u64::MAX and u128::MAX", () => {
    assert.ok(vectors.length >= 4, `only ${vectors.length} vectors in ${VECTORS_PATH}`);
    assert.ok(vectors.some((v) => String(v.lease_id) === "18446744073709551615"));
    assert.ok(vectors.some((v) => v.cumulative_units === "340282366920938463463374607431768211455"));
  });

  vectors.forEach((v, i) => {
    const leaseId = BigInt(v.lease_id);
    const units = BigInt(v.cumulative_units);
    describe(`vector ${i}: ${v.chain_id} lease ${v.lease_id} units ${v.cumulative_units}`, () => {
      it("message", () => {
        assert.equal(toHex(receiptMessage(v.chain_id, v.escrow, leaseId, units)), v.message);
        assert.equal(toHex(receiptMessage(v.chain_id, v.escrow, String(v.lease_id), v.cumulative_units)), v.message);
      });
      it("digest", () => {
        assert.equal(toHex(receiptDigest(v.chain_id, v.escrow, leaseId, units)), v.digest);
      });
      it("public key", () => {
        assert.equal(toHex(receiptPublicKey(fromHex(v.private_key))), v.public_key);
      });
      it("signature is the RFC 6979 one, byte for byte", () => {
        assert.equal(toHex(signReceipt(fromHex(v.private_key), v.chain_id, v.escrow, leaseId, units)), v.signature);
      });
      it("signature verifies, and not for another receipt", () => {
        const sig = fromHex(v.signature);
        const pk = fromHex(v.public_key);
        assert.equal(verifyReceipt(sig, pk, v.chain_id, v.escrow, leaseId, units), true);
        const otherUnits = units === 0n ? 1n : units - 1n;
        assert.equal(verifyReceipt(sig, pk, v.chain_id, v.escrow, leaseId, otherUnits), false);
      });
    });
  });
});

describe("receipt input checks", () => {
  it("rejects out-of-range and non-integer values", () => {
    assert.throws(() => receiptMessage("c", "e", 1n << 64n, 0), RangeError);
    assert.throws(() => receiptMessage("c", "e", 0, 1n << 128n), RangeError);
    assert.throws(() => receiptMessage("c", "e", -1, 0), RangeError);
    assert.throws(() => receiptMessage("c", "e", 1.5, 0), RangeError);
    assert.throws(() => receiptMessage("c", "e", 0, "1e3"), RangeError);
  });
  it("matches the Rust layout test (message_layout_is_fixed)", () => {
    const expected = new Uint8Array([...Buffer.from("depin-receiptce"), 0, 0, 0, 0, 0, 0, 0, 1, ...new Array(15).fill(0), 2]);
    assert.deepEqual(receiptMessage("c", "e", 1, 2), expected);
  });
});
