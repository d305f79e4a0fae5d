#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run): formatting, lints, every
# Rust test, the wasm build with the VM's static check, schema freshness, the
# gas benchmark, the TypeScript client's checks, the dApp's unit tests, then on
# real chains: the end-to-end tests on fresh wasmd v0.70.3 and v0.60.8 devnets,
# the provider agent end to end with faults, a short load with a validator
# fault and code pinning on a four-validator localnet, the dApp's browser
# tests, the indexer on PostgreSQL through crashes, and the upgrade from the
# previous release through the DAO. Every
# chain is fresh, on ports of its own, and stopped afterwards.
#
# Where the time goes: the two wasmd builds (Go, ~10 min each on a fresh
# machine, then cached in ~/.cache/depin/wasmd) run in the background from the
# start; the chain stages mostly wait for blocks, so they run in two lanes side
# by side. Each stage's output is printed whole when it ends, and a table of
# every stage's duration closes the run (also in .tools/reports/stages.tsv).
# It writes nothing tracked: its reports go to .tools/reports. A failing stage
# fails the run; stages not yet started are then skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Reports go under .tools/reports, so a clean checkout stays clean; their own
# commands (scripts/bench.sh, scripts/e2e.sh) rewrite the committed ones.
REPORTS="$ROOT/.tools/reports"
LOGS="$REPORTS/logs"
STAGES="$REPORTS/stages.tsv"
FAILED="$REPORTS/.failed"
RUN_START=$(date +%s)
rm -rf "$LOGS" "$FAILED"
mkdir -p "$LOGS"
printf 'stage\tstarted_s\tseconds\tresult\n' >"$STAGES"

record() { # <name> <start epoch> <result>
  local now
  now=$(date +%s)
  printf '%s\t%d\t%d\t%s\n' "$1" $(($2 - RUN_START)) $((now - $2)) "$3" >>"$STAGES"
}

# A stage in the foreground: its output goes straight to the terminal.
stage() { # <name> <command...>
  local name=$1 start rc=0
  shift
  [[ -f "$FAILED" ]] && { record "$name" "$(date +%s)" skipped; return 1; }
  step "$name"
  start=$(date +%s)
  "$@" || rc=$?
  if ((rc)); then
    record "$name" "$start" FAILED
    touch "$FAILED"
    die "stage failed: $name"
  fi
  record "$name" "$start" passed
}

# A stage in a lane (background): its output goes to logs/<id>.log and is
# printed whole when it ends, so two lanes never interleave their lines.
lane_stage() { # <id> <name> <command...>
  local id=$1 name=$2 start rc=0 log="$LOGS/$1.log"
  shift 2
  [[ -f "$FAILED" ]] && { record "$name" "$(date +%s)" skipped; return 1; }
  echo "==> started: $name (${log#"$ROOT"/})"
  start=$(date +%s)
  "$@" >"$log" 2>&1 </dev/null || rc=$?
  {
    flock 8
    if ((rc)); then echo "==> FAILED after $(($(date +%s) - start)) s: $name"; else echo "==> passed in $(($(date +%s) - start)) s: $name"; fi
    sed 's/^/    | /' "$log"
  } 8>"$LOGS/.print.lock"
  if ((rc)); then
    record "$name" "$start" FAILED
    touch "$FAILED"
    return 1
  fi
  record "$name" "$start" passed
}

summary() {
  local total=$(($(date +%s) - RUN_START))
  echo
  echo "Stages (started at, duration; lanes overlap, so durations add up to more than the run):"
  tail -n +2 "$STAGES" | sort -t$'\t' -k2,2n | while IFS=$'\t' read -r name started seconds result; do
    printf '  %5s  %6s  %-8s %s\n' "$(printf '%d:%02d' $((started / 60)) $((started % 60)))" \
      "$(printf '%d:%02d' $((seconds / 60)) $((seconds % 60)))" "$result" "$name"
  done
  printf 'Total: %d min %02d s\n' $((total / 60)) $((total % 60))
}
# Background stages still running when the run ends (a failure) are stopped with
# their children, so their traps stop the chains they started.
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}
on_exit() {
  local pid
  for pid in $(jobs -p); do kill_tree "$pid"; done
  summary
}
trap on_exit EXIT

