//! The VM side: spawns `depin-bench-vm` (cosmwasm-vm 2.3.5, in its own cargo
//! workspace under `vm/` because it pins cosmwasm-std =2.3.5) and talks to it
//! one JSON line at a time. Converts the VM's figures into Cosmos SDK gas.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{from_json, Addr, Binary, Env, MessageInfo};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// wasmd's default `GasMultiplier`: CosmWasm gas per Cosmos SDK gas.
pub const GAS_MULTIPLIER: u64 = 140_000;

/// A wasm file the VM checked and compiled.
#[derive(Clone, Debug)]
pub struct Code {
    pub name: String,
    pub checksum: String,
    pub size: u64,
}

/// Storage figures as the runner counts them (Cosmos SDK gas).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct StorageGas {
    pub gas: u64,
    pub reads: u64,
    pub writes: u64,
    pub deletes: u64,
    pub iter_steps: u64,
}

/// The cost of one entry point call.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct Gas {
    /// CosmWasm gas used inside the VM.
    pub vm_gas: u64,
    pub storage: StorageGas,
}

impl Gas {
    /// Estimated Cosmos SDK gas: VM gas / multiplier + storage gas.
    pub fn sdk(&self) -> u64 {
        self.vm_gas / GAS_MULTIPLIER + self.storage.gas
    }
}

#[derive(Deserialize)]
struct CallReply {
    result: Value,
    vm_gas: u64,
    storage: StorageGas,
}

pub struct Vm {
    child: Child,
    /// `None` once closed (the runner then exits and cleans up).
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// The VM crate and version the runner links.
    pub version: String,
    tmp: PathBuf,
}

impl Vm {
    pub fn spawn(runner: &Path, bech32_prefix: &str, tmp: PathBuf) -> Result<Self> {
        let mut child = Command::new(runner)
            .arg(bech32_prefix)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (build it with scripts/bench.sh)",
                    runner.display()
                )
            })?;
        let stdin = child.stdin.take().context("runner stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("runner stdout")?);
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut vm = Vm {
            child,
            stdin: Some(stdin),
            stdout,
            version: String::new(),
            tmp,
        };
        let hello = vm.read_reply()?;
        vm.version = hello["vm"].as_str().unwrap_or("unknown").to_string();
        Ok(vm)
    }

    fn read_reply(&mut self) -> Result<Value> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the VM runner exited");
        }
        let reply: Value = serde_json::from_str(&line).context("runner reply")?;
        match (reply.get("ok"), reply.get("error")) {
            (Some(ok), _) => Ok(ok.clone()),
            (_, Some(err)) => bail!("VM runner: {}", err.as_str().unwrap_or_default()),
            _ => bail!("malformed runner reply: {line}"),
        }
    }

    fn request(&mut self, request: Value) -> Result<Value> {
        let stdin = self
            .stdin
            .as_mut()
            .context("the VM runner's input is closed")?;
        writeln!(stdin, "{request}")?;
        stdin.flush()?;
        self.read_reply()
    }

    /// Checks (as a wasmvm 2 upload and cosmwasm-check 2.3.5 do), compiles and pins a wasm file.
    pub fn load(&mut self, name: &str, path: &Path) -> Result<Code> {
        let path = path
            .canonicalize()
            .with_context(|| format!("{} is missing", path.display()))?;
        let reply = self.request(json!({ "cmd": "load", "path": path }))?;
        Ok(Code {
            name: name.to_string(),
            checksum: reply["checksum"].as_str().unwrap_or_default().to_string(),
            size: reply["size"].as_u64().unwrap_or_default(),
        })
    }

    /// (Re)creates contract `id` running `code`, with empty storage.
    pub fn contract(&mut self, id: &str, code: &Code) -> Result<()> {
        self.request(json!({ "cmd": "contract", "id": id, "checksum": code.checksum }))?;
        Ok(())
    }

    /// From now on a smart query `msg` to `contract` is answered with `response`.
    pub fn answer(
        &mut self,
        contract: &Addr,
        msg: &impl Serialize,
        response: &Binary,
    ) -> Result<()> {
        let msg = serde_json::to_value(msg)?;
        self.request(
            json!({ "cmd": "answer", "contract": contract, "msg": msg, "response": response }),
        )?;
        Ok(())
    }

    fn call(
        &mut self,
        id: &str,
        entry: &str,
        env: &Env,
        info: Option<&MessageInfo>,
        msg: Value,
    ) -> Result<(Value, Gas)> {
        let reply = self.request(json!({
            "cmd": "call", "id": id, "entry": entry, "env": env, "info": info, "msg": &msg,
        }))?;
        let reply: CallReply = serde_json::from_value(reply)?;
        let gas = Gas {
            vm_gas: reply.vm_gas,
            storage: reply.storage,
        };
        match (reply.result.get("ok"), reply.result.get("error")) {
            (Some(ok), _) => Ok((ok.clone(), gas)),
            (_, Some(err)) => Err(anyhow!("{id} {entry} {msg} failed: {err}")),
            _ => bail!("{id} {entry}: malformed result {}", reply.result),
        }
    }

    pub fn instantiate(
        &mut self,
        id: &str,
        env: &Env,
        info: &MessageInfo,
        msg: &impl Serialize,
    ) -> Result<Gas> {
        Ok(self
            .call(
                id,
                "instantiate",
                env,
                Some(info),
                serde_json::to_value(msg)?,
            )?
            .1)
    }

    pub fn execute(
        &mut self,
        id: &str,
        env: &Env,
        info: &MessageInfo,
        msg: &impl Serialize,
    ) -> Result<Gas> {
        Ok(self
            .call(id, "execute", env, Some(info), serde_json::to_value(msg)?)?
            .1)
    }

    /// Delivers a submessage result to the contract's `reply` entry point.
    pub fn reply(&mut self, id: &str, env: &Env, reply: &cosmwasm_std::Reply) -> Result<Gas> {
        Ok(self
            .call(id, "reply", env, None, serde_json::to_value(reply)?)?
            .1)
    }

    /// The bytes a query returns, checked to parse as `T`.
    pub fn query<T: DeserializeOwned>(
        &mut self,
        id: &str,
        env: &Env,
        msg: &impl Serialize,
    ) -> Result<Binary> {
        let (data, _) = self.call(id, "query", env, None, serde_json::to_value(msg)?)?;
        let data: Binary = serde_json::from_value(data)?;
        from_json::<T>(&data).with_context(|| format!("{id} answered {data} to a query"))?;
        Ok(data)
    }

    /// The contract's storage, to seed it.
    pub fn export(&mut self, id: &str) -> Result<PathBuf> {
        let path = self.tmp.join(format!("{id}.kv"));
        self.request(json!({ "cmd": "export", "id": id, "path": path }))?;
        Ok(path)
    }

    /// Replaces the contract's storage with a dump.
    pub fn import(&mut self, id: &str, path: &Path) -> Result<()> {
        self.request(json!({ "cmd": "import", "id": id, "path": path }))?;
        Ok(())
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        // End of input: the runner returns and removes its module cache.
        drop(self.stdin.take());
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}
