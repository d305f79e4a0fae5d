//! `depin-consumer sign`: a cumulative receipt (never less than before),
//! saved before it leaves, optionally posted to the provider's agent.

use std::path::PathBuf;

use depin_agent::consumer::{post_receipt, Session};
use depin_agent::error::{AgentError, Result};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    state: PathBuf,
    #[arg(long)]
    units: u128,
    /// The provider's agent, e.g. http://127.0.0.1:8740
    #[arg(long)]
    post: Option<String>,
}

pub async fn run(args: Args) -> Result<()> {
    let config_err = |e: depin_agent::consumer::ConsumerError| AgentError::Config(e.to_string());
    let mut session = Session::load(&args.state).map_err(config_err)?;
    let receipt = session.sign(args.units).map_err(config_err)?;
    // Saved before it leaves: the consumer never signs less afterwards.
    session.save(&args.state).map_err(config_err)?;
    if let Some(url) = args.post {
        post_receipt(&url, &receipt)
            .await
            .map_err(|e| AgentError::Http(e.to_string()))?;
    }
    println!("{}", serde_json::to_string(&receipt)?);
    Ok(())
}
