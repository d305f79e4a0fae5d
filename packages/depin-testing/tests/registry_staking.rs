//! Registry staking: register, bond, unbond, claim, deregister, in native and
//! cw20 stake, with every bad input getting a typed error.

use cosmwasm_std::{coin, coins, to_json_binary, Addr, Uint128};
use cw_multi_test::Executor;
use cw_utils::PaymentError;
use depin_interface::registry::{ExecuteMsg, Price, ProviderStatus, ReceiveMsg, Service};
use depin_interface::validation::ValidationError;
use depin_interface::UncheckedDenom;
use depin_provider_registry::ContractError;
use depin_testing::registry::register_msg;
use depin_testing::shared::registry_error;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};

fn suite() -> Suite {
    SuiteBuilder::default().build()
}

const MIN: u128 = 1_000;
const UNBONDING: u64 = 7 * 86_400;

#[test]
fn native_stake_registers_bonds_and_unbonds_after_the_period() {
    let mut s = suite();
    let p = s.provider(0);
    let start = s.stake_balance(&p);
    s.register(&p, 1_500).unwrap();
    s.bond(&p, 500).unwrap();
    let rec = s.provider_info(&p);
    assert_eq!(rec.stake.u128(), 2_000);
    assert_eq!(rec.status, ProviderStatus::Active);
    assert_eq!(s.stake_balance(&s.registry.clone()), 2_000);

    s.unbond(&p, 700).unwrap();
    assert_eq!(s.provider_info(&p).unbonding.u128(), 700);
    assert_eq!(s.registry_claims(&p).claims.len(), 1);
    // Not before the unbonding period.
    s.advance(UNBONDING - 1);
    assert_eq!(
        registry_error(s.claim_unbonded(&p).unwrap_err()),
        ContractError::NothingToClaim {
            address: p.to_string()
        }
    );
    s.advance(1);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.stake_balance(&p), start - 1_300);
    let rec = s.provider_info(&p);
    assert_eq!((rec.stake.u128(), rec.unbonding.u128()), (1_300, 0));
    assert!(s.registry_claims(&p).claims.is_empty());
    let stats = s.registry_stats();
    assert_eq!(stats.total_stake.u128(), 1_300);
    assert_eq!(stats.total_unbonding.u128(), 0);
    assert_eq!((stats.providers, stats.active_providers), (1, 1));
}

#[test]
fn cw20_stake_registers_and_bonds_through_send() {
    let mut s = SuiteBuilder {
        cw20_stake: true,
        ..Default::default()
    }
    .build();
    let p = s.provider(0);
    let start = s.token_balance(&p);
    s.register(&p, 1_000).unwrap();
    s.bond(&p, 250).unwrap();
    assert_eq!(s.provider_info(&p).stake.u128(), 1_250);
    assert_eq!(s.token_balance(&s.registry.clone()), 1_250);
    s.unbond(&p, 1_250).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Inactive);
    s.advance(UNBONDING);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.token_balance(&p), start);

    // Native funds are the wrong way to stake a cw20.
    let e = s
        .registry_execute(
            &s.provider(1),
            &ExecuteMsg::Register(register_msg(Service::Gpu, "us")),
            &coins(1_000, STAKE_DENOM),
        )
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::WrongStakeMethod { .. }
    ));
    // A zero-amount send is refused by cw20-base itself; cw20 stake below the minimum is typed.
    let e = s.register(&s.provider(1), MIN - 1).unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::BelowMinStake {
            stake: Uint128::new(MIN - 1),
            min_stake: Uint128::new(MIN)
        }
    );
}

fn foreign_token(s: &mut Suite, holder: &Addr) -> Addr {
    s.fake_token(holder, 1_000_000)
}

