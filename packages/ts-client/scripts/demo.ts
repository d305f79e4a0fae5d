// The deploy script's demo: one short story through the generated clients on
// the freshly deployed suite, printed as it happens and checked as it goes.
//   1. a provider registers with stake and its agent's key, and heartbeats;
//   2. a consumer opens a receipts lease, signs a receipt in TypeScript, and
//      the provider redeems it (paid at once);
//   3. a consumer opens a metered lease, the provider reports usage, the
//      dispute window passes and the usage is settled (provider paid, fee to
//      the DAO treasury, usage recorded for rewards);
//   4. once the usage's reward epoch ends, the oracle (arbiter) has the
//      provider's agent sign a challenge for the epoch that just ended and
//      the current one, proves it live in them, and the provider claims its
//      rewards (stake rewards of proven epochs and the usage share);
//   5. members stake in the DAO and vote a protocol fee change through.
import { Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { agentPublicKey, livenessProof, receiptPublicKey, type SuiteAddresses, signReceipt, suiteClients, suiteQueryClients } from "../src";
import { type Actor, attribute, bankBalance, chainSeconds, type GasLog, waitForChainTime } from "./devnet";

const STAKE = "ustake";
const USDC = "uusdc";

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`demo check failed: ${what}`);
}

type DemoActor = "provider1" | "consumer1" | "member1" | "member2" | "arbiter";

/** provider1's agent key (on a real network it stays on the provider's machine). */
const AGENT_KEY = new Sha256(toUtf8("depin devnet agent key provider1")).digest();

/** What every step of the demo uses: the actors' clients, the gas log and the story printer. */
interface Demo {
  actors: Record<DemoActor, Actor>;
  addresses: SuiteAddresses;
  chainId: string;
  gas: GasLog;
  p: ReturnType<typeof suiteClients>;
  c: ReturnType<typeof suiteClients>;
  q: ReturnType<typeof suiteQueryClients>;
  story: (line: string) => void;
}

/**
 * Whether the registry has proof of service (agent keys, `prove_liveness`).
 * scripts/upgrade.sh runs this demo on the previous release, which has not:
 * its messages refuse the fields.
 */
async function hasProofs(d: Demo): Promise<boolean> {
  return "proven_current_epoch" in (await d.q.providerRegistry.stats());
}

/** 1. Registration with stake (and the agent's key where the registry takes one). */
async function registerProvider(d: Demo): Promise<void> {
  const { p, q, gas, story } = d;
  const { provider1 } = d.actors;
  const proofs = await hasProofs(d);
  gas.add(
    "registry register (native stake)",
    await p.providerRegistry.register(
      {
        service: "storage",
        endpoint: "https://provider1.example",
        region: "eu-west",
        capacity: { amount: "1000", unit: "GiB" },
        prices: [{ denom: { native: USDC }, per_unit: "10" }],
        agentPubkey: proofs ? toBase64(agentPublicKey(AGENT_KEY)) : undefined,
      },
      "auto",
      undefined,
      [{ denom: STAKE, amount: "5000000" }],
    ),
  );
  gas.add("registry heartbeat", await p.providerRegistry.heartbeat());
  const registered = await q.providerRegistry.provider({ address: provider1.address });
  expect(registered.status === "active" && registered.stake === "5000000", "provider1 is active with 5 STAKE");
  story(`provider1 registered storage in eu-west at 10 uusdc/GiB with 5 STAKE bonded${proofs ? " and its agent's key" : ""}`);
}

/** 2. A receipts lease: the consumer signs cumulative usage off chain. Returns the lease id. */
async function redeemReceipt(d: Demo): Promise<number> {
  const { p, c, gas, story, addresses, chainId } = d;
  const { provider1 } = d.actors;
  const receiptKey = new Sha256(toUtf8("depin devnet receipt key")).digest();
  const receipts = gas.add(
    "escrow open_lease (receipts)",
    await c.billingEscrow.openLease(
      { provider: provider1.address, billing: { receipts: { consumer_pubkey: toBase64(receiptPublicKey(receiptKey)) } } },
      "auto",
      undefined,
      [{ denom: USDC, amount: "1000000" }],
    ),
  );
  const receiptsLease = Number(attribute(receipts, "lease_id"));
  const signature = signReceipt(receiptKey, chainId, addresses.billingEscrow, receiptsLease, 1000n);
  const beforeReceipt = await bankBalance(provider1.client, provider1.address, USDC);
  gas.add(
    "escrow redeem_receipt",
    await p.billingEscrow.redeemReceipt({ leaseId: receiptsLease, cumulativeUnits: "1000", signature: toBase64(signature) }),
  );
  const paidByReceipt = (await bankBalance(provider1.client, provider1.address, USDC)) - beforeReceipt;
  // 1000 units × 10 = 10000 uusdc, less the 1 % protocol fee.
  expect(paidByReceipt === 9900n, `the receipt paid the provider 9900 uusdc (got ${paidByReceipt})`);
  story(
    `consumer1 opened receipts lease ${receiptsLease} with 1 USDC; a receipt for 1000 GiB signed in TypeScript paid provider1 ${paidByReceipt} uusdc`,
  );
  return receiptsLease;
}

