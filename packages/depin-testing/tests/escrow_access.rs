//! Every privileged or party-only escrow message from every wrong sender, and
//! bad inputs: each gets a typed error.

use cosmwasm_std::{coin, to_json_binary, Addr, Binary, Decimal, Uint128};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::Executor;
use cw_utils::PaymentError;
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{
    BillingMode, EscrowConfigUpdate, ExecuteMsg, LeaseState, OpenLeaseMsg, ReceiveMsg,
    MAX_ACCEPTED_DENOMS, MAX_ARBITERS, MAX_FEE_BPS,
};
use depin_interface::registry;
use depin_interface::{Denom, UncheckedDenom};
use depin_testing::escrow::{escrow_error, lease_id_of, pay_price};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};

const PRICE: u128 = 7;

/// A metered lease (id 1) of consumer 0 with provider 0, with one charge.
fn setup() -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let other = suite.provider(1);
    suite
        .register_provider_for_escrow_tests(&other, pay_price(PRICE))
        .unwrap();
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 10_000)
        .unwrap();
    let lease_id = lease_id_of(&res);
    suite.report_usage(&provider, lease_id, 10).unwrap();
    (suite, lease_id)
}

/// Everyone but the DAO.
fn outsiders(suite: &Suite) -> Vec<Addr> {
    vec![
        suite.actors.attacker.clone(),
        suite.consumer(0),
        suite.consumer(1),
        suite.provider(0),
        suite.provider(1),
        suite.actors.arbiter.clone(),
        suite.actors.guardian.clone(),
        suite.member(0),
    ]
}

#[test]
fn only_the_dao_updates_the_config() {
    let (mut suite, _) = setup();
    for sender in outsiders(&suite) {
        assert_eq!(
            escrow_error(suite.update_escrow_config(
                &sender,
                EscrowConfigUpdate {
                    fee_bps: Some(0),
                    ..Default::default()
                }
            )),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "update_config"
            }
        );
    }
    let dao = suite.dao.clone();
    assert_eq!(
        escrow_error(suite.update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                fee_bps: Some(MAX_FEE_BPS + 1),
                ..Default::default()
            }
        )),
        ContractError::FeeTooHigh {
            fee_bps: 10_001,
            max: 10_000
        }
    );
    let attacker = suite.actors.attacker.clone();
    suite
        .update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                fee_bps: Some(MAX_FEE_BPS),
                treasury: Some(attacker.to_string()),
                add_arbiters: Some(vec![attacker.to_string()]),
                remove_arbiters: Some(vec![suite.actors.arbiter.to_string()]),
                remove_denoms: Some(vec![UncheckedDenom::Native(PAY_DENOM.into())]),
                ..Default::default()
            },
        )
        .unwrap();
    let config = suite.escrow_config();
    assert_eq!(config.fee_bps, MAX_FEE_BPS);
    assert_eq!(config.treasury, attacker);
    assert_eq!(config.arbiters, vec![attacker]);
    assert_eq!(
        config.accepted_denoms,
        vec![Denom::Cw20(suite.token.clone())]
    );
}

#[test]
fn the_arbiter_and_denom_lists_are_capped() {
    let (mut suite, _) = setup();
    let dao = suite.dao.clone();
    let arbiters = suite.escrow_config().arbiters.len();
    let fresh = |n: usize, suite: &Suite| -> Vec<String> {
        (0..n)
            .map(|i| {
                suite
                    .app
                    .api()
                    .addr_make(&format!("arbiter{i}"))
                    .to_string()
            })
            .collect()
    };
    let one_too_many = fresh(MAX_ARBITERS - arbiters + 1, &suite);
    assert_eq!(
        escrow_error(suite.update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                add_arbiters: Some(one_too_many.clone()),
                ..Default::default()
            }
        )),
        ContractError::Validation(depin_interface::ValidationError::TooManyEntries {
            field: "arbiters",
            len: MAX_ARBITERS + 1,
            max: MAX_ARBITERS
        })
    );
    // Removing one in the same update keeps the list at the cap.
    suite
        .update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                add_arbiters: Some(one_too_many),
                remove_arbiters: Some(vec![suite.actors.arbiter.to_string()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(suite.escrow_config().arbiters.len(), MAX_ARBITERS);

    let denoms = suite.escrow_config().accepted_denoms.len();
    let too_many_denoms = (0..=MAX_ACCEPTED_DENOMS - denoms)
        .map(|i| UncheckedDenom::Native(format!("ufoo{i}")))
        .collect();
    assert_eq!(
        escrow_error(suite.update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                add_denoms: Some(too_many_denoms),
                ..Default::default()
            }
        )),
        ContractError::Validation(depin_interface::ValidationError::TooManyEntries {
            field: "accepted_denoms",
            len: MAX_ACCEPTED_DENOMS + 1,
            max: MAX_ACCEPTED_DENOMS
        })
    );
}

