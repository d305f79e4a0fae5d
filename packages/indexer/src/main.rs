//! `depin-indexer`: run (follow the chain and serve the API), migrate,
//! reconcile, serve (API only), record (save a block's RPC responses as test fixtures).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use depin_indexer::api::{self, Db};
use depin_indexer::error::Error;
use depin_indexer::follow::{self, FollowConfig};
use depin_indexer::rpc::Rpc;
use depin_indexer::{db, deployment, reconcile};

#[derive(Parser)]
#[command(
    name = "depin-indexer",
    version,
    about = "Follows the chain into PostgreSQL and serves the suite's history"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Applies the migrations, follows the chain and serves the API.
    Run(RunArgs),
    /// Applies the migrations and exits.
    Migrate(DbArgs),
    /// Compares the indexed totals with the contracts' smart queries; exits 1 on any difference.
    Reconcile(SuiteArgs),
    /// Serves the API only (read-only; another process indexes).
    Serve(ServeArgs),
    /// Saves `block` and `block_results` of some heights as JSON files (test fixtures).
    Record(RecordArgs),
}

#[derive(Args)]
struct DbArgs {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
}

/// The chain, the database and the suite: what `run` and `reconcile` both need.
#[derive(Args)]
struct SuiteArgs {
    #[arg(long, env = "DEPIN_INDEXER_RPC")]
    rpc: String,
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// The deployment JSON of scripts/deploy.sh (its `addresses`).
    #[arg(long, env = "DEPIN_INDEXER_DEPLOYMENT")]
    deployment: PathBuf,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// First height to index when the database is empty (later runs resume where they stopped).
    #[arg(long, env = "DEPIN_INDEXER_FROM_HEIGHT", default_value_t = 1)]
    from_height: u64,
    /// The API's address; `off` serves nothing.
    #[arg(long, env = "DEPIN_INDEXER_LISTEN", default_value = "127.0.0.1:8750")]
    listen: String,
    /// Blocks fetched ahead concurrently.
    #[arg(long, env = "DEPIN_INDEXER_WINDOW", default_value_t = 16)]
    window: usize,
    /// Most blocks written in one database transaction.
    #[arg(long, env = "DEPIN_INDEXER_MAX_GROUP", default_value_t = 64)]
    max_group: usize,
    /// Poll interval at the tip, in milliseconds.
    #[arg(long, env = "DEPIN_INDEXER_POLL_MS", default_value_t = 200)]
    poll_ms: u64,
    /// Exit once this height is written (tests, benchmarks).
    #[arg(long, env = "DEPIN_INDEXER_STOP_AT")]
    stop_at: Option<u64>,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    #[arg(long, env = "DEPIN_INDEXER_LISTEN", default_value = "127.0.0.1:8750")]
    listen: SocketAddr,
}

#[derive(Args)]
struct RecordArgs {
    #[arg(long, env = "DEPIN_INDEXER_RPC")]
    rpc: String,
    /// Heights to save.
    #[arg(long, value_delimiter = ',', required = true)]
    heights: Vec<u64>,
    /// Directory of the files (`block-<h>.json`, `block_results-<h>.json`).
    #[arg(long)]
    out: PathBuf,
}

fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logs();
    let cli = Cli::parse();
    match dispatch(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            eprintln!("depin-indexer: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = ctrl_c.await;
}

async fn serve(db: Arc<Db>, listen: SocketAddr) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(%listen, "api listening");
    axum::serve(listener, api::router(db))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Migrations, retried while PostgreSQL is not up yet.
async fn migrate(url: &str) -> Result<(), Error> {
    let mut attempts = 0u32;
    loop {
        let result = async {
            let mut client = db::connect(url).await?;
            db::migrate(&mut client).await
        }
        .await;
        match result {
            Err(e) if e.is_transient() && attempts < 30 => {
                attempts = attempts.saturating_add(1);
                tracing::warn!(error = %e, "database not ready; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            other => return other,
        }
    }
}

async fn dispatch(command: Command) -> Result<(), Error> {
    match command {
        Command::Migrate(args) => migrate(&args.database_url).await,
        Command::Run(args) => {
            let SuiteArgs {
                rpc,
                database_url,
                deployment,
            } = &args.suite;
            let suite = Arc::new(deployment::load(deployment)?);
            migrate(database_url).await?;
            let rpc = Rpc::new(rpc)?;
            let config = FollowConfig {
                database_url: database_url.clone(),
                from_height: args.from_height,
                window: args.window,
                max_group: args.max_group,
                poll: Duration::from_millis(args.poll_ms),
                stop_at: args.stop_at,
            };
            let follower = follow::run(rpc, suite, config);
            if args.listen == "off" {
                return tokio::select! {
                    result = follower => result,
                    () = shutdown_signal() => Ok(()),
                };
            }
            let listen: SocketAddr = args
                .listen
                .parse()
                .map_err(|e| Error::Other(format!("--listen {}: {e}", args.listen)))?;
            let db = Arc::new(Db::new(database_url));
            tokio::select! {
                result = follower => result,
                result = serve(db, listen) => result,
            }
        }
        Command::Serve(args) => serve(Arc::new(Db::new(&args.database_url)), args.listen).await,
        Command::Reconcile(args) => {
            let suite = deployment::load(&args.deployment)?;
            let rpc = Rpc::new(&args.rpc)?;
            let mut client = db::connect(&args.database_url).await?;
            let (height, checks) = reconcile::reconcile(&mut client, &rpc, &suite).await?;
            let differences = checks.iter().filter(|c| !c.ok()).count();
            for c in &checks {
                let mark = if c.ok() { "ok  " } else { "DIFF" };
                println!("{mark} {}: indexed {} chain {}", c.what, c.indexed, c.chain);
            }
            println!(
                "reconciled at height {height}: {} checks, {differences} difference(s)",
                checks.len()
            );
            if differences > 0 {
                return Err(Error::Reconcile(differences));
            }
            Ok(())
        }
        Command::Record(args) => {
            let rpc = Rpc::new(&args.rpc)?;
            std::fs::create_dir_all(&args.out)?;
            for height in args.heights {
                for method in ["block", "block_results"] {
                    let text = rpc
                        .call_raw(method, &[("height", height.to_string())])
                        .await?;
                    let value: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|e| Error::Other(format!("{method} {height}: {e}")))?;
                    let pretty = serde_json::to_string_pretty(&value)
                        .map_err(|e| Error::Other(e.to_string()))?;
                    std::fs::write(
                        args.out.join(format!("{method}-{height}.json")),
                        pretty + "\n",
                    )?;
                }
            }
            Ok(())
        }
    }
}
