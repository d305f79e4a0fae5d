#!/usr/bin/env bash
# A single-validator wasmd chain for development and end-to-end tests, bound
# to 127.0.0.1, with fast blocks and the funded test accounts of
# scripts/devnet-accounts.json (public mnemonics: local use only): the
# one-validator profile of scripts/chain.sh, the node manager.
#
#   scripts/devnet.sh start    fresh chain (wipes the previous one), returns once blocks are produced
#   scripts/devnet.sh stop     stops the node this script started (by its pid file) and the dApp server (scripts/dapp.sh)
#   scripts/devnet.sh status   prints whether it runs and its latest height
#   scripts/devnet.sh env      prints the shell variables for clients (RPC, chain id, denoms, home)
#   scripts/devnet.sh kill 0 | restart 0 | pin <code id>...   as scripts/chain.sh
#
# Environment: DEVNET_DIR (default $ROOT/.tools/devnet), DEVNET_CHAIN_ID (testing),
# DEVNET_RPC_PORT (26657), DEVNET_P2P_PORT (26656), DEVNET_GRPC_PORT (9090),
# DEVNET_API_PORT (1317), DEVNET_BLOCK_TIME (timeout_commit, default 200ms).
# The node's home is $DEVNET_DIR/node0 and it logs to $DEVNET_DIR/node0.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rpc_port="${DEVNET_RPC_PORT:-26657}"
export CHAIN_NAME=devnet CHAIN_NODES=1 \
  CHAIN_DIR="${DEVNET_DIR:-$(dirname "$here")/.tools/devnet}" \
  CHAIN_ID="${DEVNET_CHAIN_ID:-testing}" \
  CHAIN_BLOCK_TIME="${DEVNET_BLOCK_TIME:-200ms}" CHAIN_TIMEOUT_PROPOSE=500ms \
  CHAIN_BLOCK_MAX_GAS="" CHAIN_VOTING_PERIOD="" \
  CHAIN_RPC_PORT="$rpc_port" CHAIN_ABCI_PORT=$((rpc_port + 1)) \
  CHAIN_P2P_PORT="${DEVNET_P2P_PORT:-26656}" CHAIN_GRPC_PORT="${DEVNET_GRPC_PORT:-9090}" \
  CHAIN_API_PORT="${DEVNET_API_PORT:-1317}" CHAIN_PPROF_PORT=""
exec "$here/chain.sh" "$@"
