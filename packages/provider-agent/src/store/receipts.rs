//! The receipts held: the highest each consumer signed per lease, and what
//! the chain redeemed of them.

use rusqlite::{params, OptionalExtension};

use super::db::{to_i64, to_u128, Store};
use crate::error::{AgentError, Result};
use crate::receipts::ReceiptError;

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

impl Store {
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
}
