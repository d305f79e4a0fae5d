//! `depin-provider run`: a thin supervisor. It resolves what a previous run
//! left in flight, checks the grants, then runs one task per loop — liveness
//! (heartbeats), leases, claims, metering — and the two HTTP servers, all
//! sharing one `Agent`: one outbox (one signing queue), the SQLite store,
//! the metrics. A stop request ends every loop between transactions.

mod agent;
mod claims;
pub(crate) mod leases;
mod liveness;
mod metering;
pub(crate) mod outbox;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use agent::Agent;

use crate::config::{ChainConfig, Config};
use crate::epoch::EpochClock;
use crate::error::{AgentError, Result};
use crate::server::{serve_api, serve_metrics};
use crate::shutdown::Shutdown;
use crate::store::StateLock;

/// Seconds between attempts to read the node's chain id at start.
const NODE_RETRY_SECONDS: u64 = 5;

/// Runs every loop and both servers until `shutdown` is requested.
pub async fn run(config: Config, shutdown: Shutdown) -> Result<()> {
    // One agent per state file, before anything opens the database.
    let _lock = StateLock::acquire(&config.agent.state)?;
    let Some(clock) = connect(&config.chain, &shutdown).await? else {
        return Ok(());
    };
    let agent = Arc::new(Agent::new(config, shutdown, clock)?);
    // Anything recorded by a previous run is resolved before anything new is sent.
    if let Err(e) = agent.outbox.reconcile().await {
        tracing::warn!(error = %e, "recorded transactions not resolved yet (node unreachable?)");
    }
    check_grants(&agent).await;
    let api = tokio::net::TcpListener::bind(&agent.config.agent.listen).await?;
    let metrics = tokio::net::TcpListener::bind(&agent.config.agent.metrics).await?;
    tracing::info!(
        provider = %agent.provider, listen = %agent.config.agent.listen,
        metrics = %agent.config.agent.metrics, "agent running"
    );
    let server = agent.server_state();
    let tasks = vec![
        tokio::spawn(serve_api(server.clone(), api)),
        tokio::spawn(serve_metrics(server, metrics)),
        tokio::spawn(liveness::run(agent.clone())),
        tokio::spawn(leases::run(agent.clone())),
        tokio::spawn(claims::run(agent.clone())),
        tokio::spawn(metering::run(agent.clone())),
    ];
    for task in tasks {
        if let Err(e) = task.await {
            tracing::error!(error = %e, "task ended abnormally");
        }
    }
    tracing::info!("agent stopped; state saved");
    Ok(())
}

/// The node's chain id must be the configured one before anything is read
/// or sent; then the registry's epochs are read (liveness challenges name
/// one). An unreachable node is waited for. None when stopped meanwhile.
/// (The agent's start, and the oracle's.)
pub async fn connect(config: &ChainConfig, shutdown: &Shutdown) -> Result<Option<EpochClock>> {
    let chain = crate::chain::Chain::new(&config.rpc)?;
    loop {
        let read = match chain.check_chain_id(&config.chain_id).await {
            Ok(()) => EpochClock::read(&chain, &config.registry).await,
            Err(e) => Err(e),
        };
        match read {
            Ok(clock) => return Ok(Some(clock)),
            Err(e @ AgentError::WrongChain { .. }) => return Err(e),
            Err(e) => {
                tracing::warn!(rpc = %config.rpc, error = %e, "node unreachable: waiting for it (its chain id is checked before anything is sent)")
            }
        }
        if !shutdown.pause(NODE_RETRY_SECONDS).await {
            return Ok(None);
        }
    }
}

/// A missing grant is a warning at start, not a stream of refused transactions.
async fn check_grants(agent: &Agent) {
    if agent.hot == agent.provider {
        return;
    }
    let hot = &agent.hot;
    match crate::grants::missing(
        &agent.chain,
        &agent.provider,
        hot,
        &agent.config.chain.registry,
        &agent.config.chain.escrow,
        agent.config.keys.fee_grant,
    )
    .await
    {
        Ok(missing) if missing.is_empty() => {
            tracing::info!(%hot, "authz and fee grants in place")
        }
        Ok(missing) => {
            tracing::warn!(%hot, ?missing, "grants missing: those transactions will fail (depin-provider grant, or the wasmd commands in the README)")
        }
        Err(e) => tracing::warn!(error = %e, "grants not checked (node unreachable?)"),
    }
}
