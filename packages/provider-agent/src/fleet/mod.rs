//! `depin-provider fleet run`: one agent serving many providers with one
//! operator key (issue 26). A thin supervisor, as `daemon`'s: it serves the
//! providers' challenges at once, resolves what a previous run left in
//! flight, then runs one task per loop — usage
//! (one escrow `batch` per round for every lease of every provider), claims
//! (one `claim_rewards` for the fleet), metering (each provider's usage
//! file) — and the two HTTP servers (each provider's liveness, usage and
//! receipts routes; metrics), all sharing one `Fleet`: one outbox (the
//! operator's signing queue), the SQLite store, the metrics.
//!
//! The operator is a contract-level grant: each provider names it with the
//! registry's `set_operator`; it reports, redeems and settles in the escrow
//! and claims rewards (minted to the providers) with no authz, and pays its
//! own fees. Liveness challenges are answered per provider with that
//! provider's own agent key.

pub mod claims;
pub mod config;
mod metering;
pub mod plan;
pub mod server;
pub mod shared;
#[cfg(test)]
mod tests;
pub mod usage;

use std::sync::Arc;

pub use config::FleetConfig;
use shared::Fleet;

use crate::error::{AgentError, Result};
use crate::shutdown::Shutdown;
use crate::store::StateLock;

/// Runs every loop and both servers until `shutdown` is requested.
pub async fn run(config: FleetConfig, shutdown: Shutdown) -> Result<()> {
    if config.providers.is_empty() {
        return Err(AgentError::Config(
            "the fleet's config lists no [[providers]]: add them with `depin-provider fleet add-provider`".into(),
        ));
    }
    // One agent per state file, before anything opens the database.
    let _lock = StateLock::acquire(&config.fleet.state)?;
    let Some(clock) = crate::daemon::connect(&config.chain, &shutdown).await? else {
        return Ok(());
    };
    let fleet = Arc::new(Fleet::new(config, shutdown, clock)?);
    // Challenges are answered at once (every provider of the fleet waits on
    // this one process); answering sends nothing.
    let api = tokio::net::TcpListener::bind(&fleet.config.fleet.listen).await?;
    let metrics = tokio::net::TcpListener::bind(&fleet.config.fleet.metrics).await?;
    let mut tasks = vec![
        tokio::spawn(server::serve(fleet.clone(), api)),
        tokio::spawn(crate::server::serve_metrics_of(
            fleet.metrics.clone(),
            fleet.shutdown.clone(),
            metrics,
        )),
    ];
    // Anything recorded by a previous run is resolved before anything new is sent.
    if let Err(e) = fleet.outbox.reconcile().await {
        tracing::warn!(error = %e, "recorded transactions not resolved yet (node unreachable?)");
    }
    tracing::info!(
        operator = %fleet.operator, providers = fleet.members.len(),
        listen = %fleet.config.fleet.listen, metrics = %fleet.config.fleet.metrics,
        "fleet running"
    );
    tasks.extend([
        tokio::spawn(usage::run(fleet.clone())),
        tokio::spawn(claims::run(fleet.clone())),
        tokio::spawn(metering::run(fleet.clone())),
    ]);
    for task in tasks {
        if let Err(e) = task.await {
            tracing::error!(error = %e, "task ended abnormally");
        }
    }
    tracing::info!("fleet stopped; state saved");
    Ok(())
}
