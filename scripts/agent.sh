#!/usr/bin/env bash
# The provider agent (packages/provider-agent): builds it, and runs it end to
# end with faults on a fresh devnet, asserting on-chain state after each step.
#
#   scripts/agent.sh build   release build of depin-provider and depin-consumer (target/release)
#   scripts/agent.sh build --static   the same as static musl binaries, stripped, in target/agent-static
#                            (installs musl-tools and the rust target on first use)
#   scripts/agent.sh e2e     fresh devnet in .tools/devnet-agent (RPC 38657, P2P 38656, gRPC 39290,
#                            API 31517), suite deployed without the demo, agent built (debug profile:
#                            it shares the cache `cargo test --workspace` fills), then:
#                            setup  the provider authorises a hot key with the two wasmd commands of
#                                   the README (authz grant on registry + escrow, fee grant), registers;
#                                   the agent heartbeats, serves a metered lease (usage from its file),
#                                   a streaming lease and a receipts lease (receipts from depin-consumer),
#                                   settles and claims rewards and matured stake;
#                            (a) the node is stopped and restarted mid-run;
#                            (b) another process sends transactions from the agent's key;
#                            (c) the agent is killed with SIGKILL and restarted;
#                            (d) a consumer closes a lease while a report is pending;
#                            (e) the fee payer's gas balance drops below the floor, then is topped up;
#                            (f) the DAO jails the provider; the agent unjails it when allowed;
#                            (g) a second agent on the same state file is refused (the first one's pid named);
#                            (h) a config naming another chain than its node's is refused, naming both;
#                            (i) the state file is deleted: the agent bills exactly, nothing twice;
#                            end    every lease is closed and fully paid for the usage the source recorded.
#                            Each step is one function run under its name (prepare, setup-grants,
#                            setup-leases, node-restart, key-shared, sigkill, two-agents, wrong-chain,
#                            lost-state, close-while-pending,
#                            gas-floor, jail, end, sigterm); a failure names its step.
#                            The devnet and every agent process are stopped whatever happens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

export DEVNET_DIR="${AGENT_DEVNET_DIR:-$ROOT/.tools/devnet-agent}"
export DEVNET_RPC_PORT="${AGENT_RPC_PORT:-38657}" DEVNET_P2P_PORT="${AGENT_P2P_PORT:-38656}"
export DEVNET_GRPC_PORT="${AGENT_GRPC_PORT:-39290}" DEVNET_API_PORT="${AGENT_API_PORT:-31517}"
AGENT_PORT="${AGENT_PORT:-38740}"
METRICS_PORT="${AGENT_METRICS_PORT:-38741}"

cmd_build() {
  if [[ "${1:-}" == "--static" ]]; then
    cmd_build_static
    return
  fi
  step "cargo build --release -p depin-provider-agent (depin-provider, depin-consumer)"
  local start=$SECONDS
  nice cargo build --release --locked -p depin-provider-agent --bins || die "the agent build failed (see above)"
  step "built in $((SECONDS - start)) s: target/release/depin-provider ($(du -h target/release/depin-provider | cut -f1)), target/release/depin-consumer"
}

