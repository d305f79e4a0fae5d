//! Billing escrow of the DePIN suite: consumers lock funds for a provider,
//! providers are paid for what they deliver (metered charges, streaming
//! accrual or consumer-signed receipts), a protocol fee goes to the treasury.
//!
//! Layout (CODING_GUIDELINES.md): `contract` holds the entry points and the
//! funds guard; `instantiate`; `execute::*` one file per domain; `leases`
//! loading and checks; `payments` the messages that move money; `settlement`
//! what a settle pays; `sums` the pure fee and accrual arithmetic; `query`;
//! `reply`; `state`.

pub mod contract;
pub mod error;
mod execute;
mod instantiate;
pub mod leases;
pub mod payments;
mod query;
pub mod reply;
pub mod settlement;
pub mod state;
pub mod sums;

pub use error::ContractError;

#[cfg(test)]
mod tests;
