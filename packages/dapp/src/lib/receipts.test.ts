import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import { receiptPublicKey, signReceipt } from "@depin/ts-client";
import { describe, expect, test } from "vitest";
import {
  exportSessionKey,
  generateSessionKey,
  type KeyStorage,
  makeReceipt,
  parseReceipt,
  removeSessionKey,
  sessionKeyFor,
  storeSessionKey,
  validateCumulative,
} from "./receipts";

class MemoryStorage implements KeyStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}
const ESCROW = "wasm17p9rzwnnfxcjp32un9ug7yhhzgtkhvl9jfksztgw5uh69wac2pgsm0v070";

describe("session keys", () => {
  test("are made in memory, stored per chain and escrow once their lease exists, found by their public key", () => {
    const storage = new MemoryStorage();
    const key = generateSessionKey(() => fromHex("11".repeat(32)));
    expect(key.pubkey).toBe(toBase64(receiptPublicKey(fromHex("11".repeat(32)))));
    expect(fromBase64(key.pubkey)).toHaveLength(33);
    expect(storage.data.size).toBe(0);
    storeSessionKey(storage, "testing", ESCROW, key, 7);
    expect(toHex(sessionKeyFor(storage, "testing", ESCROW, key.pubkey) ?? new Uint8Array())).toBe("11".repeat(32));
    expect(sessionKeyFor(storage, "other-chain", ESCROW, key.pubkey)).toBeNull();
    expect(JSON.parse(exportSessionKey("testing", ESCROW, 7, key))).toEqual({
      chain_id: "testing",
      escrow: ESCROW,
      lease_id: 7,
      public_key: key.pubkey,
      private_key_hex: "11".repeat(32),
    });
    removeSessionKey(storage, "testing", ESCROW, key.pubkey);
    expect(sessionKeyFor(storage, "testing", ESCROW, key.pubkey)).toBeNull();
  });
  test("skip invalid private keys", () => {
    const draws = [new Uint8Array(32), fromHex("22".repeat(32))];
    const key = generateSessionKey(() => {
      const next = draws.shift();
      if (!next) throw new Error("generateSessionKey drew more keys than the test has");
      return next;
    });
    expect(key.pubkey).toBe(toBase64(receiptPublicKey(fromHex("22".repeat(32)))));
  });
});

describe("receipts", () => {
  const key = fromHex("11".repeat(32));
  const pubkey = toBase64(receiptPublicKey(key));
  test("are the bytes of @depin/ts-client's receipt.ts", () => {
    const r = makeReceipt(key, "testing", ESCROW, 7, 1000n);
    expect(r).toEqual({
      chain_id: "testing",
      escrow: ESCROW,
      lease_id: 7,
      cumulative_units: "1000",
      signature: toBase64(signReceipt(key, "testing", ESCROW, 7, 1000n)),
    });
  });
  test("match the Rust test vectors", () => {
    const vectors = JSON.parse(readFileSync(resolve(__dirname, "../../../depin-interface/tests/receipt_vectors.json"), "utf8"));
    const list = Array.isArray(vectors) ? vectors : vectors.vectors;
    expect(list.length).toBeGreaterThan(0);
    // Lease ids beyond 2^53 are covered by packages/ts-client's own vector test.
    for (const v of list.filter((v: { lease_id: number }) => Number.isSafeInteger(v.lease_id))) {
      const r = makeReceipt(fromHex(v.private_key), v.chain_id, v.escrow, Number(v.lease_id), BigInt(v.cumulative_units));
      expect(toHex(fromBase64(r.signature))).toBe(v.signature);
    }
  });
  test("are checked before the provider redeems them", () => {
    const check = { chainId: "testing", escrow: ESCROW, leases: new Map([[7, { pubkey, redeemed: 500n }]]) };
    const good = JSON.stringify(makeReceipt(key, "testing", ESCROW, 7, 1000n));
    expect(parseReceipt(good, check).ok).toBe(true);
    const forged = JSON.stringify({ ...JSON.parse(good), cumulative_units: "2000" });
    expect(parseReceipt(forged, check)).toEqual({
      ok: false,
      errors: { receipt: "The signature does not verify against lease 7's consumer key." },
    });
    expect(parseReceipt(JSON.stringify(makeReceipt(key, "testing", ESCROW, 7, 400n)), check)).toEqual({
      ok: false,
      errors: { receipt: "The receipt covers 400 units; 500 are already redeemed." },
    });
    expect(parseReceipt(JSON.stringify(makeReceipt(key, "other", ESCROW, 7, 1000n)), check).ok).toBe(false);
    expect(parseReceipt(JSON.stringify(makeReceipt(key, "testing", ESCROW, 8, 1000n)), check).ok).toBe(false);
    expect(parseReceipt("not json", check).ok).toBe(false);
  });
  test("are cumulative", () => {
    expect(validateCumulative("1000", 500n)).toEqual({ ok: true, value: 1000n });
    expect(validateCumulative("500", 500n).ok).toBe(false);
    expect(validateCumulative("1.5", 0n).ok).toBe(false);
  });
});
