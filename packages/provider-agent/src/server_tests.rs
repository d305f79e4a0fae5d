//! The HTTP handlers against a fake node: unknown leases are 404, usage for
//! leases that are not this provider's metered ones is refused, rejected
//! receipts are counted and their WARN lines throttled.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cosmrs::proto::cosmwasm::wasm::v1::{
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmwasm_std::{Addr, Binary, Uint128};
use depin_interface::escrow::{BillingMode, LeaseResponse, LeaseState};
use serde_json::{json, Value};

use super::*;
use crate::receipts::tests::{lease, CHAIN, ESCROW, PROVIDER};
use crate::testing::{fake_node, status};

/// The lease id a smart query asks for, from the abci_query params.
fn asked_lease(params: &Value) -> Option<u64> {
    let hex = params["data"].as_str()?;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    let request = QuerySmartContractStateRequest::decode(bytes.as_slice()).ok()?;
    let query: Value = serde_json::from_slice(&request.query_data).ok()?;
    query["lease"]["lease_id"].as_u64()
}

/// A node whose escrow holds `leases` and answers others as the escrow does.
async fn state_with(leases: Vec<LeaseResponse>) -> ServerState {
    let rpc = fake_node(move |method, params| match method {
        "status" => Some(status(CHAIN)),
        "abci_query" => {
            let id = asked_lease(params)?;
            Some(match leases.iter().find(|l| l.lease_id == id) {
                Some(l) => {
                    let data = serde_json::to_vec(l).ok()?;
                    let value = QuerySmartContractStateResponse { data }.encode_to_vec();
                    json!({"response": {"code": 0, "value": B64.encode(value)}})
                }
                None => json!({"response": {"code": 5, "codespace": "wasm",
                    "log": format!("lease {id} not found: query wasm contract failed")}}),
            })
        }
        _ => None,
    })
    .await;
    ServerState {
        chain: Chain::new(&rpc).unwrap(),
        store: Arc::new(Store::in_memory().unwrap()),
        metrics: Arc::new(Metrics::new()),
        escrow: ESCROW.into(),
        chain_id: CHAIN.into(),
        provider: PROVIDER.into(),
        shutdown: crate::shutdown::Shutdown::channel().1,
        rejections: Arc::new(Throttle::new(REJECTION_WARN_SECONDS)),
        prover: Arc::new(prover_now()),
        challenges: Arc::new(RateLimit::new(CHALLENGES_PER_SECOND)),
    }
}

/// A prover whose epochs are 5 s long from genesis 0: the current epoch is now / 5.
fn prover_now() -> Prover {
    let clock = crate::epoch::EpochClock::new(0, 5).unwrap();
    let domain = crate::challenge::Domain {
        chain_id: CHAIN.into(),
        registry: "wasm1registry".into(),
    };
    let file = std::path::PathBuf::from("/nonexistent/agent.key");
    Prover::new(
        crate::agent_key::AgentKey::generate(),
        file,
        domain,
        PROVIDER.into(),
        clock,
    )
}

fn challenge(epoch: u64, nonce_len: usize) -> Json<Challenge> {
    Json(Challenge {
        epoch,
        nonce: Binary::from(vec![1u8; nonce_len]),
    })
}

#[tokio::test]
async fn a_liveness_challenge_is_answered_with_a_signature_the_oracle_accepts() {
    let state = state_with(vec![]).await;
    let epoch = now_secs() / 5;
    let (code, body) = post_liveness(State(state.clone()), challenge(epoch, 32)).await;
    assert_eq!(code, StatusCode::OK, "{body:?}");
    let answer: crate::challenge::Answer = serde_json::from_value(body.0).unwrap();
    assert_eq!(answer.provider, PROVIDER);
    let domain = crate::challenge::Domain {
        chain_id: CHAIN.into(),
        registry: "wasm1registry".into(),
    };
    let asked = challenge(epoch, 32).0;
    domain
        .check(PROVIDER, &asked, &state.prover.public_key(), &answer)
        .unwrap();
    // The previous epoch is still answered.
    let (code, _) = post_liveness(State(state.clone()), challenge(epoch - 1, 8)).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(state.metrics.challenge_count("answered"), 2);
}

