//! `depin-oracle run`: the proof-of-service oracle. Every epoch it
//! challenges each active provider's agent (`POST {endpoint}/liveness`),
//! checks the answers against the agent keys on chain, keeps them in SQLite
//! and submits them in `prove_liveness` batches sized by simulated gas,
//! through a hot key the oracle address granted (authz + fee grant, as the
//! provider agent's). A batch is recorded before its broadcast and resolved
//! from the chain after a restart, so no (provider, epoch) is sent twice.

pub mod batches;
pub mod config;
mod metrics;
pub mod probe;
mod rounds;
mod server;
pub mod store;

use std::sync::{Arc, Mutex};

pub use config::OracleConfig;
pub use metrics::OracleMetrics;

use crate::chain::Chain;
use crate::challenge::Domain;
use crate::epoch::EpochClock;
use crate::error::Result;
use crate::grants;
use crate::keys::Key;
use crate::queue::{QueueSettings, SigningQueue};
use crate::shutdown::Shutdown;
use crate::store::StateLock;
use batches::Submitter;
use store::OracleStore;

/// What the oracle's loop and its HTTP server share.
pub struct Oracle {
    pub config: OracleConfig,
    pub chain: Chain,
    pub store: Arc<OracleStore>,
    pub metrics: Arc<OracleMetrics>,
    pub submitter: Submitter,
    pub clock: EpochClock,
    pub domain: Domain,
    pub http: reqwest::Client,
    /// The oracle address the registry sees as the sender.
    pub oracle: String,
    /// The hot key that signs.
    pub hot: String,
    pub shutdown: Shutdown,
    /// The active providers as last read, and when (Unix seconds): kept
    /// between passes and read again once per attempt spacing (rounds.rs).
    pub targets: Mutex<Option<(u64, Arc<Vec<probe::Target>>)>>,
}

/// The oracle's signing queue: its hot key acting for `keys.oracle`.
pub fn queue(config: &OracleConfig, metrics: &OracleMetrics) -> Result<SigningQueue<Chain>> {
    let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
    let settings = QueueSettings::granted(
        &config.chain,
        &key.address,
        &config.keys.oracle,
        config.keys.fee_grant,
        config.oracle.gas_floor.u128(),
    );
    Ok(SigningQueue::new(
        Chain::new(&config.chain.rpc)?,
        key,
        settings,
        metrics.queue.clone(),
    ))
}

impl Oracle {
    pub fn new(config: OracleConfig, clock: EpochClock, shutdown: Shutdown) -> Result<Oracle> {
        let chain = Chain::new(&config.chain.rpc)?;
        let store = Arc::new(OracleStore::open(&config.oracle.state)?);
        let metrics = Arc::new(OracleMetrics::new());
        let queue = queue(&config, &metrics)?;
        let (oracle, hot) = (queue.sender().to_string(), queue.address().to_string());
        let submitter = Submitter::new(
            queue,
            chain.clone(),
            store.clone(),
            metrics.clone(),
            config.chain.registry.clone(),
            config.oracle.gas_budget,
        );
        let domain = Domain {
            chain_id: config.chain.chain_id.clone(),
            registry: config.chain.registry.clone(),
        };
        let http = probe::client(config.oracle.timeout_ms);
        Ok(Oracle {
            config,
            chain,
            store,
            metrics,
            submitter,
            clock,
            domain,
            http,
            oracle,
            hot,
            shutdown,
            targets: Mutex::new(None),
        })
    }
}

/// Runs the oracle until `shutdown` is requested.
pub async fn run(config: OracleConfig, shutdown: Shutdown) -> Result<()> {
    // One oracle per state file, before anything opens the database.
    let _lock = StateLock::acquire(&config.oracle.state)?;
    let Some(clock) = crate::daemon::connect(&config.chain, &shutdown).await? else {
        return Ok(());
    };
    let oracle = Arc::new(Oracle::new(config, clock, shutdown)?);
    // What a previous run left recorded is resolved before anything new is sent.
    if let Err(e) = oracle.submitter.reconcile().await {
        tracing::warn!(error = %e, "recorded batches not resolved yet (node unreachable?)");
    }
    check_grants(&oracle).await;
    let listener = tokio::net::TcpListener::bind(&oracle.config.oracle.metrics).await?;
    tracing::info!(oracle = %oracle.oracle, hot = %oracle.hot, metrics = %oracle.config.oracle.metrics,
        epoch_seconds = clock.epoch_seconds, "oracle running");
    let tasks = vec![
        tokio::spawn(server::serve(oracle.clone(), listener)),
        tokio::spawn(rounds::run(oracle.clone())),
    ];
    for task in tasks {
        if let Err(e) = task.await {
            tracing::error!(error = %e, "task ended abnormally");
        }
    }
    tracing::info!("oracle stopped; state saved");
    Ok(())
}

/// A missing grant is a warning at start, not a stream of refused batches.
async fn check_grants(oracle: &Oracle) {
    if oracle.hot == oracle.oracle {
        return;
    }
    let contracts = grants::oracle_contracts(&oracle.config.chain.registry);
    let fee_grant = oracle.config.keys.fee_grant;
    match grants::missing_for(
        &oracle.chain,
        &oracle.oracle,
        &oracle.hot,
        &contracts,
        fee_grant,
    )
    .await
    {
        Ok(missing) if missing.is_empty() => {
            tracing::info!(hot = %oracle.hot, "authz and fee grants in place")
        }
        Ok(missing) => {
            tracing::warn!(hot = %oracle.hot, ?missing, "grants missing: batches will be refused (depin-oracle grant)")
        }
        Err(e) => tracing::warn!(error = %e, "grants not checked (node unreachable?)"),
    }
}
