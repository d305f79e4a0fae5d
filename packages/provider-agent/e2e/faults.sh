# shellcheck shell=bash
# The agent e2e's faults (sourced by scripts/agent.sh e2e), one function per fault,
# each followed by exact on-chain accounting.

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
  # The one-shot subcommands refuse it too, before signing.
  out="$("$BIN/depin-provider" heartbeat -c "$WORK/wrong.toml" 2>&1)" && fail "heartbeat signed for a wrong chain id"
  grep -q "chain wrong-chain-1 but the node at" <<<"$out" || fail "heartbeat with a wrong chain id: $out"
  echo "    ok: refused: $(grep -o 'the config names chain .* is on chain [^:]*' <<<"$out" | head -1)"
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
