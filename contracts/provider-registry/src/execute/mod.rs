//! Execute handlers, one file per domain. The accounting they share is in
//! [`crate::accounting`].

pub mod config;
pub mod liveness;
pub mod operator;
pub mod provider;
pub mod rewards;
pub mod slashing;
pub mod stake;
