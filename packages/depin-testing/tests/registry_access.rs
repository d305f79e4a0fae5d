//! Registry access control: every privileged message from every wrong sender,
//! config updates by the DAO, and addresses that are not normalized.

use cosmwasm_std::{to_json_binary, Addr, Decimal, Uint128};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::Executor;
use depin_interface::registry::{
    ExecuteMsg, ReceiveMsg, RegistryConfigUpdate, Service, UsageWeight,
};
use depin_interface::UncheckedDenom;
use depin_provider_registry::ContractError;
use depin_testing::registry::{pay_revenue, register_msg};
use depin_testing::shared::registry_error;
use depin_testing::{Suite, SuiteBuilder};

/// Every account and contract of the suite.
fn everyone(s: &Suite) -> Vec<Addr> {
    let a = &s.actors;
    let mut all: Vec<Addr> = a
        .providers
        .iter()
        .chain(&a.consumers)
        .chain(&a.members)
        .cloned()
        .collect();
    all.extend([
        a.oracle.clone(),
        a.arbiter.clone(),
        a.guardian.clone(),
        a.attacker.clone(),
        a.deployer.clone(),
        s.dao.clone(),
        s.escrow.clone(),
        s.token.clone(),
        s.registry.clone(),
    ]);
    all
}

fn privileged(p: &Addr) -> Vec<(ExecuteMsg, Vec<&'static str>)> {
    vec![
        (
            ExecuteMsg::Attest {
                provider: p.to_string(),
                score: Some(50),
                capacity: None,
            },
            vec!["oracle"],
        ),
        (
            ExecuteMsg::RecordUsage {
                provider: p.to_string(),
                units: Uint128::new(1),
                revenue: pay_revenue(1),
                fees: pay_revenue(1),
            },
            vec!["escrow"],
        ),
        (
            ExecuteMsg::DisputeOpened {
                provider: p.to_string(),
            },
            vec!["escrow"],
        ),
        // While the dispute the escrow opened above holds (an escrow slashes
        // only a provider it holds a dispute on).
        (
            ExecuteMsg::Slash {
                provider: p.to_string(),
                fraction: Decimal::percent(1),
                reason: "test".into(),
                jail_seconds: None,
            },
            vec!["dao", "escrow"],
        ),
        (
            ExecuteMsg::DisputeResolved {
                provider: p.to_string(),
            },
            vec!["escrow"],
        ),
        (
            ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
                min_stake: Some(Uint128::new(5)),
                ..Default::default()
            }),
            vec!["dao"],
        ),
    ]
}

#[test]
fn privileged_messages_reject_every_other_sender() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let role = |s: &Suite, who: &Addr| -> &'static str {
        if *who == s.actors.oracle {
            "oracle"
        } else if *who == s.escrow {
            "escrow"
        } else if *who == s.dao {
            "dao"
        } else {
            "other"
        }
    };
    for (msg, allowed) in privileged(&p) {
        for sender in everyone(&s) {
            let r = role(&s, &sender);
            let res = s.registry_execute(&sender, &msg, &[]);
            if allowed.contains(&r) {
                res.unwrap_or_else(|e| panic!("{r} must be allowed {msg:?}: {e}"));
            } else {
                let e = registry_error(res.unwrap_err());
                assert!(
                    matches!(e, ContractError::Unauthorized { .. }),
                    "{sender} {msg:?}: {e}"
                );
            }
        }
    }
}

#[test]
fn a_forged_receive_is_rejected() {
    let mut s = SuiteBuilder {
        cw20_stake: true,
        ..Default::default()
    }
    .build();
    let attacker = s.actors.attacker.clone();
    let e = s
        .registry_execute(
            &attacker,
            &ExecuteMsg::Receive(Cw20ReceiveMsg {
                sender: attacker.to_string(),
                amount: Uint128::new(1_000_000),
                msg: to_json_binary(&ReceiveMsg::Register(register_msg(Service::Storage, "eu")))
                    .unwrap(),
            }),
            &[],
        )
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::UnknownToken { .. }
    ));
}

