//! Provider registry of the DePIN suite: providers register, stake collateral,
//! prove liveness, earn rewards and can be slashed. Owner: the DAO.
//!
//! Layout: `contract` holds the entry points only; `execute::*` one file per
//! domain; `query` the read-only handlers; `state` every storage item;
//! `rewards` the pure emission and accumulator arithmetic.

pub mod contract;
pub mod error;
mod execute;
mod query;
pub mod rewards;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::ContractError;
