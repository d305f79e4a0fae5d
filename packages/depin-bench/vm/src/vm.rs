//! Instances from the cached wasm, one gas-metered storage per contract, and
//! a querier that answers other contracts' queries from a table the driver fills.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{Binary, Checksum, ContractResult, SystemError, SystemResult, WasmQuery};
use cosmwasm_vm::testing::{MockApi, MockQuerier};
use cosmwasm_vm::{
    call_execute_raw, call_instantiate_raw, call_query_raw, call_reply_raw, capabilities_from_csv,
    Backend, Cache, CacheOptions, InstanceOptions, Size,
};
use serde::Serialize;
use serde_json::Value;

use crate::storage::{GasStorage, StorageGas};

/// Far above any single call; the figure read is what was used.
const GAS_LIMIT: u64 = 1_000_000_000_000_000;
/// Capabilities of a wasmd 0.60 chain (wasmvm 2.3).
const CAPABILITIES: &str =
    "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2";

type VmBackend = Backend<MockApi, GasStorage, MockQuerier>;
/// `(contract address, query message)` → the bytes the real contract answers.
type Answers = Rc<RefCell<HashMap<(String, Value), Binary>>>;

struct Contract {
    checksum: Checksum,
    storage: GasStorage,
}

pub struct Vm {
    cache: Cache<MockApi, GasStorage, MockQuerier>,
    cache_dir: PathBuf,
    api: MockApi,
    contracts: HashMap<String, Contract>,
    answers: Answers,
}

/// One entry point call's outcome and cost.
#[derive(Serialize)]
pub struct CallResult {
    /// The contract's raw `ContractResult` JSON.
    pub result: Value,
    /// CosmWasm gas used inside the VM (wasm execution and API calls).
    pub vm_gas: u64,
    pub storage: StorageGas,
}

impl Vm {
    pub fn new(bech32_prefix: &'static str) -> Result<Self> {
        let cache_dir = std::env::temp_dir().join(format!("depin-bench-vm-{}", std::process::id()));
        let options = CacheOptions::new(
            &cache_dir,
            capabilities_from_csv(CAPABILITIES),
            Size::mebi(512),
            Size::mebi(32),
        );
        // SAFETY: the directory is this process's own; nothing else uses it.
        let cache = unsafe { Cache::new(options) }.context("creating the VM cache")?;
        Ok(Vm {
            cache,
            cache_dir,
            api: MockApi::default().with_prefix(bech32_prefix),
            contracts: HashMap::new(),
            answers: Rc::default(),
        })
    }

    /// Checks and compiles a wasm file (as `cosmwasm-check` and a chain upload do).
    pub fn load(&mut self, path: &Path) -> Result<(Checksum, usize)> {
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let checksum = self
            .cache
            .store_code(&wasm, true, true)
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        self.cache
            .pin(&checksum)
            .map_err(|e| anyhow!("pinning {}: {e}", path.display()))?;
        Ok((checksum, wasm.len()))
    }

    /// A new contract with empty storage running `checksum`.
    pub fn add_contract(&mut self, id: &str, checksum: Checksum) {
        let storage = GasStorage::default();
        self.contracts
            .insert(id.to_string(), Contract { checksum, storage });
    }

    pub fn answer(&mut self, contract: String, msg: Value, response: Binary) {
        self.answers.borrow_mut().insert((contract, msg), response);
    }

    fn querier(&self) -> MockQuerier {
        let answers = Rc::clone(&self.answers);
        let mut querier = MockQuerier::new(&[]);
        querier.update_wasm(move |query| match query {
            WasmQuery::Smart { contract_addr, msg } => {
                let parsed: Value = serde_json::from_slice(msg).unwrap_or(Value::Null);
                match answers.borrow().get(&(contract_addr.clone(), parsed)) {
                    Some(response) => SystemResult::Ok(ContractResult::Ok(response.clone())),
                    None => SystemResult::Err(SystemError::InvalidRequest {
                        error: format!(
                            "depin-bench has no answer for this query to {contract_addr}"
                        ),
                        request: Binary::from(msg.as_slice()),
                    }),
                }
            }
            other => SystemResult::Err(SystemError::UnsupportedRequest {
                kind: format!("{other:?}"),
            }),
        });
        querier
    }

