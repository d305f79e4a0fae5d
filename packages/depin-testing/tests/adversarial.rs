//! Attacks on the whole suite, one test per attack, each named after it and
//! each asserting the attack fails: the error is the contract's typed error
//! and, where the attack is refused outright, no state changes at all
//! (the whole chain storage is compared before and after).
//!
//! Amounts: default suite (fee 250 bps, price 10 uusdc per unit, dispute
//! window 3 600 s, min stake 1 000 ustake); every fee is
//! `floor(amount × 250 / 10 000)`.

use cosmwasm_std::{
    coins, from_json, to_json_binary, to_json_vec, Addr, Binary, CosmosMsg, Decimal, Deps, DepsMut,
    Empty, Env, MessageInfo, QueryRequest, Reply, Response, StdError, StdResult, SubMsg,
    SubMsgResult, Uint128, WasmMsg, WasmQuery,
};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use depin_interface::dao::{self, ProposalStatus, Vote};
use depin_interface::escrow::{self, BillingMode, LeaseResponse, LeaseState, OpenLeaseMsg};
use depin_interface::receipt::receipt_digest;
use depin_interface::registry::{self, Price, RegisterMsg, Service};
use depin_interface::validation::ValidationError;
use depin_interface::{token, UncheckedDenom};
use depin_testing::contracts;
use depin_testing::escrow::{attribute, escrow_error, lease_id_of};
use depin_testing::registry::{register_msg, DEFAULT_PRICE};
use depin_testing::scenario::{typed_error, ErrorSource};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};

const FEE_BPS: u128 = 250;

fn fee(amount: u128) -> u128 {
    amount * FEE_BPS / 10_000
}

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

fn registry_error(err: cw_multi_test::error::AnyError) -> depin_provider_registry::ContractError {
    err.downcast::<depin_provider_registry::ContractError>()
        .unwrap_or_else(|e| panic!("not a registry error: {e:?}"))
}

fn dao_error(err: cw_multi_test::error::AnyError) -> depin_dao::ContractError {
    err.downcast::<depin_dao::ContractError>()
        .unwrap_or_else(|e| panic!("not a DAO error: {e:?}"))
}

fn wasm_execute<M: serde::Serialize>(contract: &Addr, msg: &M) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg).unwrap(),
        funds: vec![],
    }
    .into()
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

#[test]
fn forged_cw20_hook_from_a_fake_token() {
    // Registry staked in the suite token, so its cw20 hook is live.
    let mut suite = SuiteBuilder {
        cw20_stake: true,
        ..SuiteBuilder::new()
    }
    .build();
    let provider = registered(&mut suite, 0, 5_000);
    let suite_token = suite.token.clone();
    let price_in_token = RegisterMsg {
        prices: vec![Price {
            denom: UncheckedDenom::Cw20(suite_token.to_string()),
            per_unit: Uint128::new(DEFAULT_PRICE),
        }],
        ..register_msg(Service::Storage, "eu-west")
    };
    suite
        .registry_execute(
            &provider,
            &registry::ExecuteMsg::UpdateProvider {
                endpoint: None,
                region: None,
                capacity: None,
                prices: price_in_token.prices.clone().into(),
                metadata_uri: None,
            },
            &[],
        )
        .unwrap();
    let fake = fake_token(&mut suite);
    let (attacker, registry_addr, escrow_addr, dao_addr) = (
        suite.actors.attacker.clone(),
        suite.registry.clone(),
        suite.escrow.clone(),
        suite.dao.clone(),
    );

    // 1. Fake tokens as stake: the registry accepts hooks from its stake token only.
    let err = refused(&mut suite, ErrorSource::Registry, |s| {
        send_fake(
            s,
            &fake,
            &registry_addr,
            1_000_000,
            &registry::ReceiveMsg::Register(register_msg(Service::Gpu, "us-east")),
        )
    });
    assert!(err.contains("is not the stake token"), "{err}");
    // 2. Fake tokens as a lease deposit (the provider prices in the suite token).
    refused(&mut suite, ErrorSource::Escrow, |s| {
        send_fake(
            s,
            &fake,
            &escrow_addr,
            1_000_000,
            &escrow::ReceiveMsg::OpenLease(OpenLeaseMsg {
                provider: provider.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            }),
        )
    });
    // 3. Fake tokens as DAO stake (voting power for free).
    refused(&mut suite, ErrorSource::Dao, |s| {
        send_fake(s, &fake, &dao_addr, 1_000_000, &dao::ReceiveMsg::Stake {})
    });
    // 4. No token at all: the attacker calls `receive` itself, claiming to be
    //    a member who sent real suite tokens.
    let member = suite.member(0);
    let forged = |msg: Binary| Cw20ReceiveMsg {
        sender: member.to_string(),
        amount: Uint128::new(1_000_000),
        msg,
    };
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &attacker,
            &registry::ExecuteMsg::Receive(forged(
                to_json_binary(&registry::ReceiveMsg::Bond {}).unwrap(),
            )),
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.escrow_execute(
            &attacker,
            &escrow::ExecuteMsg::Receive(forged(
                to_json_binary(&escrow::ReceiveMsg::TopUp { lease_id: 1 }).unwrap(),
            )),
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.app.execute_contract(
            attacker.clone(),
            dao_addr.clone(),
            &dao::ExecuteMsg::Receive(forged(to_json_binary(&dao::ReceiveMsg::Stake {}).unwrap())),
            &[],
        )
    });
    assert_eq!(suite.voting_power(&member, None), 0);
    assert_eq!(suite.voting_power(&attacker, None), 0);
    assert_eq!(suite.provider_info(&provider).stake.u128(), 5_000);
    assert_eq!(suite.token_balance(&registry_addr), 5_000);
    assert_eq!(suite.token_balance(&escrow_addr), 0);
}

