#!/usr/bin/env bash
# One node manager for local wasmd networks: N validators (one process each)
# on 127.0.0.1, peered with each other, with the funded test accounts of
# scripts/devnet-accounts.json (public mnemonics: local use only). Node 0's
# validator is the accounts file's `validator`; node i > 0 gets a key of its
# own. scripts/devnet.sh (one validator, fast blocks) and scripts/localnet.sh
# (four validators, 1 s blocks, a block gas limit) are its two profiles: they
# set the variables below and run it.
#
#   start          fresh network (wipes the previous one), returns once every node has blocks
#   stop           stops the nodes this script started (by their pid files) and the dApp server
#   status         every node's pid, RPC and latest height (exit 1 unless all answer)
#   env            the shell variables for clients (node 0's RPC, chain id, gas price, home, every RPC)
#   kill <i>       SIGKILLs validator i (a crash: no shutdown, its mempool is lost)
#   restart <i>    starts validator i again on its data; returns once its RPC answers
#   pin <code id>...  pins wasm codes through x/gov: a MsgPinCodes proposal from `validator`,
#                  yes votes from every validator, returns once the chain lists them as pinned
#
# Layout: node i's home is $CHAIN_DIR/node<i>, its pid file node<i>.pid, its log node<i>.log.
# The genesis is built by hand (init, gentx per node, collect-gentxs) rather than with
# `wasmd testnet init-files`, which generates its own accounts and one IP per node.
#
# Profile (environment): CHAIN_NAME (the word in messages), CHAIN_DIR, CHAIN_ID,
# CHAIN_NODES (validators), CHAIN_BLOCK_TIME (timeout_commit), CHAIN_TIMEOUT_PROPOSE,
# CHAIN_BLOCK_MAX_GAS and CHAIN_VOTING_PERIOD (empty: wasmd's defaults; the expedited
# period is half), and node 0's ports CHAIN_RPC_PORT, CHAIN_P2P_PORT, CHAIN_GRPC_PORT,
# CHAIN_API_PORT, CHAIN_PPROF_PORT (empty: off), CHAIN_ABCI_PORT; node i adds 10 × i to each.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME="${CHAIN_NAME:-chain}"
DIR="${CHAIN_DIR:?CHAIN_DIR is required (scripts/devnet.sh or scripts/localnet.sh set it)}"
CHAIN_ID="${CHAIN_ID:?CHAIN_ID is required}"
NODES="${CHAIN_NODES:-1}"
BLOCK_TIME="${CHAIN_BLOCK_TIME:-1s}"
TIMEOUT_PROPOSE="${CHAIN_TIMEOUT_PROPOSE:-}"
BLOCK_MAX_GAS="${CHAIN_BLOCK_MAX_GAS:-}"
VOTING_PERIOD="${CHAIN_VOTING_PERIOD:-}"
STAKE_DENOM="ustake"
ACCOUNTS="$ROOT/scripts/devnet-accounts.json"
# Minimum gas price the nodes accept; clients pay this.
GAS_PRICE="0.025$STAKE_DENOM"
# Each validator's self-delegation (equal voting power) and, for node i > 0, its account's coins.
GENTX_AMOUNT="100000000000$STAKE_DENOM"
VALIDATOR_COINS="1000000000000$STAKE_DENOM"
[[ "$NODES" =~ ^[1-9][0-9]?$ ]] || die "CHAIN_NODES must be a number of validators from 1 to 99, not '$NODES'"

port_of() { # <kind> <node>
  local base
  case "$1" in
    rpc) base="${CHAIN_RPC_PORT:?}" ;;
    p2p) base="${CHAIN_P2P_PORT:?}" ;;
    grpc) base="${CHAIN_GRPC_PORT:?}" ;;
    api) base="${CHAIN_API_PORT:?}" ;;
    abci) base="${CHAIN_ABCI_PORT:?}" ;;
    pprof) base="${CHAIN_PPROF_PORT:-}"; [[ -n "$base" ]] || return 0 ;;
  esac
  echo $((base + 10 * $2))
}
home_of() { echo "$DIR/node$1"; }
pid_file() { echo "$DIR/node$1.pid"; }
log_file() { echo "$DIR/node$1.log"; }
rpc_url() { echo "http://127.0.0.1:$(port_of rpc "$1")"; }
rest_url() { echo "http://127.0.0.1:$(port_of api "$1")"; }
height() { rpc_height "$(rpc_url "$1")"; }
wasmd_bin() { "$ROOT/scripts/wasmd.sh" || die "cannot build wasmd (scripts/wasmd.sh)"; }

