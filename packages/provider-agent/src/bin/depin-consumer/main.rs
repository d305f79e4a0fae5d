//! depin-consumer: opens leases (receipts with a fresh session key, metered,
//! streaming), signs cumulative receipts and posts them, closes leases. Each
//! subcommand lives in its own file; this one parses and dispatches.

mod chain_args;
mod close;
mod open;
mod sign;

use clap::{Parser, Subcommand};
use depin_agent::error::Result;

use chain_args::ChainArgs;

#[derive(Parser)]
#[command(
    name = "depin-consumer",
    version,
    about = "The consumer side of DePIN leases and receipts"
)]
struct Cli {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Opens a lease. Receipts leases get a fresh session key, saved in --state.
    Open(open::Args),
    /// Signs a cumulative receipt (never less than before) and posts it to the provider.
    Sign(sign::Args),
    /// Closes a lease (the consumer's close leaves the provider its grace to bill).
    Close(close::Args),
}

async fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Open(args) => open::run(&cli.chain, args).await,
        Command::Sign(args) => sign::run(args).await,
        Command::Close(args) => close::run(&cli.chain, args).await,
    }
}

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = dispatch(Cli::parse()).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
