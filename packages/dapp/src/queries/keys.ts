// Every query key the dApp uses, in one place. Keys nest so that a transaction
// can invalidate exactly what it changed by prefix: a lease's charges and
// settle preview sit under the lease, a proposal's votes under the proposal, a
// provider's claims and rewards under the provider, every balance of an
// address under that address. Each key starts with the chain id, so two
// networks never share a cache entry.
import type { Service, StatusFilter } from "../lib/types";

/** A page request of a paginated query. */
export interface PageRequest<Cursor> {
  startAfter?: Cursor;
  limit: number;
}

/** The filter of the registry's indexed providers query. */
export interface ProvidersFilter extends PageRequest<string> {
  service?: Service;
  region?: string;
  status?: StatusFilter;
}

export function queryKeys(chainId: string) {
  const registry = [chainId, "registry"] as const;
  const escrow = [chainId, "escrow"] as const;
  const dao = [chainId, "dao"] as const;
  return {
    /** Everything read from this chain. */
    chain: () => [chainId] as const,
    /** Every balance of an address (bank and cw20). */
    balances: (address: string) => [chainId, "balances", address] as const,
    bankBalance: (address: string, denom: string) => [chainId, "balances", address, "bank", denom] as const,
    cw20Balance: (address: string, token: string) => [chainId, "balances", address, "cw20", token] as const,
    tokenInfo: () => [chainId, "token", "token_info"] as const,
    registry: {
      config: () => [...registry, "config"] as const,
      stats: () => [...registry, "stats"] as const,
      /** Every page of the providers query and the counts derived from it. */
      lists: () => [...registry, "providers"] as const,
      providers: (filter: ProvidersFilter) => [...registry, "providers", "page", filter] as const,
      providerCount: (status: StatusFilter) => [...registry, "providers", "count", status] as const,
      /** A page of the providers that named `operator` (its fleet). */
      fleet: (operator: string, page: PageRequest<string>) => [...registry, "providers", "operator", operator, page] as const,
      /** One provider's record, unbonding claims and pending rewards. */
      provider: (address: string) => [...registry, "provider", address] as const,
      claims: (address: string) => [...registry, "provider", address, "claims"] as const,
      pendingRewards: (address: string) => [...registry, "provider", address, "pending_rewards"] as const,
    },
    escrow: {
      config: () => [...escrow, "config"] as const,
      /** Every page of leases, by consumer and by provider. */
      lists: () => [...escrow, "leases"] as const,
      leasesByConsumer: (consumer: string, page: PageRequest<number>) => [...escrow, "leases", "consumer", consumer, page] as const,
      leasesByProvider: (provider: string, page: PageRequest<number>) => [...escrow, "leases", "provider", provider, page] as const,
      /** How many leases a provider has, and how many are not closed (counted through leasesByProvider). */
      leaseCount: (provider: string) => [...escrow, "leases", "provider", provider, "count"] as const,
      /** One lease, its charges and what settle would pay. */
      lease: (leaseId: number) => [...escrow, "lease", leaseId] as const,
      charges: (leaseId: number, page: PageRequest<number>) => [...escrow, "lease", leaseId, "charges", page] as const,
      settleable: (leaseId: number) => [...escrow, "lease", leaseId, "settleable"] as const,
    },
    dao: {
      config: () => [...dao, "config"] as const,
      suite: () => [...dao, "suite"] as const,
      /** Every page of proposals. */
      lists: () => [...dao, "proposals"] as const,
      proposals: (page: PageRequest<number>) => [...dao, "proposals", page] as const,
      /** One proposal and its votes. */
      proposal: (proposalId: number) => [...dao, "proposal", proposalId] as const,
      vote: (proposalId: number, voter: string) => [...dao, "proposal", proposalId, "vote", voter] as const,
      votes: (proposalId: number, page: PageRequest<string>) => [...dao, "proposal", proposalId, "votes", page] as const,
      /** One member's voting power and unstaking claims. */
      member: (address: string) => [...dao, "member", address] as const,
      votingPower: (address: string, height: number | null) => [...dao, "member", address, "voting_power", height] as const,
      claims: (address: string) => [...dao, "member", address, "claims"] as const,
      totalPower: (height: number | null) => [...dao, "total_power", height] as const,
    },
  };
}

export type QueryKeys = ReturnType<typeof queryKeys>;
export type QueryKey = readonly unknown[];

/** What each kind of transaction changes, as key prefixes to invalidate once it lands. */
export const changedBy = {
  /**
   * Registration, listing, stake, heartbeat, rewards, jail, operator: the provider's own reads and every list of
   * providers (the operators' fleet pages among them).
   */
  provider: (keys: QueryKeys, provider: string): QueryKey[] => [
    keys.registry.provider(provider),
    keys.registry.lists(),
    keys.registry.stats(),
  ],
  /** Claiming rewards also mints the suite token. */
  rewards: (keys: QueryKeys, provider: string): QueryKey[] => [...changedBy.provider(keys, provider), keys.tokenInfo()],
  /**
   * A fleet's claim: each provider's record and balances (the rewards are minted to them), every
   * list of providers (the fleet pages), the stats and the token supply.
   */
  fleetRewards: (keys: QueryKeys, providers: readonly string[]): QueryKey[] => [
    ...providers.flatMap((provider) => [keys.registry.provider(provider), keys.balances(provider)]),
    keys.registry.lists(),
    keys.registry.stats(),
    keys.tokenInfo(),
  ],
  /** Opening a lease: the lease lists. */
  newLease: (keys: QueryKeys): QueryKey[] => [keys.escrow.lists()],
  /** Any action on a lease: the lease, its charges, the lists, and the provider's record (usage, revenue, disputes). */
  lease: (keys: QueryKeys, leaseId: number, provider: string): QueryKey[] => [
    keys.escrow.lease(leaseId),
    keys.escrow.lists(),
    keys.registry.provider(provider),
  ],
  /** Staking, unstaking and claiming in the DAO: the member's power and claims, and the total. */
  member: (keys: QueryKeys, address: string): QueryKey[] => [keys.dao.member(address), keys.dao.totalPower(null)],
  /** Proposing, voting, closing and vetoing: the proposal and the lists. */
  proposal: (keys: QueryKeys, proposalId?: number): QueryKey[] =>
    proposalId === undefined ? [keys.dao.lists()] : [keys.dao.proposal(proposalId), keys.dao.lists()],
  /** Executing a proposal may change anything the DAO governs (configs, treasury, slashes): every read of the chain. */
  execution: (keys: QueryKeys): QueryKey[] => [keys.chain()],
};
