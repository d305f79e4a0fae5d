//! The agent's config file (TOML): chain, contracts, keys, the service it
//! lists, its local endpoints and its policies, all plain data.

use std::path::{Path, PathBuf};

use cosmwasm_std::Uint128;
use serde::{Deserialize, Serialize};

use crate::error::{AgentError, Result};

mod template;
pub use template::{chain_section, deployment_line, template};

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

/// `path` relative to `base` (a config file's folder) unless absolute.
pub fn relative(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// A TOML file parsed, and its folder (relative paths in it are relative to it).
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, PathBuf)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AgentError::Config(format!("cannot read {}: {e}", path.display())))?;
    let parsed = toml::from_str(&text)
        .map_err(|e| AgentError::Config(format!("{}: {e}", path.display())))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    Ok((parsed, base))
}

impl ChainConfig {
    /// The deployment file (relative to `base`) fills the addresses left empty.
    pub fn resolve(&mut self, base: &Path) -> Result<()> {
        let Some(deployment) = &self.deployment else {
            return Ok(());
        };
        let deployment = relative(base, deployment);
        if self.registry.is_empty() || self.escrow.is_empty() {
            let text = std::fs::read_to_string(&deployment).map_err(|e| {
                AgentError::Config(format!("cannot read {}: {e}", deployment.display()))
            })?;
            let parsed: Deployment = serde_json::from_str(&text)?;
            if self.registry.is_empty() {
                self.registry = parsed.addresses.provider_registry;
            }
            if self.escrow.is_empty() {
                self.escrow = parsed.addresses.billing_escrow;
            }
        }
        self.deployment = Some(deployment);
        Ok(())
    }
}

impl Config {
    /// Reads and checks a config file; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<Config> {
        let (mut config, base): (Config, PathBuf) = read_toml(path)?;
        config.resolve(&base)?;
        Ok(config)
    }

    fn resolve(&mut self, base: &Path) -> Result<()> {
        self.keys.hot_mnemonic_file = relative(base, &self.keys.hot_mnemonic_file);
        self.keys.agent_key_file = self
            .keys
            .agent_key_file
            .as_deref()
            .map(|p| relative(base, p));
        self.agent.state = relative(base, &self.agent.state);
        self.agent.usage_file = self.agent.usage_file.as_deref().map(|p| relative(base, p));
        self.chain.resolve(base)?;
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
