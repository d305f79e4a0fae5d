// End-to-end tests of the suite's wiring, of a receipts lease with a receipt
// signed in TypeScript and of a streaming lease, against the devnet deployment (scripts/e2e.sh
// starts a fresh chain, deploys, runs every e2e file and stops the node).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser, cosmjsSigner, ProviderRegistryClient, receiptPublicKey, signReceipt } from "../src";
import {
  attribute,
  bankBalance,
  chainSeconds,
  connect,
  type E2eContext,
  protocolFee,
  rejectsWith,
  timestampSeconds,
  waitForChainTime,
} from "./context";

let t: E2eContext;

before(async () => {
  t = await connect("suite", ["deployer", "provider2", "consumer2"]);
});

after(() => t?.close());

describe("suite wiring on chain", () => {
  it("the DAO reports the deployed suite", async () => {
    const suite = await t.q.dao.suite();
    assert.equal(suite.token, t.addresses.rewardToken);
    assert.equal(suite.registry, t.addresses.providerRegistry);
    assert.equal(suite.escrow, t.addresses.billingEscrow);
  });
  it("the registry is the token's only minter", async () => {
    assert.equal((await t.q.rewardToken.minter()).minter, t.addresses.providerRegistry);
  });
  it("the DAO is the wasm admin of itself, the registry and the escrow; the reward token is immutable", async () => {
    const { rewardToken, ...administered } = t.addresses;
    for (const address of Object.values(administered)) {
      assert.equal((await t.actors.deployer.client.getContract(address)).admin, t.addresses.dao);
    }
    assert.equal((await t.actors.deployer.client.getContract(rewardToken)).admin, undefined);
  });
});

