#!/usr/bin/env bash
# One command from a checkout to a running suite on a local chain: builds the
# artifacts when stale (scripts/build.sh), builds wasmd once (scripts/wasmd.sh),
# starts a fresh single-node devnet on 127.0.0.1 (scripts/devnet.sh), uploads
# the four contracts, instantiates the whole suite through the DAO in one
# transaction and runs a short demo (packages/ts-client/scripts/deploy.ts),
# prints the addresses and writes them to .tools/devnet/deployment.json, then
# builds the web dApp and serves it on http://127.0.0.1:5180/ pointed at this
# deployment (scripts/dapp.sh). The chain and the dApp keep running: stop both
# with `scripts/devnet.sh stop`.
#
#   scripts/deploy.sh [--no-demo] [--out <file>] [--salt <text>]  (passed to deploy.ts)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

start=$SECONDS
rebuild=0
[[ -f artifacts/checksums.txt ]] || rebuild=1
if ((!rebuild)) && [[ -n "$(find Cargo.toml Cargo.lock contracts packages/depin-interface scripts/build.sh -type f -newer artifacts/checksums.txt -print -quit)" ]]; then
  rebuild=1
fi
while read -r crate; do [[ -f "artifacts/$crate.wasm" ]] || rebuild=1; done < <(contract_crates)
if ((rebuild)); then
  step "artifacts/ missing or stale: scripts/build.sh"
  scripts/build.sh || die "the wasm build failed"
fi

step "packages/ts-client: build"
scripts/ts-client.sh build || die "cannot build packages/ts-client"

scripts/devnet.sh start || die "cannot start the devnet"
eval "$(scripts/devnet.sh env)"
export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS

step "deploy (packages/ts-client/scripts/deploy.ts)"
if ! node packages/ts-client/dist/scripts/deploy.js "$@"; then
  die "the deployment failed; the devnet is still running (scripts/devnet.sh stop; log in .tools/devnet/node.log)"
fi
step "web dApp (scripts/dapp.sh)"
scripts/dapp.sh build || die "the dApp build failed; the devnet is still running (scripts/devnet.sh stop)"
scripts/dapp.sh serve || die "cannot serve the dApp; the devnet is still running (scripts/devnet.sh stop)"
step "deployed in $((SECONDS - start)) s; the chain keeps running at $DEVNET_RPC and the dApp at http://127.0.0.1:${DAPP_PORT:-5180}/: scripts/devnet.sh stop"
