//! `depin-consumer open`: opens a lease; a receipts lease gets a fresh
//! session key, saved in its state file.

use std::path::PathBuf;

use cosmwasm_std::Uint128;
use depin_agent::consumer::Session;
use depin_agent::error::{AgentError, Result};
use depin_agent::queue::Call;
use depin_agent::tx_kind::TxKind;
use depin_interface::escrow::{BillingMode, ExecuteMsg, OpenLeaseMsg};

use crate::chain_args::ChainArgs;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    mnemonic_file: PathBuf,
    #[arg(long)]
    provider: String,
    /// receipts | metered | streaming:<rate per second>
    #[arg(long, default_value = "receipts")]
    billing: String,
    #[arg(long)]
    deposit: u128,
    #[arg(long, default_value = "uusdc")]
    denom: String,
    /// Session file of a receipts lease.
    #[arg(long)]
    state: Option<PathBuf>,
}

/// The billing mode `--billing` names, with the session of a receipts lease.
fn billing(name: &str, chain: &ChainArgs, escrow: &str) -> Result<(BillingMode, Option<Session>)> {
    match name {
        "receipts" => {
            let session = Session::new(&chain.chain_id, escrow);
            let pubkey = session
                .pubkey()
                .map_err(|e| AgentError::Key(e.to_string()))?;
            let mode = BillingMode::Receipts {
                consumer_pubkey: pubkey,
            };
            Ok((mode, Some(session)))
        }
        "metered" => Ok((BillingMode::Metered {}, None)),
        other => match other
            .strip_prefix("streaming:")
            .and_then(|r| r.parse::<u128>().ok())
        {
            Some(rate) => Ok((
                BillingMode::Streaming {
                    rate_per_second: Uint128::new(rate),
                },
                None,
            )),
            None => Err(AgentError::Config(format!(
                "--billing {other}: receipts, metered or streaming:<rate>"
            ))),
        },
    }
}

pub async fn run(chain: &ChainArgs, args: Args) -> Result<()> {
    let escrow = chain.escrow()?;
    let (billing, session) = billing(&args.billing, chain, &escrow)?;
    let msg = ExecuteMsg::OpenLease(OpenLeaseMsg {
        provider: args.provider,
        billing,
        max_price_per_unit: None,
    });
    let mut call = Call::new(&escrow, &msg)?;
    call.funds = vec![(args.denom, args.deposit)];
    let mut queue = chain.queue(&args.mnemonic_file)?;
    let c = queue
        .submit(TxKind::OpenLease, &[call], &mut |_| Ok(()))
        .await?;
    let lease_id: u64 = c
        .attribute("wasm", "lease_id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AgentError::Decode("no lease_id in the open_lease events".into()))?;
    if let Some(mut session) = session {
        session.lease_id = lease_id;
        let path = args
            .state
            .ok_or_else(|| AgentError::Config("--state is required for a receipts lease".into()))?;
        session
            .save(&path)
            .map_err(|e| AgentError::Config(e.to_string()))?;
    }
    println!(
        "{}",
        serde_json::json!({"lease_id": lease_id, "tx": c.hash})
    );
    Ok(())
}
