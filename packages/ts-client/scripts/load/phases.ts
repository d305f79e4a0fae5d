// The operations of the run, in order: funding, providers (register with an
// agent key, heartbeat; the oracle's proofs run beside from then on, oracle.ts), metered leases (open, report usage, settle after the dispute
// window, close), the DAO (stake, propose, vote) and, with --pin, the same
// again after the codes are pinned. Each says what a success changes in the
// predicted balances and the run state.
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { eventAttribute, latestHeight, pool } from "../load-stats";
import type { RunContext } from "./context";
import { localnet } from "./localnet";
import {
  type Account,
  DAO_STAKE,
  DEPOSIT,
  execMsg,
  FEE_FUNDS,
  GAS_MARGIN,
  type LeasePlan,
  OUTPUTS_PER_MULTISEND,
  PINNED,
  PINNED_DEPOSIT,
  type Planned,
  PRICE,
  PROVIDER_STAKE,
  STAKE,
  sleep,
  USDC,
} from "./model";
import { runPhase } from "./runner";

type Output = { address: string; coins: { denom: string; amount: string }[] };

function fundingOutputs(ctx: RunContext): Output[] {
  const { providers, consumers, stakers } = ctx.actors;
  const outputs: Output[] = [];
  for (const p of providers) outputs.push({ address: p.address, coins: [{ denom: STAKE, amount: String(PROVIDER_STAKE + FEE_FUNDS) }] });
  for (const c of consumers) {
    outputs.push({
      address: c.address,
      coins: [
        { denom: STAKE, amount: String(FEE_FUNDS) },
        { denom: USDC, amount: String(DEPOSIT) },
      ].sort((a, b) => a.denom.localeCompare(b.denom)),
    });
  }
  for (const s of stakers) outputs.push({ address: s.address, coins: [{ denom: STAKE, amount: String(FEE_FUNDS) }] });
  return outputs;
}

/** Bank multi-sends of at most OUTPUTS_PER_MULTISEND outputs, the funders taking turns. */
async function multiSendPlans(ctx: RunContext): Promise<Planned[]> {
  const { funders } = ctx.actors;
  const outputs = fundingOutputs(ctx);
  const plans: Planned[] = [];
  for (let i = 0; i * OUTPUTS_PER_MULTISEND < outputs.length; i++) {
    const chunk = outputs.slice(i * OUTPUTS_PER_MULTISEND, (i + 1) * OUTPUTS_PER_MULTISEND);
    const funder = funders[i % funders.length];
    const totals = new Map<string, bigint>();
    for (const o of chunk) for (const c of o.coins) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + BigInt(c.amount));
    const coins = [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([denom, amount]) => ({ denom, amount: String(amount) }));
    const msgs = [
      { typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend", value: { inputs: [{ address: funder.address, coins }], outputs: chunk } },
    ];
    // Each chunk's gas is simulated (they differ in size); chunks of one funder after its first
    // cannot be simulated before it lands, so they reuse the largest estimate.
    const gas = i < funders.length ? Math.ceil((await ctx.keys.simulate(funder, msgs)) * GAS_MARGIN) : undefined;
    plans.push({ account: funder, msgs, gas: gas ?? Math.max(...plans.map((p) => p.gas ?? 0)) });
  }
  return plans;
}

/** 1. Funding: bank multi-sends from the test accounts, DPIN from member3; then the new accounts' numbers. */
export async function fund(ctx: RunContext): Promise<void> {
  const { providers, consumers, stakers, tokenHolder } = ctx.actors;
  const plans = await multiSendPlans(ctx);
  const dpinMsgs = stakers.map((s) =>
    execMsg(tokenHolder.address, ctx.addresses.rewardToken, { transfer: { recipient: s.address, amount: String(DAO_STAKE) } }),
  );
  const dpinGas = Math.ceil((await ctx.keys.simulate(tokenHolder, dpinMsgs)) * GAS_MARGIN);
  plans.push({ account: tokenHolder, msgs: dpinMsgs, gas: dpinGas });
  const funding = await runPhase(ctx, "fund (bank multi-send + cw20 transfers)", plans);
  const bad = funding.records.find((r) => r.code !== 0);
  if (bad) throw new Error(`funding failed: ${bad.checkLog ?? bad.log ?? "not included"}`);
  for (const p of providers) p.ustake = PROVIDER_STAKE + FEE_FUNDS;
  for (const c of consumers) {
    c.ustake = FEE_FUNDS;
    c.uusdc = DEPOSIT;
  }
  for (const s of stakers) {
    s.ustake = FEE_FUNDS;
    s.dpin = DAO_STAKE;
  }
  const newAccounts = [...providers, ...consumers, ...stakers];
  const numbersT0 = Date.now();
  await pool(newAccounts, ctx.options.concurrency, (a) => ctx.keys.readAccount(a));
  ctx.log(`account numbers of ${newAccounts.length} accounts read in ${Date.now() - numbersT0} ms`);
}