#[test]
fn receive_from_a_foreign_cw20_is_rejected() {
    for cw20_stake in [true, false] {
        let mut s = SuiteBuilder {
            cw20_stake,
            ..Default::default()
        }
        .build();
        let p = s.provider(0);
        let fake = foreign_token(&mut s, &p);
        let registry = s.registry.clone();
        let e = s
            .app
            .execute_contract(
                p.clone(),
                fake,
                &cw20::Cw20ExecuteMsg::Send {
                    contract: registry.to_string(),
                    amount: Uint128::new(5_000),
                    msg: to_json_binary(&ReceiveMsg::Register(register_msg(
                        Service::Storage,
                        "eu",
                    )))
                    .unwrap(),
                },
                &[],
            )
            .unwrap_err();
        assert!(matches!(
            registry_error(e),
            ContractError::UnknownToken { .. }
        ));
        if !cw20_stake {
            // In native mode even the suite token is foreign.
            let e = s
                .send_tokens(&p, &registry, 5_000, &ReceiveMsg::Bond {})
                .unwrap_err();
            assert!(matches!(
                registry_error(e),
                ContractError::UnknownToken { .. }
            ));
        }
        assert!(s.try_provider_info(p.as_str()).is_err());
    }
}

#[test]
fn bad_funds_get_payment_errors() {
    let mut s = suite();
    let p = s.provider(0);
    let msg = ExecuteMsg::Register(register_msg(Service::Storage, "eu"));
    let cases: Vec<(Vec<cosmwasm_std::Coin>, PaymentError)> = vec![
        (vec![], PaymentError::NoFunds {}),
        (
            coins(5_000, PAY_DENOM),
            PaymentError::MissingDenom(STAKE_DENOM.into()),
        ),
        (
            vec![coin(5_000, STAKE_DENOM), coin(5, PAY_DENOM)],
            PaymentError::MultipleDenoms {},
        ),
    ];
    for (funds, expected) in cases {
        let e = s.registry_execute(&p, &msg, &funds).unwrap_err();
        assert_eq!(registry_error(e), ContractError::Payment(expected));
    }
    s.register(&p, MIN).unwrap();
    // Funds on a message that takes none.
    for msg in [
        ExecuteMsg::Heartbeat {},
        ExecuteMsg::Unbond {
            amount: Uint128::one(),
        },
        ExecuteMsg::Deregister {},
        ExecuteMsg::ClaimRewards { providers: None },
        ExecuteMsg::Claim {},
        ExecuteMsg::Unjail {},
    ] {
        let e = s
            .registry_execute(&p, &msg, &coins(1, STAKE_DENOM))
            .unwrap_err();
        assert!(
            matches!(registry_error(e), ContractError::Payment(_)),
            "{msg:?}"
        );
    }
    // Bond with nothing attached.
    let e = s
        .registry_execute(&p, &ExecuteMsg::Bond {}, &[])
        .unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::Payment(PaymentError::NoFunds {})
    );
}

#[test]
fn bad_registrations_get_typed_errors() {
    let mut s = suite();
    let p = s.provider(0);
    let e = s.register(&p, MIN - 1).unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::BelowMinStake {
            stake: Uint128::new(MIN - 1),
            min_stake: Uint128::new(MIN)
        }
    );

    let mut long_region = register_msg(Service::Storage, &"r".repeat(65));
    let e = s.register_with(&p, long_region.clone(), MIN).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(ValidationError::TooLong {
            field: "region",
            ..
        })
    ));
    long_region.region = "eu".into();
    long_region.endpoint = "x".repeat(257);
    let e = s.register_with(&p, long_region.clone(), MIN).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(ValidationError::TooLong {
            field: "endpoint",
            ..
        })
    ));
    long_region.endpoint = " ".into();
    let e = s.register_with(&p, long_region, MIN).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(ValidationError::Empty { field: "endpoint" })
    ));
    let e = s
        .register_with(&p, register_msg(Service::Other("x".repeat(65)), "eu"), MIN)
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(ValidationError::TooLong {
            field: "service",
            ..
        })
    ));
    let mut msg = register_msg(Service::Storage, "eu");
    msg.metadata_uri = Some("u".repeat(257));
    let e = s.register_with(&p, msg, MIN).unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Validation(_)));
    let mut msg = register_msg(Service::Storage, "eu");
    msg.prices.push(msg.prices[0].clone());
    let e = s.register_with(&p, msg, MIN).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::DuplicateDenom { .. }
    ));
    let mut msg = register_msg(Service::Storage, "eu");
    msg.prices = (0..17)
        .map(|i| Price {
            denom: UncheckedDenom::Native(format!("denom{i}")),
            per_unit: Uint128::one(),
        })
        .collect();
    let e = s.register_with(&p, msg, MIN).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(depin_interface::ValidationError::TooManyEntries {
            field: "prices",
            ..
        })
    ));
    let mut msg = register_msg(Service::Storage, "eu");
    msg.prices[0].denom = UncheckedDenom::Cw20("NotAnAddress".into());
    let e = s.register_with(&p, msg, MIN).unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Validation(_)));

    s.register(&p, MIN).unwrap();
    let e = s.register(&p, MIN).unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::AlreadyRegistered {
            address: p.to_string()
        }
    );
}

