// The signing client, imported dynamically when a wallet connects: in the build it is a chunk of its
// own, so a visitor who only browses never loads it. Its registry and amino converters cover every
// message the dApp signs (MsgExecuteContract) and the grants of a provider's agent (authz and
// feegrant, src/chain/grants.ts). A wallet that signs only amino JSON (a Ledger through Keplr) signs
// through src/chain/amino.ts: CosmJS's own amino path stops at account numbers of 2^53, and wasmd
// v0.70 gives new accounts numbers of 2^63 and more.
import { createWasmAminoConverters, SigningCosmWasmClient, wasmTypes } from "@cosmjs/cosmwasm";
import { isOfflineDirectSigner, type OfflineSigner, Registry } from "@cosmjs/proto-signing";
import { AminoTypes, type GasPrice } from "@cosmjs/stargate";
import { accountParser } from "@depin/ts-client";
import { type AminoSigning, signAmino, uint64 } from "./amino";
import { createGrantAminoConverters, grantTypes } from "./grants";

export { SigningCosmWasmClient };

export interface SigningOptions {
  gasPrice: GasPrice;
  broadcastPollIntervalMs?: number;
}

/** A CosmJS signing client for `signer`, signing amino JSON with any account number when the signer has no signDirect. */
export async function connectSigningClient(rpc: string, signer: OfflineSigner, options: SigningOptions): Promise<SigningCosmWasmClient> {
  const registry = new Registry([...wasmTypes, ...grantTypes]);
  const aminoTypes = new AminoTypes({ ...createWasmAminoConverters(), ...createGrantAminoConverters() });
  const client = await SigningCosmWasmClient.connectWithSigner(rpc, signer, {
    ...options,
    registry,
    aminoTypes,
    // wasmd v0.70 gives new accounts 64-bit account numbers, which CosmJS's default parser refuses.
    accountParser,
  });
  if (isOfflineDirectSigner(signer)) return client;
  const amino: AminoSigning = {
    signer,
    registry,
    aminoTypes,
    account: async (address) => {
      const account = await client.getAccount(address);
      if (!account)
        throw new Error(`Account '${address}' does not exist on chain. Send some tokens there before trying to query sequence.`);
      // The parser keeps a number above 2^53 as the bigint it decoded; uint64 refuses anything inexact.
      return { accountNumber: uint64(account.accountNumber, "the account number"), sequence: uint64(account.sequence, "the sequence") };
    },
    chainId: () => client.getChainId(),
  };
  // SigningCosmWasmClient creates itself (no subclass can be constructed without its CometBFT client):
  // its sign, which every execute and signAndBroadcast calls, is replaced for this signer.
  client.sign = (address, messages, fee, memo, explicit, timeoutHeight) =>
    signAmino(amino, address, messages, fee, memo, explicit, timeoutHeight);
  return client;
}
