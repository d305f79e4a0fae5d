#!/usr/bin/env bash
# The upgrade from the previous release, on a real chain: builds the previous
# release's contracts (git tag $PREVIOUS_RELEASE, default v0.1.0, exported
# with `git archive`) through the same pipeline, deploys them on a fresh
# devnet with that release's params and the demo (a provider with stake,
# leases with charges, members' stake, a passed proposal), adds a pending
# stake claim held by an open dispute, uploads this checkout's contracts and
# migrates the registry, the escrow and the DAO through one DAO proposal
# after its exit window. Then every record must read back, the new version
# be recorded, the dispute resolve, the held claim pay and a new lease work;
# stake rewards up to the migration's epoch stay credited, later epochs only
# once the oracle proves provider1 live (proof of service starts the epoch
# after the migration: its `proofs_from` attribute).
# The devnet (.tools/devnet-upgrade, RPC 24657) is stopped whatever happens.
#
#   scripts/upgrade.sh          the whole run (needs artifacts/, from scripts/build.sh)
#   scripts/upgrade.sh build    only builds the previous release's artifacts (target/previous-release)
#   PREVIOUS_RELEASE=<tag>      another release to upgrade from
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PREVIOUS_RELEASE="${PREVIOUS_RELEASE:-v0.1.0}"
# What v0.1.0 names, for clones without tags.
V010_COMMIT=2fab479fa17884a24c6620f50c6b5ba570457dd3
export DEVNET_DIR="$ROOT/.tools/devnet-upgrade"
export DEVNET_RPC_PORT=24657 DEVNET_P2P_PORT=24656 DEVNET_GRPC_PORT=24090 DEVNET_API_PORT=24317 DAPP_PORT=24180
PREVIOUS="$ROOT/target/previous-release"
WORK="$DEVNET_DIR/upgrade"

fail() { die "upgrade: $*"; }

# ---------------------------------------------------------------- chain helpers
wasmd_q() { "$WASMD" query "$@" --node "$DEVNET_RPC" -o json; }
smart() { wasmd_q wasm contract-state smart "$1" "$2" | jq -c .data; }
# A transaction from a devnet keyring account, waited for, code 0 required; its result in $LAST_TX.
tx() {
  local from=$1 out hash
  shift
  out="$("$WASMD" tx "$@" --from "$from" --home "$DEVNET_HOME" --keyring-backend test --chain-id "$DEVNET_CHAIN_ID" \
    --node "$DEVNET_RPC" --gas auto --gas-adjustment 1.5 --gas-prices "$DEVNET_GAS_PRICE" -y -o json 2>"$WORK/tx.err")" \
    || fail "wasmd tx $* from $from: $(tail -3 "$WORK/tx.err")"
  [[ "$(jq -r .code <<<"$out")" == 0 ]] || fail "wasmd tx $* refused: $(jq -r .raw_log <<<"$out")"
  hash="$(jq -r .txhash <<<"$out")"
  for _ in $(seq 1 60); do
    if LAST_TX="$(wasmd_q tx "$hash" 2>/dev/null)" && [[ -n "$(jq -r '.code // empty' <<<"$LAST_TX")" ]]; then
      [[ "$(jq -r .code <<<"$LAST_TX")" == 0 ]] || fail "wasmd tx $* failed in its block: $(jq -r .raw_log <<<"$LAST_TX")"
      return 0
    fi
    sleep 0.5
  done
  fail "wasmd tx $* ($hash) was not included"
}
execute() { tx "$1" wasm execute "$2" "$3"; } # <from> <contract> <msg>
event_attr() { jq -r --arg t "$1" --arg k "$2" '[.events[] | select(.type == $t) | .attributes[] | select(.key == $k) | .value][0]' <<<"$LAST_TX"; }
addr() { "$WASMD" keys show "$1" -a --home "$DEVNET_HOME" --keyring-backend test; }
balance() { wasmd_q bank balance "$1" "$2" | jq -r .balance.amount; }
# The cw2 record of a contract: "<name> <version>".
cw2() { wasmd_q wasm contract-state raw "$1" 636f6e74726163745f696e666f | jq -r .data | base64 -d | jq -r '"\(.contract) \(.version)"'; }
code_id() { wasmd_q wasm contract "$1" | jq -r .contract_info.code_id; }