/// The address as an all-uppercase bech32 string: the same bytes, a different key.
fn uppercase(addr: &Addr) -> String {
    addr.as_str().to_uppercase()
}

#[test]
fn uppercase_twin_of_a_registered_address() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let twin = uppercase(&provider);
    assert_ne!(twin, provider.as_str());
    let (consumer, oracle, dao_addr) = (
        suite.consumer(0),
        suite.actors.oracle.clone(),
        suite.dao.clone(),
    );

    // A lease with the twin: it would bypass the provider's own record.
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.open_lease_with(
            &consumer,
            OpenLeaseMsg {
                provider: twin.clone(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            },
            &coins(10_000, PAY_DENOM),
        )
    });
    // An attestation, a slash and a usage record for the twin (each from the
    // one sender allowed to send it): none may create a second record.
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &oracle,
            &registry::ExecuteMsg::Attest {
                provider: twin.clone(),
                score: Some(100),
                capacity: None,
            },
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &dao_addr,
            &registry::ExecuteMsg::Slash {
                provider: twin.clone(),
                fraction: Decimal::percent(50),
                reason: "twin".into(),
                jail_seconds: None,
            },
            &[],
        )
    });
    // Suite tokens sent to the twin would be lost to a key nobody controls.
    let member = suite.member(0);
    let token_addr = suite.token.clone();
    refused(&mut suite, ErrorSource::Token, |s| {
        s.app.execute_contract(
            member.clone(),
            token_addr.clone(),
            &token::ExecuteMsg::Transfer {
                recipient: twin.clone(),
                amount: Uint128::new(1),
            },
            &[],
        )
    });
    // A DAO member's twin has no voting power to borrow, and queries refuse it.
    assert!(suite.try_provider_info(&twin).is_err());
    let power: StdResult<dao::VotingPowerResponse> = suite.app.wrap().query_wasm_smart(
        &dao_addr,
        &dao::QueryMsg::VotingPower {
            address: uppercase(&member),
            height: None,
        },
    );
    assert!(power.is_err());
    // The real record is untouched.
    let info = suite.provider_info(&provider);
    assert_eq!(info.stake.u128(), 2_000);
    assert_eq!(info.reputation.attested_score, None);
    assert_eq!(suite.registry_stats().providers, 1);
}

