#!/usr/bin/env bash
# A local PostgreSQL for the indexer (packages/indexer), from Debian's
# `postgresql` package (installed with apt-get when missing): one cluster
# under .tools/postgres, listening only on 127.0.0.1 (port PG_PORT) with its
# unix socket inside that folder. Run as root, the server runs as the
# `postgres` system user (PostgreSQL refuses root). Production points
# DATABASE_URL at any PostgreSQL instead.
#
#   scripts/postgres.sh install  Debian's postgresql package when missing (scripts/test.sh runs it with its other installs)
#   scripts/postgres.sh start    initdb on first use (database `depin`, local trust auth), start, wait until it answers
#   scripts/postgres.sh stop     fast shutdown of the server this folder holds
#   scripts/postgres.sh status   whether it runs (exit 0) or not (exit 3)
#   scripts/postgres.sh env      prints DATABASE_URL, PG_PORT and PG_DIR as shell exports
#
# Environment: PG_DIR (default $ROOT/.tools/postgres), PG_PORT (default 55432),
# PG_BIN (default the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_DIR="${PG_DIR:-$ROOT/.tools/postgres}"
PG_PORT="${PG_PORT:-55432}"
DATA="$PG_DIR/data"
SOCKET="$PG_DIR/run"
LOG="$PG_DIR/postgres.log"
DATABASE=depin

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no pg_ctl"
    return
  fi
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$PG_BIN" ]]; then
    [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null \
      || die "PostgreSQL is not installed: apt-get install -y postgresql (as root), or set PG_BIN"
    step "installing Debian's postgresql package"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >/dev/null \
      || die "apt-get install postgresql failed"
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
}

# Runs a PostgreSQL program as the data directory's owner (postgres when we are root).
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (useradd --system postgres)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() {
  as_owner "$PG_BIN/pg_ctl" -D "$DATA" "$@"
}

running() {
  [[ -f "$DATA/PG_VERSION" ]] && pg_ctl_ status >/dev/null 2>&1
}

cmd_start() {
  find_bin
  if running; then
    echo "postgres already runs ($PG_DIR, port $(cat "$PG_DIR/port" 2>/dev/null || echo "?"))"
    return
  fi
  mkdir -p "$PG_DIR" "$SOCKET"
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$PG_DIR" "$SOCKET"
    # The server user must reach the folder through the checkout.
    local dir="$PG_DIR"
    while [[ "$dir" != / ]]; do
      dir="$(dirname "$dir")"
      [[ -x "$dir" ]] || break
      as_owner test -x "$dir" || die "user postgres cannot enter $dir (chmod o+x $dir)"
    done
  fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    step "initdb $DATA"
    as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
      || die "initdb failed (see $PG_DIR/initdb.log)"
  fi
  step "postgres on 127.0.0.1:$PG_PORT ($PG_DIR)"
  pg_ctl_ -l "$LOG" -w -t 60 \
    -o "-p $PG_PORT -k $SOCKET -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null \
    || die "postgres did not start (see $LOG)"
  echo "$PG_PORT" >"$PG_DIR/port"
  if ! as_owner "$PG_BIN/psql" -h "$SOCKET" -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
    as_owner "$PG_BIN/createdb" -h "$SOCKET" -p "$PG_PORT" -U postgres "$DATABASE" \
      || die "cannot create database $DATABASE"
  fi
}

cmd_stop() {
  find_bin
  if running; then
    pg_ctl_ -m fast -w stop >/dev/null || die "postgres did not stop (see $LOG)"
    echo "postgres stopped ($PG_DIR)"
  else
    echo "postgres is not running ($PG_DIR)"
  fi
}

cmd_status() {
  find_bin
  if running; then
    echo "postgres runs ($PG_DIR, port $(cat "$PG_DIR/port" 2>/dev/null || echo "?"))"
  else
    echo "postgres is not running ($PG_DIR)"
    exit 3
  fi
}

cmd_env() {
  local port
  port="$(cat "$PG_DIR/port" 2>/dev/null || echo "$PG_PORT")"
  echo "export PG_DIR=$PG_DIR"
  echo "export PG_PORT=$port"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/$DATABASE"
}

case "${1:-}" in
  install) find_bin ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: scripts/postgres.sh install|start|stop|status|env (PG_DIR, PG_PORT, PG_BIN)" ;;
esac
