//! Privileged messages refuse every other sender.

use cosmwasm_std::{to_json_binary, Addr, Decimal, Uint128, WasmMsg};
use cw_multi_test::Executor;
use depin_dao::ContractError;
use depin_interface::dao::{self, DaoConfigUpdate, ProposalStatus, Vote};
use depin_interface::{escrow, registry, token};
use depin_testing::dao::DAO_TIMELOCK;
use depin_testing::shared::dao_error;
use depin_testing::{contracts, Suite, SuiteBuilder};

/// Everyone but the DAO: members, providers, guardian, oracle, arbiter,
/// attacker, deployer and the three suite contracts.
fn wrong_senders(suite: &Suite) -> Vec<Addr> {
    let a = &suite.actors;
    a.members
        .iter()
        .chain(&a.providers)
        .chain(&a.consumers)
        .cloned()
        .chain([
            a.guardian.clone(),
            a.oracle.clone(),
            a.arbiter.clone(),
            a.attacker.clone(),
            a.deployer.clone(),
            suite.token.clone(),
            suite.registry.clone(),
            suite.escrow.clone(),
        ])
        .collect()
}

#[test]
fn update_config_accepts_only_the_dao_itself() {
    let mut suite = SuiteBuilder::new().build();
    let update = DaoConfigUpdate {
        voting_period: Some(1),
        ..Default::default()
    };
    for sender in wrong_senders(&suite) {
        let err = suite
            .update_dao_config(&sender, update.clone())
            .unwrap_err();
        assert_eq!(
            dao_error(err),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "update_config",
            },
            "{sender}"
        );
    }
    let dao = suite.dao.clone();
    suite.update_dao_config(&dao, update).unwrap();
    assert_eq!(suite.dao_config().voting_period, 1);
}

