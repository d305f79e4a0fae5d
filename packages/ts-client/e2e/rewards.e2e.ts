// End-to-end tests of provider rewards against the devnet deployment: stake
// rewards earned per second but credited only for the epochs an oracle proves
// the provider live in (proof of service), minted in DPIN by `claim_rewards`,
// the usage share an epoch pays for revenue settled through the escrow,
// unbonding, and access control (accounts provider4 and consumer4; the test
// is the devnet's oracle, arbiter, which metered.e2e.ts also signs with, so
// its transactions are resent on a sequence clash). Other files run beside
// this one and move totals (stake, usage, the DAO's fees), so those are read
// and compared by difference; provider4's own numbers are exact.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  agentKey,
  attribute,
  bankBalance,
  chainSeconds,
  connect,
  currentEpoch,
  type E2eContext,
  type HasEvents,
  proofFor,
  protocolFee,
  proveLiveness,
  rejectsWith,
  timestampSeconds,
  transferredTo,
  waitForChainTime,
  waitForEpoch,
  waitForTimestamp,
} from "./context";

let t: E2eContext;
let provider: string;
let consumer: string;
let leaseId: number;

/** A fixed fee, so that ustake balance deltas are exact (0.025 ustake per unit of gas, the node's minimum). */
const FEE = { amount: [{ denom: "ustake", amount: "25000" }], gas: "1000000" };
const STAKE = 3_000_000n;
/** Leaves 0.5 STAKE bonded, below min_stake (1 STAKE): provider4 becomes inactive and stops earning stake rewards. */
const UNBOND = 2_500_000n;
const PRICE = 5n;
const UNITS = 1000n;
/** provider4's agent key (the key its agent signs liveness challenges with). */
const AGENT = agentKey("provider4");
/** The devnet registry's one oracle (deploy/params/devnet.json). */
const ORACLE = "arbiter";

before(async () => {
  t = await connect("rewards", ["provider4", "consumer4", ORACLE]);
  provider = t.actors.provider4.address;
  consumer = t.actors.consumer4.address;
});

after(() => t?.close());

/** The attributes of the first wasm event `contract` emitted with `action`. */
function wasmEvent(result: HasEvents, contract: string, action: string): Record<string, string> {
  for (const event of result.events.filter((e) => e.type === "wasm")) {
    const attrs = Object.fromEntries(event.attributes.map((a) => [a.key, a.value]));
    if (attrs._contract_address === contract && attrs.action === action) return attrs;
  }
  throw new Error(`no ${action} event of ${contract} in the transaction`);
}

async function pending(): Promise<bigint> {
  return BigInt((await t.q.providerRegistry.pendingRewards({ address: provider })).pending_rewards);
}

/** The claimable and the unproven stake rewards, read in one query. */
async function rewards(): Promise<{ pending: bigint; unproven: bigint }> {
  const r = await t.q.providerRegistry.pendingRewards({ address: provider });
  return { pending: BigInt(r.pending_rewards), unproven: BigInt(r.unproven_rewards) };
}

/** provider4's proof counters. */
async function proofs(): Promise<{ proven: number; missed: number; last: number | null }> {
  const { reputation } = await t.q.providerRegistry.provider({ address: provider });
  return { proven: reputation.proven_epochs ?? 0, missed: reputation.missed_epochs ?? 0, last: reputation.last_proven_epoch ?? null };
}

/** The oracle proves provider4 for `epoch` with a fresh challenge; returns the batch. */
async function prove(epoch: number, step: string) {
  const batch = await proveLiveness(t, ORACLE, epoch, [proofFor(t, provider, AGENT, epoch)]);
  t.gas.add(step, batch.result);
  return batch;
}

/** `amount × decimal`, rounded down (a cosmwasm Decimal has 18 decimals). */
function mulDecimal(amount: bigint, decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  return (amount * BigInt(whole + fraction.padEnd(18, "0"))) / 10n ** 18n;
}

