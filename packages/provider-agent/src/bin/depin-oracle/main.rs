//! depin-oracle: init, grant, run. The proof-of-service oracle: it
//! challenges every active provider's agent each epoch and submits the
//! verified answers to the registry in `prove_liveness` batches.

#[path = "../depin-provider/output.rs"]
mod output;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use depin_agent::chain::Chain;
use depin_agent::clock::now_secs;
use depin_agent::error::Result;
use depin_agent::grants;
use depin_agent::keys::Key;
use depin_agent::oracle::{self, config::template, OracleConfig};
use depin_agent::queue::{QueueSettings, SigningQueue};
use depin_agent::shutdown::Shutdown;
use depin_agent::tx_kind::TxKind;

use output::{print, write_new, InitArgs};

/// Calls the authz grant allows (its `MaxCallsLimit`) and its lifetime.
const GRANTED_CALLS: u64 = 100_000_000;
const GRANT_SECONDS: u64 = 365 * 86_400;

#[derive(Parser)]
#[command(
    name = "depin-oracle",
    version,
    about = "The DePIN proof-of-service oracle"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a commented oracle.toml and a new hot key (hot.mnemonic) into a folder.
    Init {
        #[command(flatten)]
        init: InitArgs,
        /// The oracle address (in the registry's oracles) the hot key acts for.
        #[arg(long, default_value = "")]
        oracle: String,
    },
    /// Signs, with the oracle's key, the authz grant (prove_liveness on the registry) and the fee grant.
    Grant {
        #[arg(long, short)]
        config: PathBuf,
        /// File with the oracle address's mnemonic (used once; keep it offline afterwards).
        #[arg(long)]
        oracle_mnemonic_file: PathBuf,
        /// Fee grant spend limit in the gas denom (none: unlimited).
        #[arg(long)]
        spend_limit: Option<u128>,
    },
    /// Runs the oracle until SIGTERM.
    Run {
        #[arg(long, short)]
        config: PathBuf,
    },
}

fn init(args: &InitArgs, oracle: &str) -> Result<()> {
    let (hot, _) = args.hot_key()?;
    let dir = &args.dir;
    write_new(
        &dir.join("oracle.toml"),
        &template(
            &args.chain_id,
            &args.rpc,
            args.deployment.as_deref(),
            oracle,
        ),
        false,
    )?;
    println!(
        "wrote {}/oracle.toml and {}/hot.mnemonic",
        dir.display(),
        dir.display()
    );
    println!("hot key: {}", hot.address);
    println!("\nAuthorise it from the oracle's key:\n  depin-oracle grant -c {}/oracle.toml --oracle-mnemonic-file <file>", dir.display());
    Ok(())
}

async fn grant(
    config: PathBuf,
    oracle_mnemonic_file: PathBuf,
    spend_limit: Option<u128>,
) -> Result<()> {
    let config = OracleConfig::load(&config)?;
    // A node of another chain is refused before anything is signed.
    Chain::new(&config.chain.rpc)?
        .check_chain_id(&config.chain.chain_id)
        .await?;
    let hot = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    let key = Key::from_file(&oracle_mnemonic_file, &config.chain.prefix)?;
    let mut queue = SigningQueue::connect(
        &config.chain.rpc,
        key,
        QueueSettings::own_key(&config.chain),
    )?;
    let granter = queue.address().to_string();
    let expires = i64::try_from(now_secs().saturating_add(GRANT_SECONDS)).unwrap_or(i64::MAX);
    let contracts = grants::oracle_contracts(&config.chain.registry);
    let msgs = vec![
        grants::authz_grant_for(&granter, &hot.address, &contracts, GRANTED_CALLS, expires),
        grants::fee_grant(
            &granter,
            &hot.address,
            spend_limit.map(|l| (config.chain.gas_denom.clone(), l)),
        ),
    ];
    let c = queue
        .submit_msgs(TxKind::Grant, msgs, &mut |_| Ok(()))
        .await?;
    print(
        serde_json::json!({"granted": true, "oracle": granter, "hot": hot.address, "tx": c.hash, "height": c.height}),
    );
    Ok(())
}

async fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init { init: args, oracle } => init(&args, &oracle),
        Command::Grant {
            config,
            oracle_mnemonic_file,
            spend_limit,
        } => grant(config, oracle_mnemonic_file, spend_limit).await,
        Command::Run { config } => {
            oracle::run(OracleConfig::load(&config)?, Shutdown::on_signals()).await
        }
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
