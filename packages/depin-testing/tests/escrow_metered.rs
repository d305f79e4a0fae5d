//! Metered leases end to end with the real registry and token.

use cosmwasm_std::Uint128;
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{
    BillingMode, ChargeStatus, EscrowConfigUpdate, LeaseState, OpenLeaseMsg,
};
use depin_interface::registry::{self, RegistryConfigUpdate};
use depin_interface::{Denom, UncheckedDenom};
use depin_testing::escrow::{attribute, escrow_error, lease_id_of, pay_price};
use depin_testing::shared::protocol_fee;
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};

const PRICE: u128 = 7;
const DEPOSIT: u128 = 100_000;

fn setup() -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let consumer = suite.consumer(0);
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
        .unwrap();
    (suite, lease_id_of(&res))
}

#[test]
fn metered_charge_is_paid_after_the_window_and_the_rest_refunded() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - DEPOSIT
    );
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Open);
    assert_eq!(lease.price_per_unit, Uint128::new(PRICE));
    assert_eq!(lease.dispute_window, 3_600);

    // 1000 units at 7 = 7000, fee ceil(7000 × 250 / 10000) = 175 (exact).
    let res = suite.report_usage(&provider, lease_id, 1_000).unwrap();
    assert_eq!(attribute(&res, "charge_id").as_deref(), Some("1"));
    let lease = suite.lease(lease_id);
    assert_eq!(
        (lease.reserved.u128(), lease.available.u128()),
        (7_000, DEPOSIT - 7_000)
    );
    let anyone = suite.actors.attacker.clone();
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    suite.advance(3_600);
    let due = suite.settleable(lease_id);
    assert_eq!(
        (
            due.amount.u128(),
            due.fee.u128(),
            due.provider_amount.u128()
        ),
        (7_000, 175, 6_825)
    );
    suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 7_000 - protocol_fee(7_000, 250)
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 175);
    let lease = suite.lease(lease_id);
    assert_eq!(
        (lease.paid.u128(), lease.reserved.u128(), lease.units.u128()),
        (7_000, 0, 1_000)
    );
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Paid
    );
    let record = suite.provider_info(&provider);
    assert_eq!(record.reputation.usage_units, Uint128::new(1_000));

    // The provider closes: nothing is pending, so the rest is refunded at once.
    suite.close_lease(&provider, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.refunded.u128(), DEPOSIT - 7_000);
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 7_000
    );
    assert_eq!(suite.native_balance(&suite.escrow.clone(), PAY_DENOM), 0);
}

#[test]
fn the_provider_may_report_final_usage_within_the_window_after_the_consumer_closes() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let window = suite.lease(lease_id).dispute_window;
    // Nothing reported yet: a consumer close must not escape the last period's bill.
    let res = suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(attribute(&res, "state").as_deref(), Some("closing"));
    assert_eq!(attribute(&res, "refunded"), None);
    let closed_at = suite.app.block_info().time;
    assert_eq!(
        suite.lease(lease_id).close_after,
        Some(closed_at.plus_seconds(window))
    );
    assert!(matches!(
        escrow_error(suite.top_up(&consumer, lease_id, 10)),
        ContractError::WrongState { .. }
    ));
    suite.advance(window - 1);
    suite.report_usage(&provider, lease_id, 300).unwrap();
    let anyone = suite.actors.attacker.clone();
    // The grace is over, but the final charge is still in its own window.
    suite.advance(1);
    assert!(matches!(
        escrow_error(suite.report_usage(&provider, lease_id, 1)),
        ContractError::WrongState {
            state: LeaseState::Closing,
            ..
        }
    ));
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    // The final charge waits out its own window, where the consumer may dispute it.
    let charge = suite.charges(lease_id, None, None)[0].clone();
    assert_eq!(charge.status, ChargeStatus::Pending);
    suite.advance(window);
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.close_after, None);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128()),
        (2_100, DEPOSIT - 2_100)
    );
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 2_100 - protocol_fee(2_100, 250)
    );
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 2_100
    );
}

