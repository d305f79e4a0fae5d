//! `depin-provider status`: the provider's record, the hot key, the agent
//! key and the provider's liveness, the fee payer's balance, the grants
//! missing and the local state, as JSON. It
//! creates nothing: no state file is made for a provider not registered yet,
//! nor by a status before the first `run`.

use std::path::PathBuf;

use cosmwasm_std::Binary;
use cosmwasm_std::Uint128;
use depin_agent::agent_key::{next_path, AgentKey};
use depin_agent::chain::Chain;
use depin_agent::config::Config;
use depin_agent::error::{AgentError, Result};
use depin_agent::grants;
use depin_agent::store::Store;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry;
use serde_json::{json, Value};

use crate::output::print;
use crate::signers::hot_queue;

/// True when the registry does not know the provider: its query answers
/// "type: depin_provider_registry::state::Provider; key: [..] not found" (or,
/// from an execute, "… is not a registered provider").
fn not_registered(error: &AgentError) -> bool {
    let text = error.to_string();
    text.contains("is not a registered provider")
        || (text.contains("::state::Provider;") && text.contains("not found"))
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = Config::load(&args.config)?;
    let queue = hot_queue(&config)?;
    let chain = Chain::new(&config.chain.rpc)?;
    chain.check_chain_id(&config.chain.chain_id).await?;
    let record: Result<registry::ProviderResponse> = chain
        .smart(
            &config.chain.registry,
            &registry::QueryMsg::Provider {
                address: queue.sender().to_string(),
            },
        )
        .await;
    if let Err(e) = &record {
        if not_registered(e) {
            print(json!({
                "provider": queue.sender(),
                "hot_key": queue.address(),
                "registered": Value::Null,
                "next": format!(
                    "not registered yet — run `depin-provider register -c {} --provider-mnemonic-file <file>` (after editing [service])",
                    args.config.display()
                ),
            }));
            return Ok(());
        }
    }
    let balance = chain
        .balance(queue.fee_payer(), &config.chain.gas_denom)
        .await?;
    let missing = if queue.sender() == queue.address() {
        vec![]
    } else {
        grants::missing(
            &chain,
            queue.sender(),
            queue.address(),
            &config.chain.registry,
            &config.chain.escrow,
            config.keys.fee_grant,
        )
        .await?
    };
    let mut out = json!({
        "provider": queue.sender(),
        "hot_key": queue.address(),
        "fee_payer": queue.fee_payer(),
        "fee_payer_balance": Uint128::new(balance),
        "gas_floor": config.policy.gas_floor,
        "grants_missing": missing,
        "registered": record.as_ref().ok(),
        "registry_error": record.as_ref().err().map(|e| e.to_string()),
    });
    if let Ok(record) = &record {
        out["agent_key"] = agent_key(&config, record)?;
        out["liveness"] = json!({
            "last_proven_epoch": record.reputation.last_proven_epoch,
            "proven_epochs": record.reputation.proven_epochs,
            "missed_epochs": record.reputation.missed_epochs,
            "unproven_rewards": record.unproven_rewards,
        });
    }
    local_state(&config, &mut out)?;
    print(out);
    Ok(())
}

/// The agent key's file and public key, and whether the registry holds it
/// (a status creates no key: a missing file is said so).
fn agent_key(config: &Config, record: &registry::ProviderResponse) -> Result<Value> {
    let file = config.keys.agent_key_path();
    let local = if file.exists() {
        Some(Binary::from(AgentKey::load(&file)?.public_key()))
    } else {
        None
    };
    Ok(json!({
        "file": file,
        "public_key": local,
        "on_chain": record.agent_pubkey,
        "registered": local.is_some() && local == record.agent_pubkey,
        "rotation_pending": next_path(&file).exists(),
    }))
}

/// What the state file holds, when there is one (a status never creates it).
fn local_state(config: &Config, out: &mut Value) -> Result<()> {
    if !config.agent.state.exists() {
        out["state"] = json!(format!(
            "{} does not exist yet (`depin-provider run` creates it)",
            config.agent.state.display()
        ));
        return Ok(());
    }
    let store = Store::open(&config.agent.state)?;
    let (held, redeemed) = store.receipt_totals()?;
    out["receipt_units_held"] = json!(Uint128::new(held));
    out["receipt_units_redeemed"] = json!(Uint128::new(redeemed));
    out["pending_transactions"] = json!(store.pending_txs()?.len());
    out["heartbeats_sent"] = json!(store.tx_count(TxKind::Heartbeat, true)?);
    Ok(())
}