#[test]
fn update_config_validates_like_instantiate() {
    let mut suite = SuiteBuilder::new().build();
    let dao = suite.dao.clone();
    let cases = [
        (
            DaoConfigUpdate {
                threshold: Some(Decimal::percent(150)),
                ..Default::default()
            },
            ContractError::FractionOutOfRange {
                field: "threshold",
                value: Decimal::percent(150),
            },
        ),
        (
            DaoConfigUpdate {
                quorum: Some(Decimal::zero()),
                ..Default::default()
            },
            ContractError::FractionOutOfRange {
                field: "quorum",
                value: Decimal::zero(),
            },
        ),
        (
            DaoConfigUpdate {
                unstaking_period: Some(0),
                ..Default::default()
            },
            ContractError::Validation(depin_interface::ValidationError::MustBePositive {
                field: "unstaking_period",
            }),
        ),
        (
            DaoConfigUpdate {
                voting_period: Some(u64::MAX),
                ..Default::default()
            },
            ContractError::Validation(depin_interface::ValidationError::PeriodTooLong {
                field: "voting_period",
                value: u64::MAX,
                max: 10 * 365 * 86_400,
            }),
        ),
        (
            DaoConfigUpdate {
                timelock: Some(10 * 365 * 86_400 + 1),
                ..Default::default()
            },
            ContractError::Validation(depin_interface::ValidationError::PeriodTooLong {
                field: "timelock",
                value: 10 * 365 * 86_400 + 1,
                max: 10 * 365 * 86_400,
            }),
        ),
        (
            DaoConfigUpdate {
                threshold: Some(Decimal::one()),
                ..Default::default()
            },
            ContractError::UnreachableThreshold {
                value: Decimal::one(),
            },
        ),
        (
            // The registry unbonds in 7 days: dispute window 3 600 s + a vote
            // of 6 days + a timelock of 1 day exceed it.
            DaoConfigUpdate {
                voting_period: Some(6 * 86_400),
                ..Default::default()
            },
            ContractError::UnbondingTooShort {
                unbonding_period: 7 * 86_400,
                dispute_window: 3_600,
                voting_period: 6 * 86_400,
                timelock: 86_400,
                required: 3_600 + 7 * 86_400,
            },
        ),
        (
            DaoConfigUpdate {
                timelock: Some(4 * 86_400),
                ..Default::default()
            },
            ContractError::UnbondingTooShort {
                unbonding_period: 7 * 86_400,
                dispute_window: 3_600,
                voting_period: 3 * 86_400,
                timelock: 4 * 86_400,
                required: 3_600 + 7 * 86_400,
            },
        ),
        (
            // The suite has a guardian: without a timelock it could never veto.
            DaoConfigUpdate {
                timelock: Some(0),
                ..Default::default()
            },
            ContractError::GuardianWithoutTimelock {},
        ),
    ];
    for (update, expected) in cases {
        let err = suite.update_dao_config(&dao, update).unwrap_err();
        assert_eq!(dao_error(err), expected);
    }
    // Within the unbonding period, a longer vote is fine: 3 600 + 5 + 1 days ≤ 7 days.
    suite
        .update_dao_config(
            &dao,
            DaoConfigUpdate {
                voting_period: Some(5 * 86_400),
                ..Default::default()
            },
        )
        .unwrap();
    // Removing the guardian leaves nobody able to veto; then no timelock is fine.
    suite
        .update_dao_config(
            &dao,
            DaoConfigUpdate {
                remove_guardian: Some(true),
                timelock: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(suite.dao_config().timelock, 0);
    let guardian = suite.actors.guardian.clone();
    assert_eq!(
        dao_error(suite.veto_proposal(&guardian, 1).unwrap_err()),
        ContractError::NoGuardian {}
    );
}

#[test]
fn dispatch_is_internal_to_execute() {
    let mut suite = SuiteBuilder::new().build();
    suite.stake_members();
    let member = suite.member(0);
    let res = suite.propose(&member, "p", vec![]).unwrap();
    let id = Suite::proposal_id(&res);
    for sender in wrong_senders(&suite) {
        let dao = suite.dao.clone();
        let err = suite
            .app
            .execute_contract(
                sender,
                dao,
                &dao::ExecuteMsg::Dispatch { proposal_id: id },
                &[],
            )
            .unwrap_err();
        assert!(matches!(
            dao_error(err),
            ContractError::Unauthorized {
                action: "dispatch",
                ..
            }
        ));
    }
    // Even the DAO itself, outside an `execute` of that proposal.
    let dao = suite.dao.clone();
    let err = suite
        .app
        .execute_contract(
            dao.clone(),
            dao,
            &dao::ExecuteMsg::Dispatch { proposal_id: id },
            &[],
        )
        .unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::NotDispatching { proposal_id: id }
    );
}

#[test]
fn a_proposal_cannot_dispatch_another_proposal_s_messages() {
    let mut suite = SuiteBuilder::new().build();
    suite.stake_members();
    let member = suite.member(0);
    let target = Suite::proposal_id(&suite.propose(&member, "target", vec![]).unwrap());
    let sneaky = WasmMsg::Execute {
        contract_addr: suite.dao.to_string(),
        msg: to_json_binary(&dao::ExecuteMsg::Dispatch {
            proposal_id: target,
        })
        .unwrap(),
        funds: vec![],
    };
    let id = suite.pass_proposal(vec![sneaky.into()]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
    assert_eq!(suite.proposal(target).status, ProposalStatus::Open);
}

#[test]
fn only_the_guardian_vetoes() {
    let mut suite = SuiteBuilder::new().build();
    suite.stake_members();
    let member = suite.member(0);
    let id = Suite::proposal_id(&suite.propose(&member, "p", vec![]).unwrap());
    for voter in [suite.member(0), suite.member(1)] {
        suite.vote(&voter, id, Vote::Yes).unwrap();
    }
    let guardian = suite.actors.guardian.clone();
    for sender in wrong_senders(&suite)
        .into_iter()
        .filter(|s| *s != guardian)
        .chain([suite.dao.clone()])
    {
        let err = suite.veto_proposal(&sender, id).unwrap_err();
        assert_eq!(
            dao_error(err),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "veto",
            },
            "{sender}"
        );
    }
    suite.advance(DAO_TIMELOCK);
    suite.execute_proposal(&member, id).unwrap();
}

#[test]
fn the_suite_refuses_owner_and_admin_actions_from_anyone_but_the_dao() {
    let mut suite = SuiteBuilder::new().build();
    let senders: Vec<Addr> = wrong_senders(&suite)
        .into_iter()
        .filter(|s| ![&suite.token, &suite.registry, &suite.escrow].contains(&s))
        .collect();
    let new_token_code = suite.app.store_code(contracts::reward_token());
    for sender in senders {
        let (registry_addr, escrow_addr, token_addr) = (
            suite.registry.clone(),
            suite.escrow.clone(),
            suite.token.clone(),
        );
        let app = &mut suite.app;
        assert!(app
            .execute_contract(
                sender.clone(),
                registry_addr.clone(),
                &registry::ExecuteMsg::UpdateConfig(registry::RegistryConfigUpdate {
                    dao: Some(sender.to_string()),
                    ..Default::default()
                }),
                &[],
            )
            .is_err());
        assert!(app
            .execute_contract(
                sender.clone(),
                registry_addr,
                &registry::ExecuteMsg::Slash {
                    provider: sender.to_string(),
                    fraction: Decimal::percent(100),
                    reason: "x".into(),
                    jail_seconds: None,
                },
                &[],
            )
            .is_err());
        assert!(app
            .execute_contract(
                sender.clone(),
                escrow_addr,
                &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                    fee_bps: Some(10_000),
                    ..Default::default()
                }),
                &[],
            )
            .is_err());
        assert!(app
            .execute_contract(
                sender.clone(),
                token_addr.clone(),
                &token::ExecuteMsg::Mint {
                    recipient: sender.to_string(),
                    amount: Uint128::new(1),
                },
                &[],
            )
            .is_err());
        for contract in [&suite.token, &suite.registry, &suite.escrow, &suite.dao] {
            assert!(
                app.migrate_contract(
                    sender.clone(),
                    contract.clone(),
                    &dao::MigrateMsg {},
                    new_token_code
                )
                .is_err(),
                "{sender} migrated {contract}"
            );
        }
    }
    // The DAO handed minting to the registry: it cannot mint either.
    let (dao, token_addr) = (suite.dao.clone(), suite.token.clone());
    assert!(suite
        .app
        .execute_contract(
            dao.clone(),
            token_addr,
            &token::ExecuteMsg::Mint {
                recipient: dao.to_string(),
                amount: Uint128::new(1),
            },
            &[],
        )
        .is_err());
}