#[test]
fn a_consumer_close_with_nothing_reported_refunds_everything_after_the_grace() {
    let (mut suite, lease_id) = setup();
    let consumer = suite.consumer(0);
    let window = suite.lease(lease_id).dispute_window;
    suite.close_lease(&consumer, lease_id).unwrap();
    let anyone = suite.actors.attacker.clone();
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    suite.advance(window);
    let res = suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(attribute(&res, "state").as_deref(), Some("closed"));
    let lease = suite.lease(lease_id);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (0, DEPOSIT));
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), INITIAL_NATIVE);
}

#[test]
fn close_with_a_charge_in_its_window_waits_for_settle() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    suite.report_usage(&provider, lease_id, 100).unwrap();
    let res = suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(attribute(&res, "state").as_deref(), Some("closing"));
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closing);
    assert!(matches!(
        escrow_error(suite.top_up(&consumer, lease_id, 10)),
        ContractError::WrongState { .. }
    ));
    let anyone = suite.actors.attacker.clone();
    // Still pending: nothing to pay and the close cannot complete.
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    suite.advance(3_600);
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128()),
        (700, DEPOSIT - 700)
    );
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 700
    );
    // Report on a closed lease.
    assert_eq!(
        escrow_error(suite.report_usage(&provider, lease_id, 1)),
        ContractError::WrongState {
            lease_id,
            state: LeaseState::Closed,
            action: "report_usage"
        }
    );
    assert!(matches!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::WrongState { .. }
    ));
}

#[test]
fn a_charge_over_the_available_funds_is_rejected() {
    let (mut suite, lease_id) = setup();
    let provider = suite.provider(0);
    // DEPOSIT / PRICE = 14285 units fit (99995), 14286 do not (100002).
    assert_eq!(
        escrow_error(suite.report_usage(&provider, lease_id, 14_286)),
        ContractError::ExceedsAvailable {
            lease_id,
            amount: Uint128::new(100_002),
            available: Uint128::new(DEPOSIT)
        }
    );
    suite.report_usage(&provider, lease_id, 14_285).unwrap();
    assert_eq!(
        escrow_error(suite.report_usage(&provider, lease_id, 1)),
        ContractError::ExceedsAvailable {
            lease_id,
            amount: Uint128::new(7),
            available: Uint128::new(5)
        }
    );
    assert_eq!(
        escrow_error(suite.report_usage(&provider, lease_id, 0)),
        ContractError::Validation(depin_interface::ValidationError::MustBePositive {
            field: "units"
        })
    );
    // A top-up makes room.
    let consumer = suite.consumer(0);
    suite.top_up(&consumer, lease_id, 2).unwrap();
    suite.report_usage(&provider, lease_id, 1).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(
        (lease.deposited.u128(), lease.available.u128()),
        (DEPOSIT + 2, 0)
    );
}

#[test]
fn a_dao_fee_change_does_not_alter_charges_already_reported() {
    let (mut suite, lease_id) = setup();
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite.report_usage(&provider, lease_id, 1_000).unwrap(); // 7000 at 250 bps
    suite
        .update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                fee_bps: Some(1_000),
                ..Default::default()
            },
        )
        .unwrap();
    suite.report_usage(&provider, lease_id, 999).unwrap(); // 6993 at 1000 bps
    let charges = suite.charges(lease_id, None, None);
    assert_eq!((charges[0].fee_bps, charges[1].fee_bps), (250, 1_000));
    suite.advance(3_600);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    // ceil(7000 × 250 / 10000) = 175, ceil(6993 × 1000 / 10000) = ceil(699.3) = 700.
    let fees = protocol_fee(7_000, 250) + protocol_fee(6_993, 1_000);
    assert_eq!(fees, 175 + 700);
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + fees);
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 7_000 + 6_993 - fees
    );
}

#[test]
fn settle_pays_even_when_the_registry_rejects_record_usage() {
    let (mut suite, lease_id) = setup();
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    // The registry no longer accepts this escrow: record_usage fails.
    let registry_addr = suite.registry.clone();
    let elsewhere = suite.actors.guardian.to_string();
    use cw_multi_test::Executor;
    suite
        .app
        .execute_contract(
            dao.clone(),
            registry_addr,
            &registry::ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
                billing_escrow: Some(elsewhere),
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
    suite.advance(3_600);
    let anyone = suite.actors.attacker.clone();
    let res = suite.settle(&anyone, lease_id).unwrap();
    let failure = res
        .events
        .iter()
        .find(|e| e.attributes.iter().any(|a| a.key == "record_usage_error"))
        .expect("the reply records the failure");
    assert!(failure
        .attributes
        .iter()
        .any(|a| a.key == "lease_id" && a.value == lease_id.to_string()));
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 7_000 - 175
    );
    assert_eq!(suite.lease(lease_id).paid.u128(), 7_000);
    // Nothing was recorded in the registry.
    assert_eq!(
        suite.provider_info(&provider).reputation.usage_units,
        Uint128::zero()
    );
}

