//! The oracle's HTTP on 127.0.0.1: GET /metrics (Prometheus) and GET /health.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::Oracle;

async fn metrics(State(oracle): State<Arc<Oracle>>) -> String {
    oracle.metrics.render()
}

async fn health(State(oracle): State<Arc<Oracle>>) -> Json<Value> {
    Json(
        json!({"oracle": oracle.oracle, "hot_key": oracle.hot, "epoch": oracle.metrics.epoch.get()}),
    )
}

pub async fn serve(oracle: Arc<Oracle>, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/health", get(health))
        .with_state(oracle.clone());
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(oracle.shutdown.clone().wait())
        .await
    {
        tracing::error!(error = %e, "oracle metrics server failed");
    }
}
