//! `depin-consumer close`: closes a lease (the provider keeps its grace to bill).

use std::path::PathBuf;

use depin_agent::error::Result;
use depin_agent::queue::Call;
use depin_agent::tx_kind::TxKind;
use depin_interface::escrow::ExecuteMsg;

use crate::chain_args::ChainArgs;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    mnemonic_file: PathBuf,
    #[arg(long)]
    lease_id: u64,
}

pub async fn run(chain: &ChainArgs, args: Args) -> Result<()> {
    let escrow = chain.escrow()?;
    let lease_id = args.lease_id;
    let call = Call::new(&escrow, &ExecuteMsg::CloseLease { lease_id })?;
    let mut queue = chain.queue(&args.mnemonic_file)?;
    let c = queue
        .submit(TxKind::CloseLease, &[call], &mut |_| Ok(()))
        .await?;
    println!("{}", serde_json::json!({"closed": lease_id, "tx": c.hash}));
    Ok(())
}
