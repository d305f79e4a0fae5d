// End-to-end tests of a full governance round on the devnet deployment
// (accounts member1, member2, member3): staking DPIN through the token's
// `send`, a proposal voted yes/no/abstain that passes and is executed with
// its effects on chain, a proposal that is rejected, voting power read at the
// proposal's start height, typed errors, unstaking, and the DAO as the suite's
// wasm admin (migrations only through proposals). The demo before this
// file may stake, propose and vote, so powers, proposal ids and balances are
// read first and compared by difference.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Random } from "@cosmjs/crypto";
import { toBase64, toBech32, toUtf8 } from "@cosmjs/encoding";
import type { CosmosMsgForEmpty, Vote } from "../src/generated/Dao.types";
import { attribute, bankBalance, connect, type E2eContext, rejectsWith, waitForTimestamp } from "./context";

let t: E2eContext;
let m1: string;
let m2: string;
let m3: string;

const DPIN = 1_000_000n;
const STAKE_MSG = toBase64(toUtf8(JSON.stringify({ stake: {} })));

before(async () => {
  t = await connect("governance", ["member1", "member2", "member3"]);
  [m1, m2, m3] = [t.actors.member1.address, t.actors.member2.address, t.actors.member3.address];
});

after(() => t?.close());

async function power(address: string, height?: number): Promise<bigint> {
  return BigInt((await t.q.dao.votingPower({ address, height })).power);
}

async function totalPower(height?: number): Promise<bigint> {
  return BigInt((await t.q.dao.totalPower({ height })).power);
}

async function stake(member: string, amount: bigint, step: string) {
  const msg = { contract: t.addresses.dao, amount: amount.toString(), msg: STAKE_MSG };
  return t.gas.add(step, await t.as(member).rewardToken.send(msg));
}

async function vote(member: string, proposalId: number, choice: Vote, step: string) {
  return t.gas.add(step, await t.as(member).dao.vote({ proposalId, vote: choice }));
}

/** The proposal's status once its outcome is final: at once if every vote is in (early close), else after voting ends. */
async function finalStatus(proposalId: number): Promise<string> {
  const p = await t.q.dao.proposal({ proposalId });
  const { yes, no, abstain, no_with_veto } = p.tally;
  if ([yes, no, abstain, no_with_veto].reduce((s, v) => s + BigInt(v), 0n) === BigInt(p.total_power)) {
    assert.notEqual(p.status, "open", "all the power voted: the outcome is final at once");
  } else {
    await waitForTimestamp(t.chain, p.voting_ends_at);
  }
  return (await t.q.dao.proposal({ proposalId })).status as string;
}

const staked = { member1: 10n * DPIN, member2: 300n * DPIN, member3: 200n * DPIN };
/** Staked by member2 and member3 after the second proposal starts. */
const LATE = 50n * DPIN;

describe("staking DPIN in the DAO", () => {
  it("members stake through the token's send; their power and the total grow by exactly that", async () => {
    const members = { member1: m1, member2: m2, member3: m3 };
    const powersBefore = await Promise.all(Object.values(members).map((a) => power(a)));
    const balancesBefore = await Promise.all(Object.values(members).map((a) => t.tokenBalance(a)));
    const totalBefore = await totalPower();
    const needed = [staked.member1, staked.member2 + LATE, staked.member3 + LATE];
    for (const [i, balance] of balancesBefore.entries()) assert.ok(balance >= needed[i], `member${i + 1} holds ${balance} DPIN units`);
    for (const [name, amount] of Object.entries(staked)) {
      const result = await stake(name, amount, `dao stake (cw20 send ${amount / DPIN} DPIN)`);
      assert.equal(attribute(result, "staker", "wasm"), members[name as keyof typeof members]);
    }
    const amounts = Object.values(staked);
    for (const [i, address] of Object.values(members).entries()) {
      assert.equal((await power(address)) - powersBefore[i], amounts[i]);
      assert.equal(balancesBefore[i] - (await t.tokenBalance(address)), amounts[i]);
    }
    assert.equal(
      (await totalPower()) - totalBefore,
      amounts.reduce((s, a) => s + a),
    );
  });
});

