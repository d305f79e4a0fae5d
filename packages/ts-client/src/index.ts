// The DePIN suite's TypeScript client: the generated per-contract clients
// (src/generated/, from schema/ by @cosmwasm/ts-codegen), the receipt signer,
// the liveness signer and the escrow batch's response data.
//
// The generated clients take any object with `queryContractSmart` and
// `execute` (the ICosmWasmClient / ISigningCosmWasmClient of
// generated/baseClient.ts). A CosmJS CosmWasmClient serves queries as is; a
// CosmJS SigningCosmWasmClient is wrapped by `cosmjsSigner` (its fee is not
// optional). The helpers below make that a compile-time fact.
import type { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { BillingEscrowClient, BillingEscrowQueryClient } from "./generated/BillingEscrow.client";
import type { ICosmWasmClient, ISigningCosmWasmClient } from "./generated/baseClient";
import { DaoClient, DaoQueryClient } from "./generated/Dao.client";
import { ProviderRegistryClient, ProviderRegistryQueryClient } from "./generated/ProviderRegistry.client";
import { RewardTokenClient, RewardTokenQueryClient } from "./generated/RewardToken.client";

export * from "./accounts";
export * from "./batch";
export * from "./generated/BillingEscrow.client";
export * from "./generated/BillingEscrow.message-composer";
export * as BillingEscrowTypes from "./generated/BillingEscrow.types";
export * from "./generated/Dao.client";
export * from "./generated/Dao.message-composer";
export * as DaoTypes from "./generated/Dao.types";
export * from "./generated/ProviderRegistry.client";
export * from "./generated/ProviderRegistry.message-composer";
export * as ProviderRegistryTypes from "./generated/ProviderRegistry.types";
export * from "./generated/RewardToken.client";
export * from "./generated/RewardToken.message-composer";
export * as RewardTokenTypes from "./generated/RewardToken.types";
export * from "./liveness";
export * from "./params";
export * from "./receipt";

/** The suite's contract addresses (as written by the deploy script). */
export interface SuiteAddresses {
  dao: string;
  rewardToken: string;
  providerRegistry: string;
  billingEscrow: string;
}

/** A CosmJS signing client as the generated clients' ISigningCosmWasmClient (fee "auto" when none is given). */
export function cosmjsSigner(client: SigningCosmWasmClient): ISigningCosmWasmClient {
  return {
    queryContractSmart: (address, query) => client.queryContractSmart(address, query),
    execute: (sender, contract, msg, fee, memo, funds) => client.execute(sender, contract, msg, fee ?? "auto", memo, funds),
  };
}

/** Query clients for the whole suite over a CosmJS client. */
export function suiteQueryClients(client: CosmWasmClient | SigningCosmWasmClient, addresses: SuiteAddresses) {
  const q: ICosmWasmClient = client;
  return {
    dao: new DaoQueryClient(q, addresses.dao),
    rewardToken: new RewardTokenQueryClient(q, addresses.rewardToken),
    providerRegistry: new ProviderRegistryQueryClient(q, addresses.providerRegistry),
    billingEscrow: new BillingEscrowQueryClient(q, addresses.billingEscrow),
  };
}

/** Signing clients for the whole suite, acting as `sender`, over a CosmJS signing client. */
export function suiteClients(client: SigningCosmWasmClient, sender: string, addresses: SuiteAddresses) {
  const s = cosmjsSigner(client);
  return {
    dao: new DaoClient(s, sender, addresses.dao),
    rewardToken: new RewardTokenClient(s, sender, addresses.rewardToken),
    providerRegistry: new ProviderRegistryClient(s, sender, addresses.providerRegistry),
    billingEscrow: new BillingEscrowClient(s, sender, addresses.billingEscrow),
  };
}