# ---------------------------------------------------------------- the previous release
rev="$(git rev-parse -q --verify "$PREVIOUS_RELEASE^{commit}" 2>/dev/null || true)"
if [[ -z "$rev" && "$PREVIOUS_RELEASE" == v0.1.0 ]]; then
  rev="$(git rev-parse -q --verify "$V010_COMMIT^{commit}" 2>/dev/null || true)"
fi
[[ -n "$rev" ]] || fail "no commit for $PREVIOUS_RELEASE (git fetch --tags)"
# Built once per release (kept in target/previous-release).
if [[ "$(cat "$PREVIOUS/rev" 2>/dev/null)" != "$rev" || ! -f "$PREVIOUS/artifacts/checksums.txt" ]]; then
  step "previous release $PREVIOUS_RELEASE ($(git log -1 --format='%h %cs' "$rev")): contracts built by the same pipeline"
  rm -rf "$PREVIOUS" && mkdir -p "$PREVIOUS/src"
  git archive "$rev" Cargo.toml Cargo.lock contracts packages/depin-interface deploy/params | tar -x -C "$PREVIOUS/src"
  BUILD_ROOT="$PREVIOUS/src" ARTIFACTS_DIR="$PREVIOUS/artifacts" scripts/build.sh >"$PREVIOUS/build.log" 2>&1 \
    || { tail -20 "$PREVIOUS/build.log" >&2; fail "the previous release does not build"; }
  echo "$rev" >"$PREVIOUS/rev"
fi
[[ "${1:-}" == build ]] && { step "previous release $PREVIOUS_RELEASE built: ${PREVIOUS#"$ROOT"/}/artifacts"; exit 0; }
[[ -f artifacts/checksums.txt ]] || fail "artifacts/ is missing: scripts/build.sh first"
scripts/ts-client.sh build || fail "cannot build packages/ts-client"

step "fresh devnet, the previous release deployed with its params and the demo"
trap 'scripts/devnet.sh stop >/dev/null 2>&1 || true' EXIT
scripts/devnet.sh start >/dev/null || fail "cannot start the devnet"
eval "$(scripts/devnet.sh env)"
export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
WASMD="$(scripts/wasmd.sh 2>/dev/null)"
rm -rf "$WORK" && mkdir -p "$WORK"
node packages/ts-client/dist/scripts/deploy.js --artifacts "$PREVIOUS/artifacts" \
  --params "$PREVIOUS/src/deploy/params/devnet.json" >"$WORK/deploy.log" 2>&1 \
  || { tail -20 "$WORK/deploy.log" >&2; fail "the previous release's deployment or demo failed"; }
deployment="$DEVNET_DIR/deployment.json"
REGISTRY="$(jq -r .addresses.providerRegistry "$deployment")"
ESCROW="$(jq -r .addresses.billingEscrow "$deployment")"
DAO="$(jq -r .addresses.dao "$deployment")"
for contract in "$REGISTRY" "$ESCROW" "$DAO"; do
  echo "    $(cw2 "$contract") at $contract (code $(code_id "$contract"))"
done

step "state the upgrade must keep: a stake claim held by an open dispute"
PROVIDER="$(addr provider1)"
tx consumer1 wasm execute "$ESCROW" '{"open_lease":{"provider":"'"$PROVIDER"'","billing":{"metered":{}}}}' --amount 100000uusdc
LEASE="$(event_attr wasm lease_id)"
execute provider1 "$ESCROW" '{"report_usage":{"lease_id":'"$LEASE"',"units":"100"}}'
CHARGE="$(event_attr wasm charge_id)"
execute consumer1 "$ESCROW" '{"dispute":{"lease_id":'"$LEASE"',"charge_id":'"$CHARGE"',"reason":"upgrade test"}}'
execute provider1 "$REGISTRY" '{"unbond":{"amount":"1000000"}}'
before="$(smart "$REGISTRY" '{"provider":{"address":"'"$PROVIDER"'"}}')"
[[ "$(jq -r .open_disputes <<<"$before")" == 1 ]] || fail "the dispute does not hold provider1's stake: $before"
leases_before="$(smart "$ESCROW" '{"leases_by_provider":{"provider":"'"$PROVIDER"'"}}' | jq -S .)"
proposals_before="$(smart "$DAO" '{"proposals":{}}' | jq -S '[.proposals[] | {id, title, status}]')"
echo "    lease $LEASE charge $CHARGE disputed; provider1 unbonding 1000000; $(jq length <<<"$proposals_before") proposal(s)"
pending_before="$(smart "$REGISTRY" '{"pending_rewards":{"address":"'"$PROVIDER"'"}}' | jq -r .pending_rewards)"

