#!/usr/bin/env bash
# The one test command: formatting, lints, every Rust test, the wasm build
# with cosmwasm-check, schema freshness, the gas benchmark, the TypeScript
# client's checks, the end-to-end tests on fresh local wasmd chains of both
# lines, v0.70.3 and v0.60.8 (built once from Go modules and cached), which are
# stopped afterwards, the provider agent end to end with faults on its own
# devnet, a short load with a validator fault and code pinning on a fresh
# four-validator localnet, and the web dApp's unit and browser tests
# on another fresh chain. It writes nothing tracked: its reports go to .tools/reports.
# Fails on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    step "installing rust component $component"
    rustup component add "$component" >/dev/null || die "cannot install rust component $component"
  fi
done

step "cargo fmt --check"
cargo fmt --all --check || die "code is not formatted (run cargo fmt --all)"

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings || die "clippy found problems"

step "cargo test --workspace"
cargo test --workspace || die "tests failed"

step "wasm build + cosmwasm-check"
"$ROOT/scripts/build.sh" || die "wasm build failed"

step "schema freshness"
"$ROOT/scripts/schema.sh" --check || die "schema/ is stale"

# Reports go under .tools/reports, so a clean checkout stays clean; their
# own commands (scripts/bench.sh, scripts/e2e.sh) rewrite the committed ones.
REPORTS="$ROOT/.tools/reports"
mkdir -p "$REPORTS"

step "gas benchmark on the built wasm (fails if any cost grows > 10 % with the network)"
BENCH_OUT="$REPORTS/BENCHMARKS.md" "$ROOT/scripts/bench.sh" || die "the gas benchmark failed"
# VM gas is deterministic for given artifacts (their bytes are reproducible):
# the committed figures must be the ones of this code.
diff -u BENCHMARKS.md "$REPORTS/BENCHMARKS.md" \
  || die "BENCHMARKS.md is stale: run scripts/bench.sh and commit it"

step "TypeScript client: codegen freshness, tsc, receipt vectors"
"$ROOT/scripts/ts-client.sh" || die "the TypeScript client checks failed"

# On-chain gas depends on block times (accrual, maturity), so CHAIN_GAS.md is
# not compared: scripts/e2e.sh rewrites it; the figures of this run are in .tools/reports.
step "end-to-end on a fresh wasmd v0.70.3 devnet (deploy + demo + e2e tests)"
# Its own node directory and ports, so a devnet started by scripts/deploy.sh keeps running.
DEVNET_DIR="$ROOT/.tools/devnet-test" DEVNET_RPC_PORT=36657 DEVNET_P2P_PORT=36656 \
  DEVNET_GRPC_PORT=39090 DEVNET_API_PORT=31317 DAPP_PORT=35180 CHAIN_GAS_OUT="$REPORTS/CHAIN_GAS.md" \
  "$ROOT/scripts/e2e.sh" || die "the end-to-end tests failed on wasmd v0.70.3"

step "end-to-end on the previous line, wasmd v0.60.8 (wasmvm 2.3.4)"
WASMD_VERSION=v0.60.8 DEVNET_DIR="$ROOT/.tools/devnet-test-v060" DEVNET_RPC_PORT=37657 DEVNET_P2P_PORT=37656 \
  DEVNET_GRPC_PORT=39190 DEVNET_API_PORT=31417 DAPP_PORT=35280 CHAIN_GAS_OUT="$REPORTS/CHAIN_GAS-v0.60.8.md" \
  "$ROOT/scripts/e2e.sh" || die "the end-to-end tests failed on wasmd v0.60.8"

step "provider agent: end to end with faults on a fresh devnet (scripts/agent.sh e2e)"
# Its own devnet (.tools/devnet-agent, RPC 38657): authz + fee grant, the three lease kinds,
# node restart, a second sender on the agent's key, SIGKILL, a close during a pending report,
# low gas and a jail, each followed by on-chain assertions.
"$ROOT/scripts/agent.sh" e2e || die "the provider agent's end-to-end test failed"

step "four-validator localnet: deploy from a params file, ~700 transactions over every node, a validator SIGKILLed and restarted, codes pinned through x/gov, accounting checked"
# Its own directory and ports, so a localnet started by hand keeps running. The full
# load (2,000 providers, 1,000 leases) is scripts/load.sh; its figures are LOAD.md.
LOCALNET_DIR="$ROOT/.tools/localnet-test" LOCALNET_PORT_BASE=57656 LOCALNET_DAPP_PORT=35480 \
  "$ROOT/scripts/load.sh" --fresh --providers 100 --leases 50 --stakers 10 --fault --pin --pin-sample 50 \
  --out "$REPORTS/LOAD-short.md" || die "the short load run on the localnet failed"

step "web dApp: unit tests, then every user journey in headless Chromium on a fresh devnet"
# Its own node directory and ports (.tools/devnet-dapp, RPC 47657, dApp on 47180).
"$ROOT/scripts/dapp.sh" test || die "the dApp tests failed"

step "all checks passed"
