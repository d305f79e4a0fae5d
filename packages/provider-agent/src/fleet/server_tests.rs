//! The fleet's API: each provider's routes under `/providers/<address>`,
//! each answering oracles' challenges with that provider's own agent key.

use crate::clock::now_secs;
use crate::oracle::probe::{client, probe, Miss, Target};

use super::super::tests::fleet;
use super::*;

#[tokio::test]
async fn each_provider_is_proven_at_its_own_endpoint_with_its_own_agent_key() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = ("wasm1alpha", "wasm1beta");
    let fleet = fleet(dir.path(), &[a, b]);
    let key = |i: usize| fleet.members[i].prover.public_key();
    let (key_a, key_b) = (key(0), key(1));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(&fleet);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = client(2000);
    let domain = crate::challenge::Domain {
        chain_id: "testing".into(),
        registry: "wasm1registry".into(),
    };
    let epoch = now_secs() / 5;
    let target = |provider: &str, endpoint: &str, key: &[u8]| Target {
        provider: provider.into(),
        endpoint: format!("{url}/providers/{endpoint}"),
        agent_key: Some(key.to_vec()),
    };
    // As the oracle does it: {endpoint}/liveness, checked against the key on chain.
    probe(&http, &domain, &target(a, a, &key_a), epoch)
        .await
        .unwrap();
    probe(&http, &domain, &target(b, b, &key_b), epoch)
        .await
        .unwrap();
    // One provider's route never answers for another.
    let crossed = probe(&http, &domain, &target(b, a, &key_b), epoch).await;
    assert!(matches!(crossed, Err(Miss::BadSignature(_))), "{crossed:?}");
    // Not a provider of this fleet: 404.
    let unknown = probe(
        &http,
        &domain,
        &target("wasm1gamma", "wasm1gamma", &key_a),
        epoch,
    )
    .await;
    assert!(matches!(unknown, Err(Miss::Refused(404, _))), "{unknown:?}");
    let health: serde_json::Value = http
        .get(format!("{url}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["providers"], serde_json::json!([a, b]));
    assert_eq!(health["operator"], fleet.operator.as_str());
    assert_eq!(
        fleet.metrics.challenge_count("answered"),
        3,
        "the crossed challenge was answered (for alpha) and refused by the check"
    );
}
