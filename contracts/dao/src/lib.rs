//! The DAO of the DePIN suite: members stake the suite token, propose, vote
//! and execute; the DAO creates the token, registry and escrow in its own
//! instantiate and owns (and is wasm admin of) all three.
//!
//! Layout (CODING_GUIDELINES.md): `contract` holds the entry points and the
//! funds guard; `instantiate` the suite bootstrap; `execute::*` one file per
//! domain; `reply` the bootstrap steps and a failed execution; `proposal`,
//! `tally` and `rules` the proposal lifecycle, vote arithmetic and the
//! members'-funds rules; `funds` the tokens held for others and token
//! transfers; `query`; `state`.

pub mod contract;
pub mod error;
mod execute;
mod funds;
mod instantiate;
mod proposal;
mod query;
mod reply;
pub mod rules;
pub mod state;
pub mod tally;

pub use error::ContractError;
