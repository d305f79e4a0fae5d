//! depin-provider: init, grant, register, rotate-agent-key, status, heartbeat, run, and
//! fleet (one agent for many providers). Each subcommand lives in its own file; this
//! one parses and dispatches.

mod fleet;
mod grant;
mod heartbeat;
mod init;
mod output;
mod register;
mod rotate;
mod run;
mod signers;
mod status;

use clap::{Parser, Subcommand};
use depin_agent::error::Result;

#[derive(Parser)]
#[command(name = "depin-provider", version, about = "The DePIN provider agent")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a commented agent.toml and a new hot key (hot.mnemonic) into a folder.
    Init(init::Args),
    /// Signs, with the provider's key, the authz grant and the fee grant for the hot key.
    Grant(grant::Args),
    /// Registers the provider with the [service] of the config and its stake (provider's key).
    Register(register::Args),
    /// A new agent key: sent with update_provider (provider's key), then moved over the key file.
    RotateAgentKey(rotate::Args),
    /// Prints the provider, the hot key, the fee payer balance and the local state (JSON).
    Status(status::Args),
    /// Sends one heartbeat through the hot key and exits.
    Heartbeat(heartbeat::Args),
    /// Runs the agent until SIGTERM.
    Run(run::Args),
    /// One agent for many providers with one operator key: init, add-provider, set-operator, status, run.
    #[command(subcommand)]
    Fleet(fleet::Command),
}

async fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Grant(args) => grant::run(args).await,
        Command::Register(args) => register::run(args).await,
        Command::RotateAgentKey(args) => rotate::run(args).await,
        Command::Status(args) => status::run(args).await,
        Command::Heartbeat(args) => heartbeat::run(args).await,
        Command::Run(args) => run::run(args).await,
        Command::Fleet(command) => fleet::dispatch(command).await,
    }
}

#[tokio::main]
async fn main() {
    output::logging("info");
    if let Err(e) = dispatch(Cli::parse()).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
