// The bytes a provider's agent signs to prove it is live in an epoch (proof
// of service), exactly as packages/depin-interface/src/liveness.rs defines them:
//   "depin-liveness" ‖ chain_id ‖ registry address ‖ provider address ‖ epoch (u64 BE) ‖ nonce
// The digest is sha256 of that message; the signature is secp256k1 over the
// digest (RFC 6979, low s), 64 bytes r ‖ s, which the registry checks with
// secp256k1_verify against the provider's registered 33-byte agent key when
// an oracle sends it in `prove_liveness`.
import { Secp256k1, Secp256k1Signature, Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { bigEndian, concatBytes, toBigUint, type UintInput } from "./bytes";
import type { LivenessProof } from "./generated/ProviderRegistry.types";

export const LIVENESS_DOMAIN = "depin-liveness";
/** Shortest nonce the registry accepts (a challenge the agent could not have signed in advance). */
export const MIN_NONCE_BYTES = 8;
/** Longest nonce the registry accepts. */
export const MAX_NONCE_BYTES = 64;
/** Most proofs in one `prove_liveness` message. */
export const MAX_LIVENESS_PROOFS = 200;
/** Length of an agent key: a compressed secp256k1 public key (0x02 or 0x03, then 32 bytes). */
export const AGENT_KEY_BYTES = 33;

const U64_MAX = (1n << 64n) - 1n;

/** The message before hashing (liveness_message in Rust). */
export function livenessMessage(chainId: string, registry: string, provider: string, epoch: UintInput, nonce: Uint8Array): Uint8Array {
  return concatBytes([
    toUtf8(LIVENESS_DOMAIN),
    toUtf8(chainId),
    toUtf8(registry),
    toUtf8(provider),
    bigEndian(toBigUint(epoch, U64_MAX, "epoch"), 8),
    nonce,
  ]);
}

/** The 32-byte digest the agent signs (liveness_digest in Rust). */
export function livenessDigest(chainId: string, registry: string, provider: string, epoch: UintInput, nonce: Uint8Array): Uint8Array {
  return new Sha256(livenessMessage(chainId, registry, provider, epoch, nonce)).digest();
}

/** Signs a liveness challenge with the agent's key: 64 bytes r ‖ s (RFC 6979 deterministic, low s). */
export function signLiveness(
  privateKey: Uint8Array,
  chainId: string,
  registry: string,
  provider: string,
  epoch: UintInput,
  nonce: Uint8Array,
): Uint8Array {
  const signature = Secp256k1.createSignature(livenessDigest(chainId, registry, provider, epoch, nonce), privateKey);
  return Secp256k1.trimRecoveryByte(signature.toFixedLength());
}

/** Checks a 64-byte r ‖ s liveness signature against an agent key (33-byte compressed or 65-byte uncompressed). */
export function verifyLiveness(
  signature: Uint8Array,
  publicKey: Uint8Array,
  chainId: string,
  registry: string,
  provider: string,
  epoch: UintInput,
  nonce: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  return Secp256k1.verifySignature(
    Secp256k1Signature.fromFixedLength(signature),
    livenessDigest(chainId, registry, provider, epoch, nonce),
    publicKey,
  );
}

/** The 33-byte compressed public key of an agent's private key (what `register` / `update_provider` take as `agent_pubkey`). */
export function agentPublicKey(privateKey: Uint8Array): Uint8Array {
  const { pubkey } = Secp256k1.makeKeypair(privateKey);
  return Secp256k1.compressPubkey(pubkey);
}

/** True for a well-formed agent key: 33 bytes starting 0x02 or 0x03 (is_agent_key in Rust). */
export function isAgentKey(key: Uint8Array): boolean {
  return key.length === AGENT_KEY_BYTES && (key[0] === 0x02 || key[0] === 0x03);
}

/**
 * One entry of `prove_liveness`, signed with the agent's key, base64 as the
 * message takes it. Refuses a nonce the registry would refuse.
 */
export function livenessProof(
  agentPrivateKey: Uint8Array,
  at: { chainId: string; registry: string; provider: string; epoch: UintInput; nonce: Uint8Array },
): LivenessProof {
  if (at.nonce.length < MIN_NONCE_BYTES || at.nonce.length > MAX_NONCE_BYTES) {
    throw new RangeError(`a liveness nonce is ${MIN_NONCE_BYTES} to ${MAX_NONCE_BYTES} bytes, not ${at.nonce.length}`);
  }
  const signature = signLiveness(agentPrivateKey, at.chainId, at.registry, at.provider, at.epoch, at.nonce);
  return { provider: at.provider, nonce: toBase64(at.nonce), signature: toBase64(signature) };
}

/** Why the registry rejected one entry of a `prove_liveness` batch. */
export type ProofRejection = "unknown_provider" | "no_agent_key" | "bad_nonce" | "bad_signature";

/** The data of a `prove_liveness` response (ProveLivenessResponse in Rust): every entry is in exactly one list. */
export interface ProveLivenessResponse {
  epoch: number;
  /** Newly proven for `epoch`. */
  proven: string[];
  /** Already proven for `epoch`: nothing changed. */
  duplicates: string[];
  rejected: { provider: string; reason: ProofRejection }[];
}
