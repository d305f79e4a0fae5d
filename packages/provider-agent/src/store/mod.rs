//! SQLite state: usage recorded by the metering source and what of it was
//! reported, the receipts held, the transactions in flight (recorded before
//! they are broadcast, resolved from the chain after; a fleet's batches item
//! by item), and the outcome of
//! every transaction. A restart reads it back, so usage is never reported
//! twice and a receipt accepted is never lost.

mod batches;
mod db;
mod lock;
mod receipts;
#[cfg(test)]
mod tests;
mod txs;
mod usage;

pub use batches::{BatchEntry, PendingBatch};
pub use db::Store;
pub use lock::{lock_path, StateLock};
pub use receipts::{HeldReceipt, Stored};
pub use txs::{PendingTx, TxLogEntry};
pub use usage::{Usage, PUSH_IDS_KEPT, PUSH_ID_SECONDS};
