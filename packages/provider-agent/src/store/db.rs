//! The SQLite file: its schema, the connection, and the small `meta` table.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

use crate::error::{AgentError, Result};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- recorded: units the metering source recorded; reported: units the chain accepted in reports.
CREATE TABLE IF NOT EXISTS usage (
    lease_id INTEGER PRIMARY KEY,
    recorded TEXT NOT NULL DEFAULT '0',
    reported TEXT NOT NULL DEFAULT '0',
    last_report_at INTEGER NOT NULL DEFAULT 0
);
-- Ids of usage pushed over HTTP, so a retried push counts once; `at`: when
-- first seen (ids expire, see store::usage::PUSH_ID_SECONDS).
CREATE TABLE IF NOT EXISTS pushed (id TEXT PRIMARY KEY, at INTEGER NOT NULL DEFAULT 0);
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
-- An escrow `batch` (a fleet's duties) broadcast or about to be: one row per item,
-- in the order of the message; resolved from the chain's answer or after a restart.
CREATE TABLE IF NOT EXISTS pending_batch (
    tx_hash TEXT NOT NULL,
    item INTEGER NOT NULL,
    kind TEXT NOT NULL,
    lease_id INTEGER NOT NULL,
    units TEXT NOT NULL,
    timeout_height INTEGER NOT NULL,
    PRIMARY KEY (tx_hash, item)
);
CREATE INDEX IF NOT EXISTS pending_batch_lease ON pending_batch (lease_id, kind);
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

/// Brings a state file of an earlier agent to this schema.
fn migrate(conn: &Connection) -> Result<()> {
    let has_at = conn
        .prepare("SELECT 1 FROM pragma_table_info('pushed') WHERE name = 'at'")?
        .exists([])?;
    if !has_at {
        conn.execute_batch("ALTER TABLE pushed ADD COLUMN at INTEGER NOT NULL DEFAULT 0")?;
    }
    conn.execute_batch("CREATE INDEX IF NOT EXISTS pushed_at ON pushed (at)")?;
    Ok(())
}

pub struct Store {
    conn: Mutex<Connection>,
}

pub(super) fn to_u128(text: String) -> Result<u128> {
    text.parse()
        .map_err(|_| AgentError::Decode(format!("bad stored amount {text}")))
}

pub(super) fn to_i64(value: u64) -> Result<i64> {
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
        migrate(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every write is a transaction).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every later write fails, as on a full or read-only disk (tests).
    #[cfg(test)]
    pub fn set_read_only(&self) {
        let _ = self.conn().pragma_update(None, "query_only", true);
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The lease id up to which every lease of the provider is closed: the
    /// agent reads the provider's leases after it, so a long history of
    /// closed leases is not read again on every pass.
    pub fn closed_through(&self) -> Result<Option<u64>> {
        self.closed_through_of("")
    }

    pub fn set_closed_through(&self, lease_id: u64) -> Result<()> {
        self.set_closed_through_of("", lease_id)
    }

    /// [`Store::closed_through`] of one provider of a fleet (`scope`: its
    /// address; empty: the single agent's provider).
    pub fn closed_through_of(&self, scope: &str) -> Result<Option<u64>> {
        self.meta(&scoped("closed_through", scope))?
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| AgentError::Decode(format!("bad stored lease id {v}")))
            })
            .transpose()
    }

    pub fn set_closed_through_of(&self, scope: &str, lease_id: u64) -> Result<()> {
        self.set_meta(&scoped("closed_through", scope), &lease_id.to_string())
    }
}

/// A `meta` key of one provider of a fleet: `key:<provider>`; the key itself
/// for an empty scope (the single agent, and state files written before fleets).
pub(super) fn scoped(key: &str, scope: &str) -> String {
    if scope.is_empty() {
        key.to_string()
    } else {
        format!("{key}:{scope}")
    }
}
