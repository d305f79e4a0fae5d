//! The agent's config file (TOML): chain, contracts, keys, the service it
//! lists, its local endpoints and its policies, all plain data.

use std::path::{Path, PathBuf};

use cosmwasm_std::Uint128;
use serde::{Deserialize, Serialize};

use crate::error::{AgentError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub chain: ChainConfig,
    pub keys: KeysConfig,
    pub service: ServiceConfig,
    pub agent: AgentConfig,
    #[serde(default)]
    pub policy: Policy,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    pub rpc: String,
    pub chain_id: String,
    /// Bech32 prefix of addresses.
    #[serde(default = "default_prefix")]
    pub prefix: String,
    /// Gas price amount (a decimal) and denom: fee = ceil(gas × price).
    pub gas_price: f64,
    pub gas_denom: String,
    /// Gas limit = simulated gas × this.
    #[serde(default = "default_gas_adjustment")]
    pub gas_adjustment: f64,
    /// A deployment JSON written by scripts/deploy.sh (addresses.providerRegistry,
    /// addresses.billingEscrow); read when the addresses below are empty.
    #[serde(default)]
    pub deployment: Option<PathBuf>,
    #[serde(default)]
    pub registry: String,
    #[serde(default)]
    pub escrow: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// File with the hot key's BIP-39 mnemonic (derivation m/44'/118'/0'/0/0).
    pub hot_mnemonic_file: PathBuf,
    /// The provider (staking) address the hot key acts for through authz.
    /// Empty: the hot key is the provider itself and signs directly.
    #[serde(default)]
    pub provider: String,
    /// Pay fees from the provider's fee grant (fee granter = provider).
    #[serde(default = "yes")]
    pub fee_grant: bool,
    /// The agent key (signs oracles' liveness challenges); default `agent.key`
    /// beside the hot key's file, created 0600 on first use.
    #[serde(default)]
    pub agent_key_file: Option<PathBuf>,
}

impl KeysConfig {
    /// The agent key's file: `agent_key_file`, or `agent.key` beside the hot key.
    pub fn agent_key_path(&self) -> PathBuf {
        self.agent_key_file
            .clone()
            .unwrap_or_else(|| self.hot_mnemonic_file.with_file_name("agent.key"))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// storage, compute, gpu, bandwidth, wireless, energy, sensor or other:<name>.
    pub service: String,
    pub endpoint: String,
    pub region: String,
    pub capacity_amount: Uint128,
    pub capacity_unit: String,
    pub price_denom: String,
    pub price_per_unit: Uint128,
    /// Stake sent with `register` (in the registry's stake denom, native).
    pub stake_amount: Uint128,
    pub stake_denom: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// SQLite file holding what was reported, held and redeemed.
    pub state: PathBuf,
    /// Receipts (POST /receipts) and usage push (POST /usage); 127.0.0.1 only.
    pub listen: String,
    /// Prometheus metrics (GET /metrics); 127.0.0.1 only.
    pub metrics: String,
    /// JSON-lines file the service appends usage to: {"lease_id":1,"units":"10"}.
    #[serde(default)]
    pub usage_file: Option<PathBuf>,
    /// Seconds between passes over the leases.
    #[serde(default = "default_tick")]
    pub tick_seconds: u64,
}

/// The policies: when to act, as plain data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Mean seconds between heartbeats, jittered by ± `heartbeat_jitter` (a fraction).
    pub heartbeat_seconds: u64,
    pub heartbeat_jitter: f64,
    /// Seconds between usage reports of one metered lease (a closing lease reports at once).
    pub report_seconds: u64,
    /// Accept pending streaming leases whose rate is at least `min_rate_per_second`,
    /// in the listed denom, while fewer than `max_streaming_leases` stream.
    pub accept_streaming: bool,
    pub min_rate_per_second: Uint128,
    pub max_streaming_leases: u32,
    /// Redeem held receipts once their unredeemed value reaches this (lease denom),
    /// or after `redeem_max_hold_seconds`, and always at once when the lease is closing.
    pub redeem_threshold: Uint128,
    pub redeem_max_hold_seconds: u64,
    /// Settle a lease once `settleable` reaches this; a closing lease is settled
    /// whenever something is payable or its close can complete.
    pub settle_threshold: Uint128,
    /// Claim rewards (reward token units) and matured stake claims above these.
    pub claim_rewards_threshold: Uint128,
    pub claim_stake_threshold: Uint128,
    /// Send `unjail` once the jail ends.
    pub unjail: bool,
    /// Stop sending (and warn) while the fee payer holds less gas denom than this.
    pub gas_floor: Uint128,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            heartbeat_seconds: 60,
            heartbeat_jitter: 0.2,
            report_seconds: 30,
            accept_streaming: true,
            min_rate_per_second: Uint128::one(),
            max_streaming_leases: 16,
            redeem_threshold: Uint128::new(10_000),
            redeem_max_hold_seconds: 300,
            settle_threshold: Uint128::new(10_000),
            claim_rewards_threshold: Uint128::new(1_000_000),
            claim_stake_threshold: Uint128::one(),
            unjail: true,
            gas_floor: Uint128::new(1_000_000),
        }
    }
}

