#!/usr/bin/env bash
# A real multi-validator network on one machine: four wasmd validators (one
# process each) bound to 127.0.0.1 and peered with each other, 1 s blocks, a
# 100,000,000 block gas limit, a 20 s x/gov voting period (10 s expedited) and
# the funded test accounts of scripts/devnet-accounts.json (the devnet's
# public mnemonics: local use only), so scripts/deploy.sh --network localnet
# and the e2e tests work against node 0 as they do against the devnet.
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
# The genesis is built by hand (init, gentx per node, collect-gentxs) rather
# than with `wasmd testnet init-files`, which generates its own accounts, uses
# the `stake` denom and addresses meant for one IP per node.
#
# Environment: LOCALNET_DIR (default $ROOT/.tools/localnet), LOCALNET_CHAIN_ID (localnet),
# LOCALNET_PORT_BASE (56656): node i listens on base+10i (P2P), +1 (RPC), +2 (gRPC),
# +3 (REST), +4 (pprof), i.e. RPC 56657, 56667, 56677, 56687 (clear of the devnets'
# 26657, 36657, 37657, 47657 and the dApp's 5180, 35180, 35280, 47180);
# LOCALNET_BLOCK_TIME (timeout_commit, default 1s), LOCALNET_DAPP_PORT (5190, used by
# scripts/deploy.sh --network localnet). Node i logs to $LOCALNET_DIR/node<i>.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOCALNET_DIR="${LOCALNET_DIR:-$ROOT/.tools/localnet}"
CHAIN_ID="${LOCALNET_CHAIN_ID:-localnet}"
PORT_BASE="${LOCALNET_PORT_BASE:-56656}"
BLOCK_TIME="${LOCALNET_BLOCK_TIME:-1s}"
NODES=4
STAKE_DENOM="ustake"
ACCOUNTS="$ROOT/scripts/devnet-accounts.json"
GAS_PRICE="0.025$STAKE_DENOM"
# Each validator's self-delegation (equal voting power) and its own account's coins.
GENTX_AMOUNT="100000000000$STAKE_DENOM"
VALIDATOR_COINS="1000000000000$STAKE_DENOM"
BLOCK_MAX_GAS=100000000
VOTING_PERIOD="20s"
EXPEDITED_VOTING_PERIOD="10s"

p2p_port() { echo $((PORT_BASE + 10 * $1)); }
rpc_port() { echo $((PORT_BASE + 10 * $1 + 1)); }
grpc_port() { echo $((PORT_BASE + 10 * $1 + 2)); }
api_port() { echo $((PORT_BASE + 10 * $1 + 3)); }
pprof_port() { echo $((PORT_BASE + 10 * $1 + 4)); }
home_of() { echo "$LOCALNET_DIR/node$1"; }
pid_file() { echo "$LOCALNET_DIR/node$1.pid"; }
log_file() { echo "$LOCALNET_DIR/node$1.log"; }
rpc_url() { echo "http://127.0.0.1:$(rpc_port "$1")"; }

running_pid() {
  local file
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  local pid
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == wasmd* ]] || return 1
  echo "$pid"
}

height() { rpc_height "$(rpc_url "$1")"; }

cmd_stop() {
  # The dApp server scripts/deploy.sh --network localnet started (its pid file is in $LOCALNET_DIR).
  DEVNET_DIR="$LOCALNET_DIR" "$ROOT/scripts/dapp.sh" stop || true
  local i pid stopped=()
  for ((i = 0; i < NODES; i++)); do
    if pid="$(running_pid "$i")"; then
      kill "$pid"
      stopped+=("$i:$pid")
    fi
  done
  for entry in "${stopped[@]}"; do
    pid="${entry#*:}"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < NODES; i++)); do rm -f "$(pid_file "$i")"; done
  if ((${#stopped[@]})); then
    step "localnet stopped (node:pid ${stopped[*]})"
  else
    step "localnet not running"
  fi
}

# Starts validator $2 with wasmd $1 on its home (appending to its log).
start_node() {
  nohup "$1" start --home "$(home_of "$2")" --log_no_color >>"$(log_file "$2")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$2")"
}

node_index() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (($1 < NODES)) || die "a validator index from 0 to $((NODES - 1)) is needed, not '${1:-}'"
}