#[test]
fn double_vote_by_moving_stake() {
    let mut suite = SuiteBuilder::new().build();
    let (m0, m1, m2, attacker) = (
        suite.member(0),
        suite.member(1),
        suite.member(2),
        suite.actors.attacker.clone(),
    );
    suite.stake(&m0, 100_000).unwrap();
    suite.stake(&m1, 100_000).unwrap();
    suite.advance(5);
    // Same block as the proposal: m2 stakes just before it is created. Power
    // is read at the start of the proposal's block, so this stake never counts.
    suite.stake(&m2, 300_000).unwrap();
    let fee_update = wasm_execute(
        &suite.escrow.clone(),
        &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
            fee_bps: Some(9_000),
            ..Default::default()
        }),
    );
    let id = Suite::proposal_id(
        &suite
            .propose(&m0, "raise the fee", vec![fee_update])
            .unwrap(),
    );
    assert_eq!(suite.proposal(id).total_power.u128(), 200_000);
    suite.advance(5);

    suite.vote(&m0, id, Vote::No).unwrap();
    // Vote twice with the same stake.
    let err = dao_error(suite.vote(&m0, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::AlreadyVoted { .. }),
        "{err}"
    );
    // Stake added after the start (same block) carries no power on this proposal.
    let err = dao_error(suite.vote(&m2, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::NoVotingPower { .. }),
        "{err}"
    );
    // Move stake: m0 unstakes (its power on the proposal stays what it was),
    // m2 hands liquid tokens to the attacker, who stakes and tries to vote.
    suite.unstake(&m0, 100_000).unwrap();
    let token_addr = suite.token.clone();
    suite
        .app
        .execute_contract(
            m2.clone(),
            token_addr,
            &token::ExecuteMsg::Transfer {
                recipient: attacker.to_string(),
                amount: Uint128::new(500_000),
            },
            &[],
        )
        .unwrap();
    suite.stake(&attacker, 500_000).unwrap();
    suite.advance(5);
    let err = dao_error(suite.vote(&attacker, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::NoVotingPower { .. }),
        "{err}"
    );
    let err = dao_error(suite.vote(&m0, id, Vote::Yes).unwrap_err());
    assert!(matches!(err, depin_dao::ContractError::AlreadyVoted { .. }));
    suite.vote(&m1, id, Vote::Yes).unwrap();

    let p = suite.proposal(id);
    assert_eq!(
        (p.tally.yes.u128(), p.tally.no.u128(), p.total_power.u128()),
        (100_000, 100_000, 200_000)
    );
    // yes 100 000 is not > 50 % of 200 000: the proposal fails, the fee stays.
    suite.advance(dao_voting_period(&suite));
    let status = suite.proposal(id).status;
    assert_eq!(status, ProposalStatus::Rejected);
    assert_eq!(suite.escrow_config().fee_bps, 250);
    // Today's power: m1 100 000 + m2 300 000 + attacker 500 000 (m0 unstaked).
    assert_eq!(suite.total_power(None), 900_000);
}

fn dao_voting_period(suite: &Suite) -> u64 {
    suite.dao_config().voting_period + 1
}

#[test]
fn withdraw_before_slash() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 10_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 50_000);
    let res = suite.report_usage(&provider, lease_id, 1_000).unwrap();
    let charge_id = charge_id_of(&res);
    suite
        .dispute(&consumer, lease_id, charge_id, "never delivered")
        .unwrap();
    // Seeing the dispute coming, the provider unbonds everything at once.
    suite.unbond(&provider, 10_000).unwrap();
    assert_eq!(suite.provider_info(&provider).stake.u128(), 0);
    // The arbiter voids the charge and slashes 10 % (the escrow's max):
    // the pending claim is cut by floor(10 000 × 10 %) = 1 000.
    let arbiter = suite.actors.arbiter.clone();
    let dao_addr = suite.dao.clone();
    let dao_stake_before = suite.native_balance(&dao_addr, STAKE_DENOM);
    suite
        .resolve_dispute(
            &arbiter,
            lease_id,
            charge_id,
            false,
            Some(Decimal::percent(10)),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&provider).unbonding.u128(), 9_000);
    // The DAO slashes again, 50 %, directly (its own call): floor(9 000 / 2).
    suite
        .slash(&dao_addr, &provider, Decimal::percent(50), None)
        .unwrap();
    assert_eq!(suite.provider_info(&provider).unbonding.u128(), 4_500);
    assert_eq!(
        suite.native_balance(&dao_addr, STAKE_DENOM),
        dao_stake_before + 1_000 + 4_500
    );
    // Claiming early pays nothing; after the unbonding period only what is left.
    let before = suite.native_balance(&provider, STAKE_DENOM);
    assert!(suite.claim_unbonded(&provider).is_err());
    let period = suite.params.unbonding_period;
    suite.advance(period);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(suite.native_balance(&provider, STAKE_DENOM), before + 4_500);
    assert_eq!(
        suite.native_balance(&suite.registry.clone(), STAKE_DENOM),
        0
    );
    // The voided charge went back to the deposit; nothing was paid.
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.paid.u128(),
            lease.available.u128(),
            lease.reserved.u128()
        ),
        (0, 50_000, 0)
    );
}

fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).unwrap()
}

fn sign(key: &SigningKey, chain_id: &str, escrow: &str, lease_id: u64, units: u128) -> Binary {
    let digest = receipt_digest(chain_id, escrow, lease_id, units);
    let signature: Signature = key.sign_prehash(&digest).unwrap();
    Binary::from(&signature.to_bytes()[..])
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

#[test]
fn receipt_replay() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let key = signing_key(7);
    let lease_a = open_receipts(&mut suite, &consumer, &provider, &key);
    let lease_b = open_receipts(&mut suite, &consumer, &provider, &key);
    let chain_id = suite.app.block_info().chain_id;
    let escrow_addr = suite.escrow.to_string();
    let receipt = sign(&key, &chain_id, &escrow_addr, lease_a, 100);
    let provider_before = suite.native_balance(&provider, PAY_DENOM);
    suite
        .redeem_receipt(&provider, lease_a, 100, receipt.clone())
        .unwrap();
    // 100 × 10 = 1 000 paid: 25 fee, 975 to the provider.
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_before + 1_000 - fee(1_000)
    );

    // The same receipt again, on the same lease.
    let err = refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_a, 100, receipt.clone())
    });
    assert!(err.contains("does not increase"), "{err}");
    // The same receipt on another lease of the same consumer and key.
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, receipt.clone())
    });
    // A receipt signed for another chain, or another escrow contract.
    let other_chain = sign(&key, "another-chain", &escrow_addr, lease_b, 100);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, other_chain.clone())
    });
    let other_escrow = sign(&key, &chain_id, suite.registry.as_str(), lease_b, 100);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, other_escrow.clone())
    });
    // A receipt for more units than signed (the signature covers the units).
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_a, 200, receipt.clone())
    });
    let (a, b) = (suite.lease(lease_a), suite.lease(lease_b));
    assert_eq!((a.paid.u128(), a.units.u128()), (1_000, 100));
    assert_eq!((b.paid.u128(), b.units.u128()), (0, 0));
}

#[test]
fn report_after_close() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let consumer_before = suite.native_balance(&consumer, PAY_DENOM);

    // A: closed by the consumer with nothing pending → `closing` for the
    // provider's final-usage grace (the dispute window); once it is over,
    // `settle` completes the close, everything is refunded and a report is
    // refused.
    let window = suite.params.dispute_window;
    let lease_a = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.close_lease(&consumer, lease_a).unwrap();
    assert_eq!(suite.lease(lease_a).state, LeaseState::Closing);
    suite.advance(window);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_a, 100)
    });
    let attacker = suite.actors.attacker.clone();
    suite.settle(&attacker, lease_a).unwrap();
    assert_eq!(suite.lease(lease_a).state, LeaseState::Closed);
    let err = refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_a, 100)
    });
    assert!(err.contains("Closed"), "{err}");
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), consumer_before);

    // B: closed by the provider while a charge sits in its window → closing;
    // reporting more usage is refused there too.
    let lease_b = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.report_usage(&provider, lease_b, 100).unwrap();
    suite.close_lease(&provider, lease_b).unwrap();
    assert_eq!(suite.lease(lease_b).state, LeaseState::Closing);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_b, 100)
    });
    // After the window, settling pays the one charge and refunds the rest.
    suite.advance(window + 1);
    suite.settle(&attacker, lease_b).unwrap();
    let lease = suite.lease(lease_b);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (1_000, 9_000));
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_b, 1)
    });
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        consumer_before - 1_000
    );
}

