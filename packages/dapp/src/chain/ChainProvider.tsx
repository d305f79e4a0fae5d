// The chain connection every page shares: the network config, a CosmJS query
// client, the suite's query clients, the coin book (native coins from the
// config, the suite token from the chain) and the connected wallet's signing clients.

import { CosmWasmClient, type SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser, suiteClients, suiteQueryClients } from "@depin/ts-client";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { configCoins, type NetworkConfig } from "../lib/config";
import { errorToSentence } from "../lib/errors";
import type { CoinBook } from "../lib/format";
import { queryKeys } from "../queries/keys";
import type { Reader } from "../queries/reader";
import { connectWallet, type SignMode } from "./wallet";

export interface Account {
  address: string;
  name: string;
  clients: ReturnType<typeof suiteClients>;
  signing: SigningCosmWasmClient;
  /** "amino" for a Ledger (or any wallet without signDirect): every transaction is signed in amino JSON. */
  signMode: SignMode;
  ledger: boolean;
}

export interface Chain {
  config: NetworkConfig;
  reader: Reader;
  book: CoinBook;
  account: Account | null;
  connecting: boolean;
  walletError: string | null;
  connect(): Promise<void>;
  disconnect(): void;
}

const ChainContext = createContext<Chain | null>(null);

export function useChain(): Chain {
  const chain = useContext(ChainContext);
  if (!chain) throw new Error("useChain outside ChainProvider");
  return chain;
}

/** The connected account; pages that need one render a connect prompt instead when there is none. */
export function useAccount(): Account | null {
  return useChain().account;
}

const REMEMBER = "depin:wallet-connected";

export function ChainProvider({
  config,
  client,
  book,
  children,
}: {
  config: NetworkConfig;
  client: CosmWasmClient;
  book: CoinBook;
  children: ReactNode;
}) {
  const [account, setAccount] = useState<Account | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [walletError, setWalletError] = useState<string | null>(null);
  const reader = useMemo<Reader>(
    () => ({ chainId: config.chainId, q: suiteQueryClients(client, config.addresses), chain: client, keys: queryKeys(config.chainId) }),
    [client, config],
  );

  const connect = useCallback(async () => {
    setConnecting(true);
    setWalletError(null);
    try {
      const wallet = await connectWallet(config);
      const signingModule = await import("./signing");
      const signing = await signingModule.connectSigningClient(config.rpc, wallet.signer, {
        gasPrice: GasPrice.fromString(`${config.gasPrice}${config.feeDenom}`),
        broadcastPollIntervalMs: config.broadcastPollIntervalMs,
      });
      setAccount((old) => {
        old?.signing.disconnect();
        return {
          address: wallet.address,
          name: wallet.name,
          signing,
          clients: suiteClients(signing, wallet.address, config.addresses),
          signMode: wallet.signMode,
          ledger: wallet.ledger,
        };
      });
      // No cache to clear: every read of an account is keyed by its address.
      localStorage.setItem(REMEMBER, "1");
    } catch (err) {
      setWalletError(errorToSentence(err));
    } finally {
      setConnecting(false);
    }
  }, [config]);

  const disconnect = useCallback(() => {
    localStorage.removeItem(REMEMBER);
    setAccount((old) => {
      old?.signing.disconnect();
      return null;
    });
  }, []);

  // Reconnect after a reload, and follow the wallet when its account changes.
  useEffect(() => {
    if (localStorage.getItem(REMEMBER)) void connect();
    const onChange = () => {
      if (localStorage.getItem(REMEMBER)) void connect();
    };
    window.addEventListener("keplr_keystorechange", onChange);
    return () => window.removeEventListener("keplr_keystorechange", onChange);
  }, [connect]);

  const value = useMemo<Chain>(
    () => ({ config, reader, book, account, connecting, walletError, connect, disconnect }),
    [config, reader, book, account, connecting, walletError, connect, disconnect],
  );
  return <ChainContext.Provider value={value}>{children}</ChainContext.Provider>;
}

/** Loads config.json, connects the query client and reads the suite token's metadata. */
export async function loadNetwork(
  fetchConfig: () => Promise<unknown>,
  validate: (raw: unknown) => { config?: NetworkConfig; problems: string[] },
) {
  const raw = await fetchConfig();
  const { config, problems } = validate(raw);
  if (!config) throw new Error(`config.json is not usable: ${problems.join(" ")}`);
  const client = await CosmWasmClient.connect(config.rpc, { accountParser });
  const chainId = await client.getChainId();
  if (chainId !== config.chainId)
    throw new Error(`The node at ${config.rpc} runs chain ${chainId}, but config.json says ${config.chainId}.`);
  const token = await suiteQueryClients(client, config.addresses).rewardToken.tokenInfo();
  const book: CoinBook = { ...configCoins(config), [config.addresses.rewardToken]: { symbol: token.symbol, decimals: token.decimals } };
  return { config, client, book };
}
