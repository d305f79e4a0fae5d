// The load run's own accounting (scripts/load/), which its checks against the
// chain rest on: the escrow's fee carry and the settlement at the next report
// (billing.ts, as sums.rs and settlement.rs do it), the batch items' events,
// the registry's rewards in closed form (rewards.ts, as docs/economics.md
// states them), a contract's response data through authz MsgExec, and the
// load params (each day's reports must find the previous day's charges matured).
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { REPO_ROOT } from "../scripts/devnet";
import { applyReport, applySettle, expectedLease, feeWithCarry, itemOutcomes, reportItem } from "../scripts/load/billing";
import { Epochs } from "../scripts/load/epochs";
import { account, DAY_MARGIN_S, type LeasePlan, PRICE } from "../scripts/load/model";
import { expectedRewards, mulDecimalFloor, Schedule, StakeTimeline } from "../scripts/load/rewards";
import { contractResponse } from "../scripts/load-stats";
import { loadParams } from "../scripts/params";

function lease(): LeasePlan {
  return {
    consumer: account("consumer", "wasm1consumer", false),
    provider: account("provider", "wasm1provider", false),
    index: 0,
    deposit: 1_000_000n,
    id: 7,
    charges: [],
    feeCarry: 0n,
    reported: 0n,
    paid: 0n,
  };
}

describe("load: the escrow's billing as the run predicts it", () => {
  it("takes the fee of the sum of a lease's charges, rounded up once (100 charges of 30 at 250 bps pay 75, as one of 3,000)", () => {
    let carry = 0n;
    let fees = 0n;
    for (let i = 0; i < 100; i++) {
      const step = feeWithCarry(30n, 250n, carry);
      carry = step.carry;
      fees += step.fee;
    }
    assert.equal(fees, 75n);
    assert.equal(feeWithCarry(3_000n, 250n, 0n).fee, 75n);
    // Rounded up per charge without the carry it would be 100.
    assert.equal(feeWithCarry(30n, 250n, 0n).fee, 1n);
  });

  it("pays a charge at the first report after its dispute window, the provider the amount less the fee", () => {
    const l = lease();
    assert.deepEqual(reportItem(l, 1_000n), { report_usage: { lease_id: 7, units: "1000", billed_before: "0" } });
    // Day 1 at t = 100 (window 60 s): a charge of 10,000, nothing matured to pay.
    assert.deepEqual(applyReport(l, 1_000n, 100, 60, 100n), { amount: 0n, fee: 0n });
    assert.deepEqual(reportItem(l, 1_001n), { report_usage: { lease_id: 7, units: "1001", billed_before: "1000" } });
    // Day 2 before the window ends: still nothing; the next day's report pays both matured charges.
    assert.deepEqual(applyReport(l, 1_001n, 159, 60, 100n), { amount: 0n, fee: 0n });
    assert.deepEqual(applyReport(l, 1_002n, 220, 60, 100n), { amount: 20_010n, fee: 201n });
    assert.equal(l.provider.uusdc, 20_010n - 201n);
    // 100 bps of 10,000 + 10,010 + 10,020 = 300.3: the three fees sum to its ceiling, 301.
    assert.equal(
      l.charges.reduce((s, c) => s + c.fee, 0n),
      301n,
    );
    assert.deepEqual(expectedLease(l), {
      units: 3_003n,
      reported: 3_003n,
      paid: 20_010n,
      reserved: 1_002n * PRICE,
      available: 1_000_000n - 20_010n - 10_020n,
    });
    // A settle once the last one matured pays it alone; nothing is paid twice.
    assert.deepEqual(applySettle(l, 279), { amount: 0n, fee: 0n });
    assert.deepEqual(applySettle(l, 280), { amount: 10_020n, fee: 100n });
    assert.deepEqual(applySettle(l, 400), { amount: 0n, fee: 0n });
    assert.equal(expectedLease(l).reserved, 0n);
  });

  it("reads each batch item's outcome from its wasm-batch_item event, a refused one with its error", () => {
    const event = (attrs: [string, string][]) => ({ type: "wasm-batch_item", attributes: attrs.map(([key, value]) => ({ key, value })) });
    const outcomes = itemOutcomes([
      { type: "wasm", attributes: [{ key: "action", value: "batch" }] },
      event([
        ["kind", "report_usage"],
        ["lease_id", "3"],
        ["charge_id", "1"],
        ["units", "1000"],
        ["paid", "10010"],
      ]),
      event([
        ["kind", "report_usage"],
        ["lease_id", "4"],
        ["error", "stale report"],
      ]),
    ]);
    assert.deepEqual(outcomes, [
      { leaseId: 3, kind: "report_usage", units: 1000n, paid: 10_010n, error: undefined },
      { leaseId: 4, kind: "report_usage", units: 0n, paid: 0n, error: "stale report" },
    ]);
  });
});