step "this checkout's contracts uploaded; one DAO proposal migrates all three"
declare -A NEW_CODE
for crate in depin-provider-registry depin-billing-escrow depin-dao; do
  tx validator wasm store "artifacts/$crate.wasm"
  NEW_CODE[$crate]="$(event_attr store_code code_id)"
done
migrate() { # <contract> <code id>
  jq -nc --arg c "$1" --argjson id "$2" '{wasm: {migrate: {contract_addr: $c, new_code_id: $id, msg: ("{}" | @base64)}}}'
}
msgs="[$(migrate "$REGISTRY" "${NEW_CODE[depin-provider-registry]}"),$(migrate "$ESCROW" "${NEW_CODE[depin-billing-escrow]}"),$(migrate "$DAO" "${NEW_CODE[depin-dao]}")]"
execute member1 "$DAO" '{"propose":{"title":"Upgrade to this release","description":"scripts/upgrade.sh","msgs":'"$msgs"'}}'
PROPOSAL="$(event_attr wasm proposal_id)"
execute member1 "$DAO" '{"vote":{"proposal_id":'"$PROPOSAL"',"vote":"yes"}}'
execute member2 "$DAO" '{"vote":{"proposal_id":'"$PROPOSAL"',"vote":"yes"}}'
proposal="$(smart "$DAO" '{"proposal":{"proposal_id":'"$PROPOSAL"'}}')"
[[ "$(jq -r .status <<<"$proposal")" == passed && "$(jq -r .upgrade <<<"$proposal")" == true ]] \
  || fail "proposal $PROPOSAL is not a passed upgrade: $proposal"
echo "    proposal $PROPOSAL passed; executable at $(jq -r .executable_at <<<"$proposal") (the exit window)"
executed=0
for _ in $(seq 1 90); do
  out="$("$WASMD" tx wasm execute "$DAO" '{"execute":{"proposal_id":'"$PROPOSAL"'}}' --from validator --home "$DEVNET_HOME" \
    --keyring-backend test --chain-id "$DEVNET_CHAIN_ID" --node "$DEVNET_RPC" --gas 3000000 --gas-prices "$DEVNET_GAS_PRICE" \
    -y -o json 2>/dev/null || true)"
  if jq -e '.code == 0' >/dev/null 2>&1 <<<"$out"; then
    sleep 2
    if [[ "$(smart "$DAO" '{"proposal":{"proposal_id":'"$PROPOSAL"'}}' | jq -r .status)" == executed ]]; then
      executed=1
      EXECUTE_HASH="$(jq -r .txhash <<<"$out")"
      break
    fi
  fi
  sleep 1
done
((executed)) || fail "proposal $PROPOSAL was not executed: $(smart "$DAO" '{"proposal":{"proposal_id":'"$PROPOSAL"'}}')"

step "after the upgrade: versions, every record, the dispute, the held claim, a new lease"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
for contract in "$REGISTRY" "$ESCROW" "$DAO"; do
  [[ "$(cw2 "$contract")" == *" $version" ]] || fail "$contract records $(cw2 "$contract"), not version $version"
