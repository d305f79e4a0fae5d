//! `depin-provider fleet set-operator`: the provider names the fleet's
//! operator (`set_operator`, signed by the provider's key). When the registry
//! lists another endpoint or agent key for it than the fleet's, the same
//! transaction sends `update_provider` with the fleet's (the fleet answers its
//! oracles' challenges). `--print` prints the wasmd commands instead.

use std::path::PathBuf;

use cosmwasm_std::Binary;
use depin_agent::agent_key::AgentKey;
use depin_agent::chain::Chain;
use depin_agent::error::{AgentError, Result};
use depin_agent::fleet::config::FleetProvider;
use depin_agent::fleet::FleetConfig;
use depin_agent::keys::Key;
use depin_agent::queue::{Call, QueueSettings, SigningQueue};
use depin_agent::tx_kind::TxKind;
use depin_agent::wasmd_cli;
use depin_interface::registry::{ExecuteMsg, ProviderResponse, QueryMsg, UpdateProviderMsg};

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
    /// The provider (with --print; otherwise the mnemonic's address).
    #[arg(long)]
    provider: Option<String>,
    /// File with the provider's mnemonic (set_operator is the provider's own message).
    #[arg(long)]
    provider_mnemonic_file: Option<PathBuf>,
    /// Print the wasmd commands (for a provider key in a keyring or on a Ledger) instead of sending.
    #[arg(long)]
    print: bool,
}

/// The fleet's endpoint and agent key for `entry`, when the registry lists others.
fn update_for(
    config: &FleetConfig,
    entry: &FleetProvider,
    record: Option<&ProviderResponse>,
) -> Result<Option<(String, Binary)>> {
    let key = Binary::from(AgentKey::load_or_create(&entry.agent_key_file)?.public_key());
    let endpoint = config.endpoint_of(&entry.address);
    Ok(match record {
        Some(r) if r.endpoint == endpoint && r.agent_pubkey.as_ref() == Some(&key) => None,
        Some(_) => Some((endpoint, key)),
        None => None,
    })
}

async fn record(chain: &Chain, config: &FleetConfig, provider: &str) -> Result<ProviderResponse> {
    chain
        .smart(
            &config.chain.registry,
            &QueryMsg::Provider {
                address: provider.to_string(),
            },
        )
        .await
        .map_err(|e| {
            AgentError::Config(format!(
                "{provider} is not readable in the registry ({e}): register it first, with the endpoint and agent key `fleet add-provider` printed"
            ))
        })
}

pub async fn run(args: Args) -> Result<()> {
    let config = FleetConfig::load(&args.config)?;
    let operator = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?.address;
    let chain = Chain::new(&config.chain.rpc)?;
    let provider_key = match (&args.provider_mnemonic_file, args.print) {
        (Some(file), false) => Some(Key::from_file(file, &config.chain.prefix)?),
        _ => None,
    };
    let provider = match (&provider_key, &args.provider) {
        (Some(key), Some(named)) if &key.address != named => {
            return Err(AgentError::Config(format!(
                "the mnemonic is {}'s, not {named}'s",
                key.address
            )))
        }
        (Some(key), _) => key.address.clone(),
        (None, Some(named)) => named.clone(),
        (None, None) => {
            return Err(AgentError::Config(
                "name the provider: --provider-mnemonic-file <file> (sends), or --provider <address> --print".into(),
            ))
        }
    };
    let entry = config
        .providers
        .iter()
        .find(|p| p.address == provider)
        .ok_or_else(|| {
            AgentError::Config(format!(
                "{provider} is not in {}: add it first (`depin-provider fleet add-provider`)",
                args.config.display()
            ))
        })?;
    let Some(key) = provider_key else {
        // Printing: the update is named only when the registry can be read and differs.
        let record = chain
            .smart::<_, ProviderResponse>(
                &config.chain.registry,
                &QueryMsg::Provider {
                    address: provider.clone(),
                },
            )
            .await
            .ok();
        let update = update_for(&config, entry, record.as_ref())?;
        let update = update.as_ref().map(|(e, k)| (e.as_str(), k.to_base64()));
        println!(
            "{}",
            wasmd_cli::set_operator_commands(
                &config.chain.registry,
                &operator,
                &config.chain.chain_id,
                &config.chain.rpc,
                update.as_ref().map(|(e, k)| (*e, k.as_str())),
            )
        );
        return Ok(());
    };
    chain.check_chain_id(&config.chain.chain_id).await?;
    let record = record(&chain, &config, &provider).await?;
    let mut calls = Vec::new();
    let update = update_for(&config, entry, Some(&record))?;
    if let Some((endpoint, agent_pubkey)) = &update {
        let msg = ExecuteMsg::UpdateProvider(UpdateProviderMsg {
            endpoint: Some(endpoint.clone()),
            agent_pubkey: Some(agent_pubkey.clone()),
            ..UpdateProviderMsg::default()
        });
        calls.push(Call::new(&config.chain.registry, &msg)?);
    }
    let named = record.operator.as_ref().map(|o| o.as_str()) == Some(operator.as_str());
    if !named {
        let msg = ExecuteMsg::SetOperator {
            operator: Some(operator.clone()),
        };
        calls.push(Call::new(&config.chain.registry, &msg)?);
    }
    if calls.is_empty() {
        print(
            serde_json::json!({"provider": provider, "operator": operator, "named": true, "tx": null}),
        );
        return Ok(());
    }
    let mut queue = SigningQueue::connect(
        &config.chain.rpc,
        key,
        QueueSettings::own_key(&config.chain),
    )?;
    let c = queue
        .submit(TxKind::SetOperator, &calls, &mut |_| Ok(()))
        .await?;
    print(serde_json::json!({
        "provider": provider, "operator": operator, "named": true,
        "updated": update.map(|(endpoint, agent_pubkey)| serde_json::json!({"endpoint": endpoint, "agent_pubkey": agent_pubkey})),
        "tx": c.hash, "height": c.height,
    }));
    Ok(())
}
