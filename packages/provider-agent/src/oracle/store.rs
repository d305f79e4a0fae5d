//! The oracle's SQLite state (WAL, synchronous FULL, like the agent's): per
//! (provider, epoch) what its challenges gave — missed (with the attempts
//! and why), answered (nonce and signature), submitted in a batch, or the
//! chain's verdict — and every batch, recorded before its broadcast with its
//! hash and timeout height, so a restart resolves it from the chain and a
//! (provider, epoch) is never submitted twice.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{AgentError, Result};

const SCHEMA: &str = r#"
-- state: missed | answered | submitted | proven | duplicate | rejected | late
CREATE TABLE IF NOT EXISTS proofs (
    provider TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    nonce BLOB,
    signature BLOB,
    reason TEXT NOT NULL DEFAULT '',
    batch INTEGER,
    at INTEGER NOT NULL,
    PRIMARY KEY (provider, epoch)
);
CREATE INDEX IF NOT EXISTS proofs_state ON proofs (epoch, state);
-- state: open (recorded, maybe broadcast) | committed | refused | expired
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    epoch INTEGER NOT NULL,
    tx_hash TEXT NOT NULL DEFAULT '',
    timeout_height INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    at INTEGER NOT NULL
);
"#;

/// An answered challenge, ready for a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub provider: String,
    pub nonce: Vec<u8>,
    pub signature: Vec<u8>,
}

/// A batch recorded and not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBatch {
    pub id: i64,
    pub epoch: u64,
    /// Empty until the transaction is signed (then it was never broadcast).
    pub tx_hash: String,
    pub timeout_height: u64,
}

/// The chain's verdict on one entry of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Proven,
    Duplicate,
    Rejected(String),
}

pub struct OracleStore {
    conn: Mutex<Connection>,
}

fn int(value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| AgentError::Overflow("oracle store integer"))
}

fn uint(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| AgentError::Overflow("oracle store integer"))
}

impl OracleStore {
    pub fn open(path: &Path) -> Result<OracleStore> {
        Self::init(Connection::open(path)?)
    }

