//! Execute handlers, one file per domain.

pub mod batch;
pub mod config;
pub mod lease;
pub mod metered;
pub mod receipts;
pub mod receive;
pub mod settle;
