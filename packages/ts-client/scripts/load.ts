// Load generator for a deployed suite on the localnet (scripts/load.sh runs
// it): the batched provider-day at scale. It makes and funds its own accounts
// (bank multi-sends from the test accounts), signs every transaction offline
// with explicit account numbers and sequences, broadcasts the raw bytes with
// broadcast_tx_sync in bursts spread over every node of the localnet (a node
// that cannot be reached is skipped; a transaction not in a block 20 s after
// it was sent is sent again, the same bytes, to node 0), and runs:
//   the providers' agents: one simulator process on 127.0.0.1 serves every
//     provider's challenge endpoint, signing with its agent key (agents.ts);
//   the oracle: the real daemon, depin-oracle, its hot key granted by the
//     registry's oracle, proving every provider once an epoch (oracle.ts);
//   setup: providers register (agent key; a fleet's provider names its
//     fleet's operator key), one metered lease each, DAO stakers vote once;
//   the provider-days (days.ts): each epoch every lease's usage is reported
//     once with escrow `batch` (per fleet, or a lone provider's own), paying
//     the previous day's matured charges; claims with `claim_rewards
//     {providers}` on the second day; a sweep fleet does it all in batches
//     of 1, 10, 100 and 200. Day 1 pays nothing (billing alone), day 2 the
//     first payouts, day 3 is the steady day; with --pin, a steady day and
//     (after a settle round) a billing day again with the codes pinned.
// --fault SIGKILLs validator 3 halfway through the providers' registrations
// and restarts it --fault-down seconds later; the run then waits for it to
// catch up and compares its app hash with node 0's.
// It reads every block of the run (block and block_results), the daemon's
// transactions included, and reports the provider-day's gas by duty, the
// batch-size sweep, the oracle's time per epoch, per operation gas,
// transactions and gas per block, inclusion latency and rejections; checks
// its accounting against the chain (leases, balances, proven epochs, rewards
// against the closed form); and projects to 100k and 1M providers.
//
// The modules of scripts/load/: model (options, records, amounts), accounts
// (keys, fleets, offline signing), agents + agent-sim (the challenge
// endpoints), oracle (the daemon), broadcast (sending, following the blocks),
// localnet (--fault, --pin), context (the run context every step reads),
// runner (one phase), phases (setup), days (the provider-days), billing
// (leases' charges and payments), proofs (prove_liveness from the blocks),
// rewards (the closed form), verification, provider-day and report.
//
//   node dist/scripts/load.js --oracle-bin <depin-oracle> [--providers N] [--fleet-size S] [--lone L]
//                             [--sweep 1,10,100,200|none] [--stakers K] [--out <file>] [--deployment <file>]
//                             [--params <file>] [--concurrency C] [--seed <text>] [--agent-port P]
//                             [--fault] [--fault-down S] [--pin]
import { resolve } from "node:path";
import { openRun } from "./load/context";
import { providerDays } from "./load/days";
import { errorText, parseOptions, sleep } from "./load/model";
import { fund, openLeases, registerProviders, stake, voteRound } from "./load/phases";
import { daemonPhases, readProofs } from "./load/proofs";
import { writeReport } from "./load/report";
import { verify } from "./load/verification";
import { latestHeight } from "./load-stats";

async function main(): Promise<void> {
  const ctx = await openRun(parseOptions());
  // Whatever happens, the simulator and the daemon stop with the run.
  const stopChildren = () => {
    ctx.oracle.kill();
    ctx.agents.kill();
  };
  process.on("exit", stopChildren);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => {
      stopChildren();
      process.exit(1);
    });
  const { registryConfig, chainId } = ctx.chain;
  await ctx.agents.start(
    { chainId, registry: ctx.addresses.providerRegistry, genesisS: ctx.epochs.genesisS, epochSeconds: registryConfig.epoch_seconds },
    resolve(ctx.config.dir, "load-agents.pid"),
  );
  ctx.log(`agents: ${ctx.agents.served.length} providers' challenge endpoints served on 127.0.0.1:${ctx.agents.port}`);
  const arbiter = ctx.actors.oracle;
  await ctx.oracle.start({
    bin: ctx.options.oracleBin,
    rpc: ctx.config.rpc,
    chainId,
    deploymentFile: ctx.deploymentFile,
    oracle: {
      name: arbiter.name,
      address: arbiter.address,
      mnemonic: ctx.keys.mnemonicOf(arbiter.name),
      granted: () => ctx.keys.readAccount(arbiter),
    },
  });
  await fund(ctx);
  await registerProviders(ctx);
  // The leases and the DAO's round use accounts of their own: side by side.
  await Promise.all([
    openLeases(ctx),
    (async () => {
      await stake(ctx);
      await voteRound(ctx, "");
    })(),
  ]);
  await providerDays(ctx);
  await ctx.agents.stop();
  await ctx.oracle.stop();
  ctx.state.runMs = Date.now() - ctx.started;
  // Every block up to now (the daemon's last batches too) and the one after, for the commit time of the last transactions.
  const lastHeight = await latestHeight(ctx.config.rpc);
  await ctx.follower.scan();
  while (ctx.follower.scanned <= lastHeight) {
    await sleep(300);
    await ctx.follower.scan();
  }
  const ledger = readProofs(ctx);
  ctx.phases.push(...daemonPhases(ctx, ledger));
  ctx.state.proofs = ledger;
  const verification = await verify(ctx, ledger);
  writeReport(ctx, verification, ledger);
  ctx.keys.client.disconnect();
  const { problems } = verification;
  if (problems.length > 0) {
    for (const p of problems.slice(0, 10)) console.error(`  mismatch: ${p}`);
    throw new Error(`${problems.length} mismatches between the load generator's accounting and the chain (see ${ctx.out})`);
  }
}

main().catch((err) => {
  console.error(`error: ${errorText(err)}`);
  process.exit(1);
});