# One static binary per tool (musl, no shared library at all) for the small machines
# beside the hardware: rusqlite's bundled SQLite and ring are compiled with musl-gcc.
cmd_build_static() {
  local triple=x86_64-unknown-linux-musl out="$ROOT/target/agent-static"
  [[ "$(uname -m)" == x86_64 ]] || die "--static builds for x86_64 (this machine is $(uname -m))"
  if ! command -v musl-gcc >/dev/null; then
    step "installing musl-tools (Debian) for musl-gcc"
    if [[ $EUID -eq 0 ]]; then
      apt-get install -y musl-tools >/dev/null || die "apt-get install musl-tools failed"
    else
      sudo apt-get install -y musl-tools >/dev/null || die "musl-gcc is missing: apt-get install musl-tools"
    fi
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx "$triple"; then
    step "rustup target add $triple"
    rustup target add "$triple" >/dev/null || die "cannot install the rust target $triple"
  fi
  step "cargo build --release --target $triple -p depin-provider-agent (static)"
  local start=$SECONDS bin
  CC_x86_64_unknown_linux_musl=musl-gcc nice cargo build --release --locked --target "$triple" -p depin-provider-agent --bins \
    || die "the static agent build failed (see above)"
  mkdir -p "$out"
  for bin in depin-provider depin-consumer; do
    cp "$ROOT/target/$triple/release/$bin" "$out/$bin"
    strip "$out/$bin" 2>/dev/null || true
    if ldd "$out/$bin" 2>/dev/null | grep -q "=>"; then die "$out/$bin links shared libraries: $(ldd "$out/$bin" | tr '\n' ' ')"; fi
  done
  step "built in $((SECONDS - start)) s: ${out#"$ROOT"/}/depin-provider ($(du -h "$out/depin-provider" | cut -f1)), ${out#"$ROOT"/}/depin-consumer ($(du -h "$out/depin-consumer" | cut -f1)), statically linked"
}

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
  "$ROOT/scripts/devnet.sh" stop >/dev/null 2>&1 || true
  if ((rc != 0 || !E2E_OK)); then
    echo "agent e2e FAILED in step '$STEP'; the agent's log: $WORK/agent.log (last lines below), the node's: $DEVNET_DIR/node0.log" >&2
    tail -15 "$WORK/agent.log" 2>/dev/null | cut -c1-400 >&2 || true
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
  STEP=$1
  step "$1: $2"
  "$3"
  echo "    step $1 passed"
}

# ---------------------------------------------------------------- e2e steps
# Shared by the steps: the devnet's keyring flags, the leases and the price per unit.
KR=()
M1="" S1="" R1="" M2="" PRICE=""

