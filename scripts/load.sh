#!/usr/bin/env bash
# Load generator for the four-validator localnet (scripts/localnet.sh): the
# batched provider-day at scale. Runs packages/ts-client/scripts/load.ts,
# which funds its own accounts, signs every transaction offline (explicit
# account numbers and sequences) and broadcasts them in bursts over the four
# nodes. N providers (most in fleets under one operator key each, some alone)
# register with an agent key; one process on 127.0.0.1 serves every
# provider's challenge endpoint (the agents' simulator) and the real oracle
# daemon, depin-oracle, proves them every epoch; each provider has one metered
# lease whose usage is reported once a day (an epoch) with escrow `batch`, per
# fleet or alone, paying the previous day's matured charges; rewards are
# claimed with `claim_rewards {providers}`; a sweep fleet sends every batched
# message in batches of 1, 10, 100 and 200. It measures the gas per
# provider-day by duty, the per-item gas per batch size, the oracle's time per
# epoch, transactions and gas per block, inclusion latency and rejections,
# checks its accounting against the chain and writes a markdown report with a
# projection to 100k and 1M providers.
#
#   scripts/load.sh [--fresh] [--params <file>] [--providers N] [--fleet-size S] [--lone L]
#                   [--sweep 1,10,100,200|none] [--stakers K] [--out <file>] [--concurrency C]
#                   [--seed <text>] [--phase-timeout S] [--agent-port P] [--oracle-profile release|debug]
#                   [--fault [--fault-down S]] [--pin]
#
#   (no --fresh)  uses the running localnet and its deployment ($LOCALNET_DIR/deployment.json,
#                 from scripts/deploy.sh --network localnet --params deploy/params/load.json)
#   --fresh       starts a fresh localnet, deploys the suite with --params (default
#                 deploy/params/load.json: 300 s epochs, a 60 s dispute window) without the demo,
#                 runs the load and stops the localnet afterwards
#   --out         default .tools/load/LOAD.md; --out LOAD.md writes the committed report
#   --agent-port  the agents' simulator listens on 127.0.0.1:P, the oracle's metrics on P+1 (default 26100)
#   --oracle-profile  the depin-oracle build it runs (default release: target/release/depin-oracle,
#                 built here when missing or stale; debug: target/debug, what scripts/test.sh built)
#   --fault       SIGKILLs validator 3 halfway through the providers' registrations, restarts it S s
#                 later (default 12), then checks that it caught up with the same app hash and that
#                 no transaction was lost or applied twice
#   --pin         after day 3, pins the four codes through an x/gov proposal and runs a steady day
#                 and (after settling every lease) a billing day pinned: gas unpinned vs pinned
#   defaults      --providers 20 --fleet-size providers/2 (at most 100) --lone 2 % --sweep 1,10,100,200
#                 --stakers providers/100 (5 to 100)
# The simulator and the daemon are stopped when the run ends, whatever happens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

fresh=0
params=deploy/params/load.json
profile=release
args=()
while (($#)); do
  case "$1" in
    --fresh) fresh=1 ;;
    --params)
      [[ -n "${2:-}" ]] || die "--params needs a file"
      params="$2"
      args+=("$1" "$2")
      shift
      ;;
    --oracle-profile)
      [[ "${2:-}" == release || "${2:-}" == debug ]] || die "--oracle-profile is release or debug"
      profile="$2"
      shift
      ;;
    *) args+=("$1") ;;
  esac
  shift
done
[[ -f "$params" ]] || die "--params $params: no such file"

step "packages/ts-client: build"
scripts/ts-client.sh build || die "cannot build packages/ts-client"
oracle_bin="$ROOT/target/$profile/depin-oracle"
if [[ "$profile" == release ]]; then
  step "depin-oracle: cargo build --release (no-op when fresh)"
  nice cargo build --release --locked --quiet -p depin-provider-agent --bin depin-oracle || die "cannot build depin-oracle"
else
  [[ -x "$oracle_bin" ]] || { step "depin-oracle: cargo build (debug)"; cargo build --locked --quiet -p depin-provider-agent --bin depin-oracle || die "cannot build depin-oracle"; }
fi

eval "$(scripts/localnet.sh env)"
# The simulator and the daemon write their pids here; stopped on the way out (load.js stops them
# itself; this covers a load.js that was killed).
stop_children() {
  local f
  for f in "$DEVNET_DIR/load-agents.pid" "$DEVNET_DIR/load-oracle/oracle.pid"; do
    [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}
if ((fresh)); then
  scripts/localnet.sh status >/dev/null 2>&1 && die "a localnet is running: --fresh would wipe it (scripts/localnet.sh stop first, or drop --fresh to load the running one)"
  trap 'stop_children; scripts/localnet.sh stop || true' EXIT
  scripts/localnet.sh start || die "cannot start the localnet"
  scripts/deploy.sh --network localnet --params "$params" --no-demo --no-indexer || die "the deployment to the localnet failed"
else
  trap stop_children EXIT
  scripts/localnet.sh status >/dev/null 2>&1 \
    || die "the localnet is not running: scripts/localnet.sh start && scripts/deploy.sh --network localnet --params $params, or scripts/load.sh --fresh"
fi

export DEVNET_RPC DEVNET_REST DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS LOCALNET_RPCS
[[ -f "$DEVNET_DIR/deployment.json" ]] || die "no deployment on the localnet ($DEVNET_DIR/deployment.json): scripts/deploy.sh --network localnet --params $params"
step "load (packages/ts-client/scripts/load.ts) against $DEVNET_RPC, oracle $oracle_bin"
node packages/ts-client/dist/scripts/load.js --oracle-bin "$oracle_bin" "${args[@]}" || die "the load run failed (see above)"
