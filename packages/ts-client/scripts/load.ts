// Load generator for a deployed suite on the localnet (scripts/load.sh runs
// it): makes and funds its own accounts (bank multi-sends from the test
// accounts, a few transactions), signs every transaction offline with
// explicit account numbers and sequences (SigningCosmWasmClient.sign with
// SignerData), broadcasts the raw bytes with broadcast_tx_sync in bursts,
// spread over every node of the localnet (a node that cannot be reached is
// skipped; a transaction not in a block 20 s after it was sent is sent again,
// the same bytes, to node 0), and runs, phase by phase:
//   N providers: register (native stake, agent key), heartbeat;
//   M metered leases: open_lease → report_usage → (dispute window) → settle → close_lease;
//   K members: DAO stake (cw20 send), one proposal, K votes;
// and from the registrations on, as the registry's oracle (`arbiter`), proves
// every registered provider once an epoch with prove_liveness batches of 1,
// 10 and 100 proofs once each, then the largest that fits, signed by each
// provider's agent key (proof of service: gas per batch and per proof).
// --fault SIGKILLs validator 3 halfway through the providers' registrations, restarts it
// --fault-down seconds later; the run then waits for it to catch up and
// compares its app hash with node 0's. --pin pins the four codes through an
// x/gov proposal after the run and repeats heartbeats, a lease round and a
// vote with --pin-sample accounts, pinned, for the unpinned/pinned table.
// It reads every block of the run (block and block_results) and records per
// operation: gas_used (first vs last 10 % of its transactions), transactions
// per block, block gas used against the block gas limit, inclusion latency
// (broadcast → block time) and rejected transactions by reason (CheckTx and
// DeliverTx codes and logs). At the end it checks its own accounting against
// the chain (every lease's state and amounts, the provider count, balances
// it can predict, voting power and the proposal's tally) and writes a
// markdown report with a projection of heartbeat / report_usage / settle gas
// to 10k, 100k and 1M providers.
//
// The modules of scripts/load/: model (options, records, amounts), accounts
// (keys, agent keys, offline signing), oracle (the proving loop), broadcast (sending, following the blocks),
// localnet (--fault, --pin), context (the run context every step reads),
// runner (one phase), phases (the operations in order), verification and
// report.
//
//   node dist/scripts/load.js [--providers N] [--leases M] [--stakers K] [--out <file>]
//                             [--deployment <file>] [--params <file>] [--concurrency C] [--seed <text>]
//                             [--fault] [--fault-down S] [--pin] [--pin-sample P]
import { openRun } from "./load/context";
import { errorText, parseOptions, sleep } from "./load/model";
import { Oracle } from "./load/oracle";
import { fund, heartbeatRound, leases, liveProviders, pinAndRepeat, registerProviders, stake, voteRound } from "./load/phases";
import { writeReport } from "./load/report";
import { verify } from "./load/verification";

async function main(): Promise<void> {
  const ctx = await openRun(parseOptions());
  await fund(ctx);
  await registerProviders(ctx);
  const oracle = new Oracle(ctx, ctx.actors.oracle);
  await oracle.start();
  await heartbeatRound(ctx, "", liveProviders(ctx));
  await leases(ctx);
  await stake(ctx);
  await voteRound(ctx, "");
  if (ctx.options.pin) await pinAndRepeat(ctx);
  await oracle.finish();
  ctx.state.runMs = Date.now() - ctx.started;
  // The block after the last one, for the commit time of the last transactions.
  const lastHeight = ctx.follower.scanned;
  while (ctx.follower.scanned <= lastHeight) {
    await sleep(300);
    await ctx.follower.scan();
  }
  const verification = await verify(ctx);
  writeReport(ctx, verification);
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
