//! The fleet's config file (TOML): the chain, the operator's hot key, the
//! fleet agent's local endpoints and policies, and one `[[providers]]` entry
//! per provider it serves (its address, its agent key, its usage file).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{chain_section, read_toml, relative, ChainConfig, Policy};
use crate::error::{AgentError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FleetConfig {
    pub chain: ChainConfig,
    pub keys: FleetKeys,
    pub fleet: FleetSettings,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub providers: Vec<FleetProvider>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FleetKeys {
    /// The operator's hot key (BIP-39 mnemonic, chmod 600): each provider
    /// names its address with `set_operator`; it signs and pays its own fees.
    pub hot_mnemonic_file: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FleetSettings {
    /// SQLite file: usage, receipts, batches in flight, outcomes.
    pub state: PathBuf,
    /// Every provider's API under `/providers/<address>/` (liveness, usage,
    /// receipts) and GET /health; 127.0.0.1 only.
    pub listen: String,
    /// GET /metrics; 127.0.0.1 only.
    pub metrics: String,
    /// Where oracles and consumers reach `listen` (a reverse proxy in front
    /// of it): each provider lists `{public_url}/providers/<address>` as its endpoint.
    pub public_url: String,
    /// Seconds between rounds (one batch per round for every lease of every provider).
    #[serde(default = "default_tick")]
    pub tick_seconds: u64,
    /// Largest gas limit of one batch transaction (more items go in another).
    #[serde(default = "default_gas_budget")]
    pub gas_budget: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FleetProvider {
    /// The provider (staking) address; it names the operator with `set_operator`.
    pub address: String,
    /// Its agent key (answers oracles' challenges for it; its public key is
    /// the registry's `agent_pubkey` of the provider), created 0600 on first use.
    pub agent_key_file: PathBuf,
    /// JSON lines its service appends: {"lease_id": 1, "units": "25"}.
    #[serde(default)]
    pub usage_file: Option<PathBuf>,
}

fn default_tick() -> u64 {
    2
}

/// The default gas budget of one batch (the oracle's for `prove_liveness`).
pub const DEFAULT_GAS_BUDGET: u64 = 20_000_000;

fn default_gas_budget() -> u64 {
    DEFAULT_GAS_BUDGET
}

impl FleetConfig {
    /// Reads and checks a fleet config; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<FleetConfig> {
        let (mut config, base): (FleetConfig, PathBuf) = read_toml(path)?;
        config.keys.hot_mnemonic_file = relative(&base, &config.keys.hot_mnemonic_file);
        config.fleet.state = relative(&base, &config.fleet.state);
        for p in &mut config.providers {
            p.agent_key_file = relative(&base, &p.agent_key_file);
            p.usage_file = p.usage_file.as_deref().map(|f| relative(&base, f));
        }
        config.chain.resolve(&base)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        if self.chain.registry.is_empty() || self.chain.escrow.is_empty() {
            return Err(AgentError::Config(
                "chain.registry and chain.escrow (or chain.deployment) are required".into(),
            ));
        }
        for (name, addr) in [
            ("fleet.listen", &self.fleet.listen),
            ("fleet.metrics", &self.fleet.metrics),
        ] {
            if !addr.starts_with("127.0.0.1:") {
                return Err(AgentError::Config(format!(
                    "{name} = {addr}: the fleet listens on 127.0.0.1 only (put a reverse proxy in front, at fleet.public_url)"
                )));
            }
        }
        if !(self.chain.gas_price > 0.0 && self.chain.gas_adjustment >= 1.0) {
            return Err(AgentError::Config(
                "chain.gas_price must be > 0 and chain.gas_adjustment ≥ 1".into(),
            ));
        }
        if self.fleet.tick_seconds == 0 || self.fleet.gas_budget == 0 {
            return Err(AgentError::Config(
                "fleet.tick_seconds and fleet.gas_budget must be > 0".into(),
            ));
        }
        let mut addresses = BTreeSet::new();
        let mut keys = BTreeSet::new();
        for p in &self.providers {
            if p.address.trim().is_empty() || !p.address.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Err(AgentError::Config(format!(
                    "[[providers]] address = {:?}: a bech32 address is expected",
                    p.address
                )));
            }
            if !addresses.insert(p.address.as_str()) {
                return Err(AgentError::Config(format!(
                    "provider {} is listed twice in [[providers]]",
                    p.address
                )));
            }
            if !keys.insert(p.agent_key_file.as_path()) {
                return Err(AgentError::Config(format!(
                    "{} is the agent key file of two providers: each provider has its own agent key",
                    p.agent_key_file.display()
                )));
            }
        }
        Ok(())
    }

    /// The endpoint `provider` lists in the registry: its routes on this fleet agent.
    pub fn endpoint_of(&self, provider: &str) -> String {
        endpoint(&self.fleet.public_url, provider)
    }
}

/// `{public_url}/providers/{provider}`: where a fleet serves one provider.
pub fn endpoint(public_url: &str, provider: &str) -> String {
    format!("{}/providers/{provider}", public_url.trim_end_matches('/'))
}

/// The commented config `depin-provider fleet init` writes (no provider yet:
/// `fleet add-provider` appends them).
pub fn template(chain_id: &str, rpc: &str, deployment: Option<&str>, public_url: &str) -> String {
    let chain = chain_section(chain_id, rpc, deployment);
    format!(
        r#"# depin-provider fleet config: one agent, one operator key, many providers.
# Relative paths are relative to this file.

{chain}
[keys]
# The operator's hot key (a BIP-39 mnemonic, chmod 600): every provider of the fleet
# names its address with `set_operator`. It signs for the whole fleet and pays its own
# fees (no authz, no fee grant): keep it funded in gas_denom.
hot_mnemonic_file = "hot.mnemonic"

[fleet]
state = "fleet.sqlite"       # usage, receipts, batches in flight (SQLite)
listen = "127.0.0.1:8740"    # /providers/<address>/liveness, /usage, /receipts; GET /health
metrics = "127.0.0.1:9740"   # GET /metrics (Prometheus)
# Where oracles and consumers reach `listen` (a reverse proxy in front of it): each
# provider lists {{public_url}}/providers/<its address> as its endpoint.
public_url = "{public_url}"
tick_seconds = 2             # one round (one batch for every lease of every provider) per tick
gas_budget = 20000000        # largest gas limit of one batch; more items go in another

[policy]
# What a round sends for each lease (the single agent's keys; heartbeats, streaming
# acceptance, stake claims and unjail are the providers' own messages, not the fleet's).
report_seconds = 30          # usage report period per metered lease (closing leases report at once)
redeem_threshold = "10000"   # redeem receipts worth this much, or held longer than:
redeem_max_hold_seconds = 300
settle_threshold = "10000"   # settle when settleable reaches this (closing leases always)
claim_rewards_threshold = "1000000"   # one claim_rewards for the fleet once its providers' pending rewards sum to this
gas_floor = "1000000"        # stop sending and warn below this operator balance

# One entry per provider, appended by `depin-provider fleet add-provider`:
# [[providers]]
# address = "wasm1..."
# agent_key_file = "providers/wasm1.../agent.key"
# usage_file = "providers/wasm1.../usage.jsonl"
"#
    )
}

/// The `[[providers]]` entry `fleet add-provider` appends, paths relative to the config.
pub fn provider_entry(address: &str, agent_key_file: &str, usage_file: &str) -> String {
    format!(
        "\n[[providers]]\naddress = \"{address}\"\nagent_key_file = \"{agent_key_file}\"\nusage_file = \"{usage_file}\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("fleet.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn addressed(text: String) -> String {
        text.replace("registry = \"\"", "registry = \"wasm1registry\"")
            .replace("escrow = \"\"", "escrow = \"wasm1escrow\"")
    }

    #[test]
    fn the_template_parses_and_providers_appended_load_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = addressed(template(
            "testing",
            "http://127.0.0.1:26657",
            None,
            "https://fleet.example.org/",
        ));
        let config: FleetConfig = toml::from_str(&text).unwrap();
        config.validate().unwrap();
        assert!(config.providers.is_empty());
        assert_eq!(config.fleet.gas_budget, DEFAULT_GAS_BUDGET);
        text.push_str(&provider_entry(
            "wasm1a",
            "providers/wasm1a/agent.key",
            "providers/wasm1a/usage.jsonl",
        ));
        text.push_str(&provider_entry("wasm1b", "b.key", "b.jsonl"));
        let config = FleetConfig::load(&write(dir.path(), &text)).unwrap();
        let addresses: Vec<_> = config
            .providers
            .iter()
            .map(|p| p.address.as_str())
            .collect();
        assert_eq!(addresses, ["wasm1a", "wasm1b"]);
        assert_eq!(
            config.providers[0].agent_key_file,
            dir.path().join("providers/wasm1a/agent.key")
        );
        assert_eq!(config.fleet.state, dir.path().join("fleet.sqlite"));
        assert_eq!(
            config.endpoint_of("wasm1a"),
            "https://fleet.example.org/providers/wasm1a"
        );
    }

    #[test]
    fn a_provider_twice_a_shared_agent_key_and_public_listeners_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let base = addressed(template("testing", "http://n:1", None, "http://x"));
        let twice = format!(
            "{base}{}{}",
            provider_entry("wasm1a", "a.key", "a.jsonl"),
            provider_entry("wasm1a", "b.key", "b.jsonl")
        );
        let err = FleetConfig::load(&write(dir.path(), &twice)).unwrap_err();
        assert!(err.to_string().contains("listed twice"), "{err}");
        let shared = format!(
            "{base}{}{}",
            provider_entry("wasm1a", "a.key", "a.jsonl"),
            provider_entry("wasm1b", "a.key", "b.jsonl")
        );
        let err = FleetConfig::load(&write(dir.path(), &shared)).unwrap_err();
        assert!(
            err.to_string()
                .contains("each provider has its own agent key"),
            "{err}"
        );
        let public = base.replace("127.0.0.1:8740", "0.0.0.0:8740");
        let err = FleetConfig::load(&write(dir.path(), &public)).unwrap_err();
        assert!(err.to_string().contains("127.0.0.1 only"), "{err}");
        let path = base.replace(
            "\n[fleet]",
            "\n[[providers]]\naddress = \"../x\"\nagent_key_file = \"k\"\n\n[fleet]",
        );
        assert!(FleetConfig::load(&write(dir.path(), &path)).is_err());
    }
}
