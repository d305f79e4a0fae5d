//! The supervisor's start: one agent per state file, and the right chain.

use serde_json::Value;

use crate::config::{template, Config};
use crate::shutdown::Shutdown;
use crate::store::StateLock;
use crate::testing::{fake_node, status};

/// A config in `dir` for a node at `rpc` of chain `chain_id`.
fn config(dir: &std::path::Path, rpc: &str, chain_id: &str) -> Config {
    let text = template(chain_id, rpc, None, "");
    let path = dir.join("agent.toml");
    std::fs::write(&path, text).unwrap();
    let mut config: Config = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config.chain.registry = "wasm1registry".into();
    config.chain.escrow = "wasm1escrow".into();
    config.agent.state = dir.join("agent.sqlite");
    config.keys.hot_mnemonic_file = dir.join("hot.mnemonic");
    config
}

#[tokio::test]
async fn a_second_agent_on_one_state_stops_before_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let rpc = fake_node(|method, _: &Value| (method == "status").then(|| status("testing"))).await;
    let config = config(dir.path(), &rpc, "testing");
    let _first = StateLock::acquire(&config.agent.state).unwrap();
    let (_stop, shutdown) = Shutdown::channel();
    let err = super::run(config.clone(), shutdown)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("another agent is running with this state"),
        "{err}"
    );
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(
        !config.agent.state.exists(),
        "the second agent created the database"
    );
}

#[tokio::test]
async fn a_node_of_another_chain_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let rpc =
        fake_node(|method, _: &Value| (method == "status").then(|| status("mainnet-1"))).await;
    let config = config(dir.path(), &rpc, "testing");
    let (_stop, shutdown) = Shutdown::channel();
    let err = super::run(config.clone(), shutdown)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("chain testing") && err.contains("on chain mainnet-1"),
        "{err}"
    );
    assert!(
        !config.agent.state.exists(),
        "the database was created for a wrong chain"
    );
}
