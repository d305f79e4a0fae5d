// End-to-end tests of fleets and batches (issue 26) on the real node: four
// providers name one operator (the fleet agent's hot key) with `set_operator`;
// the operator bills all their leases with escrow `batch`es (usage reports
// that also pay what has matured on their lease, payments summed into one
// transfer per provider and one fee transfer), claims the fleet's rewards in
// one `claim_rewards {providers}`, and loses a provider's leases the moment
// it removes its operator. Refusals item by item (a stale `billed_before`, a
// stranger), the bounds, the access rules, the gas of batches of 1, 10 and 50
// paying reports for CHAIN_GAS.md, and wasmd's instance-cost discount (a
// contract's second call in a transaction pays 2,000 setup gas, not 60,000).
//
// Accounts: fresh keys funded by `consumer1` (only the demo, before the tests,
// signs with it): the operator (not a provider), providers p1–p3 with agent
// keys, p4 without one (never proven, so it never has stake rewards to
// claim), a stranger provider outside the fleet, two consumers; and the
// devnet's oracle `arbiter` for the fleet's liveness proof (shared with
// metered, rewards and liveness; its transactions are resent on a sequence
// clash). Gas is paid in ustake, so every uusdc balance moves by exactly what
// the escrow pays.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { Sha256 } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1Wallet, type EncodeObject } from "@cosmjs/proto-signing";
import { type DeliverTxResponse, GasPrice } from "@cosmjs/stargate";
import {
  accountParser,
  type BatchItemResult,
  type BatchResponse,
  BillingEscrowMsgComposer,
  type BillingEscrowTypes,
  batchResponse,
  MAX_BATCH_ITEMS,
  RewardTokenMsgComposer,
  suiteClients,
} from "../src";
import {
  type AgentKey,
  agentKey,
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
} from "./context";

const FUNDER = "consumer1";
const ORACLE = "arbiter";
const USDC = "uusdc";
const STAKE = "ustake";
const MIN_STAKE = 1_000_000n;
const DEPOSIT = 100_000n;
/** Units of each pool lease's first and second report (the gas batches pay the first). */
const POOL_UNITS = 100n;
/** Pool leases: the gas batches of 1, 10 and 50 paying reports, and one a stranger settles. */
const GAS_SIZES = [1, 10, 50] as const;
const POOL = GAS_SIZES.reduce((sum, n) => sum + n, 0) + 1;
/** Leases for the instance-cost measurement: 1, 5, 1 single report_usage messages and batches of 5 and 1. */
const DISCOUNT_LEASES = 13;
/** wasmd's setup gas for a contract call: the full instance cost, and the discounted one (pinned or already called in the tx). */
const INSTANCE_COST = 60_000;
const INSTANCE_COST_DISCOUNT = 2_000;

interface Wallet {
  name: string;
  address: string;
  client: SigningCosmWasmClient;
  /** The generated clients acting as this wallet. */
  c: ReturnType<typeof suiteClients>;
  /** Message composers acting as this wallet, for multi-message transactions. */
  escrowMsg: BillingEscrowMsgComposer;
  tokenMsg: RewardTokenMsgComposer;
}

interface Provider extends Wallet {
  price: bigint;
  key?: AgentKey;
}

interface Lease {
  id: number;
  consumer: Wallet;
  provider: Provider;
}

let t: E2eContext;
let operator: Wallet;
let fleet: Provider[];
let stranger: Provider;
let consumers: Wallet[];
let feeBps: bigint;
let treasury: string;

/** Fresh keys on every run, so the file also runs again on a devnet it already ran on (scripts/deploy.sh, then node --test). */
const RUN = `${process.pid} ${Date.now()}`;

async function wallet(name: string): Promise<Wallet> {
  const privateKey = new Sha256(toUtf8(`depin e2e fleet ${RUN} ${name}`)).digest();
  const signer = await DirectSecp256k1Wallet.fromKey(privateKey, "wasm");
  const [{ address }] = await signer.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(t.config.rpc, signer, {
    gasPrice: GasPrice.fromString(t.config.gasPrice),
    accountParser,
    broadcastPollIntervalMs: 200,
  });
  return {
    name,
    address,
    client,
    c: suiteClients(client, address, t.addresses),
    escrowMsg: new BillingEscrowMsgComposer(address, t.addresses.billingEscrow),
    tokenMsg: new RewardTokenMsgComposer(address, t.addresses.rewardToken),
  };
}

