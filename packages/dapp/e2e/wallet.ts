// A Keplr-compatible window.keplr for the browser tests, signing in the test
// process with CosmJS (DirectSecp256k1HdWallet for direct sign docs,
// Secp256k1HdWallet for amino) from a devnet mnemonic. The page sees only the
// standard interface (experimentalSuggestChain, enable, getKey,
// getOfflineSigner[Auto], signDirect, signAmino): the dApp cannot tell it from
// a wallet extension. Bytes cross the page boundary as base64, bigints as strings.
// As a Ledger (`ledger: true`) it behaves as Keplr does with a Ledger key: getKey
// says isNanoLedger, getOfflineSignerAuto and getOfflineSignerOnlyAmino give a
// signer without signDirect, and every signDirect request is refused (and counted).

import { Secp256k1HdWallet, type StdSignDoc } from "@cosmjs/amino";
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { type AccountData, DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import type { Page } from "playwright-core";

export interface TestWallet {
  address: string;
  /** Chains the page suggested (experimentalSuggestChain), as received. */
  suggested: { chainId: string; rpc: string; rest: string }[];
  /** How many transactions the page had signed. */
  signed: number;
  /** While true, the wallet refuses to sign, as when a person rejects the request. */
  reject: boolean;
  /** A Ledger: amino JSON only. */
  ledger: boolean;
  /** The amino sign docs the page asked the wallet to sign, as received (JSON). */
  aminoDocs: StdSignDoc[];
  /** signDirect requests (a Ledger refuses each). */
  directRequests: number;
}

export async function injectWallet(page: Page, mnemonic: string, name: string, prefix = "wasm", ledger = false): Promise<TestWallet> {
  const direct = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix });
  const amino = await Secp256k1HdWallet.fromMnemonic(mnemonic, { prefix });
  const [account] = await direct.getAccounts();
  const wallet: TestWallet = {
    address: account.address,
    suggested: [],
    signed: 0,
    reject: false,
    ledger,
    aminoDocs: [],
    directRequests: 0,
  };
  await page.exposeFunction("__depinTestWallet", walletBackend(wallet, { name, direct, amino, account }));
  await page.addInitScript(installPageWallet, ledger);
  return wallet;
}

interface Keys {
  name: string;
  direct: DirectSecp256k1HdWallet;
  amino: Secp256k1HdWallet;
  account: AccountData;
}

/** The test-process side: answers the page's wallet calls (JSON in, JSON out) and records them in `wallet`. */
function walletBackend(wallet: TestWallet, { name, direct, amino, account }: Keys) {
  const enabled = new Set<string>();
  return async (method: string, argsJson: string): Promise<string> => {
    const args = JSON.parse(argsJson);
    switch (method) {
      case "experimentalSuggestChain":
        wallet.suggested.push(args[0]);
        return "null";
      case "enable":
        for (const id of [args[0]].flat()) {
          if (!wallet.suggested.some((c) => c.chainId === id)) throw new Error(`There is no chain info for ${id}`);
          enabled.add(id);
        }
        return "null";
      case "getKey":
        if (!enabled.has(args[0])) throw new Error(`${args[0]} is not enabled`);
        return JSON.stringify({
          name,
          algo: "secp256k1",
          pubKey: toBase64(account.pubkey),
          bech32Address: account.address,
          isNanoLedger: wallet.ledger,
        });
      case "getAccounts":
        return JSON.stringify([{ address: account.address, algo: account.algo, pubkey: toBase64(account.pubkey) }]);
      case "signDirect": {
        if (wallet.ledger) {
          wallet.directRequests++;
          throw new Error("Ledger does not support SIGN_MODE_DIRECT: sign in amino JSON");
        }
        if (wallet.reject) throw new Error("Request rejected");
        const [signer, doc] = args;
        const res = await direct.signDirect(signer, {
          bodyBytes: fromBase64(doc.bodyBytes),
          authInfoBytes: fromBase64(doc.authInfoBytes),
          chainId: doc.chainId,
          accountNumber: BigInt(doc.accountNumber),
        });
        wallet.signed++;
        return JSON.stringify({
          signed: {
            bodyBytes: toBase64(res.signed.bodyBytes),
            authInfoBytes: toBase64(res.signed.authInfoBytes),
            chainId: res.signed.chainId,
            accountNumber: res.signed.accountNumber.toString(),
          },
          signature: res.signature,
        });
      }
      case "signAmino": {
        if (wallet.reject) throw new Error("Request rejected");
        const [signer, doc] = args as [string, StdSignDoc];
        wallet.aminoDocs.push(doc);
        const res = await amino.signAmino(signer, doc);
        wallet.signed++;
        return JSON.stringify(res);
      }
      default:
        throw new Error(`unknown wallet method ${method}`);
    }
  };
}

/** The page side (runs in the browser, self-contained): window.keplr forwarding every call to the test process. */
function installPageWallet(ledger: boolean) {
  type Bridge = (method: string, argsJson: string) => Promise<string>;
  const call = async (method: string, ...args: unknown[]) =>
    JSON.parse(await (window as unknown as { __depinTestWallet: Bridge }).__depinTestWallet(method, JSON.stringify(args)));
  const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
  const signer = (chainId: string) => ({
    getAccounts: async () =>
      ((await call("getAccounts")) as { address: string; algo: string; pubkey: string }[]).map((a) => ({
        ...a,
        pubkey: bytes(a.pubkey),
      })),
    signDirect: async (
      address: string,
      doc: { bodyBytes: Uint8Array; authInfoBytes: Uint8Array; chainId: string; accountNumber: bigint },
    ) => {
      if (doc.chainId !== chainId) throw new Error("chain id mismatch");
      const res = await call("signDirect", address, {
        bodyBytes: b64(doc.bodyBytes),
        authInfoBytes: b64(doc.authInfoBytes),
        chainId: doc.chainId,
        accountNumber: doc.accountNumber.toString(),
      });
      return {
        signed: {
          ...res.signed,
          bodyBytes: bytes(res.signed.bodyBytes),
          authInfoBytes: bytes(res.signed.authInfoBytes),
          accountNumber: BigInt(res.signed.accountNumber),
        },
        signature: res.signature,
      };
    },
    signAmino: async (address: string, doc: unknown) => call("signAmino", address, doc),
  });
  const aminoOnly = (chainId: string) => {
    const s = signer(chainId);
    return { getAccounts: s.getAccounts, signAmino: s.signAmino };
  };
  const keplr = {
    version: "0.12.0-test",
    mode: "extension",
    experimentalSuggestChain: (info: unknown) => call("experimentalSuggestChain", info),
    enable: (chainIds: string | string[]) => call("enable", chainIds),
    getKey: async (chainId: string) => {
      const k = await call("getKey", chainId);
      return { ...k, pubKey: bytes(k.pubKey), address: new Uint8Array(20) };
    },
    getOfflineSigner: (chainId: string) => signer(chainId),
    getOfflineSignerOnlyAmino: (chainId: string) => aminoOnly(chainId),
    getOfflineSignerAuto: async (chainId: string) => (ledger ? aminoOnly(chainId) : signer(chainId)),
    signDirect: (chainId: string, address: string, doc: never) => signer(chainId).signDirect(address, doc),
    signAmino: (chainId: string, address: string, doc: unknown) => signer(chainId).signAmino(address, doc),
  };
  Object.defineProperty(window, "keplr", { value: keplr, configurable: true });
}
