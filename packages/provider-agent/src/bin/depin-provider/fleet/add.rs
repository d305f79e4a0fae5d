//! `depin-provider fleet add-provider`: a provider joins the fleet's config:
//! its agent key (created 0600), its usage file's place, its `[[providers]]`
//! entry; prints what it lists in the registry (endpoint, agent key).

use std::io::Write;
use std::path::PathBuf;

use cosmwasm_std::Binary;
use depin_agent::agent_key::AgentKey;
use depin_agent::error::{AgentError, Result};
use depin_agent::fleet::config::provider_entry;
use depin_agent::fleet::FleetConfig;
use depin_agent::keys::Key;

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
    /// The provider (staking) address.
    #[arg(long)]
    provider: String,
}

pub fn run(args: Args) -> Result<()> {
    let config = FleetConfig::load(&args.config)?;
    let provider = args.provider.trim().to_string();
    let valid = provider
        .parse::<cosmrs::AccountId>()
        .is_ok_and(|a| a.prefix() == config.chain.prefix);
    if !valid {
        return Err(AgentError::Config(format!(
            "{provider} is not an address of this chain (prefix {})",
            config.chain.prefix
        )));
    }
    if config.providers.iter().any(|p| p.address == provider) {
        return Err(AgentError::Config(format!(
            "{provider} is in {} already",
            args.config.display()
        )));
    }
    let hot = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    if hot.address == provider {
        return Err(AgentError::Config(format!(
            "{provider} is the fleet's operator: a provider names the operator, it is not one"
        )));
    }
    let base = args
        .config
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let dir = format!("providers/{provider}");
    std::fs::create_dir_all(base.join(&dir))?;
    let key_file = format!("{dir}/agent.key");
    let usage_file = format!("{dir}/usage.jsonl");
    let key = AgentKey::load_or_create(&base.join(&key_file))?;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&args.config)?;
    file.write_all(provider_entry(&provider, &key_file, &usage_file).as_bytes())?;
    file.sync_all()?;
    // The config as it is now still loads.
    FleetConfig::load(&args.config)?;
    print(serde_json::json!({
        "provider": provider,
        "operator": hot.address,
        "endpoint": config.endpoint_of(&provider),
        "agent_pubkey": Binary::from(key.public_key()),
        "agent_key_file": base.join(&key_file),
        "usage_file": base.join(&usage_file),
        "next": "register the provider (or update it) with this endpoint and agent key, and name the operator: `depin-provider fleet set-operator` (the provider's key)",
    }));
    Ok(())
}
