//! The chain, through a node's CometBFT JSON-RPC: gRPC queries over
//! `abci_query` (wasm smart queries, accounts, balances, simulation),
//! `broadcast_tx_sync`, `tx` (the committed result by hash) and `status`.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::authz::v1beta1::MsgExecResponse;
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContractResponse, QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::{Message, Name};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{AgentError, ChainFailure, Result};

/// A committed transaction's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub hash: String,
    pub height: u64,
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_used: u64,
    pub gas_wanted: u64,
    /// (event type, attribute key, attribute value) of every event.
    pub events: Vec<(String, String, String)>,
    /// The result's data: a `TxMsgData` (each message's response).
    pub data: Vec<u8>,
}

impl Committed {
    /// The first value of an attribute in events of this type (`wasm` for contracts).
    pub fn attribute(&self, event: &str, key: &str) -> Option<&str> {
        self.events
            .iter()
            .find(|(t, k, _)| t == event && k == key)
            .map(|(_, _, v)| v.as_str())
    }

    /// Every value of an attribute in events of this type, in order.
    pub fn attributes<'a>(&'a self, event: &'a str, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.events
            .iter()
            .filter(move |(t, k, _)| t == event && k == key)
            .map(|(_, _, v)| v.as_str())
    }

    /// The first message's contract response (its `data`, JSON), sent
    /// directly or through `MsgExec`; None when the data holds none.
    pub fn contract_response<R: DeserializeOwned>(&self) -> Option<R> {
        let msg_data = TxMsgData::decode(self.data.as_slice()).ok()?;
        let first = msg_data.msg_responses.first()?;
        let execute = if first.type_url == MsgExecResponse::type_url() {
            let exec = MsgExecResponse::decode(first.value.as_slice()).ok()?;
            MsgExecuteContractResponse::decode(exec.results.first()?.as_slice()).ok()?
        } else {
            MsgExecuteContractResponse::decode(first.value.as_slice()).ok()?
        };
        serde_json::from_slice(&execute.data).ok()
    }
}

fn events(result: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for event in result
        .get("events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = text(event.get("type"));
        for a in event
            .get("attributes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push((kind.clone(), text(a.get("key")), text(a.get("value"))));
        }
    }
    out
}

/// The latest block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tip {
    pub height: u64,
    /// Block time in nanoseconds since the epoch.
    pub time_nanos: u64,
}

impl Tip {
    pub fn seconds(&self) -> u64 {
        self.time_nanos / 1_000_000_000
    }
}

#[derive(Clone)]
pub struct Chain {
    http: reqwest::Client,
    rpc: String,
}

fn rpc_err(e: impl std::fmt::Display) -> AgentError {
    AgentError::Rpc(e.to_string())
}

fn field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn num(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_string()
}