# ---------------------------------------------------------------- background from the start
# wasmd v0.70.3 (every chain stage) then v0.60.8 (the second e2e), nice'd so the
# foreground builds come first. A cached binary takes a second.
wasmd_builds() {
  lane_stage wasmd-v0.70.3 "wasmd v0.70.3 (built from Go modules once, then cached)" scripts/wasmd.sh || return 1
  WASMD_VERSION=v0.60.8 lane_stage wasmd-v0.60.8 "wasmd v0.60.8 (built from Go modules once, then cached)" scripts/wasmd.sh
}
wasmd_builds &
WASMD_BUILDS=$!

# Packages (network-bound): the TypeScript client's, the dApp's and wasm-opt's from
# npm, and Debian's chromium (browser tests) and postgresql (the indexer's tests),
# one apt-get after the other.
npm_packages() {
  scripts/ts-client.sh install && scripts/dapp.sh install && (ensure_wasm_opt) && scripts/postgres.sh install
}
lane_stage packages "npm ci (TypeScript client, dApp, binaryen wasm-opt; from their lockfiles), chromium and postgresql (apt-get)" npm_packages &
NPM=$!

# ---------------------------------------------------------------- foreground: Rust, wasm, TypeScript
ensure_rust_components() {
  local component
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component" >/dev/null || return 1
  done
  ensure_wasm_target
}
stage "rust components (rustfmt, clippy, wasm32 target)" ensure_rust_components
stage "cargo fmt --check" cargo fmt --all --check
stage "cargo clippy --all-targets -- -D warnings" cargo clippy --workspace --all-targets --quiet -- -D warnings
# The indexer's database tests start PostgreSQL: the packages stage installs it.
wait "$NPM" || die "stage failed: packages"
stage "cargo test --workspace" cargo test --workspace --quiet
stage "wasm build + static check in cosmwasm-vm 2.3.5 (scripts/build.sh)" scripts/build.sh
stage "schema freshness" scripts/schema.sh --check
stage "docs: every relative link and anchor in the Markdown resolves (scripts/check-docs.sh)" scripts/check-docs.sh

bench() {
  BENCH_OUT="$REPORTS/BENCHMARKS.md" scripts/bench.sh || return 1
  # VM gas is deterministic for given artifacts (their bytes are reproducible):
  # the committed figures must be the ones of this code.
  diff -u BENCHMARKS.md "$REPORTS/BENCHMARKS.md" || die "BENCHMARKS.md is stale: run scripts/bench.sh and commit it"
}
stage "gas benchmark on the built wasm (fails if any cost grows > 10 % with the network, or BENCHMARKS.md is stale)" bench
stage "TypeScript client: Biome (format + lint), codegen freshness, tsc, unit tests" scripts/ts-client.sh
stage "web dApp: Biome (format + lint), tsc, unit tests, vite build" scripts/dapp.sh unit-build
stage "provider agent and indexer: debug builds for their e2e" cargo build --locked --quiet -p depin-provider-agent -p depin-indexer --bins
stage "the previous release's contracts (v0.1.0) for the upgrade test" scripts/upgrade.sh build

# ---------------------------------------------------------------- chain stages, two lanes
# Each stage has its own node directory and ports, so nothing here touches a
# devnet or localnet started by hand. On-chain gas depends on block times, so
# CHAIN_GAS.md is not compared: scripts/e2e.sh rewrites it; this run's figures
# are in .tools/reports.
# (Waits while the background build holds the version's lock, then finds the binary.)
# Every chain and server the tests start listens below 32768 (20xxx-27xxx), outside
# Linux's ephemeral range (32768-60999): a busy lane's outgoing connection once took
# the agent devnet's P2P port 38656 just before its node bound it.
stage "wasmd v0.70.3 ready (waits for the background build)" scripts/wasmd.sh