describe("a proposal that passes and is executed", () => {
  const arbiter = toBech32("wasm", Random.getBytes(20));
  let proposalId: number;
  let payout: bigint;
  let powers: Record<"member1" | "member2" | "member3", bigint>;

  it("member2 proposes: the escrow adds an arbiter, the treasury pays member3 some uusdc", async () => {
    // The treasury holds the escrow's protocol fees; pay member3 part of them.
    const treasury = await bankBalance(t.chain, t.addresses.dao, "uusdc");
    assert.ok(treasury >= 2n, `the DAO holds ${treasury} uusdc`);
    payout = treasury / 2n < 1000n ? treasury / 2n : 1000n;
    const msgs: CosmosMsgForEmpty[] = [
      {
        wasm: {
          execute: {
            contract_addr: t.addresses.billingEscrow,
            msg: toBase64(toUtf8(JSON.stringify({ update_config: { add_arbiters: [arbiter] } }))),
            funds: [],
          },
        },
      },
      { bank: { send: { to_address: m3, amount: [{ denom: "uusdc", amount: payout.toString() }] } } },
    ];
    const title = "Add an arbiter and pay member3";
    const result = t.gas.add("dao propose (2 messages)", await t.as("member2").dao.propose({ title, description: "e2e", msgs }));
    proposalId = Number(attribute(result, "proposal_id"));
    const p = await t.q.dao.proposal({ proposalId });
    assert.equal(p.status, "open");
    assert.equal(p.proposer, m2);
    assert.deepEqual(p.msgs, msgs);
    assert.equal(p.start_height, result.height);
    assert.equal(p.total_power, (await totalPower(p.start_height)).toString());
    const at = p.start_height;
    powers = { member1: await power(m1, at), member2: await power(m2, at), member3: await power(m3, at) };
    // Yes (member2) must beat no (member3) for the tally below to pass.
    assert.ok(powers.member2 > powers.member3, `member2 ${powers.member2} > member3 ${powers.member3}`);
    await rejectsWith(
      t.as("member1").dao.execute({ proposalId }),
      new RegExp(`proposal ${proposalId} is Open; only a passed proposal can be executed`),
    );
  });

  it("members vote abstain, no and yes; the tally reads back exactly and the proposal passes", async () => {
    // In this order nothing is final before the last vote (yes could still lose).
    for (const [member, choice] of [
      ["member1", "abstain"],
      ["member3", "no"],
      ["member2", "yes"],
    ] as const) {
      const result = await vote(member, proposalId, choice, `dao vote (${choice})`);
      assert.equal(attribute(result, "power", "wasm"), powers[member].toString());
    }
    const { tally } = await t.q.dao.proposal({ proposalId });
    const expected = { yes: powers.member2, no: powers.member3, abstain: powers.member1, no_with_veto: 0n };
    assert.deepEqual(tally, Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.toString()])));
    assert.equal(await finalStatus(proposalId), "passed");
    assert.ok((await t.q.dao.proposal({ proposalId })).executable_at, "timelock 0: executable at once");
  });

  it("anyone executes it: the escrow has the new arbiter and member3 received the uusdc", async () => {
    const before = await bankBalance(t.chain, m3, "uusdc");
    t.gas.add("dao execute (escrow add_arbiters + bank send)", await t.as("member1").dao.execute({ proposalId }));
    const p = await t.q.dao.proposal({ proposalId });
    assert.equal(p.status, "executed");
    assert.equal(p.execution_error ?? null, null);
    assert.ok((await t.q.billingEscrow.config()).arbiters.includes(arbiter));
    assert.equal((await bankBalance(t.chain, m3, "uusdc")) - before, payout);
  });

  it("executing it twice fails", async () => {
    await rejectsWith(
      t.as("member3").dao.execute({ proposalId }),
      new RegExp(`proposal ${proposalId} was already executed \\(Executed\\)`),
    );
  });
});

