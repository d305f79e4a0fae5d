//! The one way a transaction leaves the agent (and a fleet). It owns "record
//! before broadcast, resolve after restart": a tracked transaction (a usage
//! report, or a fleet's escrow `batch`, item by item) is written to SQLite
//! with its hash and timeout height before each broadcast and resolved from
//! the chain's answer, or, after a crash, from the chain by
//! [`Outbox::reconcile`]; every outcome goes to `tx_log`; and sending pauses
//! (one warning) while the fee payer is under the gas floor.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Mutex;

use depin_interface::escrow::BatchResponse;

use crate::chain::{Chain, Committed};
use crate::clock::now_secs;
use crate::error::{AgentError, Result};
use crate::metrics::{as_u64, Metrics};
use crate::queue::{Call, Ledger, Signed, SigningQueue};
use crate::store::{BatchEntry, PendingBatch, PendingTx, Store, TxLogEntry};
use crate::tx_kind::TxKind;

pub struct Outbox<L: Ledger = Chain> {
    queue: Mutex<SigningQueue<L>>,
    chain: L,
    store: Arc<Store>,
    metrics: Arc<Metrics>,
    gas_low: AtomicBool,
}

/// One transaction to send: what, for which lease, how many units it reports.
struct Letter {
    kind: TxKind,
    lease_id: Option<u64>,
    units: u128,
}

impl<L: Ledger> Outbox<L> {
    pub fn new(
        queue: SigningQueue<L>,
        chain: L,
        store: Arc<Store>,
        metrics: Arc<Metrics>,
    ) -> Outbox<L> {
        Outbox {
            queue: Mutex::new(queue),
            chain,
            store,
            metrics,
            gas_low: AtomicBool::new(false),
        }
    }

    /// Sends one transaction through the queue (one at a time), recording a
    /// tracked one before each broadcast and logging the outcome.
    pub async fn send(
        &self,
        kind: TxKind,
        lease_id: Option<u64>,
        units: u128,
        calls: Vec<Call>,
    ) -> Result<Committed> {
        let letter = Letter {
            kind,
            lease_id,
            units,
        };
        let mut last: Option<PendingTx> = None;
        let mut record = |signed: &Signed| self.record(&letter, signed, &mut last);
        let result = self
            .queue
            .lock()
            .await
            .submit(kind, &calls, &mut record)
            .await;
        let filed = self.file(&letter, &result, last.as_ref());
        let hash = last.as_ref().map(|p| p.tx_hash.as_str());
        self.state_error(&letter, &result, hash, filed);
        result
    }

    /// Sends a fleet's escrow `batch`: its items recorded (hash, timeout
    /// height) before each broadcast, resolved from the committed result's
    /// data — each report that went through counts its units once — and the
    /// chain's answer for each item returned (None when the data holds none).
    pub async fn send_batch(
        &self,
        entries: &[BatchEntry],
        calls: Vec<Call>,
    ) -> Result<(Committed, Option<BatchResponse>)> {
        let units = entries.iter().map(|e| e.units).sum();
        let letter = Letter {
            kind: TxKind::Batch,
            lease_id: None,
            units,
        };
        let mut last: Option<PendingBatch> = None;
        let mut record = |signed: &Signed| {
            if let Some(previous) = last.take() {
                // Re-signed: the chain refused the previous attempt outright.
                self.store.resolve_batch(&previous, &[], now_secs())?;
            }
            let pending = PendingBatch {
                tx_hash: signed.hash.clone(),
                timeout_height: signed.timeout_height,
                entries: entries.to_vec(),
            };
            self.store.begin_batch(&pending)?;
            last = Some(pending);
            Ok(())
        };
        let result = self
            .queue
            .lock()
            .await
            .submit(TxKind::Batch, &calls, &mut record)
            .await;
        let response = result
            .as_ref()
            .ok()
            .and_then(Committed::contract_response::<BatchResponse>);
        let filed = self.file_batch(&letter, &result, response.as_ref(), last.as_ref());
        let hash = last.as_ref().map(|p| p.tx_hash.as_str());
        self.state_error(&letter, &result, hash, filed);
        result.map(|c| (c, response))
    }

    /// The gas limit a transaction of these calls would be sent with, without sending it.
    pub async fn estimate(&self, calls: &[Call]) -> Result<u64> {
        self.queue.lock().await.estimate(calls).await
    }

