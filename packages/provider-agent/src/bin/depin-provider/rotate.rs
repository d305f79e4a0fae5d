//! `depin-provider rotate-agent-key`: a new agent key, sent with
//! `update_provider {agent_pubkey}` by the provider's key. The new key is
//! written to `<agent key file>.next` first and moved over the file only
//! once the transaction is committed: a failed rotation leaves the agent
//! with the key the chain knows (a retry sends the same new key again, and a
//! running agent takes `.next` itself if the chain committed it after all).

use std::path::PathBuf;

use cosmwasm_std::Binary;
use depin_agent::agent_key::{next_path, AgentKey};
use depin_agent::error::Result;
use depin_agent::queue::Call;
use depin_agent::tx_kind::TxKind;
use depin_interface::registry::{ExecuteMsg, UpdateProviderMsg};

use crate::output::print;
use crate::signers::{checked_config, provider_queue};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
    /// File with the provider's mnemonic (`update_provider` is the provider's own message).
    #[arg(long)]
    provider_mnemonic_file: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = checked_config(&args.config).await?;
    let mut queue = provider_queue(&config, &args.provider_mnemonic_file)?;
    let file = config.keys.agent_key_path();
    let next = next_path(&file);
    // A rotation that did not finish: its key may be on chain already, send it again.
    let key = if next.exists() {
        AgentKey::load(&next)?
    } else {
        let key = AgentKey::generate();
        key.save(&next)?;
        key
    };
    let public = Binary::from(key.public_key());
    let msg = ExecuteMsg::UpdateProvider(UpdateProviderMsg {
        agent_pubkey: Some(public.clone()),
        ..UpdateProviderMsg::default()
    });
    let call = Call::new(&config.chain.registry, &msg)?;
    let c = queue
        .submit(TxKind::UpdateProvider, &[call], &mut |_| Ok(()))
        .await?;
    std::fs::rename(&next, &file)?;
    print(serde_json::json!({
        "agent_pubkey": public, "file": file, "tx": c.hash, "height": c.height,
    }));
    Ok(())
}