/** 3. A metered lease: reported usage becomes payable after the dispute window. Returns the lease id and the settlement's reward epoch. */
async function settleMeteredLease(d: Demo): Promise<{ meteredLease: number; usageEpoch: number }> {
  const { p, c, q, gas, story, addresses } = d;
  const { provider1 } = d.actors;
  const metered = gas.add(
    "escrow open_lease (metered)",
    await c.billingEscrow.openLease({ provider: provider1.address, billing: { metered: {} } }, "auto", undefined, [
      { denom: USDC, amount: "2000000" },
    ]),
  );
  const meteredLease = Number(attribute(metered, "lease_id"));
  gas.add("escrow report_usage", await p.billingEscrow.reportUsage({ leaseId: meteredLease, units: "5000" }));
  const [charge] = (await q.billingEscrow.charges({ leaseId: meteredLease })).charges;
  story(
    `consumer1 opened metered lease ${meteredLease} with 2 USDC; provider1 reported 5000 GiB (charge ${charge.amount} uusdc, disputable for 8 s)`,
  );
  await waitForChainTime(provider1.client, Number(BigInt(charge.disputable_until) / 1_000_000_000n) + 1);
  const treasuryBefore = await bankBalance(provider1.client, addresses.dao, USDC);
  const providerBefore = await bankBalance(provider1.client, provider1.address, USDC);
  const settled = gas.add("escrow settle (metered)", await c.billingEscrow.settle({ leaseId: meteredLease }));
  const providerPaid = (await bankBalance(provider1.client, provider1.address, USDC)) - providerBefore;
  const fee = (await bankBalance(provider1.client, addresses.dao, USDC)) - treasuryBefore;
  expect(providerPaid === 49500n && fee === 500n, `settlement paid 49500 + 500 fee (got ${providerPaid} + ${fee})`);
  const usageEpoch = Number(attribute(settled, "epoch"));
  story(`the dispute window passed; settlement paid provider1 ${providerPaid} uusdc and the DAO treasury a ${fee} uusdc fee`);
  return { meteredLease, usageEpoch };
}

// 4. Rewards: stake rewards accrue every second but are credited only for
// the epochs an oracle proves the provider live in (a proof counts in its
// epoch and the next); the usage pool of the settlement's epoch is shared
// once that epoch has ended. Returns the minted amount.
async function proveAndClaim(d: Demo, usageEpoch: number): Promise<bigint> {
  const { p, q, gas, story, addresses, chainId } = d;
  const { provider1, arbiter } = d.actors;
  const registryConfig = await q.providerRegistry.config();
  const epochEnd = Number(BigInt(registryConfig.genesis_time) / 1_000_000_000n) + (usageEpoch + 1) * registryConfig.epoch_seconds;
  await waitForChainTime(provider1.client, epochEnd + 1);
  const oracle = suiteClients(arbiter.client, arbiter.address, addresses);
  const { current_epoch: current } = await q.providerRegistry.stats();
  const proofs = await hasProofs(d);
  if (!proofs) story("this registry predates proof of service: stake rewards need no proof");
  const unprovenBefore = BigInt((await q.providerRegistry.pendingRewards({ address: provider1.address })).unproven_rewards ?? 0);
  for (const epoch of proofs ? [current - 1, current] : []) {
    // The oracle's challenge: a fresh nonce the agent signs for this registry, provider and epoch.
    const nonce = new Sha256(toUtf8(`demo challenge ${epoch} ${Date.now()}`)).digest().slice(0, 16);
    const proof = livenessProof(AGENT_KEY, { chainId, registry: addresses.providerRegistry, provider: provider1.address, epoch, nonce });
    const proved = gas.add("registry prove_liveness (1 proof)", await oracle.providerRegistry.proveLiveness({ epoch, proofs: [proof] }));
    expect(attribute(proved, "proven") === "1", `the oracle proved provider1 live in epoch ${epoch}`);
  }
  const { reputation } = await q.providerRegistry.provider({ address: provider1.address });
  if (proofs) {
    expect(reputation.proven_epochs === 2, `provider1 is proven in 2 epochs (got ${reputation.proven_epochs})`);
    story(
      `the oracle (arbiter) had provider1's agent sign challenges for epochs ${current - 1} and ${current}: proven, their ${unprovenBefore} held DPIN units became claimable; ${reputation.missed_epochs} earlier epochs nobody proved earned nothing`,
    );
  }
  const tokenBefore = BigInt((await q.rewardToken.balance({ address: provider1.address })).balance);
  const claimed = gas.add("registry claim_rewards", await p.providerRegistry.claimRewards({}));
  const minted = BigInt(attribute(claimed, "amount"));
  const tokenGain = BigInt((await q.rewardToken.balance({ address: provider1.address })).balance) - tokenBefore;
  expect(
    minted >= unprovenBefore && tokenGain === minted,
    `claim_rewards minted ${minted} DPIN units to provider1 (balance +${tokenGain})`,
  );
  story(`provider1 claimed ${minted} DPIN units (stake rewards of its proven epochs plus the usage share of epoch ${usageEpoch})`);
  return minted;
}

