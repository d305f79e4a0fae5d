// The setup of the run, in order: funding, providers (register with an agent
// key whose endpoint the agents' simulator serves, and for a fleet's provider
// `set_operator` to its fleet's operator key, in the same transaction; the
// oracle daemon proves them from then on), one metered lease per provider
// (consumers open many per transaction), the DAO (stake, propose, vote), and
// --pin. The provider-days themselves are days.ts. Each step says what a
// success changes in the predicted balances and the run state.
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import type { ProviderRegistryTypes } from "../../src";
import { eventAttribute, latestHeight, pool, type RpcEvent } from "../load-stats";
import { allFleets, allProviders } from "./accounts";
import type { RunContext } from "./context";
import { localnet } from "./localnet";
import {
  type Account,
  DAO_STAKE,
  DEPOSIT,
  execMsg,
  FAULT_OP,
  FEE_FUNDS,
  type Fleet,
  GAS_MARGIN,
  LEASES_PER_CONSUMER,
  type LeasePlan,
  OPENS_PER_TX,
  OPERATOR_FEE_FUNDS,
  OUTPUTS_PER_MULTISEND,
  type Planned,
  PRICE,
  PROVIDER_STAKE,
  STAKE,
  USDC,
} from "./model";
import { runPhase } from "./runner";

type Output = { address: string; coins: { denom: string; amount: string }[] };
type Coin = { denom: string; amount: string };

/** ustake for a consumer's open_lease transactions (OPENS_PER_TX messages each). */
const CONSUMER_FEE_FUNDS = 5_000_000n;

function coins(ustake: bigint, uusdc = 0n): Coin[] {
  const out = [{ denom: STAKE, amount: String(ustake) }];
  if (uusdc > 0n) out.push({ denom: USDC, amount: String(uusdc) });
  return out.sort((a, b) => a.denom.localeCompare(b.denom));
}

/** What each new account gets: providers their stake and fees, operators fees, consumers fees and their leases' deposits, stakers fees. */
function funding(ctx: RunContext): Map<Account, { ustake: bigint; uusdc: bigint }> {
  const { consumers, stakers } = ctx.actors;
  const out = new Map<Account, { ustake: bigint; uusdc: bigint }>();
  for (const p of allProviders(ctx.actors)) out.set(p, { ustake: PROVIDER_STAKE + FEE_FUNDS, uusdc: 0n });
  for (const f of allFleets(ctx.actors)) out.set(f.operator, { ustake: OPERATOR_FEE_FUNDS, uusdc: 0n });
  const leases = allProviders(ctx.actors).length;
  consumers.forEach((c, i) => {
    const n = Math.min(LEASES_PER_CONSUMER, leases - i * LEASES_PER_CONSUMER);
    out.set(c, { ustake: CONSUMER_FEE_FUNDS, uusdc: DEPOSIT * BigInt(n) });
  });
  for (const s of stakers) out.set(s, { ustake: FEE_FUNDS, uusdc: 0n });
  return out;
}

/** Bank multi-sends of at most OUTPUTS_PER_MULTISEND outputs, the funders taking turns. */
async function multiSendPlans(ctx: RunContext, amounts: Map<Account, { ustake: bigint; uusdc: bigint }>): Promise<Planned[]> {
  const { funders } = ctx.actors;
  const outputs: Output[] = [...amounts].map(([a, f]) => ({ address: a.address, coins: coins(f.ustake, f.uusdc) }));
  const plans: Planned[] = [];
  for (let i = 0; i * OUTPUTS_PER_MULTISEND < outputs.length; i++) {
    const chunk = outputs.slice(i * OUTPUTS_PER_MULTISEND, (i + 1) * OUTPUTS_PER_MULTISEND);
    const funder = funders[i % funders.length];
    const totals = new Map<string, bigint>();
    for (const o of chunk) for (const c of o.coins) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + BigInt(c.amount));
    const sum = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([denom, amount]) => ({ denom, amount: String(amount) }));
    const msgs = [
      { typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend", value: { inputs: [{ address: funder.address, coins: sum }], outputs: chunk } },
    ];
    // Each chunk's gas is simulated (they differ in size); chunks of one funder after its first
    // cannot be simulated before it lands, so they reuse the largest estimate.
    const gas = i < funders.length ? Math.ceil((await ctx.keys.simulate(funder, msgs)) * GAS_MARGIN) : undefined;
    plans.push({ account: funder, msgs, gas: gas ?? Math.max(...plans.map((p) => p.gas ?? 0)), items: chunk.length });
  }
  return plans;
}

