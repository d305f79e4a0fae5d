//! The DePIN provider agent and the consumer's receipt signer.
//!
//! `depin-provider` runs beside a provider's hardware: heartbeats, accepts
//! streaming leases, reports metered usage, collects and redeems consumers'
//! signed receipts, settles, claims, unjails. It signs with a hot key the
//! provider authorised through authz and a fee grant. `depin-provider fleet`
//! runs one agent for many providers with one operator key (batched duties).
//! `depin-consumer` opens receipts leases and signs cumulative receipts.

pub mod agent_key;
pub mod chain;
pub mod challenge;
pub mod clock;
pub mod config;
pub mod consumer;
pub mod daemon;
pub mod epoch;
pub mod error;
pub mod fleet;
pub mod grants;
pub mod hex;
pub mod keys;
pub mod metering;
pub mod metrics;
pub mod oracle;
pub mod policy;
pub mod queue;
pub mod receipts;
pub mod server;
pub mod shutdown;
pub mod store;
#[cfg(test)]
mod testing;
pub mod throttle;
pub mod tx_kind;
pub mod wasmd_cli;
