//! Messages, queries and shared types of the DePIN contract suite.
//!
//! This crate is the suite's public API: frontends, the TypeScript client and
//! every contract code against it. It holds no contract logic beyond the
//! validation helpers every contract applies the same way.

pub mod dao;
pub mod denom;
pub mod escrow;
pub mod liveness;
pub mod migration;
pub mod pagination;
pub mod receipt;
pub mod registry;
pub mod token;
pub mod validation;

/// The most items one batched message takes: an escrow `batch`, a registry
/// `claim_rewards` for a fleet or `record_usage_batch` (liveness proofs have
/// their own bound, [`liveness::MAX_LIVENESS_PROOFS`]). Its sender chooses the
/// length up to this, so no message's work grows with the network.
pub const MAX_BATCH_ITEMS: usize = 200;

pub use denom::{Denom, DenomAmount, UncheckedDenom, UncheckedDenomAmount};
pub use validation::ValidationError;
