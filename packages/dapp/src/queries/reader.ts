// What every query factory reads through: the suite's query clients over one
// CosmJS CosmWasmClient, and the keys of the chain they read.
import type { CosmWasmClient } from "@cosmjs/cosmwasm";
import type { suiteQueryClients } from "@depin/ts-client";
import type { QueryKeys } from "./keys";

export interface Reader {
  chainId: string;
  q: ReturnType<typeof suiteQueryClients>;
  chain: CosmWasmClient;
  /** The query keys of this chain (queries/keys.ts). */
  keys: QueryKeys;
}
