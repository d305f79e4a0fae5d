// After the run: the restarted validator's app hash against node 0's
// (--fault), then the chain against the load generator's own accounting:
// transactions, every lease, the provider count and stake, predicted
// balances, voting power and tallies, every provider's proven epochs, and
// every provider's rewards against the closed form of its proven epochs.
import { appHashAt, fetchBlock, latestHeight, nodeSync, pool, restSmart } from "../load-stats";
import { allFleets, allProviders } from "./accounts";
import { expectedLease } from "./billing";
import type { RunContext } from "./context";
import {
  type Account,
  DAO_STAKE,
  errorText,
  FAULT_NODE,
  type LeasePlan,
  PROVIDER_STAKE,
  type ProofLedger,
  STAKE,
  type TxRecord,
  USDC,
} from "./model";
import { expectedRewards, Schedule, StakeTimeline } from "./rewards";

/** What the checks found: one line per check for the report, one sentence per mismatch. */
export class Verification {
  readonly checks: string[] = [];
  readonly problems: string[] = [];
  /** Every transaction the run sent, and those CheckTx accepted, lost, saw in more than one block, or applied twice. */
  allSent: TxRecord[] = [];
  accepted: TxRecord[] = [];
  lost: TxRecord[] = [];
  twice: TxRecord[] = [];
  appliedTwice: TxRecord[] = [];
}

/** --fault: the restarted validator caught up and holds node 0's state. */
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
  v.allSent = ctx.phases.filter((p) => !p.external).flatMap((p) => p.records);
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
    `transactions: ${accepted.length} of ${v.allSent.length} sent by the run accepted by CheckTx, ${accepted.length - lost.length} of them in a block (${lost.length} lost); ` +
      `${twice.length} in more than one block, ${appliedTwice.length} succeeded twice (every block of the run read from node 0)`,
  );
  const failed = v.allSent.filter((r) => r.height !== undefined && r.code !== 0);
  for (const r of failed.slice(0, 5)) v.problems.push(`${r.op} ${r.hash} failed: ${r.log ?? ""}`.slice(0, 300));
  if (failed.length > 5) v.problems.push(`${failed.length - 5} more of the run's transactions failed in a block`);
  for (const p of ctx.state.problems) v.problems.push(p);
}