before(async () => {
  t = await connect("fleet", [FUNDER, ORACLE]);
  const [op, p1, p2, p3, p4, outsider, c1, c2] = await Promise.all(
    ["operator", "p1", "p2", "p3", "p4", "stranger", "consumer a", "consumer b"].map(wallet),
  );
  operator = op;
  // Distinct prices, so every lease's amounts differ; p4 has no agent key.
  fleet = [
    { ...p1, price: 3n, key: agentKey(`fleet ${RUN} p1`) },
    { ...p2, price: 5n, key: agentKey(`fleet ${RUN} p2`) },
    { ...p3, price: 7n, key: agentKey(`fleet ${RUN} p3`) },
    { ...p4, price: 2n },
  ];
  stranger = { ...outsider, price: 1n };
  consumers = [c1, c2];
  const fees = { denom: STAKE, amount: "3000000" };
  const outputs = [
    { address: operator.address, coins: [{ denom: STAKE, amount: "10000000" }] },
    ...[...fleet, stranger].map((p) => ({ address: p.address, coins: [{ denom: STAKE, amount: (MIN_STAKE + 3_000_000n).toString() }] })),
    ...consumers.map((c) => ({ address: c.address, coins: [fees, { denom: USDC, amount: "6000000" }] })),
  ];
  const total = (denom: string) =>
    outputs.flatMap((o) => o.coins).reduce((sum, coin) => (coin.denom === denom ? sum + BigInt(coin.amount) : sum), 0n);
  const funder = t.actors[FUNDER];
  const funded = await funder.client.signAndBroadcast(
    funder.address,
    [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
        value: {
          inputs: [{ address: funder.address, coins: [STAKE, USDC].map((denom) => ({ denom, amount: total(denom).toString() })) }],
          outputs,
        },
      },
    ],
    "auto",
  );
  assert.equal(funded.code, 0, `funding the fleet's accounts failed: ${funded.rawLog}`);
  // Each provider registers from its own account, side by side.
  await Promise.all(
    [...fleet, stranger].map((p) =>
      p.c.providerRegistry.register(
        {
          service: "wireless",
          endpoint: `https://${p.name}.fleet.example`,
          region: "eu-central",
          capacity: { amount: "1", unit: "hotspot" },
          prices: [{ denom: { native: USDC }, per_unit: p.price.toString() }],
          agentPubkey: p.key?.pubkey,
        },
        "auto",
        undefined,
        [{ denom: STAKE, amount: MIN_STAKE.toString() }],
      ),
    ),
  );
  const config = await t.q.billingEscrow.config();
  feeBps = BigInt(config.fee_bps);
  treasury = config.treasury;
});

after(() => {
  for (const w of [operator, ...(fleet ?? []), stranger, ...(consumers ?? [])]) w?.client.disconnect();
  t?.close();
});

// ---------------------------------------------------------------- helpers

function report(lease: Lease, units: bigint, billedBefore?: bigint): BillingEscrowTypes.BatchItem {
  return {
    report_usage: {
      lease_id: lease.id,
      units: units.toString(),
      billed_before: billedBefore === undefined ? undefined : billedBefore.toString(),
    },
  };
}

/** Signs `msgs` in one transaction as `from` (gas simulated × 1.3); fails with the chain's error when it is refused. */
async function send(from: Wallet, msgs: EncodeObject[]): Promise<DeliverTxResponse> {
  const result = await from.client.signAndBroadcast(from.address, msgs, "auto");
  if (result.code !== 0) throw new Error(`tx ${result.transactionHash} failed in its block (code ${result.code}): ${result.rawLog}`);
  return result;
}

/** Sends one escrow `batch` as `from` and decodes its response data. */
async function batch(from: Wallet, items: BillingEscrowTypes.BatchItem[]): Promise<{ result: DeliverTxResponse; data: BatchResponse }> {
  const result = await send(from, [from.escrowMsg.batch({ items })]);
  return { result, data: batchResponse(result) };
}

/** The attribute maps of `contract`'s wasm events with `action`, in order. */
function wasmEvents(result: HasEvents, contract: string, action: string): Record<string, string>[] {
  return result.events
    .filter((e) => e.type === "wasm")
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])))
    .filter((attrs) => attrs._contract_address === contract && attrs.action === action);
}

/** The escrow's `wasm-batch_item` events of a transaction, in order (without the contract address and message index). */
function itemEvents(result: HasEvents): Record<string, string>[] {
  return result.events
    .filter((e) => e.type === "wasm-batch_item")
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])))
    .filter((attrs) => attrs._contract_address === t.addresses.billingEscrow)
    .map(({ _contract_address, msg_index, ...attrs }) => attrs);
}

