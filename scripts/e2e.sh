#!/usr/bin/env bash
# End-to-end tests on a real chain: a fresh devnet and deployment
# (scripts/deploy.sh), then packages/ts-client/e2e/*.e2e.ts through node's
# test runner, then the devnet is stopped whatever happened. Each
# transaction's gas_used goes to .tools/devnet/deployment.json (deployment
# and demo) and .tools/devnet/e2e-gas.json (tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

trap 'scripts/devnet.sh stop >/dev/null 2>&1 || true' EXIT
scripts/deploy.sh "$@" || die "the deployment failed (see above)"
eval "$(scripts/devnet.sh env)"
export DEVNET_RPC DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
step "e2e: node --test packages/ts-client/dist/e2e"
node --test --test-reporter=tap packages/ts-client/dist/e2e/*.e2e.js || die "end-to-end tests failed"
