//! Streaming leases: proposed, accepted, accruing rate × seconds up to the deposit.

use cosmwasm_std::Uint128;
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{BillingMode, EscrowConfigUpdate, LeaseState};
use depin_testing::escrow::{attribute, escrow_error, lease_id_of, pay_price};
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};

const RATE: u128 = 5;

fn setup(deposit: u128) -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(1))
        .unwrap();
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Streaming {
                rate_per_second: Uint128::new(RATE),
            },
            deposit,
        )
        .unwrap();
    (suite, lease_id_of(&res))
}

#[test]
fn a_streaming_lease_accrues_only_after_the_provider_accepts() {
    let (mut suite, lease_id) = setup(10_000);
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    assert_eq!(suite.lease(lease_id).state, LeaseState::Pending);
    suite.advance(1_000);
    assert_eq!(suite.lease(lease_id).reserved, Uint128::zero());
    assert!(matches!(
        escrow_error(suite.accept_lease(&consumer, lease_id)),
        ContractError::NotLeaseParty {
            party: "provider",
            ..
        }
    ));
    suite.accept_lease(&provider, lease_id).unwrap();
    assert!(matches!(
        escrow_error(suite.accept_lease(&provider, lease_id)),
        ContractError::WrongState { .. }
    ));
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Open);
    assert!(lease.started_at.is_some());
    suite.advance(100);
    // 100 s × 5 = 500; fee ceil(500 × 250 / 10000) = ceil(12.5) = 13.
    let lease = suite.lease(lease_id);
    // Nothing is reported on a streaming lease: time is the meter.
    assert_eq!((lease.units.u128(), lease.reported_units.u128()), (100, 0));
    assert_eq!(
        (lease.reserved.u128(), lease.available.u128()),
        (500, 9_500)
    );
    let due = suite.settleable(lease_id);
    assert_eq!(
        (due.amount.u128(), due.fee.u128(), due.units.u128()),
        (500, 13, 100)
    );
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 487
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 13);
    // The consumer closes 40 s later: 200 more (fee ceil(5) = 5), the rest refunded.
    suite.advance(40);
    let res = suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(attribute(&res, "state").as_deref(), Some("closed"));
    let lease = suite.lease(lease_id);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128(), lease.units.u128()),
        (700, 9_300, 140)
    );
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 487 + 195
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 13 + 5);
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 700
    );
    // Closed: no more accrual.
    suite.advance(100);
    assert_eq!(suite.lease(lease_id).paid.u128(), 700);
}

#[test]
fn a_used_up_deposit_stops_accrual_and_can_be_settled_and_closed() {
    // 1003 at 5/s: 200 whole seconds (1000), 3 left that never accrue.
    let (mut suite, lease_id) = setup(1_003);
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite.accept_lease(&provider, lease_id).unwrap();
    suite.advance(10_000);
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.reserved.u128(),
            lease.available.u128(),
            lease.units.u128()
        ),
        (1_000, 3, 200)
    );
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    suite.advance(10_000);
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    suite.close_lease(&provider, lease_id).unwrap();
    // fee ceil(1000 × 250 / 10000) = 25 (exact).
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 975
    );
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 1_000
    );
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closed);
}

#[test]
fn a_top_up_after_the_deposit_ran_out_does_not_pay_for_the_gap() {
    let (mut suite, lease_id) = setup(500);
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    suite.accept_lease(&provider, lease_id).unwrap();
    suite.advance(1_000); // only 100 s were funded
    suite.top_up(&consumer, lease_id, 1_000).unwrap();
    suite.advance(10); // 50 more
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.deposited.u128(),
            lease.reserved.u128(),
            lease.available.u128()
        ),
        (1_500, 550, 950)
    );
}

#[test]
fn a_pending_lease_closed_by_either_party_is_refunded_whole() {
    let (mut suite, lease_id) = setup(10_000);
    let consumer = suite.consumer(0);
    suite.advance(500);
    suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), INITIAL_NATIVE);
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closed);
    // The provider declines another one.
    let provider = suite.provider(0);
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Streaming {
                rate_per_second: Uint128::new(RATE),
            },
            777,
        )
        .unwrap();
    let second = lease_id_of(&res);
    suite.close_lease(&provider, second).unwrap();
    assert_eq!(suite.lease(second).refunded.u128(), 777);
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), INITIAL_NATIVE);
}

#[test]
fn streaming_accrual_pays_the_fee_in_force_when_settled() {
    let (mut suite, lease_id) = setup(10_000);
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    suite.accept_lease(&provider, lease_id).unwrap();
    suite.advance(100);
    suite
        .update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                fee_bps: Some(1_000),
                ..Default::default()
            },
        )
        .unwrap();
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    // 500 at 1000 bps: ceil(50) = 50 (exact).
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 50);
}

#[test]
fn a_zero_rate_is_rejected() {
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(1))
        .unwrap();
    assert_eq!(
        escrow_error(suite.open_lease(
            &consumer,
            &provider,
            BillingMode::Streaming {
                rate_per_second: Uint128::zero()
            },
            100
        )),
        ContractError::Validation(depin_interface::ValidationError::MustBePositive {
            field: "rate_per_second"
        })
    );
}