/**
 * What a claim_rewards minted to each provider: its registry event lists
 * `provider`, `amount`, `forfeited` for each claimant in turn.
 */
function mintedTo(result: HasEvents): Map<string, bigint> {
  const minted = new Map<string, bigint>();
  for (const event of result.events.filter((e) => e.type === "wasm")) {
    const attrs = event.attributes;
    const action = attrs.find((a) => a.key === "action")?.value;
    const contract = attrs.find((a) => a.key === "_contract_address")?.value;
    if (action !== "claim_rewards" || contract !== t.addresses.providerRegistry) continue;
    for (const [i, a] of attrs.entries()) {
      if (a.key === "provider" && attrs[i + 1]?.key === "amount") minted.set(a.value, BigInt(attrs[i + 1].value));
    }
  }
  return minted;
}

/** How many bank transfers of a transaction went from `sender` to `recipient`. */
function transfers(result: HasEvents, sender: string, recipient: string): number {
  return result.events.filter((e) => {
    if (e.type !== "transfer") return false;
    const get = (key: string) => e.attributes.find((a) => a.key === key)?.value;
    return get("sender") === sender && get("recipient") === recipient;
  }).length;
}

/** What an item that went through lists. */
function ok(leaseId: number, units: bigint, paid: bigint, chargeId: number | null): BatchItemResult {
  return { lease_id: leaseId, charge_id: chargeId, units: units.toString(), paid: paid.toString(), error: null };
}

/** What a refused item lists: nothing happened. */
function refused(leaseId: number, error: string): BatchItemResult {
  return { lease_id: leaseId, charge_id: null, units: "0", paid: "0", error };
}

/** Opens one metered lease with each of `providers` in one transaction of `consumer`'s (one open_lease message each). */
async function openLeases(consumer: Wallet, providers: Provider[]): Promise<Lease[]> {
  const msgs = providers.map((p) =>
    consumer.escrowMsg.openLease({ provider: p.address, billing: { metered: {} }, maxPricePerUnit: p.price.toString() }, [
      { denom: USDC, amount: DEPOSIT.toString() },
    ]),
  );
  const result = await send(consumer, msgs);
  const opened = wasmEvents(result, t.addresses.billingEscrow, "open_lease");
  assert.equal(opened.length, providers.length);
  return opened.map((e, i) => {
    assert.equal(e.provider, providers[i].address);
    return { id: Number(e.lease_id), consumer, provider: providers[i] };
  });
}

async function lease(l: Lease) {
  return t.q.billingEscrow.lease({ leaseId: l.id });
}

/** Polls `read` every 250 ms until `done` holds (at most `seconds`). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, seconds: number, what: string): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value)) return value;
    if (tries * 250 > seconds * 1000) throw new Error(`${what}: not within ${seconds} s (last ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The wasmd version the node reports (abci_info), for the figures printed. */
async function wasmdVersion(): Promise<string> {
  const info = (await (await fetch(`${t.config.rpc}/abci_info`)).json()) as { result: { response: { version: string } } };
  return `wasmd ${info.result.response.version}`;
}

// ---------------------------------------------------------------- the journey

