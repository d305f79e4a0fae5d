// The invalidation prefixes (changedBy) reach the reads a transaction changed and leave the others
// alone, matched the way TanStack Query's invalidateQueries matches them (partialMatchKey).
import { partialMatchKey } from "@tanstack/react-query";
import { describe, expect, test } from "vitest";
import { changedBy, type QueryKey, queryKeys } from "./keys";

const keys = queryKeys("testing");
const page = { limit: 10 };

/** The keys among `reads` that invalidating `changes` refreshes. */
function refreshed(changes: QueryKey[], reads: Record<string, QueryKey>): string[] {
  return Object.entries(reads)
    .filter(([, key]) => changes.some((prefix) => partialMatchKey(key, prefix)))
    .map(([name]) => name);
}

describe("query keys", () => {
  test("a lease transaction refreshes that lease, its charges and preview, the lists and its provider; not another lease", () => {
    const reads = {
      lease: keys.escrow.lease(7),
      charges: keys.escrow.charges(7, { limit: 100 }),
      settleable: keys.escrow.settleable(7),
      consumerPage: keys.escrow.leasesByConsumer("consumer", page),
      providerPage: keys.escrow.leasesByProvider("provider", page),
      provider: keys.registry.provider("provider"),
      otherLease: keys.escrow.lease(8),
      otherCharges: keys.escrow.charges(8, { limit: 100 }),
      escrowConfig: keys.escrow.config(),
      proposals: keys.dao.proposals(page),
    };
    expect(refreshed(changedBy.lease(keys, 7, "provider"), reads)).toEqual([
      "lease",
      "charges",
      "settleable",
      "consumerPage",
      "providerPage",
      "provider",
    ]);
  });
  test("a provider transaction refreshes its record, claims, rewards, every provider list and count, not another provider", () => {
    const reads = {
      record: keys.registry.provider("alice"),
      claims: keys.registry.claims("alice"),
      rewards: keys.registry.pendingRewards("alice"),
      list: keys.registry.providers({ status: "active", limit: 10 }),
      count: keys.registry.providerCount("jailed"),
      stats: keys.registry.stats(),
      other: keys.registry.provider("bob"),
      config: keys.registry.config(),
      supply: keys.tokenInfo(),
    };
    expect(refreshed(changedBy.provider(keys, "alice"), reads)).toEqual(["record", "claims", "rewards", "list", "count", "stats"]);
    expect(refreshed(changedBy.rewards(keys, "alice"), reads)).toContain("supply");
  });
  test("an operator change refreshes the fleet pages; a fleet claim refreshes each provider claimed for and its balances only", () => {
    const reads = {
      fleet: keys.registry.fleet("operator", page),
      otherFleet: keys.registry.fleet("someone", page),
      alice: keys.registry.provider("alice"),
      aliceRewards: keys.registry.pendingRewards("alice"),
      aliceBalance: keys.cw20Balance("alice", "token"),
      bob: keys.registry.provider("bob"),
      bobBalance: keys.bankBalance("bob", "ustake"),
      carol: keys.registry.provider("carol"),
      operatorBalance: keys.cw20Balance("operator", "token"),
      supply: keys.tokenInfo(),
      leaseCount: keys.escrow.leaseCount("alice"),
    };
    expect(refreshed(changedBy.provider(keys, "alice"), reads)).toEqual(["fleet", "otherFleet", "alice", "aliceRewards"]);
    expect(refreshed(changedBy.fleetRewards(keys, ["alice", "bob"]), reads)).toEqual([
      "fleet",
      "otherFleet",
      "alice",
      "aliceRewards",
      "aliceBalance",
      "bob",
      "bobBalance",
      "supply",
    ]);
    expect(refreshed(changedBy.lease(keys, 7, "alice"), reads)).toEqual(["alice", "aliceRewards", "leaseCount"]);
  });
  test("a vote refreshes the proposal, its votes and the lists; staking refreshes the member and the current total", () => {
    const reads = {
      proposal: keys.dao.proposal(3),
      myVote: keys.dao.vote(3, "alice"),
      list: keys.dao.proposals(page),
      otherVote: keys.dao.vote(4, "alice"),
      power: keys.dao.votingPower("alice", null),
      total: keys.dao.totalPower(null),
      pastTotal: keys.dao.totalPower(120),
    };
    expect(refreshed(changedBy.proposal(keys, 3), reads)).toEqual(["proposal", "myVote", "list"]);
    expect(refreshed(changedBy.member(keys, "alice"), reads)).toEqual(["power", "total"]);
  });
  test("every balance of an address sits under it, and an execution refreshes the whole chain but not another chain", () => {
    expect(partialMatchKey(keys.bankBalance("alice", "ustake"), keys.balances("alice"))).toBe(true);
    expect(partialMatchKey(keys.cw20Balance("alice", "token"), keys.balances("alice"))).toBe(true);
    expect(partialMatchKey(keys.cw20Balance("bob", "token"), keys.balances("alice"))).toBe(false);
    const other = queryKeys("other-chain");
    expect(refreshed(changedBy.execution(keys), { here: keys.registry.config(), there: other.registry.config() })).toEqual(["here"]);
  });
});
