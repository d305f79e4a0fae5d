#!/usr/bin/env bash
# The one test command: formatting, lints, every Rust test, the wasm build
# with cosmwasm-check, schema freshness, the gas benchmark, the TypeScript
# client's checks, the end-to-end tests on a fresh local wasmd chain (built
# once from Go modules and cached), which is stopped afterwards, and the web
# dApp's unit and browser tests on another fresh chain.
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

step "gas benchmark on the built wasm (fails if any cost grows > 10 % with the network)"
"$ROOT/scripts/bench.sh" || die "the gas benchmark failed"

step "TypeScript client: codegen freshness, tsc, receipt vectors"
"$ROOT/scripts/ts-client.sh" || die "the TypeScript client checks failed"

step "end-to-end on a fresh wasmd devnet (deploy + demo + e2e tests, CHAIN_GAS.md)"
# Its own node directory and ports, so a devnet started by scripts/deploy.sh keeps running.
DEVNET_DIR="$ROOT/.tools/devnet-test" DEVNET_RPC_PORT=36657 DEVNET_P2P_PORT=36656 \
  DEVNET_GRPC_PORT=39090 DEVNET_API_PORT=31317 DAPP_PORT=35180 "$ROOT/scripts/e2e.sh" || die "the end-to-end tests failed"

step "web dApp: unit tests, then every user journey in headless Chromium on a fresh devnet"
# Its own node directory and ports (.tools/devnet-dapp, RPC 47657, dApp on 47180).
"$ROOT/scripts/dapp.sh" test || die "the dApp tests failed"

step "all checks passed"
