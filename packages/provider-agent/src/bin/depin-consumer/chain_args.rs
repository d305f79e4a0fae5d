//! The chain a consumer talks to (flags or `DEPIN_*` variables), the escrow
//! on it, and the consumer's signing queue there.

use std::path::{Path, PathBuf};

use depin_agent::chain::Chain;
use depin_agent::error::{AgentError, Result};
use depin_agent::keys::Key;
use depin_agent::queue::{QueueSettings, SigningQueue};

#[derive(clap::Args)]
pub struct ChainArgs {
    #[arg(
        long,
        env = "DEPIN_RPC",
        default_value = "http://127.0.0.1:26657",
        global = true
    )]
    rpc: String,
    #[arg(long, env = "DEPIN_CHAIN_ID", default_value = "testing", global = true)]
    pub chain_id: String,
    /// Deployment JSON (addresses.billingEscrow), or --escrow.
    #[arg(long, env = "DEPIN_DEPLOYMENT", global = true)]
    deployment: Option<PathBuf>,
    #[arg(long, env = "DEPIN_ESCROW", global = true)]
    escrow: Option<String>,
    #[arg(long, default_value_t = 0.025, global = true)]
    gas_price: f64,
    #[arg(long, default_value = "ustake", global = true)]
    gas_denom: String,
}

impl ChainArgs {
    /// `--escrow`, else `addresses.billingEscrow` of `--deployment`.
    pub fn escrow(&self) -> Result<String> {
        if let Some(e) = &self.escrow {
            return Ok(e.clone());
        }
        let path = self
            .deployment
            .as_ref()
            .ok_or_else(|| AgentError::Config("--escrow or --deployment is required".into()))?;
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        v.pointer("/addresses/billingEscrow")
            .and_then(|e| e.as_str())
            .map(str::to_string)
            .ok_or_else(|| {
                AgentError::Config(format!("{}: no addresses.billingEscrow", path.display()))
            })
    }

    /// The consumer's key (from `mnemonic`) signing for itself.
    pub fn queue(&self, mnemonic: &Path) -> Result<SigningQueue<Chain>> {
        let key = Key::from_file(mnemonic, "wasm")?;
        let settings = QueueSettings::new(&self.chain_id, self.gas_price, &self.gas_denom);
        SigningQueue::connect(&self.rpc, key, settings)
    }
}
