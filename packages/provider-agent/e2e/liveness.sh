# shellcheck shell=bash
# The agent e2e's proof of service (sourced by scripts/agent.sh e2e): the oracle
# daemon granted by the registry's oracle (the devnet's arbiter account) and a second
# provider agent (provider2); one agent stopped for whole epochs (its missed epochs on
# chain); the oracle SIGKILLed mid-batch and restarted (nothing proven twice, nothing lost).

ORACLE_PID="" AGENT_B_PID="" P2="" ORACLE_PORT=$((METRICS_PORT + 6)) B_PORT=$((AGENT_PORT + 4))

record_of() { smart "$REGISTRY" "{\"provider\":{\"address\":\"$1\"}}"; }
rep() { record_of "$1" | jq -r ".reputation.$2 // -1"; }
stats() { smart "$REGISTRY" '{"stats":{}}' | jq -r ".$1"; }
oracle_metric() { curl -fsS --max-time 2 "http://127.0.0.1:$ORACLE_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

start_oracle() {
  "$BIN/depin-oracle" run -c "$WORK/oracle/oracle.toml" >>"$WORK/oracle.log" 2>&1 &
  ORACLE_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS --max-time 1 "http://127.0.0.1:$ORACLE_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$ORACLE_PID" 2>/dev/null || fail "the oracle exited at start-up: $(tail -3 "$WORK/oracle.log")"
    sleep 0.2
  done
  fail "the oracle does not answer on 127.0.0.1:$ORACLE_PORT"
}

start_agent_b() {
  "$BIN/depin-provider" run -c "$WORK/b/agent.toml" >>"$WORK/agent-b.log" 2>&1 &
  AGENT_B_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS --max-time 1 "http://127.0.0.1:$B_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$AGENT_B_PID" 2>/dev/null || fail "agent B exited at start-up: $(tail -3 "$WORK/agent-b.log")"
    sleep 0.2
  done
  fail "agent B does not answer on 127.0.0.1:$B_PORT"
}

stop_pid() { # <pid> <what>
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  fail "$2 did not stop within 30 s of SIGTERM"
}

# The oracle, granted by the arbiter (the registry's oracle) with `depin-oracle grant`.
e2e_setup_oracle() {
  local arbiter
  arbiter="$("$WASMD" keys show arbiter -a --home "$DEVNET_HOME" --keyring-backend test)"
  [[ "$(smart "$REGISTRY" '{"config":{}}' | jq -r '.oracles[0]')" == "$arbiter" ]] || fail "the registry's oracle is not the arbiter account"
  mnemonic_of arbiter >"$WORK/arbiter.mnemonic" && mnemonic_of provider2 >"$WORK/provider2.mnemonic"
  chmod 600 "$WORK/arbiter.mnemonic" "$WORK/provider2.mnemonic"
  "$BIN/depin-oracle" init --dir "$WORK/oracle" --rpc "$RPC" --chain-id "$CHAIN_ID" \
    --deployment "$DEVNET_DIR/deployment.json" --oracle "$arbiter" >"$WORK/oracle-init.txt"
  sed -i -e "s/^metrics = .*/metrics = \"127.0.0.1:$ORACLE_PORT\"/" -e 's/^timeout_ms = .*/timeout_ms = 1000/' "$WORK/oracle/oracle.toml"
  "$BIN/depin-oracle" grant -c "$WORK/oracle/oracle.toml" --oracle-mnemonic-file "$WORK/arbiter.mnemonic" >/dev/null 2>>"$WORK/oracle.log" \
    || fail "depin-oracle grant failed: $(tail -3 "$WORK/oracle.log")"
  start_oracle
  wait_for "the oracle found its grants" 15 "grep -q '\"message\":\"authz and fee grants in place\"' \"\$WORK/oracle.log\""
}

# Agent B: provider2, its own hot key (granted with `depin-provider grant`), agent key and ports.
e2e_setup_agent_b() {
  local out
  P2="$("$WASMD" keys show provider2 -a --home "$DEVNET_HOME" --keyring-backend test)"
  "$BIN/depin-provider" init --dir "$WORK/b" --rpc "$RPC" --chain-id "$CHAIN_ID" \
    --deployment "$DEVNET_DIR/deployment.json" --provider "$P2" >/dev/null
  sed -i -e "s|^endpoint = .*|endpoint = \"http://127.0.0.1:$B_PORT\"|" -e 's|^region = .*|region = "us-east"|' \
    -e 's/^heartbeat_seconds = .*/heartbeat_seconds = 4/' -e 's/^tick_seconds = .*/tick_seconds = 1/' \
    -e "s/^listen = .*/listen = \"127.0.0.1:$B_PORT\"/" -e "s/^metrics = .*/metrics = \"127.0.0.1:$((METRICS_PORT + 4))\"/" "$WORK/b/agent.toml"
  "$BIN/depin-provider" grant -c "$WORK/b/agent.toml" --provider-mnemonic-file "$WORK/provider2.mnemonic" >/dev/null 2>>"$WORK/agent-b.log" \
    || fail "depin-provider grant (agent B) failed"
  out="$("$BIN/depin-provider" register -c "$WORK/b/agent.toml" --provider-mnemonic-file "$WORK/provider2.mnemonic" 2>>"$WORK/agent-b.log")" \
    || fail "register (agent B) failed: $(tail -3 "$WORK/agent-b.log")"
  [[ "$(record_of "$P2" | jq -r .agent_pubkey)" == "$(jq -r .agent_pubkey <<<"$out")" ]] || fail "provider2's agent key is not the one register sent"
  [[ "$(stat -c %a "$WORK/b/agent.key")" == 600 ]] || fail "the agent key file is not 0600"
  start_agent_b
  wait_for "the oracle proves provider2 (agent B)" 30 '(( $(rep "$P2" proven_epochs) >= 1 ))'
  wait_for "the oracle proves provider3 (agent A)" 30 '(( $(rep "$PROVIDER" proven_epochs) >= 1 ))'
  out="$("$BIN/depin-provider" status -c "$WORK/b/agent.toml" 2>/dev/null)"
  [[ "$(jq -r .agent_key.registered <<<"$out")" == true ]] || fail "status does not show the agent key on chain: $out"
  echo "    ok: status shows the agent key on chain and liveness $(jq -c .liveness <<<"$out")"
}

# Agent B stopped for whole epochs: they are missed on chain, and counted so.
e2e_liveness() {
  wait_for "both providers proven for the previous epoch" 20 '(( $(stats proven_previous_epoch) == 2 ))'
  local missed_b proven_a proven_b stop_epoch
  missed_b="$(rep "$P2" missed_epochs)"
  proven_a="$(rep "$PROVIDER" proven_epochs)"
  proven_b="$(rep "$P2" proven_epochs)"
  stop_pid "$AGENT_B_PID" "agent B"
  AGENT_B_PID=""
  stop_epoch="$(stats current_epoch)"
  echo "    agent B stopped in epoch $stop_epoch"
  wait_for "two whole epochs pass with agent B stopped" 20 '(( $(stats current_epoch) >= stop_epoch + 3 ))'
  [[ "$(stats proven_previous_epoch)" == 1 ]] || fail "stats.proven_previous_epoch is $(stats proven_previous_epoch) with agent B stopped, not 1"
  grep -q "missed: not proven for this epoch\",\"provider\":\"$P2\"" "$WORK/oracle.log" || fail "the oracle did not log provider2 as missed"
  start_agent_b
  wait_for "agent B proven again" 20 '(( $(rep "$P2" last_proven_epoch) >= stop_epoch + 3 ))'
  wait_for "provider2's missed epochs counted on chain" 15 '(( $(rep "$P2" missed_epochs) >= missed_b + 2 ))'
  local gained_a=$(($(rep "$PROVIDER" proven_epochs) - proven_a)) gained_b=$(($(rep "$P2" proven_epochs) - proven_b))
  ((gained_b < gained_a)) || fail "provider2 gained $gained_b proven epochs, provider3 $gained_a: the stopped one must gain fewer"
  [[ "$(record_of "$P2" | jq -r .unproven_rewards)" =~ ^[0-9]+$ ]] || fail "no unproven_rewards in provider2's record"
  echo "    ok: provider2 missed $(($(rep "$P2" missed_epochs) - missed_b)) epochs (proven +$gained_b, provider3 +$gained_a); oracle metric missed: $(oracle_metric 'depin_oracle_missed_total{outcome="unreachable"}')"
}

# The oracle SIGKILLed right after a batch's broadcast, restarted: the batch is resolved
# from the chain, nothing is proven twice and no epoch is lost for a live provider.
e2e_oracle_sigkill() {
  local pattern='"message":"broadcast","kind":"prove_liveness"' before missed_a missed_b lines
  # The registry counts an epoch missed only once it is older than the previous one, when a later
  # proof settles the provider: two epochs on, with both proven in the current one, a gap of the
  # previous step (agent B stopped) is counted before the baseline (once, on a busy machine, it was not).
  local e0
  e0="$(stats current_epoch)"
  wait_for "two epochs on, both providers proven in the current one" 40 \
    '(( $(stats current_epoch) >= e0 + 2 && $(rep "$PROVIDER" last_proven_epoch) == $(stats current_epoch) && $(rep "$P2" last_proven_epoch) == $(stats current_epoch) ))'
  missed_a="$(rep "$PROVIDER" missed_epochs)"
  missed_b="$(rep "$P2" missed_epochs)"
  before="$(grep -c "$pattern" "$WORK/oracle.log" || true)"
  for _ in $(seq 1 400); do
    (($(grep -c "$pattern" "$WORK/oracle.log" || true) > before)) && break
    sleep 0.05
  done
  kill -9 "$ORACLE_PID"
  wait "$ORACLE_PID" 2>/dev/null || true
  local killed_epoch
  killed_epoch="$(stats current_epoch)"
  lines="$(wc -l <"$WORK/oracle.log")"
  echo "    oracle killed (pid $ORACLE_PID) just after a batch's broadcast, in epoch $killed_epoch"
  start_oracle
  wait_for "three epochs with the restarted oracle" 25 '(( $(stats current_epoch) >= killed_epoch + 3 ))'
  tail -n "+$((lines + 1))" "$WORK/oracle.log" | grep -q '"message":"resolved a recorded batch from the chain"\|"message":"liveness proofs committed"' \
    || fail "the restarted oracle neither resolved the recorded batch nor committed proofs"
  ! grep '"message":"liveness proofs committed"' "$WORK/oracle.log" | grep -vq '"duplicates":0' \
    || fail "a batch had duplicates (a provider proven twice for an epoch): $(grep '"message":"liveness proofs committed"' "$WORK/oracle.log" | grep -v '"duplicates":0' | head -2)"
  [[ "$(oracle_metric 'depin_oracle_proofs_total{outcome="duplicate"}' || echo 0)" =~ ^0?$ ]] || fail "the oracle counted duplicate proofs"
  [[ "$(rep "$PROVIDER" missed_epochs)" == "$missed_a" && "$(rep "$P2" missed_epochs)" == "$missed_b" ]] \
    || fail "an epoch was lost across the kill: missed epochs provider3 $missed_a -> $(rep "$PROVIDER" missed_epochs), provider2 $missed_b -> $(rep "$P2" missed_epochs)"
  echo "    ok: no duplicate in $(grep -c '"message":"liveness proofs committed"' "$WORK/oracle.log") committed batches; no epoch lost for either provider"
}