#[tokio::test]
async fn a_bad_nonce_or_a_closed_epoch_is_422_with_a_sentence() {
    let state = state_with(vec![]).await;
    let epoch = now_secs() / 5;
    let (code, body) = post_liveness(State(state.clone()), challenge(epoch, 4)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let text = body.0["error"].as_str().unwrap().to_string();
    assert!(text.contains("the nonce is 4 bytes"), "{text}");
    let (code, body) = post_liveness(State(state.clone()), challenge(epoch - 5, 32)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let text = body.0["error"].as_str().unwrap().to_string();
    assert!(text.contains("is not open"), "{text}");
    assert_eq!(state.metrics.challenge_count("refused"), 2);
}

#[tokio::test]
async fn liveness_challenges_above_the_rate_limit_are_429() {
    let mut state = state_with(vec![]).await;
    state.challenges = Arc::new(RateLimit::new(3));
    // Within one second (the window is a second; a test straddling two seconds sends more).
    let start = now_secs();
    let mut limited = 0;
    for _ in 0..8 {
        let (code, _) = post_liveness(State(state.clone()), challenge(start / 5, 32)).await;
        if code == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    if now_secs() == start {
        assert_eq!(limited, 5);
    } else {
        assert!(limited >= 2, "{limited}");
    }
    assert_eq!(state.metrics.challenge_count("rate_limited"), limited);
}

fn receipt(lease_id: u64) -> PostedReceipt {
    PostedReceipt {
        lease_id,
        cumulative_units: Uint128::new(10),
        signature: Binary::from(vec![0u8; 64]),
    }
}

fn usage(lease_id: u64) -> UsageLine {
    UsageLine {
        lease_id,
        units: Uint128::new(5),
        id: None,
    }
}

#[tokio::test]
async fn a_receipt_for_a_lease_that_does_not_exist_is_404_and_counted() {
    let state = state_with(vec![]).await;
    let (code, body) = post_receipt(State(state.clone()), Json(receipt(99))).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body:?}");
    assert!(body.0["error"]
        .as_str()
        .unwrap()
        .contains("lease 99 does not exist"));
    // Bad receipts in a loop: all counted, one WARN line per period.
    for _ in 0..4 {
        let _ = post_receipt(State(state.clone()), Json(receipt(99))).await;
    }
    assert_eq!(state.metrics.receipts_rejected.get(), 5);
    assert_eq!(state.rejections.allow(now_secs()), None);
}

#[tokio::test]
async fn usage_is_recorded_only_for_this_providers_metered_leases() {
    let mine = lease(1, BillingMode::Metered {}, LeaseState::Open);
    let mut theirs = lease(2, BillingMode::Metered {}, LeaseState::Open);
    theirs.provider = Addr::unchecked("wasm1someoneelse");
    let streaming = lease(
        3,
        BillingMode::Streaming {
            rate_per_second: Uint128::one(),
        },
        LeaseState::Open,
    );
    let state = state_with(vec![mine, theirs, streaming]).await;
    let (code, body) = post_usage(State(state.clone()), Json(usage(2))).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
    assert!(body.0["error"]
        .as_str()
        .unwrap()
        .contains("not this provider's"));
    let (code, _) = post_usage(State(state.clone()), Json(usage(3))).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, _) = post_usage(State(state.clone()), Json(usage(9))).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, body) = post_usage(State(state.clone()), Json(usage(1))).await;
    assert_eq!(code, StatusCode::OK, "{body:?}");
    assert_eq!(state.store.usage(1).unwrap().recorded, 5);
    assert_eq!(state.store.usage(2).unwrap().recorded, 0);
}
