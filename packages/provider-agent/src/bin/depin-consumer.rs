//! depin-consumer: opens leases (receipts with a fresh session key, metered,
//! streaming), signs cumulative receipts and posts them, closes leases.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use cosmwasm_std::Uint128;
use depin_agent::chain::Chain;
use depin_agent::consumer::{post_receipt, Session};
use depin_agent::error::{AgentError, Result};
use depin_agent::keys::Key;
use depin_agent::metrics::Metrics;
use depin_agent::queue::{Call, QueueSettings, SigningQueue};
use depin_interface::escrow::{BillingMode, ExecuteMsg, OpenLeaseMsg};

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

#[derive(clap::Args)]
struct ChainArgs {
    #[arg(
        long,
        env = "DEPIN_RPC",
        default_value = "http://127.0.0.1:26657",
        global = true
    )]
    rpc: String,
    #[arg(long, env = "DEPIN_CHAIN_ID", default_value = "testing", global = true)]
    chain_id: String,
    /// Deployment JSON (addresses.billingEscrow), or --escrow.
    #[arg(long, env = "DEPIN_DEPLOYMENT", global = true)]
    deployment: Option<PathBuf>,
    #[arg(long, env = "DEPIN_ESCROW", global = true)]
    escrow: Option<String>,
    #[arg(long, default_value_t = 0.025, global = true)]
    gas_price: f64,
    #[arg(long, default_value = "ustake", global = true)]
    gas_denom: String,
}

#[derive(Subcommand)]
enum Command {
    /// Opens a lease. Receipts leases get a fresh session key, saved in --state.
    Open {
        #[arg(long)]
        mnemonic_file: PathBuf,
        #[arg(long)]
        provider: String,
        /// receipts | metered | streaming:<rate per second>
        #[arg(long, default_value = "receipts")]
        billing: String,
        #[arg(long)]
        deposit: u128,
        #[arg(long, default_value = "uusdc")]
        denom: String,
        /// Session file of a receipts lease.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Signs a cumulative receipt (never less than before) and posts it to the provider.
    Sign {
        #[arg(long)]
        state: PathBuf,
        #[arg(long)]
        units: u128,
        /// The provider's agent, e.g. http://127.0.0.1:8740
        #[arg(long)]
        post: Option<String>,
    },
    /// Closes a lease (the consumer's close leaves the provider its grace to bill).
    Close {
        #[arg(long)]
        mnemonic_file: PathBuf,
        #[arg(long)]
        lease_id: u64,
    },
}

fn escrow(args: &ChainArgs) -> Result<String> {
    if let Some(e) = &args.escrow {
        return Ok(e.clone());
    }
    let path = args
        .deployment
        .as_ref()
        .ok_or_else(|| AgentError::Config("--escrow or --deployment is required".into()))?;
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    v.pointer("/addresses/billingEscrow")
        .and_then(|e| e.as_str())
        .map(str::to_string)
        .ok_or_else(|| {
            AgentError::Config(format!("{}: no addresses.billingEscrow", path.display()))
        })
}

fn queue(args: &ChainArgs, mnemonic: &std::path::Path) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(mnemonic, "wasm")?;
    let settings = QueueSettings::new(&args.chain_id, args.gas_price, &args.gas_denom);
    Ok(SigningQueue::new(
        Chain::new(&args.rpc)?,
        key,
        settings,
        Arc::new(Metrics::new()),
    ))
}

async fn main_inner(cli: Cli) -> Result<()> {
    let args = &cli.chain;
    match cli.command {
        Command::Open {
            mnemonic_file,
            provider,
            billing,
            deposit,
            denom,
            state,
        } => {
            let escrow = escrow(args)?;
            let mut session = None;
            let billing = match billing.as_str() {
                "receipts" => {
                    let s = Session::new(&args.chain_id, &escrow);
                    let pubkey = s.pubkey().map_err(|e| AgentError::Key(e.to_string()))?;
                    session = Some(s);
                    BillingMode::Receipts {
                        consumer_pubkey: pubkey,
                    }
                }
                "metered" => BillingMode::Metered {},
                other => match other
                    .strip_prefix("streaming:")
                    .and_then(|r| r.parse::<u128>().ok())
                {
                    Some(rate) => BillingMode::Streaming {
                        rate_per_second: Uint128::new(rate),
                    },
                    None => {
                        return Err(AgentError::Config(format!(
                            "--billing {other}: receipts, metered or streaming:<rate>"
                        )))
                    }
                },
            };
            let msg = ExecuteMsg::OpenLease(OpenLeaseMsg {
                provider,
                billing,
                max_price_per_unit: None,
            });
            let mut call = Call::new(&escrow, &msg)?;
            call.funds = vec![(denom, deposit)];
            let mut q = queue(args, &mnemonic_file)?;
            let c = q.submit("open_lease", &[call], &mut |_| Ok(())).await?;
            let lease_id: u64 = c
                .attribute("wasm", "lease_id")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| AgentError::Decode("no lease_id in the open_lease events".into()))?;
            if let Some(mut s) = session {
                s.lease_id = lease_id;
                let path = state.ok_or_else(|| {
                    AgentError::Config("--state is required for a receipts lease".into())
                })?;
                s.save(&path)
                    .map_err(|e| AgentError::Config(e.to_string()))?;
            }
            println!(
                "{}",
                serde_json::json!({"lease_id": lease_id, "tx": c.hash})
            );
        }
        Command::Sign { state, units, post } => {
            let mut session =
                Session::load(&state).map_err(|e| AgentError::Config(e.to_string()))?;
            let receipt = session
                .sign(units)
                .map_err(|e| AgentError::Config(e.to_string()))?;
            // Saved before it leaves: the consumer never signs less afterwards.
            session
                .save(&state)
                .map_err(|e| AgentError::Config(e.to_string()))?;
            if let Some(url) = post {
                post_receipt(&url, &receipt)
                    .await
                    .map_err(|e| AgentError::Http(e.to_string()))?;
            }
            println!("{}", serde_json::to_string(&receipt)?);
        }
        Command::Close {
            mnemonic_file,
            lease_id,
        } => {
            let escrow = escrow(args)?;
            let call = Call::new(&escrow, &ExecuteMsg::CloseLease { lease_id })?;
            let mut q = queue(args, &mnemonic_file)?;
            let c = q.submit("close_lease", &[call], &mut |_| Ok(())).await?;
            println!("{}", serde_json::json!({"closed": lease_id, "tx": c.hash}));
        }
    }
    Ok(())
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
    if let Err(e) = main_inner(Cli::parse()).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
