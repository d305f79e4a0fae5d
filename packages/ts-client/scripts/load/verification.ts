// After the run: the restarted validator's app hash against node 0's
// (--fault), then the chain against the load generator's own accounting:
// transactions, every lease, the provider count and stake, predicted
// balances, voting power, each proposal's tally and the proofs of service.
import { appHashAt, latestHeight, nodeSync, pool } from "../load-stats";
import type { RunContext } from "./context";
import {
  type Account,
  DAO_STAKE,
  errorText,
  FAULT_NODE,
  type LeasePlan,
  missedText,
  PRICE,
  PROVIDER_STAKE,
  STAKE,
  type TxRecord,
  USDC,
} from "./model";

/** What the checks found: one line per check for the report, one sentence per mismatch. */
export class Verification {
  readonly checks: string[] = [];
  readonly problems: string[] = [];
  /** Every transaction of the run, and those CheckTx accepted, lost, saw in more than one block, or applied twice. */
  allSent: TxRecord[] = [];
  accepted: TxRecord[] = [];
  lost: TxRecord[] = [];
  twice: TxRecord[] = [];
  appliedTwice: TxRecord[] = [];
}

/** 6. --fault: the restarted validator caught up and holds node 0's state. */
async function checkFault(ctx: RunContext, v: Verification): Promise<void> {
  const fl = ctx.fault?.log;
  if (!fl) return;
  try {
    await fl.restart;
    // The header of block h carries the app hash after block h − 1: equal hashes, equal state.
    // At the end of the run, so the whole run's state is compared.
    const h = Math.min(await latestHeight(ctx.rpcs[0]), (await nodeSync(ctx.rpcs[FAULT_NODE])).height) - 1;
    fl.appHash = { height: h, node0: await appHashAt(ctx.rpcs[0], h), restarted: await appHashAt(ctx.rpcs[FAULT_NODE], h) };
    if (fl.appHash.node0 !== fl.appHash.restarted)
      v.problems.push(`validator ${FAULT_NODE}'s app hash at height ${h} is ${fl.appHash.restarted}, node 0's ${fl.appHash.node0}`);
    ctx.log(
      `fault: app hash at height ${h} on node 0 and validator ${FAULT_NODE}: ${fl.appHash.node0 === fl.appHash.restarted ? "equal" : "DIFFERENT"}`,
    );
  } catch (err) {
    v.problems.push(`fault: ${errorText(err)}`);
  }
}

function checkTransactions(ctx: RunContext, v: Verification): void {
  v.allSent = ctx.phases.flatMap((p) => p.records);
  v.accepted = v.allSent.filter((r) => r.checkCode === undefined);
  v.lost = v.accepted.filter((r) => r.height === undefined);
  v.twice = v.allSent.filter((r) => r.inclusions > 1);
  v.appliedTwice = v.allSent.filter((r) => r.appliedAgain);
  const { accepted, lost, twice, appliedTwice } = v;
  if (lost.length > 0)
    v.problems.push(`${lost.length} transactions accepted by CheckTx never reached a block (first: ${lost[0].op} ${lost[0].hash})`);
  if (appliedTwice.length > 0)
    v.problems.push(`${appliedTwice.length} transactions succeeded twice (first: ${appliedTwice[0].op} ${appliedTwice[0].hash})`);
  v.checks.push(
    `transactions: ${accepted.length} of ${v.allSent.length} accepted by CheckTx, ${accepted.length - lost.length} of them in a block (${lost.length} lost); ` +
      `${twice.length} in more than one block, ${appliedTwice.length} succeeded twice (every block of the run read from node 0)`,
  );
}

/** One lease on chain against its plan; the differing fields, empty when it matches. */
async function leaseDiff(ctx: RunContext, l: LeasePlan & { id: number }): Promise<string[]> {
  const lease = await ctx.q.billingEscrow.lease({ leaseId: l.id });
  const want = {
    state: l.closed ? "closed" : "open",
    consumer: l.consumer.address,
    provider: l.provider.address,
    units: l.reported ? String(l.units) : "0",
    paid: l.settled ? String(l.units * PRICE) : "0",
    refunded: l.closed ? String(l.deposit - l.units * PRICE) : "0",
    deposited: String(l.deposit),
  };
  const got = {
    state: lease.state,
    consumer: lease.consumer,
    provider: lease.provider,
    units: lease.units,
    paid: lease.paid,
    refunded: lease.refunded,
    deposited: lease.deposited,
  };
  const diff = (Object.keys(want) as (keyof typeof want)[]).filter((k) => want[k] !== got[k]);
  return diff.map((k) => `${k} ${got[k]} (expected ${want[k]})`);
}

