//! HTTP on 127.0.0.1: POST /receipts (consumers' signed receipts, checked
//! before they are kept), POST /usage (usage pushed by the provider's
//! service), POST /liveness (oracles' challenges, signed with the agent key,
//! rate limited), GET /health; and GET /metrics on its own port.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use depin_interface::escrow::{self, BillingMode, LeaseResponse};
use serde_json::{json, Value};

use crate::chain::Chain;
use crate::challenge::{Challenge, Prover};
use crate::clock::now_secs;
use crate::error::AgentError;
use crate::metering::UsageLine;
use crate::metrics::Metrics;
use crate::receipts::{check_receipt, PostedReceipt};
use crate::shutdown::Shutdown;
use crate::store::{Store, Stored};
use crate::throttle::{RateLimit, Throttle};

/// What the HTTP handlers need of the running agent, and nothing more.
#[derive(Clone)]
pub struct ServerState {
    pub chain: Chain,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    /// The escrow whose receipts leases this agent serves.
    pub escrow: String,
    pub chain_id: String,
    /// The provider the leases must name.
    pub provider: String,
    pub shutdown: Shutdown,
    /// Rejected receipts: one WARN line per period.
    pub rejections: Arc<Throttle>,
    /// Answers liveness challenges with the agent key.
    pub prover: Arc<Prover>,
    /// Liveness challenges answered per second, at most.
    pub challenges: Arc<RateLimit>,
}

/// Liveness challenges answered per second, at most (an oracle challenges a
/// provider a few times per epoch; more is someone using the agent as a signer).
pub const CHALLENGES_PER_SECOND: u32 = 10;

/// Seconds between two WARN lines about rejected receipts.
pub const REJECTION_WARN_SECONDS: u64 = 10;

/// The escrow's answer for a lease id it does not know ("lease 9 not found").
const LEASE_NOT_FOUND: &str = "not found";

type Reply = (StatusCode, Json<Value>);

fn reply(status: StatusCode, body: Value) -> Reply {
    (status, Json(body))
}

fn error(status: StatusCode, message: String) -> Reply {
    reply(status, json!({ "error": message }))
}

/// The lease a request names: 404 when the escrow has no such lease, 503
/// when the chain cannot be read now (the client may try again).
async fn lease_of(state: &ServerState, lease_id: u64) -> Result<LeaseResponse, Reply> {
    let query = escrow::QueryMsg::Lease { lease_id };
    state
        .chain
        .smart(&state.escrow, &query)
        .await
        .map_err(|e| match e {
            AgentError::Chain { failure } if failure.log.contains(LEASE_NOT_FOUND) => error(
                StatusCode::NOT_FOUND,
                format!("lease {lease_id} does not exist on {}", state.escrow),
            ),
            e => error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("lease {lease_id} not readable now ({e}): try again"),
            ),
        })
}

/// A receipt refused: counted, and a WARN line at most once per
/// [`REJECTION_WARN_SECONDS`] (naming how many were not logged meanwhile).
fn rejected(state: &ServerState, receipt: &PostedReceipt, refusal: Reply) -> Reply {
    state.metrics.receipts_rejected.inc();
    if let Some(unlogged) = state.rejections.allow(now_secs()) {
        let reason = refusal.1 .0["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        tracing::warn!(lease_id = receipt.lease_id, units = %receipt.cumulative_units, error = %reason,
            unlogged, "receipt rejected (at most one such line per {REJECTION_WARN_SECONDS} s; all are counted in depin_agent_receipts_rejected_total)");
    }
    refusal
}

/// Checks a posted receipt against the lease on chain and the one held;
/// Err is the answer to give.
async fn check(state: &ServerState, receipt: &PostedReceipt) -> Result<(), Reply> {
    let lease = lease_of(state, receipt.lease_id)
        .await
        .map_err(|refusal| rejected(state, receipt, refusal))?;
    let now = match state.chain.tip().await {
        Ok(t) => t.seconds(),
        Err(e) => return Err(error(StatusCode::SERVICE_UNAVAILABLE, e.to_string())),
    };
    let held = match state.store.receipt(receipt.lease_id) {
        Ok(h) => h.map(|h| h.cumulative_units),
        Err(e) => return Err(error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    };
    check_receipt(
        receipt,
        &lease,
        &state.provider,
        &state.chain_id,
        &state.escrow,
        held,
        now,
    )
    .map_err(|e| {
        let refusal = error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string());
        rejected(state, receipt, refusal)
    })
}

