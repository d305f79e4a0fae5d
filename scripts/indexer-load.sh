#!/usr/bin/env bash
# The indexer (packages/indexer) at the load run's scale: on the chain that
# scripts/load.sh left on the localnet (10,000 providers for the committed
# figures), a fresh PostgreSQL and the release depin-indexer, and the report
# INDEXER-LOAD.md:
#   1. catch-up from height 1 to the tip the chain had when it started: blocks/s,
#      rows/s (the suite's rows, `blocks.suite_rows`), peak RSS (VmHWM);
#   2. following the tip for --follow seconds: every second, node 0's latest height
#      minus the indexed height (max, p99, mean);
#   3. the API's latency from a client (packages/indexer/bench/api-latency.cjs):
#      --requests per endpoint in each of JSON/CSV × limit 100/1000, providers,
#      leases and proposals drawn at random from the database; p50/p99/max;
#   4. `depin-indexer reconcile` (must report 0 differences), peak RSS at the end.
#
#   scripts/indexer-load.sh [--out <file>] [--requests N] [--follow S]
#                           [--pg-port P] [--api-port P] [--load <scripts/load.sh args>...]
#
#   (no --load)  measures on the running localnet ($LOCALNET_DIR, default .tools/localnet) and its
#                deployment, e.g. after `scripts/load.sh --providers 10000 --fault --pin` without
#                --fresh (which would stop the localnet at the end); the localnet keeps running
#   --load ...   everything after it goes to scripts/load.sh: starts a fresh localnet, deploys the
#                suite (deploy/params/load.json, or the --params among them) without the demo, runs
#                the load on it, measures the indexer, and stops the localnet at the end
#   --out        default .tools/indexer-load/INDEXER-LOAD.md; --out INDEXER-LOAD.md writes the committed report
#   --requests   per endpoint and form (default 200); --follow seconds at the tip (default 60)
#   --pg-port    PostgreSQL (default 29532), --api-port the indexer's API (default 29750), both on 127.0.0.1
#   --chain      without --load: how the running localnet's chain was made (the load command), for the report
# PostgreSQL lives in $LOCALNET_DIR/indexer-load (wiped at the start). Everything this script
# starts (PostgreSQL, the indexer, with --load the localnet) is stopped when it exits.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

out=.tools/indexer-load/INDEXER-LOAD.md
requests=200
follow=60
pg_port=29532
api_port=29750
load=0
load_args=()
chain_note=""
command_line="scripts/indexer-load.sh"
while (($#)); do
  case "$1" in
    --out | --requests | --follow | --pg-port | --api-port | --chain)
      [[ -n "${2:-}" ]] || die "$1 needs a value"
      case "$1" in
        --out) out="$2" ;;
        --requests) requests="$2" ;;
        --follow) follow="$2" ;;
        --pg-port) pg_port="$2" ;;
        --api-port) api_port="$2" ;;
        --chain) chain_note="$2" ;;
      esac
      [[ "$1" == --chain ]] || command_line+=" $1 $2"
      shift 2
      ;;
    --load)
      load=1
      shift
      load_args=("$@")
      command_line+=" --load $*"
      break
      ;;
    *) die "unknown argument $1 (usage: see the top of scripts/indexer-load.sh)" ;;
  esac
done
[[ "$requests" =~ ^[0-9]+$ && "$follow" =~ ^[0-9]+$ ]] || die "--requests and --follow are whole numbers"

eval "$(scripts/localnet.sh env)"
WORK="$DEVNET_DIR/indexer-load"
BIN="$ROOT/target/release/depin-indexer"
API="http://127.0.0.1:$api_port"
export PG_DIR="$WORK/postgres" PG_PORT="$pg_port"
INDEXER_PID=""
LOCALNET_STARTED=0
started=$SECONDS