    pub fn call(
        &mut self,
        id: &str,
        entry: &str,
        env: &Value,
        info: Option<&Value>,
        msg: &Value,
    ) -> Result<CallResult> {
        if matches!(entry, "instantiate" | "execute") != info.is_some()
            || !matches!(entry, "instantiate" | "execute" | "query" | "reply")
        {
            bail!("unsupported call: {entry} (instantiate and execute take info, query and reply do not)");
        }
        let querier = self.querier();
        let contract = self
            .contracts
            .get_mut(id)
            .ok_or_else(|| anyhow!("no contract {id}"))?;
        let mut storage = std::mem::take(&mut contract.storage);
        storage.take_gas();
        let backend: VmBackend = Backend {
            api: self.api,
            storage,
            querier,
        };
        let options = InstanceOptions {
            gas_limit: GAS_LIMIT,
        };
        let mut instance = self
            .cache
            .get_instance(&contract.checksum, backend, options)
            .map_err(|e| anyhow!("instance of {id}: {e}"))?;
        let env = serde_json::to_vec(env)?;
        let msg = serde_json::to_vec(msg)?;
        let info = info.map(serde_json::to_vec).transpose()?;
        let raw = match (entry, info) {
            ("instantiate", Some(info)) => call_instantiate_raw(&mut instance, &env, &info, &msg),
            ("execute", Some(info)) => call_execute_raw(&mut instance, &env, &info, &msg),
            ("query", None) => call_query_raw(&mut instance, &env, &msg),
            ("reply", None) => call_reply_raw(&mut instance, &env, &msg),
            _ => unreachable!("checked above"),
        };
        let report = instance.create_gas_report();
        let mut backend = instance
            .recycle()
            .ok_or_else(|| anyhow!("the VM kept the backend of {id}"))?;
        let storage_gas = backend.storage.take_gas();
        contract.storage = backend.storage;
        let raw = raw.map_err(|e| anyhow!("{id} {entry}: VM error: {e}"))?;
        Ok(CallResult {
            result: serde_json::from_slice(&raw)?,
            vm_gas: report.used_internally,
            storage: storage_gas,
        })
    }

    /// Writes a contract's storage as `([u32 BE len][key][u32 BE len][value])*`.
    pub fn export(&self, id: &str, path: &Path) -> Result<usize> {
        let contract = self
            .contracts
            .get(id)
            .ok_or_else(|| anyhow!("no contract {id}"))?;
        let mut out = Vec::new();
        for (k, v) in &contract.storage.data {
            for part in [k, v] {
                out.extend_from_slice(&(part.len() as u32).to_be_bytes());
                out.extend_from_slice(part);
            }
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
        Ok(contract.storage.data.len())
    }

    /// Replaces a contract's storage with a dump in the format of [`Vm::export`].
    pub fn import(&mut self, id: &str, path: &Path) -> Result<usize> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let contract = self
            .contracts
            .get_mut(id)
            .ok_or_else(|| anyhow!("no contract {id}"))?;
        let mut data = BTreeMap::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let truncated = || anyhow!("truncated dump {}", path.display());
            let key = take(&bytes, &mut pos).ok_or_else(truncated)?;
            let value = take(&bytes, &mut pos).ok_or_else(truncated)?;
            data.insert(key.to_vec(), value.to_vec());
        }
        let n = data.len();
        contract.storage.data = data;
        Ok(n)
    }
}

/// The next length-prefixed part of a dump.
fn take<'a>(bytes: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len = bytes.get(*pos..*pos + 4)?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let part = bytes.get(*pos + 4..*pos + 4 + len)?;
    *pos += 4 + len;
    Some(part)
}

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.cache_dir);
    }
}
