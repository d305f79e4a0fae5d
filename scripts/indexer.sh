#!/usr/bin/env bash
# The indexer beside a local network: PostgreSQL from Debian's package in the
# network's folder (scripts/postgres.sh) and depin-indexer following node 0 into
# it, its history API on 127.0.0.1. scripts/deploy.sh starts it after deploying
# to the devnet or the localnet (unless --no-indexer or DEPIN_INDEXER=off);
# scripts/devnet.sh stop and scripts/localnet.sh stop stop it.
#
#   scripts/indexer.sh start      builds depin-indexer when stale, starts PostgreSQL and the indexer,
#                                 returns once the API answers
#   scripts/indexer.sh stop       stops the indexer and its PostgreSQL
#   scripts/indexer.sh status     whether the indexer runs (exit 0) or not (exit 3), and its height
#   scripts/indexer.sh synced     waits (up to 60 s) until it has indexed the chain's latest height
#   scripts/indexer.sh reconcile  depin-indexer reconcile: its totals against the contracts' queries
#   scripts/indexer.sh env        prints DATABASE_URL and INDEXER_URL as shell exports
#
# Environment: DEVNET_DIR (default .tools/devnet; the deployment.json it follows and where the
# database, log and pid live), DEVNET_RPC (default http://127.0.0.1:26657), INDEXER_PORT (API,
# 8750), INDEXER_PG_PORT (PostgreSQL, 55432), INDEXER_PROFILE (debug, the default, or release).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEVNET_DIR="${DEVNET_DIR:-$ROOT/.tools/devnet}"
DEVNET_RPC="${DEVNET_RPC:-http://127.0.0.1:26657}"
INDEXER_PORT="${INDEXER_PORT:-8750}"
INDEXER_PG_PORT="${INDEXER_PG_PORT:-55432}"
INDEXER_PROFILE="${INDEXER_PROFILE:-debug}"
BIN="$ROOT/target/$INDEXER_PROFILE/depin-indexer"
PID_FILE="$DEVNET_DIR/indexer.pid"
LOG_FILE="$DEVNET_DIR/indexer.log"
PORT_FILE="$DEVNET_DIR/indexer.port"
# A running indexer's API port is the one it was started with (the localnet's default differs).
[[ "${1:-}" != start && -f "$PORT_FILE" ]] && INDEXER_PORT="$(cat "$PORT_FILE")"
API="http://127.0.0.1:$INDEXER_PORT"
export PG_DIR="$DEVNET_DIR/postgres" PG_PORT="$INDEXER_PG_PORT"
export DEPIN_INDEXER_RPC="$DEVNET_RPC" DEPIN_INDEXER_DEPLOYMENT="$DEVNET_DIR/deployment.json"

running_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  # Named nohup until nohup has exec'd the binary (a busy machine shows it: the start once died on it).
  kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" =~ ^(depin-indexer|nohup) ]] && echo "$pid"
}

database_url() {
  "$ROOT/scripts/postgres.sh" env | sed -n 's/^export DATABASE_URL=//p'
}

# The indexed height (0 when the API does not answer yet).
indexed_height() {
  curl -fsS --max-time 2 "$API/status" 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).rows[0]?.height??0)}catch{console.log(0)}})'
}

chain_height() {
  curl -fsS --max-time 2 "$DEVNET_RPC/status" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).result.sync_info.latest_block_height))'
}

cmd_start() {
  [[ -f "$DEPIN_INDEXER_DEPLOYMENT" ]] || die "no deployment in $DEVNET_DIR (run scripts/deploy.sh first)"
  cmd_stop >/dev/null
  (exec 3<>"/dev/tcp/127.0.0.1/$INDEXER_PORT") 2>/dev/null && die "port 127.0.0.1:$INDEXER_PORT is in use (set INDEXER_PORT)"
  local release=()
  [[ "$INDEXER_PROFILE" == release ]] && release=(--release)
  step "depin-indexer: cargo build ${release[*]} (no-op when fresh)"
  cargo build --locked --quiet "${release[@]}" -p depin-indexer --bin depin-indexer || die "cannot build depin-indexer"
  # A fresh chain gets a fresh database: the indexer refuses one whose blocks are another chain's.
  rm -rf "$PG_DIR"
  "$ROOT/scripts/postgres.sh" start >/dev/null || die "cannot start PostgreSQL in $PG_DIR"
  DATABASE_URL="$(database_url)" nohup "$BIN" run --listen "127.0.0.1:$INDEXER_PORT" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  echo "$INDEXER_PORT" >"$PORT_FILE"
  for _ in $(seq 1 100); do
    curl -fsS --max-time 1 "$API/status" >/dev/null 2>&1 && break
    running_pid >/dev/null || die "depin-indexer exited (see $LOG_FILE)"
    sleep 0.2
  done
  curl -fsS --max-time 1 "$API/status" >/dev/null 2>&1 || die "depin-indexer's API does not answer at $API (see $LOG_FILE)"
  step "indexer: PostgreSQL on 127.0.0.1:$PG_PORT, depin-indexer following $DEVNET_RPC, history at $API/"
}

cmd_stop() {
  local pid
  if pid="$(running_pid)"; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "indexer stopped (pid $pid)"
  fi
  rm -f "$PID_FILE"
  if [[ -d "$PG_DIR" ]]; then "$ROOT/scripts/postgres.sh" stop >/dev/null || true; fi
}

cmd_status() {
  if running_pid >/dev/null; then
    echo "indexer runs at $API: height $(indexed_height)"
  else
    echo "indexer is not running ($DEVNET_DIR)"
    exit 3
  fi
}

cmd_synced() {
  running_pid >/dev/null || die "the indexer is not running ($DEVNET_DIR)"
  local tip indexed
  tip="$(chain_height)" || die "cannot read the chain's height at $DEVNET_RPC"
  for _ in $(seq 1 300); do
    indexed="$(indexed_height)"
    ((indexed >= tip)) && { echo "indexer at height $indexed (chain at $tip when asked)"; return; }
    sleep 0.2
  done
  die "the indexer is at height $indexed, the chain was at $tip 60 s ago (see $LOG_FILE)"
}

cmd_reconcile() {
  [[ -x "$BIN" ]] || die "$BIN is missing (scripts/indexer.sh start builds it)"
  DATABASE_URL="$(database_url)" "$BIN" reconcile
}

cmd_env() {
  echo "export DATABASE_URL=$(database_url)"
  echo "export INDEXER_URL=$API"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  synced) cmd_synced ;;
  reconcile) cmd_reconcile ;;
  env) cmd_env ;;
  *) die "usage: scripts/indexer.sh start|stop|status|synced|reconcile|env (DEVNET_DIR, DEVNET_RPC, INDEXER_PORT, INDEXER_PG_PORT)" ;;
esac
