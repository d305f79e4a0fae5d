#!/usr/bin/env bash
# A real multi-validator network on one machine: four wasmd validators (one
# process each) bound to 127.0.0.1 and peered with each other, 1 s blocks, a
# 100,000,000 block gas limit, a 20 s x/gov voting period (10 s expedited) and
# the funded test accounts of scripts/devnet-accounts.json, so
# scripts/deploy.sh --network localnet and the e2e tests work against node 0
# as they do against the devnet: the four-validator profile of
# scripts/chain.sh, the node manager.
#
#   scripts/localnet.sh start    fresh network (wipes the previous one), returns once every node has blocks
#   scripts/localnet.sh stop     stops the four nodes this script started (by their pid files) and its dApp server
#   scripts/localnet.sh status   every node's pid, RPC and latest height (exit 1 unless all four answer)
#   scripts/localnet.sh env      the variables `scripts/devnet.sh env` prints, for node 0, and every node's RPC
#   scripts/localnet.sh kill <i>     SIGKILLs validator i (a crash: no shutdown, its mempool is lost)
#   scripts/localnet.sh restart <i>  starts validator i again on its data; returns once its RPC answers
#   scripts/localnet.sh pin <code id>...  pins wasm codes through x/gov: a MsgPinCodes proposal from
#                                the `validator` account, yes votes from the four validators, returns
#                                once it passed and the chain lists the codes as pinned
#
# Environment: LOCALNET_DIR (default $ROOT/.tools/localnet), LOCALNET_CHAIN_ID (localnet),
# LOCALNET_PORT_BASE (27656): node i listens on base+10i (P2P), +1 (RPC), +2 (gRPC),
# +3 (REST), +4 (pprof), +5 (ABCI), i.e. RPC 27657, 27667, 27677, 27687 (clear of the
# devnets' 26657, 20657, 21657, 23657 and the dApp's 5180, 20180, 21180, 23180);
# LOCALNET_BLOCK_TIME (timeout_commit, default 1s), LOCALNET_DAPP_PORT (5190, used by
# scripts/deploy.sh --network localnet). Node i logs to $LOCALNET_DIR/node<i>.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${LOCALNET_PORT_BASE:-27656}"
export CHAIN_NAME=localnet CHAIN_NODES=4 \
  CHAIN_DIR="${LOCALNET_DIR:-$(dirname "$here")/.tools/localnet}" \
  CHAIN_ID="${LOCALNET_CHAIN_ID:-localnet}" \
  CHAIN_BLOCK_TIME="${LOCALNET_BLOCK_TIME:-1s}" CHAIN_TIMEOUT_PROPOSE="" \
  CHAIN_BLOCK_MAX_GAS=100000000 CHAIN_VOTING_PERIOD=20s \
  CHAIN_P2P_PORT="$base" CHAIN_RPC_PORT=$((base + 1)) CHAIN_GRPC_PORT=$((base + 2)) \
  CHAIN_API_PORT=$((base + 3)) CHAIN_PPROF_PORT=$((base + 4)) CHAIN_ABCI_PORT=$((base + 5))
exec "$here/chain.sh" "$@"
