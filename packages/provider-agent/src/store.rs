//! SQLite state: usage recorded by the metering source and what of it was
//! reported, the receipts held, the transactions in flight (recorded before
//! they are broadcast, resolved from the chain after), and the outcome of
//! every transaction. A restart reads it back, so usage is never reported
//! twice and a receipt accepted is never lost.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{AgentError, Result};
use crate::receipts::ReceiptError;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- recorded: units the metering source recorded; reported: units the chain accepted in reports.
CREATE TABLE IF NOT EXISTS usage (
    lease_id INTEGER PRIMARY KEY,
    recorded TEXT NOT NULL DEFAULT '0',
    reported TEXT NOT NULL DEFAULT '0',
    last_report_at INTEGER NOT NULL DEFAULT 0
);
-- Ids of usage pushed over HTTP, so a retried push counts once.
CREATE TABLE IF NOT EXISTS pushed (id TEXT PRIMARY KEY);
-- The highest receipt each consumer signed per lease.
CREATE TABLE IF NOT EXISTS receipts (
    lease_id INTEGER PRIMARY KEY,
    cumulative_units TEXT NOT NULL,
    signature BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    redeemed TEXT NOT NULL DEFAULT '0'
);
-- A transaction broadcast (or about to be) whose effect is not known yet.
CREATE TABLE IF NOT EXISTS pending_tx (
    kind TEXT NOT NULL,
    lease_id INTEGER NOT NULL,
    units TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    timeout_height INTEGER NOT NULL,
    PRIMARY KEY (tx_hash)
);
-- Every transaction's outcome as the chain reported it.
CREATE TABLE IF NOT EXISTS tx_log (
    tx_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    lease_id INTEGER,
    height INTEGER,
    code INTEGER NOT NULL,
    log TEXT NOT NULL,
    at INTEGER NOT NULL
);
-- An action the chain refused with a final error, not tried again while the lease is unchanged.
CREATE TABLE IF NOT EXISTS blocked (
    action TEXT NOT NULL,
    lease_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    blocked_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (action, lease_id)
);
"#;

/// A transaction in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingTx {
    pub kind: String,
    pub lease_id: u64,
    pub units: u128,
    pub tx_hash: String,
    pub timeout_height: u64,
}

/// A receipt the agent holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldReceipt {
    pub lease_id: u64,
    pub cumulative_units: u128,
    pub signature: Vec<u8>,
    pub received_at: u64,
    pub redeemed: u128,
}

/// What storing a receipt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A higher receipt than any held: kept.
    New,
    /// The same units as the one held: nothing changed.
    Duplicate,
}

/// One transaction outcome as the chain reported it.
#[derive(Debug, Clone, Copy)]
pub struct TxLogEntry<'a> {
    pub tx_hash: &'a str,
    pub kind: &'a str,
    pub lease_id: Option<u64>,
    pub height: Option<u64>,
    pub code: u32,
    pub log: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub recorded: u128,
    pub reported: u128,
    pub last_report_at: u64,
}

pub struct Store {
    conn: Mutex<Connection>,
}

fn to_u128(text: String) -> Result<u128> {
    text.parse()
        .map_err(|_| AgentError::Decode(format!("bad stored amount {text}")))
}

