//! Governance can always undo what it did: no proposal, once passed, can leave
//! the DAO unable to pass the proposal that reverts it (second audit,
//! findings 4, 5 and 6).
//!
//! The rule: stakers holding more than two thirds of the power can always
//! pass a proposal, however the others vote or abstain. So the DAO (and every
//! contract it runs) holds no power; quorum and threshold are at most 2/3, the
//! veto threshold at least 1/3; the voting period, timelock and unstaking
//! period at most 90 days; the deposit at most the supply; and the guardian
//! cannot veto the proposal that replaces or removes it.
//!
//! Default suite: three members stake 100_000 each; member 0 holds 1_000_000
//! suite tokens before staking; the guardian is `actors.guardian`.

use cosmwasm_std::{to_json_binary, CosmosMsg, Decimal, Uint128};
use cw_multi_test::Executor;
use depin_dao::ContractError;
use depin_interface::dao::{self, DaoConfigUpdate, ProposalStatus, ReceiveMsg, Vote};
use depin_interface::token;
use depin_testing::dao::{propose_msg, DAO_MEMBER_STAKE};
use depin_testing::shared::{dao_error, wasm_execute};
use depin_testing::{Suite, SuiteBuilder};

const DAY: u64 = 86_400;

fn update_config(suite: &Suite, update: DaoConfigUpdate) -> CosmosMsg {
    wasm_execute(&suite.dao, &dao::ExecuteMsg::UpdateConfig(update))
}

/// A proposal whose only message asks the token to `send` `amount` of the
/// DAO's treasury to the DAO itself with `hook`.
fn treasury_send_to_self(suite: &Suite, amount: u128, hook: &ReceiveMsg) -> CosmosMsg {
    wasm_execute(
        &suite.token,
        &token::ExecuteMsg::Send {
            contract: suite.dao.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook).unwrap(),
        },
    )
}

