//! The simulated chain: addresses, block and the `Env`/`MessageInfo` of each call.

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{
    Addr, BlockInfo, Coin, ContractInfo, Env, MessageInfo, Timestamp, TransactionInfo,
};

pub const BECH32_PREFIX: &str = "wasm";
pub const CHAIN_ID: &str = "depin-bench-1";
/// Seconds per block.
pub const BLOCK_SECONDS: u64 = 6;

pub struct Chain {
    api: MockApi,
    pub height: u64,
    pub time: Timestamp,
}

impl Chain {
    pub fn new() -> Self {
        Chain {
            api: MockApi::default().with_prefix(BECH32_PREFIX),
            height: 1_000_000,
            time: Timestamp::from_seconds(1_750_000_000),
        }
    }

    /// A deterministic 32-byte bech32 address (as wasmd gives contracts and
    /// as `MockApi::addr_make` builds).
    pub fn addr(&self, name: &str) -> Addr {
        self.api.addr_make(name)
    }

    /// Moves to the next block, `seconds` later (at least one block time).
    pub fn advance(&mut self, seconds: u64) {
        let blocks = seconds.div_ceil(BLOCK_SECONDS).max(1);
        self.height += blocks;
        self.time = self.time.plus_seconds(seconds.max(BLOCK_SECONDS));
    }

    pub fn env(&self, contract: &Addr) -> Env {
        Env {
            block: BlockInfo {
                height: self.height,
                time: self.time,
                chain_id: CHAIN_ID.to_string(),
            },
            transaction: Some(TransactionInfo { index: 0 }),
            contract: ContractInfo {
                address: contract.clone(),
            },
        }
    }
}

pub fn info(sender: &Addr, funds: &[Coin]) -> MessageInfo {
    MessageInfo {
        sender: sender.clone(),
        funds: funds.to_vec(),
    }
}
