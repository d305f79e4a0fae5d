//! The oracle's config file (TOML): the chain and registry, the oracle
//! address and the hot key it granted, its state and metrics, and how it
//! challenges (concurrency, timeout, attempts) and submits (gas budget).

use std::path::{Path, PathBuf};

use cosmwasm_std::Uint128;
use serde::{Deserialize, Serialize};

use crate::config::{deployment_line, read_toml, relative, ChainConfig};
use crate::error::{AgentError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OracleConfig {
    pub chain: ChainConfig,
    pub keys: OracleKeys,
    pub oracle: OracleSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OracleKeys {
    /// File with the hot key's BIP-39 mnemonic (chmod 600).
    pub hot_mnemonic_file: PathBuf,
    /// The oracle address (in the registry's `oracles`) that granted the hot
    /// key `prove_liveness` through authz; empty: the hot key is the oracle.
    #[serde(default)]
    pub oracle: String,
    /// Fees come from the oracle's fee grant.
    #[serde(default = "yes")]
    pub fee_grant: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OracleSettings {
    /// SQLite file: answers, misses and batches.
    pub state: PathBuf,
    /// GET /metrics and GET /health; 127.0.0.1 only.
    pub metrics: String,
    /// Challenges in flight at once.
    pub concurrency: usize,
    /// Milliseconds an agent has to answer one challenge.
    pub timeout_ms: u64,
    /// Challenges per provider and epoch before it counts as missed.
    pub attempts: u32,
    /// Largest gas limit of one `prove_liveness` transaction.
    pub gas_budget: u64,
    /// Seconds between passes (challenge, submit, resolve).
    pub tick_seconds: u64,
    /// Providers read per `providers` query.
    pub page_limit: u32,
    /// Stop sending (and warn) while the fee payer holds less than this.
    pub gas_floor: Uint128,
}

impl Default for OracleSettings {
    fn default() -> Self {
        OracleSettings {
            state: PathBuf::from("oracle.sqlite"),
            metrics: "127.0.0.1:9750".into(),
            concurrency: 16,
            timeout_ms: 2000,
            attempts: 3,
            gas_budget: 20_000_000,
            tick_seconds: 1,
            page_limit: 30,
            gas_floor: Uint128::new(1_000_000),
        }
    }
}

fn yes() -> bool {
    true
}

/// The commented config `depin-oracle init` writes.
pub fn template(chain_id: &str, rpc: &str, deployment: Option<&str>, oracle: &str) -> String {
    let deployment_line = deployment_line(deployment);
    format!(
        r#"# depin-oracle config. Relative paths are relative to this file.

[chain]
rpc = "{rpc}"
chain_id = "{chain_id}"
prefix = "wasm"
gas_price = 0.025
gas_denom = "ustake"
gas_adjustment = 1.4
# The registry's address: from a deployment JSON, or set registry explicitly.
{deployment_line}
registry = ""

[keys]
# The hot key that signs the batches (a BIP-39 mnemonic, chmod 600).
hot_mnemonic_file = "hot.mnemonic"
# The oracle address (listed in the registry's oracles) that granted the hot key
# prove_liveness through authz and a fee grant (`depin-oracle grant`).
oracle = "{oracle}"
fee_grant = true

[oracle]
state = "oracle.sqlite"      # answers, misses and batches (SQLite)
metrics = "127.0.0.1:9750"   # GET /metrics (Prometheus), GET /health
concurrency = 16             # challenges in flight at once
timeout_ms = 2000            # an agent's time to answer one challenge
attempts = 3                 # challenges per provider and epoch, spread over the epoch
gas_budget = 20000000        # largest gas limit of one prove_liveness batch
tick_seconds = 1
page_limit = 30
gas_floor = "1000000"        # stop sending and warn below this fee-payer balance
"#
    )
}

impl OracleConfig {
    /// Reads and checks a config file; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<OracleConfig> {
        let (mut config, base): (OracleConfig, PathBuf) = read_toml(path)?;
        config.keys.hot_mnemonic_file = relative(&base, &config.keys.hot_mnemonic_file);
        config.oracle.state = relative(&base, &config.oracle.state);
        config.chain.resolve(&base)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        if self.chain.registry.is_empty() {
            return Err(AgentError::Config(
                "chain.registry (or chain.deployment) is required".into(),
            ));
        }
        if !self.oracle.metrics.starts_with("127.0.0.1:") {
            return Err(AgentError::Config(format!(
                "oracle.metrics = {}: the oracle listens on 127.0.0.1 only",
                self.oracle.metrics
            )));
        }
        let o = &self.oracle;
        if o.concurrency == 0 || o.attempts == 0 || o.tick_seconds == 0 || o.page_limit == 0 {
            return Err(AgentError::Config(
                "oracle.concurrency, attempts, tick_seconds and page_limit must be > 0".into(),
            ));
        }
        if !(self.chain.gas_price > 0.0 && self.chain.gas_adjustment >= 1.0) {
            return Err(AgentError::Config(
                "chain.gas_price must be > 0 and chain.gas_adjustment ≥ 1".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_with_the_defaults() {
        let text = template("testing", "http://127.0.0.1:26657", None, "wasm1oracle");
        let mut config: OracleConfig = toml::from_str(&text).unwrap();
        assert_eq!(config.oracle, OracleSettings::default());
        assert!(config.validate().is_err(), "the registry is required");
        config.chain.registry = "wasm1reg".into();
        config.validate().unwrap();
    }

    #[test]
    fn a_minimal_config_loads_with_the_defaults_and_paths_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deployment.json"),
            r#"{"addresses":{"providerRegistry":"wasm1reg","billingEscrow":"wasm1esc"}}"#,
        )
        .unwrap();
        let path = dir.path().join("oracle.toml");
        std::fs::write(
            &path,
            r#"
[chain]
rpc = "http://127.0.0.1:26657"
chain_id = "testing"
gas_price = 0.025
gas_denom = "ustake"
deployment = "deployment.json"
[keys]
hot_mnemonic_file = "oracle-hot.mnemonic"
oracle = "wasm1oracle"
[oracle]
metrics = "127.0.0.1:9750"
"#,
        )
        .unwrap();
        let config = OracleConfig::load(&path).unwrap();
        assert_eq!(config.chain.registry, "wasm1reg");
        assert_eq!(config.oracle.state, dir.path().join("oracle.sqlite"));
        assert_eq!(config.oracle.attempts, 3);
        let mut bad = config.clone();
        bad.oracle.metrics = "0.0.0.0:9750".into();
        assert!(bad.validate().is_err());
    }
}
