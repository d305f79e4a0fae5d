//! `depin-provider register`: the provider's key registers the `[service]`
//! of the config with its stake and the agent key (created on first use).

use std::path::PathBuf;

use cosmwasm_std::Binary;
use depin_agent::agent_key::AgentKey;
use depin_agent::error::{AgentError, Result};
use depin_agent::queue::Call;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry::{self, Capacity, Price, RegisterMsg, Service};
use depin_interface::UncheckedDenom;

use crate::output::print;
use crate::signers::{checked_config, provider_queue};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
    #[arg(long)]
    provider_mnemonic_file: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = checked_config(&args.config).await?;
    let placeholders = config.service.placeholders();
    if !placeholders.is_empty() {
        return Err(AgentError::Config(format!(
            "[service] in {} still holds the template's placeholders ({}): edit them to what you list, then register",
            args.config.display(),
            placeholders.join(", ")
        )));
    }
    let mut queue = provider_queue(&config, &args.provider_mnemonic_file)?;
    let agent_key =
        Binary::from(AgentKey::load_or_create(&config.keys.agent_key_path())?.public_key());
    let s = &config.service;
    let msg = registry::ExecuteMsg::Register(RegisterMsg {
        service: Service::parse(&s.service),
        endpoint: s.endpoint.clone(),
        region: s.region.clone(),
        capacity: Capacity {
            amount: s.capacity_amount,
            unit: s.capacity_unit.clone(),
        },
        prices: vec![Price {
            denom: UncheckedDenom::Native(s.price_denom.clone()),
            per_unit: s.price_per_unit,
        }],
        metadata_uri: None,
        agent_pubkey: Some(agent_key.clone()),
    });
    let mut call = Call::new(&config.chain.registry, &msg)?;
    call.funds = vec![(s.stake_denom.clone(), s.stake_amount.u128())];
    let c = queue
        .submit(TxKind::Register, &[call], &mut |_| Ok(()))
        .await?;
    print(
        serde_json::json!({"registered": queue.address(), "agent_pubkey": agent_key, "tx": c.hash, "height": c.height}),
    );
    Ok(())
}
