//! `cargo run -p depin-schema` writes `schema/<contract>.json` (the full
//! cosmwasm-schema API of each contract); `-- --check` fails instead when a
//! committed file differs from a fresh one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cosmwasm_schema::generate_api;
use depin_interface::{dao, escrow, registry, token};

fn apis() -> Vec<(&'static str, String)> {
    let render = |api: cosmwasm_schema::Api| api.render().to_string();
    let apis = [
        (
            "reward-token",
            render(generate_api! {
                name: "depin-reward-token",
                instantiate: token::InstantiateMsg,
                execute: token::ExecuteMsg,
                query: token::QueryMsg,
                migrate: token::MigrateMsg,
            }),
        ),
        (
            "provider-registry",
            render(generate_api! {
                name: "depin-provider-registry",
                instantiate: registry::InstantiateMsg,
                execute: registry::ExecuteMsg,
                query: registry::QueryMsg,
                migrate: registry::MigrateMsg,
            }),
        ),
        (
            "billing-escrow",
            render(generate_api! {
                name: "depin-billing-escrow",
                instantiate: escrow::InstantiateMsg,
                execute: escrow::ExecuteMsg,
                query: escrow::QueryMsg,
                migrate: escrow::MigrateMsg,
            }),
        ),
        (
            "dao",
            render(generate_api! {
                name: "depin-dao",
                instantiate: dao::InstantiateMsg,
                execute: dao::ExecuteMsg,
                query: dao::QueryMsg,
                migrate: dao::MigrateMsg,
            }),
        ),
    ];
    apis.into_iter()
        .map(|(name, json)| match json {
            Ok(json) => (name, json + "\n"),
            Err(err) => panic!("rendering the {name} schema: {err}"),
        })
        .collect()
}

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema")
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let dir = schema_dir();
    let mut stale = Vec::new();
    for (name, json) in apis() {
        let path = dir.join(format!("{name}.json"));
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
                stale.push(format!("schema/{name}.json"));
            }
        } else {
            std::fs::create_dir_all(&dir).expect("creating schema/");
            std::fs::write(&path, json).expect("writing a schema file");
            println!("wrote schema/{name}.json");
        }
    }
    if stale.is_empty() {
        if check {
            println!("schema/ is up to date");
        }
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "error: stale schema: {} (run scripts/schema.sh and commit)",
            stale.join(", ")
        );
        ExitCode::FAILURE
    }
}
