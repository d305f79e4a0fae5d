// Query factories of the DAO: one per contract query.
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import type { ProposalResponse } from "../lib/types";
import type { PageRequest } from "./keys";
import type { Reader } from "./reader";

/** The wallet summary looks for open proposals among this many (oldest first). */
export const OPEN_SCAN_CAP = 600;

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
  /** The open proposals among the first OPEN_SCAN_CAP (pages of 30, shared with the proposal list's cache). */
  open: (reader: Reader, client: QueryClient) =>
    queryOptions({
      queryKey: [...reader.keys.dao.lists(), "open"],
      queryFn: async (): Promise<ProposalResponse[]> => {
        const open: ProposalResponse[] = [];
        let startAfter: number | undefined;
        for (let read = 0; read < OPEN_SCAN_CAP; read += 30) {
          const page = await client.fetchQuery(daoQueries.proposals(reader, { startAfter, limit: 30 }));
          open.push(...page.proposals.filter((proposal) => proposal.status === "open"));
          const last = page.proposals.at(-1);
          if (page.proposals.length < 30 || !last) break;
          startAfter = last.id;
        }
        return open;
      },
      refetchInterval: 30_000,
    }),
  claims: (reader: Reader, address: string) =>
    queryOptions({ queryKey: reader.keys.dao.claims(address), queryFn: () => reader.q.dao.claims({ address }), enabled: !!address }),
};
