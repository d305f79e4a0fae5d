//! Attacks on the whole suite, one test per attack, each named after it and
//! each asserting the attack fails: the error is the contract's typed error
//! and, where the attack is refused outright, no state changes at all
//! (the whole chain storage is compared before and after).
//!
//! Amounts: default suite (fee 250 bps, price 10 uusdc per unit, dispute
//! window 3 600 s, min stake 1 000 ustake); every fee is
//! `ceil(amount × 250 / 10 000)`, exact for every amount here.
//!
//! One file per concern under `adversarial/`: forged inputs (hooks,
//! addresses, receipts), timing (votes, withdrawals, reports, re-execution)
//! and hostile contracts (re-entrancy, failing submessages, oversized
//! messages). The helpers they share are here.

use cosmwasm_std::{
    coins, from_json, to_json_binary, to_json_vec, Addr, Binary, Decimal, Deps, DepsMut, Empty,
    Env, MessageInfo, QueryRequest, Reply, Response, StdError, StdResult, SubMsg, SubMsgResult,
    Uint128, WasmMsg, WasmQuery,
};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use depin_interface::dao::{self, ProposalStatus, Vote};
use depin_interface::escrow::{self, BillingMode, LeaseResponse, LeaseState, OpenLeaseMsg};
use depin_interface::registry::{self, Price, RegisterMsg, Service};
use depin_interface::validation::ValidationError;
use depin_interface::{token, UncheckedDenom};
use depin_testing::contracts;
use depin_testing::escrow::{attribute, escrow_error, lease_id_of};
use depin_testing::registry::{register_msg, DEFAULT_PRICE};
use depin_testing::scenario::{typed_error, ErrorSource};
use depin_testing::shared::{
    dao_error, protocol_fee, registry_error, sign_receipt, signing_key, wasm_execute,
};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
use k256::ecdsa::SigningKey;

#[path = "adversarial/forgery.rs"]
mod forgery;
#[path = "adversarial/hostile.rs"]
mod hostile;
#[path = "adversarial/timing.rs"]
mod timing;

const FEE_BPS: u128 = 250;

/// Runs `attack`, asserts it failed with a typed error from `source` and
/// changed no state at all; returns the error's text.
fn refused(
    suite: &mut Suite,
    source: ErrorSource,
    attack: impl FnOnce(&mut Suite) -> AnyResult<AppResponse>,
) -> String {
    let before = suite.state_snapshot();
    let err = match attack(suite) {
        Ok(res) => panic!("the attack succeeded: {res:?}"),
        Err(err) => err,
    };
    assert_eq!(
        typed_error(&err),
        Some(source),
        "expected a typed {source:?} error, got {err:?}"
    );
    assert!(
        suite.state_snapshot() == before,
        "a refused attack changed state ({err})"
    );
    format!("{err:#}")
}

/// Provider `i` registers with `stake` ustake and the default listing.
fn registered(suite: &mut Suite, i: usize, stake: u128) -> Addr {
    let provider = suite.provider(i);
    suite.register(&provider, stake).unwrap();
    provider
}

fn open_metered(suite: &mut Suite, consumer: &Addr, provider: &Addr, deposit: u128) -> u64 {
    let res = suite
        .open_lease(consumer, provider, BillingMode::Metered {}, deposit)
        .unwrap();
    lease_id_of(&res)
}

fn charge_id_of(res: &AppResponse) -> u64 {
    attribute(res, "charge_id").unwrap().parse().unwrap()
}

/// A cw20 token that is not the suite's: same code, another instance,
/// the attacker holds all of it.
fn fake_token(suite: &mut Suite) -> Addr {
    let attacker = suite.actors.attacker.clone();
    suite.instantiate_other(
        contracts::reward_token(),
        &token::InstantiateMsg {
            name: "DePIN Reward".into(),
            symbol: "DPIN".into(),
            decimals: 6,
            initial_balances: vec![token::Cw20Coin {
                address: attacker.to_string(),
                amount: Uint128::new(1_000_000_000_000),
            }],
            mint: None,
            marketing: None,
        },
        "fake-token",
    )
}

fn send_fake<M: serde::Serialize>(
    suite: &mut Suite,
    fake: &Addr,
    to: &Addr,
    amount: u128,
    hook: &M,
) -> AnyResult<AppResponse> {
    let attacker = suite.actors.attacker.clone();
    suite.app.execute_contract(
        attacker,
        fake.clone(),
        &token::ExecuteMsg::Send {
            contract: to.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook).unwrap(),
        },
        &[],
    )
}

/// The address as an all-uppercase bech32 string: the same bytes, a different key.
fn uppercase(addr: &Addr) -> String {
    addr.as_str().to_uppercase()
}

fn dao_voting_period(suite: &Suite) -> u64 {
    suite.dao_config().voting_period + 1
}

fn open_receipts(suite: &mut Suite, consumer: &Addr, provider: &Addr, key: &SigningKey) -> u64 {
    let pubkey = Binary::from(key.verifying_key().to_encoded_point(true).as_bytes());
    let res = suite
        .open_lease(
            consumer,
            provider,
            BillingMode::Receipts {
                consumer_pubkey: pubkey,
            },
            100_000,
        )
        .unwrap();
    lease_id_of(&res)
}
