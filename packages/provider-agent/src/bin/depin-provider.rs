//! depin-provider: init, grant, register, status, heartbeat, run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use cosmwasm_std::Uint128;
use depin_agent::chain::Chain;
use depin_agent::config::{template, Config};
use depin_agent::daemon::{queue_settings, signals, Agent};
use depin_agent::error::{AgentError, Result};
use depin_agent::grants;
use depin_agent::keys::Key;
use depin_agent::metrics::Metrics;
use depin_agent::queue::{Call, QueueSettings, SigningQueue};
use depin_interface::registry::{self, Capacity, Price, RegisterMsg, Service};
use depin_interface::UncheckedDenom;

#[derive(Parser)]
#[command(name = "depin-provider", version, about = "The DePIN provider agent")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a commented agent.toml and a new hot key (hot.mnemonic) into a folder.
    Init {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long, default_value = "http://127.0.0.1:26657")]
        rpc: String,
        #[arg(long, default_value = "testing")]
        chain_id: String,
        /// A deployment JSON of scripts/deploy.sh (contract addresses).
        #[arg(long)]
        deployment: Option<String>,
        /// The provider (staking) address the hot key will act for.
        #[arg(long, default_value = "")]
        provider: String,
    },
    /// Signs, with the provider's key, the authz grant and the fee grant for the hot key.
    Grant {
        #[arg(long, short)]
        config: PathBuf,
        /// File with the provider's mnemonic (used once; keep it offline afterwards).
        #[arg(long)]
        provider_mnemonic_file: PathBuf,
        /// Fee grant spend limit in the gas denom (none: unlimited).
        #[arg(long)]
        spend_limit: Option<u128>,
    },
    /// Registers the provider with the [service] of the config and its stake (provider's key).
    Register {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long)]
        provider_mnemonic_file: PathBuf,
    },
    /// Prints the provider, the hot key, the fee payer balance and the local state (JSON).
    Status {
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Sends one heartbeat through the hot key and exits.
    Heartbeat {
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Runs the agent until SIGTERM.
    Run {
        #[arg(long, short)]
        config: PathBuf,
    },
}

fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn write_new(path: &Path, text: &str, private: bool) -> Result<()> {
    if path.exists() {
        return Err(AgentError::Config(format!(
            "{} exists; not overwritten",
            path.display()
        )));
    }
    std::fs::write(path, text)?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

fn provider_queue(config: &Config, file: &Path) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(file, &config.chain.prefix)?;
    let mut settings = QueueSettings::new(
        &config.chain.chain_id,
        config.chain.gas_price,
        &config.chain.gas_denom,
    );
    settings.gas_adjustment = config.chain.gas_adjustment;
    Ok(SigningQueue::new(
        Chain::new(&config.chain.rpc)?,
        key,
        settings,
        Arc::new(Metrics::new()),
    ))
}

fn hot_queue(config: &Config) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    let settings = queue_settings(config, &key.address);
    Ok(SigningQueue::new(
        Chain::new(&config.chain.rpc)?,
        key,
        settings,
        Arc::new(Metrics::new()),
    ))
}

fn service(name: &str) -> Service {
    match name {
        "storage" => Service::Storage,
        "compute" => Service::Compute,
        "gpu" => Service::Gpu,
        "bandwidth" => Service::Bandwidth,
        "wireless" => Service::Wireless,
        "energy" => Service::Energy,
        "sensor" => Service::Sensor,
        other => Service::Other(other.strip_prefix("other:").unwrap_or(other).to_string()),
    }
}

