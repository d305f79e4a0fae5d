import { fromHex, toBase64 } from "@cosmjs/encoding";
import { describe, expect, test } from "vitest";
import { agentKeyHex, formatCurrentEpoch, formatLastProven, formatProofCounts, parseAgentKey, provenInEpoch } from "./liveness";
import type { ProviderResponse } from "./types";

// A compressed secp256k1 public key (the ts-client's liveness vector 0).
const KEY_HEX = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
const KEY_B64 = toBase64(fromHex(KEY_HEX));

const reputation = (patch: Partial<ProviderResponse["reputation"]> = {}): ProviderResponse["reputation"] => ({
  disputes_lost: 0,
  heartbeats: 0,
  leases_settled: 0,
  revenue: [],
  slashes: 0,
  usage_units: "0",
  ...patch,
});

describe("parseAgentKey", () => {
  test("accepts hex, with or without 0x, and base64; the value is base64", () => {
    expect(parseAgentKey(KEY_HEX)).toEqual({ ok: true, value: KEY_B64 });
    expect(parseAgentKey(`  0x${KEY_HEX.toUpperCase()} `)).toEqual({ ok: true, value: KEY_B64 });
    expect(parseAgentKey(KEY_B64)).toEqual({ ok: true, value: KEY_B64 });
  });

  test("refuses a key of the wrong length, in words", () => {
    expect(parseAgentKey(KEY_HEX.slice(0, 64))).toEqual({
      ok: false,
      error: "An agent key is 33 bytes (a compressed secp256k1 public key); this one is 32 bytes.",
    });
    expect(parseAgentKey(toBase64(new Uint8Array(65).fill(4)))).toMatchObject({
      ok: false,
      error: expect.stringContaining("this one is 65 bytes"),
    });
  });

  test("refuses a key that does not start 02 or 03", () => {
    const uncompressedPrefix = `04${KEY_HEX.slice(2)}`;
    expect(parseAgentKey(uncompressedPrefix)).toEqual({
      ok: false,
      error: "An agent key starts with 02 or 03 (a compressed public key); this one starts with 04 (an uncompressed key: compress it).",
    });
    expect(parseAgentKey(`05${KEY_HEX.slice(2)}`)).toMatchObject({ ok: false, error: expect.stringMatching(/starts with 05\.$/) });
  });

  test("refuses empty input and text that is neither hex nor base64", () => {
    expect(parseAgentKey("   ")).toMatchObject({ ok: false, error: expect.stringContaining("Paste the public key") });
    expect(parseAgentKey("not a key!")).toEqual({
      ok: false,
      error: "The agent key is neither hex (66 characters) nor base64 (44 characters).",
    });
  });
});

describe("proof counts", () => {
  test("the current epoch is proven only when it is the last proven one", () => {
    expect(provenInEpoch(reputation({ last_proven_epoch: 7 }), 7)).toBe(true);
    expect(provenInEpoch(reputation({ last_proven_epoch: 6 }), 7)).toBe(false);
    expect(provenInEpoch(reputation(), 7)).toBe(false);
    expect(formatCurrentEpoch(reputation({ last_proven_epoch: 7 }), 7)).toBe("epoch 7 proven");
    expect(formatCurrentEpoch(reputation({ last_proven_epoch: 6 }), 7)).toBe("epoch 7 not proven yet");
  });

  test("counts and the last proven epoch, absent fields read as none", () => {
    expect(formatProofCounts(reputation({ proven_epochs: 3, missed_epochs: 1 }))).toBe("3 proven · 1 missed");
    expect(formatProofCounts(reputation())).toBe("0 proven · 0 missed");
    expect(formatLastProven(reputation({ last_proven_epoch: 0 }))).toBe("epoch 0");
    expect(formatLastProven(reputation({ last_proven_epoch: null }))).toBe("never");
  });

  test("an agent key shows as hex", () => {
    expect(agentKeyHex(KEY_B64)).toBe(KEY_HEX);
    expect(agentKeyHex(null)).toBeNull();
  });
});