describe("stake rewards on chain, credited per proven epoch", () => {
  /** The epoch provider4 registered in (it registers at an epoch's first second). */
  let r: number;
  let registeredAt: number;

  it("provider4 registers with native stake and an agent key; its balance drops by the stake plus the fee", async () => {
    // At the start of an epoch, so the proof of the registration epoch below has time to land in it.
    await waitForEpoch(t, (await currentEpoch(t)) + 1);
    const before = await bankBalance(t.chain, provider, "ustake");
    const result = t.gas.add(
      "registry register (3 STAKE, agent key, fixed fee)",
      await t.as("provider4").providerRegistry.register(
        {
          service: "compute",
          endpoint: "https://provider4.example",
          region: "ap-south",
          capacity: { amount: "64", unit: "vCPU" },
          prices: [{ denom: { native: "uusdc" }, per_unit: PRICE.toString() }],
          agentPubkey: AGENT.pubkey,
        },
        FEE,
        undefined,
        [{ denom: "ustake", amount: STAKE.toString() }],
      ),
    );
    assert.equal(wasmEvent(result, t.addresses.providerRegistry, "register").stake, STAKE.toString());
    assert.equal(before - (await bankBalance(t.chain, provider, "ustake")), STAKE + 25_000n);
    const record = await t.q.providerRegistry.provider({ address: provider });
    assert.equal(record.status, "active");
    assert.equal(record.stake, STAKE.toString());
    assert.equal(record.unbonding, "0");
    assert.equal(record.agent_pubkey, AGENT.pubkey);
    assert.deepEqual(await proofs(), { proven: 0, missed: 0, last: null });
    registeredAt = await chainSeconds(t.chain, result.height);
    const config = await t.q.providerRegistry.config();
    r = Math.floor((registeredAt - timestampSeconds(config.genesis_time)) / config.epoch_seconds);
  });

  it("a heartbeat is recorded in the provider's reputation but proves no epoch: the registry has an oracle", async () => {
    const result = t.gas.add("registry heartbeat", await t.as("provider4").providerRegistry.heartbeat());
    const { reputation } = await t.q.providerRegistry.provider({ address: provider });
    assert.equal(reputation.heartbeats, 1);
    assert.ok(reputation.last_heartbeat);
    assert.equal(reputation.proven_epochs ?? 0, 0);
    assert.throws(() => attribute(result, "proven_epoch"), /no proven_epoch attribute/);
  });

  it("before any proof the stake rewards are held as unproven: nothing is claimable", async () => {
    // Rewards accrue per whole second, and a query may run at the block before
    // the newest one (wasmd v0.60.8): read until a second has passed for it.
    await waitForChainTime(t.chain, registeredAt + 1);
    let { pending: claimable, unproven } = await rewards();
    for (let tries = 0; unproven === 0n && tries < 40; tries++) {
      assert.equal(claimable, 0n);
      await new Promise((r) => setTimeout(r, 250));
      ({ pending: claimable, unproven } = await rewards());
    }
    assert.equal(claimable, 0n);
    assert.ok(unproven > 0n, "a second of stake rewards is held for the epoch's proof");
    await rejectsWith(t.as("provider4").providerRegistry.claimRewards({}), /no rewards to claim/);
  });

  it("the oracle proves the registration epoch: the data lists provider4 as proven, a second proof as a duplicate", async () => {
    const held = await rewards();
    const first = await prove(r, "registry prove_liveness (1 proof)");
    assert.deepEqual(first.data, { epoch: r, proven: [provider], duplicates: [], rejected: [] });
    const event = wasmEvent(first.result, t.addresses.providerRegistry, "prove_liveness");
    assert.deepEqual([event.epoch, event.proven, event.duplicates, event.rejected], [String(r), "1", "0", "0"]);
    const second = await prove(r, "registry prove_liveness (1 duplicate)");
    assert.deepEqual(second.data, { epoch: r, proven: [], duplicates: [provider], rejected: [] });
    assert.deepEqual(await proofs(), { proven: 1, missed: 0, last: r });
    assert.ok(held.unproven > 0n);
    assert.ok((await pending()) > 0n, `what was held for epoch ${r} became claimable`);
  });

  let claimed: { height: number };
  it("claim_rewards mints the pending rewards in DPIN", async () => {
    const before = await t.tokenBalance(provider);
    const expected = await pending();
    const result = t.gas.add("registry claim_rewards (stake only)", await t.as("provider4").providerRegistry.claimRewards({}));
    const event = wasmEvent(result, t.addresses.providerRegistry, "claim_rewards");
    const minted = BigInt(event.amount);
    assert.equal(event.forfeited, "0");
    assert.ok(minted >= expected, `minted ${minted} ≥ pending ${expected} read one block earlier`);
    assert.equal((await t.tokenBalance(provider)) - before, minted);
    claimed = { height: result.height };
  });

  it("an immediate second claim mints only what accrued since, or fails with nothing to claim", async () => {
    // Rewards accrue per whole second of block time: within the same second there is nothing.
    const config = await t.q.providerRegistry.config();
    const emission = BigInt(config.emission_per_epoch);
    const stakePerSecond = (emission - mulDecimal(emission, config.usage_share)) / BigInt(config.epoch_seconds);
    const before = await t.tokenBalance(provider);
    const second = await t
      .as("provider4")
      .providerRegistry.claimRewards({})
      .catch((err: Error) => err);
    if (second instanceof Error) {
      assert.match(second.message, /no rewards to claim/);
      return;
    }
    const minted = BigInt(wasmEvent(second, t.addresses.providerRegistry, "claim_rewards").amount);
    const seconds = BigInt((await chainSeconds(t.chain, second.height)) - (await chainSeconds(t.chain, claimed.height)));
    assert.ok(minted > 0n && minted <= stakePerSecond * seconds, `${minted} minted over ${seconds} s`);
    assert.equal((await t.tokenBalance(provider)) - before, minted);
  });

  let closedAt: bigint;
  it("an epoch nobody proves earns nothing: its window closes, it counts as missed, and the claimable rewards never moved", async () => {
    // From the first second of r + 1 nothing is proven: every stake reward is held.
    await waitForEpoch(t, r + 1);
    closedAt = await pending();
    await waitForEpoch(t, r + 3);
    const now = await rewards();
    assert.equal(now.pending, closedAt, "epochs r + 1 and r + 2 credited nothing");
    assert.ok(now.unproven > 0n, "epochs r + 2 and r + 3 are still held for a proof");
    assert.deepEqual(await proofs(), { proven: 1, missed: 1, last: r }, "r + 1's window (r + 1, r + 2) has closed");
  });

  it("a proof for an epoch two epochs back is refused", async () => {
    await rejectsWith(
      proveLiveness(t, ORACLE, r + 1, [proofFor(t, provider, AGENT, r + 1)]),
      new RegExp(`epoch ${r + 1} cannot be proven now: the current epoch is ${r + 3}`),
    );
    assert.equal(await pending(), closedAt);
  });

  it("a proof of the previous epoch, sent in the next, credits it", async () => {
    const batch = await prove(r + 2, "registry prove_liveness (1 proof, previous epoch)");
    assert.deepEqual(batch.data.proven, [provider]);
    assert.ok((await pending()) > closedAt, "epoch r + 2's stake rewards became claimable");
    assert.deepEqual(await proofs(), { proven: 2, missed: 1, last: r + 2 });
  });
});

