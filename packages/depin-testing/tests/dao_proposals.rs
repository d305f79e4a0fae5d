//! Proposals: deposits, snapshot voting, tally, timelock, guardian veto,
//! execution (including a failing message) and closing.
//!
//! Every test stakes 100_000 for each of the three members (total power
//! 300_000); quorum 33.4 % = 100_200, threshold 50 %, veto 33.4 %, deposit 1_000.

use cosmwasm_std::{coin, to_json_binary, BankMsg, CosmosMsg, Uint128, WasmMsg};
use cw_multi_test::Executor;
use depin_dao::ContractError;
use depin_interface::dao::{self, DaoConfigUpdate, ProposalStatus, Vote};
use depin_interface::validation::ValidationError;
use depin_testing::dao::{DAO_MEMBER_STAKE, DAO_PROPOSAL_DEPOSIT, DAO_TIMELOCK, DAO_VOTING_PERIOD};
use depin_testing::shared::dao_error;
use depin_testing::suite::INITIAL_MEMBER_TOKENS;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};

/// Members staked, one block later.
fn staked() -> Suite {
    let mut suite = SuiteBuilder::new().build();
    suite.stake_members();
    suite
}

/// Member 0 proposes `msgs`; returns the id.
fn propose(suite: &mut Suite, msgs: Vec<CosmosMsg>) -> u64 {
    let proposer = suite.member(0);
    let res = suite.propose(&proposer, "a proposal", msgs).unwrap();
    Suite::proposal_id(&res)
}

fn vote(suite: &mut Suite, member: usize, id: u64, v: Vote) {
    let voter = suite.member(member);
    suite.vote(&voter, id, v).unwrap();
}

/// A message that changes the DAO's own config (always succeeds).
fn set_voting_period(suite: &Suite, seconds: u64) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: suite.dao.to_string(),
        msg: to_json_binary(&dao::ExecuteMsg::UpdateConfig(DaoConfigUpdate {
            voting_period: Some(seconds),
            ..Default::default()
        }))
        .unwrap(),
        funds: vec![],
    }
    .into()
}

const AFTER_STAKE: u128 = INITIAL_MEMBER_TOKENS - DAO_MEMBER_STAKE;

#[test]
fn the_deposit_must_be_exact_and_in_the_suite_token() {
    let mut suite = staked();
    let member = suite.member(0);
    for wrong in [DAO_PROPOSAL_DEPOSIT - 1, DAO_PROPOSAL_DEPOSIT + 1] {
        let err = suite
            .propose_with_deposit(&member, "t", vec![], wrong)
            .unwrap_err();
        assert_eq!(
            dao_error(err),
            ContractError::WrongDeposit {
                required: Uint128::new(DAO_PROPOSAL_DEPOSIT),
                sent: Uint128::new(wrong)
            }
        );
    }
    let err = suite.propose_direct(&member, "t", vec![]).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::DepositRequired {
            required: Uint128::new(DAO_PROPOSAL_DEPOSIT)
        }
    );
    let id = propose(&mut suite, vec![]);
    assert_eq!(id, 1);
    let p = suite.proposal(id);
    assert_eq!(p.deposit, Uint128::new(DAO_PROPOSAL_DEPOSIT));
    assert_eq!(p.total_power, Uint128::new(300_000));
    assert_eq!(p.status, ProposalStatus::Open);
    assert_eq!(
        suite.token_balance(&member),
        AFTER_STAKE - DAO_PROPOSAL_DEPOSIT
    );
}

#[test]
fn bad_proposals_get_typed_errors() {
    let mut suite = staked();
    let member = suite.member(0);
    let err = suite.propose(&member, &"x".repeat(65), vec![]).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::Validation(ValidationError::TooLong {
            field: "title",
            len: 65,
            max: 64
        })
    );
    let err = suite.propose(&member, " ", vec![]).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::Validation(ValidationError::Empty { field: "title" })
    );
    let msgs = vec![set_voting_period(&suite, 10); 33];
    let err = suite.propose(&member, "many", msgs).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::TooManyMessages { count: 33, max: 32 }
    );
}

#[test]
fn proposing_needs_stake_from_an_earlier_block() {
    let mut suite = SuiteBuilder::new().build();
    let member = suite.member(0);
    let height = suite.app.block_info().height;
    suite.stake(&member, 5_000).unwrap();
    let err = suite.propose(&member, "too early", vec![]).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::NoVotingPower {
            address: member.to_string(),
            height
        }
    );
    suite.advance(5);
    suite.propose(&member, "now", vec![]).unwrap();
}

#[test]
fn a_zero_power_voter_is_refused() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    let outsider = suite.actors.attacker.clone();
    let err = suite.vote(&outsider, id, Vote::Yes).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::NoVotingPower {
            address: outsider.to_string(),
            height: suite.proposal(id).start_height
        }
    );
}

