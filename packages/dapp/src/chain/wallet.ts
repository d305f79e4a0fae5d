// The wallet, through the standard window.keplr interface that Keplr, Leap and
// Cosmostation (in its Keplr mode) implement: the chain is suggested with
// experimentalSuggestChain (a local chain is unknown to the wallet), enabled,
// and its offline signer drives a CosmJS SigningCosmWasmClient.
import type { OfflineSigner } from "@cosmjs/proto-signing";
import { keplrChainInfo, type NetworkConfig } from "../lib/config";

export interface KeplrKey {
  name: string;
  bech32Address: string;
}

/** The part of the Keplr API the dApp uses. */
export interface KeplrLike {
  experimentalSuggestChain(chainInfo: ReturnType<typeof keplrChainInfo>): Promise<void>;
  enable(chainIds: string | string[]): Promise<void>;
  getKey(chainId: string): Promise<KeplrKey>;
  getOfflineSigner(chainId: string): OfflineSigner;
  getOfflineSignerAuto?(chainId: string): Promise<OfflineSigner>;
}

declare global {
  interface Window {
    keplr?: KeplrLike;
  }
}

export function findWallet(): KeplrLike | null {
  return typeof window !== "undefined" && window.keplr ? window.keplr : null;
}

export interface ConnectedWallet {
  address: string;
  name: string;
  signer: OfflineSigner;
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

export async function connectWallet(config: NetworkConfig): Promise<ConnectedWallet> {
  const keplr = await waitForWallet();
  if (!keplr) throw new Error("Keplr is not installed: install Keplr, Leap or Cosmostation (Keplr mode) to sign transactions.");
  await keplr.experimentalSuggestChain(keplrChainInfo(config));
  await keplr.enable(config.chainId);
  const key = await keplr.getKey(config.chainId);
  const signer = keplr.getOfflineSignerAuto ? await keplr.getOfflineSignerAuto(config.chainId) : keplr.getOfflineSigner(config.chainId);
  const [account] = await signer.getAccounts();
  if (!account) throw new Error("No wallet account is available: unlock or create one in the wallet.");
  return { address: account.address, name: key.name, signer };
}