async fn post_receipt(
    State(state): State<ServerState>,
    Json(receipt): Json<PostedReceipt>,
) -> Reply {
    if let Err(refused) = check(&state, &receipt).await {
        return refused;
    }
    // Kept in SQLite before the consumer hears "accepted".
    match state.store.put_receipt(
        receipt.lease_id,
        receipt.cumulative_units.u128(),
        receipt.signature.as_slice(),
        now_secs(),
    ) {
        Ok(stored) => {
            if stored == Stored::New {
                state.metrics.receipts_accepted.inc();
                tracing::info!(lease_id = receipt.lease_id, units = %receipt.cumulative_units, "receipt accepted");
            }
            reply(
                StatusCode::OK,
                json!({"accepted": true, "lease_id": receipt.lease_id, "cumulative_units": receipt.cumulative_units}),
            )
        }
        Err(e) => rejected(&state, &receipt, error(StatusCode::CONFLICT, e.to_string())),
    }
}

/// Usage is recorded only for this provider's metered leases.
async fn usage_lease(state: &ServerState, lease_id: u64) -> Result<(), Reply> {
    let lease = lease_of(state, lease_id).await?;
    if lease.provider.as_str() != state.provider {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "lease {lease_id} is {}'s, not this provider's ({}): usage is recorded only for this provider's leases",
                lease.provider, state.provider
            ),
        ));
    }
    if !matches!(lease.billing, BillingMode::Metered {}) {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("lease {lease_id} is not metered: usage is recorded only for metered leases"),
        ));
    }
    Ok(())
}

async fn post_usage(State(state): State<ServerState>, Json(usage): Json<UsageLine>) -> Reply {
    if let Err(refusal) = usage_lease(&state, usage.lease_id).await {
        return refusal;
    }
    match state.store.add_usage(
        usage.lease_id,
        usage.units.u128(),
        usage.id.as_deref(),
        now_secs(),
    ) {
        Ok(counted) => {
            if counted {
                tracing::info!(lease_id = usage.lease_id, units = %usage.units, "usage pushed");
            }
            reply(StatusCode::OK, json!({"recorded": counted}))
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// An oracle's challenge: the agent key's signature, 422 with a sentence
/// for a bad nonce or a closed epoch, 429 above the rate limit.
async fn post_liveness(
    State(state): State<ServerState>,
    Json(challenge): Json<Challenge>,
) -> Reply {
    let now = now_secs();
    if !state.challenges.allow(now) {
        state.metrics.challenge("rate_limited");
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "more than {CHALLENGES_PER_SECOND} liveness challenges in one second: try again"
            ),
        );
    }
    match state.prover.answer(&challenge, now) {
        Ok(answer) => {
            state.metrics.challenge("answered");
            tracing::debug!(epoch = challenge.epoch, "liveness challenge answered");
            reply(StatusCode::OK, json!(answer))
        }
        Err(e) => {
            state.metrics.challenge("refused");
            tracing::info!(epoch = challenge.epoch, error = %e, "liveness challenge refused");
            error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
        }
    }
}

async fn health(State(state): State<ServerState>) -> Reply {
    reply(StatusCode::OK, json!({"provider": state.provider}))
}

/// The API of one provider: POST /receipts, POST /usage, POST /liveness,
/// GET /health (a fleet nests one per provider under `/providers/<address>`).
pub fn api_router(state: ServerState) -> Router {
    Router::new()
        .route("/receipts", post(post_receipt))
        .route("/usage", post(post_usage))
        .route("/liveness", post(post_liveness))
        .route("/health", get(health))
        .with_state(state)
}

pub async fn serve_api(state: ServerState, listener: tokio::net::TcpListener) {
    let shutdown = state.shutdown.clone();
    serve(api_router(state), listener, shutdown, "api").await
}

/// Serves `app` on `listener` until the stop flag is raised.
pub async fn serve(
    app: Router,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
    what: &'static str,
) {
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.wait())
        .await
    {
        tracing::error!(error = %e, server = what, "server failed");
    }
}

pub async fn serve_metrics(state: ServerState, listener: tokio::net::TcpListener) {
    serve_metrics_of(state.metrics, state.shutdown, listener).await
}

/// GET /metrics of `metrics` (the agent's, or a fleet's).
pub async fn serve_metrics_of(
    metrics: Arc<Metrics>,
    shutdown: Shutdown,
    listener: tokio::net::TcpListener,
) {
    let app = Router::new()
        .route(
            "/metrics",
            get(|State(m): State<Arc<Metrics>>| async move { m.render() }),
        )
        .with_state(metrics);
    serve(app, listener, shutdown, "metrics").await
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