#[test]
fn the_dao_updates_the_config_and_a_new_dao_takes_over() {
    let mut s = SuiteBuilder::default().build();
    let dao = s.dao.clone();
    let new_dao = s.member(0);
    let oracle2 = s.member(1);
    let old_oracle = s.actors.oracle.clone();
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            dao: Some(new_dao.to_string()),
            min_stake: Some(Uint128::new(5_000)),
            unbonding_period: Some(60),
            max_slash: Some(Decimal::percent(20)),
            add_oracles: Some(vec![oracle2.to_string()]),
            remove_oracles: Some(vec![old_oracle.to_string()]),
            ..Default::default()
        },
    )
    .unwrap();
    let config = s.registry_config();
    assert_eq!(config.dao, new_dao);
    assert_eq!(config.min_stake.u128(), 5_000);
    assert_eq!(config.unbonding_period, 60);
    assert_eq!(config.max_slash, Decimal::percent(20));
    assert_eq!(config.oracles, vec![oracle2.clone()]);
    let e = s
        .update_registry_config(&dao, RegistryConfigUpdate::default())
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Unauthorized { .. }
    ));
    let p = s.provider(0);
    s.register(&p, 5_000).unwrap();
    assert!(matches!(
        registry_error(s.attest(&old_oracle, &p, Some(1), None).unwrap_err()),
        ContractError::Unauthorized { .. }
    ));
    s.attest(&oracle2, &p, Some(1), None).unwrap();
}

#[test]
fn bad_config_updates_get_typed_errors() {
    let mut s = SuiteBuilder::default().build();
    let dao = s.dao.clone();
    let cases = vec![
        RegistryConfigUpdate {
            max_slash: Some(Decimal::percent(101)),
            ..Default::default()
        },
        RegistryConfigUpdate {
            min_stake: Some(Uint128::zero()),
            ..Default::default()
        },
        RegistryConfigUpdate {
            unbonding_period: Some(u64::MAX),
            ..Default::default()
        },
        RegistryConfigUpdate {
            dao: Some(s.member(0).as_str().to_uppercase()),
            ..Default::default()
        },
        RegistryConfigUpdate {
            add_oracles: Some(
                (0..40)
                    .map(|i| s.app.api().addr_make(&format!("o{i}")).to_string())
                    .collect(),
            ),
            ..Default::default()
        },
        RegistryConfigUpdate {
            usage_weights: Some(vec![
                UsageWeight {
                    denom: UncheckedDenom::Native("uusdc".into()),
                    weight: Decimal::one(),
                };
                2
            ]),
            ..Default::default()
        },
    ];
    for update in cases {
        let e = s.update_registry_config(&dao, update.clone()).unwrap_err();
        let e = registry_error(e);
        assert!(
            matches!(
                e,
                ContractError::Validation(_)
                    | ContractError::Std(_)
                    | ContractError::DuplicateDenom { .. }
            ),
            "{update:?}: {e}"
        );
    }
    // Funds on update_config: give the DAO some stake first.
    let member = s.member(0);
    s.app
        .send_tokens(
            member,
            dao.clone(),
            &cosmwasm_std::coins(10, depin_testing::STAKE_DENOM),
        )
        .unwrap();
    let e = s
        .registry_execute(
            &dao,
            &ExecuteMsg::UpdateConfig(RegistryConfigUpdate::default()),
            &cosmwasm_std::coins(1, depin_testing::STAKE_DENOM),
        )
        .unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Payment(_)));
}

#[test]
fn an_uppercase_twin_of_a_provider_address_is_rejected() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let upper = p.as_str().to_uppercase();
    assert!(s.try_provider_info(&upper).is_err());
    let dao = s.dao.clone();
    let e = s
        .registry_execute(
            &dao,
            &ExecuteMsg::Slash {
                provider: upper.clone(),
                fraction: Decimal::percent(1),
                reason: "x".into(),
                jail_seconds: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Std(_)));
    let escrow = s.escrow.clone();
    let e = s
        .registry_execute(
            &escrow,
            &ExecuteMsg::RecordUsage {
                provider: upper,
                units: Uint128::one(),
                revenue: vec![],
                fees: vec![],
            },
            &[],
        )
        .unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Std(_)));
    assert_eq!(s.provider_info(&p).reputation.leases_settled, 0);
}

#[test]
fn record_usage_bounds_its_revenue_and_fee_lists() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let escrow = s.escrow.clone();
    let revenue = (0..17).flat_map(|_| pay_revenue(1)).collect();
    let e = s.record_usage(&escrow, &p, 1, revenue).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(depin_interface::ValidationError::TooManyEntries {
            field: "revenue",
            ..
        })
    ));
    let fees = (0..17).flat_map(|_| pay_revenue(1)).collect();
    let e = s
        .record_usage_with_fees(&escrow, &p, 1, pay_revenue(1), fees)
        .unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::Validation(depin_interface::ValidationError::TooManyEntries {
            field: "fees",
            len: 17,
            max: 16
        })
    );
    let stranger = s.provider(1);
    let e = s
        .record_usage(&escrow, &stranger, 1, pay_revenue(1))
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::ProviderNotFound { .. }
    ));
}