running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  # Right after the start, the process may still be `nohup` about to exec wasmd.
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" =~ ^(wasmd|nohup) ]] || return 1
  echo "$pid"
}

node_index() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (($1 < NODES)) || die "a validator index from 0 to $((NODES - 1)) is needed, not '${1:-}'"
}

# Starts validator $2 with wasmd $1 on its home (appending to its log).
start_node() {
  nohup "$1" start --home "$(home_of "$2")" --log_no_color >>"$(log_file "$2")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$2")"
}

cmd_stop() {
  # The dApp server scripts/dapp.sh started for this network (its pid file is in the network's directory).
  DEVNET_DIR="$DIR" "$ROOT/scripts/dapp.sh" stop || true
  # The indexer and its PostgreSQL scripts/indexer.sh started beside it (their files are in the same directory).
  DEVNET_DIR="$DIR" "$ROOT/scripts/indexer.sh" stop || true
  local i pid entry stopped=()
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
    step "$NAME stopped (node:pid ${stopped[*]})"
  else
    step "$NAME not running"
  fi
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
  [[ -f "$(home_of "$1")/config/genesis.json" ]] || die "validator $1 has no home in ${DIR#"$ROOT"/} (start the $NAME first)"
  local wasmd
  wasmd="$(wasmd_bin)"
  start_node "$wasmd" "$1"
  for _ in $(seq 1 120); do
    running_pid "$1" >/dev/null || { tail -20 "$(log_file "$1")" >&2; die "validator $1 exited during restart (its log above)"; }
    height "$1" >/dev/null 2>&1 && { step "validator $1 restarted (pid $(running_pid "$1")), RPC $(rpc_url "$1") answers"; return 0; }
    sleep 0.5
  done
  die "validator $1's RPC did not answer within 60 s of its restart"
}

# Node 0 holds the genesis: the test accounts (its validator is `validator`),
# then one generated, funded validator key per other node.
genesis_accounts() { # <wasmd>
  local wasmd="$1" i address
  import_test_accounts "$ACCOUNTS" "$wasmd" --home "$(home_of 0)"
  for ((i = 1; i < NODES; i++)); do
    "$wasmd" keys add "validator$i" --home "$(home_of "$i")" --keyring-backend test >/dev/null 2>&1 \
      || die "cannot create the key of validator $i"
    address="$("$wasmd" keys show "validator$i" -a --home "$(home_of "$i")" --keyring-backend test 2>/dev/null)" \
      || die "cannot read the address of validator $i"
    "$wasmd" genesis add-genesis-account "$address" "$VALIDATOR_COINS" --home "$(home_of 0)" >/dev/null 2>&1 \
      || die "cannot fund validator $i"
  done
}

# The profile's block gas limit and governance periods, if it sets them.
genesis_params() { # <genesis file>
  [[ -n "$BLOCK_MAX_GAS$VOTING_PERIOD" ]] || return 0
  node -e '
    const fs = require("fs");
    const [file, maxGas, voting] = process.argv.slice(1);
    const g = JSON.parse(fs.readFileSync(file, "utf8"));
    if (maxGas) {
      const params = g.consensus && g.consensus.params;
      if (!params || !params.block) throw new Error("no consensus.params.block in genesis");
      params.block.max_gas = maxGas;
    }
    if (voting) {
      const gov = g.app_state.gov && g.app_state.gov.params;
      if (!gov || !("voting_period" in gov) || !("expedited_voting_period" in gov)) throw new Error("no gov voting periods in genesis");
      const seconds = Number(voting.replace(/s$/, ""));
      gov.voting_period = `${seconds}s`;
      gov.expedited_voting_period = `${Math.max(1, Math.floor(seconds / 2))}s`;
      gov.max_deposit_period = `${seconds}s`;
    }
    fs.writeFileSync(file, JSON.stringify(g, null, 2));
  ' "$1" "$BLOCK_MAX_GAS" "$VOTING_PERIOD" || die "cannot set the genesis parameters in $1"
}