/** One lease on chain against its prediction; the differing fields, empty when it matches. */
async function leaseDiff(ctx: RunContext, l: LeasePlan & { id: number }): Promise<string[]> {
  const lease = await ctx.q.billingEscrow.lease({ leaseId: l.id });
  const e = expectedLease(l);
  const want = {
    state: "open",
    consumer: l.consumer.address,
    provider: l.provider.address,
    units: String(e.units),
    reported_units: String(e.reported),
    paid: String(e.paid),
    reserved: String(e.reserved),
    available: String(e.available),
    refunded: "0",
    deposited: String(l.deposit),
  };
  const got: Record<keyof typeof want, string> = {
    state: lease.state,
    consumer: lease.consumer,
    provider: lease.provider,
    units: lease.units,
    reported_units: lease.reported_units,
    paid: lease.paid,
    reserved: lease.reserved,
    available: lease.available,
    refunded: lease.refunded,
    deposited: lease.deposited,
  };
  const keys = Object.keys(want) as (keyof typeof want)[];
  return keys.filter((k) => want[k] !== got[k]).map((k) => `${k} ${got[k]} (expected ${want[k]})`);
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
  const opened = leases.filter((l) => l.id !== undefined);
  const charges = opened.reduce((n, l) => n + l.charges.length, 0);
  const paid = opened.reduce((n, l) => n + l.charges.filter((c) => c.paid).length, 0);
  v.checks.push(
    `leases: ${leaseOk} of ${opened.length} leases match in state, parties, units, reported units, paid, reserved, available, refunded and deposit ` +
      `(${charges} charges reported, ${paid} of them paid once matured; every batch item's paid amount in its \`wasm-batch_item\` event equal to the run's prediction${ctx.state.problems.length ? " except those listed" : ""})`,
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
  let operatorsOk = 0;
  const fleets = allFleets(ctx.actors);
  const members = fleets.reduce((n, f) => n + f.providers.length, 0);
  await pool(fleets, 8, async (f) => {
    const listed: string[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await ctx.q.providerRegistry.providersByOperator({ operator: f.operator.address, startAfter, limit: 100 });
      listed.push(...page.providers.map((p) => p.address));
      if (page.providers.length < 100) break;
      startAfter = listed[listed.length - 1];
    }
    const want = f.providers.filter((p) => ctx.state.registered.has(p)).map((p) => p.address);
    const same = listed.length === want.length && want.every((a) => listed.includes(a));
    if (same) operatorsOk += want.length;
    else v.problems.push(`${f.name}: providers_by_operator lists ${listed.length}, expected ${want.length}`);
  });
  v.checks.push(
    `fleets: providers_by_operator lists ${operatorsOk} of the ${members} providers that named an operator under their fleet's operator key (${fleets.length} operators)`,
  );
}

async function checkBalances(ctx: RunContext, v: Verification): Promise<void> {
  const { consumers, stakers } = ctx.actors;
  const { client } = ctx.keys;
  const accounts = [...allProviders(ctx.actors), ...allFleets(ctx.actors).map((f) => f.operator), ...consumers, ...stakers];
  const withToken = new Set([...allProviders(ctx.actors), ...stakers]);
  let balancesOk = 0;
  let predicted = 0;
  await pool(accounts, ctx.options.concurrency, async (a) => {
    if (a.unpredictable) return;
    predicted++;
    const ustake = BigInt((await client.getBalance(a.address, STAKE)).amount);
    const uusdc = BigInt((await client.getBalance(a.address, USDC)).amount);
    const dpin = withToken.has(a) ? BigInt((await ctx.q.rewardToken.balance({ address: a.address })).balance) : 0n;
    const bad: string[] = [];
    if (ustake !== a.ustake) bad.push(`${STAKE} ${ustake} (expected ${a.ustake})`);
    if (uusdc !== a.uusdc) bad.push(`${USDC} ${uusdc} (expected ${a.uusdc})`);
    if (dpin !== a.dpin) bad.push(`DPIN ${dpin} (expected ${a.dpin})`);
    if (bad.length === 0) balancesOk++;
    else v.problems.push(`${a.name} ${a.address}: ${bad.join(", ")}`);
  });
  v.checks.push(
    `balances: ${balancesOk} of ${predicted} accounts (providers, operators, consumers, stakers) with every transaction succeeded match the predicted ${STAKE} (funding − stake − fees), ` +
      `${USDC} (provider: every paid charge less its fee; consumer: funded − deposits) and DPIN (provider: what its claims minted, from their events)` +
      (accounts.length > predicted
        ? `; ${accounts.length - predicted} accounts had a failed or lost transaction and are not predicted`
        : ""),
  );
}

async function checkDao(ctx: RunContext, v: Verification): Promise<void> {
  const { staked, proposals } = ctx.state;
  if (ctx.actors.stakers.length === 0) return;
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
 * rejected), and each provider's `proven_epochs` on chain is the number of epochs the blocks'
 * prove_liveness responses proved it in.
 */
async function checkProofs(ctx: RunContext, v: Verification, ledger: ProofLedger): Promise<void> {
  const ok = ledger.txs.filter((t) => t.record.code === 0);
  if (!ok.some((t) => t.sender === "oracle"))
    v.problems.push("the oracle daemon proved nothing: no prove_liveness of its hot key succeeded");
  for (const t of ok.filter((t) => t.duplicates > 0 || t.rejected > 0))
    v.problems.push(`prove_liveness ${t.record.hash} (${t.sender}, epoch ${t.epoch}): ${t.duplicates} duplicates, ${t.rejected} rejected`);
  const providers = allProviders(ctx.actors).filter((p) => ctx.state.registered.has(p));
  let match = 0;
  await pool(providers, ctx.options.concurrency, async (p) => {
    const onChain = (await ctx.q.providerRegistry.provider({ address: p.address })).reputation.proven_epochs ?? 0;
    const want = ledger.provenEpochs.get(p.address)?.size ?? 0;
    if (onChain === want) match++;
    else v.problems.push(`${p.name}: proven_epochs ${onChain} on chain, the blocks' prove_liveness responses prove it in ${want} epochs`);
  });
  const proofs = ok.reduce((n, t) => n + t.proven.length, 0);
  const failed = ledger.txs.length - ok.length;
  v.checks.push(
    `proofs of service: ${ok.length} prove_liveness transactions succeeded (${ok.filter((t) => t.sender === "oracle").length} of the daemon, ${ok.filter((t) => t.sender === "sweep").length} of the sweep; ${proofs} proofs${failed ? `; ${failed} failed, see Rejected transactions` : ""}), ` +
      `${ok.every((t) => t.duplicates === 0 && t.rejected === 0) ? "every entry proven" : "NOT every entry proven"}; ` +
      `${match} of ${providers.length} providers' proven_epochs on chain equal the epochs the responses proved them in`,
  );
}

/**
 * Every provider's rewards at one block H against the closed form of its proven epochs: what its
 * claims minted (its DPIN balance at H) + pending_rewards + unproven_rewards (read at H) equals the
 * stake pools' share of its bonded seconds in the epochs it was proven in or still may be, plus the
 * usage rewards of the ended epochs, or up to two units less (the chain floors the credited and the
 * held part apart). Each epoch's usage total on chain equals the fees the run predicted.
 */
async function checkRewards(ctx: RunContext, v: Verification, ledger: ProofLedger): Promise<void> {
  const rest = ctx.keys.rest;
  const height = (await latestHeight(ctx.config.rpc)) - 1;
  const nowS = Math.floor((await fetchBlock(ctx.config.rpc, height)).timeMs / 1000);
  const registry = ctx.addresses.providerRegistry;
  const schedule = new Schedule(ctx.chain.registryConfig);
  const joinedS = new Map<Account, number>();
  for (const p of ctx.phases.filter((ph) => ph.op.startsWith("registry register")))
    for (const r of p.records) if (r.code === 0) joinedS.set(r.account, Math.floor((r.blockTimeMs ?? 0) / 1000));
  const timeline = new StakeTimeline(
    BigInt(ctx.chain.statsBefore.total_stake),
    [...joinedS.values()].map((atS) => ({ atS, stake: PROVIDER_STAKE })),
  );
  const totals = new Map<number, bigint>();
  for (const perEpoch of ctx.state.usageFees.values()) for (const [k, w] of perEpoch) totals.set(k, (totals.get(k) ?? 0n) + w);
  for (const [k, total] of totals) {
    const usage = await restSmart<{ weighted_fees: string }>(rest, registry, { epoch_usage: { epoch: k } }, height);
    if (BigInt(usage.weighted_fees) !== total)
      v.problems.push(`epoch ${k}: the registry's weighted fees are ${usage.weighted_fees}, the run's fees weigh ${total}`);
  }
  let match = 0;
  let worst = 0n;
  let total = 0n;
  const at = { epochs: ctx.epochs, schedule, timeline, nowS };
  const providers = allProviders(ctx.actors).filter((p) => joinedS.has(p));
  await pool(providers, ctx.options.concurrency, async (p) => {
    const [record, balance] = await Promise.all([
      restSmart<{ pending_rewards: string; unproven_rewards: string }>(rest, registry, { provider: { address: p.address } }, height),
      restSmart<{ balance: string }>(rest, ctx.addresses.rewardToken, { balance: { address: p.address } }, height),
    ]);
    const actual = BigInt(balance.balance) + BigInt(record.pending_rewards) + BigInt(record.unproven_rewards);
    const want = expectedRewards(
      at,
      {
        stake: PROVIDER_STAKE,
        joinedS: joinedS.get(p) ?? 0,
        proven: ledger.provenEpochs.get(p.address) ?? new Set(),
        fees: ctx.state.usageFees.get(p) ?? new Map(),
      },
      totals,
    );
    const expected = want.stake + want.usage;
    total += actual;
    const short = expected - actual;
    if (short >= 0n && short <= 2n) match++;
    else
      v.problems.push(
        `${p.name}: claimed ${balance.balance} + pending ${record.pending_rewards} + unproven ${record.unproven_rewards} = ${actual}, the closed form ${expected}`,
      );
    if (short > worst) worst = short;
  });
  v.checks.push(
    `rewards at height ${height}: ${match} of ${providers.length} providers' minted + pending + unproven rewards (${total} in all) equal the closed form of their proven epochs ` +
      `(stake share of each proven epoch, or one still in its proof window, over their bonded seconds, with the total stake stepping at each registration; usage rewards of the ended epochs: ` +
      `min(floor(pool × fees / all fees), fees)) or up to 2 units less (the chain floors the credited and the held parts apart; at most ${worst} here); ` +
      `${totals.size} epochs' usage totals on chain equal the fees the run predicted`,
  );
}

/** Every check of the run, in the report's order. */
export async function verify(ctx: RunContext, ledger: ProofLedger): Promise<Verification> {
  const v = new Verification();
  await checkFault(ctx, v);
  ctx.log("checking the chain against the load generator's accounting");
  checkTransactions(ctx, v);
  await checkLeases(ctx, v);
  await checkProviders(ctx, v);
  await checkBalances(ctx, v);
  await checkDao(ctx, v);
  await checkProofs(ctx, v, ledger);
  await checkRewards(ctx, v, ledger);
  ctx.log(v.problems.length === 0 ? "accounting matches the chain" : `${v.problems.length} mismatches`);
  return v;
}
