//! depin-bench's VM runner: reads one JSON request per line on stdin, answers
//! one JSON line on stdout. It runs the built wasm in cosmwasm-vm 2.3.5 and
//! knows nothing about the contracts; depin-bench builds every message.

mod storage;
mod vm;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Result;
use serde::Deserialize;
use serde_json::{json, Value};

/// The VM this runner links (checked against Cargo.lock by `cargo build --locked`).
const VM_VERSION: &str = "cosmwasm-vm 2.3.5";

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "cmd")]
enum Request {
    /// Checks, compiles and pins a wasm file; answers its checksum and size.
    Load {
        path: PathBuf,
    },
    /// A contract `id` running the wasm with `checksum`, with empty storage.
    Contract {
        id: String,
        checksum: String,
    },
    /// The response the querier gives to `msg` sent to `contract`.
    Answer {
        contract: String,
        msg: Value,
        /// base64
        response: cosmwasm_std::Binary,
    },
    /// One entry point call, metered.
    Call {
        id: String,
        entry: String,
        env: Value,
        info: Option<Value>,
        msg: Value,
    },
    Export {
        id: String,
        path: PathBuf,
    },
    Import {
        id: String,
        path: PathBuf,
    },
}

/// `depin-bench-vm check <file.wasm>...`: the static check and compilation a
/// wasmvm 2 chain runs at upload (what `cosmwasm-check` 2.3.5 runs), one line
/// per file; fails if any file fails.
fn check(paths: &[String]) -> Result<()> {
    anyhow::ensure!(
        !paths.is_empty(),
        "usage: depin-bench-vm check <file.wasm>..."
    );
    let mut vm = vm::Vm::new("wasm")?;
    let mut failed = 0;
    for path in paths {
        match vm.load(path.as_ref()) {
            Ok((_, size)) => println!("{path}: pass ({VM_VERSION}, {size} bytes)"),
            Err(e) => {
                println!("{path}: FAIL: {e:#}");
                failed += 1;
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} files failed the {VM_VERSION} check",
        paths.len()
    );
    Ok(())
}

fn handle(vm: &mut vm::Vm, request: Request) -> Result<Value> {
    Ok(match request {
        Request::Load { path } => {
            let (checksum, size) = vm.load(&path)?;
            json!({ "checksum": checksum.to_hex(), "size": size })
        }
        Request::Contract { id, checksum } => {
            vm.add_contract(&id, cosmwasm_std::Checksum::from_hex(&checksum)?);
            json!({})
        }
        Request::Answer {
            contract,
            msg,
            response,
        } => {
            vm.answer(contract, msg, response);
            json!({})
        }
        Request::Call {
            id,
            entry,
            env,
            info,
            msg,
        } => serde_json::to_value(vm.call(&id, &entry, &env, info.as_ref(), &msg)?)?,
        Request::Export { id, path } => json!({ "entries": vm.export(&id, &path)? }),
        Request::Import { id, path } => json!({ "entries": vm.import(&id, &path)? }),
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("check") {
        return check(&args[1..]);
    }
    let prefix = args.first().cloned().unwrap_or_else(|| "wasm".to_string());
    let mut vm = vm::Vm::new(Box::leak(prefix.into_boxed_str()))?;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", json!({ "ok": { "vm": VM_VERSION } }))?;
    stdout.flush()?;
    for line in stdin.lock().lines() {
        let line = line?;
        let reply = match serde_json::from_str::<Request>(&line)
            .map_err(anyhow::Error::from)
            .and_then(|r| handle(&mut vm, r))
        {
            Ok(value) => json!({ "ok": value }),
            Err(e) => json!({ "error": format!("{e:#}") }),
        };
        writeln!(stdout, "{reply}")?;
        stdout.flush()?;
    }
    Ok(())
}
