//! Provider registry of the DePIN suite: providers register, stake collateral,
//! prove liveness, earn rewards and can be slashed. Owner: the DAO.
//!
//! Layout (CODING_GUIDELINES.md): `contract` holds the entry points and the
//! funds guards; `instantiate`; `execute::*` one file per domain;
//! `accounting` the reward accrual and the one path a provider change takes;
//! `query` the read-only handlers; `state` every storage item; `rewards` the
//! pure emission and accumulator arithmetic.

mod accounting;
pub mod contract;
pub mod error;
mod execute;
mod instantiate;
mod query;
pub mod rewards;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::ContractError;