describe("receipts lease on chain", () => {
  const receiptKey = new Sha256(toUtf8("depin e2e receipt key")).digest();
  let leaseId: number;

  it("a provider registers with native stake", async () => {
    const p = t.as("provider2");
    t.gas.add(
      "registry register (native stake)",
      await p.providerRegistry.register(
        {
          service: "bandwidth",
          endpoint: "https://provider2.example",
          region: "us-east",
          capacity: { amount: "10", unit: "Gbps" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "7" }],
        },
        "auto",
        undefined,
        [{ denom: "ustake", amount: "2000000" }],
      ),
    );
    assert.equal((await t.q.providerRegistry.provider({ address: t.actors.provider2.address })).status, "active");
  });

  it("a consumer opens a receipts lease", async () => {
    const c = t.as("consumer2");
    const result = t.gas.add(
      "escrow open_lease (receipts)",
      await c.billingEscrow.openLease(
        { provider: t.actors.provider2.address, billing: { receipts: { consumer_pubkey: toBase64(receiptPublicKey(receiptKey)) } } },
        "auto",
        undefined,
        [{ denom: "uusdc", amount: "70000" }],
      ),
    );
    leaseId = Number(attribute(result, "lease_id"));
    assert.ok(Number.isSafeInteger(leaseId));
  });

  it("the provider redeems a receipt signed in TypeScript and is paid at once", async () => {
    const p = t.as("provider2");
    const before = await bankBalance(t.chain, t.actors.provider2.address, "uusdc");
    const signature = signReceipt(receiptKey, t.chainId, t.addresses.billingEscrow, leaseId, 100n);
    t.gas.add(
      "escrow redeem_receipt",
      await p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "100", signature: toBase64(signature) }),
    );
    const after = await bankBalance(t.chain, t.actors.provider2.address, "uusdc");
    // 100 units × 7 = 700, less the protocol fee (the demo voted it to 200 bps).
    const feeBps = BigInt((await t.q.billingEscrow.config()).fee_bps);
    assert.equal(after - before, 700n - protocolFee(700n, feeBps));
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.paid, "700");
  });

  it("the same receipt cannot be paid twice", async () => {
    const p = t.as("provider2");
    const signature = signReceipt(receiptKey, t.chainId, t.addresses.billingEscrow, leaseId, 100n);
    await rejectsWith(
      p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "100", signature: toBase64(signature) }),
      /does not increase the 100 already redeemed/,
    );
  });

  it("a receipt signed for another chain id is refused", async () => {
    const p = t.as("provider2");
    const signature = signReceipt(receiptKey, `${t.chainId}-other`, t.addresses.billingEscrow, leaseId, 200n);
    await rejectsWith(
      p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "200", signature: toBase64(signature) }),
      /receipt signature does not verify/,
    );
  });

  // 70,000 deposited, 700 paid: 69,300 left, 9,900 units at 7. A receipt for
  // 10,001 cumulative units (9,901 new) covers one unit more than that.
  it("a receipt worth more than the deposit pays the units the deposit covers", async () => {
    const p = t.as("provider2");
    const signature = toBase64(signReceipt(receiptKey, t.chainId, t.addresses.billingEscrow, leaseId, 10_001n));
    const before = await bankBalance(t.chain, t.actors.provider2.address, "uusdc");
    const result = t.gas.add(
      "escrow redeem_receipt (partial: deposit short)",
      await p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "10001", signature }),
    );
    const feeBps = BigInt((await t.q.billingEscrow.config()).fee_bps);
    assert.equal((await bankBalance(t.chain, t.actors.provider2.address, "uusdc")) - before, 69_300n - protocolFee(69_300n, feeBps));
    let lease = await t.q.billingEscrow.lease({ leaseId });
    assert.deepEqual([lease.paid, lease.available, lease.units], ["70000", "0", "10000"]);
    assert.deepEqual([attribute(result, "units"), attribute(result, "units_outstanding")], ["9900", "1"]);
    // The rest of the same signed receipt is redeemable after a top-up.
    t.gas.add(
      "escrow top_up (receipts)",
      await t.as("consumer2").billingEscrow.topUp({ leaseId }, "auto", undefined, [{ denom: "uusdc", amount: "10" }]),
    );
    t.gas.add(
      "escrow redeem_receipt (rest of the same receipt)",
      await p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "10001", signature }),
    );
    lease = await t.q.billingEscrow.lease({ leaseId });
    assert.deepEqual([lease.paid, lease.available, lease.units], ["70007", "3", "10001"]);
    await rejectsWith(
      p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "10001", signature }),
      /does not increase the 10001 already redeemed/,
    );
  });

  // (A consumer's close leaves a receipts lease `closing` for the dispute
  // window, the provider's grace to redeem its last receipts.)
  it("the provider closes the lease and the consumer gets the rest back at once", async () => {
    const p = t.as("provider2");
    const before = await bankBalance(t.chain, t.actors.consumer2.address, "uusdc");
    t.gas.add("escrow close_lease (provider)", await p.billingEscrow.closeLease({ leaseId }));
    const after = await bankBalance(t.chain, t.actors.consumer2.address, "uusdc");
    assert.equal(after - before, 3n);
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "closed");
    assert.equal(lease.refunded, "3");
  });
});

