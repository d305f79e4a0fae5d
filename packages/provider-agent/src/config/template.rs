//! The commented config file `depin-provider init` writes.

/// The commented config `depin-provider init` writes.
pub fn template(chain_id: &str, rpc: &str, deployment: Option<&str>, provider: &str) -> String {
    let chain = chain_section(chain_id, rpc, deployment);
    format!(
        r#"# depin-provider config. Relative paths are relative to this file.

{chain}
[keys]
# The hot key the agent signs with: a file holding a BIP-39 mnemonic (chmod 600).
# `depin-provider init` created it; its address is printed by `depin-provider status`.
hot_mnemonic_file = "hot.mnemonic"
# The provider (staking) address that authorised the hot key with authz
# (ContractExecutionAuthorization on the registry and the escrow) and a fee grant.
# Empty: the hot key is the provider and signs for itself.
provider = "{provider}"
# Fees come from the provider's fee grant (fee granter = provider).
fee_grant = true
# The agent key that answers oracles' liveness challenges (its public key is on chain):
# created 0600 on first use; `depin-provider rotate-agent-key` replaces it.
agent_key_file = "agent.key"

[service]
# What `depin-provider register` lists (run it with the provider's key).
service = "storage"          # storage, compute, gpu, bandwidth, wireless, energy, sensor, other:<name>
endpoint = "<https://your.endpoint>"   # edit: register refuses these <placeholders>
region = "<region, e.g. eu-west>"
capacity_amount = "1000"
capacity_unit = "GiB"
price_denom = "uusdc"
price_per_unit = "10"
stake_amount = "5000000"
stake_denom = "ustake"

[agent]
state = "agent.sqlite"       # what was reported, held and redeemed (SQLite)
listen = "127.0.0.1:8740"    # POST /receipts (consumers), POST /usage (your service)
metrics = "127.0.0.1:9740"   # GET /metrics (Prometheus)
# JSON lines your service appends: {{"lease_id": 1, "units": "25"}} (units delivered since the last line)
usage_file = "usage.jsonl"
tick_seconds = 2

[policy]
heartbeat_seconds = 60       # mean interval, jittered ± heartbeat_jitter
heartbeat_jitter = 0.2
report_seconds = 30          # usage report period per metered lease (closing leases report at once)
accept_streaming = true      # accept streaming leases paying at least min_rate_per_second
min_rate_per_second = "1"
max_streaming_leases = 16
redeem_threshold = "10000"   # redeem receipts worth this much, or held longer than:
redeem_max_hold_seconds = 300
settle_threshold = "10000"   # settle when settleable reaches this (closing leases always)
claim_rewards_threshold = "1000000"
claim_stake_threshold = "1"
unjail = true
gas_floor = "1000000"        # stop sending and warn below this fee-payer balance
"#
    )
}

/// The `deployment = ...` line of a template (commented out without one).
/// The `[chain]` section of the agent's and the fleet's configs (both call
/// the registry and the escrow).
pub fn chain_section(chain_id: &str, rpc: &str, deployment: Option<&str>) -> String {
    let deployment_line = deployment_line(deployment);
    format!(
        r#"[chain]
# CometBFT RPC of a node you trust (queries, simulation, broadcast).
rpc = "{rpc}"
chain_id = "{chain_id}"
prefix = "wasm"
# fee = ceil(gas × gas_price) in gas_denom; gas = simulated gas × gas_adjustment.
gas_price = 0.025
gas_denom = "ustake"
gas_adjustment = 1.4
# Contract addresses: from a deployment JSON (scripts/deploy.sh writes one), or set
# registry and escrow explicitly.
{deployment_line}
registry = ""
escrow = ""
"#
    )
}

pub fn deployment_line(deployment: Option<&str>) -> String {
    match deployment {
        Some(path) => format!("deployment = \"{path}\""),
        None => "# deployment = \"/path/to/deployment.json\"".into(),
    }
}
