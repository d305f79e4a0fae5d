//! Transactions: the ones in flight (recorded before their broadcast,
//! resolved from the chain), every outcome, and the actions the chain refused
//! finally for a lease state.

use rusqlite::{params, OptionalExtension};

use super::db::{to_i64, to_u128, Store};
use crate::error::{AgentError, Result};
use crate::tx_kind::TxKind;

/// A transaction in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingTx {
    pub kind: TxKind,
    pub lease_id: u64,
    pub units: u128,
    pub tx_hash: String,
    pub timeout_height: u64,
}

/// One transaction outcome as the chain reported it.
#[derive(Debug, Clone, Copy)]
pub struct TxLogEntry<'a> {
    pub tx_hash: &'a str,
    pub kind: TxKind,
    pub lease_id: Option<u64>,
    pub height: Option<u64>,
    pub code: u32,
    pub log: &'a str,
}

impl Store {
    /// Records a transaction before it is broadcast (its hash is known once signed).
    pub fn begin_tx(&self, pending: &PendingTx) -> Result<()> {
        self.conn().execute(
            "INSERT INTO pending_tx (kind, lease_id, units, tx_hash, timeout_height)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(tx_hash) DO NOTHING",
            params![
                pending.kind.as_str(),
                to_i64(pending.lease_id)?,
                pending.units.to_string(),
                pending.tx_hash,
                to_i64(pending.timeout_height)?
            ],
        )?;
        Ok(())
    }

    pub fn pending_txs(&self) -> Result<Vec<PendingTx>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT kind, lease_id, units, tx_hash, timeout_height FROM pending_tx ORDER BY lease_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, lease_id, units, tx_hash, timeout_height) = row?;
            out.push(PendingTx {
                kind: kind.parse()?,
                lease_id: u64::try_from(lease_id).map_err(|_| AgentError::Overflow("lease id"))?,
                units: to_u128(units)?,
                tx_hash,
                timeout_height: u64::try_from(timeout_height)
                    .map_err(|_| AgentError::Overflow("timeout height"))?,
            });
        }
        Ok(out)
    }

    /// Resolves a pending transaction from the chain's answer: a committed
    /// usage report adds its units to `reported`, in the same transaction
    /// that forgets the pending entry.
    pub fn resolve_tx(&self, pending: &PendingTx, committed: bool, now: u64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let lease = to_i64(pending.lease_id)?;
        // Only the first resolution of an entry counts.
        let removed = tx.execute(
            "DELETE FROM pending_tx WHERE tx_hash = ?1",
            [&pending.tx_hash],
        )?;
        if removed == 1 && committed && pending.kind == TxKind::ReportUsage {
            add_reported(&tx, lease, pending.units, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// True while a transaction of this kind on this lease awaits
    /// resolution, alone or as an item of a batch.
    pub fn has_pending(&self, kind: TxKind, lease_id: u64) -> Result<bool> {
        let n: i64 = self.conn().query_row(
            "SELECT (SELECT COUNT(*) FROM pending_tx WHERE kind = ?1 AND lease_id = ?2)
                  + (SELECT COUNT(*) FROM pending_batch WHERE kind = ?1 AND lease_id = ?2)",
            params![kind.as_str(), to_i64(lease_id)?],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    pub fn log_tx(&self, entry: &TxLogEntry<'_>, now: u64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO tx_log (tx_hash, kind, lease_id, height, code, log, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                entry.tx_hash,
                entry.kind.as_str(),
                entry.lease_id.map(to_i64).transpose()?,
                entry.height.map(to_i64).transpose()?,
                entry.code,
                entry.log,
                to_i64(now)?
            ],
        )?;
        Ok(())
    }

    /// Count of logged outcomes of one kind (`code = 0` when `ok`).
    pub fn tx_count(&self, kind: TxKind, ok: bool) -> Result<u64> {
        let sql = if ok {
            "SELECT COUNT(*) FROM tx_log WHERE kind = ?1 AND code = 0"
        } else {
            "SELECT COUNT(*) FROM tx_log WHERE kind = ?1 AND code != 0"
        };
        let n: i64 = self.conn().query_row(sql, [kind.as_str()], |r| r.get(0))?;
        u64::try_from(n).map_err(|_| AgentError::Overflow("count"))
    }

    pub fn block(
        &self,
        action: TxKind,
        lease_id: u64,
        fingerprint: &str,
        reason: &str,
        now: u64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO blocked (action, lease_id, fingerprint, reason, blocked_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(action, lease_id) DO UPDATE SET fingerprint = excluded.fingerprint,
               reason = excluded.reason, blocked_at = excluded.blocked_at",
            params![action.as_str(), to_i64(lease_id)?, fingerprint, reason, to_i64(now)?],
        )?;
        Ok(())
    }

    /// True when `action` on this lease failed finally, the lease has not
    /// changed since, and less than `hold_seconds` passed (some refusals depend
    /// on the block time, e.g. a close grace that ends a second later).
    pub fn is_blocked(
        &self,
        action: TxKind,
        lease_id: u64,
        fingerprint: &str,
        now: u64,
        hold_seconds: u64,
    ) -> Result<bool> {
        let stored: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT fingerprint, blocked_at FROM blocked WHERE action = ?1 AND lease_id = ?2",
                params![action.as_str(), to_i64(lease_id)?],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match stored {
            Some((stored, at)) => {
                let at = u64::try_from(at).unwrap_or(0);
                stored == fingerprint && now.saturating_sub(at) < hold_seconds
            }
            None => false,
        })
    }
}

/// Adds a committed report's units to its lease's reported total, inside the
/// database transaction that forgets the report as pending (a single
/// transaction's or a batch's item alike).
pub(super) fn add_reported(
    tx: &rusqlite::Transaction<'_>,
    lease: i64,
    units: u128,
    now: u64,
) -> Result<()> {
    let reported: Option<String> = tx
        .query_row(
            "SELECT reported FROM usage WHERE lease_id = ?1",
            [lease],
            |r| r.get(0),
        )
        .optional()?;
    let reported = to_u128(reported.unwrap_or_else(|| "0".into()))?
        .checked_add(units)
        .ok_or(AgentError::Overflow("reported usage"))?;
    tx.execute(
        "INSERT INTO usage (lease_id, reported, last_report_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(lease_id) DO UPDATE SET reported = excluded.reported,
           last_report_at = excluded.last_report_at",
        params![lease, reported.to_string(), to_i64(now)?],
    )?;
    Ok(())
}
