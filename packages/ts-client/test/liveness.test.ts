// The liveness signer against vectors printed by the Rust definition
// (packages/depin-interface/src/liveness.rs: liveness_message, liveness_digest;
// signatures by k256, RFC 6979 low s), byte for byte: a change of field order,
// width or encoding on either side fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromBase64, fromHex, toHex, toUtf8 } from "@cosmjs/encoding";
import {
  agentPublicKey,
  isAgentKey,
  LIVENESS_DOMAIN,
  livenessDigest,
  livenessMessage,
  livenessProof,
  signLiveness,
  verifyLiveness,
} from "../src/liveness";

interface Vector {
  private_key: string;
  public_key: string;
  chain_id: string;
  registry: string;
  provider: string;
  epoch: string;
  nonce: string;
  message: string;
  digest: string;
  signature: string;
}

// Compiled to dist/test/; the vectors stay beside this file's source.
const vectors: Vector[] = JSON.parse(readFileSync(join(__dirname, "../../test/liveness_vectors.json"), "utf8")).vectors;

describe("liveness vectors (Rust liveness_digest)", () => {
  it("has vectors, including epoch u64::MAX and a 64-byte nonce", () => {
    assert.equal(vectors.length, 3);
    assert.ok(vectors.some((v) => v.epoch === "18446744073709551615" && v.nonce.length === 128));
  });

  vectors.forEach((v, i) => {
    const epoch = BigInt(v.epoch);
    const nonce = fromHex(v.nonce);
    describe(`vector ${i}: ${v.chain_id} epoch ${v.epoch}`, () => {
      it("message", () => {
        assert.equal(toHex(livenessMessage(v.chain_id, v.registry, v.provider, epoch, nonce)), v.message);
        assert.equal(toHex(livenessMessage(v.chain_id, v.registry, v.provider, v.epoch, nonce)), v.message);
      });
      it("digest", () => {
        assert.equal(toHex(livenessDigest(v.chain_id, v.registry, v.provider, epoch, nonce)), v.digest);
      });
      it("agent key", () => {
        assert.equal(toHex(agentPublicKey(fromHex(v.private_key))), v.public_key);
        assert.equal(isAgentKey(fromHex(v.public_key)), true);
      });
      it("signature is the RFC 6979 one, byte for byte", () => {
        assert.equal(toHex(signLiveness(fromHex(v.private_key), v.chain_id, v.registry, v.provider, epoch, nonce)), v.signature);
      });
      it("signature verifies, and not for another epoch, provider or nonce", () => {
        const sig = fromHex(v.signature);
        const pk = fromHex(v.public_key);
        assert.equal(verifyLiveness(sig, pk, v.chain_id, v.registry, v.provider, epoch, nonce), true);
        assert.equal(verifyLiveness(sig, pk, v.chain_id, v.registry, v.provider, epoch - 1n, nonce), false);
        assert.equal(verifyLiveness(sig, pk, v.chain_id, v.registry, `${v.provider}x`, epoch, nonce), false);
        assert.equal(verifyLiveness(sig, pk, v.chain_id, v.registry, v.provider, epoch, nonce.slice(1)), false);
      });
    });
  });
});

describe("liveness message layout", () => {
  it("is the domain, chain id, registry, provider, epoch as 8 bytes big-endian, then the nonce", () => {
    const msg = livenessMessage("c", "r", "p", 258, new Uint8Array([9, 9]));
    assert.deepEqual(msg, new Uint8Array([...toUtf8(`${LIVENESS_DOMAIN}crp`), 0, 0, 0, 0, 0, 0, 1, 2, 9, 9]));
  });

  it("refuses an epoch that is not a u64", () => {
    const nonce = new Uint8Array(8);
    assert.throws(() => livenessMessage("c", "r", "p", 1n << 64n, nonce), /epoch .* out of range/);
    assert.throws(() => livenessMessage("c", "r", "p", -1, nonce), /epoch -1 is out of range/);
    assert.throws(() => livenessMessage("c", "r", "p", 2 ** 53, nonce), /not a safe integer/);
  });
});

describe("livenessProof", () => {
  const v = vectors[0];
  const at = { chainId: v.chain_id, registry: v.registry, provider: v.provider, epoch: v.epoch, nonce: fromHex(v.nonce) };

  it("is the provider, the nonce and the signature in base64, as prove_liveness takes them", () => {
    const proof = livenessProof(fromHex(v.private_key), at);
    assert.equal(proof.provider, v.provider);
    assert.equal(toHex(fromBase64(proof.nonce)), v.nonce);
    assert.equal(toHex(fromBase64(proof.signature)), v.signature);
  });

  it("refuses a nonce the registry refuses (8 to 64 bytes)", () => {
    assert.throws(() => livenessProof(fromHex(v.private_key), { ...at, nonce: new Uint8Array(7) }), /8 to 64 bytes, not 7/);
    assert.throws(() => livenessProof(fromHex(v.private_key), { ...at, nonce: new Uint8Array(65) }), /8 to 64 bytes, not 65/);
    assert.doesNotThrow(() => livenessProof(fromHex(v.private_key), { ...at, nonce: new Uint8Array(64) }));
  });
});

describe("isAgentKey", () => {
  it("accepts 33 bytes starting 0x02 or 0x03 only", () => {
    const key = new Uint8Array(33).fill(7);
    key[0] = 0x02;
    assert.equal(isAgentKey(key), true);
    key[0] = 0x03;
    assert.equal(isAgentKey(key), true);
    key[0] = 0x04;
    assert.equal(isAgentKey(key), false);
    assert.equal(isAgentKey(new Uint8Array(32).fill(2)), false);
    assert.equal(isAgentKey(new Uint8Array(65).fill(2)), false);
  });
});