/** The providers whose registration succeeded. */
export function liveProviders(ctx: RunContext): Account[] {
  return ctx.actors.providers.filter((p) => ctx.state.registered.has(p));
}

/** 2. Providers: register with a native stake and their agent's key (then the oracle starts, and one heartbeat each). */
export async function registerProviders(ctx: RunContext): Promise<void> {
  await runPhase(
    ctx,
    "registry register (native stake)",
    ctx.actors.providers.map((p, i) => ({
      account: p,
      msgs: [
        execMsg(
          p.address,
          ctx.addresses.providerRegistry,
          {
            register: {
              service: "storage",
              endpoint: `https://load-${i}.example`,
              region: ["eu-west", "us-east", "ap-south"][i % 3],
              capacity: { amount: "1000", unit: "GiB" },
              prices: [{ denom: { native: USDC }, per_unit: String(PRICE) }],
              agent_pubkey: p.agent ? toBase64(p.agent.pubkey) : undefined,
            },
          },
          [{ denom: STAKE, amount: String(PROVIDER_STAKE) }],
        ),
      ],
      onSuccess: () => {
        p.ustake -= PROVIDER_STAKE;
        ctx.state.registered.add(p);
      },
    })),
  );
}

export async function heartbeatRound(ctx: RunContext, tag: string, who: Account[]): Promise<void> {
  await runPhase(
    ctx,
    `registry heartbeat${tag}`,
    who.map((p) => ({ account: p, msgs: [execMsg(p.address, ctx.addresses.providerRegistry, { heartbeat: {} })] })),
  );
}

/** The escrow's protocol fee on an amount, rounded up as the escrow does. */
function feeOf(ctx: RunContext, amount: bigint): bigint {
  return (amount * BigInt(ctx.chain.escrowConfig.fee_bps) + 9999n) / 10000n;
}

async function openLeases(ctx: RunContext, tag: string, plans: LeasePlan[]): Promise<void> {
  const escrow = ctx.addresses.billingEscrow;
  await runPhase(
    ctx,
    `escrow open_lease (metered)${tag}`,
    plans.map((l) => ({
      account: l.consumer,
      msgs: [
        execMsg(l.consumer.address, escrow, { open_lease: { provider: l.provider.address, billing: { metered: {} } } }, [
          { denom: USDC, amount: String(l.deposit) },
        ]),
      ],
      onSuccess: (r) => {
        l.consumer.uusdc -= l.deposit;
        const id = eventAttribute(r.events ?? [], "wasm", "lease_id");
        if (id === undefined) throw new Error(`open_lease ${r.hash} succeeded without a lease_id attribute`);
        l.id = Number(id);
      },
    })),
  );
}

/** report_usage by each lease's provider; returns the chain time (ms) of the last report in a block, 0 when none. */
async function reportUsage(ctx: RunContext, tag: string, plans: LeasePlan[]): Promise<number> {
  const report = await runPhase(
    ctx,
    `escrow report_usage${tag}`,
    plans
      .filter((l) => l.id !== undefined)
      .map((l) => ({
        account: l.provider,
        msgs: [execMsg(l.provider.address, ctx.addresses.billingEscrow, { report_usage: { lease_id: l.id, units: String(l.units) } })],
        onSuccess: () => {
          l.reported = true;
        },
      })),
  );
  return Math.max(0, ...report.records.map((r) => r.blockTimeMs ?? 0));
}

/** Waits until the chain time is past the dispute window of a report made at `lastReportMs`. */
async function waitDisputeWindow(ctx: RunContext, lastReportMs: number): Promise<void> {
  if (lastReportMs <= 0) return;
  const window = ctx.chain.escrowConfig.dispute_window;
  const until = Math.floor(lastReportMs / 1000) + window + 1;
  ctx.log(`waiting for the ${window} s dispute window (chain time ≥ ${until})`);
  while (Math.floor(Date.parse((await ctx.keys.client.getBlock()).header.time) / 1000) < until) await sleep(250);
}

async function settleAndClose(ctx: RunContext, tag: string, plans: LeasePlan[]): Promise<void> {
  const escrow = ctx.addresses.billingEscrow;
  await runPhase(
    ctx,
    `escrow settle (metered)${tag}`,
    plans
      .filter((l) => l.reported)
      .map((l) => ({
        account: l.consumer,
        msgs: [execMsg(l.consumer.address, escrow, { settle: { lease_id: l.id } })],
        onSuccess: () => {
          const amount = l.units * PRICE;
          l.provider.uusdc += amount - feeOf(ctx, amount);
          l.settled = true;
        },
      })),
  );
  await runPhase(
    ctx,
    `escrow close_lease (by provider)${tag}`,
    plans
      .filter((l) => l.settled)
      .map((l) => ({
        account: l.provider,
        msgs: [execMsg(l.provider.address, escrow, { close_lease: { lease_id: l.id } })],
        onSuccess: () => {
          l.consumer.uusdc += l.deposit - l.units * PRICE;
          l.closed = true;
        },
      })),
  );
}

