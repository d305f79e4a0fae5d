//! The shared cw-multi-test suite builder: deploys the whole suite, names the
//! actors and gives every test one helper per action.
//!
//! One file per area: `suite.rs` (builder, actors, deployment),
//! `token.rs`, `registry.rs`, `escrow.rs`, `dao.rs` (helpers for each contract).

pub mod contracts;
pub mod dao;
pub mod escrow;
pub mod registry;
pub mod scenario;
pub mod suite;
pub mod token;

pub use suite::{Actors, Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
