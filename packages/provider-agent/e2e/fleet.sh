# shellcheck shell=bash
# The agent e2e's fleet (sourced by scripts/agent.sh e2e): one `depin-provider fleet`
# agent serving three providers with one operator key, the proof-of-service oracle
# challenging each of them. fleet-setup: the README's operator block (init, add-provider
# for each provider), the agent started, two providers registered and naming the
# operator with the README's wasmd block, a third one already registered elsewhere
# moving in with `fleet set-operator`; leases opened. fleet-day: each provider proven
# every epoch, usage reported and paid in batches, a receipt redeemed, rewards claimed
# for the fleet. fleet-sigkill: the agent killed with SIGKILL right after a batch's
# broadcast and restarted: every lease's reported units equal what was delivered; the
# consumers close. fleet-end: the leases closed and paid exactly once, nothing missed,
# a clean stop.

FLEET_PID="" FLEET="" FLEET_OP="" FLEET_PORT="${AGENT_FLEET_PORT:-22800}"
FLEET_METRICS_PORT=$((FLEET_PORT + 1))
FP=()              # the fleet's providers: provider1, provider4, fleet3 (moves in)
FL=()              # its metered leases
FR=""              # its receipts lease (provider1)
FLEET_PRICE=10     # per unit, as the README's register command lists
FLEET_JOINED=0     # the epoch fleet3 moved in
FLEET_EPOCH=0      # the epoch the providers' proven epochs are counted from
declare -A FLEET_RECORDED=() FLEET_OWNER=() FLEET_CONSUMER=() FLEET_MISSED=() FLEET_PROVEN=()

# The fleet's steps, in order (scripts/agent.sh e2e runs them after the others; `e2e fleet` alone).
fleet_steps() {
  run_step fleet-setup "the README's fleet commands: init, add-provider, run; two providers register and name the operator (wasmd), a third moves in (fleet set-operator)" e2e_fleet_setup
  run_step fleet-day "each provider proven every epoch, usage reported in batches and paid, a receipt redeemed, rewards claimed for the fleet" e2e_fleet_day
  run_step fleet-sigkill "the fleet agent killed with SIGKILL after a batch's broadcast and restarted: every lease reports exactly what was delivered" e2e_fleet_sigkill
  run_step fleet-end "the fleet's leases close paid exactly once; no epoch missed; a clean stop" e2e_fleet_end
}