describe("a fleet on chain: one operator bills and claims for its providers", () => {
  let journey: Lease[];
  let pool: Lease[];
  let discount: Lease[];
  /** Units of each journey lease's first report, and of its second. */
  const firstUnits = [1234n, 2345n, 3456n, 4567n, 5678n, 6789n];
  const secondUnits = 1000n;
  /** The latest second at which the first charges (journey and pool) mature. */
  let maturesAt = 0;

  it("four providers name the operator; providers_by_operator lists them, pages and all", async () => {
    for (const p of [...fleet, stranger]) assert.equal((await t.q.providerRegistry.provider({ address: p.address })).status, "active");
    const named = await Promise.all(fleet.map((p) => p.c.providerRegistry.setOperator({ operator: operator.address })));
    for (const result of named) t.gas.add("registry set_operator", result);
    const listed = await t.q.providerRegistry.providersByOperator({ operator: operator.address });
    const addresses = fleet.map((p) => p.address).sort();
    assert.deepEqual(
      listed.providers.map((p) => p.address),
      addresses,
    );
    for (const p of listed.providers) assert.equal(p.operator, operator.address);
    const first = await t.q.providerRegistry.providersByOperator({ operator: operator.address, limit: 3 });
    const rest = await t.q.providerRegistry.providersByOperator({ operator: operator.address, startAfter: addresses[2] });
    assert.deepEqual(
      [...first.providers, ...rest.providers].map((p) => p.address),
      addresses,
    );
    assert.equal((await t.q.providerRegistry.provider({ address: stranger.address })).operator ?? null, null);
    assert.deepEqual((await t.q.providerRegistry.providersByOperator({ operator: stranger.address })).providers, []);
  });

  it("two consumers open metered leases with the fleet, many open_lease messages per transaction", async () => {
    const [p1, p2, p3] = fleet;
    const roundRobin = (n: number, from: number) => Array.from({ length: n }, (_, i) => [p1, p2, p3][(from + i) % 3]);
    const half = Math.ceil(POOL / 2);
    const [a, b] = await Promise.all([
      openLeases(consumers[0], [p1, p2, p3, ...roundRobin(half, 0)]),
      openLeases(consumers[1], [p1, p2, p3, ...roundRobin(POOL - half, half), ...Array.from({ length: DISCOUNT_LEASES }, () => p1)]),
    ]);
    journey = [...a.slice(0, 3), ...b.slice(0, 3)];
    pool = [...a.slice(3), ...b.slice(3, 3 + POOL - half)];
    discount = b.slice(3 + POOL - half);
    assert.deepEqual([journey.length, pool.length, discount.length], [6, POOL, DISCOUNT_LEASES]);
    for (const l of journey) {
      const record = await lease(l);
      assert.deepEqual([record.state, record.price_per_unit, record.available], ["open", l.provider.price.toString(), DEPOSIT.toString()]);
    }
  });

  it("the operator reports usage on all six leases in one batch: six charges, one event and one result per item", async () => {
    const { result, data } = await batch(
      operator,
      journey.map((l, i) => report(l, firstUnits[i])),
    );
    t.gas.add("escrow batch (6 reports by the fleet's operator, nothing matured)", result);
    const charges = await Promise.all(journey.map((l) => t.q.billingEscrow.charges({ leaseId: l.id })));
    assert.deepEqual(
      data.items,
      journey.map((l, i) => ok(l.id, firstUnits[i], 0n, charges[i].charges[0].charge_id)),
    );
    assert.deepEqual(
      wasmEvents(result, t.addresses.billingEscrow, "batch").map((e) => [e.items, e.refused]),
      [["6", "0"]],
    );
    assert.deepEqual(
      itemEvents(result),
      journey.map((l, i) => ({
        kind: "report_usage",
        lease_id: String(l.id),
        charge_id: String(charges[i].charges[0].charge_id),
        units: firstUnits[i].toString(),
        paid: "0",
        fee: "0",
        charged: (firstUnits[i] * l.provider.price).toString(),
      })),
    );
    // Nothing matured yet: the escrow paid nobody.
    assert.equal(transferredTo(result, t.addresses.billingEscrow, treasury, USDC), 0n);
    for (const [i, l] of journey.entries()) {
      const amount = firstUnits[i] * l.provider.price;
      const record = await lease(l);
      assert.deepEqual(
        [record.reported_units, record.reserved, record.paid, record.available],
        [firstUnits[i].toString(), amount.toString(), "0", (DEPOSIT - amount).toString()],
      );
      assert.deepEqual(
        charges[i].charges.map((c) => [c.units, c.amount, c.status]),
        [[firstUnits[i].toString(), amount.toString(), "pending"]],
      );
      maturesAt = Math.max(maturesAt, timestampSeconds(charges[i].charges[0].disputable_until));
    }
  });

  it("the operator reports the first usage of the pool leases too (one batch of 62 items)", async () => {
    const { result, data } = await batch(
      operator,
      pool.map((l) => report(l, POOL_UNITS)),
    );
    t.gas.add(`escrow batch (${POOL} reports, nothing matured)`, result);
    assert.deepEqual(
      data.items.map((item) => [item.error ?? null, item.paid]),
      pool.map(() => [null, "0"]),
    );
    const last = await t.q.billingEscrow.charges({ leaseId: pool[pool.length - 1].id });
    maturesAt = Math.max(maturesAt, timestampSeconds(last.charges[0].disputable_until));
  });

  describe("while the charges mature: access and bad inputs", () => {
    it("set_operator: only a registered provider, never itself, only a valid address", async () => {
      await rejectsWith(
        operator.c.providerRegistry.setOperator({ operator: fleet[0].address }),
        new RegExp(`${operator.address} is not a registered provider`),
      );
      await rejectsWith(
        fleet[0].c.providerRegistry.setOperator({ operator: fleet[0].address }),
        /a provider cannot name itself its operator/,
      );
      await rejectsWith(
        fleet[0].c.providerRegistry.setOperator({ operator: "wasm1notanaddress" }),
        /addr_validate errored: decoding bech32 failed/,
      );
      assert.equal((await t.q.providerRegistry.provider({ address: fleet[0].address })).operator, operator.address, "nothing changed");
    });

    it(`a batch holds 1 to ${MAX_BATCH_ITEMS} items`, async () => {
      await rejectsWith(batch(operator, []), /items must not be empty/);
      const over = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => report(journey[0], 1n));
      await rejectsWith(batch(operator, over), new RegExp(`items has ${MAX_BATCH_ITEMS + 1} entries; the limit is ${MAX_BATCH_ITEMS}`));
    });

    it("claim_rewards {providers}: every listed provider must have named the sender, or the whole claim fails", async () => {
      await rejectsWith(
        operator.c.providerRegistry.claimRewards({ providers: [fleet[0].address, stranger.address] }),
        new RegExp(`${operator.address} is neither ${stranger.address} nor the operator it named`),
      );
      await rejectsWith(
        stranger.c.providerRegistry.claimRewards({ providers: [fleet[0].address] }),
        new RegExp(`${stranger.address} is neither ${fleet[0].address} nor the operator it named`),
      );
      await rejectsWith(operator.c.providerRegistry.claimRewards({ providers: [] }), /providers must not be empty/);
      await rejectsWith(
        operator.c.providerRegistry.claimRewards({ providers: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => fleet[0].address) }),
        new RegExp(`providers has ${MAX_BATCH_ITEMS + 1} entries; the limit is ${MAX_BATCH_ITEMS}`),
      );
    });
  });

  describe("while the charges mature: wasmd's instance-cost discount", () => {
    it("a contract's later calls in a transaction pay the discounted setup gas, a first call of another contract the full instance cost", async () => {
      const [p1, p2, p3, p4] = fleet;
      const reportMsg = (l: Lease) => operator.escrowMsg.reportUsage({ leaseId: l.id, units: "10" });
      const allowanceMsg = (spender: Provider) => operator.tokenMsg.increaseAllowance({ spender: spender.address, amount: "1" });
      // The single report_usage accepts the operator too.
      const one = t.gas.add("escrow report_usage by the operator (1 message in the tx)", await send(operator, [reportMsg(discount[0])]));
      const five = t.gas.add(
        "escrow report_usage by the operator (5 messages in one tx)",
        await send(operator, discount.slice(1, 6).map(reportMsg)),
      );
      const cw20 = t.gas.add("token increase_allowance (1 message in the tx)", await send(operator, [allowanceMsg(p1)]));
      const cw20Twice = t.gas.add(
        "token increase_allowance (2 messages in one tx)",
        await send(operator, [allowanceMsg(p2), allowanceMsg(p3)]),
      );
      const twoContracts = t.gas.add(
        "token increase_allowance + escrow report_usage (two contracts in one tx)",
        await send(operator, [allowanceMsg(p4), reportMsg(discount[6])]),
      );
      const batched = await batch(
        operator,
        discount.slice(7, 12).map((l) => report(l, 10n)),
      );
      t.gas.add("escrow batch (5 reports, nothing matured)", batched.result);
      assert.ok(batched.data.items.every((item) => !item.error));
      const single = await batch(operator, [report(discount[12], 10n)]);
      t.gas.add("escrow batch (1 report, nothing matured)", single.result);
      assert.equal(single.data.items[0].error ?? null, null);
      for (const l of discount) assert.equal((await lease(l)).reported_units, "10");

      const gas = (r: DeliverTxResponse) => Number(r.gasUsed);
      const extraReport = (gas(five) - gas(one)) / 4;
      const extraAllowance = gas(cw20Twice) - gas(cw20);
      // The same report_usage, but as the escrow's first call in its transaction.
      const reportAfterOtherContract = gas(twoContracts) - gas(cw20);
      const discountSeen = reportAfterOtherContract - extraReport;
      const version = await wasmdVersion();
      console.log(
        `  instance-cost discount on ${version}: report_usage 1 msg ${gas(one)}, 5 msgs ${gas(five)} (+${Math.round(extraReport)} per extra message); ` +
          `increase_allowance 1 msg ${gas(cw20)}, 2 msgs ${gas(cw20Twice)} (+${extraAllowance}); ` +
          `increase_allowance + report_usage (two contracts) ${gas(twoContracts)} (report_usage as the escrow's first call +${reportAfterOtherContract}); ` +
          `discount seen ${Math.round(discountSeen)} (60,000 − 2,000 = ${INSTANCE_COST - INSTANCE_COST_DISCOUNT}); ` +
          `5 reports as one batch ${gas(batched.result)} vs 5 messages ${gas(five)}; a batch of 1 report ${gas(single.result)}`,
      );
      // A later call of the same contract (same checksum) in the transaction costs
      // far less than the 60,000 instance cost alone; the first call of another
      // contract pays it in full: the two differ by 60,000 − 2,000 (± the few
      // hundred gas of message bytes and lease ids).
      assert.ok(extraReport < INSTANCE_COST, `an extra report_usage message costs ${extraReport}`);
      assert.ok(extraAllowance < INSTANCE_COST / 2, `an extra increase_allowance message costs ${extraAllowance}`);
      assert.ok(
        Math.abs(discountSeen - (INSTANCE_COST - INSTANCE_COST_DISCOUNT)) <= 2_500,
        `the first call of a second contract costs ${discountSeen} more than a later call of the same one`,
      );
    });
  });

  it("after the dispute window the next batch pays the matured charges: one transfer per provider, one fee transfer", async () => {
    await waitForChainTime(t.chain, maturesAt + 1);
    const amounts = journey.map((l, i) => firstUnits[i] * l.provider.price);
    const fees = amounts.map((amount) => protocolFee(amount, feeBps));
    // What settle would pay now, as the escrow computes it (a query may run at
    // the block before the newest, so it is read until it sees the maturity).
    for (const [i, l] of journey.entries()) {
      const due = await until(
        () => t.q.billingEscrow.settleable({ leaseId: l.id }),
        (d) => d.units !== "0",
        10,
        `lease ${l.id}'s first charge is payable`,
      );
      assert.deepEqual([due.amount, due.fee, due.units], [amounts[i].toString(), fees[i].toString(), firstUnits[i].toString()]);
    }
    const providers = fleet.slice(0, 3);
    const before = await Promise.all(providers.map((p) => bankBalance(t.chain, p.address, USDC)));
    const { result, data } = await batch(
      operator,
      journey.map((l, i) => report(l, secondUnits, firstUnits[i])),
    );
    t.gas.add("escrow batch (6 reports, each paying its lease's matured charge)", result);
    const charges = await Promise.all(journey.map((l) => t.q.billingEscrow.charges({ leaseId: l.id })));
    assert.deepEqual(
      data.items,
      journey.map((l, i) => ok(l.id, secondUnits, amounts[i], charges[i].charges[1].charge_id)),
    );
    assert.deepEqual(
      itemEvents(result).map((e) => [e.lease_id, e.paid, e.fee, e.charged]),
      journey.map((l, i) => [String(l.id), amounts[i].toString(), fees[i].toString(), (secondUnits * l.provider.price).toString()]),
    );
    for (const [k, p] of providers.entries()) {
      const mine = journey.flatMap((l, i) => (l.provider === p ? [i] : []));
      const net = mine.reduce((sum, i) => sum + amounts[i] - fees[i], 0n);
      assert.equal((await bankBalance(t.chain, p.address, USDC)) - before[k], net, `${p.name} received amount − fee per lease`);
      assert.equal(transfers(result, t.addresses.billingEscrow, p.address), 1, `one transfer to ${p.name}`);
      const { reputation } = await t.q.providerRegistry.provider({ address: p.address });
      assert.equal(reputation.usage_units, mine.reduce((sum, i) => sum + firstUnits[i], 0n).toString());
      assert.equal(reputation.leases_settled, mine.length);
      assert.deepEqual(reputation.revenue, [{ denom: { native: USDC }, amount: mine.reduce((sum, i) => sum + amounts[i], 0n).toString() }]);
    }
    // Other files pay fees to the treasury at the same time: this transaction's own transfer.
    assert.equal(transfers(result, t.addresses.billingEscrow, treasury), 1);
    assert.equal(
      transferredTo(result, t.addresses.billingEscrow, treasury, USDC),
      fees.reduce((sum, fee) => sum + fee, 0n),
    );
    // The items' `fee` attributes add up to that transfer.
    assert.equal(
      itemEvents(result).reduce((sum, e) => sum + BigInt(e.fee), 0n),
      transferredTo(result, t.addresses.billingEscrow, treasury, USDC),
    );
    // One record_usage_batch to the registry for the three providers.
    const recorded = wasmEvents(result, t.addresses.providerRegistry, "record_usage_batch");
    assert.deepEqual(
      recorded.map((e) => [e.recorded, e.units]),
      [["3", firstUnits.reduce((sum, u) => sum + u, 0n).toString()]],
    );
    for (const [i, l] of journey.entries()) {
      const record = await lease(l);
      const second = secondUnits * l.provider.price;
      assert.deepEqual(
        [record.paid, record.reserved, record.reported_units, record.available],
        [amounts[i].toString(), second.toString(), (firstUnits[i] + secondUnits).toString(), (DEPOSIT - amounts[i] - second).toString()],
      );
      assert.deepEqual(
        charges[i].charges.map((c) => c.status),
        ["paid", "pending"],
      );
    }
  });

  it("a batch with a stale billed_before refuses those items alone; the others go through", async () => {
    const reported = (i: number) => firstUnits[i] + secondUnits;
    const { result, data } = await batch(
      operator,
      // The first three build on the count before the last report (a lost
      // record replayed): refused. The other three build on the lease's count.
      journey.map((l, i) => (i < 3 ? report(l, secondUnits, firstUnits[i]) : report(l, secondUnits, reported(i)))),
    );
    t.gas.add("escrow batch (6 reports: 3 with a stale billed_before refused)", result);
    const charges = await Promise.all(journey.map((l) => t.q.billingEscrow.charges({ leaseId: l.id })));
    // A report pays its lease's second charge too if it has matured by the block's time.
    const at = await chainSeconds(t.chain, result.height);
    const matured = (i: number) =>
      timestampSeconds(charges[i].charges[1].disputable_until) <= at ? secondUnits * journey[i].provider.price : 0n;
    assert.deepEqual(
      data.items,
      journey.map((l, i) =>
        i < 3
          ? refused(l.id, `report_usage on lease ${l.id} builds on ${firstUnits[i]} units reported, but the lease has ${reported(i)}`)
          : ok(l.id, secondUnits, matured(i), charges[i].charges[2].charge_id),
      ),
    );
    assert.deepEqual(
      wasmEvents(result, t.addresses.billingEscrow, "batch").map((e) => [e.items, e.refused]),
      [["6", "3"]],
    );
    assert.deepEqual(
      itemEvents(result).map((e) => e.error ?? null),
      data.items.map((item) => item.error ?? null),
    );
    for (const [i, l] of journey.entries()) {
      const expected = i < 3 ? reported(i) : reported(i) + secondUnits;
      assert.equal((await lease(l)).reported_units, expected.toString());
      assert.equal(charges[i].charges.length, i < 3 ? 2 : 3);
    }
  });

  it("a stranger's batch: its reports are refused item by item, its settle goes through (anyone may settle)", async () => {
    const spare = pool[pool.length - 1];
    const paid = POOL_UNITS * spare.provider.price;
    const providerBefore = await bankBalance(t.chain, spare.provider.address, USDC);
    const { result, data } = await batch(stranger, [
      report(journey[0], 1n),
      report(journey[4], 1n, firstUnits[4] + 2n * secondUnits),
      { settle: { lease_id: spare.id } },
    ]);
    t.gas.add("escrow batch (a stranger: 2 reports refused, 1 settle)", result);
    assert.deepEqual(data.items, [
      refused(journey[0].id, `only the provider of lease ${journey[0].id} may report_usage`),
      refused(journey[4].id, `only the provider of lease ${journey[4].id} may report_usage`),
      ok(spare.id, POOL_UNITS, paid, null),
    ]);
    assert.deepEqual(
      itemEvents(result).map((e) => e.kind),
      ["report_usage", "report_usage", "settle"],
    );
    assert.equal((await bankBalance(t.chain, spare.provider.address, USDC)) - providerBefore, paid - protocolFee(paid, feeBps));
    assert.equal((await lease(journey[0])).reported_units, (firstUnits[0] + secondUnits).toString());
    assert.equal((await lease(journey[4])).reported_units, (firstUnits[4] + 2n * secondUnits).toString());
  });

  it("gas: batches of 1, 10 and 50 reports, each paying its lease's matured charge", async () => {
    const measured: [number, number][] = [];
    let next = 0;
    for (const size of GAS_SIZES) {
      const leases = pool.slice(next, next + size);
      next += size;
      const owed = leases.map((l) => POOL_UNITS * l.provider.price);
      const { result, data } = await batch(
        operator,
        leases.map((l) => report(l, POOL_UNITS, POOL_UNITS)),
      );
      t.gas.add(
        size === 1 ? "escrow batch (1 report paying a matured charge)" : `escrow batch (${size} reports, each paying a matured charge)`,
        result,
      );
      assert.deepEqual(
        data.items.map((item) => [item.lease_id, item.paid, item.error ?? null]),
        leases.map((l, i) => [l.id, owed[i].toString(), null]),
      );
      const paidTo = new Set(leases.map((l) => l.provider));
      for (const p of paidTo) assert.equal(transfers(result, t.addresses.billingEscrow, p.address), 1);
      assert.equal(transfers(result, t.addresses.billingEscrow, treasury), 1);
      measured.push([size, Number(result.gasUsed)]);
    }
    const version = await wasmdVersion();
    const [[, g1], [, g10], [, g50]] = measured;
    console.log(
      `  escrow batch gas on ${version} (reports paying matured charges): ` +
        `${measured.map(([n, g]) => `${n}: ${g} (${Math.round(g / n)} per item)`).join(", ")}; ` +
        `marginal per item ${Math.round((g10 - g1) / 9)} (1→10), ${Math.round((g50 - g10) / 40)} (10→50)`,
    );
    assert.ok(g1 < g10 && g10 < g50, "the gas grows with the batch");
    assert.ok(g50 / 50 < g1 / 2, "a large batch costs less than half of a batch of one per item");
  });

  it("the operator claims the fleet's rewards in one claim_rewards; a provider with nothing is skipped", async () => {
    const proven = fleet.slice(0, 3);
    const [p4] = fleet.slice(3);
    // Stake rewards are credited for proven epochs only: the oracle proves p1–p3.
    const epoch = await currentEpoch(t);
    const proof = await proveLiveness(
      t,
      ORACLE,
      epoch,
      proven.map((p) => proofFor(t, p.address, p.key as AgentKey, epoch)),
    );
    t.gas.add("registry prove_liveness (the fleet's 3 providers)", proof.result);
    assert.deepEqual(
      proof.data.proven,
      proven.map((p) => p.address),
    );
    for (const p of proven) {
      await until(
        () => t.q.providerRegistry.pendingRewards({ address: p.address }),
        (r) => BigInt(r.pending_rewards) > 0n,
        10,
        `${p.name} has rewards to claim`,
      );
    }
    // p4 has no agent key: its stake rewards wait for a proof that never comes.
    assert.equal((await t.q.providerRegistry.pendingRewards({ address: p4.address })).pending_rewards, "0");
    const before = await Promise.all(fleet.map((p) => t.tokenBalance(p.address)));
    const result = t.gas.add(
      "registry claim_rewards (fleet of 4: 3 minted, 1 with nothing skipped)",
      await operator.c.providerRegistry.claimRewards({ providers: fleet.map((p) => p.address) }),
    );
    const minted = mintedTo(result);
    assert.deepEqual([...minted.keys()].sort(), proven.map((p) => p.address).sort(), "p1–p3 minted, p4 skipped");
    for (const [k, p] of fleet.entries()) {
      const rose = (await t.tokenBalance(p.address)) - before[k];
      assert.equal(rose, minted.get(p.address) ?? 0n, `${p.name}'s DPIN balance rose by what was minted to it`);
      if (p !== p4) assert.ok(rose > 0n);
    }
    await rejectsWith(operator.c.providerRegistry.claimRewards({ providers: [p4.address] }), /no rewards to claim/);
  });

  it("a provider that removes its operator takes its leases back at once: the operator's next item for it is refused", async () => {
    const p3 = fleet[2];
    t.gas.add("registry set_operator (removes the operator)", await p3.c.providerRegistry.setOperator({}));
    assert.equal((await t.q.providerRegistry.provider({ address: p3.address })).operator ?? null, null);
    assert.deepEqual(
      (await t.q.providerRegistry.providersByOperator({ operator: operator.address })).providers.map((p) => p.address),
      fleet
        .filter((p) => p !== p3)
        .map((p) => p.address)
        .sort(),
    );
    const ofP3 = journey[2];
    const ofP1 = journey[3];
    assert.equal(ofP3.provider, p3);
    assert.equal(ofP1.provider, fleet[0]);
    const { data } = await batch(operator, [report(ofP3, 1n), report(ofP1, 1n)]);
    assert.equal(data.items[0].error, `only the provider of lease ${ofP3.id} may report_usage`);
    assert.equal(data.items[1].error ?? null, null);
    await rejectsWith(
      operator.c.billingEscrow.reportUsage({ leaseId: ofP3.id, units: "1" }),
      new RegExp(`only the provider of lease ${ofP3.id} may report_usage`),
    );
    await rejectsWith(
      operator.c.providerRegistry.claimRewards({ providers: [p3.address] }),
      new RegExp(`${operator.address} is neither ${p3.address} nor the operator it named`),
    );
    // The provider itself still bills its lease.
    const own = await batch(p3, [report(ofP3, 1n)]);
    assert.equal(own.data.items[0].error ?? null, null);
  });
});
