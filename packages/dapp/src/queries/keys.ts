// What every query factory needs: the suite's query clients over one CosmJS
// CosmWasmClient, and a key prefix naming the chain so two networks never share a cache entry.
import type { CosmWasmClient } from "@cosmjs/cosmwasm";
import type { suiteQueryClients } from "@depin/ts-client";

export interface Reader {
  chainId: string;
  q: ReturnType<typeof suiteQueryClients>;
  chain: CosmWasmClient;
}
