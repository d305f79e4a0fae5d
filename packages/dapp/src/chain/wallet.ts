// The wallet, through the standard window.keplr interface that Keplr, Leap and
// Cosmostation (in its Keplr mode) implement: the chain is suggested with
// experimentalSuggestChain (a local chain is unknown to the wallet), enabled,
// and its offline signer drives a CosmJS SigningCosmWasmClient. A Ledger account
// (getKey's isNanoLedger) signs only amino JSON: the dApp asks for the wallet's
// amino-only signer, and src/chain/amino.ts builds what it signs.
import type { OfflineAminoSigner } from "@cosmjs/amino";
import { isOfflineDirectSigner, type OfflineSigner } from "@cosmjs/proto-signing";
import { keplrChainInfo, type NetworkConfig } from "../lib/config";

export interface KeplrKey {
  name: string;
  bech32Address: string;
  /** A Ledger account: the wallet signs amino JSON only (SIGN_MODE_LEGACY_AMINO_JSON). */
  isNanoLedger?: boolean;
}

/** The part of the Keplr API the dApp uses. */
export interface KeplrLike {
  experimentalSuggestChain(chainInfo: ReturnType<typeof keplrChainInfo>): Promise<void>;
  enable(chainIds: string | string[]): Promise<void>;
  getKey(chainId: string): Promise<KeplrKey>;
  getOfflineSigner(chainId: string): OfflineSigner;
  getOfflineSignerAuto?(chainId: string): Promise<OfflineSigner>;
  getOfflineSignerOnlyAmino?(chainId: string): OfflineAminoSigner;
}

declare global {
  interface Window {
    keplr?: KeplrLike;
  }
}

export function findWallet(): KeplrLike | null {
  return typeof window !== "undefined" && window.keplr ? window.keplr : null;
}

/** How the wallet signs: protobuf sign docs (direct), or amino JSON only (a Ledger, or a wallet without signDirect). */
export type SignMode = "direct" | "amino";

export interface ConnectedWallet {
  address: string;
  name: string;
  signer: OfflineSigner;
  signMode: SignMode;
  ledger: boolean;
}

/** Wallet extensions inject window.keplr after the page loads: wait a little for it. */
export async function waitForWallet(timeoutMs = 1500): Promise<KeplrLike | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const w = findWallet();
    if (w || Date.now() > deadline) return w;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The wallet's signer for the chain: for a Ledger account its amino-only signer (a signer that
 * also offers signDirect is cut down to amino, which is all a Ledger signs through Keplr),
 * otherwise whatever the wallet picks for the key (getOfflineSignerAuto).
 */
export async function pickSigner(keplr: KeplrLike, chainId: string, ledger: boolean): Promise<OfflineSigner> {
  if (ledger) {
    if (keplr.getOfflineSignerOnlyAmino) return keplr.getOfflineSignerOnlyAmino(chainId);
    const signer = keplr.getOfflineSigner(chainId);
    if (!("signAmino" in signer))
      throw new Error("This wallet holds a Ledger account but offers no amino signer, the only way a Ledger signs: update the wallet.");
    return { getAccounts: () => signer.getAccounts(), signAmino: (address, doc) => signer.signAmino(address, doc) };
  }
  return keplr.getOfflineSignerAuto ? await keplr.getOfflineSignerAuto(chainId) : keplr.getOfflineSigner(chainId);
}

export async function connectWallet(config: NetworkConfig): Promise<ConnectedWallet> {
  const keplr = await waitForWallet();
  if (!keplr) throw new Error("Keplr is not installed: install Keplr, Leap or Cosmostation (Keplr mode) to sign transactions.");
  await keplr.experimentalSuggestChain(keplrChainInfo(config));
  await keplr.enable(config.chainId);
  const key = await keplr.getKey(config.chainId);
  const ledger = key.isNanoLedger === true;
  const signer = await pickSigner(keplr, config.chainId, ledger);
  const [account] = await signer.getAccounts();
  if (!account) throw new Error("No wallet account is available: unlock or create one in the wallet.");
  return { address: account.address, name: key.name, signer, signMode: isOfflineDirectSigner(signer) ? "direct" : "amino", ledger };
}