    pub fn in_memory() -> Result<OracleStore> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<OracleStore> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(OracleStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// (challenges made, when the last was) for (provider, epoch), or None
    /// once it needs none (answered, submitted or judged).
    pub fn attempts(&self, provider: &str, epoch: u64) -> Result<Option<(u32, u64)>> {
        let row: Option<(String, u32, i64)> = self
            .conn()
            .query_row(
                "SELECT state, attempts, at FROM proofs WHERE provider = ?1 AND epoch = ?2",
                params![provider, int(epoch)?],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match row {
            None => Some((0, 0)),
            Some((state, attempts, at)) if state == "missed" => Some((attempts, uint(at)?)),
            Some(_) => None,
        })
    }

    /// A challenge failed: one more attempt, and why. Returns the attempts made.
    pub fn record_miss(&self, provider: &str, epoch: u64, reason: &str, now: u64) -> Result<u32> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO proofs (provider, epoch, state, attempts, reason, at) VALUES (?1, ?2, 'missed', 1, ?3, ?4)
             ON CONFLICT(provider, epoch) DO UPDATE SET attempts = attempts + 1, reason = excluded.reason,
               at = excluded.at WHERE state = 'missed'",
            params![provider, int(epoch)?, reason, int(now)?],
        )?;
        Ok(conn.query_row(
            "SELECT attempts FROM proofs WHERE provider = ?1 AND epoch = ?2",
            params![provider, int(epoch)?],
            |r| r.get(0),
        )?)
    }

    /// A challenge answered and verified.
    pub fn record_answer(
        &self,
        provider: &str,
        epoch: u64,
        nonce: &[u8],
        signature: &[u8],
        now: u64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO proofs (provider, epoch, state, nonce, signature, at) VALUES (?1, ?2, 'answered', ?3, ?4, ?5)
             ON CONFLICT(provider, epoch) DO UPDATE SET state = 'answered', nonce = excluded.nonce,
               signature = excluded.signature, reason = '', at = excluded.at WHERE state = 'missed'",
            params![provider, int(epoch)?, nonce, signature, int(now)?],
        )?;
        Ok(())
    }

    /// Answered proofs of `epoch` not in any batch yet (at most `limit`).
    pub fn answered(&self, epoch: u64, limit: usize) -> Result<Vec<Answered>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT provider, nonce, signature FROM proofs WHERE epoch = ?1 AND state = 'answered'
             ORDER BY provider LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![int(epoch)?, int(limit as u64)?], |r| {
            Ok(Answered {
                provider: r.get(0)?,
                nonce: r.get(1)?,
                signature: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Records a batch before it is signed: its proofs move to `submitted`
    /// in the same transaction, so none is put in a second batch.
    pub fn open_batch(&self, epoch: u64, providers: &[String], now: u64) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO batches (epoch, state, at) VALUES (?1, 'open', ?2)",
            params![int(epoch)?, int(now)?],
        )?;
        let id = tx.last_insert_rowid();
        for provider in providers {
            tx.execute(
                "UPDATE proofs SET state = 'submitted', batch = ?1 WHERE provider = ?2 AND epoch = ?3 AND state = 'answered'",
                params![id, provider, int(epoch)?],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The signed transaction's hash and timeout height, before its broadcast.
    pub fn batch_signed(&self, id: i64, tx_hash: &str, timeout_height: u64) -> Result<()> {
        self.conn().execute(
            "UPDATE batches SET tx_hash = ?1, timeout_height = ?2 WHERE id = ?3",
            params![tx_hash, int(timeout_height)?, id],
        )?;
        Ok(())
    }

    pub fn open_batches(&self) -> Result<Vec<OpenBatch>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, epoch, tx_hash, timeout_height FROM batches WHERE state = 'open' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, epoch, tx_hash, timeout_height) = row?;
            out.push(OpenBatch {
                id,
                epoch: uint(epoch)?,
                tx_hash,
                timeout_height: uint(timeout_height)?,
            });
        }
        Ok(out)
    }

    /// The providers of a batch.
    pub fn batch_providers(&self, id: i64) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT provider FROM proofs WHERE batch = ?1 ORDER BY provider")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The chain committed the batch: each entry's verdict (entries the
    /// chain did not name are proven, as the count attributes said).
    pub fn batch_committed(&self, id: i64, verdicts: &[(String, Verdict)]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE batches SET state = 'committed' WHERE id = ?1", [id])?;
        tx.execute(
            "UPDATE proofs SET state = 'proven' WHERE batch = ?1 AND state = 'submitted'",
            [id],
        )?;
        for (provider, verdict) in verdicts {
            let (state, reason) = match verdict {
                Verdict::Proven => ("proven", ""),
                Verdict::Duplicate => ("duplicate", ""),
                Verdict::Rejected(reason) => ("rejected", reason.as_str()),
            };
            tx.execute(
                "UPDATE proofs SET state = ?1, reason = ?2 WHERE batch = ?3 AND provider = ?4",
                params![state, reason, id, provider],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The batch is not on chain and never will be (never broadcast, or past
    /// its timeout height unincluded): its proofs are answered again, for
    /// another batch. `refused`: the chain refused the whole batch finally
    /// (the reason): its proofs are `rejected` (not sent again).
    pub fn batch_dropped(&self, id: i64, refused: Option<&str>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let state = if refused.is_some() {
            "refused"
        } else {
            "expired"
        };
        tx.execute(
            "UPDATE batches SET state = ?1 WHERE id = ?2",
            params![state, id],
        )?;
        match refused {
            Some(reason) => tx.execute(
                "UPDATE proofs SET state = 'rejected', reason = ?1 WHERE batch = ?2 AND state = 'submitted'",
                params![reason, id],
            )?,
            None => tx.execute(
                "UPDATE proofs SET state = 'answered', batch = NULL WHERE batch = ?1 AND state = 'submitted'",
                [id],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    /// Proofs of epochs before `open_from` that were never submitted: `late`.
    /// Returns how many.
    pub fn close_epochs_before(&self, open_from: u64) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE proofs SET state = 'late' WHERE epoch < ?1 AND state = 'answered'",
            [int(open_from)?],
        )?)
    }

    /// (provider, state, reason) of one epoch, for logs and status.
    pub fn epoch_outcomes(&self, epoch: u64) -> Result<Vec<(String, String, String)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT provider, state, reason FROM proofs WHERE epoch = ?1 ORDER BY provider",
        )?;
        let rows = stmt.query_map([int(epoch)?], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
