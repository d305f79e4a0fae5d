# shellcheck shell=bash
# The agent e2e's helpers (sourced by scripts/agent.sh e2e): chain queries, waiting,
# transactions from the devnet keyring, the agent's process, leases, assertions, steps.

# ---------------------------------------------------------------- e2e helpers
AGENT_PID=""
E2E_OK=0
# The step running (prepare, setup, a fault, end): every failure names it.
STEP=prepare
cleanup() {
  local rc=$?
  if [[ -n "$AGENT_PID" ]] && kill -0 "$AGENT_PID" 2>/dev/null; then
    kill -TERM "$AGENT_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$AGENT_PID" 2>/dev/null || true
  fi
  for pid in "${ORACLE_PID:-}" "${AGENT_B_PID:-}" "${FLEET_PID:-}"; do
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  "$ROOT/scripts/devnet.sh" stop >/dev/null 2>&1 || true
  if ((rc != 0 || !E2E_OK)); then
    echo "agent e2e FAILED in step '$STEP'; the agent's log: $WORK/agent.log (last lines below), the node's: $DEVNET_DIR/node0.log" >&2
    tail -15 "$WORK/agent.log" 2>/dev/null | cut -c1-400 >&2 || true
    [[ -f "$WORK/oracle.log" ]] && { echo "the oracle's log ($WORK/oracle.log):" >&2; tail -8 "$WORK/oracle.log" | cut -c1-400 >&2; }
    [[ -f "$WORK/fleet.log" ]] && { echo "the fleet agent's log ($WORK/fleet.log):" >&2; tail -12 "$WORK/fleet.log" | cut -c1-400 >&2; }
  fi
}

fail() { die "agent e2e [$STEP]: $*"; }

