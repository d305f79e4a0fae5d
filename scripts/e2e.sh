#!/usr/bin/env bash
# End-to-end tests on a real chain: a fresh devnet and deployment with the demo
# (scripts/deploy.sh), then packages/ts-client/e2e/*.e2e.ts through node's
# test runner (the files run side by side; each signs with its own accounts),
# then CHAIN_GAS.md is rewritten from every transaction's gas_used, and the
# devnet is stopped whatever happened.
#
#   scripts/e2e.sh [deploy.sh options]   (not --no-demo: the tests build on the
#                                         demo's state, e.g. the treasury's fees)
#   scripts/e2e.sh --network localnet    the same on a fresh four-validator localnet
#                                        (scripts/localnet.sh, 1 s blocks), deployed
#                                        with deploy/params/devnet.json; the gas table
#                                        goes to .tools/localnet/CHAIN_GAS.md; the
#                                        localnet is stopped afterwards
#   E2E_ONLY="metered governance"   runs only those e2e files
#   CHAIN_GAS_OUT=<file>            where the gas table goes (default CHAIN_GAS.md;
#                                   scripts/test.sh writes under .tools/reports/)
#   WASMD_VERSION=v0.60.8           on the previous wasmd line (see scripts/wasmd.sh)
#   the indexer deploy.sh starts (not with --no-indexer) is checked after the tests: it reaches
#   the chain's tip and `scripts/indexer.sh reconcile` finds its totals equal to the contracts'
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

network=devnet
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == "--network" ]] && network="${args[i + 1]:-}"
done
case "$network" in
  devnet)
    trap 'scripts/devnet.sh stop >/dev/null 2>&1 || true' EXIT
    scripts/deploy.sh "$@" || die "the deployment failed (see above)"
    eval "$(scripts/devnet.sh env)"
    ;;
  localnet)
    start=$SECONDS
    trap 'scripts/localnet.sh stop >/dev/null 2>&1 || true' EXIT
    scripts/localnet.sh start || die "cannot start the localnet"
    scripts/deploy.sh "$@" || die "the deployment on the localnet failed (see above)"
    eval "$(scripts/localnet.sh env)"
    CHAIN_GAS_OUT="${CHAIN_GAS_OUT:-$DEVNET_DIR/CHAIN_GAS.md}"
    ;;
  *) die "scripts/e2e.sh runs on devnet or localnet only (the tests sign with the test accounts), not --network ${network:-(empty)}" ;;
esac
export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS

files=()
if [[ -n "${E2E_ONLY:-}" ]]; then
  for name in $E2E_ONLY; do files+=("packages/ts-client/dist/e2e/$name.e2e.js"); done
else
  files=(packages/ts-client/dist/e2e/*.e2e.js)
fi
rm -rf "$DEVNET_DIR/e2e-gas"
step "e2e: node --test ${files[*]#packages/ts-client/dist/}"
node --test --test-concurrency="${#files[@]}" --test-reporter=tap "${files[@]}" || die "end-to-end tests failed on the $network"
if [[ "$network" == localnet ]]; then
  step "e2e on the localnet passed in $((SECONDS - start)) s (localnet start, deployment and tests)"
fi

# The indexer deploy.sh started beside the chain (unless --no-indexer) followed the demo and
# every journey above: it must reach the tip and agree with the contracts' own queries.
if scripts/indexer.sh status >/dev/null 2>&1; then
  step "indexer: synced with the chain, then reconciled with the contracts"
  scripts/indexer.sh synced || die "the indexer did not reach the chain's tip"
  scripts/indexer.sh reconcile || die "the indexer's totals differ from the contracts' (see above)"
fi

if [[ -z "${E2E_ONLY:-}" ]]; then
  out="${CHAIN_GAS_OUT:-$ROOT/CHAIN_GAS.md}"
  step "$out: gas_used of every deployment, demo and e2e transaction"
  wasmd="$(scripts/wasmd.sh)"
  wasmd_version="$("$wasmd" version 2>&1 | head -1)"
  wasmvm_version="$("$wasmd" query wasm libwasmvm-version 2>/dev/null)"
  mkdir -p "$(dirname "$out")"
  node packages/ts-client/dist/scripts/gas-table.js --out "$out" --wasmd "wasmd ${wasmd_version} (wasmvm ${wasmvm_version})" \
    || die "cannot write $out"
fi