fn print(value: serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

async fn main_inner(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init {
            dir,
            rpc,
            chain_id,
            deployment,
            provider,
        } => {
            std::fs::create_dir_all(&dir)?;
            let mnemonic_path = dir.join("hot.mnemonic");
            if !mnemonic_path.exists() {
                write_new(&mnemonic_path, &Key::generate_mnemonic(), true)?;
            }
            let hot = Key::from_file(&mnemonic_path, "wasm")?;
            write_new(
                &dir.join("agent.toml"),
                &template(&chain_id, &rpc, deployment.as_deref(), &provider),
                false,
            )?;
            let config = Config::load(&dir.join("agent.toml")).ok();
            let (reg, esc) = config
                .map(|c| (c.chain.registry, c.chain.escrow))
                .unwrap_or_else(|| ("<registry>".into(), "<escrow>".into()));
            println!(
                "wrote {}/agent.toml and {}/hot.mnemonic",
                dir.display(),
                dir.display()
            );
            println!("hot key: {}", hot.address);
            println!("\nAuthorise it from the provider key, either with this agent:\n  depin-provider grant -c {}/agent.toml --provider-mnemonic-file <file>\nor with wasmd:\n{}", dir.display(), grants::wasmd_commands(&hot.address, &reg, &esc));
        }
        Command::Grant {
            config,
            provider_mnemonic_file,
            spend_limit,
        } => {
            let config = Config::load(&config)?;
            let hot = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
            let mut queue = provider_queue(&config, &provider_mnemonic_file)?;
            let provider = queue.address().to_string();
            let expires = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .saturating_add(365 * 86_400);
            let msgs = vec![
                grants::authz_grant(
                    &provider,
                    &hot.address,
                    &config.chain.registry,
                    &config.chain.escrow,
                    100_000_000,
                    i64::try_from(expires).unwrap_or(i64::MAX),
                ),
                grants::fee_grant(
                    &provider,
                    &hot.address,
                    spend_limit.map(|l| (config.chain.gas_denom.clone(), l)),
                ),
            ];
            let c = queue.submit_msgs("grant", msgs, &mut |_| Ok(())).await?;
            print(
                serde_json::json!({"granted": true, "provider": provider, "hot": hot.address, "tx": c.hash, "height": c.height}),
            );
        }
        Command::Register {
            config,
            provider_mnemonic_file,
        } => {
            let config = Config::load(&config)?;
            let mut queue = provider_queue(&config, &provider_mnemonic_file)?;
            let s = &config.service;
            let msg = registry::ExecuteMsg::Register(RegisterMsg {
                service: service(&s.service),
                endpoint: s.endpoint.clone(),
                region: s.region.clone(),
                capacity: Capacity {
                    amount: s.capacity_amount,
                    unit: s.capacity_unit.clone(),
                },
                prices: vec![Price {
                    denom: UncheckedDenom::Native(s.price_denom.clone()),
                    per_unit: s.price_per_unit,
                }],
                metadata_uri: None,
            });
            let mut call = Call::new(&config.chain.registry, &msg)?;
            call.funds = vec![(s.stake_denom.clone(), s.stake_amount.u128())];
            let c = queue.submit("register", &[call], &mut |_| Ok(())).await?;
            print(
                serde_json::json!({"registered": queue.address(), "tx": c.hash, "height": c.height}),
            );
        }
        Command::Status { config } => {
            let config = Config::load(&config)?;
            let queue = hot_queue(&config)?;
            let chain = Chain::new(&config.chain.rpc)?;
            let record: std::result::Result<registry::ProviderResponse, _> = chain
                .smart(
                    &config.chain.registry,
                    &registry::QueryMsg::Provider {
                        address: queue.sender().to_string(),
                    },
                )
                .await;
            let balance = chain
                .balance(queue.fee_payer(), &config.chain.gas_denom)
                .await?;
            let store = depin_agent::store::Store::open(&config.agent.state)?;
            let (held, redeemed) = store.receipt_totals()?;
            let missing = if queue.sender() == queue.address() {
                vec![]
            } else {
                grants::missing(
                    &chain,
                    queue.sender(),
                    queue.address(),
                    &config.chain.registry,
                    &config.chain.escrow,
                    config.keys.fee_grant,
                )
                .await?
            };
            print(serde_json::json!({
                "provider": queue.sender(),
                "hot_key": queue.address(),
                "fee_payer": queue.fee_payer(),
                "fee_payer_balance": Uint128::new(balance),
                "gas_floor": config.policy.gas_floor,
                "grants_missing": missing,
                "registered": record.as_ref().ok(),
                "registry_error": record.as_ref().err().map(|e| e.to_string()),
                "receipt_units_held": Uint128::new(held),
                "receipt_units_redeemed": Uint128::new(redeemed),
                "pending_transactions": store.pending_txs()?.len(),
                "heartbeats_sent": store.tx_count("heartbeat", true)?,
            }));
        }
        Command::Heartbeat { config } => {
            let config = Config::load(&config)?;
            let mut queue = hot_queue(&config)?;
            let call = Call::new(&config.chain.registry, &registry::ExecuteMsg::Heartbeat {})?;
            let c = queue.submit("heartbeat", &[call], &mut |_| Ok(())).await?;
            print(
                serde_json::json!({"heartbeat": c.hash, "height": c.height, "gas_used": c.gas_used, "gas_wanted": c.gas_wanted}),
            );
        }
        Command::Run { config } => {
            let config = Config::load(&config)?;
            let (tx, rx) = tokio::sync::watch::channel(false);
            let agent = Arc::new(Agent::new(config, rx)?);
            tokio::spawn(signals(tx));
            agent.run().await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    logging();
    if let Err(e) = main_inner(Cli::parse()).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
