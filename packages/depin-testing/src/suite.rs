//! The suite: parameters with sensible defaults, named actors, the deployed
//! contracts. `SuiteBuilder::build` (deployment through the DAO) is in `dao.rs`.

use cosmwasm_std::{Addr, Decimal, Uint128};
use cw_multi_test::{App, Executor};
use depin_interface::registry::{RewardParams, UsageWeight};
use depin_interface::UncheckedDenom;

use crate::contracts;

/// Native denom consumers pay in.
pub const PAY_DENOM: &str = "uusdc";
/// Native denom providers stake when the registry stakes natively.
pub const STAKE_DENOM: &str = "ustake";
/// Native funds every actor starts with, in each native denom.
pub const INITIAL_NATIVE: u128 = 1_000_000_000;
/// Suite tokens every member starts with.
pub const INITIAL_MEMBER_TOKENS: u128 = 1_000_000;

/// Everyone a test can act as.
#[derive(Clone, Debug)]
pub struct Actors {
    pub providers: Vec<Addr>,
    pub consumers: Vec<Addr>,
    pub members: Vec<Addr>,
    pub oracle: Addr,
    pub arbiter: Addr,
    pub guardian: Addr,
    pub attacker: Addr,
    /// Instantiates the DAO (which creates the rest) and test contracts.
    pub deployer: Addr,
}

/// Suite parameters; every field is public so a test changes only what it needs.
#[derive(Clone, Debug)]
pub struct SuiteBuilder {
    /// Stake providers in the suite token (through cw20 `send`) instead of native `ustake`.
    pub cw20_stake: bool,
    pub min_stake: Uint128,
    pub unbonding_period: u64,
    pub max_slash: Decimal,
    pub rewards: RewardParams,
    pub token_cap: Option<Uint128>,
    pub fee_bps: u16,
    pub dispute_window: u64,
    pub providers: usize,
    pub consumers: usize,
    pub members: usize,
    /// An always-on oracle: `advance` proves every provider registered
    /// through the suite in every epoch it crosses (and the one it ends in),
    /// so tests of stake rewards see every epoch proven. Tests of proof of
    /// service turn it off and prove (or not) themselves.
    pub auto_prove: bool,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            cw20_stake: false,
            min_stake: Uint128::new(1_000),
            unbonding_period: 7 * 86_400,
            max_slash: Decimal::percent(10),
            rewards: RewardParams {
                epoch_seconds: 86_400,
                emission_per_epoch: Uint128::new(1_000_000),
                halving_epochs: 0,
                usage_share: Decimal::percent(40),
                usage_weights: vec![UsageWeight {
                    denom: UncheckedDenom::Native(PAY_DENOM.into()),
                    weight: Decimal::one(),
                }],
            },
            token_cap: Some(Uint128::new(1_000_000_000_000)),
            fee_bps: 250,
            dispute_window: 3_600,
            providers: 3,
            consumers: 2,
            members: 3,
            auto_prove: true,
        }
    }
}

/// A deployed suite in cw-multi-test.
pub struct Suite {
    pub app: App,
    pub actors: Actors,
    /// The DAO: owner of the other three contracts.
    pub dao: Addr,
    pub token: Addr,
    pub registry: Addr,
    pub escrow: Addr,
    pub codes: CodeIds,
    pub params: SuiteBuilder,
    /// Providers registered through the suite: the ones `auto_prove` proves.
    pub live: Vec<Addr>,
}

impl Suite {
    /// Moves the chain forward by `seconds` (and one block per 5 seconds, at
    /// least one). With `auto_prove`, it stops at each epoch start it crosses
    /// so the oracle proves every live provider in every epoch.
    pub fn advance(&mut self, seconds: u64) {
        if !self.params.auto_prove {
            return self.move_time(seconds);
        }
        let epoch_seconds = self.params.rewards.epoch_seconds.max(1);
        let genesis = self.registry_config().genesis_time.seconds();
        let mut left = seconds;
        loop {
            self.prove_live();
            let now = self.app.block_info().time.seconds();
            let into_epoch = now.saturating_sub(genesis) % epoch_seconds;
            let to_next = epoch_seconds - into_epoch;
            if left < to_next {
                self.move_time(left);
                break;
            }
            self.move_time(to_next);
            left -= to_next;
        }
        self.prove_live();
    }

    fn move_time(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += (seconds / 5).max(1);
        });
    }

    /// Native balance of `addr` in `denom`.
    pub fn native_balance(&self, addr: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(addr, denom)
            .expect("bank query")
            .amount
            .u128()
    }

    pub fn provider(&self, i: usize) -> Addr {
        self.actors.providers[i].clone()
    }

    pub fn consumer(&self, i: usize) -> Addr {
        self.actors.consumers[i].clone()
    }

    pub fn member(&self, i: usize) -> Addr {
        self.actors.members[i].clone()
    }

    /// Instantiates `code` as `sender`; a test contract (fake token, malicious receiver).
    pub fn instantiate_other<M: serde::Serialize>(
        &mut self,
        code: Box<dyn cw_multi_test::Contract<cosmwasm_std::Empty>>,
        msg: &M,
        label: &str,
    ) -> Addr {
        let code_id = self.app.store_code(code);
        let sender = self.actors.deployer.clone();
        self.app
            .instantiate_contract(code_id, sender, msg, &[], label, None)
            .expect("instantiating a test contract")
    }
}

/// Code ids of the four contracts.
#[derive(Clone, Copy, Debug)]
pub struct CodeIds {
    pub token: u64,
    pub registry: u64,
    pub escrow: u64,
    pub dao: u64,
}

pub fn store_codes(app: &mut App) -> CodeIds {
    CodeIds {
        token: app.store_code(contracts::reward_token()),
        registry: app.store_code(contracts::provider_registry()),
        escrow: app.store_code(contracts::billing_escrow()),
        dao: app.store_code(contracts::dao()),
    }
}