describe("unstaking, a rejected proposal and snapshot voting power", () => {
  let unstaked: bigint;
  let releaseAt: string;
  let proposalId: number;
  let startHeight: number;

  it("member3 unstakes everything: its power drops at once, the claim waits for the unstaking period", async () => {
    unstaked = await power(m3);
    const result = t.gas.add("dao unstake (all)", await t.as("member3").dao.unstake({ amount: unstaked.toString() }));
    releaseAt = attribute(result, "release_at", "wasm");
    assert.equal(await power(m3), 0n);
    await rejectsWith(t.as("member3").dao.claim(), new RegExp(`no claim of ${m3} has matured`));
  });

  it("stake added after a proposal starts does not vote on it", async () => {
    const msgs: CosmosMsgForEmpty[] = [{ bank: { send: { to_address: m2, amount: [{ denom: "uusdc", amount: "1" }] } } }];
    const result = t.gas.add(
      "dao propose (1 message, to be rejected)",
      await t.as("member2").dao.propose({ title: "Pay member2", description: "e2e, to be rejected", msgs }),
    );
    proposalId = Number(attribute(result, "proposal_id"));
    startHeight = (await t.q.dao.proposal({ proposalId })).start_height;
    const m2AtStart = await power(m2, startHeight);
    await stake("member2", LATE, "dao stake (cw20 send 50 DPIN, during a vote)");
    await stake("member3", LATE, "dao stake (cw20 send 50 DPIN, no power at the start)");
    assert.equal(await power(m2), m2AtStart + LATE);
    assert.equal(await power(m2, startHeight), m2AtStart);
    assert.equal(await power(m3), LATE);
    assert.equal(await power(m3, startHeight), 0n);
    assert.equal((await t.q.dao.proposal({ proposalId })).total_power, (await totalPower(startHeight)).toString());
  });

  it("bad votes fail: twice, and without power at the start height", async () => {
    await vote("member1", proposalId, "abstain", "dao vote (abstain, rejected proposal)");
    await rejectsWith(t.as("member1").dao.vote({ proposalId, vote: "yes" }), new RegExp(`${m1} already voted on proposal ${proposalId}`));
    await rejectsWith(
      t.as("member3").dao.vote({ proposalId, vote: "yes" }),
      new RegExp(`${m3} has no voting power at height ${startHeight}`),
    );
  });

  it("member2 votes no with its power at the start; no wins and the proposal is rejected", async () => {
    const m2AtStart = await power(m2, startHeight);
    await vote("member2", proposalId, "no", "dao vote (no, rejected proposal)");
    assert.deepEqual((await t.q.dao.vote({ proposalId, voter: m2 })).vote, { voter: m2, vote: "no", power: m2AtStart.toString() });
    const { tally } = await t.q.dao.proposal({ proposalId });
    assert.deepEqual(tally, { yes: "0", no: m2AtStart.toString(), abstain: (await power(m1, startHeight)).toString(), no_with_veto: "0" });
    assert.equal(await finalStatus(proposalId), "rejected");
  });

  it("a rejected proposal cannot be executed; anyone closes it", async () => {
    await rejectsWith(
      t.as("member1").dao.execute({ proposalId }),
      new RegExp(`proposal ${proposalId} is Rejected; only a passed proposal can be executed`),
    );
    const result = t.gas.add("dao close (rejected)", await t.as("member3").dao.close({ proposalId }));
    assert.equal(attribute(result, "outcome", "wasm"), "rejected");
    assert.equal((await t.q.dao.proposal({ proposalId })).status, "closed");
  });

  it("after the unstaking period member3's claim pays the unstaked DPIN back exactly", async () => {
    await waitForTimestamp(t.chain, releaseAt);
    const before = await t.tokenBalance(m3);
    const result = t.gas.add("dao claim (unstaked DPIN)", await t.as("member3").dao.claim());
    assert.equal(attribute(result, "amount", "wasm"), unstaked.toString());
    assert.equal((await t.tokenBalance(m3)) - before, unstaked);
    assert.deepEqual((await t.q.dao.claims({ address: m3 })).claims, []);
  });
});