e2e_prepare() {
  nice cargo build --locked -p depin-provider-agent --bins || die "the agent build failed"
  BIN="$ROOT/target/debug"
  local rebuild=0
  [[ -f artifacts/checksums.txt ]] || rebuild=1
  while read -r crate; do [[ -f "artifacts/$crate.wasm" ]] || rebuild=1; done < <(contract_crates)
  if ((!rebuild)) && [[ -n "$(find Cargo.toml Cargo.lock contracts packages/depin-interface scripts/build.sh -type f -newer artifacts/checksums.txt -print -quit)" ]]; then
    rebuild=1
  fi
  ((rebuild)) && { scripts/build.sh || die "the wasm build failed"; }
  scripts/ts-client.sh build || die "cannot build packages/ts-client"

  step "fresh devnet in ${DEVNET_DIR#"$ROOT"/}, suite deployed (no demo)"
  scripts/devnet.sh start || die "cannot start the devnet"
  eval "$(scripts/devnet.sh env)"
  export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
  node packages/ts-client/dist/scripts/deploy.js --no-demo >/dev/null || fail "the deployment failed"
  RPC="$DEVNET_RPC"
  CHAIN_ID="$DEVNET_CHAIN_ID"
  WASMD="$("$ROOT/scripts/wasmd.sh" 2>/dev/null)"
  REGISTRY="$(jq -r .addresses.providerRegistry "$DEVNET_DIR/deployment.json")"
  ESCROW="$(jq -r .addresses.billingEscrow "$DEVNET_DIR/deployment.json")"
  TOKEN="$(jq -r .addresses.rewardToken "$DEVNET_DIR/deployment.json")"
  KR=(--home "$DEVNET_HOME" --keyring-backend test --chain-id "$CHAIN_ID")
  rm -rf "$WORK" && mkdir -p "$WORK"
  for name in provider3 consumer2 consumer3 consumer4; do mnemonic_of "$name" >"$WORK/$name.mnemonic"; done
  chmod 600 "$WORK"/*.mnemonic
  PROVIDER="$("$WASMD" keys show provider3 -a --home "$DEVNET_HOME" --keyring-backend test)"
}

# The grants with wasmd's CLI: the README's own block (between "# grants:begin" and
# "# grants:end"), run as written with its variables set for the devnet and the
# provider's key imported into a keyring of the test (its mnemonic on stdin).
grant_with_wasmd() {
  local readme=packages/provider-agent/README.md
  sed -n '/^# grants:begin$/,/^# grants:end$/p' "$readme" >"$WORK/grants.sh"
  (($(wc -l <"$WORK/grants.sh") > 10)) || fail "no grants block between the markers in $readme"
  (
    cd "$WORK"
    export HOT REGISTRY ESCROW CHAIN_ID NODE="$RPC" KEYRING="--keyring-backend test --home $WORK/wasmd-keys"
    PATH="$(dirname "$WASMD"):$PATH" bash -euo pipefail "$WORK/grants.sh" <"$WORK/provider3.mnemonic" >"$WORK/grants.out" 2>&1
  ) || fail "the README's grant commands failed: $(tail -5 "$WORK/grants.out")"
  grep -Eq '^code: 0$|"code":0[,}]' "$WORK/grants.out" || fail "the README's grant transaction was refused: $(grep -E '^(code|raw_log):' "$WORK/grants.out")"
  wait_for "the authz grant covers the registry and the escrow" 20 \
    '[[ "$(wasmd_q authz grants "$PROVIDER" "$HOT" 2>/dev/null | jq -c "[.grants[0].authorization.value.grants[].contract]")" == "[\"$REGISTRY\",\"$ESCROW\"]" ]]'
  wait_for "the fee grant is in place" 20 '[[ "$(wasmd_q feegrant grant "$PROVIDER" "$HOT" 2>/dev/null | jq -r .allowance.granter)" == "$PROVIDER" ]]'
  echo "    the README's grant commands ran as written ($(grep -c . "$WORK/grants.sh") lines)"
}

e2e_setup_grants() {
  "$BIN/depin-provider" init --dir "$WORK" --rpc "$RPC" --chain-id "$CHAIN_ID" \
    --deployment "$DEVNET_DIR/deployment.json" --provider "$PROVIDER" >"$WORK/init.txt"
  HOT="$(sed -n 's/^hot key: //p' "$WORK/init.txt")"
  # init prints the grant commands with the variables of this config, no placeholder left.
  grep -q "^CHAIN_ID=$CHAIN_ID$" "$WORK/init.txt" && grep -q "^NODE=$RPC$" "$WORK/init.txt" && grep -q "^HOT=$HOT$" "$WORK/init.txt" \
    || fail "init does not print the variables of its config: $(cat "$WORK/init.txt")"
  ! grep -q '<chain-id>\|<registry>' "$WORK/init.txt" || fail "init prints placeholders: $(cat "$WORK/init.txt")"
  # register refuses the template's [service] placeholders; the operator edits them first.
  "$BIN/depin-provider" register -c "$WORK/agent.toml" --provider-mnemonic-file "$WORK/provider3.mnemonic" >"$WORK/register.out" 2>&1 \
    && fail "register accepted the template's placeholders"
  grep -q "still holds the template's placeholders (endpoint, region)" "$WORK/register.out" || fail "register: $(cat "$WORK/register.out")"
  sed -i -e 's|^endpoint = .*|endpoint = "https://provider3.example.org"|' -e 's|^region = .*|region = "eu-west"|' "$WORK/agent.toml"
  # Short periods for the test; every value is the config file's own key.
  sed -i -e 's/^heartbeat_seconds = .*/heartbeat_seconds = 4/' -e 's/^report_seconds = .*/report_seconds = 3/' \
    -e 's/^settle_threshold = .*/settle_threshold = "500"/' -e 's/^redeem_threshold = .*/redeem_threshold = "2000"/' \
    -e 's/^redeem_max_hold_seconds = .*/redeem_max_hold_seconds = 6/' -e 's/^claim_rewards_threshold = .*/claim_rewards_threshold = "2000000"/' \
    -e 's/^tick_seconds = .*/tick_seconds = 1/' -e "s/^listen = .*/listen = \"127.0.0.1:$AGENT_PORT\"/" \
    -e "s/^metrics = .*/metrics = \"127.0.0.1:$METRICS_PORT\"/" -e 's/^gas_floor = .*/gas_floor = "2000000"/' "$WORK/agent.toml"
  grant_with_wasmd
  local out
  # Not registered yet: status says what to do and creates nothing.
  out="$("$BIN/depin-provider" status -c "$WORK/agent.toml" 2>&1)" || fail "status before register failed: $out"
  grep -q 'not registered yet — run `depin-provider register' <<<"$out" || fail "status before register: $out"
  [[ ! -e "$WORK/agent.sqlite" ]] || fail "status created the state file"
  # A key file others may read is refused, the fix named (as ssh does).
  chmod 644 "$WORK/provider3.mnemonic"
  out="$("$BIN/depin-provider" register -c "$WORK/agent.toml" --provider-mnemonic-file "$WORK/provider3.mnemonic" 2>&1)" \
    && fail "register read a mnemonic file others may read"
  grep -qF "run \`chmod 600 $WORK/provider3.mnemonic\`" <<<"$out" || fail "the refusal does not name the fix: $out"
  chmod 600 "$WORK/provider3.mnemonic"
  echo "    ok: status before register, a world-readable key refused"
  "$BIN/depin-provider" register -c "$WORK/agent.toml" --provider-mnemonic-file "$WORK/provider3.mnemonic" >/dev/null 2>>"$WORK/agent.log" \
    || fail "register failed"
  [[ "$(provider_record | jq -r .status)" == active ]] || fail "the provider is not active after register"
  # A matured stake claim for the agent to collect: the cold key unbonds a little (unbonding 40 s).
  ktx provider3 wasm execute "$REGISTRY" '{"unbond":{"amount":"1000000"}}'
}

