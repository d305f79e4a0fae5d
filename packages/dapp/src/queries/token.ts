// Query factories of the reward token (cw20) the dApp uses, and of bank balances (not a contract query, same shape).
import { RewardTokenQueryClient } from "@depin/ts-client";
import { queryOptions } from "@tanstack/react-query";
import type { Reader } from "./reader";

export const tokenQueries = {
  tokenInfo: (reader: Reader) =>
    queryOptions({ queryKey: reader.keys.tokenInfo(), queryFn: () => reader.q.rewardToken.tokenInfo(), staleTime: Infinity }),
  /** A cw20 balance: the suite token's by default, or any cw20 (a cw20 stake or lease denom). */
  balance: (reader: Reader, address: string, token: string = reader.q.rewardToken.contractAddress) =>
    queryOptions({
      queryKey: reader.keys.cw20Balance(address, token),
      queryFn: () => new RewardTokenQueryClient(reader.chain, token).balance({ address }),
      enabled: !!address,
    }),
};

export const bankQueries = {
  balance: (reader: Reader, address: string, denom: string) =>
    queryOptions({
      queryKey: reader.keys.bankBalance(address, denom),
      queryFn: async () => BigInt((await reader.chain.getBalance(address, denom)).amount),
      enabled: !!address && !!denom,
    }),
};
