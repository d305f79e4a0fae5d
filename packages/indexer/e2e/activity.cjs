// Activity for the indexer's end-to-end test, on top of deploy.sh's demo:
// every event kind the indexer decodes, batches of many items (escrow
// `batch` → `wasm-batch_item` and `record_usage_batch`, `prove_liveness`
// of several providers, `claim_rewards {providers}`), a dispute resolved
// with a slash, stake moves, a second proposal with votes, and a transaction
// that fails on chain (code ≠ 0). Then `ROUNDS` rounds of batches for the
// catch-up figures. Uses the TypeScript client built by scripts/deploy.sh.
//
//   node packages/indexer/e2e/activity.cjs <deployment.json> [rounds]
//   node packages/indexer/e2e/activity.cjs <deployment.json> <rounds> --more
//       only more usage batches on provider2's open metered leases (after a first run)
// Environment: LEASES (metered leases of provider2, default 25), DEVNET_RPC, DEVNET_CHAIN_ID, DEVNET_GAS_PRICE, DEVNET_ACCOUNTS (scripts/devnet.sh env).
"use strict";
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");

const tsClient = resolve(__dirname, "../../ts-client");
const client = require(`${tsClient}/dist/src/index.js`);
const devnet = require(`${tsClient}/dist/scripts/devnet.js`);
const { Sha256 } = require(`${tsClient}/node_modules/@cosmjs/crypto`);
const { toBase64, toUtf8 } = require(`${tsClient}/node_modules/@cosmjs/encoding`);

const [deploymentFile, roundsArg] = process.argv.slice(2);
const deployment = JSON.parse(readFileSync(deploymentFile, "utf8"));
const addr = deployment.addresses;
const ROUNDS = Number(roundsArg ?? 30);
const LEASES = Number(process.env.LEASES ?? 25);

const key = (text) => new Sha256(toUtf8(text)).digest();
const log = (line) => console.log(`  · ${line}`);

/** A fee of `gas` at the devnet's price. */
function feeOf(gas) {
  return { amount: [{ denom: "ustake", amount: String(Math.ceil(gas * 0.025)) }], gas: String(gas) };
}

async function exec(actor, contract, msg, funds = []) {
  // Simulated gas × 2, and never under 2,000,000: a simulation can run before charges mature
  // that the transaction then also pays (a close_lease pays every matured charge), so the
  // transaction may use more than twice what was simulated.
  const message = {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: { sender: actor.address, contract, msg: toUtf8(JSON.stringify(msg)), funds: [...funds] },
  };
  const simulated = await actor.client.simulate(actor.address, [message], undefined);
  return actor.client.execute(actor.address, contract, msg, feeOf(Math.max(simulated * 2, 2_000_000)), undefined, funds);
}

/** A batch: its simulation may run before charges mature that the transaction then also settles, so a fixed, ample gas limit. */
async function execBatch(actor, items) {
  return actor.client.execute(actor.address, addr.billingEscrow, { batch: { items } }, feeOf(2_000_000 + 150_000 * items.length));
}

function attr(result, k) {
  return devnet.attribute(result, k);
}

async function register(actor, agentKey, region) {
  await exec(
    actor,
    addr.providerRegistry,
    {
      register: {
        service: "compute",
        endpoint: `https://${actor.name}.example`,
        region,
        capacity: { amount: "64", unit: "vCPU" },
        prices: [{ denom: { native: "uusdc" }, per_unit: "7" }],
        agent_pubkey: toBase64(client.agentPublicKey(agentKey)),
      },
    },
    [{ denom: "ustake", amount: "3000000" }],
  );
}

async function openLease(consumer, provider, billing, amount) {
  const r = await exec(consumer, addr.billingEscrow, { open_lease: { provider: provider.address, billing } }, [
    { denom: "uusdc", amount },
  ]);
  return Number(attr(r, "lease_id"));
}

