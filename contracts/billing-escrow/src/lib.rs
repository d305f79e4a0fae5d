//! Billing escrow of the DePIN suite: consumers lock funds for a provider,
//! providers are paid for what they deliver (metered charges, streaming
//! accrual or consumer-signed receipts), a protocol fee goes to the treasury.

pub mod book;
pub mod contract;
pub mod error;
mod execute;
pub mod helpers;
mod query;
pub mod reply;
pub mod state;
pub mod sums;

pub use error::ContractError;

#[cfg(test)]
mod tests;
