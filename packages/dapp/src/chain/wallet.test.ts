import type { OfflineAminoSigner } from "@cosmjs/amino";
import { isOfflineDirectSigner, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import { describe, expect, test } from "vitest";
import { type KeplrLike, pickSigner } from "./wallet";

const accounts = async () => [{ address: "wasm1a", algo: "secp256k1" as const, pubkey: new Uint8Array(33) }];
const amino: OfflineAminoSigner = { getAccounts: accounts, signAmino: async () => Promise.reject(new Error("unused")) };
const both = { ...amino, signDirect: async () => Promise.reject(new Error("Ledger does not support SIGN_MODE_DIRECT")) };
const directOnly: OfflineDirectSigner = { getAccounts: accounts, signDirect: async () => Promise.reject(new Error("unused")) };

function keplr(parts: Partial<KeplrLike>): KeplrLike {
  return {
    experimentalSuggestChain: async () => {},
    enable: async () => {},
    getKey: async () => ({ name: "k", bech32Address: "wasm1a" }),
    getOfflineSigner: () => both,
    ...parts,
  };
}

describe("the signer for a key", () => {
  test("a Ledger key gets the wallet's amino-only signer", async () => {
    const signer = await pickSigner(keplr({ getOfflineSignerOnlyAmino: () => amino, getOfflineSignerAuto: async () => both }), "c", true);
    expect(signer).toBe(amino);
    expect(isOfflineDirectSigner(signer)).toBe(false);
  });

  test("a Ledger key in a wallet without getOfflineSignerOnlyAmino: its signer cut down to amino", async () => {
    const signer = await pickSigner(keplr({}), "c", true);
    expect(isOfflineDirectSigner(signer)).toBe(false);
    expect("signAmino" in signer).toBe(true);
    expect(await signer.getAccounts()).toEqual(await accounts());
  });

  test("a Ledger key in a wallet with no amino signer is refused in words", async () => {
    await expect(pickSigner(keplr({ getOfflineSigner: () => directOnly }), "c", true)).rejects.toThrow(
      "This wallet holds a Ledger account but offers no amino signer, the only way a Ledger signs: update the wallet.",
    );
  });

  test("a software key gets what the wallet picks (getOfflineSignerAuto), else getOfflineSigner", async () => {
    expect(await pickSigner(keplr({ getOfflineSignerAuto: async () => directOnly }), "c", false)).toBe(directOnly);
    expect(await pickSigner(keplr({}), "c", false)).toBe(both);
  });
});
