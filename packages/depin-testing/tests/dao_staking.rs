//! Staking the suite token for voting power, unstaking through claims.

use cosmwasm_std::{coin, Uint128};
use cw_multi_test::Executor;
use cw_utils::{Expiration, PaymentError};
use depin_dao::ContractError;
use depin_interface::dao::{self, ReceiveMsg};
use depin_interface::token;
use depin_testing::dao::DAO_UNSTAKING_PERIOD;
use depin_testing::shared::dao_error;
use depin_testing::suite::INITIAL_MEMBER_TOKENS;
use depin_testing::{SuiteBuilder, PAY_DENOM};

#[test]
fn stake_counts_from_the_start_of_the_next_block() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    let height = suite.app.block_info().height;
    suite.stake(&member, 70_000).unwrap();
    // Read at this block's height: the value at its start, before the stake.
    assert_eq!(suite.voting_power(&member, Some(height)), 0);
    assert_eq!(suite.total_power(Some(height)), 0);
    assert_eq!(suite.voting_power(&member, None), 70_000);
    suite.advance(5);
    assert_eq!(suite.voting_power(&member, Some(height + 1)), 70_000);
    assert_eq!(suite.total_power(Some(height + 1)), 70_000);
    assert_eq!(suite.token_balance(&member), INITIAL_MEMBER_TOKENS - 70_000);
    assert_eq!(suite.token_balance(&suite.dao.clone()), 70_000);
}

#[test]
fn stake_adds_up_across_members_and_sends() {
    let mut suite = SuiteBuilder::new().build();
    let (a, b) = (suite.member(0), suite.member(1));
    suite.stake(&a, 10_000).unwrap();
    suite.stake(&a, 5_000).unwrap();
    suite.stake(&b, 20_000).unwrap();
    assert_eq!(suite.voting_power(&a, None), 15_000);
    assert_eq!(suite.total_power(None), 35_000);
}

#[test]
fn a_send_from_another_cw20_is_refused_before_its_message_is_read() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    let fake = suite.fake_token(&member, 1_000);
    let err = suite
        .app
        .execute_contract(
            member.clone(),
            fake.clone(),
            &token::ExecuteMsg::Send {
                contract: suite.dao.to_string(),
                amount: Uint128::new(1_000),
                // Not even a valid hook message: the token check comes first.
                msg: cosmwasm_std::to_json_binary(&"garbage").unwrap(),
            },
            &[],
        )
        .unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::UnknownToken {
            token: fake.to_string(),
            expected: format!("the suite token {}", suite.token)
        }
    );
    // Calling the hook directly, pretending to be a token, is refused the same way.
    let err = suite
        .app
        .execute_contract(
            member.clone(),
            suite.dao.clone(),
            &dao::ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
                sender: member.to_string(),
                amount: Uint128::new(1_000),
                msg: cosmwasm_std::to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
            }),
            &[],
        )
        .unwrap_err();
    assert!(matches!(dao_error(err), ContractError::UnknownToken { .. }));
    assert_eq!(suite.voting_power(&member, None), 0);
}

#[test]
fn unstake_removes_power_at_once_and_the_claim_pays_after_the_period() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    suite.stake(&member, 100_000).unwrap();
    suite.advance(5);
    let unstaked_at = suite.app.block_info().time;
    suite.unstake(&member, 40_000).unwrap();
    assert_eq!(suite.voting_power(&member, None), 60_000);
    assert_eq!(suite.total_power(None), 60_000);
    let claims = suite.dao_claims(&member);
    assert_eq!(claims.claims.len(), 1);
    assert_eq!(claims.claims[0].amount, Uint128::new(40_000));
    assert_eq!(
        claims.claims[0].release_at,
        Expiration::AtTime(unstaked_at.plus_seconds(DAO_UNSTAKING_PERIOD))
    );

    let err = suite.claim_unstaked(&member).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::NothingToClaim {
            address: member.to_string()
        }
    );
    suite.advance(DAO_UNSTAKING_PERIOD - 1);
    assert!(suite.claim_unstaked(&member).is_err());
    suite.advance(1);
    suite.claim_unstaked(&member).unwrap();
    // 1_000_000 − 100_000 staked + 40_000 claimed.
    assert_eq!(suite.token_balance(&member), INITIAL_MEMBER_TOKENS - 60_000);
    assert!(suite.dao_claims(&member).claims.is_empty());
    assert!(suite.claim_unstaked(&member).is_err());
}

#[test]
fn unstaking_more_than_staked_or_nothing_is_refused() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    suite.stake(&member, 1_000).unwrap();
    assert_eq!(
        dao_error(suite.unstake(&member, 1_001).unwrap_err()),
        ContractError::InsufficientStake {
            requested: Uint128::new(1_001),
            staked: Uint128::new(1_000)
        }
    );
    assert_eq!(
        dao_error(suite.unstake(&member, 0).unwrap_err()),
        ContractError::ZeroAmount {}
    );
    let attacker = suite.actors.attacker.clone();
    assert!(matches!(
        dao_error(suite.unstake(&attacker, 1).unwrap_err()),
        ContractError::InsufficientStake { .. }
    ));
    // Unstaking everything leaves no power and a full claim.
    suite.unstake(&member, 1_000).unwrap();
    assert_eq!(suite.voting_power(&member, None), 0);
    assert_eq!(suite.total_power(None), 0);
}

#[test]
fn native_funds_are_refused_on_every_message() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    let err = suite
        .app
        .execute_contract(
            member,
            suite.dao.clone(),
            &dao::ExecuteMsg::Claim {},
            &[coin(5, PAY_DENOM)],
        )
        .unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::Payment(PaymentError::NonPayable {})
    );
}