# Every node signs its gentx against the same accounts; node 0 collects them,
# and every node gets the final genesis. Prints the node ids, one per line.
genesis_validators() { # <wasmd>
  local wasmd="$1" genesis i key
  genesis="$(home_of 0)/config/genesis.json"
  rm -rf "$DIR/gentx"
  mkdir -p "$DIR/gentx"
  for ((i = 0; i < NODES; i++)); do
    [[ $i -eq 0 ]] || cp "$genesis" "$(home_of "$i")/config/genesis.json"
    key=validator
    ((i)) && key="validator$i"
    "$wasmd" comet show-node-id --home "$(home_of "$i")" 2>/dev/null || die "cannot read node $i's id"
    "$wasmd" genesis gentx "$key" "$GENTX_AMOUNT" --home "$(home_of "$i")" --chain-id "$CHAIN_ID" \
      --keyring-backend test --moniker "node$i" --ip 127.0.0.1 --p2p-port "$(port_of p2p "$i")" \
      --output-document "$DIR/gentx/node$i.json" >/dev/null 2>&1 \
      || die "wasmd genesis gentx of node $i failed"
  done
  "$wasmd" genesis collect-gentxs --home "$(home_of 0)" --gentx-dir "$DIR/gentx" >/dev/null 2>&1 \
    || die "wasmd genesis collect-gentxs failed"
  "$wasmd" genesis validate-genesis --home "$(home_of 0)" >/dev/null 2>&1 \
    || die "the $NAME genesis is invalid (wasmd genesis validate-genesis --home $(home_of 0))"
  for ((i = 1; i < NODES; i++)); do cp "$genesis" "$(home_of "$i")/config/genesis.json"; done
}

# Node i's config: everything on 127.0.0.1, peered with the others, no discovery.
configure_node() { # <i> <peers>
  local i="$1" peers="$2" config app pprof
  config="$(home_of "$i")/config/config.toml" app="$(home_of "$i")/config/app.toml"
  pprof="$(port_of pprof "$i")"
  toml_set "$config" "" proxy_app "\"tcp://127.0.0.1:$(port_of abci "$i")\""
  toml_set "$config" rpc laddr "\"tcp://127.0.0.1:$(port_of rpc "$i")\""
  toml_set "$config" rpc pprof_laddr "\"${pprof:+127.0.0.1:$pprof}\""
  # Browsers may call the RPC only from pages served on loopback (the dApp, scripts/dapp.sh).
  toml_set "$config" rpc cors_allowed_origins '["http://127.0.0.1:*", "http://localhost:*"]'
  toml_set "$config" p2p laddr "\"tcp://127.0.0.1:$(port_of p2p "$i")\""
  toml_set "$config" p2p external_address "\"127.0.0.1:$(port_of p2p "$i")\""
  toml_set "$config" p2p persistent_peers "\"$peers\""
  toml_set "$config" p2p pex false
  toml_set "$config" p2p addr_book_strict false
  toml_set "$config" p2p allow_duplicate_ip true
  toml_set "$config" consensus timeout_commit "\"$BLOCK_TIME\""
  [[ -z "$TIMEOUT_PROPOSE" ]] || toml_set "$config" consensus timeout_propose "\"$TIMEOUT_PROPOSE\""
  toml_set "$config" instrumentation prometheus false
  toml_set "$app" "" minimum-gas-prices "\"$GAS_PRICE\""
  toml_set "$app" api enable true
  toml_set "$app" api address "\"tcp://127.0.0.1:$(port_of api "$i")\""
  toml_set "$app" grpc address "\"127.0.0.1:$(port_of grpc "$i")\""
}