e2e_setup_leases() {
  # Gas of a heartbeat sent directly by the provider, for comparison with the agent's MsgExec.
  ktx provider3 wasm execute "$REGISTRY" '{"heartbeat":{}}'
  local direct_gas=$LAST_GAS authz_gas
  start_agent
  wait_for "heartbeats counted for the provider (sent by the hot key through authz)" 30 '(( $(heartbeats) >= 2 ))'
  # The chain may show the heartbeat before the agent has polled its result and logged it.
  wait_for "the agent logged its heartbeat" 15 "grep -q '\"message\":\"heartbeat\"' \"\$WORK/agent.log\""
  authz_gas="$(grep -m1 '"message":"heartbeat"' "$WORK/agent.log" | sed 's/.*"gas_used":\([0-9]*\).*/\1/')"
  echo "    gas of a heartbeat: $direct_gas direct from the provider, $authz_gas through MsgExec from the hot key"
  [[ "$(balance "$HOT" ustake)" == 0 ]] || fail "the hot key holds ustake: fees must come from the fee grant"

  PRICE="$(provider_record | jq -r '.prices[0].per_unit')"
  M1="$(open_lease consumer3 metered 1000000)"
  S1="$(open_lease consumer3 streaming:25 1000000)"
  R1="$(open_lease consumer4 receipts 1000000 "$WORK/receipts.json")"
  M2="$(open_lease consumer2 metered 1000000)"
  echo "    leases: metered $M1 and $M2, streaming $S1, receipts $R1 (price $PRICE per unit)"
  deliver "$M1" 120
  deliver "$M2" 15
  sign_receipt 100
  sign_receipt 250
  wait_for "metered lease $M1 billed the 120 units the file recorded" 40 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  wait_for "streaming lease $S1 accepted" 30 '[[ "$(lease_field "$S1" state)" == open ]]'
  wait_for "receipts lease $R1 redeemed to 250" 40 '[[ "$(lease_field "$R1" units)" == 250 ]]'
  wait_for "metered lease $M1 settled after its dispute window" 40 '(( $(lease_field "$M1" paid) == ${RECORDED[$M1]} * PRICE ))'
  wait_for "streaming lease $S1 settled above the threshold" 60 '(( $(lease_field "$S1" paid) > 0 ))'
  wait_for "rewards claimed (reward token balance of the provider)" 60 \
    '(( $(smart "$TOKEN" "{\"balance\":{\"address\":\"$PROVIDER\"}}" | jq -r .balance) > 0 ))'
}

