//! `depin-provider fleet status`: the operator and its balance, each
//! provider of the config — registered, naming the operator, listing the
//! fleet's endpoint and agent key, its liveness and pending rewards — the
//! providers that name the operator but are not in the config, and the
//! local state, as JSON. It creates nothing.

use std::path::PathBuf;

use cosmwasm_std::{Binary, Uint128};
use depin_agent::agent_key::AgentKey;
use depin_agent::chain::Chain;
use depin_agent::error::Result;
use depin_agent::fleet::shared::providers_by_operator;
use depin_agent::fleet::FleetConfig;
use depin_agent::keys::Key;
use depin_agent::store::Store;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry::{ProviderResponse, QueryMsg};
use serde_json::{json, Value};

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = FleetConfig::load(&args.config)?;
    let operator = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?.address;
    let chain = Chain::new(&config.chain.rpc)?;
    chain.check_chain_id(&config.chain.chain_id).await?;
    let balance = chain.balance(&operator, &config.chain.gas_denom).await?;
    let serving = providers_by_operator(&chain, &config.chain.registry, &operator).await?;
    let mut providers = Vec::with_capacity(config.providers.len());
    for p in &config.providers {
        let record: Result<ProviderResponse> = chain
            .smart(
                &config.chain.registry,
                &QueryMsg::Provider {
                    address: p.address.clone(),
                },
            )
            .await;
        // A status creates no key: a missing file is said so.
        let local = if p.agent_key_file.exists() {
            Some(Binary::from(
                AgentKey::load(&p.agent_key_file)?.public_key(),
            ))
        } else {
            None
        };
        let endpoint = config.endpoint_of(&p.address);
        let mut entry = json!({
            "address": p.address,
            "endpoint": endpoint,
            "usage_file": p.usage_file,
            "agent_key": {"file": p.agent_key_file, "public_key": local},
            "names_operator": serving.contains_key(&p.address),
        });
        match &record {
            Ok(r) => {
                entry["registered"] = json!(true);
                entry["status"] = json!(r.status);
                entry["endpoint_listed"] = json!(r.endpoint == endpoint);
                entry["agent_key"]["on_chain"] = json!(r.agent_pubkey);
                entry["agent_key"]["registered"] =
                    json!(local.is_some() && local == r.agent_pubkey);
                entry["liveness"] = json!({
                    "last_proven_epoch": r.reputation.last_proven_epoch,
                    "proven_epochs": r.reputation.proven_epochs,
                    "missed_epochs": r.reputation.missed_epochs,
                    "unproven_rewards": r.unproven_rewards,
                });
                entry["pending_rewards"] = json!(r.pending_rewards);
            }
            Err(e) => {
                entry["registered"] = json!(false);
                entry["registry_error"] = json!(e.to_string());
            }
        }
        providers.push(entry);
    }
    let strangers: Vec<&String> = serving
        .keys()
        .filter(|a| !config.providers.iter().any(|p| &p.address == *a))
        .collect();
    let mut out = json!({
        "operator": operator,
        "operator_balance": Uint128::new(balance),
        "gas_floor": config.policy.gas_floor,
        "public_url": config.fleet.public_url,
        "providers": providers,
        "serving": config.providers.iter().filter(|p| serving.contains_key(&p.address)).count(),
        "not_in_config": strangers,
    });
    local_state(&config, &mut out)?;
    print(out);
    Ok(())
}

/// What the state file holds, when there is one (a status never creates it).
fn local_state(config: &FleetConfig, out: &mut Value) -> Result<()> {
    if !config.fleet.state.exists() {
        out["state"] = json!(format!(
            "{} does not exist yet (`depin-provider fleet run` creates it)",
            config.fleet.state.display()
        ));
        return Ok(());
    }
    let store = Store::open(&config.fleet.state)?;
    let (held, redeemed) = store.receipt_totals()?;
    out["receipt_units_held"] = json!(Uint128::new(held));
    out["receipt_units_redeemed"] = json!(Uint128::new(redeemed));
    out["pending_batches"] = json!(store.pending_batches()?.len());
    out["batches_committed"] = json!(store.tx_count(TxKind::Batch, true)?);
    out["claims_committed"] = json!(store.tx_count(TxKind::ClaimRewards, true)?);
    Ok(())
}
