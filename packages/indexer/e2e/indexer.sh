#!/usr/bin/env bash
# End-to-end test of the indexer (packages/indexer) on a fresh devnet with
# the suite, the deploy demo and more activity (packages/indexer/e2e/activity.cjs):
#   1. exactly once under crashes: an abort inside a block's transaction
#      (DEPIN_INDEXER_CRASH_AFTER_ROWS), SIGKILLs at random moments, PostgreSQL
#      restarted while the indexer follows the chain (it must retry and
#      continue); after each, no row above the recorded height and no gap;
#   2. following the tip while new usage arrives;
#   3. `depin-indexer reconcile` (exit 0), and reconcile after a row is tampered
#      with (must exit non-zero and name the total);
#   4. API responses (JSON and CSV, pagination, GET only, CORS) against chain queries;
#   5. catch-up from height 1 to the tip into a database of its own: blocks/s and rows/s.
# Everything it starts (PostgreSQL, the devnet, the dApp server, indexers) is
# stopped on exit. Ports 28xxx only; state under .tools/indexer-*.
#
#   packages/indexer/e2e/indexer.sh
# Environment: ROUNDS (usage batch rounds of the activity, default 30), LEASES (leases per batch,
# default 25; more for a larger catch-up figure), PROFILE=release (the indexer's release build), KEEP=1 (leave the
# devnet and PostgreSQL running for inspection).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

ROUNDS="${ROUNDS:-30}"
export PG_DIR="$ROOT/.tools/indexer-postgres" PG_PORT=28432
export DEVNET_DIR="$ROOT/.tools/indexer-devnet" DEVNET_RPC_PORT=28657 DEVNET_P2P_PORT=28656 \
  DEVNET_GRPC_PORT=28090 DEVNET_API_PORT=28317 DAPP_PORT=28180
API_PORT=28750
API="http://127.0.0.1:$API_PORT"
LOGS="$ROOT/.tools/indexer-e2e"
# PROFILE=release measures the catch-up with the workspace's release profile (a longer build).
PROFILE="${PROFILE:-debug}"
BIN="$ROOT/target/$PROFILE/depin-indexer"
INDEXER_PID=""
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
  if [[ "${KEEP:-0}" != 1 ]]; then
    scripts/devnet.sh stop >/dev/null 2>&1 || true
    scripts/postgres.sh stop >/dev/null 2>&1 || true
  fi
  if ((rc != 0)); then
    echo "indexer e2e FAILED (exit $rc) after $((SECONDS - started)) s; logs in ${LOGS#"$ROOT"/}" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rm -rf "$LOGS" && mkdir -p "$LOGS"

step "build depin-indexer"
release_flag=()
[[ "$PROFILE" == release ]] && release_flag=(--release)
nice -n 19 cargo build -j1 -q "${release_flag[@]}" -p depin-indexer || die "cargo build -p depin-indexer failed"