#[test]
fn re_executing_a_proposal() {
    let mut suite = SuiteBuilder::new().build();
    let escrow_addr = suite.escrow.clone();
    let fee_update = |bps: u16| {
        wasm_execute(
            &escrow_addr,
            &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                fee_bps: Some(bps),
                ..Default::default()
            }),
        )
    };
    let id = suite.pass_proposal(vec![fee_update(400)]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(suite.escrow_config().fee_bps, 400);
    // The DAO changes the fee again by itself (as if another proposal passed).
    let dao_addr = suite.dao.clone();
    suite
        .update_escrow_config(
            &dao_addr,
            escrow::EscrowConfigUpdate {
                fee_bps: Some(300),
                ..Default::default()
            },
        )
        .unwrap();
    let attacker = suite.actors.attacker.clone();
    // Re-executing would set the fee back to 400.
    let err = refused(&mut suite, ErrorSource::Dao, |s| {
        s.execute_proposal(&attacker, id)
    });
    assert!(err.contains("already executed"), "{err}");
    // Calling the internal dispatch directly, as anyone.
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.app.execute_contract(
            attacker.clone(),
            dao_addr.clone(),
            &dao::ExecuteMsg::Dispatch { proposal_id: id },
            &[],
        )
    });
    assert_eq!(suite.escrow_config().fee_bps, 300);
}

/// Test contract standing in for a provider's own code: it registers as a
/// provider, drives its leases, and tries to call the escrow again whenever
/// it gets control (cw20 hook; the reply to its own `settle`).
mod malicious {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub struct InstantiateMsg {
        pub escrow: String,
        pub registry: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub enum ExecuteMsg {
        /// Registers this contract as a provider with the attached stake.
        Register(RegisterMsg),
        /// Forwards a message to the escrow (report usage, close).
        Escrow(escrow::ExecuteMsg),
        /// Settles `lease_id`; when control comes back (reply), records what
        /// it sees and settles the same lease again.
        SettleTwice { lease_id: u64 },
        /// cw20 hook: if any token ever calls it, it re-enters the escrow.
        Receive(Cw20ReceiveMsg),
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub enum QueryMsg {
        State {},
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
    pub struct State {
        pub escrow: String,
        pub registry: String,
        pub lease_id: u64,
        /// Times a cw20 hook was called on it.
        pub hooks: u32,
        /// The lease as the escrow reported it when control came back.
        pub seen_paid: Option<Uint128>,
        pub seen_reserved: Option<Uint128>,
        /// The outcome of the second settle.
        pub second_settle: Option<String>,
    }

    const KEY: &[u8] = b"state";
    const FIRST: u64 = 1;
    const SECOND: u64 = 2;

    fn load(deps: Deps) -> StdResult<State> {
        from_json(deps.storage.get(KEY).unwrap_or_default())
    }

    fn save(deps: DepsMut, state: &State) -> StdResult<()> {
        deps.storage.set(KEY, &to_json_vec(state)?);
        Ok(())
    }

    fn settle_msg(state: &State, lease_id: u64) -> StdResult<WasmMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: state.escrow.clone(),
            msg: to_json_binary(&escrow::ExecuteMsg::Settle { lease_id })?,
            funds: vec![],
        })
    }

    pub fn instantiate(
        deps: DepsMut,
        _env: Env,
        _info: MessageInfo,
        msg: InstantiateMsg,
    ) -> StdResult<Response> {
        save(
            deps,
            &State {
                escrow: msg.escrow,
                registry: msg.registry,
                ..State::default()
            },
        )?;
        Ok(Response::new())
    }