#[test]
fn only_the_dao_or_an_arbiter_resolves_disputes() {
    let (mut suite, lease_id) = setup();
    let consumer = suite.consumer(0);
    suite.dispute(&consumer, lease_id, 1, "bad").unwrap();
    let arbiter = suite.actors.arbiter.clone();
    for sender in outsiders(&suite).into_iter().filter(|a| *a != arbiter) {
        for uphold in [true, false] {
            assert_eq!(
                escrow_error(suite.resolve_dispute(&sender, lease_id, 1, uphold, None)),
                ContractError::Unauthorized {
                    sender: sender.to_string(),
                    action: "resolve_dispute"
                }
            );
        }
        assert_eq!(
            escrow_error(suite.resolve_dispute(
                &sender,
                lease_id,
                1,
                false,
                Some(Decimal::percent(1))
            )),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "resolve_dispute"
            }
        );
    }
    suite
        .resolve_dispute(&arbiter, lease_id, 1, true, None)
        .unwrap();
}

#[test]
fn only_the_provider_reports_accepts_and_redeems() {
    let (mut suite, lease_id) = setup();
    let provider = suite.provider(0);
    let consumer = suite.consumer(0);
    let dao = suite.dao.clone();
    let mut wrong = outsiders(&suite);
    wrong.retain(|a| *a != provider);
    wrong.push(dao);
    let streaming = lease_id_of(
        &suite
            .open_lease(
                &consumer,
                &provider,
                BillingMode::Streaming {
                    rate_per_second: Uint128::one(),
                },
                100,
            )
            .unwrap(),
    );
    let receipts = lease_id_of(
        &suite
            .open_lease(
                &consumer,
                &provider,
                BillingMode::Receipts {
                    consumer_pubkey: Binary::from([0x02u8; 33].as_slice()),
                },
                100,
            )
            .unwrap(),
    );
    for sender in &wrong {
        assert!(matches!(
            escrow_error(suite.report_usage(sender, lease_id, 1)),
            ContractError::NotLeaseParty {
                party: "provider",
                ..
            }
        ));
        assert!(matches!(
            escrow_error(suite.accept_lease(sender, streaming)),
            ContractError::NotLeaseParty {
                party: "provider",
                ..
            }
        ));
        assert!(matches!(
            escrow_error(suite.redeem_receipt(
                sender,
                receipts,
                1,
                Binary::from([0u8; 64].as_slice())
            )),
            ContractError::NotLeaseParty {
                party: "provider",
                ..
            }
        ));
    }
    assert_eq!(suite.lease(streaming).state, LeaseState::Pending);
}

#[test]
fn only_the_consumer_disputes_and_only_the_parties_close() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let dao = suite.dao.clone();
    let mut wrong = outsiders(&suite);
    wrong.retain(|a| *a != consumer);
    wrong.push(dao.clone());
    for sender in &wrong {
        assert!(matches!(
            escrow_error(suite.dispute(sender, lease_id, 1, "mine")),
            ContractError::NotLeaseParty {
                party: "consumer",
                ..
            }
        ));
        if *sender != provider {
            assert_eq!(
                escrow_error(suite.close_lease(sender, lease_id)),
                ContractError::NotLeaseParty {
                    lease_id,
                    party: "consumer or the provider",
                    action: "close_lease"
                }
            );
        }
    }
    assert_eq!(suite.lease(lease_id).state, LeaseState::Open);
}

#[test]
fn deposits_must_be_one_accepted_positive_coin() {
    let (mut suite, _) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let open = OpenLeaseMsg {
        provider: provider.to_string(),
        billing: BillingMode::Metered {},
        max_price_per_unit: None,
    };
    assert_eq!(
        escrow_error(suite.open_lease_with(&consumer, open.clone(), &[coin(100, STAKE_DENOM)])),
        ContractError::DenomNotAccepted {
            denom: format!("native:{STAKE_DENOM}")
        }
    );
    assert_eq!(
        escrow_error(suite.open_lease_with(
            &consumer,
            open.clone(),
            &[coin(100, PAY_DENOM), coin(100, STAKE_DENOM)]
        )),
        ContractError::Payment(PaymentError::MultipleDenoms {})
    );
    assert_eq!(
        escrow_error(suite.open_lease_with(&consumer, open.clone(), &[])),
        ContractError::Payment(PaymentError::NoFunds {})
    );
    // A zero cw20 deposit never reaches the escrow (cw20-base refuses it);
    // a zero hook amount from the token itself is refused by the escrow.
    let token = suite.token.clone();
    let escrow = suite.escrow.clone();
    let res = suite.app.execute_contract(
        token.clone(),
        escrow.clone(),
        &ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: consumer.to_string(),
            amount: Uint128::zero(),
            msg: to_json_binary(&ReceiveMsg::OpenLease(open.clone())).unwrap(),
        }),
        &[],
    );
    assert_eq!(escrow_error(res), ContractError::ZeroAmount {});
    // Funds on a message that takes none.
    assert_eq!(
        escrow_error(suite.escrow_execute(
            &consumer,
            &ExecuteMsg::Settle { lease_id: 1 },
            &[coin(1, PAY_DENOM)]
        )),
        ContractError::Payment(PaymentError::NonPayable {})
    );
    // Top-up in the wrong denom.
    assert!(matches!(
        escrow_error(suite.escrow_execute(
            &consumer,
            &ExecuteMsg::TopUp { lease_id: 1 },
            &[coin(1, STAKE_DENOM)]
        )),
        ContractError::WrongDenom { .. }
    ));
    assert_eq!(
        escrow_error(suite.top_up(&consumer, 99, 1)),
        ContractError::LeaseNotFound { lease_id: 99 }
    );
}

