//! CometBFT JSON-RPC over HTTP: `status`, `block`, `block_results`, and the
//! contracts' smart queries through `abci_query`.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::decode::{BlockResponse, BlockResults};
use crate::error::Error;
use crate::proto;

#[derive(Clone)]
pub struct Rpc {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Envelope<T> {
    result: Option<T>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Status {
    sync_info: SyncInfo,
}

#[derive(Deserialize)]
struct SyncInfo {
    latest_block_height: String,
}

#[derive(Deserialize)]
struct AbciQuery {
    response: AbciResponse,
}

#[derive(Deserialize)]
struct AbciResponse {
    #[serde(default)]
    code: u32,
    #[serde(default)]
    log: String,
    #[serde(default)]
    value: Option<String>,
}

impl Rpc {
    pub fn new(base: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Other(format!("http client: {e}")))?;
        Ok(Rpc {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }

    fn err(&self, message: impl Into<String>) -> Error {
        Error::Rpc {
            url: self.base.clone(),
            message: message.into(),
        }
    }

    /// The raw `result` of a call (kept as text so fixtures can be recorded).
    pub async fn call_raw(&self, method: &str, query: &[(&str, String)]) -> Result<String, Error> {
        let response = self
            .http
            .get(format!("{}/{method}", self.base))
            .query(query)
            .send()
            .await
            .map_err(|e| self.err(format!("{method}: {e}")))?;
        let text = response
            .text()
            .await
            .map_err(|e| self.err(format!("{method}: {e}")))?;
        Ok(text)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        query: &[(&str, String)],
    ) -> Result<T, Error> {
        let text = self.call_raw(method, query).await?;
        let envelope: Envelope<T> = serde_json::from_str(&text)
            .map_err(|e| self.err(format!("{method}: unreadable response ({e})")))?;
        match (envelope.result, envelope.error) {
            (Some(result), None) => Ok(result),
            (_, Some(error)) => Err(self.err(format!("{method}: {error}"))),
            (None, None) => Err(self.err(format!("{method}: neither result nor error"))),
        }
    }

    pub async fn latest_height(&self) -> Result<u64, Error> {
        let status: Status = self.call("status", &[]).await?;
        status
            .sync_info
            .latest_block_height
            .parse()
            .map_err(|_| self.err("status: latest_block_height is not a number"))
    }

    pub async fn block(&self, height: u64) -> Result<BlockResponse, Error> {
        self.call("block", &[("height", height.to_string())]).await
    }

    pub async fn block_results(&self, height: u64) -> Result<BlockResults, Error> {
        self.call("block_results", &[("height", height.to_string())])
            .await
    }

    /// A contract's smart query (`/cosmwasm.wasm.v1.Query/SmartContractState`)
    /// on the state after block `height`.
    pub async fn smart<T: DeserializeOwned>(
        &self,
        contract: &str,
        query: &serde_json::Value,
        height: u64,
    ) -> Result<T, Error> {
        let request = proto::smart_query_request(contract, query);
        let abci: AbciQuery = self
            .call(
                "abci_query",
                &[
                    (
                        "path",
                        "\"/cosmwasm.wasm.v1.Query/SmartContractState\"".to_string(),
                    ),
                    ("data", format!("0x{}", hex::encode(&request))),
                    ("height", height.to_string()),
                ],
            )
            .await?;
        if abci.response.code != 0 {
            return Err(self.err(format!(
                "smart query {query} on {contract}: {}",
                abci.response.log
            )));
        }
        let value = BASE64
            .decode(abci.response.value.unwrap_or_default())
            .map_err(|e| self.err(format!("abci_query value: {e}")))?;
        let data = proto::smart_query_data(&value)?;
        serde_json::from_slice(&data)
            .map_err(|e| self.err(format!("smart query {query} on {contract}: {e}")))
    }
}
