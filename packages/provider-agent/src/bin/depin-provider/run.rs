//! `depin-provider run`: the agent, until SIGTERM or SIGINT.

use std::path::PathBuf;

use depin_agent::config::Config;
use depin_agent::daemon;
use depin_agent::error::Result;
use depin_agent::shutdown::Shutdown;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, short)]
    config: PathBuf,
}

pub async fn run(args: Args) -> Result<()> {
    let config = Config::load(&args.config)?;
    daemon::run(config, Shutdown::on_signals()).await
}