# (a) The node stops and restarts mid-run.
fault_node_restart() {
  deliver "$M1" 50
  sign_receipt 300
  restart_node 6
  agent_alive
  wait_for "lease $M1 billed exactly the recorded ${RECORDED[$M1]} units" 60 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  wait_for "lease $R1 redeemed to 300" 60 '[[ "$(lease_field "$R1" units)" == 300 ]]'
  local hb
  hb="$(heartbeats)"
  wait_for "heartbeats resume after the restart" 30 '(( $(heartbeats) > hb ))'
  agent_alive
}

# (b) Another process sends transactions from the agent's key.
fault_key_shared() {
  "$BIN/depin-provider" heartbeat -c "$WORK/agent.toml" >/dev/null 2>>"$WORK/agent.log" || fail "the outside heartbeat failed"
  "$BIN/depin-provider" heartbeat -c "$WORK/agent.toml" >/dev/null 2>>"$WORK/agent.log" || fail "the outside heartbeat failed"
  deliver "$M1" 25
  wait_for "lease $M1 billed exactly ${RECORDED[$M1]} units after the sequence moved" 40 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  local hb
  hb="$(heartbeats)"
  wait_for "the agent's own heartbeats continue" 30 '(( $(heartbeats) > hb ))'
  wait_for "the agent saw and recovered from a sequence mismatch (metrics)" 20 \
    '(( $(metric "depin_agent_errors_total{class=\"sequence\"}" || echo 0) >= 1 ))'
  agent_alive
}

# (c) SIGKILL right after the agent broadcast a report, before it can see the
# result: the report is only in SQLite (hash, timeout height) and maybe in a block.
fault_sigkill() {
  local pattern='"message":"broadcast","kind":"report_usage"' before log_lines
  before="$(grep -c "$pattern" "$WORK/agent.log" || true)"
  sign_receipt 400
  deliver "$M1" 40
  for _ in $(seq 1 400); do
    (($(grep -c "$pattern" "$WORK/agent.log" || true) > before)) && break
    sleep 0.05
  done
  kill -9 "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  echo "    killed (pid $AGENT_PID) just after a report's broadcast; lease $M1 at $(lease_field "$M1" units) units, $R1 at $(lease_field "$R1" units)"
  log_lines="$(wc -l <"$WORK/agent.log")"
  start_agent
  wait_for "lease $M1 billed exactly ${RECORDED[$M1]} units (nothing twice)" 40 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  wait_for "receipt 400 held across the kill and redeemed" 40 '[[ "$(lease_field "$R1" units)" == 400 ]]'
  sleep 4
  [[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]] || fail "lease $M1 billed $(lease_field "$M1" units) > ${RECORDED[$M1]} after the restart"
  if tail -n "+$((log_lines + 1))" "$WORK/agent.log" | grep -q '"message":"resolved a recorded transaction from the chain"'; then
    echo "    the restarted agent resolved the report it had broadcast from the chain (counted once)"
  else
    echo "    the report had been resolved before the kill (the kill landed after its result)"
  fi
  agent_alive
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

# (g) A second agent on the same state file (other ports, so the port is not what stops it).
fault_two_agents() {
  config_copy agent2.toml
  deliver "$M1" 20
  local out
  out="$(refused_run agent2.toml "a second agent on the same state")"
  grep -q "another agent is running with this state (.*agent.sqlite, pid $AGENT_PID)" <<<"$out" \
    || fail "the second agent's refusal does not name the state and pid $AGENT_PID: $out"
  ! grep -q '"agent running"\|resolved a recorded' <<<"$out" || fail "the second agent ran before refusing: $out"
  echo "    ok: refused: $(grep -o 'another agent is running[^"]*' <<<"$out" | head -1)"
  assert_m1_exact
  agent_alive
}

# (h) A config naming another chain than its node's: refused before anything, naming both.
fault_wrong_chain() {
  mkdir -p "$WORK/wrong"
  config_copy wrong.toml -e 's/^chain_id = .*/chain_id = "wrong-chain-1"/' -e "s|^state = .*|state = \"wrong/agent.sqlite\"|"
  local out
  out="$(refused_run wrong.toml "a config with a wrong chain id")"
  grep -q "chain wrong-chain-1 but the node at .* is on chain $CHAIN_ID" <<<"$out" || fail "the refusal does not name both chains: $out"
  [[ ! -e "$WORK/wrong/agent.sqlite" ]] || fail "a state file was created for the wrong chain"
  echo "    ok: refused: $(grep -o 'the config names chain[^:]*' <<<"$out" | head -1)"
  deliver "$M1" 5
  assert_m1_exact
  agent_alive
}

