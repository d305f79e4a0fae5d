//! The two keys a subcommand signs with, each with its queue settings.

use std::path::Path;

use depin_agent::chain::Chain;
use depin_agent::config::Config;
use depin_agent::error::Result;
use depin_agent::keys::Key;
use depin_agent::queue::{QueueSettings, SigningQueue};

/// The config file, its node checked to be of its chain: a node of another
/// chain is refused before anything is signed.
pub async fn checked_config(path: &Path) -> Result<Config> {
    let config = Config::load(path)?;
    Chain::new(&config.chain.rpc)?
        .check_chain_id(&config.chain.chain_id)
        .await?;
    Ok(config)
}

/// The provider's own key, read from `mnemonic_file` (grant, register).
pub fn provider_queue(config: &Config, mnemonic_file: &Path) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(mnemonic_file, &config.chain.prefix)?;
    let settings = QueueSettings::own_key(&config.chain);
    SigningQueue::connect(&config.chain.rpc, key, settings)
}

/// The agent's hot key, acting for the provider as `run` does.
pub fn hot_queue(config: &Config) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    let settings = QueueSettings::hot_key(config, &key.address);
    SigningQueue::connect(&config.chain.rpc, key, settings)
}