/** `rounds` batches of usage reports on provider2's open metered leases (billed_before read from the chain). */
async function moreUsage(provider2, rounds) {
  const { leases } = await provider2.client.queryContractSmart(addr.billingEscrow, {
    leases_by_provider: { provider: provider2.address, limit: 100 },
  });
  const open = leases.filter((l) => l.state === "open" && JSON.stringify(l.billing).includes("metered"));
  const billed = new Map(open.map((l) => [l.lease_id, BigInt(l.reported_units)]));
  for (let round = 0; round < rounds; round++) {
    const items = open.map((l) => {
      const units = 5n;
      const item = { report_usage: { lease_id: l.lease_id, units: "5", billed_before: billed.get(l.lease_id).toString() } };
      billed.set(l.lease_id, billed.get(l.lease_id) + units);
      return item;
    });
    await execBatch(provider2, items);
  }
  log(`${rounds} more batches of ${open.length} usage reports`);
}

async function main() {
  const config = devnet.devnetConfig();
  if (process.argv.includes("--more")) {
    const { provider2 } = await devnet.connectActors(config, ["provider2"]);
    await moreUsage(provider2, ROUNDS);
    return;
  }
  const names = ["provider2", "provider3", "consumer2", "arbiter", "member1", "member2"];
  const a = await devnet.connectActors(config, names);
  const { provider2, provider3, consumer2, arbiter, member1, member2 } = a;
  const agent2 = key("indexer e2e agent provider2");
  const agent3 = key("indexer e2e agent provider3");

  // Providers, stake moves.
  await register(provider2, agent2, "us-east");
  await register(provider3, agent3, "ap-south");
  await exec(provider2, addr.providerRegistry, { bond: {} }, [{ denom: "ustake", amount: "500000" }]);
  await exec(provider3, addr.providerRegistry, { unbond: { amount: "250000" } });
  await exec(provider3, addr.providerRegistry, { heartbeat: {} });
  log("provider2 and provider3 registered; provider2 bonded 0.5 STAKE, provider3 unbonded 0.25 STAKE");

  // A transaction that fails on chain: explicit gas skips the simulation, so it is included with code ≠ 0.
  try {
    await provider2.client.execute(
      provider2.address,
      addr.providerRegistry,
      { unbond: { amount: "999999999999" } },
      { amount: [{ denom: "ustake", amount: "10000" }], gas: "400000" },
    );
    throw new Error("the failing unbond went through");
  } catch (e) {
    if (String(e).includes("went through")) throw e;
    const height = /height (\d+)/.exec(String(e))?.[1];
    if (!height) throw e;
    log(`a failing unbond was included in block ${height} with an error code`);
  }

  // Metered leases, a dispute resolved with a slash.
  const metered = [];
  for (let i = 0; i < LEASES; i++) metered.push(await openLease(consumer2, provider2, { metered: {} }, "5000000"));
  const disputed = await exec(provider2, addr.billingEscrow, { report_usage: { lease_id: metered[0], units: "100" } });
  const chargeId = Number(attr(disputed, "charge_id"));
  await exec(consumer2, addr.billingEscrow, { dispute: { lease_id: metered[0], charge_id: chargeId, reason: "not delivered" } });
  await exec(arbiter, addr.billingEscrow, {
    resolve_dispute: { lease_id: metered[0], charge_id: chargeId, uphold: false, slash_fraction: "0.01" },
  });
  await exec(consumer2, addr.billingEscrow, { top_up: { lease_id: metered[1] } }, [{ denom: "uusdc", amount: "1000" }]);
  log(`${LEASES} metered leases for provider2; a charge on lease ${metered[0]} disputed and voided with a 1 % slash`);

  // A receipts lease redeemed in a batch; a refused batch item.
  const receiptKey = key("indexer e2e receipt key");
  const receipts = await openLease(
    consumer2,
    provider3,
    { receipts: { consumer_pubkey: toBase64(client.receiptPublicKey(receiptKey)) } },
    "1000000",
  );
  const signature = client.signReceipt(receiptKey, deployment.chain_id, addr.billingEscrow, receipts, 500n);
  const batch = await exec(provider3, addr.billingEscrow, {
    batch: {
      items: [
        { redeem_receipt: { lease_id: receipts, cumulative_units: "500", signature: toBase64(signature) } },
        { settle: { lease_id: 999999 } },
      ],
    },
  });
  log(`provider3 redeemed a receipt on lease ${receipts} in a batch (refused items: ${attr(batch, "refused")})`);

  // A streaming lease: proposed by the consumer, accepted by the provider, settled at the end.
  const streaming = await openLease(consumer2, provider3, { streaming: { rate_per_second: "3" } }, "1000000");
  await exec(provider3, addr.billingEscrow, { accept_lease: { lease_id: streaming } });
  log(`provider3 accepted streaming lease ${streaming} at 3 uusdc/s`);

  // Liveness of both providers in one message, then claims for listed providers.
  const registry = addr.providerRegistry;
  const { current_epoch: epoch } = await provider2.client.queryContractSmart(registry, { stats: {} });
  const proofs = [
    [provider2, agent2],
    [provider3, agent3],
  ].map(([p, agentKey]) =>
    client.livenessProof(agentKey, {
      chainId: deployment.chain_id,
      registry,
      provider: p.address,
      epoch,
      nonce: key(`nonce ${p.address} ${epoch}`).slice(0, 16),
    }),
  );
  const proved = await exec(arbiter, registry, { prove_liveness: { epoch, proofs } });
  log(`the oracle proved ${attr(proved, "proven")} providers live in epoch ${epoch}`);

  // Usage in batches: every round reports on every metered lease; matured charges are paid with later reports.
  const billed = new Map(metered.map((id) => [id, 0n]));
  billed.set(metered[0], 100n);
  for (let round = 0; round < ROUNDS; round++) {
    const items = metered.map((id) => {
      const units = BigInt(10 + round);
      const item = { report_usage: { lease_id: id, units: units.toString(), billed_before: billed.get(id).toString() } };
      billed.set(id, billed.get(id) + units);
      return item;
    });
    await execBatch(provider2, items);
  }
  const settle = await execBatch(
    provider2,
    metered.map((id) => ({ settle: { lease_id: id } })),
  );
  log(`${ROUNDS} batches of ${LEASES} usage reports, then a settle batch (refused: ${attr(settle, "refused")})`);
  await exec(consumer2, addr.billingEscrow, { close_lease: { lease_id: metered[LEASES - 1] } });

  const streamed = await exec(provider3, addr.billingEscrow, { settle: { lease_id: streaming } });
  log(`streaming lease ${streaming} settled: ${attr(streamed, "amount")} uusdc`);
  // provider3's unbonding (40 s on the devnet) may have matured by now.
  try {
    const claimed = await exec(provider3, addr.providerRegistry, { claim: {} });
    log(`provider3 claimed ${attr(claimed, "amount")} unbonded ustake`);
  } catch (e) {
    log(`provider3's unbonding has not matured yet (${String(e).slice(0, 60)})`);
  }

  // Rewards for listed providers (each its own claimant).
  for (const p of [provider2, provider3]) {
    try {
      const claimed = await exec(p, registry, { claim_rewards: { providers: [p.address] } });
      log(`${p.name} claimed ${attr(claimed, "amount")} reward units`);
    } catch (e) {
      log(`${p.name} had no rewards to claim (${String(e).slice(0, 80)})`);
    }
  }

  // Governance: member1 unstakes a little; a proposal with a no and a yes that stays open.
  await exec(member1, addr.dao, { unstake: { amount: "1000000" } });
  const proposed = await exec(member2, addr.dao, {
    propose: { title: "Indexer e2e: a vote that stays open", description: "Tallies for the indexer's reconciliation.", msgs: [] },
  });
  const proposalId = Number(attr(proposed, "proposal_id"));
  await exec(member1, addr.dao, { vote: { proposal_id: proposalId, vote: "no" } });
  log(`member1 unstaked 1 DPIN; proposal ${proposalId} has a no vote`);
  console.log(JSON.stringify({ metered, receipts, proposal: proposalId }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
