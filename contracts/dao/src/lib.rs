//! The DAO of the DePIN suite: members stake the suite token, propose, vote
//! and execute; the DAO creates the token, registry and escrow in its own
//! instantiate and owns (and is wasm admin of) all three.

pub mod contract;
pub mod error;
mod execute;
mod instantiate;
mod proposal;
mod query;
mod reply;
pub mod rules;
pub mod state;
pub mod tally;

pub use error::ContractError;