#[test]
fn settle_pays_even_when_the_provider_has_deregistered() {
    let (mut suite, lease_id) = setup();
    let provider = suite.provider(0);
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite.report_usage(&provider, lease_id, 10).unwrap();
    let registry_addr = suite.registry.clone();
    use cw_multi_test::Executor;
    suite
        .app
        .execute_contract(
            provider.clone(),
            registry_addr,
            &registry::ExecuteMsg::Deregister {},
            &[],
        )
        .unwrap();
    suite.advance(3_600);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    // 70, fee ceil(70 × 250 / 10000) = ceil(1.75) = 2.
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 70 - 2
    );
}

#[test]
fn leases_are_listed_by_consumer_and_provider_in_id_order() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    suite
        .register_provider_for_escrow_tests(&p0, pay_price(PRICE))
        .unwrap();
    suite
        .register_provider_for_escrow_tests(&p1, pay_price(PRICE))
        .unwrap();
    let (c0, c1) = (suite.consumer(0), suite.consumer(1));
    for (consumer, provider) in [(&c0, &p0), (&c1, &p0), (&c0, &p1), (&c0, &p0), (&c1, &p1)] {
        suite
            .open_lease(consumer, provider, BillingMode::Metered {}, 100)
            .unwrap();
    }
    let ids = |leases: Vec<depin_interface::escrow::LeaseResponse>| {
        leases.iter().map(|l| l.lease_id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(suite.leases_by_consumer(&c0, None, None)),
        vec![1, 3, 4]
    );
    assert_eq!(
        ids(suite.leases_by_consumer(&c0, Some(1), Some(1))),
        vec![3]
    );
    assert_eq!(ids(suite.leases_by_consumer(&c1, None, None)), vec![2, 5]);
    assert_eq!(
        ids(suite.leases_by_provider(&p0, None, None)),
        vec![1, 2, 4]
    );
    assert_eq!(ids(suite.leases_by_provider(&p0, Some(2), None)), vec![4]);
    assert_eq!(ids(suite.leases_by_provider(&p1, None, Some(1))), vec![3]);
}

#[test]
fn a_cw20_lease_is_opened_by_send_and_pays_in_the_token() {
    let mut suite = SuiteBuilder::new().build();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let token = suite.token.clone();
    suite
        .register_provider_for_escrow_tests(
            &provider,
            vec![(UncheckedDenom::Cw20(token.to_string()), 3)],
        )
        .unwrap();
    // Consumers hold no suite tokens by default; a member does.
    let member = suite.member(0);
    let member_start = suite.token_balance(&member);
    let provider_start = suite.token_balance(&provider);
    let dao_start = suite.token_balance(&dao);
    let res = suite
        .open_lease_cw20(
            &member,
            OpenLeaseMsg {
                provider: provider.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: Some(Uint128::new(3)),
            },
            10_000,
        )
        .unwrap();
    let lease_id = lease_id_of(&res);
    let lease = suite.lease(lease_id);
    assert_eq!(lease.consumer, member);
    assert_eq!(lease.denom, Denom::Cw20(token.clone()));
    suite.top_up_cw20(&member, lease_id, 500).unwrap();
    // Native funds cannot top up a cw20 lease.
    assert!(matches!(
        escrow_error(suite.top_up(&consumer, lease_id, 5)),
        ContractError::WrongDenom { .. }
    ));
    // 1000 units × 3 = 3000, fee ceil(3000 × 250 / 10000) = 75 (exact).
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite.advance(3_600);
    suite.close_lease(&provider, lease_id).unwrap();
    assert_eq!(suite.token_balance(&provider), provider_start + 3_000 - 75);
    assert_eq!(suite.token_balance(&dao), dao_start + 75);
    assert_eq!(suite.token_balance(&member), member_start - 3_000);
    assert_eq!(suite.token_balance(&suite.escrow.clone()), 0);
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closed);
}

