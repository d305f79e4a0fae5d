// Query factories of the DAO: one per contract query.
import { queryOptions } from "@tanstack/react-query";
import type { PageRequest } from "./keys";
import type { Reader } from "./reader";

export const daoQueries = {
  config: (reader: Reader) => queryOptions({ queryKey: reader.keys.dao.config(), queryFn: () => reader.q.dao.config() }),
  suite: (reader: Reader) => queryOptions({ queryKey: reader.keys.dao.suite(), queryFn: () => reader.q.dao.suite(), staleTime: Infinity }),
  proposal: (reader: Reader, proposalId: number) =>
    queryOptions({ queryKey: reader.keys.dao.proposal(proposalId), queryFn: () => reader.q.dao.proposal({ proposalId }) }),
  proposals: (reader: Reader, page: PageRequest<number>) =>
    queryOptions({ queryKey: reader.keys.dao.proposals(page), queryFn: () => reader.q.dao.proposals(page) }),
  vote: (reader: Reader, proposalId: number, voter: string) =>
    queryOptions({
      queryKey: reader.keys.dao.vote(proposalId, voter),
      queryFn: () => reader.q.dao.vote({ proposalId, voter }),
      enabled: !!voter,
    }),
  votes: (reader: Reader, proposalId: number, page: PageRequest<string> = { limit: 30 }) =>
    queryOptions({ queryKey: reader.keys.dao.votes(proposalId, page), queryFn: () => reader.q.dao.votes({ proposalId, ...page }) }),
  votingPower: (reader: Reader, address: string, height?: number) =>
    queryOptions({
      queryKey: reader.keys.dao.votingPower(address, height ?? null),
      queryFn: () => reader.q.dao.votingPower({ address, height }),
      enabled: !!address,
    }),
  totalPower: (reader: Reader, height?: number) =>
    queryOptions({ queryKey: reader.keys.dao.totalPower(height ?? null), queryFn: () => reader.q.dao.totalPower({ height }) }),
  claims: (reader: Reader, address: string) =>
    queryOptions({ queryKey: reader.keys.dao.claims(address), queryFn: () => reader.q.dao.claims({ address }), enabled: !!address }),
};