#[test]
fn a_fake_cw20_hook_is_rejected_before_its_message_is_read() {
    let (mut suite, _) = setup();
    let (attacker, provider) = (suite.actors.attacker.clone(), suite.provider(0));
    let escrow = suite.escrow.clone();
    let hook = ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: attacker.to_string(),
        amount: Uint128::new(1_000_000),
        msg: to_json_binary(&ReceiveMsg::OpenLease(OpenLeaseMsg {
            provider: provider.to_string(),
            billing: BillingMode::Metered {},
            max_price_per_unit: None,
        }))
        .unwrap(),
    });
    assert_eq!(
        escrow_error(
            suite
                .app
                .execute_contract(attacker.clone(), escrow.clone(), &hook, &[])
        ),
        ContractError::UnknownToken {
            token: attacker.to_string(),
            expected: "an accepted cw20 denom".into()
        }
    );
    // A real cw20 the escrow does not accept.
    let fake = suite.fake_token(&attacker, 1_000_000);
    let res = suite.app.execute_contract(
        attacker.clone(),
        fake.clone(),
        &cw20::Cw20ExecuteMsg::Send {
            contract: escrow.to_string(),
            amount: Uint128::new(1_000),
            msg: to_json_binary(&ReceiveMsg::TopUp { lease_id: 1 }).unwrap(),
        },
        &[],
    );
    assert_eq!(
        escrow_error(res),
        ContractError::UnknownToken {
            token: fake.to_string(),
            expected: "an accepted cw20 denom".into()
        }
    );
    // Garbage inside an accepted token's hook is a parse error, not a panic.
    let token = suite.token.clone();
    let res = suite.app.execute_contract(
        token,
        escrow,
        &ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: attacker.to_string(),
            amount: Uint128::new(1),
            msg: Binary::from(b"not json".as_slice()),
        }),
        &[],
    );
    assert!(matches!(escrow_error(res), ContractError::Std(_)));
}

#[test]
fn only_active_listed_providers_can_be_leased() {
    let (mut suite, _) = setup();
    let consumer = suite.consumer(0);
    let unknown = suite.provider(2);
    assert_eq!(
        escrow_error(suite.open_lease(&consumer, &unknown, BillingMode::Metered {}, 100)),
        ContractError::ProviderNotFound {
            address: unknown.to_string()
        }
    );
    // A deregistered provider is exiting, not active.
    let leaving = suite.provider(1);
    let registry_addr = suite.registry.clone();
    suite
        .app
        .execute_contract(
            leaving.clone(),
            registry_addr,
            &registry::ExecuteMsg::Deregister {},
            &[],
        )
        .unwrap();
    assert!(matches!(
        escrow_error(suite.open_lease(&consumer, &leaving, BillingMode::Metered {}, 100)),
        ContractError::ProviderNotActive { .. }
    ));
    // No price in the cw20 denom.
    let provider = suite.provider(0);
    let member = suite.member(0);
    assert!(matches!(
        escrow_error(suite.open_lease_cw20(
            &member,
            OpenLeaseMsg {
                provider: provider.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            },
            100
        )),
        ContractError::NoPriceInDenom { .. }
    ));
    // The listed price above the consumer's limit.
    assert_eq!(
        escrow_error(suite.open_lease_with(
            &consumer,
            OpenLeaseMsg {
                provider: provider.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: Some(Uint128::new(PRICE - 1)),
            },
            &[coin(100, PAY_DENOM)]
        )),
        ContractError::PriceAboveMax {
            price: Uint128::new(PRICE),
            max: Uint128::new(PRICE - 1)
        }
    );
    assert_eq!(
        escrow_error(suite.open_lease(&provider, &provider, BillingMode::Metered {}, 100)),
        ContractError::SelfLease {}
    );
}