#[test]
fn stake_added_or_moved_after_the_start_never_votes_twice() {
    let mut suite = SuiteBuilder::new().build();
    let (a, b, c) = (suite.member(0), suite.member(1), suite.member(2));
    suite.stake(&a, 100_000).unwrap();
    suite.stake(&c, 200_000).unwrap();
    suite.advance(5);
    let id = propose(&mut suite, vec![]);
    // Stake added in the proposal's own block does not count either.
    suite.stake(&a, 50_000).unwrap();
    suite.vote(&a, id, Vote::Yes).unwrap();
    let ballot: dao::VoteResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.dao,
            &dao::QueryMsg::Vote {
                proposal_id: id,
                voter: a.to_string(),
            },
        )
        .unwrap();
    assert_eq!(ballot.vote.unwrap().power, Uint128::new(100_000));
    let err = suite.vote(&a, id, Vote::No).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::AlreadyVoted {
            proposal_id: id,
            voter: a.to_string()
        }
    );
    // a moves tokens to b, who stakes them after the start: b has no power here.
    suite.advance(5);
    suite.unstake(&a, 150_000).unwrap();
    let token = suite.token.clone();
    suite
        .app
        .execute_contract(
            a.clone(),
            token,
            &depin_interface::token::ExecuteMsg::Transfer {
                recipient: b.to_string(),
                amount: Uint128::new(150_000),
            },
            &[],
        )
        .unwrap();
    suite.stake(&b, 150_000).unwrap();
    suite.advance(5);
    let err = suite.vote(&b, id, Vote::No).unwrap_err();
    assert!(matches!(
        dao_error(err),
        ContractError::NoVotingPower { .. }
    ));
    let p = suite.proposal(id);
    assert_eq!(p.tally.yes, Uint128::new(100_000));
    assert_eq!(p.tally.no, Uint128::zero());
    assert_eq!(p.total_power, Uint128::new(300_000));
    assert_eq!(p.status, ProposalStatus::Open);
}

#[test]
fn passes_early_once_the_rest_cannot_change_it_then_waits_for_the_timelock() {
    let mut suite = staked();
    let msg = set_voting_period(&suite, 1_234);
    let id = propose(&mut suite, vec![msg]);
    vote(&mut suite, 0, id, Vote::Yes);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Open);
    // 200_000 yes of 300_000: the last 100_000 as no_with_veto is 33.3 % < 33.4 %.
    vote(&mut suite, 1, id, Vote::Yes);
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Passed);
    let passed_at = suite.app.block_info().time;
    assert_eq!(p.executable_at, Some(passed_at.plus_seconds(DAO_TIMELOCK)));
    // Voting is over for the third member.
    let err = suite.vote(&suite.member(2), id, Vote::No).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::VotingClosed {
            proposal_id: id,
            status: ProposalStatus::Passed
        }
    );
    let anyone = suite.actors.attacker.clone();
    suite.advance(DAO_TIMELOCK - 1);
    let err = suite.execute_proposal(&anyone, id).unwrap_err();
    assert!(matches!(
        dao_error(err),
        ContractError::TimelockNotOver { proposal_id: 1, .. }
    ));
    suite.advance(1);
    suite.execute_proposal(&anyone, id).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Executed);
    assert!(p.deposit_refunded);
    assert_eq!(suite.dao_config().voting_period, 1_234);
    assert_eq!(suite.token_balance(&suite.member(0)), AFTER_STAKE);
    let err = suite.execute_proposal(&anyone, id).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::AlreadyExecuted {
            proposal_id: id,
            status: ProposalStatus::Executed
        }
    );
}

#[test]
fn voting_on_an_ended_proposal_is_refused() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 0, id, Vote::Yes);
    suite.advance(DAO_VOTING_PERIOD);
    let err = suite.vote(&suite.member(1), id, Vote::Yes).unwrap_err();
    // 100_000 of 300_000 is below the 33.4 % quorum.
    assert_eq!(
        dao_error(err),
        ContractError::VotingClosed {
            proposal_id: id,
            status: ProposalStatus::Rejected
        }
    );
}

