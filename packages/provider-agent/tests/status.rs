//! `depin-provider status` against a fake node: a provider not registered yet
//! is told to register, and nothing is created.

#[path = "../src/testing.rs"]
mod testing;

use std::process::Command;

use serde_json::{json, Value};
use testing::{fake_node, status};

const MNEMONIC: &str = "mass label useless bid fluid elite damage liberty soon siren useless hollow employ certain milk clip clock donate course light weekend dutch track fashion";

#[tokio::test(flavor = "multi_thread")]
async fn status_of_a_provider_not_registered_yet_says_register_and_creates_nothing() {
    let rpc = fake_node(|method, _: &Value| match method {
        "status" => Some(status("testing")),
        // The registry's answer to a provider query for an unknown address (wasmd v0.70.3).
        "abci_query" => Some(json!({"response": {"code": 5, "codespace": "wasm",
            "log": "type: depin_provider_registry::state::Provider; key: [00, 03, 70] not found: query wasm contract failed: unknown request"}})),
        _ => None,
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let toml = depin_agent::config::template("testing", &rpc, None, "")
        .replace("registry = \"\"", "registry = \"wasm1registry\"")
        .replace("escrow = \"\"", "escrow = \"wasm1escrow\"");
    std::fs::write(dir.path().join("agent.toml"), toml).unwrap();
    depin_agent::keys::write_private(&dir.path().join("hot.mnemonic"), MNEMONIC).unwrap();
    let out = tokio::task::spawn_blocking({
        let config = dir.path().join("agent.toml");
        move || {
            Command::new(env!("CARGO_BIN_EXE_depin-provider"))
                .args(["status", "-c"])
                .arg(config)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("not registered yet — run `depin-provider register"),
        "{stdout}"
    );
    assert!(
        !dir.path().join("agent.sqlite").exists(),
        "status created agent.sqlite"
    );
}