cmd_kill() {
  node_index "${1:-}"
  local pid
  pid="$(running_pid "$1")" || die "validator $1 is not running"
  kill -9 "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  step "validator $1 killed (SIGKILL, pid $pid)"
}

cmd_restart() {
  node_index "${1:-}"
  running_pid "$1" >/dev/null && die "validator $1 is running"
  [[ -f "$(home_of "$1")/config/genesis.json" ]] || die "validator $1 has no home in ${LOCALNET_DIR#"$ROOT"/} (scripts/localnet.sh start first)"
  local wasmd
  wasmd="$("$ROOT/scripts/wasmd.sh")" || die "cannot find wasmd (scripts/wasmd.sh)"
  start_node "$wasmd" "$1"
  for _ in $(seq 1 120); do
    running_pid "$1" >/dev/null || { tail -20 "$(log_file "$1")" >&2; die "validator $1 exited during restart (its log above)"; }
    height "$1" >/dev/null 2>&1 && { step "validator $1 restarted (pid $(running_pid "$1")), RPC $(rpc_url "$1") answers"; return 0; }
    sleep 0.5
  done
  die "validator $1's RPC did not answer within 60 s of its restart"
}

# Waits for a transaction (hash $1) in a block through node 0; fails unless it succeeded.
wait_tx() {
  local hash="$1" result
  for _ in $(seq 1 60); do
    if result="$(curl -sf "$(rpc_url 0)/tx?hash=0x$hash" 2>/dev/null)"; then
      node -e '
        const r = JSON.parse(process.argv[1]).result.tx_result;
        if (r.code !== 0) { console.error(`code ${r.code}: ${r.log}`); process.exit(1); }
      ' "$result" || return 1
      return 0
    fi
    sleep 0.5
  done
  echo "not in a block within 30 s" >&2
  return 1
}

# Sends a transaction with `wasmd tx ...` (arguments), signed by key $1 of validator $2's home, through node 0.
send_tx() {
  local wasmd key="$1" home
  home="$(home_of "$2")"
  shift 2
  wasmd="$("$ROOT/scripts/wasmd.sh")" || die "cannot find wasmd (scripts/wasmd.sh)"
  local out hash err="$LOCALNET_DIR/tx.err"
  # stdout is the JSON result; stderr has the gas estimate and errors.
  out="$("$wasmd" tx "$@" --from "$key" --home "$home" --keyring-backend test --chain-id "$CHAIN_ID" \
    --node "$(rpc_url 0)" --gas auto --gas-adjustment 2 --gas-prices "$GAS_PRICE" -y -o json 2>"$err")" \
    || { cat "$err" >&2; return 1; }
  hash="$(node -e 'const o = JSON.parse(process.argv[1]); if (o.code) { console.error(o.raw_log); process.exit(1); } console.log(o.txhash)' "$out")" \
    || { echo "$out" >&2; return 1; }
  wait_tx "$hash"
}