#[test]
fn failed_quorum_keeps_the_deposit_in_the_treasury() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 0, id, Vote::Yes);
    let anyone = suite.actors.attacker.clone();
    assert!(matches!(
        dao_error(suite.close_proposal(&anyone, id).unwrap_err()),
        ContractError::NotRejected {
            status: ProposalStatus::Open,
            ..
        }
    ));
    suite.advance(DAO_VOTING_PERIOD);
    assert!(matches!(
        dao_error(suite.execute_proposal(&anyone, id).unwrap_err()),
        ContractError::NotPassed {
            status: ProposalStatus::Rejected,
            ..
        }
    ));
    suite.close_proposal(&anyone, id).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Closed);
    assert!(!p.deposit_refunded);
    assert_eq!(
        suite.token_balance(&suite.member(0)),
        AFTER_STAKE - DAO_PROPOSAL_DEPOSIT
    );
    // 3 × 100_000 staked + the forfeited deposit.
    assert_eq!(
        suite.token_balance(&suite.dao.clone()),
        300_000 + DAO_PROPOSAL_DEPOSIT
    );
    assert_eq!(
        dao_error(suite.close_proposal(&anyone, id).unwrap_err()),
        ContractError::NotRejected {
            proposal_id: id,
            status: ProposalStatus::Closed
        }
    );
}

#[test]
fn rejected_with_quorum_refunds_the_deposit_and_closes_early() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 1, id, Vote::No);
    vote(&mut suite, 2, id, Vote::No);
    // 200_000 no: 100_000 yes cannot win, 100_000 no_with_veto is 33.3 %.
    assert_eq!(suite.proposal(id).status, ProposalStatus::Rejected);
    suite.close_proposal(&suite.member(2), id).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Closed);
    assert!(p.deposit_refunded);
    assert_eq!(suite.token_balance(&suite.member(0)), AFTER_STAKE);
}

#[test]
fn vetoed_by_vote_is_rejected_and_forfeits_the_deposit() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 0, id, Vote::Yes);
    vote(&mut suite, 1, id, Vote::NoWithVeto);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Open);
    vote(&mut suite, 2, id, Vote::NoWithVeto);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Rejected);
    suite.close_proposal(&suite.member(1), id).unwrap();
    assert!(!suite.proposal(id).deposit_refunded);
    assert_eq!(
        suite.token_balance(&suite.member(0)),
        AFTER_STAKE - DAO_PROPOSAL_DEPOSIT
    );
}

#[test]
fn abstain_counts_for_quorum_but_not_for_the_threshold() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 0, id, Vote::Abstain);
    vote(&mut suite, 1, id, Vote::Yes);
    suite.advance(DAO_VOTING_PERIOD);
    // turnout 200_000 ≥ 100_200; yes 100_000 > 50 % of 100_000 deciding.
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Passed);
    assert_eq!(
        p.executable_at,
        Some(p.voting_ends_at.plus_seconds(DAO_TIMELOCK))
    );
}

#[test]
fn the_guardian_vetoes_during_the_timelock_and_the_deposit_is_refunded() {
    let mut suite = staked();
    let id = propose(&mut suite, vec![]);
    vote(&mut suite, 0, id, Vote::Yes);
    vote(&mut suite, 1, id, Vote::Yes);
    let member = suite.member(0);
    assert_eq!(
        dao_error(suite.veto_proposal(&member, id).unwrap_err()),
        ContractError::Unauthorized {
            sender: member.to_string(),
            action: "veto",
        }
    );
    let guardian = suite.actors.guardian.clone();
    suite.veto_proposal(&guardian, id).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Vetoed);
    assert!(p.deposit_refunded);
    assert_eq!(suite.token_balance(&member), AFTER_STAKE);
    suite.advance(DAO_TIMELOCK);
    assert!(matches!(
        dao_error(suite.execute_proposal(&member, id).unwrap_err()),
        ContractError::NotPassed {
            status: ProposalStatus::Vetoed,
            ..
        }
    ));
}

#[test]
fn the_guardian_cannot_veto_an_open_proposal_or_after_the_timelock() {
    let mut suite = staked();
    let guardian = suite.actors.guardian.clone();
    let id = propose(&mut suite, vec![]);
    assert!(matches!(
        dao_error(suite.veto_proposal(&guardian, id).unwrap_err()),
        ContractError::NotVetoable {
            status: ProposalStatus::Open,
            ..
        }
    ));
    vote(&mut suite, 0, id, Vote::Yes);
    vote(&mut suite, 1, id, Vote::Yes);
    suite.advance(DAO_TIMELOCK);
    assert!(matches!(
        dao_error(suite.veto_proposal(&guardian, id).unwrap_err()),
        ContractError::NotVetoable {
            status: ProposalStatus::Passed,
            ..
        }
    ));
}

