//! The fleet's supervisor, its operator's queue and its claims' decisions.

use std::collections::BTreeMap;
use std::path::Path;

use cosmwasm_std::Uint128;
use depin_interface::registry::ProviderResponse;
use serde_json::{json, Value};

use super::claims::{claimants, minted};
use super::config::{provider_entry, template};
use super::shared::{operator_settings, Fleet};
use super::*;
use crate::chain::Committed;
use crate::epoch::EpochClock;
use crate::testing::{fake_node, status};

pub(super) const MNEMONIC: &str = "mass label useless bid fluid elite damage liberty soon siren useless hollow employ certain milk clip clock donate course light weekend dutch track fashion";

/// A fleet config in `dir` for a node at `rpc`, serving `providers`.
pub(super) fn fleet_config(dir: &Path, rpc: &str, providers: &[&str]) -> FleetConfig {
    let mut text = template("testing", rpc, None, "http://127.0.0.1:8740")
        .replace("registry = \"\"", "registry = \"wasm1registry\"")
        .replace("escrow = \"\"", "escrow = \"wasm1escrow\"");
    for p in providers {
        text.push_str(&provider_entry(
            p,
            &format!("{p}.key"),
            &format!("{p}.jsonl"),
        ));
    }
    let path = dir.join("fleet.toml");
    std::fs::write(&path, text).unwrap();
    crate::keys::write_private(&dir.join("hot.mnemonic"), MNEMONIC).unwrap();
    FleetConfig::load(&path).unwrap()
}

/// A fleet (nothing contacted yet) whose epochs are 5 s long from genesis 0.
pub(super) fn fleet(dir: &Path, providers: &[&str]) -> Fleet {
    let config = fleet_config(dir, "http://127.0.0.1:9", providers);
    let (_stop, shutdown) = crate::shutdown::Shutdown::channel();
    Fleet::new(config, shutdown, EpochClock::new(0, 5).unwrap()).unwrap()
}

pub(super) fn record(address: &str, pending: u128) -> ProviderResponse {
    serde_json::from_value(json!({
        "address": address, "service": "storage", "endpoint": "http://x", "region": "eu",
        "capacity": {"amount": "1", "unit": "GiB"}, "prices": [], "metadata_uri": null,
        "status": "active", "stake": "5000000", "unbonding": "0",
        "registered_at": "1000000000", "reputation": {
            "usage_units": "0", "revenue": [], "leases_settled": 0, "disputes_lost": 0,
            "slashes": 0, "heartbeats": 0, "last_heartbeat": null, "attested_score": null,
            "attested_capacity": null},
        "agent_pubkey": null, "operator": "wasm1operator",
        "pending_rewards": pending.to_string(), "unproven_rewards": "0", "open_disputes": 0
    }))
    .unwrap()
}

#[tokio::test]
async fn a_fleet_without_providers_or_on_a_state_in_use_is_refused_before_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let rpc = fake_node(|method, _: &Value| (method == "status").then(|| status("testing"))).await;
    let (_stop, shutdown) = crate::shutdown::Shutdown::channel();
    let empty = fleet_config(dir.path(), &rpc, &[]);
    let err = run(empty.clone(), shutdown.clone()).await.unwrap_err();
    assert!(err.to_string().contains("lists no [[providers]]"), "{err}");
    let config = fleet_config(dir.path(), &rpc, &["wasm1alpha"]);
    let _first = StateLock::acquire(&config.fleet.state).unwrap();
    let err = run(config.clone(), shutdown).await.unwrap_err().to_string();
    assert!(
        err.contains("another agent is running with this state"),
        "{err}"
    );
    assert!(!config.fleet.state.exists(), "the database was opened");
}

#[test]
fn the_operator_signs_for_itself_and_pays_its_own_fees() {
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(dir.path(), "http://127.0.0.1:9", &["wasm1alpha"]);
    let settings = operator_settings(&config, "wasm1hot");
    assert_eq!(
        settings.acting_for, None,
        "no authz: the contracts see the operator"
    );
    assert_eq!(settings.fee_granter, None);
    assert_eq!(settings.gas_floor, config.policy.gas_floor.u128());
    // Every provider's agent key is created 0600 on first use, one per provider.
    let fleet = fleet(dir.path(), &["wasm1alpha", "wasm1beta"]);
    assert_ne!(
        fleet.members[0].prover.public_key(),
        fleet.members[1].prover.public_key()
    );
    for p in ["wasm1alpha", "wasm1beta"] {
        crate::keys::check_private(&dir.path().join(format!("{p}.key"))).unwrap();
    }
    assert_eq!(fleet.metrics.fleet_providers.get(), 2);
}

#[test]
fn the_fleet_claims_once_its_providers_pending_rewards_sum_to_the_threshold() {
    let serving: BTreeMap<String, ProviderResponse> = [
        ("wasm1a", 400u128),
        ("wasm1b", 0),
        ("wasm1c", 700),
        ("wasm1stranger", 5_000),
    ]
    .into_iter()
    .map(|(a, p)| (a.to_string(), record(a, p)))
    .collect();
    // wasm1d has not named the operator: it is not in `serving`.
    let members = ["wasm1a", "wasm1b", "wasm1c", "wasm1d"];
    assert_eq!(
        claimants(&members, &serving, Uint128::new(1_100)),
        vec!["wasm1a", "wasm1c"],
        "those with something to claim, once the sum reaches the threshold"
    );
    assert!(claimants(&members, &serving, Uint128::new(1_101)).is_empty());
    assert!(claimants(&["wasm1b"], &serving, Uint128::zero()).is_empty());
}

#[test]
fn what_a_fleets_claim_minted_is_read_per_provider() {
    let event = |k: &str, v: &str| ("wasm".to_string(), k.to_string(), v.to_string());
    let c = Committed {
        hash: "AA".into(),
        height: 1,
        code: 0,
        codespace: String::new(),
        log: String::new(),
        gas_used: 1,
        gas_wanted: 1,
        events: vec![
            event("_contract_address", "wasm1registry"),
            event("action", "claim_rewards"),
            event("provider", "wasm1a"),
            event("amount", "400"),
            event("forfeited", "0"),
            event("provider", "wasm1c"),
            event("amount", "700"),
            event("forfeited", "0"),
            // The reward token's mints: an amount after `to`, not after `provider`.
            event("_contract_address", "wasm1token"),
            event("action", "mint"),
            event("to", "wasm1a"),
            event("amount", "400"),
        ],
        data: vec![],
    };
    assert_eq!(
        minted(&c),
        vec![("wasm1a".to_string(), 400), ("wasm1c".to_string(), 700)]
    );
}
