//! HTTP on 127.0.0.1: POST /receipts (consumers' signed receipts, checked
//! before they are kept), POST /usage (usage pushed by the provider's
//! service), GET /health; and GET /metrics on its own port.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use depin_interface::escrow::{self, LeaseResponse};
use serde_json::{json, Value};

use crate::chain::Chain;
use crate::clock::now_secs;
use crate::metering::UsageLine;
use crate::metrics::Metrics;
use crate::receipts::{check_receipt, PostedReceipt};
use crate::shutdown::Shutdown;
use crate::store::{Store, Stored};

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
}

type Reply = (StatusCode, Json<Value>);

fn reply(status: StatusCode, body: Value) -> Reply {
    (status, Json(body))
}

fn error(status: StatusCode, message: String) -> Reply {
    reply(status, json!({ "error": message }))
}

/// Checks a posted receipt against the lease on chain and the one held;
/// Err is the answer to give.
async fn check(state: &ServerState, receipt: &PostedReceipt) -> Result<(), Reply> {
    let query = escrow::QueryMsg::Lease {
        lease_id: receipt.lease_id,
    };
    let lease: LeaseResponse = state
        .chain
        .smart(&state.escrow, &query)
        .await
        .map_err(|e| {
            state.metrics.receipts_rejected.inc();
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("lease not readable: {e}"),
            )
        })?;
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
        state.metrics.receipts_rejected.inc();
        tracing::warn!(lease_id = receipt.lease_id, units = %receipt.cumulative_units, error = %e, "receipt rejected");
        error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
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
        Err(e) => {
            state.metrics.receipts_rejected.inc();
            error(StatusCode::CONFLICT, e.to_string())
        }
    }
}

async fn post_usage(State(state): State<ServerState>, Json(usage): Json<UsageLine>) -> Reply {
    match state
        .store
        .add_usage(usage.lease_id, usage.units.u128(), usage.id.as_deref())
    {
        Ok(counted) => {
            if counted {
                tracing::info!(lease_id = usage.lease_id, units = %usage.units, "usage pushed");
            }
            reply(StatusCode::OK, json!({"recorded": counted}))
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn health(State(state): State<ServerState>) -> Reply {
    reply(StatusCode::OK, json!({"provider": state.provider}))
}

async fn metrics(State(state): State<ServerState>) -> String {
    state.metrics.render()
}

pub async fn serve_api(state: ServerState, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/receipts", post(post_receipt))
        .route("/usage", post(post_usage))
        .route("/health", get(health))
        .with_state(state.clone());
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(state.shutdown.wait())
        .await
    {
        tracing::error!(error = %e, "api server failed");
    }
}

pub async fn serve_metrics(state: ServerState, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(state.clone());
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(state.shutdown.wait())
        .await
    {
        tracing::error!(error = %e, "metrics server failed");
    }
}