async function checkLeases(ctx: RunContext, v: Verification): Promise<void> {
  const { leases } = ctx.state;
  let leaseOk = 0;
  await pool(leases, ctx.options.concurrency, async (l) => {
    if (l.id === undefined) return;
    const diff = await leaseDiff(ctx, { ...l, id: l.id });
    if (diff.length === 0) leaseOk++;
    else v.problems.push(`lease ${l.id}: ${diff.join(", ")}`);
  });
  const opened = leases.filter((l) => l.id !== undefined).length;
  v.checks.push(
    `leases: ${leaseOk} of ${opened} opened leases match in state, parties, units, paid, refunded and deposit (${leases.filter((l) => l.closed).length} closed)`,
  );
}

async function checkProviders(ctx: RunContext, v: Verification): Promise<void> {
  const { statsBefore } = ctx.chain;
  const registered = ctx.state.registered.size;
  const statsAfter = await ctx.q.providerRegistry.stats();
  const wantProviders = statsBefore.providers + registered;
  if (statsAfter.providers !== wantProviders)
    v.problems.push(
      `the registry counts ${statsAfter.providers} providers, expected ${wantProviders} (${statsBefore.providers} before + ${registered} registered)`,
    );
  v.checks.push(
    `providers: the registry counts ${statsAfter.providers} (${statsBefore.providers} before the run + ${registered} registered): ${statsAfter.providers === wantProviders ? "match" : "MISMATCH"}`,
  );
  const wantStake = BigInt(statsBefore.total_stake) + BigInt(registered) * PROVIDER_STAKE;
  if (BigInt(statsAfter.total_stake) !== wantStake)
    v.problems.push(`the registry's total stake is ${statsAfter.total_stake}, expected ${wantStake}`);
  v.checks.push(
    `total provider stake ${statsAfter.total_stake} (expected ${wantStake}): ${BigInt(statsAfter.total_stake) === wantStake ? "match" : "MISMATCH"}`,
  );
}

async function checkBalances(ctx: RunContext, v: Verification): Promise<void> {
  const { providers, consumers, stakers } = ctx.actors;
  const { client } = ctx.keys;
  const newAccounts = [...providers, ...consumers, ...stakers];
  let balancesOk = 0;
  let predicted = 0;
  await pool(newAccounts, ctx.options.concurrency, async (a) => {
    if (a.unpredictable) return;
    predicted++;
    const ustake = BigInt((await client.getBalance(a.address, STAKE)).amount);
    const uusdc = BigInt((await client.getBalance(a.address, USDC)).amount);
    const dpin = stakers.includes(a) ? BigInt((await ctx.q.rewardToken.balance({ address: a.address })).balance) : 0n;
    const bad: string[] = [];
    if (ustake !== a.ustake) bad.push(`${STAKE} ${ustake} (expected ${a.ustake})`);
    if (uusdc !== a.uusdc) bad.push(`${USDC} ${uusdc} (expected ${a.uusdc})`);
    if (dpin !== a.dpin) bad.push(`DPIN ${dpin} (expected ${a.dpin})`);
    if (bad.length === 0) balancesOk++;
    else v.problems.push(`${a.name} ${a.address}: ${bad.join(", ")}`);
  });
  v.checks.push(
    `balances: ${balancesOk} of ${predicted} accounts with every transaction succeeded match the predicted ${STAKE} (funding − stake − fees), ${USDC} (provider: Σ units × price − protocol fee; consumer: funded − units × price, the rest of the deposit refunded at close) and DPIN` +
      (newAccounts.length > predicted
        ? `; ${newAccounts.length - predicted} accounts had a failed or lost transaction and are not predicted`
        : ""),
  );
}