describe("streaming lease on chain", () => {
  const RATE = 3n;
  const DEPOSIT = 1_000n;
  let leaseId: number;
  let consumerStart: bigint;
  let feeBps: bigint;

  it("a consumer offers a rate; the lease is pending and streams nothing until the provider accepts", async () => {
    feeBps = BigInt((await t.q.billingEscrow.config()).fee_bps);
    consumerStart = await bankBalance(t.chain, t.actors.consumer2.address, "uusdc");
    const opened = t.gas.add(
      "escrow open_lease (streaming)",
      await t
        .as("consumer2")
        .billingEscrow.openLease(
          { provider: t.actors.provider2.address, billing: { streaming: { rate_per_second: RATE.toString() } } },
          "auto",
          undefined,
          [{ denom: "uusdc", amount: DEPOSIT.toString() }],
        ),
    );
    leaseId = Number(attribute(opened, "lease_id"));
    const pending = await t.q.billingEscrow.lease({ leaseId });
    assert.deepEqual([pending.state, pending.units, pending.available], ["pending", "0", DEPOSIT.toString()]);
    await rejectsWith(t.as("consumer2").billingEscrow.acceptLease({ leaseId }), /only the provider of lease \d+ may/);
    const accepted = t.gas.add("escrow accept_lease", await t.as("provider2").billingEscrow.acceptLease({ leaseId }));
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "open");
    assert.ok(lease.started_at);
    assert.equal(timestampSeconds(lease.started_at), await chainSeconds(t.chain, accepted.height));
  });

  it("settle pays the rate for every whole second since the start, less the fee", async () => {
    const startedAt = timestampSeconds((await t.q.billingEscrow.lease({ leaseId })).started_at ?? "0");
    await waitForChainTime(t.chain, (await chainSeconds(t.chain)) + 3);
    const providerBefore = await bankBalance(t.chain, t.actors.provider2.address, "uusdc");
    const settled = t.gas.add("escrow settle (streaming)", await t.as("deployer").billingEscrow.settle({ leaseId }));
    const seconds = BigInt((await chainSeconds(t.chain, settled.height)) - startedAt);
    const amount = RATE * seconds;
    assert.ok(seconds >= 3n);
    assert.deepEqual([attribute(settled, "units"), attribute(settled, "amount")], [seconds.toString(), amount.toString()]);
    const fee = protocolFee(amount, feeBps);
    assert.equal((await bankBalance(t.chain, t.actors.provider2.address, "uusdc")) - providerBefore, amount - fee);
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.paid, amount.toString());
    assert.equal(lease.units, seconds.toString());
  });

  it("anyone tops the deposit up; the consumer closes and gets back everything not streamed", async () => {
    t.gas.add(
      "escrow top_up",
      await t.as("deployer").billingEscrow.topUp({ leaseId }, "auto", undefined, [{ denom: "uusdc", amount: "500" }]),
    );
    assert.equal((await t.q.billingEscrow.lease({ leaseId })).deposited, (DEPOSIT + 500n).toString());
    // Gas multiplier 3, not "auto" (1.3): simulated in the same second as the
    // top-up, the close accrues nothing and pays nothing; a second later it
    // pays the provider and reports usage, about 2 × the simulated gas.
    t.gas.add("escrow close_lease (consumer, streaming)", await t.as("consumer2").billingEscrow.closeLease({ leaseId }, 3));
    const lease = await t.q.billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "closed");
    assert.equal(BigInt(lease.paid) + BigInt(lease.refunded), DEPOSIT + 500n);
    assert.equal(BigInt(lease.paid), RATE * BigInt(lease.units));
    // The consumer paid the deposit and got the refund; the deployer's top-up is part of that refund.
    assert.equal((await bankBalance(t.chain, t.actors.consumer2.address, "uusdc")) - consumerStart, BigInt(lease.refunded) - DEPOSIT);
    await rejectsWith(t.as("consumer2").billingEscrow.settle({ leaseId }), /lease \d+ is Closed/);
  });
});

describe("a wallet created after genesis", () => {
  it("signs with gas simulation and registers as a provider, whatever its account number (64-bit on wasmd v0.70)", async () => {
    const wallet = await DirectSecp256k1Wallet.fromKey(new Sha256(toUtf8(`depin e2e fresh wallet ${Date.now()}`)).digest(), "wasm");
    const [{ address }] = await wallet.getAccounts();
    await t.actors.deployer.client.sendTokens(t.actors.deployer.address, address, [{ denom: "ustake", amount: "3000000" }], "auto");
    const client = await SigningCosmWasmClient.connectWithSigner(t.config.rpc, wallet, {
      gasPrice: GasPrice.fromString(t.config.gasPrice),
      accountParser,
      broadcastPollIntervalMs: 200,
    });
    try {
      const account = await client.getAccount(address);
      assert.ok(account, "the funded account exists");
      console.log(`  fresh account number ${String(account.accountNumber)}`);
      const registry = new ProviderRegistryClient(cosmjsSigner(client), address, t.addresses.providerRegistry);
      await registry.register(
        {
          service: "compute",
          endpoint: "https://fresh.example",
          region: "eu-west",
          capacity: { amount: "4", unit: "vCPU" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "3" }],
        },
        "auto",
        undefined,
        [{ denom: "ustake", amount: "2000000" }],
      );
      assert.equal((await t.q.providerRegistry.provider({ address })).status, "active");
    } finally {
      client.disconnect();
    }
  });
});