lane_v070() {
  # deploy.sh starts the indexer beside it (PostgreSQL 20432, API 20750); e2e.sh reconciles it at the end.
  DEVNET_DIR="$ROOT/.tools/devnet-test" DEVNET_RPC_PORT=20657 DEVNET_P2P_PORT=20656 \
    DEVNET_GRPC_PORT=20090 DEVNET_API_PORT=20317 DAPP_PORT=20180 CHAIN_GAS_OUT="$REPORTS/CHAIN_GAS.md" \
    INDEXER_PORT=20750 INDEXER_PG_PORT=20432 \
    lane_stage e2e-v0.70.3 "end-to-end on a fresh wasmd v0.70.3 devnet (deploy + demo + e2e tests, the indexer reconciled after them)" scripts/e2e.sh || return 1
  # Its own devnet (.tools/devnet-agent, RPC 22657): authz + fee grant, the three lease kinds,
  # node restart, a second sender on the agent's key, SIGKILL, a close during a pending report,
  # low gas and a jail, each followed by on-chain assertions.
  lane_stage agent-e2e "provider agent: end to end with faults on a fresh devnet (scripts/agent.sh e2e)" scripts/agent.sh e2e || return 1
  # Its own devnet (.tools/devnet-dapp, RPC 23657, dApp on 23180).
  lane_stage dapp-browser "web dApp: every user journey in headless Chromium on a fresh devnet" scripts/dapp.sh browser
}

lane_localnet_v060() {
  # Its own directory and ports, so a localnet started by hand keeps running. The full
  # load (10,000 providers) is scripts/load.sh; its figures are LOAD.md. The oracle daemon
  # is the debug build of the stage above; the agents' simulator and its metrics use 26140-26141.
  LOCALNET_DIR="$ROOT/.tools/localnet-test" LOCALNET_PORT_BASE=25656 LOCALNET_DAPP_PORT=25480 \
    lane_stage load-short "four-validator localnet: the batched provider-day with 100 providers in fleets and depin-oracle proving them, a validator SIGKILLed and restarted, codes pinned through x/gov, accounting and rewards checked" \
    scripts/load.sh --fresh --params deploy/params/load-short.json --providers 100 --fleet-size 20 --sweep 1,10 --stakers 5 \
    --fault --pin --oracle-profile debug --agent-port 26140 --out "$REPORTS/LOAD-short.md" || return 1
  WASMD_VERSION=v0.60.8 DEVNET_DIR="$ROOT/.tools/devnet-test-v060" DEVNET_RPC_PORT=21657 DEVNET_P2P_PORT=21656 \
    DEVNET_GRPC_PORT=21090 DEVNET_API_PORT=21317 DAPP_PORT=21180 CHAIN_GAS_OUT="$REPORTS/CHAIN_GAS-v0.60.8.md" \
    INDEXER_PORT=21750 INDEXER_PG_PORT=21432 \
    lane_stage e2e-v0.60.8 "end-to-end on the previous line, wasmd v0.60.8 (wasmvm 2.3.4), the indexer reconciled after it" scripts/e2e.sh || return 1
  # Its own devnet (.tools/devnet-upgrade, RPC 24657): v0.1.0 deployed with the demo's state,
  # a claim held by a dispute, then registry, escrow and DAO migrated through one proposal.
  lane_stage upgrade "upgrade from the previous release (v0.1.0) through a DAO proposal, every record and claim checked" scripts/upgrade.sh || return 1
  # Its own devnet and PostgreSQL (.tools/indexer-*, ports 28xxx): the demo and more activity
  # indexed through an abort mid-block, SIGKILLs and a PostgreSQL restart, then reconcile and the API.
  lane_stage indexer-e2e "indexer: a devnet followed into PostgreSQL through crashes and a database restart, reconciled with the contracts, its API checked" packages/indexer/e2e/indexer.sh
}

lane_v070 &
LANE_A=$!
lane_localnet_v060 &
LANE_B=$!
rc=0
wait "$LANE_A" || rc=1
wait "$LANE_B" || rc=1
wait "$WASMD_BUILDS" || rc=1
((rc == 0)) || die "a chain stage failed (its log is printed above; every log is in ${LOGS#"$ROOT"/})"
step "all checks passed"