cmd_pin() {
  (($#)) || die "usage: scripts/localnet.sh pin <code id>..."
  local id
  for id in "$@"; do [[ "$id" =~ ^[0-9]+$ ]] || die "code ids are numbers, not '$id'"; done
  cmd_status >/dev/null || die "the localnet is not fully running (scripts/localnet.sh status)"
  local wasmd rest gov deposit file
  wasmd="$("$ROOT/scripts/wasmd.sh")" || die "cannot find wasmd (scripts/wasmd.sh)"
  rest="http://127.0.0.1:$(api_port 0)"
  gov="$(curl -sf "$rest/cosmos/auth/v1beta1/module_accounts/gov" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).account.base_account.address))')" \
    || die "cannot read the gov module address from $rest"
  deposit="$(curl -sf "$rest/cosmos/gov/v1/params/deposit" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const c = JSON.parse(s).params.min_deposit[0]; console.log(c.amount + c.denom); })')" \
    || die "cannot read the minimum gov deposit from $rest"
  file="$LOCALNET_DIR/pin-proposal.json"
  node -e '
    const [file, authority, deposit, ...ids] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({
      messages: [{ "@type": "/cosmwasm.wasm.v1.MsgPinCodes", authority, code_ids: ids }],
      metadata: "", deposit, title: "Pin the suite codes", summary: `Pin codes ${ids.join(", ")} in the VM cache`, expedited: false,
    }, null, 2));
  ' "$file" "$gov" "$deposit" "$@"
  send_tx validator 0 gov submit-proposal "$file" || die "the pin proposal was refused"
  local proposal
  proposal="$(curl -sf "$rest/cosmos/gov/v1/proposals?pagination.reverse=true&pagination.limit=1" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).proposals[0].id))')" \
    || die "cannot read the proposal id"
  local i
  for ((i = 0; i < NODES; i++)); do
    local key=validator
    ((i)) && key="validator$i"
    send_tx "$key" "$i" gov vote "$proposal" yes || die "validator $i could not vote on proposal $proposal"
  done
  step "pin proposal $proposal: 4 yes votes, waiting for the end of the voting period"
  local status=""
  for _ in $(seq 1 120); do
    status="$(curl -sf "$rest/cosmos/gov/v1/proposals/$proposal" | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).proposal.status))')" || status=""
    [[ "$status" == PROPOSAL_STATUS_PASSED || "$status" == PROPOSAL_STATUS_FAILED || "$status" == PROPOSAL_STATUS_REJECTED ]] && break
    sleep 1
  done
  [[ "$status" == PROPOSAL_STATUS_PASSED ]] || die "pin proposal $proposal ended as ${status:-unknown}"
  local pinned
  pinned="$(curl -sf "$rest/cosmwasm/wasm/v1/codes/pinned" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).code_ids.join(" ")))')" \
    || die "cannot list the pinned codes"
  for id in "$@"; do
    [[ " $pinned " == *" $id "* ]] || die "proposal $proposal passed but code $id is not pinned (pinned: $pinned)"
  done
  step "codes $* pinned by proposal $proposal"
}

cmd_start() {
  command -v node >/dev/null || die "node is required (localnet genesis and config)"
  command -v curl >/dev/null || die "curl is required (localnet health check)"
  [[ -f "$ACCOUNTS" ]] || die "missing $ACCOUNTS"
  local i
  for ((i = 0; i < NODES; i++)); do
    if running_pid "$i" >/dev/null; then cmd_stop; break; fi
  done
  for ((i = 0; i < NODES; i++)); do
    for port in "$(p2p_port "$i")" "$(rpc_port "$i")" "$(grpc_port "$i")" "$(api_port "$i")" "$(pprof_port "$i")"; do
      port_free "$port" || die "port 127.0.0.1:$port is in use (another node? set LOCALNET_PORT_BASE)"
    done
  done

  local wasmd start=$SECONDS
  wasmd="$("$ROOT/scripts/wasmd.sh")" || die "cannot build wasmd (scripts/wasmd.sh)"

  step "localnet: fresh genesis for $NODES validators in ${LOCALNET_DIR#"$ROOT"/} (chain id $CHAIN_ID)"
  for ((i = 0; i < NODES; i++)); do rm -rf "$(home_of "$i")"; done
  rm -rf "$LOCALNET_DIR/gentx"
  mkdir -p "$LOCALNET_DIR/gentx"
  for ((i = 0; i < NODES; i++)); do
    "$wasmd" init "node$i" --home "$(home_of "$i")" --chain-id "$CHAIN_ID" --default-denom "$STAKE_DENOM" >/dev/null 2>&1 \
      || die "wasmd init of node $i failed"
  done

  # Node 0 holds the genesis: the test accounts (its validator is the devnet's
  # `validator` account), then one generated validator key per other node.
  local W0=("$wasmd" --home "$(home_of 0)")
  import_test_accounts "$ACCOUNTS" "${W0[@]}"
  local validator_key=()
  validator_key[0]=validator
  for ((i = 1; i < NODES; i++)); do
    validator_key[i]="validator$i"
    "$wasmd" keys add "validator$i" --home "$(home_of "$i")" --keyring-backend test >/dev/null 2>&1 \
      || die "cannot create the key of validator $i"
    local address
    address="$("$wasmd" keys show "validator$i" -a --home "$(home_of "$i")" --keyring-backend test 2>/dev/null)" \
      || die "cannot read the address of validator $i"
    "${W0[@]}" genesis add-genesis-account "$address" "$VALIDATOR_COINS" >/dev/null 2>&1 \
      || die "cannot fund validator $i"
  done

  # Genesis parameters: block gas limit, short governance periods.
  local genesis="$(home_of 0)/config/genesis.json"
  node -e '
    const fs = require("fs");
    const [file, maxGas, voting, expedited] = process.argv.slice(1);
    const g = JSON.parse(fs.readFileSync(file, "utf8"));
    const params = g.consensus && g.consensus.params;
    if (!params || !params.block) throw new Error("no consensus.params.block in genesis");
    params.block.max_gas = maxGas;
    const gov = g.app_state.gov && g.app_state.gov.params;
    if (!gov || !("voting_period" in gov) || !("expedited_voting_period" in gov)) throw new Error("no gov voting periods in genesis");
    gov.voting_period = voting;
    gov.expedited_voting_period = expedited;
    gov.max_deposit_period = voting;
    fs.writeFileSync(file, JSON.stringify(g, null, 2));
  ' "$genesis" "$BLOCK_MAX_GAS" "$VOTING_PERIOD" "$EXPEDITED_VOTING_PERIOD" || die "cannot set the genesis parameters in $genesis"

  # Every node signs its gentx against the same accounts, node 0 collects them.
  local node_id=()
  for ((i = 0; i < NODES; i++)); do
    [[ $i -eq 0 ]] || cp "$genesis" "$(home_of "$i")/config/genesis.json"
    node_id[i]="$("$wasmd" comet show-node-id --home "$(home_of "$i")" 2>/dev/null)" || die "cannot read node $i's id"
    "$wasmd" genesis gentx "${validator_key[i]}" "$GENTX_AMOUNT" --home "$(home_of "$i")" --chain-id "$CHAIN_ID" \
      --keyring-backend test --moniker "node$i" --ip 127.0.0.1 --p2p-port "$(p2p_port "$i")" \
      --output-document "$LOCALNET_DIR/gentx/node$i.json" >/dev/null 2>&1 \
      || die "wasmd genesis gentx of node $i failed"
  done
  "${W0[@]}" genesis collect-gentxs --gentx-dir "$LOCALNET_DIR/gentx" >/dev/null 2>&1 || die "wasmd genesis collect-gentxs failed"
  "${W0[@]}" genesis validate-genesis >/dev/null 2>&1 || die "the localnet genesis is invalid (wasmd genesis validate-genesis --home $(home_of 0))"

  for ((i = 0; i < NODES; i++)); do
    [[ $i -eq 0 ]] || cp "$genesis" "$(home_of "$i")/config/genesis.json"
    local peers="" j
    for ((j = 0; j < NODES; j++)); do
      [[ $j -eq $i ]] && continue
      peers+="${peers:+,}${node_id[j]}@127.0.0.1:$(p2p_port "$j")"
    done
    local config="$(home_of "$i")/config/config.toml" app="$(home_of "$i")/config/app.toml"
    toml_set "$config" "" proxy_app "\"tcp://127.0.0.1:$((PORT_BASE + 10 * i + 5))\""
    toml_set "$config" rpc laddr "\"tcp://127.0.0.1:$(rpc_port "$i")\""
    toml_set "$config" rpc pprof_laddr "\"127.0.0.1:$(pprof_port "$i")\""
    toml_set "$config" rpc cors_allowed_origins '["http://127.0.0.1:*", "http://localhost:*"]'
    toml_set "$config" p2p laddr "\"tcp://127.0.0.1:$(p2p_port "$i")\""
    toml_set "$config" p2p external_address "\"127.0.0.1:$(p2p_port "$i")\""
    toml_set "$config" p2p persistent_peers "\"$peers\""
    toml_set "$config" p2p pex false
    toml_set "$config" p2p addr_book_strict false
    toml_set "$config" p2p allow_duplicate_ip true
    toml_set "$config" consensus timeout_commit "\"$BLOCK_TIME\""
    toml_set "$config" instrumentation prometheus false
    toml_set "$app" "" minimum-gas-prices "\"$GAS_PRICE\""
    toml_set "$app" api enable true
    toml_set "$app" api address "\"tcp://127.0.0.1:$(api_port "$i")\""
    toml_set "$app" grpc address "\"127.0.0.1:$(grpc_port "$i")\""
  done

  for ((i = 0; i < NODES; i++)); do
    : >"$(log_file "$i")"
    start_node "$wasmd" "$i"
  done
  step "localnet: 4 validators starting (RPC $(rpc_port 0), $(rpc_port 1), $(rpc_port 2), $(rpc_port 3); logs ${LOCALNET_DIR#"$ROOT"/}/node<i>.log)"
  local ready=0 h
  for _ in $(seq 1 120); do
    ready=0
    for ((i = 0; i < NODES; i++)); do
      running_pid "$i" >/dev/null || { tail -20 "$(log_file "$i")" >&2; cmd_stop >/dev/null; die "node $i exited during start-up (its log above)"; }
      h="$(height "$i" || true)"
      [[ -n "$h" && "$h" -ge 2 ]] && ready=$((ready + 1))
    done
    ((ready == NODES)) && break
    sleep 0.5
  done
  ((ready == NODES)) || { cmd_status || true; cmd_stop >/dev/null; die "the localnet did not reach height 2 on every node within 60 s (see ${LOCALNET_DIR#"$ROOT"/}/node<i>.log)"; }
  step "localnet up: chain $CHAIN_ID, $NODES validators at height $(height 0), node 0 rpc $(rpc_url 0) ($((SECONDS - start)) s)"
}

cmd_status() {
  local i pid all=1
  for ((i = 0; i < NODES; i++)); do
    if pid="$(running_pid "$i")"; then
      local h
      h="$(height "$i" || true)"
      echo "node$i: running, pid $pid, rpc $(rpc_url "$i"), height ${h:-"(no answer)"}"
      [[ -n "$h" ]] || all=0
    else
      echo "node$i: not running"
      all=0
    fi
  done
  ((all))
}

cmd_env() {
  cat <<EOT
DEVNET_RPC=$(rpc_url 0)
DEVNET_REST=http://127.0.0.1:$(api_port 0)
DEVNET_DIR=$LOCALNET_DIR
DEVNET_CHAIN_ID=$CHAIN_ID
DEVNET_GAS_PRICE=$GAS_PRICE
DEVNET_HOME=$(home_of 0)
DEVNET_ACCOUNTS=$ACCOUNTS
LOCALNET_RPCS=$(rpc_url 0),$(rpc_url 1),$(rpc_url 2),$(rpc_url 3)
EOT
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  kill) cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  pin)
    shift
    cmd_pin "$@"
    ;;
  *) die "usage: scripts/localnet.sh start|stop|status|env|kill <i>|restart <i>|pin <code id>..." ;;
esac
