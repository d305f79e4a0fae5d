//! The one way a transaction leaves the agent. It owns "record before
//! broadcast, resolve after restart": a tracked transaction (a usage report)
//! is written to SQLite with its hash and timeout height before each
//! broadcast and resolved from the chain's answer, or, after a crash, from
//! the chain by [`Outbox::reconcile`]; every outcome goes to `tx_log`; and
//! sending pauses (one warning) while the fee payer is under the gas floor.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::chain::{Chain, Committed};
use crate::clock::now_secs;
use crate::error::{AgentError, Result};
use crate::metrics::{as_u64, Metrics};
use crate::queue::{Call, Ledger, Signed, SigningQueue};
use crate::store::{PendingTx, Store, TxLogEntry};
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
        // What the chain did stands, whatever happened locally: a transaction
        // committed is reported committed even when the state cannot be written.
        if let Err(e) = self.file(&letter, &result, last.as_ref()) {
            self.metrics.state_errors.inc();
            let hash = match &result {
                Ok(c) => c.hash.as_str(),
                Err(_) => last
                    .as_ref()
                    .map(|p| p.tx_hash.as_str())
                    .unwrap_or_default(),
            };
            let on_chain = match &result {
                Ok(_) => "committed",
                Err(AgentError::Chain { .. }) => "refused",
                Err(_) => "unknown",
            };
            tracing::error!(kind = kind.as_str(), lease_id, %hash, on_chain, error = %e,
                "the outcome of this transaction on chain could not be written to the state file (disk full or read-only?); what the chain did stands");
        }
        result
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
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