#[test]
fn a_failing_message_marks_execution_failed_and_reverts_the_others() {
    let mut suite = staked();
    // The config change would succeed; the payment fails (empty treasury):
    // both are dropped together.
    let pay = BankMsg::Send {
        to_address: suite.member(2).to_string(),
        amount: vec![coin(1, PAY_DENOM)],
    };
    let msg = set_voting_period(&suite, 42);
    let id = propose(&mut suite, vec![msg, pay.into()]);
    vote(&mut suite, 0, id, Vote::Yes);
    vote(&mut suite, 1, id, Vote::Yes);
    suite.advance(DAO_TIMELOCK);
    let anyone = suite.actors.attacker.clone();
    let res = suite.execute_proposal(&anyone, id).unwrap();
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|a| a.key == "action" && a.value == "execution_failed"));
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(p.execution_error.is_some());
    assert!(p.deposit_refunded);
    assert_eq!(suite.token_balance(&suite.member(0)), AFTER_STAKE);
    assert_eq!(suite.dao_config().voting_period, DAO_VOTING_PERIOD);
    assert_eq!(
        dao_error(suite.execute_proposal(&anyone, id).unwrap_err()),
        ContractError::AlreadyExecuted {
            proposal_id: id,
            status: ProposalStatus::ExecutionFailed
        }
    );
}

#[test]
fn a_proposal_keeps_the_rules_it_was_created_under() {
    let mut suite = staked();
    let lower_quorum = WasmMsg::Execute {
        contract_addr: suite.dao.to_string(),
        msg: to_json_binary(&dao::ExecuteMsg::UpdateConfig(DaoConfigUpdate {
            quorum: Some(cosmwasm_std::Decimal::percent(20)),
            ..Default::default()
        }))
        .unwrap(),
        funds: vec![],
    };
    let first = propose(&mut suite, vec![lower_quorum.into()]);
    let second = propose(&mut suite, vec![]);
    vote(&mut suite, 0, first, Vote::Yes);
    vote(&mut suite, 1, first, Vote::Yes);
    vote(&mut suite, 0, second, Vote::Yes);
    suite.advance(DAO_TIMELOCK);
    suite.execute_proposal(&suite.member(0), first).unwrap();
    assert_eq!(
        suite.dao_config().quorum,
        cosmwasm_std::Decimal::percent(20)
    );
    // Created under quorum 33.4 %: 100_000 of 300_000 (33.3 %) fails it,
    // though it meets today's 20 %.
    suite.advance(DAO_VOTING_PERIOD);
    assert_eq!(suite.proposal(second).status, ProposalStatus::Rejected);
}

#[test]
fn unknown_proposals_are_typed_errors() {
    let mut suite = staked();
    let member = suite.member(0);
    assert_eq!(
        dao_error(suite.vote(&member, 9, Vote::Yes).unwrap_err()),
        ContractError::ProposalNotFound { proposal_id: 9 }
    );
    assert_eq!(
        dao_error(suite.execute_proposal(&member, 9).unwrap_err()),
        ContractError::ProposalNotFound { proposal_id: 9 }
    );
}

#[test]
fn proposals_and_votes_page_in_key_order() {
    let mut suite = staked();
    for _ in 0..3 {
        propose(&mut suite, vec![]);
    }
    vote(&mut suite, 0, 2, Vote::Yes);
    vote(&mut suite, 2, 2, Vote::No);
    let page: dao::ProposalsResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.dao,
            &dao::QueryMsg::Proposals {
                start_after: Some(1),
                limit: Some(1),
            },
        )
        .unwrap();
    assert_eq!(page.proposals.len(), 1);
    assert_eq!(page.proposals[0].id, 2);
    let votes: dao::VotesResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.dao,
            &dao::QueryMsg::Votes {
                proposal_id: 2,
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert_eq!(votes.votes.len(), 2);
    assert!(votes.votes[0].voter < votes.votes[1].voter);
}

#[test]
fn a_deposit_in_another_token_is_refused() {
    let mut suite = staked();
    let member = suite.member(0);
    let fake = suite.fake_token(&member, DAO_PROPOSAL_DEPOSIT);
    let err = suite
        .app
        .execute_contract(
            member,
            fake.clone(),
            &depin_interface::token::ExecuteMsg::Send {
                contract: suite.dao.to_string(),
                amount: Uint128::new(DAO_PROPOSAL_DEPOSIT),
                msg: to_json_binary(&dao::ReceiveMsg::Propose(depin_testing::dao::propose_msg(
                    "fake deposit",
                    vec![],
                )))
                .unwrap(),
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
}

#[test]
fn without_a_deposit_proposals_are_made_directly() {
    let mut suite = staked();
    let dao_addr = suite.dao.clone();
    suite
        .update_dao_config(
            &dao_addr,
            DaoConfigUpdate {
                proposal_deposit: Some(Uint128::zero()),
                ..Default::default()
            },
        )
        .unwrap();
    let member = suite.member(0);
    let res = suite.propose_direct(&member, "free", vec![]).unwrap();
    let p = suite.proposal(Suite::proposal_id(&res));
    assert_eq!(p.deposit, Uint128::zero());
    // Sending tokens along is then a wrong deposit.
    let err = suite
        .propose_with_deposit(&member, "paid", vec![], 10)
        .unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::WrongDeposit {
            required: Uint128::zero(),
            sent: Uint128::new(10)
        }
    );
}