wasmd_q() { "$WASMD" query "$@" --node "$RPC" -o json; }
smart() { wasmd_q wasm contract-state smart "$1" "$2" | jq -c .data; }
lease() { smart "$ESCROW" "{\"lease\":{\"lease_id\":$1}}"; }
lease_field() { lease "$1" | jq -r ".$2"; }
provider_record() { smart "$REGISTRY" "{\"provider\":{\"address\":\"$PROVIDER\"}}"; }
heartbeats() { provider_record | jq -r .reputation.heartbeats; }
balance() { wasmd_q bank balance "$1" "$2" | jq -r .balance.amount; }
metric() { curl -fsS --max-time 2 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

# Waits until a shell condition holds (seconds).
wait_for() {
  local what=$1 timeout=$2 cond=$3 start=$SECONDS
  until eval "$cond"; do
    ((SECONDS - start < timeout)) || fail "$what: not true after ${timeout} s ($cond)"
    sleep 1
  done
  echo "    ok: $what ($((SECONDS - start)) s)"
}

# A transaction from a devnet keyring account, waited for, code 0 required.
ktx() {
  local from=$1 out hash code
  shift
  out="$("$WASMD" tx "$@" --from "$from" --home "$DEVNET_HOME" --keyring-backend test --chain-id "$CHAIN_ID" \
    --node "$RPC" --gas auto --gas-adjustment 1.5 --gas-prices "$DEVNET_GAS_PRICE" -y -o json 2>"$WORK/ktx.err")" \
    || fail "wasmd tx $* from $from: $(tail -3 "$WORK/ktx.err")"
  hash="$(jq -r .txhash <<<"$out")"
  [[ "$(jq -r .code <<<"$out")" == 0 ]] || fail "wasmd tx $* refused: $(jq -r .raw_log <<<"$out")"
  for _ in $(seq 1 60); do
    if out="$(wasmd_q tx "$hash" 2>/dev/null)" && code="$(jq -r .code <<<"$out")" && [[ -n "$code" ]]; then
      [[ "$code" == 0 ]] || fail "wasmd tx $* failed in its block (code $code)"
      LAST_GAS="$(jq -r .gas_used <<<"$out")"
      return 0
    fi
    sleep 0.5
  done
  fail "wasmd tx $* ($hash) not included"
}

declare -A RECORDED=()
# Usage the provider's service delivered: appended to the agent's usage file.
deliver() {
  echo "{\"lease_id\":$1,\"units\":\"$2\"}" >>"$WORK/usage.jsonl"
  RECORDED[$1]=$((${RECORDED[$1]:-0} + $2))
}

start_agent() {
  "$BIN/depin-provider" run -c "$WORK/agent.toml" >>"$WORK/agent.log" 2>&1 &
  AGENT_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS --max-time 1 "http://127.0.0.1:$AGENT_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || fail "the agent exited at start-up"
    sleep 0.2
  done
  fail "the agent does not answer on 127.0.0.1:$AGENT_PORT"
}

agent_alive() { kill -0 "$AGENT_PID" 2>/dev/null || fail "the agent is not running"; }

consumer() { "$BIN/depin-consumer" --rpc "$RPC" --chain-id "$CHAIN_ID" --escrow "$ESCROW" "$@"; }

open_lease() { # <consumer> <billing> <deposit> [state file]
  local args=(open --mnemonic-file "$WORK/$1.mnemonic" --provider "$PROVIDER" --billing "$2" --deposit "$3")
  [[ -n "${4:-}" ]] && args+=(--state "$4")
  consumer "${args[@]}" | jq -r .lease_id
}

sign_receipt() { consumer sign --state "$WORK/receipts.json" --units "$1" --post "http://127.0.0.1:$AGENT_PORT" >/dev/null; }

mnemonic_of() { node -e 'console.log(require(process.argv[1]).accounts.find((a) => a.name === process.argv[2]).mnemonic)' "$DEVNET_ACCOUNTS" "$1"; }

# The lease is closed and paid exactly for `units` at `price` per unit, the rest refunded.
assert_paid() { # <lease> <units> <price>
  local l
  l="$(lease "$1")"
  [[ "$(jq -r .state <<<"$l")" == closed ]] || fail "lease $1 is $(jq -r .state <<<"$l"), not closed"
  [[ "$(jq -r .units <<<"$l")" == "$2" ]] || fail "lease $1 billed $(jq -r .units <<<"$l") units; the source recorded $2"
  local paid=$(($2 * $3)) deposited refunded
  [[ "$(jq -r .paid <<<"$l")" == "$paid" ]] || fail "lease $1 paid $(jq -r .paid <<<"$l"), expected $paid"
  deposited="$(jq -r .deposited <<<"$l")"
  refunded="$(jq -r .refunded <<<"$l")"
  ((refunded == deposited - paid)) || fail "lease $1 refunded $refunded of $deposited with $paid paid"
  [[ "$(jq -r .reserved <<<"$l")" == 0 ]] || fail "lease $1 still reserves $(jq -r .reserved <<<"$l")"
  echo "    ok: lease $1 closed, $2 units paid $paid, $refunded refunded"
}

# Stops the node (SIGTERM: a clean stop, as an operator's restart), waits, starts it again.
restart_node() {
  local pid
  pid="$(cat "$DEVNET_DIR/node0.pid")"
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  echo "    node stopped (pid $pid)"
  sleep "${1:-6}"
  scripts/devnet.sh restart 0 >/dev/null || fail "the node did not start again"
  wait_for "the node produces blocks again" 60 '[[ -n "$(rpc_height "$RPC")" ]]'
}

# Runs one step of the scenario under its name: a failure inside names it.
run_step() { # <name> <what it does> <function>
  local started=$SECONDS
  STEP=$1
  step "$1: $2"
  "$3"
  echo "    step $1 passed ($((SECONDS - started)) s)"
}


# A config beside agent.toml (same hot key) with other ports; sed expressions edit it.
config_copy() { # <file> [sed expressions...]
  local file=$1
  shift
  sed -e "s/^listen = .*/listen = \"127.0.0.1:$((AGENT_PORT + 2))\"/" \
    -e "s/^metrics = .*/metrics = \"127.0.0.1:$((METRICS_PORT + 2))\"/" "$@" "$WORK/agent.toml" >"$WORK/$file"
}

# Runs `depin-provider run` on another config that must refuse to start: prints its output.
refused_run() { # <config> <what>
  local out rc=0
  out="$(timeout 20 "$BIN/depin-provider" run -c "$WORK/$1" 2>&1)" || rc=$?
  ((rc != 0 && rc != 124)) || fail "$2 was not refused (exit $rc): $(tail -3 <<<"$out")"
  echo "$out"
}

# Lease $M1 billed exactly what the usage file recorded, still after a few seconds.
assert_m1_exact() {
  wait_for "lease $M1 billed exactly ${RECORDED[$M1]} units" 40 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  sleep 4
  [[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]] || fail "lease $M1 billed $(lease_field "$M1" units) > ${RECORDED[$M1]}"
}

stop_agent() {
  kill -TERM "$AGENT_PID"
  for _ in $(seq 1 150); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$AGENT_PID" 2>/dev/null && fail "the agent did not stop within 30 s of SIGTERM"
  AGENT_PID=""
}