// 5. Governance: member1 and member2 stake 100 DPIN each, member1 proposes
// raising the protocol fee to 2 %. One yes is half the power, which does not
// decide; the second makes every outcome of the rest a pass, so the
// proposal passes before its voting period ends and anyone executes it.
// Returns the proposal id and the escrow's fee after it.
async function raiseFee(d: Demo): Promise<{ proposalId: number; feeBps: number }> {
  const { q, gas, story, addresses } = d;
  const { member1, member2 } = d.actors;
  const m1 = suiteClients(member1.client, member1.address, addresses);
  const m2 = suiteClients(member2.client, member2.address, addresses);
  const stakeMsg = toBase64(toUtf8(JSON.stringify({ stake: {} })));
  gas.add("dao stake (cw20 send)", await m1.rewardToken.send({ contract: addresses.dao, amount: "100000000", msg: stakeMsg }));
  gas.add("dao stake (cw20 send)", await m2.rewardToken.send({ contract: addresses.dao, amount: "100000000", msg: stakeMsg }));
  const proposed = gas.add(
    "dao propose (1 message)",
    await m1.dao.propose({
      title: "Raise the protocol fee to 2 %",
      description: "The treasury funds network operations; 200 bps on every payment.",
      msgs: [
        {
          wasm: {
            execute: {
              contract_addr: addresses.billingEscrow,
              msg: toBase64(toUtf8(JSON.stringify({ update_config: { fee_bps: 200 } }))),
              funds: [],
            },
          },
        },
      ],
    }),
  );
  const proposalId = Number(attribute(proposed, "proposal_id"));
  gas.add("dao vote (yes)", await m1.dao.vote({ proposalId, vote: "yes" }));
  expect((await q.dao.proposal({ proposalId })).status === "open", `proposal ${proposalId} is still open after one yes of two`);
  gas.add("dao vote (yes, decides)", await m2.dao.vote({ proposalId, vote: "yes" }));
  const passed = await q.dao.proposal({ proposalId });
  expect(passed.status === "passed", `proposal ${proposalId} passed (status ${passed.status})`);
  gas.add("dao execute (escrow update_config)", await m2.dao.execute({ proposalId }));
  const escrowConfig = await q.billingEscrow.config();
  expect(escrowConfig.fee_bps === 200, `the escrow fee is 200 bps (got ${escrowConfig.fee_bps})`);
  story(
    `member1 and member2 staked 100 DPIN each; proposal ${proposalId} "${passed.title}" passed ${passed.tally.yes} yes of ${passed.total_power} and was executed: the escrow fee is now ${escrowConfig.fee_bps} bps`,
  );
  return { proposalId, feeBps: escrowConfig.fee_bps };
}

export async function runDemo(
  actors: Record<DemoActor, Actor>,
  addresses: SuiteAddresses,
  chainId: string,
  gas: GasLog,
): Promise<Record<string, unknown>> {
  const { provider1, consumer1 } = actors;
  const q = suiteQueryClients(provider1.client, addresses);
  const d: Demo = {
    actors,
    addresses,
    chainId,
    gas,
    p: suiteClients(provider1.client, provider1.address, addresses),
    c: suiteClients(consumer1.client, consumer1.address, addresses),
    q,
    story: (line: string) => console.log(`  · ${line}`),
  };
  await registerProvider(d);
  const receipts = await redeemReceipt(d);
  const { meteredLease: metered, usageEpoch } = await settleMeteredLease(d);
  const minted = await proveAndClaim(d, usageEpoch);
  const { proposalId, feeBps } = await raiseFee(d);
  return {
    provider: await q.providerRegistry.provider({ address: provider1.address }),
    receipts_lease: await q.billingEscrow.lease({ leaseId: receipts }),
    metered_lease: await q.billingEscrow.lease({ leaseId: metered }),
    rewards_claimed: minted.toString(),
    proposal: await q.dao.proposal({ proposalId }),
    escrow_fee_bps: feeBps,
    finished_at_chain_time: await chainSeconds(provider1.client),
  };
}
