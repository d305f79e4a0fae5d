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

use crate::daemon::Agent;
use crate::metering::UsageLine;
use crate::receipts::{check_receipt, PostedReceipt};
use crate::store::Stored;

type Reply = (StatusCode, Json<Value>);

fn reply(status: StatusCode, body: Value) -> Reply {
    (status, Json(body))
}

async fn post_receipt(
    State(agent): State<Arc<Agent>>,
    Json(receipt): Json<PostedReceipt>,
) -> Reply {
    let lease: LeaseResponse = match agent
        .chain
        .smart(
            &agent.config.chain.escrow,
            &escrow::QueryMsg::Lease {
                lease_id: receipt.lease_id,
            },
        )
        .await
    {
        Ok(l) => l,
        Err(e) => {
            agent.metrics.receipts_rejected.inc();
            return reply(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": format!("lease not readable: {e}")}),
            );
        }
    };
    let now = match agent.chain.tip().await {
        Ok(t) => t.seconds(),
        Err(e) => {
            return reply(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": e.to_string()}),
            )
        }
    };
    let held = match agent.store.receipt(receipt.lease_id) {
        Ok(h) => h.map(|h| h.cumulative_units),
        Err(e) => {
            return reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": e.to_string()}),
            )
        }
    };
    if let Err(e) = check_receipt(
        &receipt,
        &lease,
        &agent.provider,
        &agent.config.chain.chain_id,
        &agent.config.chain.escrow,
        held,
        now,
    ) {
        agent.metrics.receipts_rejected.inc();
        tracing::warn!(lease_id = receipt.lease_id, units = %receipt.cumulative_units, error = %e, "receipt rejected");
        return reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": e.to_string()}),
        );
    }
    let now_local = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Kept in SQLite before the consumer hears "accepted".
    match agent.store.put_receipt(
        receipt.lease_id,
        receipt.cumulative_units.u128(),
        receipt.signature.as_slice(),
        now_local,
    ) {
        Ok(stored) => {
            if stored == Stored::New {
                agent.metrics.receipts_accepted.inc();
                tracing::info!(lease_id = receipt.lease_id, units = %receipt.cumulative_units, "receipt accepted");
            }
            reply(
                StatusCode::OK,
                json!({"accepted": true, "lease_id": receipt.lease_id, "cumulative_units": receipt.cumulative_units}),
            )
        }
        Err(e) => {
            agent.metrics.receipts_rejected.inc();
            reply(StatusCode::CONFLICT, json!({"error": e.to_string()}))
        }
    }
}

async fn post_usage(State(agent): State<Arc<Agent>>, Json(usage): Json<UsageLine>) -> Reply {
    match agent
        .store
        .add_usage(usage.lease_id, usage.units.u128(), usage.id.as_deref())
    {
        Ok(counted) => {
            if counted {
                tracing::info!(lease_id = usage.lease_id, units = %usage.units, "usage pushed");
            }
            reply(StatusCode::OK, json!({"recorded": counted}))
        }
        Err(e) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": e.to_string()}),
        ),
    }
}

async fn health(State(agent): State<Arc<Agent>>) -> Reply {
    reply(StatusCode::OK, json!({"provider": agent.provider}))
}

async fn metrics(State(agent): State<Arc<Agent>>) -> String {
    agent.metrics.render()
}

async fn stopped(agent: Arc<Agent>) {
    let mut shutdown = agent.shutdown.clone();
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

pub async fn serve_api(agent: Arc<Agent>, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/receipts", post(post_receipt))
        .route("/usage", post(post_usage))
        .route("/health", get(health))
        .with_state(agent.clone());
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stopped(agent))
        .await
    {
        tracing::error!(error = %e, "api server failed");
    }
}

pub async fn serve_metrics(agent: Arc<Agent>, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(agent.clone());
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stopped(agent))
        .await
    {
        tracing::error!(error = %e, "metrics server failed");
    }
}