/** One round of metered leases: open → report_usage → (dispute window) → settle → close_lease. */
export async function leaseRound(ctx: RunContext, tag: string, plans: LeasePlan[]): Promise<void> {
  ctx.state.leases.push(...plans);
  await openLeases(ctx, tag, plans);
  await waitDisputeWindow(ctx, await reportUsage(ctx, tag, plans));
  await settleAndClose(ctx, tag, plans);
}

/** 3. Metered leases: one per consumer, the registered providers taking turns. */
export async function leases(ctx: RunContext): Promise<void> {
  const live = liveProviders(ctx);
  if (ctx.options.leases > 0 && live.length === 0) throw new Error("no provider registered: no lease can be opened");
  await leaseRound(
    ctx,
    "",
    ctx.actors.consumers.map((c, i) => ({
      consumer: c,
      provider: live[i % Math.max(1, live.length)],
      units: 1000n + BigInt(i % 100),
      deposit: DEPOSIT,
    })),
  );
}

/** 4a. Every staker stakes its DPIN in the DAO (cw20 send with a `stake` hook). */
export async function stake(ctx: RunContext): Promise<void> {
  const stakeMsg = toBase64(toUtf8(JSON.stringify({ stake: {} })));
  const { rewardToken, dao } = ctx.addresses;
  await runPhase(
    ctx,
    "dao stake (cw20 send)",
    ctx.actors.stakers.map((s) => ({
      account: s,
      msgs: [execMsg(s.address, rewardToken, { send: { contract: dao, amount: String(DAO_STAKE), msg: stakeMsg } })],
      onSuccess: () => {
        s.dpin -= DAO_STAKE;
        ctx.state.staked.add(s);
      },
    })),
  );
}

/** 4b. One text proposal by member1, then an abstain vote by every staker. */
export async function voteRound(ctx: RunContext, tag: string): Promise<void> {
  const { proposer } = ctx.actors;
  let proposalId: number | undefined;
  const propose = { propose: { title: "Load test signal", description: "A text proposal the load generator votes on.", msgs: [] } };
  await runPhase(ctx, `dao propose (no messages)${tag}`, [
    {
      account: proposer,
      msgs: [execMsg(proposer.address, ctx.addresses.dao, propose)],
      onSuccess: (r) => {
        proposalId = Number(eventAttribute(r.events ?? [], "wasm", "proposal_id"));
      },
    },
  ]);
  if (proposalId === undefined) return;
  const voted = new Set<Account>();
  ctx.state.proposals.push({ id: proposalId, voted });
  // Abstain: turnout without deciding, so every vote lands while the proposal is open.
  await runPhase(
    ctx,
    `dao vote (abstain)${tag}`,
    ctx.actors.stakers
      .filter((s) => ctx.state.staked.has(s))
      .map((s) => ({
        account: s,
        msgs: [execMsg(s.address, ctx.addresses.dao, { vote: { proposal_id: proposalId, vote: "abstain" } })],
        onSuccess: () => voted.add(s),
      })),
  );
}

/** 5. --pin: the four codes pinned through x/gov, then heartbeats, a lease round and a vote again with --pin-sample accounts. */
export async function pinAndRepeat(ctx: RunContext): Promise<void> {
  const ids = Object.values(ctx.deployment.code_ids).sort((a, b) => a - b);
  ctx.log(`pinning codes ${ids.join(", ")} through x/gov (scripts/localnet.sh pin)`);
  const pinT0 = Date.now();
  const startHeight = await latestHeight(ctx.config.rpc);
  await localnet(["pin", ...ids.map(String)]);
  ctx.state.pinLog = { ids, seconds: (Date.now() - pinT0) / 1000, startHeight, height: await latestHeight(ctx.config.rpc) };
  const { pinSample } = ctx.options;
  const live = liveProviders(ctx);
  await heartbeatRound(ctx, PINNED, live.slice(0, pinSample));
  await leaseRound(
    ctx,
    PINNED,
    ctx.actors.consumers
      .filter((c) => ctx.state.leases.some((l) => l.consumer === c && l.closed))
      .slice(0, pinSample)
      .map((c, i) => ({ consumer: c, provider: live[i % live.length], units: 500n + BigInt(i % 100), deposit: PINNED_DEPOSIT })),
  );
  await voteRound(ctx, PINNED);
}