    /// What the chain did stands, whatever happened locally: a transaction
    /// committed is reported committed even when the state cannot be written.
    fn state_error(
        &self,
        letter: &Letter,
        result: &Result<Committed>,
        recorded: Option<&str>,
        filed: Result<()>,
    ) {
        let Err(e) = filed else {
            return;
        };
        self.metrics.state_errors.inc();
        let hash = match result {
            Ok(c) => c.hash.as_str(),
            Err(_) => recorded.unwrap_or_default(),
        };
        let on_chain = match result {
            Ok(_) => "committed",
            Err(AgentError::Chain { .. }) => "refused",
            Err(_) => "unknown",
        };
        tracing::error!(kind = letter.kind.as_str(), lease_id = letter.lease_id, %hash, on_chain, error = %e,
            "the outcome of this transaction on chain could not be written to the state file (disk full or read-only?); what the chain did stands");
    }

    /// Before a broadcast: a tracked transaction is written down; a re-signed
    /// attempt replaces the one the chain refused outright.
    fn record(&self, letter: &Letter, signed: &Signed, last: &mut Option<PendingTx>) -> Result<()> {
        let (true, Some(lease_id)) = (letter.kind.is_tracked(), letter.lease_id) else {
            return Ok(());
        };
        if let Some(previous) = last.take() {
            self.store.resolve_tx(&previous, false, now_secs())?;
        }
        let pending = PendingTx {
            kind: letter.kind,
            lease_id,
            units: letter.units,
            tx_hash: signed.hash.clone(),
            timeout_height: signed.timeout_height,
        };
        self.store.begin_tx(&pending)?;
        *last = Some(pending);
        Ok(())
    }

    /// After the chain's answer: the outcome logged, the record resolved.
    /// An unknown fate (node unreachable) leaves the record for `reconcile`.
    fn file(
        &self,
        letter: &Letter,
        result: &Result<Committed>,
        pending: Option<&PendingTx>,
    ) -> Result<()> {
        let resolve = |committed: bool| match pending {
            Some(p) => self.store.resolve_tx(p, committed, now_secs()),
            None => Ok(()),
        };
        match result {
            Ok(c) => {
                self.log(letter, &c.hash, Some(c.height), 0, &c.log)?;
                resolve(true)?;
                self.set_gas_low(false);
            }
            Err(AgentError::Chain { failure }) => {
                let hash = pending.map(|p| p.tx_hash.as_str()).unwrap_or_default();
                self.log(letter, hash, None, failure.code, &failure.log)?;
                resolve(false)?;
            }
            Err(AgentError::NotIncluded { .. }) => resolve(false)?,
            Err(e @ AgentError::GasLow { .. }) => {
                if !self.gas_low.swap(true, Ordering::SeqCst) {
                    tracing::warn!(error = %e, "gas balance under the floor: sending stopped until it is topped up");
                }
            }
            Err(_) => {}
        }
        Ok(())
    }

    /// After the chain's answer to a batch: the outcome logged, its record
    /// resolved item by item (nothing counted unless committed). An unknown
    /// fate leaves the record for `reconcile`.
    fn file_batch(
        &self,
        letter: &Letter,
        result: &Result<Committed>,
        response: Option<&BatchResponse>,
        pending: Option<&PendingBatch>,
    ) -> Result<()> {
        match result {
            Ok(c) => {
                self.log(letter, &c.hash, Some(c.height), 0, &c.log)?;
                if let Some(p) = pending {
                    self.store
                        .resolve_batch(p, &items_done(p, response), now_secs())?;
                }
                self.set_gas_low(false);
                Ok(())
            }
            Err(AgentError::Chain { .. }) | Err(AgentError::NotIncluded { .. }) => {
                if let Err(AgentError::Chain { failure }) = result {
                    let hash = pending.map(|p| p.tx_hash.as_str()).unwrap_or_default();
                    self.log(letter, hash, None, failure.code, &failure.log)?;
                }
                if let Some(p) = pending {
                    self.store.resolve_batch(p, &[], now_secs())?;
                }
                Ok(())
            }
            Err(_) => self.file(letter, result, None),
        }
    }

    fn log(
        &self,
        letter: &Letter,
        tx_hash: &str,
        height: Option<u64>,
        code: u32,
        log: &str,
    ) -> Result<()> {
        let entry = TxLogEntry {
            tx_hash,
            kind: letter.kind,
            lease_id: letter.lease_id,
            height,
            code,
            log,
        };
        self.store.log_tx(&entry, now_secs())
    }

    fn set_gas_low(&self, low: bool) {
        if self.gas_low.swap(low, Ordering::SeqCst) && !low {
            tracing::info!("gas balance back above the floor: sending resumed");
        }
    }