# (i) The state file is lost: the agent stops, agent.sqlite is deleted, usage is
# delivered meanwhile, the agent starts on an empty state and reads the usage file
# from its start. The chain's reported_units is what was reported: exact accounting.
fault_lost_state() {
  deliver "$M1" 20
  assert_m1_exact
  stop_agent
  rm -f "$WORK/agent.sqlite" "$WORK/agent.sqlite-wal" "$WORK/agent.sqlite-shm"
  deliver "$M1" 15
  echo "    state deleted with lease $M1 at $(lease_field "$M1" units) units, ${RECORDED[$M1]} recorded in a usage file of $(wc -l <"$WORK/usage.jsonl") lines"
  start_agent
  assert_m1_exact
  grep -q 'the chain counts more units reported on this lease than' "$WORK/agent.log" \
    || fail "the agent did not take the chain's count of reported units after the state was lost"
  agent_alive
}

# (d) A consumer closes a lease while a report is pending.
fault_close_while_pending() {
  # 30 units pushed over HTTP, the push retried by the service: counted once.
  local push="{\"lease_id\":$M2,\"units\":\"30\",\"id\":\"m2-push-1\"}"
  curl -fsS -X POST -H 'content-type: application/json' -d "$push" "http://127.0.0.1:$AGENT_PORT/usage" >/dev/null
  curl -fsS -X POST -H 'content-type: application/json' -d "$push" "http://127.0.0.1:$AGENT_PORT/usage" >/dev/null
  RECORDED[$M2]=$((${RECORDED[$M2]} + 30))
  wait_for "lease $M2 billed the pushed usage once (${RECORDED[$M2]} units)" 30 '[[ "$(lease_field "$M2" units)" == "${RECORDED[$M2]}" ]]'
  # The agent is frozen while the service records 70 more units and the consumer closes:
  # the report is pending when the close lands.
  kill -STOP "$AGENT_PID"
  deliver "$M2" 70
  consumer close --mnemonic-file "$WORK/consumer2.mnemonic" --lease-id "$M2" >/dev/null
  [[ "$(lease_field "$M2" state)" == closing ]] || fail "lease $M2 is $(lease_field "$M2" state) after the consumer's close, not closing"
  (($(lease_field "$M2" units) + 70 == ${RECORDED[$M2]})) || fail "lease $M2 billed the pending 70 units before the close"
  kill -CONT "$AGENT_PID"
  wait_for "lease $M2's final 70 units reported inside the close grace" 30 '[[ "$(lease_field "$M2" units)" == "${RECORDED[$M2]}" ]]'
  wait_for "lease $M2 settled and closed" 60 '[[ "$(lease_field "$M2" state)" == closed ]]'
  assert_paid "$M2" "${RECORDED[$M2]}" "$PRICE"
  agent_alive
}

# (e) The fee payer's gas balance drops below the floor, then is topped up.
fault_gas_floor() {
  local bal keep=1500000 validator hb
  validator="$("$WASMD" keys show validator -a --home "$DEVNET_HOME" --keyring-backend test)"
  bal="$(balance "$PROVIDER" ustake)"
  "$WASMD" tx bank send provider3 "$validator" "$((bal - keep - 10000))ustake" --fees 10000ustake "${KR[@]}" --node "$RPC" -y -o json >/dev/null 2>&1 \
    || fail "cannot drain the provider's gas"
  wait_for "the provider holds less than the 2000000 floor" 20 '(( $(balance "$PROVIDER" ustake) < 2000000 ))'
  wait_for "the agent reports gas low and pauses" 30 '[[ "$(metric depin_agent_gas_low)" == 1 ]]'
  deliver "$M1" 10
  bal="$(balance "$PROVIDER" ustake)"
  hb="$(heartbeats)"
  sleep 10
  [[ "$(balance "$PROVIDER" ustake)" == "$bal" ]] || fail "fees were spent below the floor ($bal -> $(balance "$PROVIDER" ustake))"
  [[ "$(heartbeats)" == "$hb" ]] || fail "the agent kept sending below the floor"
  ((${RECORDED[$M1]} - $(lease_field "$M1" units) == 10)) || fail "usage was reported while paused"
  echo "    ok: nothing sent and no fee spent for 10 s below the floor"
  agent_alive
  ktx validator bank send validator "$PROVIDER" 10000000000ustake
  wait_for "the agent resumes and bills the usage recorded meanwhile" 40 '[[ "$(lease_field "$M1" units)" == "${RECORDED[$M1]}" ]]'
  wait_for "heartbeats resume" 30 '(( $(heartbeats) > hb ))'
  agent_alive
}

