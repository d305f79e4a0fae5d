// The bytes a consumer signs for a usage receipt, exactly as
// packages/depin-interface/src/receipt.rs defines them:
//   "depin-receipt" ‖ chain_id ‖ escrow address (bech32) ‖ lease_id (u64 BE) ‖ cumulative_units (u128 BE)
// The digest is sha256 of that message; the signature is secp256k1 over the
// digest (RFC 6979, low s), 64 bytes r ‖ s, which the escrow checks with
// secp256k1_verify against the consumer's registered 33-byte compressed key.
import { Secp256k1, Secp256k1Signature, Sha256 } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";
import { bigEndian, concatBytes, toBigUint, type UintInput } from "./bytes";

export type { UintInput } from "./bytes";

export const RECEIPT_DOMAIN = "depin-receipt";

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** The message before hashing (receipt_message in Rust). */
export function receiptMessage(chainId: string, escrow: string, leaseId: UintInput, cumulativeUnits: UintInput): Uint8Array {
  const parts = [
    toUtf8(RECEIPT_DOMAIN),
    toUtf8(chainId),
    toUtf8(escrow),
    bigEndian(toBigUint(leaseId, U64_MAX, "lease_id"), 8),
    bigEndian(toBigUint(cumulativeUnits, U128_MAX, "cumulative_units"), 16),
  ];
  return concatBytes(parts);
}

/** The 32-byte digest the consumer signs (receipt_digest in Rust). */
export function receiptDigest(chainId: string, escrow: string, leaseId: UintInput, cumulativeUnits: UintInput): Uint8Array {
  return new Sha256(receiptMessage(chainId, escrow, leaseId, cumulativeUnits)).digest();
}

/** Signs a receipt: 64 bytes r ‖ s (RFC 6979 deterministic, low s), as the escrow's `signature` field expects. */
export function signReceipt(
  privateKey: Uint8Array,
  chainId: string,
  escrow: string,
  leaseId: UintInput,
  cumulativeUnits: UintInput,
): Uint8Array {
  const signature = Secp256k1.createSignature(receiptDigest(chainId, escrow, leaseId, cumulativeUnits), privateKey);
  return Secp256k1.trimRecoveryByte(signature.toFixedLength());
}

/** Checks a 64-byte r ‖ s receipt signature against a public key (33-byte compressed or 65-byte uncompressed). */
export function verifyReceipt(
  signature: Uint8Array,
  publicKey: Uint8Array,
  chainId: string,
  escrow: string,
  leaseId: UintInput,
  cumulativeUnits: UintInput,
): boolean {
  if (signature.length !== 64) return false;
  return Secp256k1.verifySignature(
    Secp256k1Signature.fromFixedLength(signature),
    receiptDigest(chainId, escrow, leaseId, cumulativeUnits),
    publicKey,
  );
}

/** The 33-byte compressed public key of a private key (what a consumer registers with the escrow). */
export function receiptPublicKey(privateKey: Uint8Array): Uint8Array {
  const { pubkey } = Secp256k1.makeKeypair(privateKey);
  return Secp256k1.compressPubkey(pubkey);
}