    pub fn execute(
        mut deps: DepsMut,
        _env: Env,
        info: MessageInfo,
        msg: ExecuteMsg,
    ) -> StdResult<Response> {
        let mut state = load(deps.as_ref())?;
        match msg {
            ExecuteMsg::Register(register) => Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: state.registry,
                msg: to_json_binary(&registry::ExecuteMsg::Register(register))?,
                funds: info.funds,
            })),
            ExecuteMsg::Escrow(msg) => Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: state.escrow,
                msg: to_json_binary(&msg)?,
                funds: vec![],
            })),
            ExecuteMsg::SettleTwice { lease_id } => {
                state.lease_id = lease_id;
                let msg = settle_msg(&state, lease_id)?;
                save(deps.branch(), &state)?;
                Ok(Response::new().add_submessage(SubMsg::reply_always(msg, FIRST)))
            }
            ExecuteMsg::Receive(_) => {
                // Paid with a hook: re-enter at once, settling and closing again.
                state.hooks += 1;
                let lease_id = state.lease_id;
                let settle = settle_msg(&state, lease_id)?;
                let escrow_addr = state.escrow.clone();
                save(deps, &state)?;
                Ok(Response::new()
                    .add_message(settle)
                    .add_message(WasmMsg::Execute {
                        contract_addr: escrow_addr,
                        msg: to_json_binary(&escrow::ExecuteMsg::CloseLease { lease_id })?,
                        funds: vec![],
                    }))
            }
        }
    }

    pub fn reply(deps: DepsMut, _env: Env, reply: Reply) -> StdResult<Response> {
        let mut state = load(deps.as_ref())?;
        match reply.id {
            FIRST => {
                if let SubMsgResult::Err(err) = reply.result {
                    return Err(StdError::generic_err(format!("first settle failed: {err}")));
                }
                let lease: LeaseResponse = deps.querier.query_wasm_smart(
                    &state.escrow,
                    &escrow::QueryMsg::Lease {
                        lease_id: state.lease_id,
                    },
                )?;
                state.seen_paid = Some(lease.paid);
                state.seen_reserved = Some(lease.reserved);
                let again = settle_msg(&state, state.lease_id)?;
                save(deps, &state)?;
                Ok(Response::new().add_submessage(SubMsg::reply_always(again, SECOND)))
            }
            SECOND => {
                state.second_settle = Some(match reply.result {
                    SubMsgResult::Ok(_) => "ok".to_string(),
                    SubMsgResult::Err(err) => err,
                });
                save(deps, &state)?;
                Ok(Response::new())
            }
            id => Err(StdError::generic_err(format!("unknown reply {id}"))),
        }
    }

    pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
        match msg {
            QueryMsg::State {} => to_json_binary(&load(deps)?),
        }
    }

    pub fn contract() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(execute, instantiate, query).with_reply(reply))
    }
}

fn malicious_state(suite: &Suite, contract: &Addr) -> malicious::State {
    suite
        .app
        .wrap()
        .query_wasm_smart(contract, &malicious::QueryMsg::State {})
        .unwrap()
}

#[test]
fn malicious_provider_cannot_reenter_escrow_when_paid() {
    let mut suite = SuiteBuilder::new().build();
    let msg = malicious::InstantiateMsg {
        escrow: suite.escrow.to_string(),
        registry: suite.registry.to_string(),
    };
    let evil = suite.instantiate_other(malicious::contract(), &msg, "evil-provider");
    let attacker = suite.actors.attacker.clone();
    // It lists a price in uusdc and in the suite token.
    let token_addr = suite.token.clone();
    let mut listing = register_msg(Service::Bandwidth, "eu-west");
    listing.prices.push(Price {
        denom: UncheckedDenom::Cw20(token_addr.to_string()),
        per_unit: Uint128::new(DEFAULT_PRICE),
    });
    suite
        .app
        .execute_contract(
            attacker.clone(),
            evil.clone(),
            &malicious::ExecuteMsg::Register(listing),
            &coins(1_000, STAKE_DENOM),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&evil).stake.u128(), 1_000);

    // Native lease: 100 units × 10 = 1 000, fee 25, provider 975.
    let consumer = suite.consumer(0);
    let native_lease = open_metered(&mut suite, &consumer, &evil, 10_000);
    // cw20 lease: a member pays 10 000 suite tokens through `send`.
    let member = suite.member(0);
    let res = suite
        .open_lease_cw20(
            &member,
            OpenLeaseMsg {
                provider: evil.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            },
            10_000,
        )
        .unwrap();
    let cw20_lease = lease_id_of(&res);
    for lease_id in [native_lease, cw20_lease] {
        suite
            .app
            .execute_contract(
                attacker.clone(),
                evil.clone(),
                &malicious::ExecuteMsg::Escrow(escrow::ExecuteMsg::ReportUsage {
                    lease_id,
                    units: Uint128::new(100),
                }),
                &[],
            )
            .unwrap();
    }
    let window = suite.params.dispute_window;
    suite.advance(window + 1);
    let dao_addr = suite.dao.clone();
    let dao_native = suite.native_balance(&dao_addr, PAY_DENOM);
    let dao_tokens = suite.token_balance(&dao_addr);

    for lease_id in [native_lease, cw20_lease] {
        suite
            .app
            .execute_contract(
                attacker.clone(),
                evil.clone(),
                &malicious::ExecuteMsg::SettleTwice { lease_id },
                &[],
            )
            .unwrap();
        let state = malicious_state(&suite, &evil);
        // Paid with a bank send or a cw20 transfer: no hook ever ran.
        assert_eq!(state.hooks, 0, "the escrow paid through a hook");
        // When control came back in the same transaction, the lease already
        // recorded the payment…
        assert_eq!(state.seen_paid, Some(Uint128::new(1_000)));
        assert_eq!(state.seen_reserved, Some(Uint128::zero()));
        // …so the second settle found nothing to pay.
        let second = state.second_settle.unwrap();
        assert!(second.contains("nothing to settle"), "{second}");
        let lease = suite.lease(lease_id);
        assert_eq!(
            (
                lease.paid.u128(),
                lease.available.u128(),
                lease.reserved.u128()
            ),
            (1_000, 9_000, 0)
        );
    }
    // Paid exactly once in each denom.
    assert_eq!(suite.native_balance(&evil, PAY_DENOM), 1_000 - fee(1_000));
    assert_eq!(suite.token_balance(&evil), 1_000 - fee(1_000));
    assert_eq!(
        suite.native_balance(&dao_addr, PAY_DENOM),
        dao_native + fee(1_000)
    );
    assert_eq!(suite.token_balance(&dao_addr), dao_tokens + fee(1_000));
    assert_eq!(
        suite.native_balance(&suite.escrow.clone(), PAY_DENOM),
        9_000
    );
    assert_eq!(suite.token_balance(&suite.escrow.clone()), 9_000);

    // Had the escrow paid through a hook, this is what would have run: the
    // hook re-enters the escrow (settle, then close). Called directly, the
    // escrow refuses it (nothing is due on the lease any more), so the
    // whole call fails and changes nothing.
    let hook = malicious::ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: attacker.to_string(),
        amount: Uint128::new(1),
        msg: Binary::default(),
    });
    let before = suite.state_snapshot();
    let err = suite
        .app
        .execute_contract(attacker.clone(), evil.clone(), &hook, &[])
        .unwrap_err();
    assert_eq!(typed_error(&err), Some(ErrorSource::Escrow), "{err:?}");
    assert!(suite.state_snapshot() == before);
}

