//! Disputes on metered charges: upheld, voided, slashing through the registry.

use cosmwasm_std::{Decimal, Uint128};
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{BillingMode, ChargeStatus, LeaseState};
use depin_interface::ValidationError;
use depin_testing::escrow::{escrow_error, lease_id_of, pay_price};
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};

const PRICE: u128 = 7;
const DEPOSIT: u128 = 100_000;
const WINDOW: u64 = 3_600;

/// Lease 1 with two charges: #1 of 1000 units (7000, fee 175) and
/// #2 of 100 units (700, fee ceil(700 × 250 / 10000) = ceil(17.5) = 18).
fn setup() -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
        .unwrap();
    let lease_id = lease_id_of(&res);
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite.report_usage(&provider, lease_id, 100).unwrap();
    (suite, lease_id)
}

#[test]
fn an_upheld_dispute_is_paid_by_the_next_settle() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    suite
        .dispute(&consumer, lease_id, 1, "not delivered")
        .unwrap();
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Disputed
    );
    suite.advance(WINDOW);
    // Only the undisputed #2 is payable: 700.
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 700 - 18
    );
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 1, true, None)
        .unwrap();
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Payable
    );
    assert_eq!(suite.settleable(lease_id).amount.u128(), 7_000);
    suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 7_700 - 175 - 18
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 175 + 18);
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Paid
    );
    let lease = suite.lease(lease_id);
    assert_eq!((lease.paid.u128(), lease.reserved.u128()), (7_700, 0));
    // Nothing is left to resolve.
    assert_eq!(
        escrow_error(suite.resolve_dispute(&arbiter, lease_id, 1, true, None)),
        ContractError::NotDisputed { charge_id: 1 }
    );
}

#[test]
fn a_voided_dispute_returns_the_charge_to_the_deposit() {
    let (mut suite, lease_id) = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    suite
        .dispute(&consumer, lease_id, 1, "not delivered")
        .unwrap();
    // Closing now leaves the lease closing: #1 is disputed, #2 in its window.
    suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closing);
    suite
        .resolve_dispute(&dao, lease_id, 1, false, None)
        .unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.reserved.u128(),
            lease.available.u128(),
            lease.units.u128()
        ),
        (700, DEPOSIT - 700, 100)
    );
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Voided
    );
    suite.advance(WINDOW);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 700 - 18
    );
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 700
    );
    // Stake untouched without a slash.
    assert_eq!(
        suite.provider_info(&suite.provider(0)).stake,
        Uint128::new(1_000)
    );
}

#[test]
fn a_voided_dispute_with_a_slash_cuts_the_provider_stake_in_the_registry() {
    let (mut suite, lease_id) = setup();
    let (consumer, dao) = (suite.consumer(0), suite.dao.clone());
    let dao_stake_start = suite.native_balance(&dao, STAKE_DENOM);
    suite
        .dispute(&consumer, lease_id, 2, "double billed")
        .unwrap();
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 2, false, Some(Decimal::percent(5)))
        .unwrap();
    // 5 % of the 1000 stake goes to the DAO.
    let record = suite.provider_info(&suite.provider(0));
    assert_eq!(record.stake, Uint128::new(950));
    assert_eq!(record.reputation.slashes, 1);
    assert_eq!(
        suite.native_balance(&dao, STAKE_DENOM),
        dao_stake_start + 50
    );
    let lease = suite.lease(lease_id);
    assert_eq!(lease.available.u128(), DEPOSIT - 7_000);
}

#[test]
fn a_slash_the_registry_refuses_reverts_the_resolution() {
    let (mut suite, lease_id) = setup();
    let (consumer, dao) = (suite.consumer(0), suite.dao.clone());
    suite
        .dispute(&consumer, lease_id, 1, "not delivered")
        .unwrap();
    // max_slash is 10 %.
    assert!(suite
        .resolve_dispute(&dao, lease_id, 1, false, Some(Decimal::percent(20)))
        .is_err());
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Disputed
    );
    assert_eq!(
        suite.provider_info(&suite.provider(0)).stake,
        Uint128::new(1_000)
    );
    // Without the slash it goes through.
    suite
        .resolve_dispute(&dao, lease_id, 1, false, None)
        .unwrap();
    assert_eq!(
        suite.charges(lease_id, None, None)[0].status,
        ChargeStatus::Voided
    );
}

