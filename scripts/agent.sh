#!/usr/bin/env bash
# The provider agent (packages/provider-agent): builds it, and runs it end to
# end with faults on a fresh devnet, asserting on-chain state after each step.
#
#   scripts/agent.sh build   release build of depin-provider, depin-consumer and depin-oracle (target/release)
#   scripts/agent.sh build --static   the same as static musl binaries, stripped, in target/agent-static
#                            (installs musl-tools and the rust target on first use)
#   scripts/agent.sh e2e     fresh devnet in .tools/devnet-agent (RPC 22657, P2P 22656, gRPC 22090,
#                            API 22317), suite deployed without the demo, agent built (debug profile:
#                            it shares the cache `cargo test --workspace` fills), then:
#                            setup  the provider authorises a hot key with the two wasmd commands of
#                                   the README (authz grant on registry + escrow, fee grant), registers;
#                                   the agent heartbeats, serves a metered lease (usage from its file),
#                                   a streaming lease and a receipts lease (receipts from depin-consumer),
#                                   settles and claims rewards and matured stake;
#                            oracle the proof-of-service oracle (granted by the registry's oracle, the arbiter
#                                   account) proves the agent and a second one (provider2) every epoch;
#                                   agent B stopped for whole epochs: missed on chain; the oracle SIGKILLed
#                                   after a batch's broadcast: nothing proven twice, no epoch lost;
#                            (a) the node is stopped and restarted mid-run;
#                            (b) another process sends transactions from the agent's key;
#                            (c) the agent is killed with SIGKILL and restarted;
#                            (d) a consumer closes a lease while a report is pending;
#                            (e) the fee payer's gas balance drops below the floor, then is topped up;
#                            (f) the DAO jails the provider; the agent unjails it when allowed;
#                            (g) a second agent on the same state file is refused (the first one's pid named);
#                            (h) a config naming another chain than its node's is refused, naming both;
#                            (i) the state file is deleted: the agent bills exactly, nothing twice;
#                            end    every lease is closed and fully paid for the usage the source recorded;
#                            fleet  one `depin-provider fleet` agent (API 22800, metrics 22801) serving three
#                                   providers with one operator key, set up with the README's commands; a day
#                                   of each duty (every provider proven every epoch, usage in batches, paid,
#                                   rewards claimed for the fleet); SIGKILLed after a batch's broadcast: every
#                                   lease's reported units equal what was delivered, nothing paid twice.
#                            Each step is one function run under its name (prepare, setup-grants,
#                            setup-oracle, setup-leases, setup-agent-b, liveness, oracle-sigkill, node-restart, key-shared, sigkill, two-agents, wrong-chain,
#                            lost-state, close-while-pending,
#                            gas-floor, jail, end, sigterm, fleet-setup, fleet-day, fleet-sigkill, fleet-end); a failure names its step.
#   scripts/agent.sh e2e fleet   prepare, then the fleet's steps alone (with the oracle they need).
#                            The devnet and every agent process are stopped whatever happens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

export DEVNET_DIR="${AGENT_DEVNET_DIR:-$ROOT/.tools/devnet-agent}"
export DEVNET_RPC_PORT="${AGENT_RPC_PORT:-22657}" DEVNET_P2P_PORT="${AGENT_P2P_PORT:-22656}"
export DEVNET_GRPC_PORT="${AGENT_GRPC_PORT:-22090}" DEVNET_API_PORT="${AGENT_API_PORT:-22317}"
AGENT_PORT="${AGENT_PORT:-22740}"
METRICS_PORT="${AGENT_METRICS_PORT:-22741}"

cmd_build() {
  if [[ "${1:-}" == "--static" ]]; then
    cmd_build_static
    return
  fi
  step "cargo build --release -p depin-provider-agent (depin-provider, depin-consumer, depin-oracle)"
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

# The e2e's helpers, setup steps and faults live beside the agent.
for part in lib setup faults liveness fleet; do
  # shellcheck source=/dev/null
  source "$ROOT/packages/provider-agent/e2e/$part.sh"
done

cmd_e2e() {
  local start=$SECONDS
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  WORK="$DEVNET_DIR/agent"
  trap cleanup EXIT
  run_step prepare "build (debug profile), artifacts, TypeScript client, devnet, deployment" e2e_prepare
  run_step setup-grants "init, the two grants (wasmd CLI, as in the README), register" e2e_setup_grants
  run_step setup-oracle "the oracle daemon, granted by the registry's oracle (depin-oracle grant)" e2e_setup_oracle
  run_step setup-leases "run; heartbeats, a metered, a streaming and a receipts lease served, settles, rewards" e2e_setup_leases
  run_step setup-agent-b "a second agent (provider2), granted with depin-provider grant, registered with its agent key" e2e_setup_agent_b
  run_step liveness "agent B stopped for two whole epochs: missed on chain, proven again once back" e2e_liveness
  run_step oracle-sigkill "the oracle killed with SIGKILL after a batch's broadcast and restarted: nothing twice, nothing lost" e2e_oracle_sigkill
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
  local fleet_start=$SECONDS
  fleet_steps
  E2E_OK=1
  step "agent e2e passed in $((SECONDS - start)) s, the fleet's $((SECONDS - fleet_start)) s of it (heartbeats $(heartbeats), logs $WORK/agent.log, $WORK/fleet.log)"
}

# The fleet scenario alone, on a fresh devnet (with the oracle it needs).
cmd_e2e_fleet() {
  local start=$SECONDS
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  WORK="$DEVNET_DIR/agent"
  trap cleanup EXIT
  run_step prepare "build (debug profile), artifacts, TypeScript client, devnet, deployment" e2e_prepare
  fleet_steps
  E2E_OK=1
  step "agent e2e (fleet) passed in $((SECONDS - start)) s (log $WORK/fleet.log)"
}

case "${1:-}" in
  build) cmd_build "${2:-}" ;;
  e2e) if [[ "${2:-}" == fleet ]]; then cmd_e2e_fleet; else cmd_e2e; fi ;;
  *) die "usage: scripts/agent.sh build [--static] | e2e [fleet]" ;;
esac
