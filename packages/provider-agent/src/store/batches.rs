//! Escrow `batch` transactions in flight (a fleet's duties): every item is
//! written down with the transaction's hash and timeout height before its
//! broadcast, and resolved from the chain's answer — or, after a crash, from
//! the chain — in one SQLite transaction that adds each committed report's
//! units to `reported`. So a report in a batch counts once, and a lease with
//! a batch of unknown fate gets no new report until it is resolved.

use rusqlite::params;

use super::db::{to_i64, to_u128, Store};
use super::txs::add_reported;
use crate::error::{AgentError, Result};
use crate::tx_kind::TxKind;

/// One item of a batch as recorded: what it does, on which lease, and the
/// units it reports (0 for a redemption or a settle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    pub kind: TxKind,
    pub lease_id: u64,
    pub units: u128,
}

/// A batch recorded before its broadcast and not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBatch {
    pub tx_hash: String,
    pub timeout_height: u64,
    /// In the order of the message's items.
    pub entries: Vec<BatchEntry>,
}

impl Store {
    /// Records a batch before it is broadcast (its hash is known once signed).
    pub fn begin_batch(&self, batch: &PendingBatch) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (item, entry) in batch.entries.iter().enumerate() {
            tx.execute(
                "INSERT INTO pending_batch (tx_hash, item, kind, lease_id, units, timeout_height)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(tx_hash, item) DO NOTHING",
                params![
                    batch.tx_hash,
                    to_i64(item as u64)?,
                    entry.kind.as_str(),
                    to_i64(entry.lease_id)?,
                    entry.units.to_string(),
                    to_i64(batch.timeout_height)?
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every recorded batch, its items in order.
    pub fn pending_batches(&self) -> Result<Vec<PendingBatch>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT tx_hash, timeout_height, kind, lease_id, units FROM pending_batch
             ORDER BY tx_hash, item",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out: Vec<PendingBatch> = Vec::new();
        for row in rows {
            let (tx_hash, timeout_height, kind, lease_id, units) = row?;
            let entry = BatchEntry {
                kind: kind.parse()?,
                lease_id: u64::try_from(lease_id).map_err(|_| AgentError::Overflow("lease id"))?,
                units: to_u128(units)?,
            };
            match out.last_mut().filter(|b| b.tx_hash == tx_hash) {
                Some(batch) => batch.entries.push(entry),
                None => out.push(PendingBatch {
                    tx_hash,
                    timeout_height: u64::try_from(timeout_height)
                        .map_err(|_| AgentError::Overflow("timeout height"))?,
                    entries: vec![entry],
                }),
            }
        }
        Ok(out)
    }

    /// Resolves a recorded batch: `done[i]` says whether item i went through
    /// on chain (empty: the batch did nothing — refused whole, or never
    /// included). Each report that went through adds its units to the lease's
    /// `reported`, in the same SQLite transaction that forgets the batch; only
    /// the first resolution of a batch counts. True when this one did.
    pub fn resolve_batch(&self, batch: &PendingBatch, done: &[bool], now: u64) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = tx.execute(
            "DELETE FROM pending_batch WHERE tx_hash = ?1",
            [&batch.tx_hash],
        )?;
        if removed == 0 {
            return Ok(false);
        }
        for (entry, _) in batch
            .entries
            .iter()
            .zip(done)
            .filter(|(e, done)| **done && e.kind == TxKind::ReportUsage)
        {
            add_reported(&tx, to_i64(entry.lease_id)?, entry.units, now)?;
        }
        tx.commit()?;
        Ok(true)
    }
}