#[test]
fn disputes_follow_the_window_and_the_rules() {
    let (mut suite, lease_id) = setup();
    let (consumer, dao) = (suite.consumer(0), suite.dao.clone());
    assert!(matches!(
        escrow_error(suite.dispute(&consumer, lease_id, 1, &"x".repeat(513))),
        ContractError::Validation(ValidationError::TooLong { .. })
    ));
    assert!(matches!(
        escrow_error(suite.dispute(&consumer, lease_id, 1, " ")),
        ContractError::Validation(ValidationError::Empty { .. })
    ));
    assert_eq!(
        escrow_error(suite.dispute(&consumer, lease_id, 9, "no such charge")),
        ContractError::ChargeNotFound {
            lease_id,
            charge_id: 9
        }
    );
    suite
        .dispute(&consumer, lease_id, 1, "not delivered")
        .unwrap();
    assert_eq!(
        escrow_error(suite.dispute(&consumer, lease_id, 1, "again")),
        ContractError::AlreadyDisputed { charge_id: 1 }
    );
    assert_eq!(
        escrow_error(suite.resolve_dispute(&dao, lease_id, 1, true, Some(Decimal::percent(1)))),
        ContractError::SlashOnUpheld {}
    );
    assert_eq!(
        escrow_error(suite.resolve_dispute(&dao, lease_id, 2, true, None)),
        ContractError::NotDisputed { charge_id: 2 }
    );
    let opened = suite.lease(lease_id).opened_at.seconds();
    suite.advance(WINDOW);
    assert_eq!(
        escrow_error(suite.dispute(&consumer, lease_id, 2, "too late")),
        ContractError::DisputeWindowClosed {
            charge_id: 2,
            disputable_until: opened + WINDOW,
            now: opened + WINDOW
        }
    );
}

/// Provider 1 registered with 10 000 ustake (price 10), a metered lease with
/// one charge of 100 units (1 000) that the consumer disputes at once.
const STAKE: u128 = 10_000;

fn staked_dispute() -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(1), suite.consumer(0));
    suite.register(&provider, STAKE).unwrap();
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
        .unwrap();
    let lease_id = lease_id_of(&res);
    suite.report_usage(&provider, lease_id, 100).unwrap();
    suite
        .dispute(&consumer, lease_id, 1, "never delivered")
        .unwrap();
    assert_eq!(suite.provider_info(&provider).open_disputes, 1);
    (suite, lease_id)
}

#[test]
fn a_disputed_provider_cannot_take_its_stake_out_before_the_resolution() {
    let (mut suite, lease_id) = staked_dispute();
    let (provider, dao) = (suite.provider(1), suite.dao.clone());
    // Seeing the dispute, the provider leaves: everything unbonds.
    suite.deregister(&provider).unwrap();
    assert_eq!(suite.provider_info(&provider).stake.u128(), 0);
    // Long after the unbonding period the claim is still held.
    let period = suite.params.unbonding_period;
    suite.advance(period + 86_400);
    let provider_stake = suite.native_balance(&provider, STAKE_DENOM);
    assert!(suite.claim_unbonded(&provider).is_err());
    assert_eq!(suite.native_balance(&provider, STAKE_DENOM), provider_stake);
    // The arbiter voids the charge with a 10 % slash (the escrow's max): the
    // held claim is cut by floor(10 000 × 10 %) = 1 000, sent to the DAO.
    let dao_stake = suite.native_balance(&dao, STAKE_DENOM);
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 1, false, Some(Decimal::percent(10)))
        .unwrap();
    let slashed = STAKE / 10;
    assert_eq!(slashed, 1_000);
    assert_eq!(suite.native_balance(&dao, STAKE_DENOM), dao_stake + slashed);
    assert_eq!(suite.provider_info(&provider).open_disputes, 0);
    // Released: the provider claims the rest, 9 000.
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(
        suite.native_balance(&provider, STAKE_DENOM),
        provider_stake + STAKE - slashed
    );
    assert_eq!(
        suite.native_balance(&suite.registry.clone(), STAKE_DENOM),
        0
    );
    // The voided charge went back to the deposit.
    assert_eq!(suite.lease(lease_id).available.u128(), DEPOSIT);
}

