// End-to-end: a metered lease with a dispute, on the devnet deployment.
// provider3 registers with stake; consumer3 opens a metered lease; two usage
// reports become two charges; the consumer disputes the second, the arbiter
// voids it and slashes the provider through the registry; the first is
// settled after its dispute window with the protocol fee to the DAO treasury;
// the consumer closes the lease, the provider still bills its final usage in
// the grace that follows, and settlement completes the close with the refund. Gas is paid in ustake,
// so every uusdc balance below moves by exactly what the contracts pay.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  attribute,
  bankBalance,
  chainSeconds,
  connect,
  type E2eContext,
  protocolFee,
  rejectsWith,
  timestampSeconds,
  transferredTo,
  waitForChainTime,
} from "./context";

const USDC = "uusdc";
const STAKE = "ustake";
const PRICE = 4n;
const DEPOSIT = 100_000n;

let t: E2eContext;

before(async () => {
  t = await connect("metered", ["provider3", "consumer3", "arbiter"]);
});

after(() => t?.close());

describe("metered lease with a dispute on chain", () => {
  let leaseId: number;
  let feeBps: bigint;
  let firstCharge: { id: number; amount: bigint; disputableUntil: number };
  let secondCharge: { id: number; amount: bigint };

  it("provider3 registers with 3 STAKE; its balance pays the stake and the gas fee exactly", async () => {
    const before = await bankBalance(t.chain, t.actors.provider3.address, STAKE);
    const result = t.gas.add(
      "registry register (native stake)",
      await t.as("provider3").providerRegistry.register(
        {
          service: "compute",
          endpoint: "https://provider3.example",
          region: "ap-south",
          capacity: { amount: "64", unit: "vCPU" },
          prices: [{ denom: { native: USDC }, per_unit: PRICE.toString() }],
        },
        "auto",
        undefined,
        [{ denom: STAKE, amount: "3000000" }],
      ),
    );
    // CosmJS "auto": fee = ceil(gas limit × 0.025ustake).
    const fee = (BigInt(result.gasWanted) * 25n + 999n) / 1000n;
    assert.equal(before - (await bankBalance(t.chain, t.actors.provider3.address, STAKE)), 3_000_000n + fee);
    const provider = await t.q.providerRegistry.provider({ address: t.actors.provider3.address });
    assert.equal(provider.status, "active");
    assert.equal(provider.stake, "3000000");
  });

  it("consumer3 opens a metered lease at the provider's listed price", async () => {
    feeBps = BigInt((await t.q.billingEscrow.config()).fee_bps);
    const before = await bankBalance(t.chain, t.actors.consumer3.address, USDC);
    const result = t.gas.add(
      "escrow open_lease (metered)",
      await t
        .as("consumer3")
        .billingEscrow.openLease(
          { provider: t.actors.provider3.address, billing: { metered: {} }, maxPricePerUnit: PRICE.toString() },
          "auto",
          undefined,
          [{ denom: USDC, amount: DEPOSIT.toString() }],
        ),
    );
    leaseId = Number(attribute(result, "lease_id"));
    assert.equal(before - (await bankBalance(t.chain, t.actors.consumer3.address, USDC)), DEPOSIT);
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "open");
    assert.equal(lease.price_per_unit, PRICE.toString());
    assert.equal(lease.available, DEPOSIT.toString());
  });

  it("only the provider reports usage, and never more than the deposit covers", async () => {
    await rejectsWith(t.as("consumer3").billingEscrow.reportUsage({ leaseId, units: "10" }), /only the provider of lease \d+ may/);
    await rejectsWith(t.as("provider3").billingEscrow.reportUsage({ leaseId, units: "25001" }), /exceeds the 100000 available/);
    await rejectsWith(t.as("provider3").billingEscrow.reportUsage({ leaseId, units: "0" }), /units must be greater than zero/);
  });

  it("two usage reports become two pending charges reserved from the deposit", async () => {
    const p = t.as("provider3").billingEscrow;
    t.gas.add("escrow report_usage", await p.reportUsage({ leaseId, units: "1000" }));
    // Built on the lease's count (as the provider agent reports): a repeat of
    // the first report on the old count is refused instead of charging twice.
    assert.equal((await t.q.billingEscrow.lease({ leaseId })).reported_units, "1000");
    await rejectsWith(
      p.reportUsage({ leaseId, units: "1000", billedBefore: "0" }),
      new RegExp(`report_usage on lease ${leaseId} builds on 0 units reported, but the lease has 1000`),
    );
    t.gas.add("escrow report_usage (second charge)", await p.reportUsage({ leaseId, units: "2500", billedBefore: "1000" }));
    const { charges } = await t.q.billingEscrow.charges({ leaseId });
    assert.deepEqual(
      charges.map((c) => [c.units, c.amount, c.status, c.fee_bps]),
      [
        ["1000", "4000", "pending", Number(feeBps)],
        ["2500", "10000", "pending", Number(feeBps)],
      ],
    );
    firstCharge = { id: charges[0].charge_id, amount: 4000n, disputableUntil: timestampSeconds(charges[0].disputable_until) };
    secondCharge = { id: charges[1].charge_id, amount: 10_000n };
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.reserved, "14000");
    assert.equal(lease.available, "86000");
    assert.equal(lease.reported_units, "3500");
  });

  it("only the consumer disputes, with a bounded reason, a charge that exists", async () => {
    const reason = "the second batch of jobs never ran";
    await rejectsWith(
      t.as("provider3").billingEscrow.dispute({ leaseId, chargeId: secondCharge.id, reason }),
      /only the consumer of lease \d+ may/,
    );
    await rejectsWith(t.as("consumer3").billingEscrow.dispute({ leaseId, chargeId: 999, reason }), /charge 999 of lease \d+ not found/);
    await rejectsWith(t.as("consumer3").billingEscrow.dispute({ leaseId, chargeId: secondCharge.id, reason: "x".repeat(513) }), /reason/);
    t.gas.add("escrow dispute", await t.as("consumer3").billingEscrow.dispute({ leaseId, chargeId: secondCharge.id, reason }));
    const { charges } = await t.q.billingEscrow.charges({ leaseId });
    assert.equal(charges[1].status, "disputed");
    assert.equal(charges[1].dispute_reason, reason);
    // The registry holds provider3's stake while the dispute is open.
    assert.equal((await t.q.providerRegistry.provider({ address: t.actors.provider3.address })).open_disputes, 1);
    await rejectsWith(
      t.as("consumer3").billingEscrow.dispute({ leaseId, chargeId: secondCharge.id, reason }),
      /charge \d+ is already disputed/,
    );
  });

  it("only an arbiter resolves; voiding returns the charge to the deposit and slashes the provider 10 %", async () => {
    await rejectsWith(
      t.as("consumer3").billingEscrow.resolveDispute({ leaseId, chargeId: secondCharge.id, uphold: false, slashFraction: "0.1" }),
      /unauthorized: \S+ may not resolve_dispute/,
    );
    await rejectsWith(
      t.as("arbiter").billingEscrow.resolveDispute({ leaseId, chargeId: secondCharge.id, uphold: true, slashFraction: "0.1" }),
      /an upheld charge cannot slash the provider/,
    );
    // max_slash is 0.5: the registry refuses more, and the whole resolution with it.
    await rejectsWith(
      t.as("arbiter").billingEscrow.resolveDispute({ leaseId, chargeId: secondCharge.id, uphold: false, slashFraction: "0.6" }),
      /may slash at most 0.5/,
    );
    const result = t.gas.add(
      "escrow resolve_dispute (void + slash)",
      await t.as("arbiter").billingEscrow.resolveDispute({ leaseId, chargeId: secondCharge.id, uphold: false, slashFraction: "0.1" }),
    );
    assert.equal(attribute(result, "bonded_slashed"), "300000");
    const provider = await t.q.providerRegistry.provider({ address: t.actors.provider3.address });
    assert.equal(provider.stake, "2700000");
    assert.equal(provider.reputation.slashes, 1);
    assert.equal(provider.open_disputes, 0, "resolving releases the hold");
    const { charges } = await t.q.billingEscrow.charges({ leaseId });
    assert.equal(charges[1].status, "voided");
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.reserved, "4000");
    assert.equal(lease.available, "96000");
  });

  it("nothing settles before the first charge's dispute window ends; then it pays provider and treasury", async () => {
    const now = await chainSeconds(t.chain);
    if (now < firstCharge.disputableUntil) {
      await rejectsWith(t.as("consumer3").billingEscrow.settle({ leaseId }), /nothing to settle on lease \d+/);
    }
    await waitForChainTime(t.chain, firstCharge.disputableUntil + 1);
    const providerBefore = await bankBalance(t.chain, t.actors.provider3.address, USDC);
    // Anyone may settle: here the arbiter, who is neither party.
    const result = t.gas.add("escrow settle (metered, 1 charge)", await t.as("arbiter").billingEscrow.settle({ leaseId }));
    const fee = protocolFee(firstCharge.amount, feeBps);
    assert.equal((await bankBalance(t.chain, t.actors.provider3.address, USDC)) - providerBefore, firstCharge.amount - fee);
    // Other files pay fees to the treasury at the same time: read this transaction's own transfer to it.
    assert.equal(transferredTo(result, t.addresses.billingEscrow, t.addresses.dao, USDC), fee);
    const provider = await t.q.providerRegistry.provider({ address: t.actors.provider3.address });
    assert.equal(provider.reputation.usage_units, "1000");
    assert.deepEqual(provider.reputation.revenue, [{ denom: { native: USDC }, amount: firstCharge.amount.toString() }]);
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.paid, "4000");
    assert.equal(lease.reserved, "0");
    await rejectsWith(t.as("consumer3").billingEscrow.settle({ leaseId }), /nothing to settle on lease \d+/);
  });

  it("after the consumer closes, the provider still bills its final usage within the grace", async () => {
    const consumerBefore = await bankBalance(t.chain, t.actors.consumer3.address, USDC);
    const closed = t.gas.add("escrow close_lease (consumer, metered)", await t.as("consumer3").billingEscrow.closeLease({ leaseId }));
    assert.equal(attribute(closed, "state"), "closing");
    let lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "closing");
    assert.ok(lease.close_after, "a closing lease shows when the provider's grace ends");
    const graceEnds = timestampSeconds(lease.close_after);
    // Nothing is refunded while the provider may still report.
    assert.equal(await bankBalance(t.chain, t.actors.consumer3.address, USDC), consumerBefore);
    await rejectsWith(t.as("consumer3").billingEscrow.topUp({ leaseId }, "auto", undefined, [{ denom: USDC, amount: "1" }]), /is Closing/);

    t.gas.add("escrow report_usage (final, in the grace)", await t.as("provider3").billingEscrow.reportUsage({ leaseId, units: "500" }));
    const final = (await t.q.billingEscrow.charges({ leaseId })).charges.at(-1);
    assert.ok(final);
    assert.equal(final.amount, "2000");
    await waitForChainTime(t.chain, Math.max(graceEnds, timestampSeconds(final.disputable_until)) + 1);
    await rejectsWith(
      t.as("provider3").billingEscrow.reportUsage({ leaseId, units: "1" }),
      /lease \d+ is Closing; report_usage is not possible/,
    );

    const providerBefore = await bankBalance(t.chain, t.actors.provider3.address, USDC);
    const settled = t.gas.add("escrow settle (completes the close)", await t.as("arbiter").billingEscrow.settle({ leaseId }));
    assert.equal(attribute(settled, "state"), "closed");
    const fee = protocolFee(2000n, BigInt(final.fee_bps));
    assert.equal((await bankBalance(t.chain, t.actors.provider3.address, USDC)) - providerBefore, 2000n - fee);
    const refund = DEPOSIT - firstCharge.amount - 2000n;
    assert.equal((await bankBalance(t.chain, t.actors.consumer3.address, USDC)) - consumerBefore, refund);
    lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "closed");
    assert.equal(lease.paid, (firstCharge.amount + 2000n).toString());
    assert.equal(lease.refunded, refund.toString());
    assert.equal(lease.close_after, null);
    await rejectsWith(t.as("provider3").billingEscrow.reportUsage({ leaseId, units: "1" }), /lease \d+ is Closed/);
  });
});
