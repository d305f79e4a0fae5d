//! Submitting proofs: every answered proof of an epoch in `prove_liveness`
//! batches sized by simulated gas (at most `MAX_LIVENESS_PROOFS` and the gas
//! budget). A batch is recorded before it is signed (its proofs leave the
//! pool at once) and its hash and timeout height before its broadcast; the
//! chain's answer — or, after a crash, the chain itself (`reconcile`) — says
//! what became of it: committed (each entry proven, duplicate or rejected, from
//! the response data), refused, or never included (its proofs go back to the
//! pool). So a (provider, epoch) is never in two batches the chain may run.

use std::sync::Arc;

use cosmrs::proto::cosmos::authz::v1beta1::MsgExecResponse;
use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmwasm::wasm::v1::MsgExecuteContractResponse;
use cosmrs::proto::prost::{Message, Name};
use cosmwasm_std::Binary;
use depin_interface::liveness::MAX_LIVENESS_PROOFS;
use depin_interface::registry::{ExecuteMsg, LivenessProof, ProveLivenessResponse};
use tokio::sync::Mutex;

use super::metrics::OracleMetrics;
use super::store::{Answered, OracleStore, Verdict};
use crate::chain::{Chain, Committed};
use crate::clock::now_secs;
use crate::error::{AgentError, ErrorClass, Result};
use crate::queue::{Call, Ledger, SigningQueue};
use crate::tx_kind::TxKind;

/// Simulations to size one batch before it is sent as it stands.
const SIZING_ROUNDS: usize = 4;

/// How many of `n` proofs fit `budget` when all `n` need `gas` (the gas
/// limit): all when they fit, else proportionally fewer (rounded down, at
/// least one fewer); 0 when not even one fits.
pub fn fit(n: usize, gas: u64, budget: u64) -> usize {
    if gas <= budget {
        return n;
    }
    let scaled = (n as u128).saturating_mul(u128::from(budget)) / u128::from(gas.max(1));
    usize::try_from(scaled)
        .unwrap_or(usize::MAX)
        .min(n.saturating_sub(1))
}

/// The registry's response in a committed transaction's data (through
/// `MsgExec` or sent directly).
pub fn response_of(data: &[u8]) -> Option<ProveLivenessResponse> {
    let msg_data = TxMsgData::decode(data).ok()?;
    let first = msg_data.msg_responses.first()?;
    let execute = if first.type_url == MsgExecResponse::type_url() {
        let exec = MsgExecResponse::decode(first.value.as_slice()).ok()?;
        MsgExecuteContractResponse::decode(exec.results.first()?.as_slice()).ok()?
    } else {
        MsgExecuteContractResponse::decode(first.value.as_slice()).ok()?
    };
    serde_json::from_slice(&execute.data).ok()
}

/// Each entry's verdict from the response.
pub fn verdicts(response: &ProveLivenessResponse) -> Vec<(String, Verdict)> {
    let proven = response
        .proven
        .iter()
        .map(|a| (a.to_string(), Verdict::Proven));
    let duplicates = response
        .duplicates
        .iter()
        .map(|a| (a.to_string(), Verdict::Duplicate));
    let rejected = response.rejected.iter().map(|r| {
        let reason = serde_json::to_value(r.reason)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        (r.provider.clone(), Verdict::Rejected(reason))
    });
    proven.chain(duplicates).chain(rejected).collect()
}

pub struct Submitter<L: Ledger = Chain> {
    queue: Mutex<SigningQueue<L>>,
    ledger: L,
    store: Arc<OracleStore>,
    metrics: Arc<OracleMetrics>,
    registry: String,
    gas_budget: u64,
}

fn call(registry: &str, epoch: u64, proofs: &[Answered]) -> Result<Vec<Call>> {
    let proofs = proofs
        .iter()
        .map(|a| LivenessProof {
            provider: a.provider.clone(),
            nonce: Binary::from(a.nonce.clone()),
            signature: Binary::from(a.signature.clone()),
        })
        .collect();
    Ok(vec![Call::new(
        registry,
        &ExecuteMsg::ProveLiveness { epoch, proofs },
    )?])
}

impl<L: Ledger> Submitter<L> {
    pub fn new(
        queue: SigningQueue<L>,
        ledger: L,
        store: Arc<OracleStore>,
        metrics: Arc<OracleMetrics>,
        registry: String,
        gas_budget: u64,
    ) -> Submitter<L> {
        Submitter {
            queue: Mutex::new(queue),
            ledger,
            store,
            metrics,
            registry,
            gas_budget,
        }
    }

    /// Sends every answered proof of `epoch`; returns the batches committed.
    pub async fn submit(&self, epoch: u64) -> Result<usize> {
        let mut committed = 0;
        loop {
            let answered = self.store.answered(epoch, MAX_LIVENESS_PROOFS)?;
            if answered.is_empty() {
                return Ok(committed);
            }
            let n = self.size(epoch, &answered).await?;
            if n == 0 {
                return Err(AgentError::Config(format!(
                    "oracle.gas_budget = {} is below the gas of one proof",
                    self.gas_budget
                )));
            }
            if self.send(epoch, &answered[..n]).await? {
                committed += 1;
            }
        }
    }

