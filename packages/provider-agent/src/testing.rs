//! Test support: a fake node answering CometBFT JSON-RPC calls from a table.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

/// What the fake node answers to (method, params).
type Answer = Arc<dyn Fn(&str, &Value) -> Option<Value> + Send + Sync>;

/// Serves JSON-RPC on 127.0.0.1: `answer(method, params)` is the `result`
/// (or None for an error "not found"). Returns the URL.
pub async fn fake_node<F>(answer: F) -> String
where
    F: Fn(&str, &Value) -> Option<Value> + Send + Sync + 'static,
{
    let answer: Answer = Arc::new(answer);
    let app = Router::new()
        .route(
            "/",
            post(
                |State(answer): State<Answer>,
                 Json(body): Json<Value>| async move {
                    let method = body["method"].as_str().unwrap_or_default().to_string();
                    match answer(&method, &body["params"]) {
                        Some(result) => Json(json!({"jsonrpc": "2.0", "id": 1, "result": result})),
                        None => Json(
                            json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32603, "message": "not found", "data": ""}}),
                        ),
                    }
                },
            ),
        )
        .with_state(answer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A node of chain `network` whose latest block is at height 10.
pub fn status(network: &str) -> Value {
    json!({
        "node_info": {"network": network},
        "sync_info": {"latest_block_height": "10", "latest_block_time": "2026-01-01T00:00:00Z"}
    })
}
