//! `depin-provider heartbeat`: one heartbeat through the hot key, then exit
//! (also how the e2e test uses the key from a second process).

use std::path::PathBuf;

use depin_agent::error::Result;
use depin_agent::queue::Call;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry;

use crate::output::print;
use crate::signers::{checked_config, hot_queue};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = checked_config(&args.config).await?;
    let mut queue = hot_queue(&config)?;
    let call = Call::new(&config.chain.registry, &registry::ExecuteMsg::Heartbeat {})?;
    let c = queue
        .submit(TxKind::Heartbeat, &[call], &mut |_| Ok(()))
        .await?;
    print(
        serde_json::json!({"heartbeat": c.hash, "height": c.height, "gas_used": c.gas_used, "gas_wanted": c.gas_wanted}),
    );
    Ok(())
}
