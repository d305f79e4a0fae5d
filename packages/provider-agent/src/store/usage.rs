//! Usage recorded by the metering source (file or push) and what of it the
//! chain accepted in reports.

use rusqlite::{params, OptionalExtension};

use super::db::{scoped, to_i64, to_u128, Store};
use crate::error::{AgentError, Result};

/// How long a push id is remembered: a service retrying a push retries within
/// this (a day).
pub const PUSH_ID_SECONDS: u64 = 86_400;
/// At most this many push ids are kept (the newest).
pub const PUSH_IDS_KEPT: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub recorded: u128,
    pub reported: u128,
    pub last_report_at: u64,
}

impl Store {
    /// Byte offset of the usage file read so far.
    pub fn usage_file_offset(&self) -> Result<u64> {
        self.usage_file_offset_of("")
    }

    /// Adds usage deltas read from the usage file and moves the offset past
    /// them, in one transaction: a line is counted exactly once.
    pub fn ingest_usage(&self, deltas: &[(u64, u128)], new_offset: u64) -> Result<()> {
        self.ingest_usage_of("", deltas, new_offset)
    }

    /// [`Store::usage_file_offset`] of the usage file of one provider of a
    /// fleet (`scope`: its address; empty: the single agent's file).
    pub fn usage_file_offset_of(&self, scope: &str) -> Result<u64> {
        match self.meta(&scoped("usage_file_offset", scope))? {
            Some(v) => v
                .parse()
                .map_err(|_| AgentError::Decode(format!("bad usage_file_offset {v}"))),
            None => Ok(0),
        }
    }

    /// [`Store::ingest_usage`] from the usage file of one provider of a fleet.
    pub fn ingest_usage_of(
        &self,
        scope: &str,
        deltas: &[(u64, u128)],
        new_offset: u64,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for &(lease_id, units) in deltas {
            add_recorded(&tx, lease_id, units)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [scoped("usage_file_offset", scope), new_offset.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds usage pushed over HTTP at `now`; with an id, only the first push
    /// of that id counts (returns false for a repeat). Ids older than
    /// [`PUSH_ID_SECONDS`] are forgotten, and no more than [`PUSH_IDS_KEPT`] are kept.
    pub fn add_usage(
        &self,
        lease_id: u64,
        units: u128,
        id: Option<&str>,
        now: u64,
    ) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(id) = id {
            let expired = to_i64(now.saturating_sub(PUSH_ID_SECONDS))?;
            tx.execute("DELETE FROM pushed WHERE at < ?1", [expired])?;
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO pushed (id, at) VALUES (?1, ?2)",
                params![id, to_i64(now)?],
            )?;
            if inserted == 0 {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM pushed WHERE id IN
                   (SELECT id FROM pushed ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?1)",
                [PUSH_IDS_KEPT],
            )?;
        }
        add_recorded(&tx, lease_id, units)?;
        tx.commit()?;
        Ok(true)
    }

    /// Sets the units reported on a lease to the chain's count (a lost or
    /// replaced state, or a report refused for building on a stale count).
    pub fn set_reported(&self, lease_id: u64, reported: u128) -> Result<()> {
        self.conn().execute(
            "INSERT INTO usage (lease_id, reported) VALUES (?1, ?2)
             ON CONFLICT(lease_id) DO UPDATE SET reported = excluded.reported",
            params![to_i64(lease_id)?, reported.to_string()],
        )?;
        Ok(())
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
}

pub(super) fn add_recorded(
    tx: &rusqlite::Transaction<'_>,
    lease_id: u64,
    units: u128,
) -> Result<()> {
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
