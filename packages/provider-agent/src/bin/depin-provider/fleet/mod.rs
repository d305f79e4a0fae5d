//! `depin-provider fleet`: one agent for many providers with one operator
//! key. Each subcommand lives in its own file; this one parses and dispatches.

mod add;
mod init;
mod set_operator;
mod status;

use std::path::PathBuf;

use clap::Subcommand;
use depin_agent::error::Result;
use depin_agent::fleet::{self, FleetConfig};
use depin_agent::shutdown::Shutdown;

#[derive(Subcommand)]
pub enum Command {
    /// Writes a commented fleet.toml and the operator's hot key (hot.mnemonic) into a folder.
    Init(init::Args),
    /// Adds a provider to the fleet: its agent key, its usage file, its [[providers]] entry.
    AddProvider(add::Args),
    /// The provider names the fleet's operator (set_operator, signed by the provider's key), or --print the wasmd command.
    SetOperator(set_operator::Args),
    /// Prints the operator, its balance and each provider's state (JSON).
    Status(status::Args),
    /// Runs the fleet agent until SIGTERM.
    Run {
        #[arg(long, short)]
        config: PathBuf,
    },
}

pub async fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::Init(args) => init::run(args),
        Command::AddProvider(args) => add::run(args),
        Command::SetOperator(args) => set_operator::run(args).await,
        Command::Status(args) => status::run(args).await,
        Command::Run { config } => {
            let config = FleetConfig::load(&config)?;
            fleet::run(config, Shutdown::on_signals()).await
        }
    }
}