impl Chain {
    pub fn new(rpc: &str) -> Result<Chain> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(rpc_err)?;
        Ok(Chain {
            http,
            rpc: rpc.trim_end_matches('/').to_string(),
        })
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self
            .http
            .post(&self.rpc)
            .json(&body)
            .send()
            .await
            .map_err(rpc_err)?;
        let value: Value = response.json().await.map_err(rpc_err)?;
        if let Some(error) = value.get("error") {
            return Err(AgentError::Rpc(format!(
                "{method}: {} {}",
                text(error.get("message")),
                text(error.get("data"))
            )));
        }
        value
            .get("result")
            .cloned()
            .ok_or_else(|| AgentError::Rpc(format!("{method}: no result")))
    }

    /// A gRPC query through `abci_query`; a non-zero code is the chain's answer.
    pub async fn abci_query(&self, path: &str, data: Vec<u8>) -> Result<Vec<u8>> {
        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
        let result = self
            .call(
                "abci_query",
                json!({"path": path, "data": hex, "prove": false}),
            )
            .await?;
        let response = result.get("response").unwrap_or(&Value::Null);
        let code = u32::try_from(num(response.get("code"))).unwrap_or(u32::MAX);
        if code != 0 {
            return Err(AgentError::Chain {
                failure: ChainFailure {
                    code,
                    codespace: text(response.get("codespace")),
                    log: text(response.get("log")),
                },
            });
        }
        let value = text(response.get("value"));
        B64.decode(value.as_bytes())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))
    }

    /// A contract's smart query, decoded into the depin-interface response type.
    pub async fn smart<Q: Serialize, R: DeserializeOwned>(
        &self,
        contract: &str,
        query: &Q,
    ) -> Result<R> {
        let request = QuerySmartContractStateRequest {
            address: contract.to_string(),
            query_data: serde_json::to_vec(query)?,
        };
        let path = "/cosmwasm.wasm.v1.Query/SmartContractState";
        let bytes = self.abci_query(path, request.encode_to_vec()).await?;
        let response = QuerySmartContractStateResponse::decode(bytes.as_slice())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?;
        Ok(serde_json::from_slice(&response.data)?)
    }

    /// (account number, sequence) of an account.
    pub async fn account(&self, address: &str) -> Result<(u64, u64)> {
        let path = "/cosmos.auth.v1beta1.Query/Account";
        let request = QueryAccountRequest {
            address: address.to_string(),
        };
        let bytes = self.abci_query(path, request.encode_to_vec()).await?;
        let response = QueryAccountResponse::decode(bytes.as_slice())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?;
        let any = response.account.ok_or_else(|| AgentError::Query {
            path: path.into(),
            message: format!("account {address} not found"),
        })?;
        let account = BaseAccount::decode(any.value.as_slice())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?;
        Ok((account.account_number, account.sequence))
    }

    pub async fn balance(&self, address: &str, denom: &str) -> Result<u128> {
        let path = "/cosmos.bank.v1beta1.Query/Balance";
        let request = QueryBalanceRequest {
            address: address.to_string(),
            denom: denom.to_string(),
        };
        let bytes = self.abci_query(path, request.encode_to_vec()).await?;
        let response = QueryBalanceResponse::decode(bytes.as_slice())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?;
        let amount = response.balance.map(|c| c.amount).unwrap_or_default();
        if amount.is_empty() {
            return Ok(0);
        }
        amount
            .parse()
            .map_err(|_| AgentError::Decode(format!("balance {amount}")))
    }

    /// Gas used by a simulation of signed transaction bytes.
    pub async fn simulate(&self, tx_bytes: Vec<u8>) -> Result<u64> {
        let path = "/cosmos.tx.v1beta1.Service/Simulate";
        #[allow(deprecated)]
        let request = SimulateRequest { tx: None, tx_bytes };
        let bytes = self.abci_query(path, request.encode_to_vec()).await?;
        let response = SimulateResponse::decode(bytes.as_slice())
            .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?;
        Ok(response.gas_info.map(|g| g.gas_used).unwrap_or(0))
    }

    /// Broadcasts and returns the CheckTx answer: Ok(hash) when admitted to the mempool.
    pub async fn broadcast(&self, tx_bytes: &[u8]) -> Result<String> {
        let result = self
            .call("broadcast_tx_sync", json!({"tx": B64.encode(tx_bytes)}))
            .await?;
        let code = u32::try_from(num(result.get("code"))).unwrap_or(u32::MAX);
        if code != 0 {
            return Err(AgentError::Chain {
                failure: ChainFailure {
                    code,
                    codespace: text(result.get("codespace")),
                    log: text(result.get("log")),
                },
            });
        }
        Ok(text(result.get("hash")))
    }

    /// The committed result of a transaction, or None while it is not in a block.
    pub async fn tx(&self, hash: &str) -> Result<Option<Committed>> {
        let bytes = crate::hex::decode(hash)
            .ok_or_else(|| AgentError::Decode(format!("tx hash {hash}")))?;
        match self
            .call("tx", json!({"hash": B64.encode(bytes), "prove": false}))
            .await
        {
            Ok(result) => {
                let r = result.get("tx_result").unwrap_or(&Value::Null);
                Ok(Some(Committed {
                    hash: hash.to_string(),
                    height: num(result.get("height")),
                    code: u32::try_from(num(r.get("code"))).unwrap_or(u32::MAX),
                    codespace: text(r.get("codespace")),
                    log: text(r.get("log")),
                    gas_used: num(r.get("gas_used")),
                    gas_wanted: num(r.get("gas_wanted")),
                    events: events(r),
                    data: B64.decode(text(r.get("data"))).unwrap_or_default(),
                }))
            }
            Err(AgentError::Rpc(message)) if message.contains("not found") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Height and time of the latest block.
    pub async fn tip(&self) -> Result<Tip> {
        let result = self.call("status", json!({})).await?;
        let height = num(field(&result, &["sync_info", "latest_block_height"]));
        let time = text(field(&result, &["sync_info", "latest_block_time"]));
        let parsed = cosmrs::tendermint::Time::parse_from_rfc3339(&time)
            .map_err(|e| AgentError::Decode(format!("block time {time}: {e}")))?;
        let nanos = u64::try_from(parsed.unix_timestamp_nanos())
            .map_err(|_| AgentError::Decode(format!("block time {time}")))?;
        Ok(Tip {
            height,
            time_nanos: nanos,
        })
    }

    /// Chain id the node reports.
    pub async fn chain_id(&self) -> Result<String> {
        let result = self.call("status", json!({})).await?;
        Ok(text(field(&result, &["node_info", "network"])))
    }

    /// Refuses a node of another chain than the configured one (CometBFT
    /// `/status` node_info.network), naming both.
    pub async fn check_chain_id(&self, configured: &str) -> Result<()> {
        let node = self.chain_id().await?;
        if node == configured {
            return Ok(());
        }
        Err(AgentError::WrongChain {
            configured: configured.to_string(),
            node,
            rpc: self.rpc.clone(),
        })
    }
}
