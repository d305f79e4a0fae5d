// Query factories of the DAO: one per contract query.
import { queryOptions } from "@tanstack/react-query";
import type { Reader } from "./keys";

export const daoQueries = {
  config: (r: Reader) => queryOptions({ queryKey: [r.chainId, "dao", "config"], queryFn: () => r.q.dao.config() }),
  suite: (r: Reader) => queryOptions({ queryKey: [r.chainId, "dao", "suite"], queryFn: () => r.q.dao.suite(), staleTime: Infinity }),
  proposal: (r: Reader, proposalId: number) =>
    queryOptions({ queryKey: [r.chainId, "dao", "proposal", proposalId], queryFn: () => r.q.dao.proposal({ proposalId }) }),
  proposals: (r: Reader, page: { startAfter?: number; limit: number }) =>
    queryOptions({ queryKey: [r.chainId, "dao", "proposals", page], queryFn: () => r.q.dao.proposals(page) }),
  vote: (r: Reader, proposalId: number, voter: string) =>
    queryOptions({
      queryKey: [r.chainId, "dao", "vote", proposalId, voter],
      queryFn: () => r.q.dao.vote({ proposalId, voter }),
      enabled: !!voter,
    }),
  votes: (r: Reader, proposalId: number, page: { startAfter?: string; limit: number } = { limit: 30 }) =>
    queryOptions({ queryKey: [r.chainId, "dao", "votes", proposalId, page], queryFn: () => r.q.dao.votes({ proposalId, ...page }) }),
  votingPower: (r: Reader, address: string, height?: number) =>
    queryOptions({
      queryKey: [r.chainId, "dao", "voting_power", address, height ?? null],
      queryFn: () => r.q.dao.votingPower({ address, height }),
      enabled: !!address,
    }),
  totalPower: (r: Reader, height?: number) =>
    queryOptions({ queryKey: [r.chainId, "dao", "total_power", height ?? null], queryFn: () => r.q.dao.totalPower({ height }) }),
  claims: (r: Reader, address: string) =>
    queryOptions({ queryKey: [r.chainId, "dao", "claims", address], queryFn: () => r.q.dao.claims({ address }), enabled: !!address }),
};