fleet_metric() { curl -fsS --max-time 2 "http://127.0.0.1:$FLEET_METRICS_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

start_fleet() {
  "$BIN/depin-provider" fleet run -c "$FLEET/fleet.toml" >>"$WORK/fleet.log" 2>&1 &
  FLEET_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS --max-time 1 "http://127.0.0.1:$FLEET_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$FLEET_PID" 2>/dev/null || fail "the fleet agent exited at start-up: $(tail -3 "$WORK/fleet.log")"
    sleep 0.2
  done
  fail "the fleet agent does not answer on 127.0.0.1:$FLEET_PORT"
}

fleet_alive() { kill -0 "$FLEET_PID" 2>/dev/null || fail "the fleet agent is not running"; }

# Usage the provider's service delivered: appended to that provider's usage file.
fleet_deliver() { # <lease> <units>
  echo "{\"lease_id\":$1,\"units\":\"$2\"}" >>"$FLEET/providers/${FLEET_OWNER[$1]}/usage.jsonl"
  FLEET_RECORDED[$1]=$((${FLEET_RECORDED[$1]:-0} + $2))
}

fleet_open() { # <consumer> <provider> <billing> [state file]
  local args=(open --mnemonic-file "$WORK/$1.mnemonic" --provider "$2" --billing "$3" --deposit 1000000)
  [[ -n "${4:-}" ]] && args+=(--state "$4")
  consumer "${args[@]}" | jq -r .lease_id
}

# Every metered lease of the fleet reports exactly what its provider's file recorded.
fleet_exact() { # <what>
  local id
  for id in "${FL[@]}"; do
    wait_for "$1: lease $id (${FLEET_OWNER[$id]:0:12}…) reported exactly ${FLEET_RECORDED[$id]} units" 40 \
      '[[ "$(lease_field "$id" reported_units)" == "${FLEET_RECORDED[$id]}" ]]'
    [[ "$(lease_field "$id" units)" == "${FLEET_RECORDED[$id]}" ]] || fail "lease $id billed $(lease_field "$id" units) units for ${FLEET_RECORDED[$id]} reported"
  done
}

# The README's block between "# <name>:begin" and "# <name>:end", into $WORK/<name>.sh.
readme_extract() { # <name>
  local readme=packages/provider-agent/README.md
  sed -n "/^# $1:begin$/,/^# $1:end$/p" "$readme" >"$WORK/$1.sh"
  (($(wc -l <"$WORK/$1.sh") > 2)) || fail "no $1 block between the markers in $readme"
}

# Runs an extracted README block as written, with the variables exported by the caller;
# stdin is the caller's.
readme_run() { # <name> <output file>
  (
    cd "$FLEET"
    PATH="$BIN:$(dirname "$WASMD"):$PATH" bash -euo pipefail "$WORK/$1.sh" >"$2" 2>&1
  ) || fail "the README's $1 block failed: $(tail -5 "$2")"
}

# Waits for background jobs by pid; a failed one fails the step with its output.
wait_lanes() { # <what> <pid:output file>...
  local what=$1 lane
  shift
  for lane in "$@"; do
    wait "${lane%%:*}" || fail "$what: $(tail -5 "${lane#*:}")"
  done
}

e2e_fleet_setup() {
  local out i p c id lanes=() r3
  [[ -n "${ORACLE_PID:-}" ]] && kill -0 "$ORACLE_PID" 2>/dev/null || {
    if [[ -f "$WORK/oracle/oracle.toml" ]]; then start_oracle; else e2e_setup_oracle; fi
  }
  FLEET="$WORK/fleet"
  rm -rf "$FLEET" && mkdir -p "$FLEET"
  for name in provider1 provider4 consumer1 consumer2 consumer3 consumer4; do mnemonic_of "$name" >"$WORK/$name.mnemonic"; done
  out="$("$WASMD" keys add fleet3 --home "$DEVNET_HOME" --keyring-backend test --output json 2>"$WORK/keys.err")" || fail "wasmd keys add fleet3: $(cat "$WORK/keys.err")"
  jq -r .mnemonic <<<"$out" >"$WORK/fleet3.mnemonic"
  chmod 600 "$WORK"/*.mnemonic
  FP=("$("$WASMD" keys show provider1 -a "${KR[@]:0:4}")" "$("$WASMD" keys show provider4 -a "${KR[@]:0:4}")" "$(jq -r .address <<<"$out")")

  # The operator's block of the README: init, one add-provider per provider.
  export NODE="$RPC" CHAIN_ID REGISTRY DEPLOYMENT="$DEVNET_DIR/deployment.json" PUBLIC_URL="http://127.0.0.1:$FLEET_PORT"
  export FLEET PROVIDERS="${FP[*]}"
  readme_extract fleet-operator
  readme_run fleet-operator "$WORK/fleet-operator.out"
  FLEET_OP="$(jq -r .operator "$FLEET/${FP[0]}.json")"
  grep -q "^operator: $FLEET_OP$" "$WORK/fleet-operator.out" || fail "fleet init does not name the operator $FLEET_OP: $(cat "$WORK/fleet-operator.out")"
  for p in "${FP[@]}"; do
    [[ "$(stat -c %a "$FLEET/providers/$p/agent.key")" == 600 ]] || fail "$p's agent key file is not 0600"
    [[ "$(jq -r .endpoint "$FLEET/$p.json")" == "$PUBLIC_URL/providers/$p" ]] || fail "add-provider: $(cat "$FLEET/$p.json")"
  done
  # Short periods for the test; every value is the config file's own key.
  sed -i -e "s/^listen = .*/listen = \"127.0.0.1:$FLEET_PORT\"/" -e "s/^metrics = .*/metrics = \"127.0.0.1:$FLEET_METRICS_PORT\"/" \
    -e 's/^tick_seconds = .*/tick_seconds = 1/' -e 's/^report_seconds = .*/report_seconds = 2/' \
    -e 's/^settle_threshold = .*/settle_threshold = "500"/' -e 's/^redeem_max_hold_seconds = .*/redeem_max_hold_seconds = 3/' \
    -e 's/^claim_rewards_threshold = .*/claim_rewards_threshold = "1000000"/' "$FLEET/fleet.toml"
  start_fleet
  wait_for "the fleet's start line (its recorded batches resolved)" 15 "grep -q '\"message\":\"fleet running\"' \"\$WORK/fleet.log\""
  # The operator pays its own fees; fleet3 gets its stake.
  ktx validator bank multi-send validator "$FLEET_OP" "${FP[2]}" 200000000ustake

  # Side by side (three keys): two new providers register with the fleet's endpoint and agent
  # key and name the operator — the README's provider block, run as written with each one's key
  # in a keyring of its own; fleet3 registers elsewhere (another endpoint, no agent key).
  export OPERATOR="$FLEET_OP"
  readme_extract fleet-provider
  for i in 0 1; do
    p="${FP[$i]}"
    ENDPOINT="$(jq -r .endpoint "$FLEET/$p.json")" AGENT_PUBKEY="$(jq -r .agent_pubkey "$FLEET/$p.json")" \
      KEYRING="--keyring-backend test --home $FLEET/keys-$i" readme_run fleet-provider "$WORK/fleet-provider-$i.out" \
      <"$WORK/$([[ $i == 0 ]] && echo provider1 || echo provider4).mnemonic" &
    lanes+=("$!:$WORK/fleet-provider-$i.out")
  done
  ktx fleet3 wasm execute "$REGISTRY" "{\"register\":{\"service\":\"storage\",\"endpoint\":\"http://127.0.0.1:9/elsewhere\",\"region\":\"eu-west\",\"capacity\":{\"amount\":\"1000\",\"unit\":\"GiB\"},\"prices\":[{\"denom\":{\"native\":\"uusdc\"},\"per_unit\":\"$FLEET_PRICE\"}]}}" \
    --amount 5000000ustake
  wait_lanes "the README's provider block" "${lanes[@]}"
  for i in 0 1; do
    p="${FP[$i]}"
    [[ "$(grep -c '^{"code":0,' "$WORK/fleet-provider-$i.out")" == 2 ]] || fail "the README's provider block (provider $p): $(cat "$WORK/fleet-provider-$i.out")"
    [[ "$(record_of "$p" | jq -r .operator)" == "$FLEET_OP" ]] || fail "$p does not name the operator after the README's block"
    FLEET_MISSED[$p]=0
  done
  echo "    ok: two providers registered and named the operator with the README's wasmd commands"
  # fleet3 moves in: --print names the wasmd commands (update_provider, then set_operator);
  # with its key, one transaction lists the fleet's endpoint and agent key and names the operator.
  out="$("$BIN/depin-provider" fleet set-operator -c "$FLEET/fleet.toml" --provider "${FP[2]}" --print 2>&1)" || fail "set-operator --print: $out"
  grep -q "^OPERATOR=$FLEET_OP$" <<<"$out" && grep -q '"update_provider' <<<"$out" && grep -q '"set_operator' <<<"$out" \
    || fail "set-operator --print for a provider listing another endpoint: $out"
  out="$("$BIN/depin-provider" fleet set-operator -c "$FLEET/fleet.toml" --provider-mnemonic-file "$WORK/fleet3.mnemonic" 2>>"$WORK/fleet.log")" \
    || fail "fleet set-operator (fleet3) failed: $(tail -3 "$WORK/fleet.log")"
  r3="$(record_of "${FP[2]}")"
  [[ "$(jq -r .operator <<<"$r3")" == "$FLEET_OP" && "$(jq -r .endpoint <<<"$r3")" == "$PUBLIC_URL/providers/${FP[2]}" \
    && "$(jq -r .agent_pubkey <<<"$r3")" == "$(jq -r .agent_pubkey "$FLEET/${FP[2]}.json")" ]] \
    || fail "fleet3 did not move in: $r3 (set-operator said $out)"
  FLEET_JOINED="$(stats current_epoch)"
  echo "    ok: fleet3 moved in with one transaction (update_provider + set_operator) in epoch $FLEET_JOINED"

  # Leases, four consumers side by side: two metered on provider1, one on each of the others,
  # and a receipts lease on provider1.
  lanes=()
  local plan=("consumer1 ${FP[0]}" "consumer2 ${FP[0]}" "consumer3 ${FP[1]}" "consumer4 ${FP[2]}")
  for i in 0 1 2 3; do
    read -r c p <<<"${plan[$i]}"
    if ((i == 0)); then
      { fleet_open "$c" "$p" metered >"$WORK/fleet-lease-$i" && fleet_open "$c" "$p" receipts "$WORK/fleet-receipts.json" >"$WORK/fleet-lease-r"; } 2>"$WORK/fleet-open-$i.err" &
    else
      fleet_open "$c" "$p" metered >"$WORK/fleet-lease-$i" 2>"$WORK/fleet-open-$i.err" &
    fi
    lanes+=("$!:$WORK/fleet-open-$i.err")
  done
  wait_lanes "a lease open" "${lanes[@]}"
  for i in 0 1 2 3; do
    read -r c p <<<"${plan[$i]}"
    id="$(cat "$WORK/fleet-lease-$i")"
    [[ "$id" =~ ^[0-9]+$ ]] || fail "no lease id from $c: $(cat "$WORK/fleet-open-$i.err")"
    FL+=("$id")
    FLEET_OWNER[$id]="$p" FLEET_CONSUMER[$id]="$c"
  done
  FR="$(cat "$WORK/fleet-lease-r")" && FLEET_CONSUMER[$FR]=consumer1
  echo "    leases: metered ${FL[*]}, receipts $FR"
  out="$("$BIN/depin-provider" fleet status -c "$FLEET/fleet.toml" 2>/dev/null)" || fail "fleet status failed"
  [[ "$(jq -r .serving <<<"$out")" == 3 && "$(jq '[.providers[] | select(.agent_key.registered and .endpoint_listed)] | length' <<<"$out")" == 3 ]] \
    || fail "fleet status: $out"
  echo "    ok: fleet status: 3 providers naming the operator, each listing the fleet's endpoint and agent key"
}

# A day of each duty: usage reported in batches, a receipt redeemed, the fleet's rewards
# claimed; every provider proven every epoch and every lease paid (checked in fleet-end,
# over the whole scenario).
e2e_fleet_day() {
  local id p first
  for id in "${FL[@]}"; do fleet_deliver "$id" $((100 + id % 7)); done
  consumer sign --state "$WORK/fleet-receipts.json" --units 150 --post "http://127.0.0.1:$FLEET_PORT/providers/${FP[0]}" >/dev/null \
    || fail "the receipt was not accepted at provider1's route"
  fleet_exact "usage reported"
  wait_for "receipts lease $FR redeemed to 150 (a batch item)" 30 '[[ "$(lease_field "$FR" units)" == 150 ]]'
  first="$(grep -m1 '"message":"batch committed"' "$WORK/fleet.log")"
  echo "    first batch: items $(sed 's/.*"items":\([0-9]*\).*/\1/' <<<"$first"), gas_used $(sed 's/.*"gas_used":\([0-9]*\).*/\1/' <<<"$first"), gas per item $(sed 's/.*"gas_per_item":\([0-9]*\).*/\1/' <<<"$first")"
  # An epoch counts as missed once its proof window (it and the next one) is over: fleet3's
  # epochs before the move are all counted from epoch joined + 2 on; every later one must be proven.
  wait_for "fleet3's epochs before the move counted (epoch $((FLEET_JOINED + 2)))" 15 '(( $(stats current_epoch) >= FLEET_JOINED + 2 ))'
  FLEET_MISSED[${FP[2]}]="$(rep "${FP[2]}" missed_epochs)"
  FLEET_EPOCH="$(stats current_epoch)"
  for p in "${FP[@]}"; do FLEET_PROVEN[$p]="$(rep "$p" proven_epochs)"; done
  for p in "${FP[@]}"; do
    wait_for "rewards claimed for ${p:0:14}… (its reward token balance)" 60 \
      '(( $(smart "$TOKEN" "{\"balance\":{\"address\":\"$p\"}}" | jq -r .balance) > 0 ))'
  done
  grep '"message":"rewards claimed for the fleet"' "$WORK/fleet.log" | grep -q '"providers":3' \
    || fail "no claim_rewards for the three providers at once: $(grep '"message":"rewards claimed for the fleet"' "$WORK/fleet.log" | head -3)"
  echo "    ok: one claim_rewards for the three providers ($(grep -c '"message":"rewards claimed for the fleet"' "$WORK/fleet.log") claims so far)"
  fleet_alive
}

# SIGKILL right after a batch's broadcast, before the agent can see its result: the batch
# is only in SQLite (hash, timeout height, items) and maybe in a block. Then the consumers close.
e2e_fleet_sigkill() {
  local pattern='"message":"broadcast","kind":"batch"' before log_lines id lanes=() c
  before="$(grep -c "$pattern" "$WORK/fleet.log" || true)"
  for id in "${FL[@]}"; do fleet_deliver "$id" $((40 + id % 5)); done
  for _ in $(seq 1 400); do
    (($(grep -c "$pattern" "$WORK/fleet.log" || true) > before)) && break
    sleep 0.05
  done
  kill -9 "$FLEET_PID"
  wait "$FLEET_PID" 2>/dev/null || true
  local killed=$FLEET_PID down=$SECONDS
  log_lines="$(wc -l <"$WORK/fleet.log")"
  # Usage delivered while it is down; it is back at once (its providers' challenges wait for it).
  for id in "${FL[@]}"; do fleet_deliver "$id" 5; done
  start_fleet
  echo "    killed (pid $killed) just after a batch's broadcast, back after $((SECONDS - down)) s"
  fleet_exact "after the restart"
  if tail -n "+$((log_lines + 1))" "$WORK/fleet.log" | grep -q '"message":"resolved a recorded batch from the chain"'; then
    echo "    the restarted agent resolved the batch it had broadcast from the chain (each report counted once)"
  else
    echo "    the batch had been resolved before the kill (the kill landed after its result)"
  fi
  # The consumers close, side by side (the close grace runs while fleet-end checks).
  for c in consumer1 consumer2 consumer3 consumer4; do
    for id in "${FL[@]}" "$FR"; do
      if [[ "${FLEET_CONSUMER[$id]}" == "$c" ]]; then echo "$id"; fi
    done >"$WORK/fleet-close-$c"
    { while read -r id; do consumer close --mnemonic-file "$WORK/$c.mnemonic" --lease-id "$id" >/dev/null || exit 1; done <"$WORK/fleet-close-$c"; } 2>"$WORK/fleet-close-$c.err" &
    lanes+=("$!:$WORK/fleet-close-$c.err")
  done
  wait_lanes "a consumer's close" "${lanes[@]}"
  fleet_alive
}

# The leases close, each billed and paid exactly once for what was delivered; every provider
# proven every epoch since it joined (the kill included); a clean stop.
e2e_fleet_end() {
  local id p l deposited paid refunded out epochs gained
  for id in "${FL[@]}" "$FR"; do wait_for "lease $id closed (settled by the fleet after its grace)" 60 '[[ "$(lease_field "$id" state)" == closed ]]'; done
  for id in "${FL[@]}"; do
    l="$(lease "$id")"
    [[ "$(jq -r .units <<<"$l")" == "${FLEET_RECORDED[$id]}" && "$(jq -r .reported_units <<<"$l")" == "${FLEET_RECORDED[$id]}" ]] \
      || fail "lease $id: units $(jq -r .units <<<"$l"), reported $(jq -r .reported_units <<<"$l"), delivered ${FLEET_RECORDED[$id]}"
    paid="$(jq -r .paid <<<"$l")" deposited="$(jq -r .deposited <<<"$l")" refunded="$(jq -r .refunded <<<"$l")"
    ((paid == FLEET_RECORDED[$id] * FLEET_PRICE && refunded == deposited - paid)) \
      || fail "lease $id paid $paid for ${FLEET_RECORDED[$id]} units (refunded $refunded of $deposited)"
  done
  echo "    ok: every metered lease closed, billed once and paid exactly for the units delivered: $(for id in "${FL[@]}"; do printf 'lease %s %s units, ' "$id" "${FLEET_RECORDED[$id]}"; done)"
  [[ "$(lease_field "$FR" paid)" == $((150 * FLEET_PRICE)) ]] || fail "receipts lease $FR paid $(lease_field "$FR" paid)"
  epochs=$(($(stats current_epoch) - FLEET_EPOCH))
  for p in "${FP[@]}"; do
    l="$(record_of "$p" | jq -c .reputation)"
    [[ "$(jq -r .missed_epochs <<<"$l")" == "${FLEET_MISSED[$p]}" ]] || fail "$p missed $(($(jq -r .missed_epochs <<<"$l") - FLEET_MISSED[$p])) epochs in the fleet (the kill included)"
    gained=$(($(jq -r .proven_epochs <<<"$l") - FLEET_PROVEN[$p]))
    ((gained >= epochs - 1)) || fail "$p proven in $gained of the last $epochs epochs"
  done
  echo "    ok: each provider proven every epoch (the last $epochs: none missed since it joined, the kill included)"
  out="$("$BIN/depin-provider" fleet status -c "$FLEET/fleet.toml" 2>/dev/null)" || fail "fleet status failed"
  [[ "$(jq -r .pending_batches <<<"$out")" == 0 ]] || fail "fleet status: $out"
  echo "    ok: fleet status: $(jq -r .batches_committed <<<"$out") batches and $(jq -r .claims_committed <<<"$out") claims committed, none pending"
  stop_pid "$FLEET_PID" "the fleet agent"
  FLEET_PID=""
  grep -q '"message":"fleet stopped; state saved"' "$WORK/fleet.log" || fail "no clean stop in the fleet's log"
  stop_pid "$ORACLE_PID" "the oracle"
  ORACLE_PID=""
}
