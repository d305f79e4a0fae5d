//! Execute handlers, one file per domain.

pub mod config;
pub mod execution;
pub mod proposals;
pub mod receive;
pub mod staking;
pub mod voting;