fn to_i64(value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| AgentError::Overflow("store integer"))
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        // WAL + synchronous FULL: a transaction committed survives a SIGKILL or power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every write is a transaction).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The lease id up to which every lease of the provider is closed: the
    /// agent reads the provider's leases after it, so a long history of
    /// closed leases is not read again on every pass.
    pub fn closed_through(&self) -> Result<Option<u64>> {
        self.meta("closed_through")?
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| AgentError::Decode(format!("bad stored lease id {v}")))
            })
            .transpose()
    }

    pub fn set_closed_through(&self, lease_id: u64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES ('closed_through', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [lease_id.to_string()],
        )?;
        Ok(())
    }

    /// Byte offset of the usage file read so far.
    pub fn usage_file_offset(&self) -> Result<u64> {
        match self.meta("usage_file_offset")? {
            Some(v) => v
                .parse()
                .map_err(|_| AgentError::Decode(format!("bad usage_file_offset {v}"))),
            None => Ok(0),
        }
    }

    /// Adds usage deltas read from the usage file and moves the offset past
    /// them, in one transaction: a line is counted exactly once.
    pub fn ingest_usage(&self, deltas: &[(u64, u128)], new_offset: u64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for &(lease_id, units) in deltas {
            add_recorded(&tx, lease_id, units)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('usage_file_offset', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [new_offset.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds usage pushed over HTTP; with an id, only the first push of that id
    /// counts (returns false for a repeat).
    pub fn add_usage(&self, lease_id: u64, units: u128, id: Option<&str>) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(id) = id {
            if tx.execute("INSERT OR IGNORE INTO pushed (id) VALUES (?1)", [id])? == 0 {
                return Ok(false);
            }
        }
        add_recorded(&tx, lease_id, units)?;
        tx.commit()?;
        Ok(true)
    }

    pub fn usage(&self, lease_id: u64) -> Result<Usage> {
        let row: Option<(String, String, i64)> = self
            .conn()
            .query_row(
                "SELECT recorded, reported, last_report_at FROM usage WHERE lease_id = ?1",
                [to_i64(lease_id)?],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => Ok(Usage::default()),
            Some((recorded, reported, at)) => Ok(Usage {
                recorded: to_u128(recorded)?,
                reported: to_u128(reported)?,
                last_report_at: u64::try_from(at).unwrap_or(0),
            }),
        }
    }

    /// Records a transaction before it is broadcast (its hash is known once signed).
    pub fn begin_tx(&self, pending: &PendingTx) -> Result<()> {
        self.conn().execute(
            "INSERT INTO pending_tx (kind, lease_id, units, tx_hash, timeout_height)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(tx_hash) DO NOTHING",
            params![
                pending.kind,
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
                kind,
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
        if removed == 1 && committed && pending.kind == "report_usage" {
            let reported: Option<String> = tx
                .query_row(
                    "SELECT reported FROM usage WHERE lease_id = ?1",
                    [lease],
                    |r| r.get(0),
                )
                .optional()?;
            let reported = to_u128(reported.unwrap_or_else(|| "0".into()))?
                .checked_add(pending.units)
                .ok_or(AgentError::Overflow("reported usage"))?;
            tx.execute(
                "INSERT INTO usage (lease_id, reported, last_report_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(lease_id) DO UPDATE SET reported = excluded.reported,
                   last_report_at = excluded.last_report_at",
                params![lease, reported.to_string(), to_i64(now)?],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// True while a transaction of this kind on this lease awaits resolution.
    pub fn has_pending(&self, kind: &str, lease_id: u64) -> Result<bool> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM pending_tx WHERE kind = ?1 AND lease_id = ?2",
            params![kind, to_i64(lease_id)?],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Keeps a receipt if it is above the one held; refuses one below it.
    pub fn put_receipt(
        &self,
        lease_id: u64,
        cumulative_units: u128,
        signature: &[u8],
        now: u64,
    ) -> Result<Stored> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let lease = to_i64(lease_id)?;
        let held: Option<String> = tx
            .query_row(
                "SELECT cumulative_units FROM receipts WHERE lease_id = ?1",
                [lease],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(held) = held {
            let held = to_u128(held)?;
            if cumulative_units == held {
                return Ok(Stored::Duplicate);
            }
            if cumulative_units < held {
                return Err(ReceiptError::NotIncreasing {
                    cumulative_units,
                    held,
                }
                .into());
            }
        }
        tx.execute(
            "INSERT INTO receipts (lease_id, cumulative_units, signature, received_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(lease_id) DO UPDATE SET cumulative_units = excluded.cumulative_units,
               signature = excluded.signature, received_at = excluded.received_at",
            params![lease, cumulative_units.to_string(), signature, to_i64(now)?],
        )?;
        tx.commit()?;
        Ok(Stored::New)
    }

    pub fn receipt(&self, lease_id: u64) -> Result<Option<HeldReceipt>> {
        let row: Option<(String, Vec<u8>, i64, String)> = self
            .conn()
            .query_row(
                "SELECT cumulative_units, signature, received_at, redeemed FROM receipts WHERE lease_id = ?1",
                [to_i64(lease_id)?],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(units, signature, at, redeemed)| {
            Ok(HeldReceipt {
                lease_id,
                cumulative_units: to_u128(units)?,
                signature,
                received_at: u64::try_from(at).unwrap_or(0),
                redeemed: to_u128(redeemed)?,
            })
        })
        .transpose()
    }

    /// Mirrors the units the chain says were redeemed on a receipts lease.
    pub fn set_redeemed(&self, lease_id: u64, redeemed: u128) -> Result<()> {
        self.conn().execute(
            "UPDATE receipts SET redeemed = ?2 WHERE lease_id = ?1",
            params![to_i64(lease_id)?, redeemed.to_string()],
        )?;
        Ok(())
    }

    /// Receipt totals: (units held, units redeemed) over every lease.
    pub fn receipt_totals(&self) -> Result<(u128, u128)> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT cumulative_units, redeemed FROM receipts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let (mut held, mut redeemed) = (0u128, 0u128);
        for row in rows {
            let (h, r) = row?;
            held = held
                .checked_add(to_u128(h)?)
                .ok_or(AgentError::Overflow("receipts held"))?;
            redeemed = redeemed
                .checked_add(to_u128(r)?)
                .ok_or(AgentError::Overflow("receipts redeemed"))?;
        }
        Ok((held, redeemed))
    }

    pub fn log_tx(&self, entry: &TxLogEntry<'_>, now: u64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO tx_log (tx_hash, kind, lease_id, height, code, log, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                entry.tx_hash,
                entry.kind,
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
    pub fn tx_count(&self, kind: &str, ok: bool) -> Result<u64> {
        let sql = if ok {
            "SELECT COUNT(*) FROM tx_log WHERE kind = ?1 AND code = 0"
        } else {
            "SELECT COUNT(*) FROM tx_log WHERE kind = ?1 AND code != 0"
        };
        let n: i64 = self.conn().query_row(sql, [kind], |r| r.get(0))?;
        u64::try_from(n).map_err(|_| AgentError::Overflow("count"))
    }

    pub fn block(
        &self,
        action: &str,
        lease_id: u64,
        fingerprint: &str,
        reason: &str,
        now: u64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO blocked (action, lease_id, fingerprint, reason, blocked_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(action, lease_id) DO UPDATE SET fingerprint = excluded.fingerprint,
               reason = excluded.reason, blocked_at = excluded.blocked_at",
            params![action, to_i64(lease_id)?, fingerprint, reason, to_i64(now)?],
        )?;
        Ok(())
    }

    /// True when `action` on this lease failed finally, the lease has not
    /// changed since, and less than `hold_seconds` passed (some refusals depend
    /// on the block time, e.g. a close grace that ends a second later).
    pub fn is_blocked(
        &self,
        action: &str,
        lease_id: u64,
        fingerprint: &str,
        now: u64,
        hold_seconds: u64,
    ) -> Result<bool> {
        let stored: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT fingerprint, blocked_at FROM blocked WHERE action = ?1 AND lease_id = ?2",
                params![action, to_i64(lease_id)?],
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

fn add_recorded(tx: &rusqlite::Transaction<'_>, lease_id: u64, units: u128) -> Result<()> {
    let lease = to_i64(lease_id)?;
    let recorded: Option<String> = tx
        .query_row(
            "SELECT recorded FROM usage WHERE lease_id = ?1",
            [lease],
            |r| r.get(0),
        )
        .optional()?;
    let recorded = to_u128(recorded.unwrap_or_else(|| "0".into()))?
        .checked_add(units)
        .ok_or(AgentError::Overflow("recorded usage"))?;
    tx.execute(
        "INSERT INTO usage (lease_id, recorded) VALUES (?1, ?2)
         ON CONFLICT(lease_id) DO UPDATE SET recorded = excluded.recorded",
        params![lease, recorded.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(lease_id: u64, units: u128, hash: &str) -> PendingTx {
        PendingTx {
            kind: "report_usage".into(),
            lease_id,
            units,
            tx_hash: hash.into(),
            timeout_height: 100,
        }
    }

    #[test]
    fn a_report_counts_once_even_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.sqlite");
        {
            let store = Store::open(&path).unwrap();
            store.ingest_usage(&[(1, 40), (1, 2)], 120).unwrap();
            // Recorded before the broadcast; the process dies before the answer.
            store.begin_tx(&report(1, 42, "AA")).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.usage_file_offset().unwrap(), 120);
        let pending = store.pending_txs().unwrap();
        assert_eq!(pending, vec![report(1, 42, "AA")]);
        // The chain says it was committed: reported moves once.
        store.resolve_tx(&pending[0], true, 5).unwrap();
        assert_eq!(store.usage(1).unwrap().reported, 42);
        // Resolving the same entry again (a second restart) changes nothing.
        store.resolve_tx(&pending[0], true, 6).unwrap();
        assert_eq!(store.usage(1).unwrap().reported, 42);
        assert!(store.pending_txs().unwrap().is_empty());
    }

    #[test]
    fn the_closed_prefix_survives_a_restart_and_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.sqlite");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.closed_through().unwrap(), None);
            store.set_closed_through(7).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.closed_through().unwrap(), Some(7));
        store.set_closed_through(12).unwrap();
        assert_eq!(store.closed_through().unwrap(), Some(12));
    }

    #[test]
    fn a_report_that_never_landed_leaves_the_usage_to_report() {
        let store = Store::in_memory().unwrap();
        assert!(store.add_usage(3, 10, Some("delivery-1")).unwrap());
        // The service retried its push: counted once.
        assert!(!store.add_usage(3, 10, Some("delivery-1")).unwrap());
        store.begin_tx(&report(3, 10, "BB")).unwrap();
        store.resolve_tx(&report(3, 10, "BB"), false, 9).unwrap();
        let usage = store.usage(3).unwrap();
        assert_eq!((usage.recorded, usage.reported), (10, 0));
    }

    #[test]
    fn receipts_only_move_up_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.sqlite");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.put_receipt(7, 100, &[1; 64], 1).unwrap(), Stored::New);
            assert_eq!(
                store.put_receipt(7, 100, &[1; 64], 2).unwrap(),
                Stored::Duplicate
            );
            assert_eq!(store.put_receipt(7, 150, &[2; 64], 3).unwrap(), Stored::New);
            let lower = store.put_receipt(7, 120, &[3; 64], 4).unwrap_err();
            assert!(matches!(
                lower,
                AgentError::Receipt(ReceiptError::NotIncreasing { held: 150, .. })
            ));
        }
        let store = Store::open(&path).unwrap();
        let held = store.receipt(7).unwrap().unwrap();
        assert_eq!((held.cumulative_units, held.signature), (150, vec![2; 64]));
        store.set_redeemed(7, 150).unwrap();
        assert_eq!(store.receipt_totals().unwrap(), (150, 150));
    }

    #[test]
    fn blocked_actions_unblock_when_the_lease_changes() {
        let store = Store::in_memory().unwrap();
        store
            .block("settle", 2, "open/0/10", "nothing to settle", 100)
            .unwrap();
        assert!(store.is_blocked("settle", 2, "open/0/10", 159, 60).unwrap());
        assert!(!store
            .is_blocked("settle", 2, "closing/0/10", 159, 60)
            .unwrap());
        assert!(!store
            .is_blocked("report_usage", 2, "open/0/10", 159, 60)
            .unwrap());
        // The hold ends: the agent may decide again from fresh chain state.
        assert!(!store.is_blocked("settle", 2, "open/0/10", 160, 60).unwrap());
    }
}