    /// Resolves recorded transactions from the chain: committed ones count once,
    /// ones past their timeout height without a block are forgotten.
    pub async fn reconcile(&self) -> Result<()> {
        self.reconcile_batches().await?;
        let pending = self.store.pending_txs()?;
        if pending.is_empty() {
            return Ok(());
        }
        let tip = self.chain.tip().await?;
        for p in pending {
            match self.chain.tx(&p.tx_hash).await? {
                Some(c) => {
                    tracing::info!(hash = %p.tx_hash, lease_id = p.lease_id, code = c.code, "resolved a recorded transaction from the chain");
                    let letter = Letter {
                        kind: p.kind,
                        lease_id: Some(p.lease_id),
                        units: p.units,
                    };
                    self.log(&letter, &c.hash, Some(c.height), c.code, &c.log)?;
                    self.store.resolve_tx(&p, c.code == 0, now_secs())?;
                    if c.code == 0 && p.kind == TxKind::ReportUsage {
                        self.metrics.usage_reported_units.inc_by(as_u64(p.units));
                    }
                }
                None if tip.height > p.timeout_height => {
                    tracing::info!(hash = %p.tx_hash, lease_id = p.lease_id, "recorded transaction expired unincluded");
                    self.store.resolve_tx(&p, false, now_secs())?;
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Resolves recorded batches from the chain: a committed one item by item
    /// (from its response data: each report that went through counts once),
    /// one refused whole or past its timeout height without a block as
    /// nothing done. Each item the chain refused is logged in words.
    async fn reconcile_batches(&self) -> Result<()> {
        let pending = self.store.pending_batches()?;
        if pending.is_empty() {
            return Ok(());
        }
        let tip = self.chain.tip().await?;
        for p in pending {
            let letter = Letter {
                kind: TxKind::Batch,
                lease_id: None,
                units: p.entries.iter().map(|e| e.units).sum(),
            };
            match self.chain.tx(&p.tx_hash).await? {
                Some(c) => {
                    self.log(&letter, &c.hash, Some(c.height), c.code, &c.log)?;
                    let response = (c.code == 0)
                        .then(|| c.contract_response::<BatchResponse>())
                        .flatten();
                    let done = items_done(&p, response.as_ref());
                    if !self.store.resolve_batch(&p, &done, now_secs())? {
                        continue;
                    }
                    let reported: u128 = p
                        .entries
                        .iter()
                        .zip(&done)
                        .filter(|(e, done)| **done && e.kind == TxKind::ReportUsage)
                        .map(|(e, _)| e.units)
                        .sum();
                    self.metrics.usage_reported_units.inc_by(as_u64(reported));
                    let went_through = done.iter().filter(|d| **d).count();
                    tracing::info!(hash = %p.tx_hash, code = c.code, items = p.entries.len(), went_through,
                        units_reported = %reported, "resolved a recorded batch from the chain");
                    for (entry, result) in
                        p.entries.iter().zip(response.iter().flat_map(|r| &r.items))
                    {
                        if let Some(error) = &result.error {
                            tracing::warn!(kind = entry.kind.as_str(), lease_id = entry.lease_id, %error,
                                "batch item refused by the chain (resolved after a restart)");
                        }
                    }
                }
                None if tip.height > p.timeout_height => {
                    tracing::info!(hash = %p.tx_hash, items = p.entries.len(), "recorded batch expired unincluded: its items are decided again");
                    self.store.resolve_batch(&p, &[], now_secs())?;
                }
                None => {}
            }
        }
        Ok(())
    }
}

/// Which items of a committed batch went through: its response's items
/// without an error, in order. A response that does not match the batch
/// item for item counts nothing: the chain's `reported_units` then corrects
/// the count on the next pass (a report built on a stale count is refused).
fn items_done(batch: &PendingBatch, response: Option<&BatchResponse>) -> Vec<bool> {
    let Some(response) = response else {
        tracing::warn!(hash = %batch.tx_hash, "no batch response in the transaction's data: nothing of it counted here; the chain's reported units are taken on the next pass");
        return vec![];
    };
    let matches = response.items.len() == batch.entries.len()
        && response
            .items
            .iter()
            .zip(&batch.entries)
            .all(|(r, e)| r.lease_id == e.lease_id);
    if !matches {
        tracing::warn!(hash = %batch.tx_hash, "the batch response does not match the recorded items: nothing of it counted here; the chain's reported units are taken on the next pass");
        return vec![];
    }
    response.items.iter().map(|r| r.error.is_none()).collect()
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