# (f) The DAO jails the provider for 6 s; the agent unjails it once allowed.
fault_jail() {
  local dao stake_msg slash_msg pid
  dao="$(jq -r .addresses.dao "$DEVNET_DIR/deployment.json")"
  stake_msg="$(echo -n '{"stake":{}}' | base64 -w0)"
  slash_msg="$(echo -n "{\"slash\":{\"provider\":\"$PROVIDER\",\"fraction\":\"0.01\",\"reason\":\"agent e2e\",\"jail_seconds\":6}}" | base64 -w0)"
  for member in member1 member2; do
    ktx "$member" wasm execute "$TOKEN" "{\"send\":{\"contract\":\"$dao\",\"amount\":\"100000000\",\"msg\":\"$stake_msg\"}}"
  done
  ktx member1 wasm execute "$dao" "{\"propose\":{\"title\":\"Jail provider3\",\"description\":\"agent e2e: unjail\",\"msgs\":[{\"wasm\":{\"execute\":{\"contract_addr\":\"$REGISTRY\",\"msg\":\"$slash_msg\",\"funds\":[]}}}]}}"
  pid="$(smart "$dao" '{"proposals":{"limit":100}}' | jq -r '.proposals[-1].id')"
  ktx member1 wasm execute "$dao" "{\"vote\":{\"proposal_id\":$pid,\"vote\":\"yes\"}}"
  ktx member2 wasm execute "$dao" "{\"vote\":{\"proposal_id\":$pid,\"vote\":\"yes\"}}"
  ktx member2 wasm execute "$dao" "{\"execute\":{\"proposal_id\":$pid}}"
  [[ "$(provider_record | jq -r '.status | keys[0]? // .')" == jailed ]] || fail "the provider is not jailed after proposal $pid"
  [[ "$(provider_record | jq -r .reputation.slashes)" == 1 ]] || fail "the slash was not recorded"
  echo "    jailed by proposal $pid until $(provider_record | jq -r .status.jailed.until)"
  wait_for "the agent unjailed the provider after the jail" 40 '[[ "$(provider_record | jq -r ".status | if type == \"string\" then . else keys[0] end")" == active ]]'
  # The chain shows the unjail before the agent has polled its result and logged it.
  wait_for "the unjail was the agent's (its log)" 15 "grep -q '\"message\":\"unjailed\"' \"\$WORK/agent.log\""
  agent_alive
}