/// The attack of finding 4: a passed proposal stakes 1,000,000 treasury tokens
/// from the DAO to itself, which would give the DAO 1,000,000 of 1,300,000
/// power nobody can vote with, so no proposal could meet quorum again.
#[test]
fn the_dao_cannot_stake_its_treasury_and_lock_quorum() {
    let mut suite = SuiteBuilder::new().build();
    let (member, dao) = (suite.member(0), suite.dao.clone());
    let token = suite.token.clone();
    suite
        .app
        .execute_contract(
            member,
            token,
            &token::ExecuteMsg::Transfer {
                recipient: dao.to_string(),
                amount: Uint128::new(500_000),
            },
            &[],
        )
        .unwrap();
    let stake = treasury_send_to_self(&suite, 400_000, &ReceiveMsg::Stake {});
    let id = suite.pass_proposal(vec![stake]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
    assert_eq!(suite.voting_power(&dao, None), 0);
    assert_eq!(suite.total_power(None), 3 * DAO_MEMBER_STAKE);
    assert_eq!(suite.token_balance(&dao), 500_000 + 3 * DAO_MEMBER_STAKE);
    // Governance still works: the members pass the next proposal.
    let id = suite.pass_proposal(vec![]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
}

/// Nor can the DAO make proposals of its own (a deposit sent from the
/// treasury), and no contract of the suite can stake or propose directly.
#[test]
fn the_dao_and_its_contracts_cannot_stake_or_propose() {
    let mut suite = SuiteBuilder::new().build();
    let (member, dao) = (suite.member(0), suite.dao.clone());
    let propose = treasury_send_to_self(
        &suite,
        depin_testing::dao::DAO_PROPOSAL_DEPOSIT,
        &ReceiveMsg::Propose(propose_msg("the DAO proposes", vec![])),
    );
    let token = suite.token.clone();
    for holder in [&dao, &suite.registry.clone(), &suite.escrow.clone(), &token] {
        suite
            .app
            .execute_contract(
                member.clone(),
                token.clone(),
                &token::ExecuteMsg::Transfer {
                    recipient: holder.to_string(),
                    amount: Uint128::new(10_000),
                },
                &[],
            )
            .unwrap();
    }
    let id = suite.pass_proposal(vec![propose]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
    let next: Result<dao::ProposalResponse, _> = suite.app.wrap().query_wasm_smart(
        &dao,
        &dao::QueryMsg::Proposal {
            proposal_id: id + 1,
        },
    );
    assert!(next.is_err(), "the DAO made proposal {}", id + 1);
    // The direct routes, from each of the suite's accounts: typed refusals.
    let deposit = depin_testing::dao::DAO_PROPOSAL_DEPOSIT;
    for holder in [
        dao.clone(),
        suite.registry.clone(),
        suite.escrow.clone(),
        token,
    ] {
        let err = suite
            .send_tokens(&holder, &dao, 1, &ReceiveMsg::Stake {})
            .unwrap_err();
        assert_eq!(
            dao_error(err),
            ContractError::SuiteAccount {
                address: holder.to_string(),
                action: "stake"
            }
        );
        let propose = ReceiveMsg::Propose(propose_msg("from the suite", vec![]));
        let err = suite
            .send_tokens(&holder, &dao, deposit, &propose)
            .unwrap_err();
        assert_eq!(
            dao_error(err),
            ContractError::SuiteAccount {
                address: holder.to_string(),
                action: "propose"
            }
        );
    }
}

/// Each parameter's value that could lock governance is refused when a
/// proposal sets it (typed error, config unchanged), and the boundary is accepted.
#[test]
fn no_parameter_can_be_set_to_a_value_that_locks_governance() {
    let mut suite = SuiteBuilder::new().build();
    let dao = suite.dao.clone();
    let before = suite.dao_config();
    let supply = suite.token_supply();
    let locking: Vec<(DaoConfigUpdate, &str)> = vec![
        (
            DaoConfigUpdate {
                quorum: Some(Decimal::one()),
                ..Default::default()
            },
            "quorum",
        ),
        (
            DaoConfigUpdate {
                quorum: Some(Decimal::percent(67)),
                ..Default::default()
            },
            "quorum",
        ),
        (
            DaoConfigUpdate {
                threshold: Some(Decimal::percent(99)),
                ..Default::default()
            },
            "threshold",
        ),
        (
            DaoConfigUpdate {
                veto_threshold: Some(Decimal::raw(1)),
                ..Default::default()
            },
            "veto_threshold",
        ),
        (
            DaoConfigUpdate {
                veto_threshold: Some(Decimal::from_ratio(1u128, 3u128)),
                ..Default::default()
            },
            "veto_threshold",
        ),
        (
            DaoConfigUpdate {
                voting_period: Some(90 * DAY + 1),
                ..Default::default()
            },
            "voting_period",
        ),
        (
            DaoConfigUpdate {
                timelock: Some(90 * DAY + 1),
                ..Default::default()
            },
            "timelock",
        ),
        (
            DaoConfigUpdate {
                unstaking_period: Some(90 * DAY + 1),
                ..Default::default()
            },
            "unstaking_period",
        ),
    ];
    for (update, field) in locking {
        let err = suite.update_dao_config(&dao, update.clone()).unwrap_err();
        match dao_error(err) {
            ContractError::LocksGovernance { field: f, .. } => assert_eq!(f, field, "{update:?}"),
            other => panic!("{update:?}: {other:?}"),
        }
        assert_eq!(suite.dao_config(), before);
    }
    // Finding 5: a deposit above the supply (cap 10^12, supply 6,000,000 in the audit).
    let err = suite
        .update_dao_config(
            &dao,
            DaoConfigUpdate {
                proposal_deposit: Some(Uint128::new(1_000_000_000_001)),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::DepositAboveSupply {
            deposit: Uint128::new(1_000_000_000_001),
            supply: Uint128::new(supply),
        }
    );
    assert_eq!(suite.dao_config(), before);
    // The boundaries are accepted.
    suite
        .update_dao_config(
            &dao,
            DaoConfigUpdate {
                quorum: Some(Decimal::from_ratio(2u128, 3u128)),
                threshold: Some(Decimal::from_ratio(2u128, 3u128)),
                veto_threshold: Some(Decimal::permille(334)),
                unstaking_period: Some(90 * DAY),
                proposal_deposit: Some(Uint128::new(supply)),
                ..Default::default()
            },
        )
        .unwrap();
}

/// Through real proposals: a passed proposal that sets quorum 1 or a deposit
/// above the supply fails to execute and changes nothing; one that sets every
/// voting rule to its allowed extreme still lets a coalition above two thirds
/// pass the proposal that reverts it, against a veto from everyone else.
#[test]
fn the_worst_allowed_rules_can_still_be_undone() {
    let mut suite = SuiteBuilder::new().build();
    let before = suite.dao_config();
    for update in [
        DaoConfigUpdate {
            quorum: Some(Decimal::one()),
            ..Default::default()
        },
        DaoConfigUpdate {
            proposal_deposit: Some(Uint128::new(1_000_000_000_001)),
            ..Default::default()
        },
    ] {
        let msg = update_config(&suite, update);
        let id = suite.pass_proposal(vec![msg]);
        assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
        assert_eq!(suite.dao_config(), before);
    }
    let worst = update_config(
        &suite,
        DaoConfigUpdate {
            quorum: Some(Decimal::from_ratio(2u128, 3u128)),
            threshold: Some(Decimal::from_ratio(2u128, 3u128)),
            veto_threshold: Some(Decimal::permille(334)),
            ..Default::default()
        },
    );
    let id = suite.pass_proposal(vec![worst]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
    // Members 0 and 1 hold 210,000 of 310,000 (67.7 %); member 2 vetoes.
    let member0 = suite.member(0);
    suite.stake(&member0, 10_000).unwrap();
    suite.advance(5);
    let revert = update_config(
        &suite,
        DaoConfigUpdate {
            quorum: Some(before.quorum),
            threshold: Some(before.threshold),
            veto_threshold: Some(before.veto_threshold),
            ..Default::default()
        },
    );
    let res = suite.propose(&member0, "revert", vec![revert]).unwrap();
    let id = Suite::proposal_id(&res);
    let member2 = suite.member(2);
    suite.vote(&member2, id, Vote::NoWithVeto).unwrap();
    suite.vote(&member0, id, Vote::Yes).unwrap();
    let member1 = suite.member(1);
    suite.vote(&member1, id, Vote::Yes).unwrap();
    assert_eq!(suite.proposal(id).status, ProposalStatus::Passed);
    suite.advance(before.timelock);
    let anyone = suite.actors.attacker.clone();
    suite.execute_proposal(&anyone, id).unwrap();
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(suite.dao_config(), before);
}

/// Finding 6: while a guardian exists every proposal has a timelock, so the
/// guardian could veto its own removal for ever. It cannot: a proposal whose
/// only message changes the guardian is not vetoable; bundled with anything
/// else it is.
#[test]
fn the_guardian_cannot_veto_its_own_removal() {
    let mut suite = SuiteBuilder::new().build();
    let guardian = suite.actors.guardian.clone();
    assert_eq!(suite.dao_config().guardian, Some(guardian.clone()));
    let remove = update_config(
        &suite,
        DaoConfigUpdate {
            remove_guardian: Some(true),
            ..Default::default()
        },
    );
    // Bundled with another change: vetoable as before.
    let bundled = update_config(
        &suite,
        DaoConfigUpdate {
            remove_guardian: Some(true),
            quorum: Some(Decimal::percent(40)),
            ..Default::default()
        },
    );
    for (msgs, vetoable) in [
        (vec![bundled], true),
        (vec![remove.clone(), remove.clone()], true),
        (vec![remove], false),
    ] {
        suite.stake_members();
        let member0 = suite.member(0);
        let res = suite.propose(&member0, "no guardian", msgs).unwrap();
        let id = Suite::proposal_id(&res);
        for m in 0..2 {
            let member = suite.member(m);
            suite.vote(&member, id, Vote::Yes).unwrap();
        }
        assert_eq!(suite.proposal(id).status, ProposalStatus::Passed);
        let veto = suite.veto_proposal(&guardian, id);
        if vetoable {
            veto.unwrap();
            assert_eq!(suite.proposal(id).status, ProposalStatus::Vetoed);
        } else {
            assert_eq!(
                dao_error(veto.unwrap_err()),
                ContractError::GuardianChangeNotVetoable { proposal_id: id }
            );
            let timelock = suite.dao_config().timelock;
            suite.advance(timelock);
            let anyone = suite.actors.attacker.clone();
            suite.execute_proposal(&anyone, id).unwrap();
            assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
            assert_eq!(suite.dao_config().guardian, None);
        }
    }
}

/// A replacement is a change of guardian too: the old guardian cannot veto it.
#[test]
fn the_guardian_cannot_veto_its_replacement() {
    let mut suite = SuiteBuilder::new().build();
    let (guardian, new_guardian) = (suite.actors.guardian.clone(), suite.actors.arbiter.clone());
    let replace = update_config(
        &suite,
        DaoConfigUpdate {
            guardian: Some(new_guardian.to_string()),
            ..Default::default()
        },
    );
    suite.stake_members();
    let member0 = suite.member(0);
    let id = Suite::proposal_id(
        &suite
            .propose(&member0, "new guardian", vec![replace])
            .unwrap(),
    );
    for m in 0..2 {
        let member = suite.member(m);
        suite.vote(&member, id, Vote::Yes).unwrap();
    }
    assert_eq!(
        dao_error(suite.veto_proposal(&guardian, id).unwrap_err()),
        ContractError::GuardianChangeNotVetoable { proposal_id: id }
    );
}
