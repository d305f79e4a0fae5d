// Query factories of the reward token (cw20) the dApp uses, and of bank balances (not a contract query, same shape).

import { RewardTokenQueryClient } from "@depin/ts-client";
import { queryOptions } from "@tanstack/react-query";
import type { Reader } from "./keys";

export const tokenQueries = {
  tokenInfo: (r: Reader) =>
    queryOptions({ queryKey: [r.chainId, "token", "token_info"], queryFn: () => r.q.rewardToken.tokenInfo(), staleTime: Infinity }),
  /** A cw20 balance: the suite token's by default, or any cw20 (a cw20 stake or lease denom). */
  balance: (r: Reader, address: string, token: string = r.q.rewardToken.contractAddress) =>
    queryOptions({
      queryKey: [r.chainId, "token", "balance", token, address],
      queryFn: () => new RewardTokenQueryClient(r.chain, token).balance({ address }),
      enabled: !!address,
    }),
};

export const bankQueries = {
  balance: (r: Reader, address: string, denom: string) =>
    queryOptions({
      queryKey: [r.chainId, "bank", "balance", address, denom],
      queryFn: async () => BigInt((await r.chain.getBalance(address, denom)).amount),
      enabled: !!address && !!denom,
    }),
};