describe("load: the rewards' closed form", () => {
  const epochs = new Epochs(1_000, 100);
  // E = 1,200,000 with a 0.5 usage share: stake pool 600,000, usage pool 600,000.
  const schedule = new Schedule({ emission_per_epoch: "1200000", halving_epochs: 0, usage_share: "0.5" });

  it("splits an epoch's emission exactly: floor(E × u) to usage, the rest to stake; halvings shift it", () => {
    assert.equal(mulDecimalFloor(1_000_001n, "0.5"), 500_000n);
    assert.equal(mulDecimalFloor(10n, "0.333"), 3n);
    const odd = new Schedule({ emission_per_epoch: "1000001", halving_epochs: 4, usage_share: "0.5" });
    assert.equal(odd.usagePool(0) + odd.stakePool(0), 1_000_001n);
    assert.equal(odd.stakePool(0), 500_001n);
    assert.equal(odd.emitted(4), 500_000n);
  });

  it("pays a provider proven in an epoch its stake share, forfeits an unproven closed epoch, holds the open ones", () => {
    // 1,200 and 1,800 bonded from the start of epoch 0; at t = 1,250 (epoch 2) epoch 0's window is closed.
    const timeline = new StakeTimeline(0n, [
      { atS: 1_000, stake: 1_200n },
      { atS: 1_000, stake: 1_800n },
    ]);
    const at = { epochs, schedule, timeline, nowS: 1_250 };
    const proven = expectedRewards(at, { stake: 1_200n, joinedS: 1_000, proven: new Set([0]), fees: new Map() }, new Map());
    // floor(600,000 × 1,200 / 3,000) = 240,000 for epoch 0, as much for epoch 1, half for epoch 2.
    assert.deepEqual(proven, { stake: 600_000n, usage: 0n, forfeitedEpochs: 0 });
    const unproven = expectedRewards(at, { stake: 1_800n, joinedS: 1_000, proven: new Set(), fees: new Map() }, new Map());
    assert.deepEqual(unproven, { stake: 360_000n + 180_000n, usage: 0n, forfeitedEpochs: 1 });
  });

  it("steps the total stake at each registration's second, and a provider earns from its own", () => {
    const timeline = new StakeTimeline(1_000n, [
      { atS: 1_150, stake: 1_000n },
      { atS: 1_150, stake: 1_000n },
    ]);
    assert.deepEqual(timeline.pieces(1_100, 1_200), [
      { fromS: 1_100, toS: 1_150, total: 1_000n },
      { fromS: 1_150, toS: 1_200, total: 3_000n },
    ]);
    const at = { epochs, schedule, timeline, nowS: 1_200 };
    // Joined halfway through epoch 1 with a third of the stake: 600,000 × 50 / 100 / 3 = 100,000.
    const late = expectedRewards(at, { stake: 1_000n, joinedS: 1_150, proven: new Set([1]), fees: new Map() }, new Map());
    assert.equal(late.stake, 100_000n);
    // The first provider: all of epoch 0 (600,000) and, in epoch 1, 50 s alone then 50 s a third.
    const first = expectedRewards(at, { stake: 1_000n, joinedS: 1_000, proven: new Set([0, 1]), fees: new Map() }, new Map());
    assert.equal(first.stake, 600_000n + 300_000n + 100_000n);
  });

  it("pays the usage pool pro rata to the fees of an ended epoch, capped at the provider's fees", () => {
    const timeline = new StakeTimeline(0n, []);
    const at = { epochs, schedule, timeline, nowS: 1_250 };
    const totals = new Map([
      [0, 900_000n],
      [1, 3n],
      [2, 50n],
    ]);
    const fees = new Map([
      [0, 300_000n],
      [1, 1n],
      // Epoch 2 has not ended: nothing yet.
      [2, 50n],
    ]);
    // floor(600,000 × 300,000 / 900,000) = 200,000; floor(600,000 / 3) capped at 1.
    const got = expectedRewards(at, { stake: 0n, joinedS: 1_000, proven: new Set(), fees }, totals);
    assert.equal(got.usage, 200_001n);
  });
});

describe("load: reading the chain", () => {
  const json = { epoch: 4, proven: ["wasm1a"], duplicates: [], rejected: [] };
  const execute = MsgExecuteContractResponse.encode({ data: toUtf8(JSON.stringify(json)) }).finish();

  it("reads a contract's response data sent directly or through authz MsgExec", () => {
    const direct = TxMsgData.encode({
      data: [],
      msgResponses: [{ typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContractResponse", value: execute }],
    }).finish();
    assert.deepEqual(contractResponse(toBase64(direct)), json);
    const exec = MsgExecResponse.encode({ results: [execute] }).finish();
    const viaAuthz = TxMsgData.encode({
      data: [],
      msgResponses: [{ typeUrl: "/cosmos.authz.v1beta1.MsgExecResponse", value: exec }],
    }).finish();
    assert.deepEqual(contractResponse(toBase64(viaAuthz)), json);
    assert.equal(contractResponse(toBase64(toUtf8("garbage"))), undefined);
    assert.equal(contractResponse(undefined), undefined);
  });
});

describe("load params", () => {
  for (const file of ["load.json", "load-short.json"]) {
    it(`${file}: valid, and its dispute window well inside its epoch (a day's reports pay the previous day's charges)`, () => {
      const p = loadParams(resolve(REPO_ROOT, "deploy/params", file), "wasm");
      const { epoch_seconds } = p.suite.registry.rewards;
      assert.ok(
        p.suite.escrow.dispute_window + 2 * DAY_MARGIN_S <= epoch_seconds,
        `${p.suite.escrow.dispute_window} s window, ${epoch_seconds} s epoch`,
      );
      assert.deepEqual(
        p.suite.registry.oracles,
        loadParams(resolve(REPO_ROOT, "deploy/params/devnet.json"), "wasm").suite.registry.oracles,
      );
    });
  }
});