e2e_end() {
  consumer close --mnemonic-file "$WORK/consumer3.mnemonic" --lease-id "$M1" >/dev/null
  consumer close --mnemonic-file "$WORK/consumer3.mnemonic" --lease-id "$S1" >/dev/null
  consumer close --mnemonic-file "$WORK/consumer4.mnemonic" --lease-id "$R1" >/dev/null
  wait_for "lease $M1 closed" 60 '[[ "$(lease_field "$M1" state)" == closed ]]'
  wait_for "lease $R1 closed" 60 '[[ "$(lease_field "$R1" state)" == closed ]]'
  assert_paid "$M1" "${RECORDED[$M1]}" "$PRICE"
  assert_paid "$R1" 400 "$PRICE"
  local s status
  s="$(lease "$S1")"
  [[ "$(jq -r .state <<<"$s")" == closed ]] || fail "streaming lease $S1 is $(jq -r .state <<<"$s")"
  (($(jq -r .paid <<<"$s") == $(jq -r .units <<<"$s") * 25)) || fail "streaming lease $S1 paid $(jq -r .paid <<<"$s") for $(jq -r .units <<<"$s") s at 25/s"
  (($(jq -r .paid <<<"$s") + $(jq -r .refunded <<<"$s") == $(jq -r .deposited <<<"$s"))) || fail "streaming lease $S1 does not add up"
  echo "    ok: streaming lease $S1 closed, $(jq -r .units <<<"$s") s paid $(jq -r .paid <<<"$s")"
  wait_for "the matured stake claim was collected by the agent" 60 \
    '[[ "$(smart "$REGISTRY" "{\"claims\":{\"address\":\"$PROVIDER\"}}" | jq ".claims | length")" == 0 ]]'
  [[ "$(provider_record | jq -r .status)" == active ]] || fail "the provider is not active at the end"
  status="$("$BIN/depin-provider" status -c "$WORK/agent.toml" 2>/dev/null)" || fail "depin-provider status failed"
  [[ "$(jq -r .registered.address <<<"$status")" == "$PROVIDER" && "$(jq -c .grants_missing <<<"$status")" == "[]" ]] \
    || fail "depin-provider status: $status"
  grep -q '"message":"authz and fee grants in place"' "$WORK/agent.log" || fail "the agent did not check its grants at start"
  echo "    ok: depin-provider status: registered, grants complete, $(jq -r .pending_transactions <<<"$status") pending transactions"
  agent_alive
}

stop_agent() {
  kill -TERM "$AGENT_PID"
  for _ in $(seq 1 150); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$AGENT_PID" 2>/dev/null && fail "the agent did not stop within 30 s of SIGTERM"
  AGENT_PID=""
}

e2e_sigterm() {
  kill -TERM "$AGENT_PID"
  for _ in $(seq 1 150); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$AGENT_PID" 2>/dev/null && fail "the agent did not stop within 30 s of SIGTERM"
  grep -q '"agent stopped; state saved"' "$WORK/agent.log" || fail "no clean stop in the agent's log"
  AGENT_PID=""
}

cmd_e2e() {
  local start=$SECONDS
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  WORK="$DEVNET_DIR/agent"
  trap cleanup EXIT
  run_step prepare "build (debug profile), artifacts, TypeScript client, devnet, deployment" e2e_prepare
  run_step setup-grants "init, the two grants (wasmd CLI, as in the README), register" e2e_setup_grants
  run_step setup-leases "run; heartbeats, a metered, a streaming and a receipts lease served, settles, rewards" e2e_setup_leases
  run_step node-restart "(a) the node stops and restarts mid-run" fault_node_restart
  run_step key-shared "(b) another process sends transactions from the agent's key" fault_key_shared
  run_step sigkill "(c) the agent is killed with SIGKILL and restarted" fault_sigkill
  run_step two-agents "(g) a second agent on the same state file is refused, naming the first one's pid" fault_two_agents
  run_step wrong-chain "(h) a config naming another chain than its node's is refused, naming both" fault_wrong_chain
  run_step lost-state "(i) the state file is deleted; the restarted agent bills exactly what the chain does not count yet" fault_lost_state
  run_step close-while-pending "(d) a consumer closes a lease while a report is pending" fault_close_while_pending
  run_step gas-floor "(e) the fee payer's gas balance drops below the floor, then is topped up" fault_gas_floor
  run_step jail "(f) the DAO jails the provider for 6 s; the agent unjails it once allowed" fault_jail
  run_step end "every lease closes fully paid; the matured stake claim was collected" e2e_end
  run_step sigterm "SIGTERM stops the agent cleanly" e2e_sigterm
  E2E_OK=1
  step "agent e2e passed in $((SECONDS - start)) s (heartbeats $(heartbeats), log $WORK/agent.log)"
}

case "${1:-}" in
  build) cmd_build "${2:-}" ;;
  e2e) cmd_e2e ;;
  *) die "usage: scripts/agent.sh build [--static] | e2e" ;;
esac
