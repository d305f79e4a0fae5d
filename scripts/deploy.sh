#!/usr/bin/env bash
# One command from a checkout to a running suite: builds the artifacts when
# stale (scripts/build.sh) and the TypeScript client, then deploys the suite
# with packages/ts-client/scripts/deploy.ts to a network with the parameters
# of a params file (checked before anything is sent).
#
# By default (--network devnet) it starts a fresh single-node devnet on
# 127.0.0.1 (scripts/devnet.sh, built from the cached wasmd), uploads the four
# contracts, instantiates the whole suite through the DAO in one transaction
# with deploy/params/devnet.json, runs a short demo, writes the addresses to
# .tools/devnet/deployment.json, then builds the web dApp and serves it on
# http://127.0.0.1:5180/ pointed at this deployment (scripts/dapp.sh). The
# chain and the dApp keep running: stop both with `scripts/devnet.sh stop`.
#
#   scripts/deploy.sh [--network devnet|localnet|<network.json>] [--params <params.json>] [--force]
#                     [--no-demo] [--out <file>] [--salt <text>]          (all passed to deploy.ts)
#                     [--no-indexer]
#
#   --network devnet      (default) a fresh devnet every time, so its previous deployment is gone and
#                         is replaced without --force
#   --network localnet    the four-validator network of scripts/localnet.sh, started (fresh) unless it
#                         runs; deploys to node 0, runs the demo, serves the dApp on 127.0.0.1:$LOCALNET_DAPP_PORT
#                         (5190); a second deployment on the running localnet needs --force
#   --network <file>      any chain (deploy/networks/example-testnet.json shows the format): deploy only,
#                         --params required, --force to deploy again while the previous suite exists
#   --params <file>       default deploy/params/devnet.json (short test periods);
#                         deploy/params/production-example.json shows days and weeks
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

start=$SECONDS
network=devnet
indexer="${DEPIN_INDEXER:-on}"
args=()
for arg in "$@"; do
  if [[ "$arg" == --no-indexer ]]; then indexer=off; else args+=("$arg"); fi
done
set -- "${args[@]}"
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == "--network" ]]; then
    network="${args[i + 1]:-}"
    [[ -n "$network" ]] || die "--network needs a value: devnet, localnet or a network file (deploy/networks/example-testnet.json)"
  fi
done
case "$network" in
  devnet | localnet) ;;
  *) [[ -f "$network" ]] || die "--network $network: neither devnet, localnet nor a network file (see deploy/networks/example-testnet.json)" ;;
esac

step "packages/ts-client: build"
scripts/ts-client.sh build || die "cannot build packages/ts-client"
# The network and params files are checked before anything is built, started or sent.
node packages/ts-client/dist/scripts/deploy.js --check "$@" || die "fix the network or params file (see above); nothing was deployed"

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

case "$network" in
  devnet)
    scripts/devnet.sh start || die "cannot start the devnet"
    eval "$(scripts/devnet.sh env)"
    stop_hint="scripts/devnet.sh stop"
    ;;
  localnet)
    if ! scripts/localnet.sh status >/dev/null 2>&1; then
      scripts/localnet.sh start || die "cannot start the localnet"
    fi
    eval "$(scripts/localnet.sh env)"
    stop_hint="scripts/localnet.sh stop"
    export DAPP_PORT="${DAPP_PORT:-${LOCALNET_DAPP_PORT:-5190}}"
    # Beside a devnet's indexer (8750, 55432) on the same machine.
    export INDEXER_PORT="${INDEXER_PORT:-8760}" INDEXER_PG_PORT="${INDEXER_PG_PORT:-55442}"
    export DEVNET_API_PORT="${DEVNET_REST##*:}"
    ;;
  *)
    stop_hint=""
    ;;
esac

step "deploy (packages/ts-client/scripts/deploy.ts)"
if [[ -n "$stop_hint" ]]; then
  export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
  if ! node packages/ts-client/dist/scripts/deploy.js "$@"; then
    die "the deployment failed; the $network is still running ($stop_hint; logs in ${DEVNET_DIR#"$ROOT"/})"
  fi
  if [[ "$indexer" != off ]]; then
    step "indexer (scripts/indexer.sh)"
    export DEVNET_RPC
    scripts/indexer.sh start || die "cannot start the indexer; the $network is still running ($stop_hint)"
  fi
  step "web dApp (scripts/dapp.sh)"
  scripts/dapp.sh build || die "the dApp build failed; the $network is still running ($stop_hint)"
  scripts/dapp.sh serve || die "cannot serve the dApp; the $network is still running ($stop_hint)"
  step "deployed in $((SECONDS - start)) s; the chain keeps running at $DEVNET_RPC and the dApp at http://127.0.0.1:${DAPP_PORT:-5180}/: $stop_hint"
else
  node packages/ts-client/dist/scripts/deploy.js "$@" || die "the deployment to $network failed (see above)"
  step "deployed to $network in $((SECONDS - start)) s"
fi