done
[[ "$(code_id "$REGISTRY")" == "${NEW_CODE[depin-provider-registry]}" ]] || fail "the registry runs code $(code_id "$REGISTRY")"
[[ "$(code_id "$ESCROW")" == "${NEW_CODE[depin-billing-escrow]}" ]] || fail "the escrow runs code $(code_id "$ESCROW")"
[[ "$(code_id "$DAO")" == "${NEW_CODE[depin-dao]}" ]] || fail "the DAO runs code $(code_id "$DAO")"
echo "    registry, escrow and DAO at $version (codes ${NEW_CODE[depin-provider-registry]}, ${NEW_CODE[depin-billing-escrow]}, ${NEW_CODE[depin-dao]})"
after="$(smart "$REGISTRY" '{"provider":{"address":"'"$PROVIDER"'"}}')"
for field in stake unbonding status open_disputes; do
  [[ "$(jq -c ".$field" <<<"$after")" == "$(jq -c ".$field" <<<"$before")" ]] \
    || fail "provider1's $field changed across the upgrade: $(jq -c ".$field" <<<"$before") -> $(jq -c ".$field" <<<"$after")"
done
smart "$REGISTRY" '{"pending_rewards":{"address":"'"$PROVIDER"'"}}' >/dev/null || fail "provider1's rewards do not read"
smart "$REGISTRY" '{"stats":{}}' >/dev/null || fail "the registry's stats do not read"
# Every field a lease had reads the same; fields this release adds (e.g. the
# escrow's reported_units) are new, not changed.
leases_after="$(smart "$ESCROW" '{"leases_by_provider":{"provider":"'"$PROVIDER"'"}}' | jq -S .)"
leases_kept="$(jq -S --argjson b "$leases_before" '.leases as $a
  | .leases = [range(0; $a | length) as $i | $a[$i] | with_entries(select(.key as $k | ($b.leases[$i] // {}) | has($k)))]' <<<"$leases_after")"
[[ "$leases_kept" == "$leases_before" ]] \
  || fail "provider1's leases read differently after the upgrade: $(diff <(echo "$leases_before") <(echo "$leases_kept") | head -20)"
[[ "$(smart "$DAO" '{"proposals":{}}' | jq -S '[.proposals[] | select(.id != '"$PROPOSAL"') | {id, title, status}]')" == "$proposals_before" ]] \
  || fail "the DAO's proposals read differently after the upgrade"
execute arbiter "$ESCROW" '{"resolve_dispute":{"lease_id":'"$LEASE"',"charge_id":'"$CHARGE"',"uphold":false}}'
[[ "$(smart "$REGISTRY" '{"provider":{"address":"'"$PROVIDER"'"}}' | jq -r .open_disputes)" == 0 ]] \
  || fail "the dispute opened before the upgrade did not release its hold"
echo "    records read back; the dispute opened before the upgrade resolved and released its hold"

# Proof of service starts the epoch after the migration: the epochs up to it
# stay credited as before; from then on only epochs the oracle proves are.
LAST_TX="$(wasmd_q tx "$EXECUTE_HASH")" || fail "the executed proposal's transaction $EXECUTE_HASH does not read"
PROOFS_FROM="$(event_attr wasm proofs_from)"
[[ "$PROOFS_FROM" =~ ^[0-9]+$ ]] || fail "the registry's migration has no proofs_from attribute"
registry_config="$(smart "$REGISTRY" '{"config":{}}')"
GENESIS=$(($(jq -r .genesis_time <<<"$registry_config") / 1000000000))
EPOCH_SECONDS="$(jq -r .epoch_seconds <<<"$registry_config")"
wait_epoch() { # <epoch>: until a block of that epoch is committed
  local start=$((GENESIS + $1 * EPOCH_SECONDS)) t
  for _ in $(seq 1 120); do
    t="$(curl -s "$DEVNET_RPC/status" | jq -r .result.sync_info.latest_block_time)"
    (($(date -d "$t" +%s) >= start)) && return 0
    sleep 0.5
  done
  fail "the chain did not reach epoch $1"
}
rewards() { smart "$REGISTRY" '{"pending_rewards":{"address":"'"$PROVIDER"'"}}'; }
wait_epoch $((PROOFS_FROM + 1))
credited="$(rewards | jq -r .pending_rewards)"
((credited > pending_before)) \
  || fail "provider1's stake rewards up to the migration's epoch $((PROOFS_FROM - 1)) are not credited: $pending_before before, $credited after"
wait_epoch $((PROOFS_FROM + 2))
now="$(rewards)"
[[ "$(jq -r .pending_rewards <<<"$now")" == "$credited" ]] \
  || fail "epochs from $PROOFS_FROM were credited without a proof: $credited -> $(jq -r .pending_rewards <<<"$now")"
(($(jq -r .unproven_rewards <<<"$now") > 0)) || fail "provider1's unproven rewards are not shown: $now"
missed="$(smart "$REGISTRY" '{"provider":{"address":"'"$PROVIDER"'"}}' | jq -r .reputation.missed_epochs)"
((missed >= 1)) || fail "provider1's epoch $PROOFS_FROM, never proven, is not counted as missed ($missed)"
echo "    proofs from epoch $PROOFS_FROM: rewards up to the migration credited ($pending_before -> $credited), none after without a proof, epoch $PROOFS_FROM missed"
# provider1 (registered before agent keys) sets one, and the oracle proves it.
agent_js='const c = require(process.argv[1]); const key = require("crypto").createHash("sha256").update("upgrade agent key").digest();'
AGENT_PUBKEY="$(node -e "$agent_js"' console.log(Buffer.from(c.agentPublicKey(key)).toString("base64"))' \
  "$ROOT/packages/ts-client/dist/src/index.js")"
execute provider1 "$REGISTRY" '{"update_provider":{"agent_pubkey":"'"$AGENT_PUBKEY"'"}}'
EPOCH="$(smart "$REGISTRY" '{"stats":{}}' | jq -r .current_epoch)"
PROOF="$(node -e "$agent_js"' const [, , chain, registry, provider, epoch] = process.argv;
  console.log(JSON.stringify(c.livenessProof(key, { chainId: chain, registry, provider, epoch, nonce: require("crypto").randomBytes(16) })))' \
  "$ROOT/packages/ts-client/dist/src/index.js" "$DEVNET_CHAIN_ID" "$REGISTRY" "$PROVIDER" "$EPOCH")"
execute arbiter "$REGISTRY" '{"prove_liveness":{"epoch":'"$EPOCH"',"proofs":['"$PROOF"']}}'
[[ "$(event_attr wasm proven)" == 1 ]] || fail "the oracle's proof of provider1 for epoch $EPOCH was not counted"
proven="$(rewards | jq -r .pending_rewards)"
((proven > credited)) || fail "epoch $EPOCH proven, but provider1's claimable rewards did not grow ($credited -> $proven)"
echo "    provider1 set an agent key; the oracle proved it for epoch $EPOCH: claimable $credited -> $proven"
stake_before="$(balance "$PROVIDER" ustake)"
claimed=0
for _ in $(seq 1 60); do
  if "$WASMD" tx wasm execute "$REGISTRY" '{"claim":{}}' --from provider1 --home "$DEVNET_HOME" --keyring-backend test \
    --chain-id "$DEVNET_CHAIN_ID" --node "$DEVNET_RPC" --gas 400000 --gas-prices "$DEVNET_GAS_PRICE" -y -o json 2>/dev/null \
    | jq -e '.code == 0' >/dev/null; then
    sleep 2
    (($(balance "$PROVIDER" ustake) > stake_before)) && { claimed=1; break; }
  fi
  sleep 1
done
((claimed)) || fail "provider1's claim made before the upgrade does not pay"
echo "    provider1's claim made before the upgrade paid ($stake_before -> $(balance "$PROVIDER" ustake) ustake)"
tx consumer2 wasm execute "$ESCROW" '{"open_lease":{"provider":"'"$PROVIDER"'","billing":{"metered":{}}}}' --amount 50000uusdc
NEW_LEASE="$(event_attr wasm lease_id)"
execute provider1 "$ESCROW" '{"report_usage":{"lease_id":'"$NEW_LEASE"',"units":"10"}}'
execute consumer2 "$ESCROW" '{"close_lease":{"lease_id":'"$NEW_LEASE"'}}'
[[ "$(smart "$ESCROW" '{"lease":{"lease_id":'"$NEW_LEASE"'}}' | jq -r .state)" == closing ]] || fail "a new lease does not work"
step "upgrade from $PREVIOUS_RELEASE passed: the registry, escrow and DAO migrated through the DAO with every record and claim intact"
