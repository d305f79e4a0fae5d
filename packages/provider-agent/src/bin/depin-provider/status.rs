//! `depin-provider status`: the provider's record, the hot key, the fee
//! payer's balance, the grants missing and the local state, as JSON.

use std::path::PathBuf;

use cosmwasm_std::Uint128;
use depin_agent::chain::Chain;
use depin_agent::config::Config;
use depin_agent::error::Result;
use depin_agent::grants;
use depin_agent::store::Store;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry;

use crate::output::print;
use crate::signers::hot_queue;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = Config::load(&args.config)?;
    let queue = hot_queue(&config)?;
    let chain = Chain::new(&config.chain.rpc)?;
    let record: Result<registry::ProviderResponse> = chain
        .smart(
            &config.chain.registry,
            &registry::QueryMsg::Provider {
                address: queue.sender().to_string(),
            },
        )
        .await;
    let balance = chain
        .balance(queue.fee_payer(), &config.chain.gas_denom)
        .await?;
    let store = Store::open(&config.agent.state)?;
    let (held, redeemed) = store.receipt_totals()?;
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
    print(serde_json::json!({
        "provider": queue.sender(),
        "hot_key": queue.address(),
        "fee_payer": queue.fee_payer(),
        "fee_payer_balance": Uint128::new(balance),
        "gas_floor": config.policy.gas_floor,
        "grants_missing": missing,
        "registered": record.as_ref().ok(),
        "registry_error": record.as_ref().err().map(|e| e.to_string()),
        "receipt_units_held": Uint128::new(held),
        "receipt_units_redeemed": Uint128::new(redeemed),
        "pending_transactions": store.pending_txs()?.len(),
        "heartbeats_sent": store.tx_count(TxKind::Heartbeat, true)?,
    }));
    Ok(())
}
