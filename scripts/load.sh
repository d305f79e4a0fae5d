#!/usr/bin/env bash
# Load generator for the four-validator localnet (scripts/localnet.sh): runs
# packages/ts-client/scripts/load.ts, which funds its own accounts, signs
# every transaction offline (explicit account numbers and sequences) and
# broadcasts them in bursts over the four nodes: N providers register (with
# an agent key) + heartbeat, M metered leases open → report_usage → settle →
# close, K members stake in the DAO and vote on one proposal; meanwhile, as the
# registry's oracle (arbiter), it proves every provider once an epoch with
# prove_liveness batches (1, 10, 100, then the largest that fits). It measures gas per operation, transactions and gas
# per block against the block gas limit, inclusion latency and rejections,
# checks its accounting against the chain and writes a markdown report with a
# projection to 10k–1M providers.
#
#   scripts/load.sh [--fresh] [--params <file>] [--providers N] [--leases M] [--stakers K]
#                   [--out <file>] [--concurrency C] [--seed <text>] [--phase-timeout S]
#                   [--fault [--fault-down S]] [--pin [--pin-sample P]]
#
#   (no --fresh)  uses the running localnet and its deployment ($LOCALNET_DIR/deployment.json,
#                 from scripts/deploy.sh --network localnet)
#   --fresh       starts a fresh localnet, deploys the suite with --params (default
#                 deploy/params/devnet.json), runs the load and stops the localnet afterwards
#   --out         default .tools/load/LOAD.md; --out LOAD.md writes the committed report
#   --fault       SIGKILLs validator 3 halfway through the providers' registrations, restarts it S s
#                 later (default 12),
#                 then checks that it caught up with the same app hash and that no transaction was
#                 lost or applied twice
#   --pin         after the run, pins the four codes through an x/gov proposal and runs heartbeats, a
#                 lease round and a vote again with P accounts (default 200): gas unpinned vs pinned
#   defaults      --providers 20 --leases 10 (--stakers: providers / 20, between 5 and 100)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

fresh=0
params=deploy/params/devnet.json
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
    *) args+=("$1") ;;
  esac
  shift
done
[[ -f "$params" ]] || die "--params $params: no such file"

step "packages/ts-client: build"
scripts/ts-client.sh build || die "cannot build packages/ts-client"

if ((fresh)); then
  scripts/localnet.sh status >/dev/null 2>&1 && die "a localnet is running: --fresh would wipe it (scripts/localnet.sh stop first, or drop --fresh to load the running one)"
  trap 'scripts/localnet.sh stop || true' EXIT
  scripts/localnet.sh start || die "cannot start the localnet"
  scripts/deploy.sh --network localnet --params "$params" || die "the deployment to the localnet failed"
else
  scripts/localnet.sh status >/dev/null 2>&1 \
    || die "the localnet is not running: scripts/localnet.sh start && scripts/deploy.sh --network localnet, or scripts/load.sh --fresh"
fi

eval "$(scripts/localnet.sh env)"
export DEVNET_RPC DEVNET_REST DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS LOCALNET_RPCS
[[ -f "$DEVNET_DIR/deployment.json" ]] || die "no deployment on the localnet ($DEVNET_DIR/deployment.json): scripts/deploy.sh --network localnet"
step "load (packages/ts-client/scripts/load.ts) against $DEVNET_RPC"
node packages/ts-client/dist/scripts/load.js "${args[@]}" || die "the load run failed (see above)"