/** 1. Funding: bank multi-sends from the test accounts, DPIN from member3; then the new accounts' numbers. */
export async function fund(ctx: RunContext): Promise<void> {
  const { stakers, tokenHolder } = ctx.actors;
  const amounts = funding(ctx);
  const plans = await multiSendPlans(ctx, amounts);
  if (stakers.length > 0) {
    const dpinMsgs = stakers.map((s) =>
      execMsg(tokenHolder.address, ctx.addresses.rewardToken, { transfer: { recipient: s.address, amount: String(DAO_STAKE) } }),
    );
    const dpinGas = Math.ceil((await ctx.keys.simulate(tokenHolder, dpinMsgs)) * GAS_MARGIN);
    plans.push({ account: tokenHolder, msgs: dpinMsgs, gas: dpinGas, items: dpinMsgs.length });
  }
  const phase = await runPhase(ctx, "fund (bank multi-send + cw20 transfers)", plans);
  const bad = phase.records.find((r) => r.code !== 0);
  if (bad) throw new Error(`funding failed: ${bad.checkLog ?? bad.log ?? "not included"}`);
  for (const [a, f] of amounts) {
    a.ustake = f.ustake;
    a.uusdc = f.uusdc;
  }
  for (const s of stakers) s.dpin = DAO_STAKE;
  const newAccounts = [...amounts.keys()];
  const numbersT0 = Date.now();
  await pool(newAccounts, ctx.options.concurrency, (a) => ctx.keys.readAccount(a));
  ctx.log(`account numbers of ${newAccounts.length} accounts read in ${Date.now() - numbersT0} ms`);
}

/** The providers whose registration succeeded. */
export function liveProviders(ctx: RunContext): Account[] {
  return allProviders(ctx.actors).filter((p) => ctx.state.registered.has(p));
}

/** A provider's registration: its agent key and endpoint, a listing the open_lease price check reads. */
function registerMsg(ctx: RunContext, p: Account, endpoint: string, i: number) {
  const msg: ProviderRegistryTypes.ExecuteMsg = {
    register: {
      service: "storage",
      endpoint,
      region: ["eu-west", "us-east", "ap-south"][i % 3],
      capacity: { amount: "1000", unit: "GiB" },
      prices: [{ denom: { native: USDC }, per_unit: String(PRICE) }],
      agent_pubkey: p.agent ? toBase64(p.agent.pubkey) : undefined,
    },
  };
  return execMsg(p.address, ctx.addresses.providerRegistry, msg, [{ denom: STAKE, amount: String(PROVIDER_STAKE) }]);
}

/**
 * 2. Providers register with a native stake and their agent's key; a fleet's provider names its
 * fleet's operator in the same transaction. The daemon's providers list the simulator's endpoint,
 * the sweep fleet's one where no agent answers.
 */
export async function registerProviders(ctx: RunContext): Promise<void> {
  const { agents } = ctx;
  const endpointOf = new Map<Account, string>();
  ctx.actors.providers.forEach((p, i) => {
    endpointOf.set(p, agents.endpoint(i));
  });
  ctx.actors.sweep?.providers.forEach((p, i) => {
    endpointOf.set(p, agents.offline(i));
  });
  const plan = (p: Account, i: number, fleet?: Fleet): Planned => {
    const msgs = [registerMsg(ctx, p, endpointOf.get(p) ?? agents.offline(i), i)];
    if (fleet) {
      const op: ProviderRegistryTypes.ExecuteMsg = { set_operator: { operator: fleet.operator.address } };
      msgs.push(execMsg(p.address, ctx.addresses.providerRegistry, op));
    }
    return {
      account: p,
      msgs,
      onSuccess: () => {
        p.ustake -= PROVIDER_STAKE;
        ctx.state.registered.add(p);
      },
    };
  };
  const inFleets = allFleets(ctx.actors).flatMap((f) => f.providers.map((p) => ({ p, f })));
  // Separate accounts: the two operations side by side.
  await Promise.all([
    runPhase(
      ctx,
      FAULT_OP,
      inFleets.map(({ p, f }, i) => plan(p, i, f)),
    ),
    ctx.actors.lone.length > 0
      ? runPhase(
          ctx,
          "registry register (native stake, agent key; lone provider)",
          ctx.actors.lone.map((p, i) => plan(p, i)),
        )
      : undefined,
  ]);
}

