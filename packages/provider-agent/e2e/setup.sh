# shellcheck shell=bash
# The agent e2e's setup and closing steps (sourced by scripts/agent.sh e2e): prepare,
# setup-grants (the README's grant commands run as written), setup-leases, end, sigterm.

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
  # The endpoint oracles challenge (POST /liveness): the agent's own API here.
  sed -i -e "s|^endpoint = .*|endpoint = \"http://127.0.0.1:$AGENT_PORT\"|" -e 's|^region = .*|region = "eu-west"|' "$WORK/agent.toml"
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

e2e_sigterm() {
  kill -TERM "$AGENT_PID"
  for _ in $(seq 1 150); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$AGENT_PID" 2>/dev/null && fail "the agent did not stop within 30 s of SIGTERM"
  grep -q '"agent stopped; state saved"' "$WORK/agent.log" || fail "no clean stop in the agent's log"
  AGENT_PID=""
  stop_pid "$ORACLE_PID" "the oracle"
  grep -q '"oracle stopped; state saved"' "$WORK/oracle.log" || fail "no clean stop in the oracle's log"
  ORACLE_PID=""
  if [[ -n "$AGENT_B_PID" ]]; then stop_pid "$AGENT_B_PID" "agent B"; AGENT_B_PID=""; fi
}
