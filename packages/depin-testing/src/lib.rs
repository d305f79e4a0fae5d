//! The shared cw-multi-test suite builder: deploys the whole suite, names the
//! actors and gives every test one helper per action.
//!
//! One file per area: `suite.rs` (parameters, actors, the deployed suite),
//! `dao.rs` (deployment through the DAO and the DAO's helpers), `token.rs`,
//! `registry.rs`, `escrow.rs` (helpers for each contract), `liveness.rs`
//! (agent keys, proofs and the always-on oracle), `scenario.rs`
//! (whole-suite views the invariants read), `shared.rs` (the helpers every test file needs).

pub mod contracts;
pub mod dao;
pub mod escrow;
pub mod liveness;
pub mod registry;
pub mod scenario;
pub mod shared;
pub mod suite;
pub mod token;

pub use suite::{Actors, Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