#[test]
fn failing_submessage_in_settlement() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.report_usage(&provider, lease_id, 300).unwrap();
    // The DAO points the registry at another escrow: this escrow's
    // `record_usage` now fails in the registry.
    let (dao_addr, other) = (suite.dao.clone(), suite.actors.guardian.clone());
    suite
        .update_registry_config(
            &dao_addr,
            registry::RegistryConfigUpdate {
                billing_escrow: Some(other.to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    let window = suite.params.dispute_window;
    suite.advance(window + 1);
    let provider_before = suite.native_balance(&provider, PAY_DENOM);
    let dao_before = suite.native_balance(&dao_addr, PAY_DENOM);
    let attacker = suite.actors.attacker.clone();
    let res = suite.settle(&attacker, lease_id).unwrap();
    // The failure is recorded and the payment went through: 3 000, fee 75.
    assert!(attribute(&res, "record_usage_error").is_some());
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|a| a.value == "record_usage_failed"));
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_before + 3_000 - fee(3_000)
    );
    assert_eq!(
        suite.native_balance(&dao_addr, PAY_DENOM),
        dao_before + fee(3_000)
    );
    let lease = suite.lease(lease_id);
    assert_eq!((lease.paid.u128(), lease.available.u128()), (3_000, 7_000));
    // Nothing reached the registry.
    let rep = suite.provider_info(&provider).reputation;
    assert_eq!((rep.usage_units.u128(), rep.leases_settled), (0, 0));
}