async function checkDao(ctx: RunContext, v: Verification): Promise<void> {
  const { staked, proposals } = ctx.state;
  let powerOk = 0;
  await pool([...staked], ctx.options.concurrency, async (s) => {
    const power = await ctx.q.dao.votingPower({ address: s.address });
    if (power.power === String(DAO_STAKE)) powerOk++;
    else v.problems.push(`${s.name}: voting power ${power.power}, expected ${DAO_STAKE}`);
  });
  v.checks.push(`DAO voting power: ${powerOk} of ${staked.size} stakers hold exactly ${DAO_STAKE}`);
  for (const { id, voted } of proposals) {
    const proposal = await ctx.q.dao.proposal({ proposalId: id });
    const wantAbstain = String(BigInt(voted.size) * DAO_STAKE);
    if (proposal.tally.abstain !== wantAbstain)
      v.problems.push(`proposal ${id}: abstain ${proposal.tally.abstain}, expected ${wantAbstain}`);
    v.checks.push(
      `proposal ${id}: abstain tally ${proposal.tally.abstain} = ${voted.size} votes × ${DAO_STAKE}: ${proposal.tally.abstain === wantAbstain ? "match" : "MISMATCH"} (status ${proposal.status})`,
    );
  }
}

/**
 * Proof of service: every successful batch proved each of its entries (none a duplicate or
 * rejected), and each provider's `proven_epochs` on chain is the number of epochs the oracle's
 * successful batches proved it in.
 */
async function checkProofs(ctx: RunContext, v: Verification): Promise<void> {
  const log = ctx.state.proofs;
  if (!log) return;
  // Falling behind (a batch for an epoch the registry no longer takes) is reported; anything else is a problem.
  for (const f of log.failures.filter((f) => !f.includes("cannot be proven now"))) v.problems.push(`oracle: ${f}`);
  const ok = log.batches.filter((b) => b.record.code === 0);
  if (ok.length === 0) v.problems.push("the oracle proved nothing: no prove_liveness batch succeeded");
  const provenBy = new Map<Account, number>();
  let entries = 0;
  for (const b of ok) {
    entries += b.providers.length;
    if (b.proven !== b.providers.length || b.duplicates !== 0 || b.rejected !== 0)
      v.problems.push(
        `prove_liveness ${b.record.hash} (epoch ${b.epoch}, ${b.providers.length} proofs): proven ${b.proven}, duplicates ${b.duplicates}, rejected ${b.rejected}`,
      );
    for (const p of b.providers) provenBy.set(p, (provenBy.get(p) ?? 0) + 1);
  }
  let match = 0;
  const providers = ctx.actors.providers.filter((p) => ctx.state.registered.has(p));
  await pool(providers, ctx.options.concurrency, async (p) => {
    const onChain = (await ctx.q.providerRegistry.provider({ address: p.address })).reputation.proven_epochs ?? 0;
    const want = provenBy.get(p) ?? 0;
    if (onChain === want) match++;
    else v.problems.push(`${p.name}: proven_epochs ${onChain} on chain, the oracle proved it in ${want} epochs`);
  });
  const failed = log.batches.length - ok.length;
  v.checks.push(
    `proofs of service: ${ok.length} of ${log.batches.length} prove_liveness batches succeeded (${entries} proofs; epochs ${log.firstEpoch}–${log.lastEpoch}: ${missedText(log)}${failed ? `; ${failed} batches failed or lost, see Rejected transactions` : ""}${log.failures.length ? `; the oracle logged ${log.failures.length} failures and went on (listed under Proof of service)` : ""}), ` +
      `${ok.every((b) => b.proven === b.providers.length) ? "every entry proven" : "NOT every entry proven"}; ` +
      `${match} of ${providers.length} providers' proven_epochs on chain equal the epochs the oracle proved them in`,
  );
}

/** 6 and 7: every check of the run, in the report's order. */
export async function verify(ctx: RunContext): Promise<Verification> {
  const v = new Verification();
  await checkFault(ctx, v);
  ctx.log("checking the chain against the load generator's accounting");
  checkTransactions(ctx, v);
  await checkLeases(ctx, v);
  await checkProviders(ctx, v);
  await checkBalances(ctx, v);
  await checkDao(ctx, v);
  await checkProofs(ctx, v);
  ctx.log(v.problems.length === 0 ? "accounting matches the chain" : `${v.problems.length} mismatches`);
  return v;
}
