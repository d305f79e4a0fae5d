#!/usr/bin/env bash
# A single-node wasmd chain for development and end-to-end tests, bound to
# 127.0.0.1, with fast blocks and the funded test accounts of
# scripts/devnet-accounts.json (public mnemonics: local use only).
#
#   scripts/devnet.sh start    fresh chain (wipes the previous one), returns once blocks are produced
#   scripts/devnet.sh stop     stops the node this script started (by its pid file) and the dApp server (scripts/dapp.sh)
#   scripts/devnet.sh status   prints whether it runs and its latest height
#   scripts/devnet.sh env      prints the shell variables for clients (RPC, chain id, denoms, home)
#
# Environment: DEVNET_DIR (default $ROOT/.tools/devnet), DEVNET_RPC_PORT (26657),
# DEVNET_P2P_PORT (26656), DEVNET_GRPC_PORT (9090), DEVNET_API_PORT (1317),
# DEVNET_BLOCK_TIME (timeout_commit, default 200ms). The node logs to $DEVNET_DIR/node.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEVNET_DIR="${DEVNET_DIR:-$ROOT/.tools/devnet}"
HOME_DIR="$DEVNET_DIR/home"
PID_FILE="$DEVNET_DIR/wasmd.pid"
LOG_FILE="$DEVNET_DIR/node.log"
CHAIN_ID="${DEVNET_CHAIN_ID:-testing}"
STAKE_DENOM="ustake"
RPC_PORT="${DEVNET_RPC_PORT:-26657}"
P2P_PORT="${DEVNET_P2P_PORT:-26656}"
GRPC_PORT="${DEVNET_GRPC_PORT:-9090}"
API_PORT="${DEVNET_API_PORT:-1317}"
BLOCK_TIME="${DEVNET_BLOCK_TIME:-200ms}"
ACCOUNTS="$ROOT/scripts/devnet-accounts.json"
RPC="http://127.0.0.1:$RPC_PORT"
# Self-delegation of the validator (the account holds more).
GENTX_AMOUNT="100000000000$STAKE_DENOM"
# Minimum gas price the node accepts; clients pay this.
GAS_PRICE="0.025$STAKE_DENOM"

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == wasmd* ]] || return 1
  echo "$pid"
}

height() { rpc_height "$RPC"; }

cmd_stop() {
  local pid
  # The dApp server scripts/dapp.sh started for this devnet (its pid file is in $DEVNET_DIR).
  DEVNET_DIR="$DEVNET_DIR" "$ROOT/scripts/dapp.sh" stop || true
  if pid="$(running_pid)"; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
    step "devnet stopped (pid $pid)"
  else
    step "devnet not running"
  fi
  rm -f "$PID_FILE"
}

cmd_start() {
  command -v node >/dev/null || die "node is required (devnet config and accounts)"
  command -v curl >/dev/null || die "curl is required (devnet health check)"
  [[ -f "$ACCOUNTS" ]] || die "missing $ACCOUNTS"
  if running_pid >/dev/null; then cmd_stop; fi
  for port in "$RPC_PORT" "$P2P_PORT" "$GRPC_PORT" "$API_PORT"; do
    port_free "$port" || die "port 127.0.0.1:$port is in use (another node? set DEVNET_*_PORT)"
  done

  local wasmd start=$SECONDS
  wasmd="$("$ROOT/scripts/wasmd.sh")" || die "cannot build wasmd (scripts/wasmd.sh)"
  local W=("$wasmd" --home "$HOME_DIR")

  step "devnet: fresh genesis in ${HOME_DIR#"$ROOT"/} (chain id $CHAIN_ID)"
  rm -rf "$HOME_DIR"
  mkdir -p "$DEVNET_DIR"
  "${W[@]}" init node001 --chain-id "$CHAIN_ID" --default-denom "$STAKE_DENOM" >/dev/null 2>&1 \
    || die "wasmd init failed"

  import_test_accounts "$ACCOUNTS" "${W[@]}"
  "${W[@]}" genesis gentx validator "$GENTX_AMOUNT" --chain-id "$CHAIN_ID" --keyring-backend test >/dev/null 2>&1 \
    || die "wasmd genesis gentx failed"
  "${W[@]}" genesis collect-gentxs >/dev/null 2>&1 || die "wasmd genesis collect-gentxs failed"
  "${W[@]}" genesis validate-genesis >/dev/null 2>&1 || die "the devnet genesis is invalid"

  # Everything on 127.0.0.1; fast blocks; no peers.
  local config="$HOME_DIR/config/config.toml" app="$HOME_DIR/config/app.toml"
  toml_set "$config" rpc laddr "\"tcp://127.0.0.1:$RPC_PORT\""
  toml_set "$config" rpc pprof_laddr '""'
  # Browsers may call the RPC only from pages served on loopback (the dApp, scripts/dapp.sh).
  toml_set "$config" rpc cors_allowed_origins '["http://127.0.0.1:*", "http://localhost:*"]'
  toml_set "$config" p2p laddr "\"tcp://127.0.0.1:$P2P_PORT\""
  toml_set "$config" p2p pex false
  toml_set "$config" p2p addr_book_strict false
  toml_set "$config" consensus timeout_commit "\"$BLOCK_TIME\""
  toml_set "$config" consensus timeout_propose "\"500ms\""
  toml_set "$config" instrumentation prometheus false
  toml_set "$app" "" minimum-gas-prices "\"$GAS_PRICE\""
  toml_set "$app" api enable true
  toml_set "$app" api address "\"tcp://127.0.0.1:$API_PORT\""
  toml_set "$app" grpc address "\"127.0.0.1:$GRPC_PORT\""

  step "devnet: starting wasmd on 127.0.0.1:$RPC_PORT (log ${LOG_FILE#"$ROOT"/})"
  nohup "${W[@]}" start --log_no_color >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local h=""
  for _ in $(seq 1 150); do
    running_pid >/dev/null || { tail -20 "$LOG_FILE" >&2; rm -f "$PID_FILE"; die "wasmd exited during start-up (log above)"; }
    h="$(height || true)"
    [[ -n "$h" && "$h" -ge 2 ]] && break
    sleep 0.2
  done
  [[ -n "$h" && "$h" -ge 2 ]] || { cmd_stop >/dev/null; die "the devnet produced no blocks within 30 s (see $LOG_FILE)"; }
  step "devnet up: chain $CHAIN_ID at height $h, rpc $RPC, pid $(cat "$PID_FILE") ($((SECONDS - start)) s)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running: pid $pid, chain $CHAIN_ID, rpc $RPC, height $(height || true)"
  else
    echo "not running"
    return 1
  fi
}

cmd_env() {
  cat <<EOT
DEVNET_RPC=$RPC
DEVNET_REST=http://127.0.0.1:$API_PORT
DEVNET_DIR=$DEVNET_DIR
DEVNET_CHAIN_ID=$CHAIN_ID
DEVNET_GAS_PRICE=$GAS_PRICE
DEVNET_HOME=$HOME_DIR
DEVNET_ACCOUNTS=$ACCOUNTS
EOT
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: scripts/devnet.sh start|stop|status|env" ;;
esac
