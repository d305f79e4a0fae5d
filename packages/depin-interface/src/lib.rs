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

pub use denom::{Denom, DenomAmount, UncheckedDenom, UncheckedDenomAmount};
pub use validation::ValidationError;