stop_indexer() {
  if [[ -n "$INDEXER_PID" ]] && kill -0 "$INDEXER_PID" 2>/dev/null; then
    kill "$INDEXER_PID" 2>/dev/null || true
    wait "$INDEXER_PID" 2>/dev/null || true
  fi
  INDEXER_PID=""
}
cleanup() {
  local rc=$?
  stop_indexer
  [[ -d "$PG_DIR/data" ]] && { scripts/postgres.sh stop >/dev/null 2>&1 || true; }
  ((LOCALNET_STARTED)) && { scripts/localnet.sh stop >/dev/null 2>&1 || true; }
  ((rc == 0)) || echo "indexer-load FAILED (exit $rc) after $((SECONDS - started)) s; logs in ${WORK#"$ROOT"/}" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$pg_port" "$api_port"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "port 127.0.0.1:$port is in use (--pg-port / --api-port)"
done

if ((load)); then
  params=deploy/params/load.json
  for ((i = 0; i < ${#load_args[@]}; i++)); do
    [[ "${load_args[i]}" == --params ]] && params="${load_args[i + 1]:-}"
    [[ "${load_args[i]}" == --fresh ]] && die "--load runs the load on a localnet it starts itself: leave --fresh out"
  done
  scripts/localnet.sh status >/dev/null 2>&1 && die "a localnet is running in $DEVNET_DIR: --load would wipe it (scripts/localnet.sh stop first, or drop --load to measure on it)"
  LOCALNET_STARTED=1
  scripts/localnet.sh start || die "cannot start the localnet"
  scripts/deploy.sh --network localnet --params "$params" --no-demo --no-indexer || die "the deployment to the localnet failed"
  scripts/load.sh "${load_args[@]}" || die "the load run failed"
else
  scripts/localnet.sh status >/dev/null 2>&1 \
    || die "the localnet is not running in $DEVNET_DIR (run the load on it first: scripts/localnet.sh start, scripts/deploy.sh --network localnet --params deploy/params/load.json --no-demo, scripts/load.sh without --fresh; or use --load)"
fi
[[ -f "$DEVNET_DIR/deployment.json" ]] || die "no deployment on the localnet ($DEVNET_DIR/deployment.json)"

step "depin-indexer: cargo build --release (no-op when fresh)"
nice -n 10 cargo build --release --locked --quiet -p depin-indexer --bin depin-indexer || die "cannot build depin-indexer"

rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$out")"
scripts/postgres.sh start >/dev/null || die "cannot start PostgreSQL in $PG_DIR"
eval "$(scripts/postgres.sh env)"
PSQL=(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1)
sql() { "${PSQL[@]}" -c "$1"; }
export DEPIN_INDEXER_RPC="$DEVNET_RPC" DEPIN_INDEXER_DEPLOYMENT="$DEVNET_DIR/deployment.json"

indexed_height() { curl -fsS --max-time 2 "$API/status" 2>/dev/null | jq -r '.rows[0].height // 0' 2>/dev/null || echo 0; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$INDEXER_PID/status" 2>/dev/null || echo 0; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$INDEXER_PID/status" 2>/dev/null || echo 0; }
alive() { kill -0 "$INDEXER_PID" 2>/dev/null || die "depin-indexer exited (see ${WORK#"$ROOT"/}/indexer.log: $(tail -2 "$WORK/indexer.log"))"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

TIP="$(rpc_height "$DEVNET_RPC")"
[[ -n "$TIP" ]] || die "node 0 does not answer at $DEVNET_RPC"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
step "1. catch-up: depin-indexer (release) from height 1 to the tip $TIP, PostgreSQL on 127.0.0.1:$pg_port, API $API"
t0="$(date +%s.%N)"
"$BIN" run --from-height 1 --listen "127.0.0.1:$api_port" 2>"$WORK/indexer.log" &
INDEXER_PID=$!
height=0
samples_rss=()
while ((height < TIP)); do
  alive
  sleep 0.1
  height="$(indexed_height)"
  samples_rss+=("$(rss_kib)")
done
t1="$(date +%s.%N)"
hwm_catchup="$(hwm_kib)"
read -r blocks txs rows < <(sql "SELECT count(*), coalesce(sum(txs), 0), coalesce(sum(suite_rows), 0) FROM blocks WHERE height <= $TIP" | tr '|' ' ')
((blocks == TIP)) || die "blocks 1..$TIP: $blocks rows in the blocks table (a gap?)"
read -r secs bps rps < <(awk -v a="$t0" -v b="$t1" -v n="$blocks" -v r="$rows" 'BEGIN { s = b - a; printf "%.2f %.1f %.0f\n", s, n / s, r / s }')
# Its own figure: the last progress line (every 5 s) of the catch-up.
own="$(grep '"message":"progress"' "$WORK/indexer.log" | tail -1 | jq -c .fields || true)"
echo "   $blocks blocks, $txs transactions, $rows rows in $secs s: $bps blocks/s, $rps rows/s; peak RSS $(mib "$hwm_catchup") MiB"
[[ -n "$own" ]] && echo "   its own progress line: $own"

step "2. following the tip for $follow s (node 0's height − the indexed height, every second)"
lags=()
for ((s = 0; s < follow; s++)); do
  alive
  chain="$(rpc_height "$DEVNET_RPC")"
  idx="$(indexed_height)"
  [[ -n "$chain" ]] && lags+=($((chain - idx)))
  samples_rss+=("$(rss_kib)")
  sleep 1
done
tip_end="$(rpc_height "$DEVNET_RPC")"
((${#lags[@]} > 0)) || die "no lag sample (node 0 did not answer)"
read -r lag_max lag_p99 lag_mean lag_n < <(printf '%s\n' "${lags[@]}" | sort -n \
  | awk '{ v[NR] = $1; s += $1 } END { i = int(0.99 * NR + 0.999); if (i < 1) i = 1; printf "%d %d %.2f %d\n", v[NR], v[i], s / NR, NR }')
echo "   $lag_n samples, chain $TIP → $tip_end: lag max $lag_max, p99 $lag_p99, mean $lag_mean blocks"

step "3. the API: $requests requests per endpoint and form (JSON/CSV × limit 100/1000), one at a time"
sql "SELECT provider FROM registrations ORDER BY random() LIMIT 1000" >"$WORK/providers.txt"
sql "SELECT lease_id FROM leases ORDER BY random() LIMIT 1000" >"$WORK/leases.txt"
sql "SELECT proposal_id FROM proposals ORDER BY random() LIMIT 1000" >"$WORK/proposals.txt"
api_t0=$SECONDS
node packages/indexer/bench/api-latency.cjs --api "$API" --requests "$requests" \
  --providers "$WORK/providers.txt" --leases "$WORK/leases.txt" --proposals "$WORK/proposals.txt" \
  --json "$WORK/api.json" >"$WORK/api.md" || die "the API measurement failed"
api_secs=$((SECONDS - api_t0))
alive
cat "$WORK/api.md"

step "4. depin-indexer reconcile"
rec_t0=$SECONDS
"$BIN" reconcile >"$WORK/reconcile.log" 2>"$WORK/reconcile.err" || { cat "$WORK/reconcile.log"; die "reconcile found differences (or failed: $(tail -2 "$WORK/reconcile.err"))"; }
summary="$(grep -E 'difference' "$WORK/reconcile.log" | tail -1)"
grep -q "0 difference(s)" <<<"$summary" || die "reconcile printed no '0 difference(s)' summary (see ${WORK#"$ROOT"/}/reconcile.log)"
reconcile_secs=$((SECONDS - rec_t0))
echo "   $summary"
hwm_end="$(hwm_kib)"
rss_max="$(printf '%s\n' "${samples_rss[@]}" | sort -n | tail -1)"
final_height="$(indexed_height)"
stop_indexer

# Rows per table: the suite's tables (every table but the bookkeeping ones).
tables="$(sql "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('blocks', 'indexer_state', 'refinery_schema_history') ORDER BY table_name")"
counts=""
total=0
for t in $tables; do
  n="$(sql "SELECT count(*) FROM $t")"
  total=$((total + n))
  counts+="| \`$t\` | $n |"$'\n'
done
db_size="$(sql "SELECT pg_size_pretty(pg_database_size(current_database()))")"
pg_version="$(sql "SHOW server_version" | cut -d' ' -f1)"
chain_blocks_all="$(sql "SELECT count(*) FROM blocks")"
chain_txs_all="$(sql "SELECT sum(txs) FROM blocks")"
nonempty="$(sql "SELECT count(*) FROM blocks WHERE height <= $TIP AND txs > 0")"
max_rows_block="$(sql "SELECT max(suite_rows) FROM blocks WHERE height <= $TIP")"
providers_n="$(sql "SELECT count(*) FROM registrations")"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem="$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
commit="$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- packages/indexer/src packages/indexer/migrations packages/indexer/Cargo.toml packages/indexer/bench scripts/indexer-load.sh || echo "+changes")"
own_line=""
if [[ -n "$own" ]]; then
  own_line="$(jq -r '"The indexer'"'"'s own figure (its last `progress` log line of the catch-up, logged every 5 s, from its start of following to the commit of height \(.height)): \(.blocks) blocks, \(.rows) rows in \(.seconds) s: \(.blocks_per_s) blocks/s, \(.rows_per_s) rows/s."' <<<"$own")"
fi
if ((load)); then
  how="\`$command_line\` (a fresh localnet, the suite deployed with \`--no-demo\`, \`scripts/load.sh ${load_args[*]}\` on it, then the measurement; the localnet stopped at the end)"
else
  how="\`$command_line\` on the localnet a load run left running${chain_note:+ ($chain_note)}"
fi

{
  cat <<EOF
# The indexer at the load run's scale

Generated by \`scripts/indexer-load.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit by hand. Command: $how.

## Machine and chain

- machine: $(nproc) CPUs (\`nproc\`), $cpu, $mem RAM, Linux $(uname -r), node $(node --version), PostgreSQL $pg_version (\`scripts/postgres.sh\`, Debian's package, default settings, fsync on); load average $load_before when the catch-up started. The four validators, PostgreSQL, the indexer and the client share the machine (and whatever else ran on it)
- indexer: \`target/release/depin-indexer\` (commit \`$commit\`), defaults: window 16 blocks fetched ahead, groups of at most 64 blocks per transaction, polling every 200 ms; following node 0 of the localnet ($DEVNET_RPC), the API on $API
- chain: the localnet (\`$DEVNET_DIR\`), $providers_n providers registered; heights 1–$TIP at the start of the catch-up: $blocks blocks ($nonempty with transactions), $txs transactions, $rows suite rows (at most $max_rows_block in one block); database $db_size after the run (height $final_height, $chain_txs_all transactions in $chain_blocks_all blocks)

| table | rows |
|---|---:|
$counts| **all suite tables** | **$total** |

## Catch-up

From height 1 (an empty database) to $TIP, the tip when it started: **$secs s, $bps blocks/s, $rps rows/s** (wall clock from the process start to \`/status\` answering height ≥ $TIP, polled every 100 ms: the process start, migrations and the first connection included). $own_line

Peak RSS of the indexer (\`VmHWM\`): **$(mib "$hwm_catchup") MiB** at the end of the catch-up; $(mib "$hwm_end") MiB at the end of the run (after the API measurement); the largest \`VmRSS\` sampled $(mib "$rss_max") MiB.

## Following the tip

$follow s right after the catch-up, one sample a second (node 0's \`latest_block_height\` minus the indexed height from \`/status\`, read one after the other): $lag_n samples, the chain went from $TIP to $tip_end. **Lag: max $lag_max, p99 $lag_p99, mean $lag_mean blocks.** The load had ended, so the blocks are nearly empty: this is the poll-and-write loop's delay, not a write rate.

## API latency

Measured by a client (\`packages/indexer/bench/api-latency.cjs\`, Node's \`fetch\`, one keep-alive connection, one request at a time, after the catch-up while the indexer follows the chain): $requests requests per endpoint in each form (after 5 warm-up requests), each to a provider, lease or proposal drawn at random from the database; \`/providers\` walked page after page with \`after\`; the other lists' first page. Times in milliseconds, request sent to body read; $api_secs s in all.

$(cat "$WORK/api.md")

## Reconcile

\`depin-indexer reconcile\` (while the indexer followed): **$summary**: the registry's stats against the registrations, stakes and reward claims, every indexed lease's \`paid\` against its payments, every proposal's tally against its votes, each a smart query at the indexed height; $reconcile_secs s.
EOF
} >"$out"
step "indexer-load passed in $((SECONDS - started)) s: ${out}"
