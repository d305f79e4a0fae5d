// Proof of service as a person reads it: a provider's proven and missed
// epochs, whether the current epoch is proven yet, and the agent key typed
// into a form (hex or base64), checked before anything is signed.
import { fromBase64, fromHex, toBase64, toHex } from "@cosmjs/encoding";
import { AGENT_KEY_BYTES } from "@depin/ts-client";
import type { ProviderResponse } from "./types";

type Reputation = ProviderResponse["reputation"];

/** Whether the registry counts `reputation`'s provider as proven in `currentEpoch`. */
export function provenInEpoch(reputation: Reputation, currentEpoch: number): boolean {
  return reputation.last_proven_epoch === currentEpoch;
}

/** "3 proven · 1 missed": the epochs an oracle proved the provider live in, and those it let pass. */
export function formatProofCounts(reputation: Reputation): string {
  return `${reputation.proven_epochs ?? 0} proven · ${reputation.missed_epochs ?? 0} missed`;
}

/** The current epoch's state in words: proven, or not yet (and what that means for the rewards). */
export function formatCurrentEpoch(reputation: Reputation, currentEpoch: number): string {
  if (provenInEpoch(reputation, currentEpoch)) return `epoch ${currentEpoch} proven`;
  return `epoch ${currentEpoch} not proven yet`;
}

/** The last epoch proven, or "never". */
export function formatLastProven(reputation: Reputation): string {
  return reputation.last_proven_epoch == null ? "never" : `epoch ${reputation.last_proven_epoch}`;
}

/** An agent key (base64 as the registry returns it) as hex, the way agents print it. */
export function agentKeyHex(pubkey: string | null | undefined): string | null {
  if (!pubkey) return null;
  try {
    return toHex(fromBase64(pubkey));
  } catch {
    return null;
  }
}

export type AgentKeyInput = { ok: true; value: string } | { ok: false; error: string };

/**
 * An agent key typed or pasted: 66 hex characters (an optional 0x first) or
 * base64, decoding to 33 bytes that start 0x02 or 0x03 (a compressed
 * secp256k1 public key). The value is base64, as `update_provider` takes it.
 */
export function parseAgentKey(input: string): AgentKeyInput {
  const text = input.trim();
  if (!text) return { ok: false, error: "Paste the public key of your provider agent (depin-provider prints it)." };
  let bytes: Uint8Array;
  const hex = text.replace(/^0x/i, "");
  if (/^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 && hex.length !== 44) {
    bytes = fromHex(hex);
  } else if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) {
    bytes = fromBase64(text);
  } else {
    return { ok: false, error: "The agent key is neither hex (66 characters) nor base64 (44 characters)." };
  }
  if (bytes.length !== AGENT_KEY_BYTES) {
    return {
      ok: false,
      error: `An agent key is ${AGENT_KEY_BYTES} bytes (a compressed secp256k1 public key); this one is ${bytes.length} bytes.`,
    };
  }
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) {
    const first = bytes[0].toString(16).padStart(2, "0");
    return {
      ok: false,
      error: `An agent key starts with 02 or 03 (a compressed public key); this one starts with ${first}${first === "04" ? " (an uncompressed key: compress it)" : ""}.`,
    };
  }
  return { ok: true, value: toBase64(bytes) };
}
