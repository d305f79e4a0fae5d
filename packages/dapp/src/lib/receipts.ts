// Usage receipts in the browser: a session key per receipts lease, kept in
// local storage, and receipts signed with it exactly as
// @depin/ts-client's receipt.ts (and the escrow) define the bytes.
import { Secp256k1 } from "@cosmjs/crypto";
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import { receiptPublicKey, signReceipt, verifyReceipt } from "@depin/ts-client";
import { parseWhole, type Validated } from "./validate";

/** What the consumer hands to the provider (copied or downloaded as JSON). */
export interface SignedReceipt {
  chain_id: string;
  escrow: string;
  lease_id: number;
  cumulative_units: string;
  /** 64 bytes r ‖ s, base64 (the escrow's `signature` field). */
  signature: string;
}

/** The minimal Storage the key store needs (window.localStorage in the app). */
export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

interface StoredKey {
  privateKey: string;
  createdAt: number;
  /** The lease the key signs for (keys stored before leases were recorded have none). */
  leaseId?: number;
}

function storeKey(chainId: string, escrow: string): string {
  return `depin:receipt-keys:${chainId}:${escrow}`;
}

function load(storage: KeyStorage, chainId: string, escrow: string): Record<string, StoredKey> {
  try {
    const raw = storage.getItem(storeKey(chainId, escrow));
    const parsed = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/** A session key made in memory: stored only once its lease exists (storeSessionKey). */
export interface SessionKey {
  privateKey: Uint8Array;
  /** The base64 compressed public key that goes into `open_lease`. */
  pubkey: string;
}

/** Makes a session key from 32 random bytes (retrying the rare invalid ones), in memory only. */
export function generateSessionKey(random: (n: number) => Uint8Array): SessionKey {
  for (let i = 0; i < 8; i++) {
    const privateKey = random(32);
    try {
      Secp256k1.makeKeypair(privateKey);
    } catch {
      continue;
    }
    return { privateKey, pubkey: toBase64(receiptPublicKey(privateKey)) };
  }
  throw new Error("could not create a session key");
}

/** Keeps a lease's session key in storage, under its public key: called once the lease exists. */
export function storeSessionKey(storage: KeyStorage, chainId: string, escrow: string, key: SessionKey, leaseId: number): void {
  const all = load(storage, chainId, escrow);
  all[key.pubkey] = { privateKey: toHex(key.privateKey), createdAt: Date.now(), leaseId };
  storage.setItem(storeKey(chainId, escrow), JSON.stringify(all));
}

/** Forgets a session key (a closed lease's, once exported or no longer wanted). */
export function removeSessionKey(storage: KeyStorage, chainId: string, escrow: string, pubkey: string): void {
  const all = load(storage, chainId, escrow);
  delete all[pubkey];
  storage.setItem(storeKey(chainId, escrow), JSON.stringify(all));
}

/** A session key as a JSON file for safekeeping: where it was used, its lease and both keys. */
export function exportSessionKey(chainId: string, escrow: string, leaseId: number, key: SessionKey): string {
  return JSON.stringify(
    { chain_id: chainId, escrow, lease_id: leaseId, public_key: key.pubkey, private_key_hex: toHex(key.privateKey) },
    null,
    2,
  );
}

/** The private key of a lease's registered public key, if this browser made it. */
export function sessionKeyFor(storage: KeyStorage, chainId: string, escrow: string, pubkey: string): Uint8Array | null {
  const k = load(storage, chainId, escrow)[pubkey];
  return k ? fromHex(k.privateKey) : null;
}

/** Signs a cumulative receipt. */
export function makeReceipt(
  privateKey: Uint8Array,
  chainId: string,
  escrow: string,
  leaseId: number,
  cumulativeUnits: bigint,
): SignedReceipt {
  const signature = signReceipt(privateKey, chainId, escrow, leaseId, cumulativeUnits);
  return { chain_id: chainId, escrow, lease_id: leaseId, cumulative_units: cumulativeUnits.toString(), signature: toBase64(signature) };
}

/** The cumulative units a consumer may sign: whole, and above what was already redeemed. */
export function validateCumulative(text: string, redeemed: bigint): Validated<bigint> {
  const n = parseWhole(text);
  if (n === null) return { ok: false, errors: { cumulative: "Cumulative units must be a whole number greater than zero." } };
  if (n <= redeemed)
    return { ok: false, errors: { cumulative: `Receipts are cumulative: sign more than the ${redeemed} units already redeemed.` } };
  return { ok: true, value: n };
}

export interface ReceiptCheck {
  chainId: string;
  escrow: string;
  /** The lease's registered consumer key (base64), and its redeemed units. */
  leases: Map<number, { pubkey: string; redeemed: bigint }>;
}

/** A pasted or uploaded receipt, checked against the lease before the provider redeems it. */
export function parseReceipt(text: string, check: ReceiptCheck): Validated<SignedReceipt> {
  let r: Partial<SignedReceipt>;
  try {
    r = JSON.parse(text);
  } catch {
    return { ok: false, errors: { receipt: "The receipt is not valid JSON." } };
  }
  if (!r || typeof r !== "object") return { ok: false, errors: { receipt: "The receipt is not a JSON object." } };
  if (typeof r.lease_id !== "number" || !Number.isSafeInteger(r.lease_id))
    return { ok: false, errors: { receipt: "The receipt has no lease_id." } };
  if (typeof r.cumulative_units !== "string" || parseWhole(r.cumulative_units) === null) {
    return { ok: false, errors: { receipt: "The receipt's cumulative_units must be a whole number as a string." } };
  }
  if (typeof r.signature !== "string") return { ok: false, errors: { receipt: "The receipt has no signature." } };
  if (r.chain_id !== undefined && r.chain_id !== check.chainId)
    return { ok: false, errors: { receipt: `The receipt is for chain ${r.chain_id}, not ${check.chainId}.` } };
  if (r.escrow !== undefined && r.escrow !== check.escrow)
    return { ok: false, errors: { receipt: "The receipt is for another escrow contract." } };
  const lease = check.leases.get(r.lease_id);
  if (!lease) return { ok: false, errors: { receipt: `Lease ${r.lease_id} is not one of your receipts leases.` } };
  const units = BigInt(r.cumulative_units);
  if (units <= lease.redeemed)
    return { ok: false, errors: { receipt: `The receipt covers ${units} units; ${lease.redeemed} are already redeemed.` } };
  let signature: Uint8Array;
  try {
    signature = fromBase64(r.signature);
  } catch {
    return { ok: false, errors: { receipt: "The receipt's signature is not base64." } };
  }
  if (!verifyReceipt(signature, fromBase64(lease.pubkey), check.chainId, check.escrow, r.lease_id, units)) {
    return { ok: false, errors: { receipt: `The signature does not verify against lease ${r.lease_id}'s consumer key.` } };
  }
  return {
    ok: true,
    value: {
      chain_id: check.chainId,
      escrow: check.escrow,
      lease_id: r.lease_id,
      cumulative_units: r.cumulative_units,
      signature: r.signature,
    },
  };
}