step "PostgreSQL (fresh, ${PG_DIR#"$ROOT"/}, port $PG_PORT)"
scripts/postgres.sh stop >/dev/null 2>&1 || true
rm -rf "$PG_DIR"
scripts/postgres.sh start
eval "$(scripts/postgres.sh env)"
DB_MAIN="$DATABASE_URL"
DB_BENCH="${DATABASE_URL%/*}/depin_bench"
PSQL="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql"
psql_() { "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_ -d postgres -c "CREATE DATABASE depin_bench"

step "devnet with the suite and the demo (scripts/deploy.sh, ${DEVNET_DIR#"$ROOT"/}, RPC $DEVNET_RPC_PORT)"
CARGO_BUILD_JOBS=1 nice -n 19 scripts/deploy.sh --no-indexer >"$LOGS/deploy.log" 2>&1 || { tail -30 "$LOGS/deploy.log"; die "scripts/deploy.sh failed"; }
eval "$(scripts/devnet.sh env)"
export DEVNET_RPC DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
DEPLOYMENT="$DEVNET_DIR/deployment.json"
[[ -f "$DEPLOYMENT" ]] || die "no deployment file at $DEPLOYMENT"
export DEPIN_INDEXER_RPC="$DEVNET_RPC" DEPIN_INDEXER_DEPLOYMENT="$DEPLOYMENT"

step "more activity: batches, disputes, liveness, claims, votes, a failed tx ($ROUNDS rounds)"
node packages/indexer/e2e/activity.cjs "$DEPLOYMENT" "$ROUNDS" | tee "$LOGS/activity.log"
[[ -n "$(rpc_height "$DEVNET_RPC")" ]] || die "the devnet does not answer at $DEVNET_RPC"

smart() { # contract, query JSON → the query's JSON answer at the latest height
  curl -fsS "http://127.0.0.1:$DEVNET_API_PORT/cosmwasm/wasm/v1/contract/$1/smart/$(printf '%s' "$2" | base64 -w0)" | jq -c .data
}
addr() { jq -r ".addresses.$1" "$DEPLOYMENT"; }
REGISTRY="$(addr providerRegistry)" ESCROW="$(addr billingEscrow)" DAO="$(addr dao)"

# No row above the recorded height, and the blocks table has no gap.
check_exactly_once() {
  local db="$1" what="$2" height tables bad gap
  height="$(psql_ -d "${db##*/}" -c "SELECT coalesce((SELECT height FROM indexer_state), 0)")"
  tables="$(psql_ -d "${db##*/}" -c "SELECT string_agg(table_name, ' ') FROM information_schema.columns WHERE column_name = 'id' AND table_schema = 'public' AND table_name NOT IN ('blocks', 'indexer_state', 'refinery_schema_history')")"
  for t in $tables blocks; do
    bad="$(psql_ -d "${db##*/}" -c "SELECT count(*) FROM $t WHERE height > $height")"
    [[ "$bad" == 0 ]] || fail "$what: $t has $bad row(s) above the recorded height $height"
  done
  gap="$(psql_ -d "${db##*/}" -c "SELECT count(*) = coalesce(max(height) - min(height) + 1, 0) AND coalesce(max(height), 0) = $height FROM blocks")"
  [[ "$gap" == t ]] || fail "$what: the blocks table has a gap or does not end at $height"
  echo "   $what: height $height, no row above it, no gap"
}

step "1a. crash inside a block's transaction (DEPIN_INDEXER_CRASH_AFTER_ROWS=150)"
set +e
DATABASE_URL="$DB_MAIN" DEPIN_INDEXER_CRASH_AFTER_ROWS=150 DEPIN_INDEXER_MAX_GROUP=4 "$BIN" run --listen off 2>"$LOGS/crash-hook.log"
rc=$?
set -e
((rc != 0)) || fail "the crash hook did not stop the indexer"
grep -q "aborting inside the block's transaction" "$LOGS/crash-hook.log" || fail "the indexer did not stop in the crash hook (exit $rc)"
check_exactly_once "$DB_MAIN" "after the abort (exit $rc)"

step "1b. SIGKILL at random moments, three times"
for i in 1 2 3; do
  DATABASE_URL="$DB_MAIN" DEPIN_INDEXER_MAX_GROUP=2 "$BIN" run --listen off 2>>"$LOGS/killed.log" &
  INDEXER_PID=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$INDEXER_PID" 2>/dev/null || true
  wait "$INDEXER_PID" 2>/dev/null || true
  INDEXER_PID=""
  check_exactly_once "$DB_MAIN" "after SIGKILL $i"
done

step "1c. run and serve; PostgreSQL restarted while it follows the chain"
DATABASE_URL="$DB_MAIN" "$BIN" run --listen "127.0.0.1:$API_PORT" 2>"$LOGS/run.log" &
INDEXER_PID=$!
sleep 2
scripts/postgres.sh stop
node packages/indexer/e2e/activity.cjs "$DEPLOYMENT" 5 --more | tee -a "$LOGS/activity.log"
scripts/postgres.sh start
kill -0 "$INDEXER_PID" 2>/dev/null || fail "the indexer exited while PostgreSQL was down (see $LOGS/run.log)"
grep -q '"retrying"' "$LOGS/run.log" || fail "the indexer logged no retry while PostgreSQL was down"

step "2. following the tip"
node packages/indexer/e2e/activity.cjs "$DEPLOYMENT" 5 --more | tee -a "$LOGS/activity.log"
lag=""
for _ in $(seq 1 150); do
  tip="$(rpc_height "$DEVNET_RPC")"
  indexed="$(curl -fsS "$API/status" 2>/dev/null | jq -r '.rows[0].height // 0')" || indexed=0
  lag=$((tip - indexed))
  ((lag <= 2)) && break
  sleep 0.2
done
((lag <= 2)) || fail "the indexer is $lag blocks behind the tip"
lags=()
for _ in $(seq 1 10); do
  tip="$(rpc_height "$DEVNET_RPC")"
  indexed="$(curl -fsS "$API/status" | jq -r '.rows[0].height')"
  lags+=($((tip - indexed)))
  sleep 0.3
done
echo "   at the tip: lag in blocks over 3 s: ${lags[*]}"
for l in "${lags[@]}"; do ((l <= 3)) || fail "the indexer fell $l blocks behind the tip while following it"; done
kill -0 "$INDEXER_PID" 2>/dev/null || fail "the indexer stopped"

step "3. reconcile"
DATABASE_URL="$DB_MAIN" "$BIN" reconcile 2>"$LOGS/reconcile.err" | tee "$LOGS/reconcile.log" || fail "reconcile found differences"
grep -q "0 difference(s)" "$LOGS/reconcile.log" || fail "reconcile printed no summary"
psql_ -d depin -c "UPDATE reward_claims SET amount = amount + 1 WHERE id = (SELECT min(id) FROM reward_claims)"
if DATABASE_URL="$DB_MAIN" "$BIN" reconcile >"$LOGS/reconcile-tampered.log" 2>&1; then
  fail "reconcile passed with a tampered reward claim"
fi
grep -q "^DIFF registry rewards_minted" "$LOGS/reconcile-tampered.log" || fail "reconcile did not name the tampered total"
psql_ -d depin -c "UPDATE reward_claims SET amount = amount - 1 WHERE id = (SELECT min(id) FROM reward_claims)"
echo "   a tampered reward claim: reconcile exits non-zero and prints: $(grep '^DIFF' "$LOGS/reconcile-tampered.log")"

step "4. API against the chain"
get() { curl -fsS "$API$1"; }
stats="$(smart "$REGISTRY" '{"stats":{}}')"
providers="$(get "/providers?limit=1000" | jq '.rows | length')"
[[ "$providers" == "$(jq .providers <<<"$stats")" ]] || fail "/providers lists $providers providers, the registry $(jq .providers <<<"$stats")"
csv_lines="$(get "/providers?limit=1000&format=csv" | wc -l)"
((csv_lines == providers + 1)) || fail "/providers?format=csv has $csv_lines lines for $providers providers"
[[ "$(get "/providers?format=csv" | head -1)" == "$(get /providers | jq -r '.rows[0] | keys_unsorted | join(",")')" ]] \
  || fail "the CSV header is not the JSON rows' columns"
lease="$(jq -r '.metered[0]' < <(grep '^{' "$LOGS/activity.log" | head -1))"
paid_chain="$(smart "$ESCROW" "{\"lease\":{\"lease_id\":$lease}}" | jq -r .paid)"
paid_api="$(get "/leases/$lease/payments?limit=1000" | jq -r '[.rows[].amount | tonumber] | add // 0')"
[[ "$paid_api" == "$paid_chain" ]] || fail "lease $lease: the API's payments sum to $paid_api, the escrow's paid is $paid_chain"
# Pagination: pages of 3 give the same rows as one page.
all="$(get "/leases/$lease/payments?limit=1000" | jq -c '[.rows[].id]')"
paged="[]" after=""
while :; do
  page="$(get "/leases/$lease/payments?limit=3${after:+&after=$after}")"
  paged="$(jq -c --argjson p "$paged" '$p + [.rows[].id]' <<<"$page")"
  after="$(jq -r '.next // empty' <<<"$page")"
  [[ -n "$after" ]] || break
done
[[ "$paged" == "$all" ]] || fail "pages of 3 differ from one page"
csv_sum="$(get "/leases/$lease/payments?limit=1000&format=csv" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "amount") c = i; next } { s += $c } END { print s + 0 }')"
[[ "$csv_sum" == "$paid_chain" ]] || fail "lease $lease: the CSV payments sum to $csv_sum, not $paid_chain"
charges_api="$(get "/leases/$lease/charges?limit=1000" | jq '.rows | length')"
charges_chain="$(smart "$ESCROW" "{\"charges\":{\"lease_id\":$lease,\"limit\":100}}" | jq '.charges | length')"
((charges_api >= charges_chain)) || fail "lease $lease: $charges_api charges indexed, the escrow lists $charges_chain"
proposal="$(jq -r '.proposal' < <(grep '^{' "$LOGS/activity.log" | head -1))"
no_chain="$(smart "$DAO" "{\"proposal\":{\"proposal_id\":$proposal}}" | jq -r .tally.no)"
no_api="$(get "/proposals" | jq -r --argjson id "$proposal" '.rows[] | select(.proposal_id == $id) | .no')"
[[ "$no_api" == "$no_chain" ]] || fail "proposal $proposal: the API's no tally $no_api, the DAO's $no_chain"
stake_api="$(get "/network/stake?limit=1000" | jq -r '.rows[-1].total_stake')"
[[ "$stake_api" == "$(jq -r .total_stake <<<"$stats")" ]] || fail "/network/stake ends at $stake_api, the registry's total_stake is $(jq -r .total_stake <<<"$stats")"
total_providers="$(get "/network/providers?limit=1000" | jq -r '.rows[-1].providers')"
[[ "$total_providers" == "$(jq .providers <<<"$stats")" ]] || fail "/network/providers ends at $total_providers"
minted_chain="$(jq -r .rewards_minted <<<"$stats")"
minted_api="$(get "/network/emission" | jq -r '.rows[-1].total_minted')"
[[ "$minted_api" == "$minted_chain" ]] || fail "/network/emission ends at $minted_api, the registry minted $minted_chain"
provider2="$(get "/providers?limit=1000" | jq -r '.rows[] | select(.region == "us-east") | .provider')"
[[ -n "$provider2" ]] || fail "provider2 (us-east) is not in /providers"
get "/providers/$provider2/liveness" | jq -e '.rows | length >= 1' >/dev/null || fail "no liveness row for provider2"
get "/providers/$provider2/usage?format=csv" | head -1 | grep -q '^day,' || fail "usage CSV has no header"
units_api="$(get "/providers/$provider2/usage?limit=1000" | jq -r '[.rows[].units_charged | tonumber] | add')"
((units_api > 0)) || fail "provider2 has no usage by day"
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/providers")"
[[ "$code" == 405 ]] || fail "POST /providers answered $code, not 405"
curl -fsS -D - -o /dev/null -H "Origin: http://localhost:5180" "$API/providers" | grep -qi '^access-control-allow-origin: \*' \
  || fail "no CORS header"
code="$(curl -s -o /dev/null -w '%{http_code}' "$API/providers?limit=1001")"
[[ "$code" == 400 ]] || fail "limit 1001 answered $code, not 400"
echo "   providers $providers, lease $lease paid $paid_chain ($charges_api charges), proposal $proposal no=$no_chain, minted $minted_chain: API = chain"

stop_indexer
check_exactly_once "$DB_MAIN" "final"
rows_main="$(psql_ -d depin -c "SELECT string_agg(t || '=' || n, ' ') FROM (SELECT 'payments' t, count(*) n FROM payments UNION ALL SELECT 'charges', count(*) FROM charges UNION ALL SELECT 'liveness', count(*) FROM liveness UNION ALL SELECT 'reward_claims', count(*) FROM reward_claims UNION ALL SELECT 'votes', count(*) FROM votes) x")"
echo "   rows: $rows_main"
TIP="$(rpc_height "$DEVNET_RPC")"
step "5. catch-up from height 1 to $TIP into a database of its own"
t0="$(date +%s.%N)"
DATABASE_URL="$DB_BENCH" nice -n 19 "$BIN" run --listen off --stop-at "$TIP" 2>"$LOGS/catchup.log" || { tail -5 "$LOGS/catchup.log"; die "catch-up failed"; }
t1="$(date +%s.%N)"
rows="$(psql_ -d depin_bench -c "SELECT sum(suite_rows) FROM blocks")"
read -r secs bps rps < <(awk -v a="$t0" -v b="$t1" -v n="$TIP" -v r="$rows" 'BEGIN { s = b - a; printf "%.2f %.1f %.1f\n", s, n / s, r / s }')
echo "   CATCH-UP: $TIP blocks, $rows rows in $secs s: $bps blocks/s, $rps rows/s ($PROFILE build, nice 19, window 16; process start and migrations included)"
grep '"message":"progress"' "$LOGS/catchup.log" | tail -1 \
  | jq -r '.fields | "   CATCH-UP (the indexer'"'"'s own clock, fetch to commit): \(.blocks) blocks, \(.rows) rows in \(.seconds) s: \(.blocks_per_s) blocks/s, \(.rows_per_s) rows/s"'
check_exactly_once "$DB_BENCH" "catch-up"

step "indexer e2e passed in $((SECONDS - started)) s"
