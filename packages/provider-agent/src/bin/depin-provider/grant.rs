//! `depin-provider grant`: the provider's key signs the authz grant and the
//! fee grant for the hot key, in one transaction.

use std::path::PathBuf;

use depin_agent::clock::now_secs;
use depin_agent::error::Result;
use depin_agent::grants;
use depin_agent::keys::Key;
use depin_agent::tx_kind::TxKind;

use crate::output::print;
use crate::signers::{checked_config, provider_queue};

/// Calls the authz grant allows (its `MaxCallsLimit`).
const GRANTED_CALLS: u64 = 100_000_000;
/// The authz grant's lifetime.
const GRANT_SECONDS: u64 = 365 * 86_400;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
    /// File with the provider's mnemonic (used once; keep it offline afterwards).
    #[arg(long)]
    provider_mnemonic_file: PathBuf,
    /// Fee grant spend limit in the gas denom (none: unlimited).
    #[arg(long)]
    spend_limit: Option<u128>,
}

pub async fn run(args: Args) -> Result<()> {
    let config = checked_config(&args.config).await?;
    let hot = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    let mut queue = provider_queue(&config, &args.provider_mnemonic_file)?;
    let provider = queue.address().to_string();
    let expires = now_secs().saturating_add(GRANT_SECONDS);
    let msgs = vec![
        grants::authz_grant(
            &provider,
            &hot.address,
            &config.chain.registry,
            &config.chain.escrow,
            GRANTED_CALLS,
            i64::try_from(expires).unwrap_or(i64::MAX),
        ),
        grants::fee_grant(
            &provider,
            &hot.address,
            args.spend_limit
                .map(|l| (config.chain.gas_denom.clone(), l)),
        ),
    ];
    let c = queue
        .submit_msgs(TxKind::Grant, msgs, &mut |_| Ok(()))
        .await?;
    print(
        serde_json::json!({"granted": true, "provider": provider, "hot": hot.address, "tx": c.hash, "height": c.height}),
    );
    Ok(())
}