#[test]
fn failing_submessage_in_proposal_execution() {
    let mut suite = SuiteBuilder::new().build();
    let (escrow_addr, registry_addr) = (suite.escrow.clone(), suite.registry.clone());
    let nobody = suite.actors.attacker.clone();
    let msgs = vec![
        // Would succeed on its own…
        wasm_execute(
            &escrow_addr,
            &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                fee_bps: Some(1_000),
                ..Default::default()
            }),
        ),
        // …but this one fails: the attacker is no provider.
        wasm_execute(
            &registry_addr,
            &registry::ExecuteMsg::Slash {
                provider: nobody.to_string(),
                fraction: Decimal::percent(10),
                reason: "not a provider".into(),
                jail_seconds: None,
            },
        ),
    ];
    let proposer = suite.member(0);
    let tokens_before = suite.token_balance(&proposer);
    let id = suite.pass_proposal(msgs);
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(
        p.execution_error
            .as_deref()
            .is_some_and(|e| e.contains("not a registered provider")),
        "{:?}",
        p.execution_error
    );
    // All or nothing: the fee change was rolled back with the failing slash.
    assert_eq!(suite.escrow_config().fee_bps, 250);
    // The proposal failed in execution, not in the vote: the deposit went back.
    // (The proposer staked DAO_MEMBER_STAKE in pass_proposal.)
    assert!(p.deposit_refunded);
    assert_eq!(
        suite.token_balance(&proposer),
        tokens_before - depin_testing::dao::DAO_MEMBER_STAKE
    );
    // And it cannot be retried.
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.execute_proposal(&nobody, id)
    });
}

#[test]
fn oversized_and_deeply_nested_messages() {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    // A 1 MiB endpoint.
    let huge = "x".repeat(1 << 20);
    let msg = RegisterMsg {
        endpoint: huge.clone(),
        ..register_msg(Service::Storage, "eu-west")
    };
    let before = suite.state_snapshot();
    let err = registry_error(suite.register_with(&provider, msg, 2_000).unwrap_err());
    assert_eq!(
        err,
        depin_provider_registry::ContractError::Validation(ValidationError::TooLong {
            field: "endpoint",
            len: 1 << 20,
            max: 256,
        })
    );
    assert!(suite.state_snapshot() == before);
    // A 1 MiB dispute reason and a 1 MiB proposal description.
    registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 10_000);
    let charge_id = charge_id_of(&suite.report_usage(&provider, lease_id, 1).unwrap());
    let err = escrow_error(suite.dispute(&consumer, lease_id, charge_id, &huge));
    assert!(
        matches!(
            err,
            depin_billing_escrow::ContractError::Validation(ValidationError::TooLong { .. })
        ),
        "{err}"
    );
    let member = suite.member(0);
    suite.stake(&member, 10_000).unwrap();
    suite.advance(5);
    let dao_addr = suite.dao.clone();
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.send_tokens(
            &member,
            &dao_addr,
            depin_testing::dao::DAO_PROPOSAL_DEPOSIT,
            &dao::ReceiveMsg::Propose(dao::ProposeMsg {
                title: "t".into(),
                description: huge.clone(),
                msgs: vec![],
            }),
        )
    });

    // 10 000 levels of nesting, as raw JSON to every contract: a typed parse
    // error (serde-json-wasm gives up at depth 128), never a stack overflow.
    let arrays = "[".repeat(10_000) + &"]".repeat(10_000);
    let objects = "{\"settle\":".repeat(10_000) + "{}" + &"}".repeat(10_000);
    let in_enum = format!(
        "{{\"register\":{{\"service\":{{\"other\":{}}}}}}}",
        "[".repeat(10_000)
    );
    let targets = [
        suite.escrow.clone(),
        suite.registry.clone(),
        suite.dao.clone(),
        suite.token.clone(),
    ];
    let attacker = suite.actors.attacker.clone();
    for raw in [&arrays, &objects, &in_enum] {
        for target in &targets {
            let before = suite.state_snapshot();
            let err = suite
                .app
                .execute(
                    attacker.clone(),
                    WasmMsg::Execute {
                        contract_addr: target.to_string(),
                        msg: Binary::from(raw.as_bytes()),
                        funds: vec![],
                    }
                    .into(),
                )
                .unwrap_err();
            // The error names the parse failure (its context repeats the
            // whole message, so only the root cause is shown on failure).
            assert_eq!(
                typed_error(&err),
                Some(ErrorSource::Std),
                "{}",
                err.root_cause()
            );
            assert!(
                err.root_cause()
                    .to_string()
                    .starts_with("Error parsing into type"),
                "{target}: {}",
                err.root_cause()
            );
            assert!(suite.state_snapshot() == before);
        }
    }
    // And as a query.
    let res: StdResult<Binary> = suite
        .app
        .wrap()
        .query(&QueryRequest::Wasm(WasmQuery::Smart {
            contract_addr: targets[0].to_string(),
            msg: Binary::from(arrays.as_bytes()),
        }));
    assert!(res.is_err());
}