/** The lease ids a transaction of open_lease messages created, by provider. */
function openedLeases(events: readonly RpcEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events.filter((ev) => ev.type === "wasm")) {
    const get = (key: string) => e.attributes.find((a) => a.key === key)?.value;
    const provider = get("provider");
    const id = get("lease_id");
    if (get("action") === "open_lease" && provider && id) out.set(provider, Number(id));
  }
  return out;
}

/** 3. One metered lease per registered provider: each consumer opens LEASES_PER_CONSUMER of them, OPENS_PER_TX per transaction. */
export async function openLeases(ctx: RunContext): Promise<void> {
  const providers = allProviders(ctx.actors);
  const fleetOf = new Map<Account, Fleet>();
  for (const f of allFleets(ctx.actors)) for (const p of f.providers) fleetOf.set(p, f);
  const plans: LeasePlan[] = providers.map((provider, index) => ({
    consumer: ctx.actors.consumers[Math.floor(index / LEASES_PER_CONSUMER)],
    provider,
    fleet: fleetOf.get(provider),
    index,
    deposit: DEPOSIT,
    charges: [],
    feeCarry: 0n,
    reported: 0n,
    paid: 0n,
  }));
  const live = plans.filter((l) => ctx.state.registered.has(l.provider));
  ctx.state.leases.push(...live);
  const txs: Planned[] = [];
  for (const consumer of ctx.actors.consumers) {
    const own = live.filter((l) => l.consumer === consumer);
    for (let k = 0; k < own.length; k += OPENS_PER_TX) {
      const chunk = own.slice(k, k + OPENS_PER_TX);
      const msg = (l: LeasePlan) =>
        execMsg(consumer.address, ctx.addresses.billingEscrow, { open_lease: { provider: l.provider.address, billing: { metered: {} } } }, [
          { denom: USDC, amount: String(l.deposit) },
        ]);
      txs.push({
        account: consumer,
        msgs: chunk.map(msg),
        items: chunk.length,
        onSuccess: (r) => {
          const ids = openedLeases(r.events ?? []);
          for (const l of chunk) {
            const id = ids.get(l.provider.address);
            if (id === undefined) throw new Error(`open_lease ${r.hash} succeeded without a lease_id for ${l.provider.address}`);
            l.id = id;
            consumer.uusdc -= l.deposit;
          }
        },
      });
    }
  }
  // The largest transactions first: the operation's gas limit is the first one's simulation × margin.
  txs.sort((a, b) => (b.items ?? 1) - (a.items ?? 1));
  await runPhase(ctx, `escrow open_lease (metered), ${OPENS_PER_TX} per transaction`, txs, { size: OPENS_PER_TX });
}

/** 4a. Every staker stakes its DPIN in the DAO (cw20 send with a `stake` hook). */
export async function stake(ctx: RunContext): Promise<void> {
  if (ctx.actors.stakers.length === 0) return;
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

/** 4b. One text proposal by the first staker (it needs voting power), then an abstain vote by every staker. */
export async function voteRound(ctx: RunContext, tag: string): Promise<void> {
  const proposer = ctx.actors.stakers.find((s) => ctx.state.staked.has(s));
  if (!proposer) return;
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

/** 5. --pin: the four codes pinned through x/gov (the pinned days follow, days.ts). */
export async function pinCodes(ctx: RunContext): Promise<void> {
  const ids = Object.values(ctx.deployment.code_ids).sort((a, b) => a - b);
  ctx.log(`pinning codes ${ids.join(", ")} through x/gov (scripts/localnet.sh pin)`);
  const pinT0 = Date.now();
  const startHeight = await latestHeight(ctx.config.rpc);
  await localnet(["pin", ...ids.map(String)]);
  ctx.state.pinLog = { ids, seconds: (Date.now() - pinT0) / 1000, startHeight, height: await latestHeight(ctx.config.rpc) };
}