describe("the DAO is the suite's wasm admin: migrations go through proposals", () => {
  const migrateEscrow = (codeId: number): CosmosMsgForEmpty => ({
    wasm: { migrate: { contract_addr: t.addresses.billingEscrow, new_code_id: codeId, msg: toBase64(toUtf8("{}")) } },
  });

  /** member2 proposes `msgs`; members vote yes until it passes (member2's power alone may decide it). */
  async function passProposal(title: string, msgs: CosmosMsgForEmpty[]): Promise<number> {
    const result = t.gas.add("dao propose (wasm migrate)", await t.as("member2").dao.propose({ title, description: "e2e", msgs }));
    const proposalId = Number(attribute(result, "proposal_id"));
    const { start_height } = await t.q.dao.proposal({ proposalId });
    for (const [member, address] of [
      ["member2", m2],
      ["member1", m1],
      ["member3", m3],
    ] as const) {
      if ((await t.q.dao.proposal({ proposalId })).status !== "open") break;
      if ((await power(address, start_height)) > 0n) await vote(member, proposalId, "yes", "dao vote (yes, migration)");
    }
    assert.equal(await finalStatus(proposalId), "passed");
    return proposalId;
  }

  /** Executes an upgrade proposal once its exit window (voting end + unstaking period) is over, which it must not be before. */
  async function executeUpgrade(proposalId: number, member: "member1" | "member3", label: string) {
    const p = await t.q.dao.proposal({ proposalId });
    assert.equal(p.upgrade, true);
    const config = await t.q.dao.config();
    assert.ok(p.executable_at, "a passed upgrade shows when it becomes executable");
    assert.ok(
      BigInt(p.executable_at) >= BigInt(p.voting_ends_at) + BigInt(config.unstaking_period) * 1_000_000_000n,
      "an upgrade waits until every member who started leaving before the vote ended has claimed",
    );
    await rejectsWith(t.as(member).dao.execute({ proposalId }), new RegExp(`proposal ${proposalId} is in its timelock until`));
    await waitForTimestamp(t.chain, p.executable_at);
    return t.gas.add(label, await t.as(member).dao.execute({ proposalId }));
  }

  it("a wallet cannot migrate a suite contract: wasmd checks the admin, the DAO", async () => {
    await rejectsWith(
      t.actors.member1.client.migrate(m1, t.addresses.billingEscrow, t.codeIds["depin-billing-escrow"], {}, "auto"),
      /unauthorized/,
    );
  });

  it("a migration to another contract's code fails inside the proposal, which is marked execution_failed", async () => {
    const history = await t.chain.getContractCodeHistory(t.addresses.billingEscrow);
    const proposalId = await passProposal("Migrate the escrow to the registry's code", [
      migrateEscrow(t.codeIds["depin-provider-registry"]),
    ]);
    await executeUpgrade(proposalId, "member1", "dao execute (failing migration)");
    const p = await t.q.dao.proposal({ proposalId });
    assert.equal(p.status, "execution_failed");
    assert.match(p.execution_error ?? "", /cannot migrate from contract/);
    assert.deepEqual(await t.chain.getContractCodeHistory(t.addresses.billingEscrow), history);
  });

  it("a migration to the escrow's own code executes; the DAO stays admin and the escrow keeps its state", async () => {
    const config = await t.q.billingEscrow.config();
    const before = await t.chain.getContractCodeHistory(t.addresses.billingEscrow);
    const escrowCode = t.codeIds["depin-billing-escrow"];
    const proposalId = await passProposal("Migrate the escrow (same code)", [migrateEscrow(escrowCode)]);
    await executeUpgrade(proposalId, "member3", "dao execute (escrow migration)");
    assert.equal((await t.q.dao.proposal({ proposalId })).status, "executed");
    const history = await t.chain.getContractCodeHistory(t.addresses.billingEscrow);
    assert.equal(history.length, before.length + 1);
    assert.deepEqual([history.at(-1)?.operation, history.at(-1)?.codeId], ["Migrate", escrowCode]);
    const contract = await t.chain.getContract(t.addresses.billingEscrow);
    assert.equal(contract.admin, t.addresses.dao);
    assert.deepEqual(await t.q.billingEscrow.config(), config);
  });
});