/// Second audit, suspicion: anyone may settle while the provider is jailed
/// (or below `min_stake`), and those fees then earn no usage rewards. That is
/// the rule, kept on purpose: usage rewards, like stake rewards, pay only a
/// provider in good standing at the time (`weighted_fees` 0), while the
/// payment itself always reaches the provider and its reputation records the
/// revenue. A stranger's timing can move neither the payment nor the fee;
/// the provider can settle its own leases before anyone else does.
#[test]
fn fees_settled_while_the_provider_is_jailed_pay_it_but_earn_no_usage_rewards() {
    let (mut suite, lease_id) = setup();
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite.advance(3_600);
    let anyone = suite.actors.attacker.clone();
    let weighted = |res: &cw_multi_test::AppResponse| {
        res.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "weighted_fees")
            .map(|a| a.value.clone())
    };
    // Active: the fee counts toward the epoch's usage rewards.
    let res = suite.settle(&anyone, lease_id).unwrap();
    assert_ne!(weighted(&res).as_deref(), Some("0"));
    // Jailed: paid the same, counted for nothing.
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite
        .slash(&dao, &provider, cosmwasm_std::Decimal::zero(), Some(86_400))
        .unwrap();
    suite.advance(3_600);
    let res = suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(weighted(&res).as_deref(), Some("0"));
    let fees = protocol_fee(7_000, 250) * 3;
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 3 * 7_000 - fees
    );
    assert_eq!(
        suite.provider_info(&provider).reputation.usage_units,
        Uint128::new(3_000)
    );
}

/// A provider that lost its records (a deleted state file, a second agent)
/// re-sends a report built on an old count: with `billed_before` it fails on
/// chain instead of charging the consumer twice. Reports without it still work.
#[test]
fn a_report_built_on_a_stale_count_is_refused_instead_of_billing_twice() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    suite
        .report_usage_after(&provider, lease_id, 20, 0)
        .unwrap();
    assert_eq!(suite.lease(lease_id).reported_units.u128(), 20);

    // The same 20 units again, as after a lost state file: refused, nothing charged.
    assert_eq!(
        escrow_error(suite.report_usage_after(&provider, lease_id, 20, 0)),
        ContractError::StaleReport {
            lease_id,
            billed_before: Uint128::zero(),
            reported_units: Uint128::new(20),
        }
    );
    // A count ahead of the chain's is refused as well.
    assert_eq!(
        escrow_error(suite.report_usage_after(&provider, lease_id, 5, 25)),
        ContractError::StaleReport {
            lease_id,
            billed_before: Uint128::new(25),
            reported_units: Uint128::new(20),
        }
    );
    let lease = suite.lease(lease_id);
    assert_eq!(
        (lease.units.u128(), lease.reserved.u128()),
        (20, 20 * PRICE)
    );

    // Built on the chain's count, the next report charges; an old client's
    // report without a count still charges too.
    suite
        .report_usage_after(&provider, lease_id, 5, 20)
        .unwrap();
    suite.report_usage(&provider, lease_id, 3).unwrap();
    assert_eq!(suite.lease(lease_id).reported_units.u128(), 28);

    // A voided charge lowers the units billed, never the units reported: its
    // units cannot be reported again on the old count.
    suite
        .dispute(&consumer, lease_id, 2, "not delivered")
        .unwrap();
    suite
        .resolve_dispute(&dao, lease_id, 2, false, None)
        .unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!((lease.units.u128(), lease.reported_units.u128()), (23, 28));
    assert!(matches!(
        escrow_error(suite.report_usage_after(&provider, lease_id, 5, 23)),
        ContractError::StaleReport { .. }
    ));

    // Only the lease's provider reports, with or without a count.
    let stranger = suite.actors.attacker.clone();
    assert!(matches!(
        escrow_error(suite.report_usage_after(&stranger, lease_id, 1, 28)),
        ContractError::NotLeaseParty {
            party: "provider",
            ..
        }
    ));
}
