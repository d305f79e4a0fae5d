//! What the signing queue needs from a chain: the real one is [`Chain`],
//! the queue's tests use a script.

use std::future::Future;

use crate::chain::{Chain, Committed, Tip};
use crate::error::Result;

/// What the queue needs from a chain; the real one is [`Chain`], tests use a script.
pub trait Ledger: Send + Sync {
    fn account(&self, address: &str) -> impl Future<Output = Result<(u64, u64)>> + Send;
    fn tip(&self) -> impl Future<Output = Result<Tip>> + Send;
    fn balance(&self, address: &str, denom: &str) -> impl Future<Output = Result<u128>> + Send;
    fn simulate(&self, tx: Vec<u8>) -> impl Future<Output = Result<u64>> + Send;
    fn broadcast(&self, tx: &[u8]) -> impl Future<Output = Result<String>> + Send;
    fn tx(&self, hash: &str) -> impl Future<Output = Result<Option<Committed>>> + Send;
}

impl Ledger for Chain {
    fn account(&self, address: &str) -> impl Future<Output = Result<(u64, u64)>> + Send {
        Chain::account(self, address)
    }
    fn tip(&self) -> impl Future<Output = Result<Tip>> + Send {
        Chain::tip(self)
    }
    fn balance(&self, address: &str, denom: &str) -> impl Future<Output = Result<u128>> + Send {
        Chain::balance(self, address, denom)
    }
    fn simulate(&self, tx: Vec<u8>) -> impl Future<Output = Result<u64>> + Send {
        Chain::simulate(self, tx)
    }
    fn broadcast(&self, tx: &[u8]) -> impl Future<Output = Result<String>> + Send {
        Chain::broadcast(self, tx)
    }
    fn tx(&self, hash: &str) -> impl Future<Output = Result<Option<Committed>>> + Send {
        Chain::tx(self, hash)
    }
}