fn default_prefix() -> String {
    "wasm".into()
}
fn default_gas_adjustment() -> f64 {
    1.4
}
fn default_tick() -> u64 {
    2
}
fn yes() -> bool {
    true
}

impl ServiceConfig {
    /// The keys that still hold a `<placeholder>` of the template: `register`
    /// refuses to list them.
    pub fn placeholders(&self) -> Vec<&'static str> {
        [
            ("service", &self.service),
            ("endpoint", &self.endpoint),
            ("region", &self.region),
            ("capacity_unit", &self.capacity_unit),
            ("price_denom", &self.price_denom),
        ]
        .into_iter()
        .filter(|(_, v)| v.contains('<') || v.contains('>') || v.trim().is_empty())
        .map(|(k, _)| k)
        .collect()
    }
}

/// The addresses in a deployment JSON of scripts/deploy.sh.
#[derive(Deserialize)]
struct Deployment {
    addresses: DeploymentAddresses,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentAddresses {
    provider_registry: String,
    billing_escrow: String,
}

impl Config {
    /// Reads and checks a config file; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AgentError::Config(format!("cannot read {}: {e}", path.display())))?;
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| AgentError::Config(format!("{}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve(base)?;
        Ok(config)
    }

    fn resolve(&mut self, base: &Path) -> Result<()> {
        let rel = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        self.keys.hot_mnemonic_file = rel(&self.keys.hot_mnemonic_file);
        self.keys.agent_key_file = self.keys.agent_key_file.as_deref().map(rel);
        self.agent.state = rel(&self.agent.state);
        self.agent.usage_file = self.agent.usage_file.as_deref().map(rel);
        if let Some(deployment) = &self.chain.deployment {
            let deployment = rel(deployment);
            if self.chain.registry.is_empty() || self.chain.escrow.is_empty() {
                let text = std::fs::read_to_string(&deployment).map_err(|e| {
                    AgentError::Config(format!("cannot read {}: {e}", deployment.display()))
                })?;
                let parsed: Deployment = serde_json::from_str(&text)?;
                if self.chain.registry.is_empty() {
                    self.chain.registry = parsed.addresses.provider_registry;
                }
                if self.chain.escrow.is_empty() {
                    self.chain.escrow = parsed.addresses.billing_escrow;
                }
            }
            self.chain.deployment = Some(deployment);
        }
        self.validate()
    }

    pub fn validate(&self) -> Result<()> {
        if self.chain.registry.is_empty() || self.chain.escrow.is_empty() {
            return Err(AgentError::Config(
                "chain.registry and chain.escrow (or chain.deployment) are required".into(),
            ));
        }
        for (name, addr) in [
            ("agent.listen", &self.agent.listen),
            ("agent.metrics", &self.agent.metrics),
        ] {
            if !addr.starts_with("127.0.0.1:") {
                return Err(AgentError::Config(format!(
                    "{name} = {addr}: the agent listens on 127.0.0.1 only (put a reverse proxy in front)"
                )));
            }
        }
        if !(self.chain.gas_price > 0.0 && self.chain.gas_adjustment >= 1.0) {
            return Err(AgentError::Config(
                "chain.gas_price must be > 0 and chain.gas_adjustment ≥ 1".into(),
            ));
        }
        if !(0.0..1.0).contains(&self.policy.heartbeat_jitter) || self.policy.heartbeat_seconds == 0
        {
            return Err(AgentError::Config(
                "policy.heartbeat_seconds must be > 0 and heartbeat_jitter in [0, 1)".into(),
            ));
        }
        if self.agent.tick_seconds == 0 {
            return Err(AgentError::Config("agent.tick_seconds must be > 0".into()));
        }
        Ok(())
    }
}

/// The commented config `depin-provider init` writes.
pub fn template(chain_id: &str, rpc: &str, deployment: Option<&str>, provider: &str) -> String {
    let deployment_line = match deployment {
        Some(path) => format!("deployment = \"{path}\""),
        None => "# deployment = \"/path/to/deployment.json\"".into(),
    };
    format!(
        r#"# depin-provider config. Relative paths are relative to this file.

[chain]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_defaults_match_the_policy_defaults() {
        let text = template("testing", "http://127.0.0.1:26657", None, "wasm1provider");
        let mut config: Config = toml::from_str(&text).unwrap();
        assert_eq!(config.keys.provider, "wasm1provider");
        // Addresses are required before the agent runs.
        assert!(config.validate().is_err());
        config.chain.registry = "wasm1registry".into();
        config.chain.escrow = "wasm1escrow".into();
        config.validate().unwrap();
        assert_eq!(config.policy, Policy::default());
    }

    #[test]
    fn the_templates_service_is_placeholders_until_edited() {
        let text = template("testing", "http://127.0.0.1:26657", None, "");
        let mut config: Config = toml::from_str(&text).unwrap();
        assert_eq!(config.service.placeholders(), vec!["endpoint", "region"]);
        config.service.endpoint = "https://storage.example.org".into();
        config.service.region = "eu-west".into();
        assert!(config.service.placeholders().is_empty());
    }

    #[test]
    fn listeners_outside_loopback_are_refused() {
        let text = template("testing", "http://127.0.0.1:26657", None, "");
        let mut config: Config = toml::from_str(&text).unwrap();
        config.chain.registry = "r".into();
        config.chain.escrow = "e".into();
        config.agent.listen = "0.0.0.0:8740".into();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("127.0.0.1 only"), "{err}");
    }

    #[test]
    fn deployment_file_fills_the_addresses() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deployment.json"),
            r#"{"addresses":{"providerRegistry":"wasm1reg","billingEscrow":"wasm1esc","dao":"x"}}"#,
        )
        .unwrap();
        let text = template(
            "testing",
            "http://127.0.0.1:26657",
            Some("deployment.json"),
            "",
        );
        let path = dir.path().join("agent.toml");
        std::fs::write(&path, text).unwrap();
        let mut config = Config::load(&path).unwrap();
        assert_eq!(config.chain.registry, "wasm1reg");
        assert_eq!(config.chain.escrow, "wasm1esc");
        assert_eq!(config.agent.state, dir.path().join("agent.sqlite"));
        assert_eq!(config.keys.agent_key_path(), dir.path().join("agent.key"));
        // A config written before the agent key: agent.key beside the hot key.
        config.keys.agent_key_file = None;
        assert_eq!(config.keys.agent_key_path(), dir.path().join("agent.key"));
    }
}