#[test]
fn a_dispute_resolved_within_the_unbonding_period_slashes_the_claim_and_releases_it() {
    let (mut suite, lease_id) = staked_dispute();
    let (provider, dao) = (suite.provider(1), suite.dao.clone());
    suite.unbond(&provider, STAKE).unwrap();
    let period = suite.params.unbonding_period;
    suite.advance(period / 2);
    let dao_stake = suite.native_balance(&dao, STAKE_DENOM);
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 1, false, Some(Decimal::percent(10)))
        .unwrap();
    // floor(10 000 × 10 %) = 1 000 to the DAO; the claim keeps 9 000.
    assert_eq!(suite.native_balance(&dao, STAKE_DENOM), dao_stake + 1_000);
    let record = suite.provider_info(&provider);
    assert_eq!((record.unbonding.u128(), record.open_disputes), (9_000, 0));
    // The claim matures on its own schedule, then pays the rest.
    let provider_stake = suite.native_balance(&provider, STAKE_DENOM);
    suite.advance(period - period / 2);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(
        suite.native_balance(&provider, STAKE_DENOM),
        provider_stake + 9_000
    );
}

#[test]
fn an_upheld_dispute_releases_the_stake_without_a_slash() {
    let (mut suite, lease_id) = staked_dispute();
    let (provider, dao) = (suite.provider(1), suite.dao.clone());
    suite.unbond(&provider, STAKE).unwrap();
    suite.advance(suite.params.unbonding_period);
    assert!(suite.claim_unbonded(&provider).is_err());
    let dao_stake = suite.native_balance(&dao, STAKE_DENOM);
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 1, true, None)
        .unwrap();
    assert_eq!(suite.provider_info(&provider).open_disputes, 0);
    let provider_stake = suite.native_balance(&provider, STAKE_DENOM);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(
        suite.native_balance(&provider, STAKE_DENOM),
        provider_stake + STAKE
    );
    assert_eq!(suite.native_balance(&dao, STAKE_DENOM), dao_stake);
}

/// Second audit: `settle` read every matured dispute of a lease in one call,
/// so a consumer disputing thousands of charges could push it past the gas
/// limit. Each settle now passes at most `MAX_DISPUTES_PER_SETTLE` (50)
/// disputed charges; one that passes disputes but pays nothing still
/// succeeds, and the next goes on from there.
#[test]
fn hundreds_of_disputes_are_passed_fifty_per_settle() {
    use depin_billing_escrow::settlement::MAX_DISPUTES_PER_SETTLE;
    use depin_testing::escrow::attribute;
    assert_eq!(MAX_DISPUTES_PER_SETTLE, 50);
    let mut suite = SuiteBuilder::new().build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(1))
        .unwrap();
    let lease_id = lease_id_of(
        &suite
            .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
            .unwrap(),
    );
    // Charges 1..=120 disputed, 121..=130 not; 10 units each.
    for _ in 0..130 {
        suite.report_usage(&provider, lease_id, 10).unwrap();
    }
    for charge_id in 1..=120 {
        suite.dispute(&consumer, lease_id, charge_id, "no").unwrap();
    }
    suite.advance(WINDOW);
    let anyone = suite.actors.attacker.clone();
    let mut passed = vec![];
    let mut paid = vec![];
    for _ in 0..3 {
        let res = suite.settle(&anyone, lease_id).unwrap();
        passed.push(attribute(&res, "disputes_passed").unwrap());
        paid.push(attribute(&res, "amount").unwrap());
    }
    assert_eq!(passed, ["50", "50", "20"]);
    assert_eq!(paid, ["0", "0", "100"]);
    assert_eq!(suite.lease(lease_id).paid.u128(), 100);
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    // The disputed charges are still the arbiter's to resolve.
    let arbiter = suite.actors.arbiter.clone();
    suite
        .resolve_dispute(&arbiter, lease_id, 120, true, None)
        .unwrap();
    let res = suite.settle(&anyone, lease_id).unwrap();
    assert_eq!(attribute(&res, "amount").as_deref(), Some("10"));
}