    /// Proofs of `answered` that fit one batch (simulated).
    async fn size(&self, epoch: u64, answered: &[Answered]) -> Result<usize> {
        let mut n = answered.len();
        for _ in 0..SIZING_ROUNDS {
            let calls = call(&self.registry, epoch, &answered[..n])?;
            let gas = self.queue.lock().await.estimate(&calls).await?;
            let fitted = fit(n, gas, self.gas_budget);
            if fitted == n || fitted == 0 {
                return Ok(fitted);
            }
            tracing::debug!(
                proofs = n,
                gas,
                budget = self.gas_budget,
                fitted,
                "batch over the gas budget: fewer proofs"
            );
            n = fitted;
        }
        Ok(n)
    }

    /// One batch, recorded before it is signed; true when committed.
    async fn send(&self, epoch: u64, batch: &[Answered]) -> Result<bool> {
        let providers: Vec<String> = batch.iter().map(|a| a.provider.clone()).collect();
        let id = self.store.open_batch(epoch, &providers, now_secs())?;
        let calls = call(&self.registry, epoch, batch)?;
        let store = self.store.clone();
        let mut record = |signed: &crate::queue::Signed| {
            store.batch_signed(id, &signed.hash, signed.timeout_height)
        };
        let result = self
            .queue
            .lock()
            .await
            .submit(TxKind::ProveLiveness, &calls, &mut record)
            .await;
        match result {
            Ok(c) => {
                self.committed(id, epoch, &c)?;
                Ok(true)
            }
            Err(AgentError::Chain { failure }) if failure.class() == ErrorClass::Final => {
                tracing::warn!(batch = id, epoch, proofs = batch.len(), error = %failure, "batch refused by the chain: its providers are not proven by it");
                self.store.batch_dropped(id, Some(&failure.log))?;
                self.metrics.batch("refused");
                Ok(false)
            }
            Err(AgentError::NotIncluded { .. }) => {
                self.store.batch_dropped(id, None)?;
                self.metrics.batch("expired");
                Ok(false)
            }
            // Unknown fate (or never signed): `reconcile` resolves it from the chain.
            Err(e) => Err(e),
        }
    }

    /// Files a committed batch: each entry's verdict, logged and counted.
    fn committed(&self, id: i64, epoch: u64, c: &Committed) -> Result<()> {
        let verdicts = match response_of(&c.data) {
            Some(response) => verdicts(&response),
            None => {
                tracing::warn!(batch = id, hash = %c.hash, "no prove_liveness response in the transaction's data: its entries are counted proven");
                vec![]
            }
        };
        self.store.batch_committed(id, &verdicts)?;
        self.metrics.batch("committed");
        let mut counts = [0u64; 3];
        for (provider, verdict) in &verdicts {
            match verdict {
                Verdict::Proven => counts[0] += 1,
                Verdict::Duplicate => {
                    counts[1] += 1;
                    tracing::warn!(%provider, epoch, "already proven for this epoch (a duplicate entry)");
                }
                Verdict::Rejected(reason) => {
                    counts[2] += 1;
                    tracing::warn!(%provider, epoch, %reason, "missed: proof rejected on chain");
                }
            }
        }
        if verdicts.is_empty() {
            counts[0] = self.store.batch_providers(id)?.len() as u64;
        }
        for (verdict, count) in ["proven", "duplicate", "rejected"].iter().zip(counts) {
            self.metrics.proofs(verdict, count);
        }
        tracing::info!(batch = id, epoch, hash = %c.hash, proven = counts[0], duplicates = counts[1],
            rejected = counts[2], gas_used = c.gas_used, "liveness proofs committed");
        Ok(())
    }

    /// Resolves every recorded batch from the chain (after a restart, and
    /// before each pass): committed ones are filed, ones never broadcast or
    /// past their timeout height unincluded give their proofs back.
    pub async fn reconcile(&self) -> Result<()> {
        let open = self.store.open_batches()?;
        if open.is_empty() {
            return Ok(());
        }
        let tip = self.ledger.tip().await?;
        for b in open {
            if b.tx_hash.is_empty() {
                self.store.batch_dropped(b.id, None)?;
                continue;
            }
            match self.ledger.tx(&b.tx_hash).await? {
                Some(c) if c.code == 0 => {
                    tracing::info!(batch = b.id, hash = %b.tx_hash, epoch = b.epoch, "resolved a recorded batch from the chain");
                    self.committed(b.id, b.epoch, &c)?;
                }
                Some(c) => {
                    let failure = crate::error::ChainFailure {
                        code: c.code,
                        codespace: c.codespace.clone(),
                        log: c.log.clone(),
                    };
                    let refused = (failure.class() == ErrorClass::Final).then_some(c.log.as_str());
                    tracing::warn!(batch = b.id, hash = %b.tx_hash, error = %failure, "a recorded batch failed on chain");
                    self.store.batch_dropped(b.id, refused)?;
                }
                None if tip.height > b.timeout_height => {
                    tracing::info!(batch = b.id, hash = %b.tx_hash, "recorded batch expired unincluded: its proofs go in another");
                    self.store.batch_dropped(b.id, None)?;
                    self.metrics.batch("expired");
                }
                None => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "batches_tests.rs"]
mod tests;