#[test]
fn unbond_more_than_bonded_zero_or_too_often_is_refused() {
    let mut s = suite();
    let p = s.provider(0);
    s.register(&p, 2 * MIN).unwrap();
    let e = s.unbond(&p, 2 * MIN + 1).unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::InsufficientStake {
            requested: Uint128::new(2 * MIN + 1),
            staked: Uint128::new(2 * MIN)
        }
    );
    assert_eq!(
        registry_error(s.unbond(&p, 0).unwrap_err()),
        ContractError::ZeroAmount {}
    );
    for _ in 0..16 {
        s.unbond(&p, 1).unwrap();
    }
    assert_eq!(
        registry_error(s.unbond(&p, 1).unwrap_err()),
        ContractError::TooManyClaims {
            pending: 16,
            max: 16
        }
    );
    // A stranger has nothing to unbond.
    let e = s.unbond(&s.provider(1), 1).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::ProviderNotFound { .. }
    ));
}

#[test]
fn status_follows_the_stake() {
    let mut s = suite();
    let p = s.provider(0);
    s.register(&p, MIN + 100).unwrap();
    s.unbond(&p, 101).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Inactive);
    assert_eq!(s.registry_stats().active_providers, 0);
    s.bond(&p, 1).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Active);
    assert_eq!(s.registry_stats().active_providers, 1);
}

#[test]
fn deregister_unbonds_everything_and_the_provider_may_register_again() {
    let mut s = suite();
    let p = s.provider(0);
    s.register(&p, 3 * MIN).unwrap();
    s.deregister(&p).unwrap();
    let rec = s.provider_info(&p);
    assert_eq!(rec.status, ProviderStatus::Exiting);
    assert_eq!((rec.stake.u128(), rec.unbonding.u128()), (0, 3 * MIN));
    assert_eq!(
        registry_error(s.deregister(&p).unwrap_err()),
        ContractError::ProviderExiting {}
    );
    assert_eq!(
        registry_error(s.bond(&p, MIN).unwrap_err()),
        ContractError::ProviderExiting {}
    );
    // Registering again: new stake bonded, the old claim still pending.
    s.heartbeat(&p).unwrap();
    s.register_with(&p, register_msg(Service::Compute, "us"), MIN)
        .unwrap();
    let rec = s.provider_info(&p);
    assert_eq!(rec.status, ProviderStatus::Active);
    assert_eq!(rec.service, Service::Compute);
    assert_eq!((rec.stake.u128(), rec.unbonding.u128()), (MIN, 3 * MIN));
    assert_eq!(rec.reputation.heartbeats, 1, "reputation is kept");
    assert_eq!(s.registry_stats().providers, 1);
    s.advance(UNBONDING);
    let before = s.stake_balance(&p);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.stake_balance(&p), before + 3 * MIN);
}
