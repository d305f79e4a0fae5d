//! The fleet's HTTP API on 127.0.0.1: each provider's routes — the single
//! agent's POST /liveness (signed with that provider's agent key), POST
//! /usage, POST /receipts and GET /health — under `/providers/<address>`,
//! the endpoint each provider lists (behind `fleet.public_url`); GET /health
//! for the fleet. GET /metrics on its own port.

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::shared::Fleet;
use crate::server::api_router;

/// Every provider's API nested under `/providers/<address>`, and GET /health.
pub fn router(fleet: &Fleet) -> Router {
    let providers: Vec<String> = fleet.members.iter().map(|m| m.address.clone()).collect();
    let health: Value = json!({"operator": fleet.operator, "providers": providers});
    let mut app = Router::new().route(
        "/health",
        get(move || {
            let health = health.clone();
            async move { Json(health) }
        }),
    );
    for member in &fleet.members {
        app = app.nest(
            &format!("/providers/{}", member.address),
            api_router(member.server.clone()),
        );
    }
    app
}

pub async fn serve(fleet: Arc<Fleet>, listener: tokio::net::TcpListener) {
    let app = router(&fleet);
    crate::server::serve(app, listener, fleet.shutdown.clone(), "fleet api").await
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