describe("usage rewards from a settled metered lease", () => {
  let amount: bigint;
  let fee: bigint;
  let disputableUntil: number;

  it("consumer4 opens a metered lease and provider4 reports usage", async () => {
    const { fee_bps } = await t.q.billingEscrow.config();
    const opened = t.gas.add(
      "escrow open_lease (metered)",
      await t
        .as("consumer4")
        .billingEscrow.openLease({ provider, billing: { metered: {} } }, "auto", undefined, [{ denom: "uusdc", amount: "100000" }]),
    );
    leaseId = Number(attribute(opened, "lease_id"));
    const reported = t.gas.add(
      "escrow report_usage (1000 units)",
      await t.as("provider4").billingEscrow.reportUsage({ leaseId, units: UNITS.toString() }),
    );
    const event = wasmEvent(reported, t.addresses.billingEscrow, "report_usage");
    amount = UNITS * PRICE;
    fee = protocolFee(amount, BigInt(fee_bps));
    assert.equal(event.amount, amount.toString());
    assert.equal(event.fee, fee.toString(), `the fee in force (${fee_bps} bps) is fixed on the charge`);
    disputableUntil = Number(event.disputable_until);
  });

  it("settling inside the dispute window finds nothing to settle", async () => {
    await rejectsWith(t.as("consumer4").billingEscrow.settle({ leaseId }), new RegExp(`nothing to settle on lease ${leaseId}\\b`));
  });

  let usageEpoch: number;
  let beforeEpochEnd: bigint;
  /** What the oracle's proofs of epochs u − 1 and u credited after beforeEpochEnd was read. */
  let provenCredit = 0n;
  let releaseAt: string;
  let genesis: number;
  let epochSeconds: number;
  it("after the window one transaction settles (the provider paid less the fee, the fee to the DAO) and unbonds", async () => {
    const config = await t.q.providerRegistry.config();
    genesis = timestampSeconds(config.genesis_time);
    epochSeconds = config.epoch_seconds;
    // Settle at the start of an epoch, and unbond in the same transaction (so
    // in the same epoch): the usage counts while provider4 is active, then
    // provider4 stops earning stake rewards, so the epoch's usage share is the
    // only change left in its pending rewards.
    const epochStart = genesis + Math.ceil((disputableUntil - genesis) / epochSeconds) * epochSeconds;
    await waitForChainTime(t.chain, epochStart);
    const usdcBefore = await bankBalance(t.chain, provider, "uusdc");
    const usageBefore = (await t.q.providerRegistry.provider({ address: provider })).reputation;
    const result = t.gas.add(
      "escrow settle + registry unbond (one tx)",
      await t.actors.provider4.client.executeMultiple(
        provider,
        [
          { contractAddress: t.addresses.billingEscrow, msg: { settle: { lease_id: leaseId } } },
          { contractAddress: t.addresses.providerRegistry, msg: { unbond: { amount: UNBOND.toString() } } },
        ],
        "auto",
      ),
    );
    const settled = wasmEvent(result, t.addresses.billingEscrow, "settle");
    assert.deepEqual([settled.amount, settled.fee, settled.provider_amount], [amount, fee, amount - fee].map(String));
    assert.equal((await bankBalance(t.chain, provider, "uusdc")) - usdcBefore, amount - fee);
    assert.equal(transferredTo(result, t.addresses.billingEscrow, t.addresses.dao, "uusdc"), fee, "the fee goes to the treasury, the DAO");
    // Usage rewards are weighed by the fee the network received; uusdc weighs 1.
    const recorded = wasmEvent(result, t.addresses.providerRegistry, "record_usage");
    assert.equal(recorded.weighted_fees, fee.toString());
    usageEpoch = Number(recorded.epoch);
    const unbond = wasmEvent(result, t.addresses.providerRegistry, "unbond");
    releaseAt = unbond.release_at;
    // The event gives the claim's exact release time, as the claims query does.
    const { claims } = await t.q.providerRegistry.claims({ address: provider });
    assert.deepEqual(claims, [{ amount: UNBOND.toString(), release_at: { at_time: releaseAt } }]);
    assert.equal(timestampSeconds(releaseAt), (await chainSeconds(t.chain, result.height)) + config.unbonding_period);

    const record = await t.q.providerRegistry.provider({ address: provider });
    assert.equal(record.status, "inactive");
    assert.equal(record.stake, (STAKE - UNBOND).toString());
    assert.equal(record.unbonding, UNBOND.toString());
    assert.equal(BigInt(record.reputation.usage_units) - BigInt(usageBefore.usage_units), UNITS);
    assert.equal(record.reputation.leases_settled - usageBefore.leases_settled, 1);
    assert.equal((await t.q.billingEscrow.lease({ leaseId })).paid, amount.toString());
    const stats = await t.q.providerRegistry.stats();
    beforeEpochEnd = await pending();
    const statsAfter = await t.q.providerRegistry.stats();
    // The pending rewards above were read while the usage epoch was still running.
    assert.deepEqual([stats.current_epoch, statsAfter.current_epoch], [usageEpoch, usageEpoch]);
  });

  it("inactive, provider4 earns nothing more; the oracle proves the usage epoch, then the one before: each credits exactly what was held", async () => {
    // Stake rewards stopped at the unbond, so what is held no longer moves:
    // epoch u − 1 (a whole epoch active, never proven) and the seconds of u before the unbond.
    const u = usageEpoch;
    const before = await proofs();
    const held = await rewards();
    assert.ok(held.unproven > 0n, `epoch ${u - 1}'s stake rewards are held`);
    const current = await prove(u, "registry prove_liveness (1 proof, inactive provider)");
    assert.deepEqual(current.data.proven, [provider]);
    const mid = await rewards();
    assert.ok(mid.pending >= held.pending && mid.unproven > 0n && mid.unproven <= held.unproven);
    const previous = await prove(u - 1, "registry prove_liveness (1 proof, previous epoch)");
    assert.deepEqual(previous.data.proven, [provider]);
    const after = await rewards();
    assert.equal(after.unproven, 0n, "nothing is held any more");
    // Credited: floor(carried fraction + held), the fraction below one token
    // carried from earlier credits adding at most one token to what was shown.
    const credited = after.pending - mid.pending;
    assert.ok(
      credited === mid.unproven || credited === mid.unproven + 1n,
      `epoch ${u - 1} credited ${credited}, shown unproven ${mid.unproven}`,
    );
    assert.deepEqual(await proofs(), { proven: before.proven + 2, missed: before.missed, last: u });
    // Both proofs landed in epoch u (u − 1's window ends with it), so no usage share is mixed in.
    assert.equal(await t.q.providerRegistry.stats().then((s) => s.current_epoch), u);
    provenCredit = after.pending - held.pending;
  });

  it("the unbonded stake cannot be claimed before the unbonding period", async () => {
    await rejectsWith(t.as("provider4").providerRegistry.claim(), /no claim of \S+ has matured yet/);
  });

  it("once the usage epoch ends, the pending rewards grow by its usage share (beside what the proofs credited), and the claim mints exactly them", async () => {
    const config = await t.q.providerRegistry.config();
    await waitForEpoch(t, usageEpoch + 1);
    const total = await pending();
    const usageShare = total - beforeEpochEnd - provenCredit;
    // min(floor(pool × w / W), w): w = provider4's weighted fee (uusdc weighs 1),
    // W = every provider's in the epoch (other e2e files settle beside this one),
    // so usage rewards never pay more than the fee the network received.
    const weight = mulDecimal(fee, config.usage_weights[0].weight);
    const epoch = await t.q.providerRegistry.epochUsage({ epoch: usageEpoch });
    const pool = BigInt(epoch.usage_pool);
    const all = BigInt(epoch.weighted_fees);
    assert.equal(pool, mulDecimal(BigInt(config.emission_per_epoch), config.usage_share), "no halving on the devnet");
    assert.ok(all >= weight, `the epoch's weighted fees ${all} include provider4's ${weight}`);
    const expected = (pool * weight) / all < weight ? (pool * weight) / all : weight;
    assert.equal(usageShare, expected, `usage share = min(floor(${pool} × ${weight} / ${all}), ${weight})`);
    assert.equal(await pending(), total, "an inactive provider earns no stake rewards");

    const before = await t.tokenBalance(provider);
    const result = t.gas.add("registry claim_rewards (stake + usage)", await t.as("provider4").providerRegistry.claimRewards({}));
    assert.equal(wasmEvent(result, t.addresses.providerRegistry, "claim_rewards").amount, total.toString());
    assert.equal((await t.tokenBalance(provider)) - before, total);
    await rejectsWith(t.as("provider4").providerRegistry.claimRewards({}), /no rewards to claim/);
  });

  it("the unbonded stake is paid back after the unbonding period, to the unit", async () => {
    await waitForTimestamp(t.chain, releaseAt);
    const before = await bankBalance(t.chain, provider, "ustake");
    const result = t.gas.add("registry claim (unbonded stake)", await t.as("provider4").providerRegistry.claim(FEE));
    assert.equal(wasmEvent(result, t.addresses.providerRegistry, "claim").amount, UNBOND.toString());
    assert.equal((await bankBalance(t.chain, provider, "ustake")) - before, UNBOND - 25_000n);
    const record = await t.q.providerRegistry.provider({ address: provider });
    assert.equal(record.unbonding, "0");
    assert.deepEqual((await t.q.providerRegistry.claims({ address: provider })).claims, []);
  });
});

describe("registry access control on chain", () => {
  it("a non-provider can neither claim rewards nor heartbeat", async () => {
    const notProvider = new RegExp(`${consumer} is not a registered provider`);
    await rejectsWith(t.as("consumer4").providerRegistry.claimRewards({}), notProvider);
    await rejectsWith(t.as("consumer4").providerRegistry.heartbeat(), notProvider);
  });

  it("only the billing escrow records usage", async () => {
    await rejectsWith(
      t.as("consumer4").providerRegistry.recordUsage({ provider, units: "1", revenue: [{ denom: { native: "uusdc" }, amount: "1" }] }),
      new RegExp(`unauthorized: ${consumer} may not record_usage`),
    );
  });

  it("only the lease's provider reports usage", async () => {
    await rejectsWith(
      t.as("consumer4").billingEscrow.reportUsage({ leaseId, units: "1" }),
      new RegExp(`only the provider of lease ${leaseId} may report_usage`),
    );
  });
});