# Returns once every node is past height 2; stops the network and fails otherwise.
wait_until_up() {
  local ready=0 h i
  for _ in $(seq 1 300); do
    ready=0
    for ((i = 0; i < NODES; i++)); do
      running_pid "$i" >/dev/null || { tail -20 "$(log_file "$i")" >&2; cmd_stop >/dev/null; die "node $i exited during start-up (its log above)"; }
      h="$(height "$i" || true)"
      [[ -n "$h" && "$h" -ge 2 ]] && ready=$((ready + 1))
    done
    ((ready == NODES)) && return 0
    sleep 0.2
  done
  cmd_status || true
  cmd_stop >/dev/null
  die "the $NAME did not reach height 2 on every node within 60 s (see ${DIR#"$ROOT"/}/node<i>.log)"
}

cmd_start() {
  command -v node >/dev/null || die "node is required ($NAME genesis and config)"
  command -v curl >/dev/null || die "curl is required ($NAME health check)"
  [[ -f "$ACCOUNTS" ]] || die "missing $ACCOUNTS"
  local i j kind port
  for ((i = 0; i < NODES; i++)); do
    if running_pid "$i" >/dev/null; then cmd_stop; break; fi
  done
  for ((i = 0; i < NODES; i++)); do
    for kind in p2p rpc grpc api pprof; do
      port="$(port_of "$kind" "$i")"
      [[ -z "$port" ]] || port_free "$port" || die "port 127.0.0.1:$port is in use (another node? see the ports in scripts/$NAME.sh)"
    done
  done

  local wasmd start=$SECONDS
  wasmd="$(wasmd_bin)"
  step "$NAME: fresh genesis for $NODES validator(s) in ${DIR#"$ROOT"/} (chain id $CHAIN_ID)"
  mkdir -p "$DIR"
  for ((i = 0; i < NODES; i++)); do
    rm -rf "$(home_of "$i")"
    "$wasmd" init "node$i" --home "$(home_of "$i")" --chain-id "$CHAIN_ID" --default-denom "$STAKE_DENOM" >/dev/null 2>&1 \
      || die "wasmd init of node $i failed"
  done
  genesis_accounts "$wasmd"
  genesis_params "$(home_of 0)/config/genesis.json"
  local node_ids=()
  mapfile -t node_ids < <(genesis_validators "$wasmd")
  ((${#node_ids[@]} == NODES)) || die "the $NAME genesis could not be built"
  for ((i = 0; i < NODES; i++)); do
    local peers=""
    for ((j = 0; j < NODES; j++)); do
      ((j == i)) || peers+="${peers:+,}${node_ids[j]}@127.0.0.1:$(port_of p2p "$j")"
    done
    configure_node "$i" "$peers"
  done

  for ((i = 0; i < NODES; i++)); do
    : >"$(log_file "$i")"
    start_node "$wasmd" "$i"
  done
  step "$NAME: $NODES validator(s) starting (node 0's RPC $(rpc_url 0); logs ${DIR#"$ROOT"/}/node<i>.log)"
  wait_until_up
  step "$NAME up: chain $CHAIN_ID, $NODES validator(s) at height $(height 0), node 0 rpc $(rpc_url 0) ($((SECONDS - start)) s)"
}

cmd_status() {
  local i pid h all=1
  for ((i = 0; i < NODES; i++)); do
    if pid="$(running_pid "$i")"; then
      h="$(height "$i" || true)"
      echo "node$i: running, pid $pid, chain $CHAIN_ID, rpc $(rpc_url "$i"), height ${h:-"(no answer)"}"
      [[ -n "$h" ]] || all=0
    else
      echo "node$i: not running"
      all=0
    fi
  done
  ((all))
}

cmd_env() {
  local i rpcs=""
  for ((i = 0; i < NODES; i++)); do rpcs+="${rpcs:+,}$(rpc_url "$i")"; done
  cat <<EOT
DEVNET_RPC=$(rpc_url 0)
DEVNET_REST=$(rest_url 0)
DEVNET_DIR=$DIR
DEVNET_CHAIN_ID=$CHAIN_ID
DEVNET_GAS_PRICE=$GAS_PRICE
DEVNET_HOME=$(home_of 0)
DEVNET_ACCOUNTS=$ACCOUNTS
LOCALNET_RPCS=$rpcs
EOT
}

# A transaction `wasmd tx <args>` signed by key $1 of validator $2's home, sent
# through node 0 and waited for; fails unless it succeeded.
send_tx() {
  local key="$1" home wasmd out hash err="$DIR/tx.err"
  home="$(home_of "$2")"
  shift 2
  wasmd="$(wasmd_bin)"
  # stdout is the JSON result; stderr has the gas estimate and errors.
  out="$("$wasmd" tx "$@" --from "$key" --home "$home" --keyring-backend test --chain-id "$CHAIN_ID" \
    --node "$(rpc_url 0)" --gas auto --gas-adjustment 2 --gas-prices "$GAS_PRICE" -y -o json 2>"$err")" \
    || { cat "$err" >&2; return 1; }
  hash="$(node -e 'const o = JSON.parse(process.argv[1]); if (o.code) { console.error(o.raw_log); process.exit(1); } console.log(o.txhash)' "$out")" \
    || { echo "$out" >&2; return 1; }
  wait_tx "$hash"
}

# Waits for a transaction (hash $1) in a block through node 0; fails unless it succeeded.
wait_tx() {
  local result
  for _ in $(seq 1 60); do
    if result="$(curl -sf "$(rpc_url 0)/tx?hash=0x$1" 2>/dev/null)"; then
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

# A field of node 0's REST answer at path $1, read by the JavaScript expression $2 over `r`.
rest_field() {
  curl -sf "$(rest_url 0)$1" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const r = JSON.parse(s); console.log(eval(process.argv[1])); })' "$2"
}

cmd_pin() {
  (($#)) || die "usage: scripts/$NAME.sh pin <code id>..."
  local id i key gov deposit file proposal status="" pinned
  for id in "$@"; do [[ "$id" =~ ^[0-9]+$ ]] || die "code ids are numbers, not '$id'"; done
  cmd_status >/dev/null || die "the $NAME is not fully running (scripts/$NAME.sh status)"
  gov="$(rest_field /cosmos/auth/v1beta1/module_accounts/gov 'r.account.base_account.address')" \
    || die "cannot read the gov module address from $(rest_url 0)"
  deposit="$(rest_field /cosmos/gov/v1/params/deposit 'r.params.min_deposit[0].amount + r.params.min_deposit[0].denom')" \
    || die "cannot read the minimum gov deposit from $(rest_url 0)"
  file="$DIR/pin-proposal.json"
  node -e '
    const [file, authority, deposit, ...ids] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({
      messages: [{ "@type": "/cosmwasm.wasm.v1.MsgPinCodes", authority, code_ids: ids }],
      metadata: "", deposit, title: "Pin the suite codes", summary: `Pin codes ${ids.join(", ")} in the VM cache`, expedited: false,
    }, null, 2));
  ' "$file" "$gov" "$deposit" "$@"
  send_tx validator 0 gov submit-proposal "$file" || die "the pin proposal was refused"
  proposal="$(rest_field '/cosmos/gov/v1/proposals?pagination.reverse=true&pagination.limit=1' 'r.proposals[0].id')" \
    || die "cannot read the proposal id"
  for ((i = 0; i < NODES; i++)); do
    key=validator
    ((i)) && key="validator$i"
    send_tx "$key" "$i" gov vote "$proposal" yes || die "validator $i could not vote on proposal $proposal"
  done
  step "pin proposal $proposal: $NODES yes vote(s), waiting for the end of the voting period"
  for _ in $(seq 1 120); do
    status="$(rest_field "/cosmos/gov/v1/proposals/$proposal" 'r.proposal.status')" || status=""
    [[ "$status" == PROPOSAL_STATUS_PASSED || "$status" == PROPOSAL_STATUS_FAILED || "$status" == PROPOSAL_STATUS_REJECTED ]] && break
    sleep 1
  done
  [[ "$status" == PROPOSAL_STATUS_PASSED ]] || die "pin proposal $proposal ended as ${status:-unknown}"
  pinned="$(rest_field /cosmwasm/wasm/v1/codes/pinned 'r.code_ids.join(" ")')" || die "cannot list the pinned codes"
  for id in "$@"; do
    [[ " $pinned " == *" $id "* ]] || die "proposal $proposal passed but code $id is not pinned (pinned: $pinned)"
  done
  step "codes $* pinned by proposal $proposal"
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
  *) die "usage: scripts/$NAME.sh start|stop|status|env|kill <i>|restart <i>|pin <code id>..." ;;
esac
