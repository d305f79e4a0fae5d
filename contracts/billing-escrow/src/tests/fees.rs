//! The protocol fee rounds up per payment, so splitting a bill can only raise
//! it; every `record_usage` reports the fee the treasury received.

use super::*;

/// Treasury fee and provider share of `amount` at [`FEE_BPS`]:
/// `fee = ceil(amount × 250 / 10000)`, the provider gets the rest.
fn split(amount: u128) -> (u128, u128) {
    let fee = (amount * u128::from(FEE_BPS)).div_ceil(10_000);
    (fee, amount - fee)
}

#[test]
fn splitting_a_metered_bill_into_single_units_cannot_dodge_the_fee() {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 10_000);
    // 100 charges of 1 unit × 7 = 7 each: 700 in all. Exact fee 17.5; each
    // charge pays ceil(7 × 250 / 10000) = ceil(0.175) = 1, so 100 in all
    // (rounded down per charge it was 0).
    for _ in 0..100 {
        let res = t.report(lease_id, 1).unwrap();
        let fee = res.attributes.iter().find(|a| a.key == "fee").unwrap();
        assert_eq!(fee.value, "1");
    }
    t.advance(WINDOW);
    let anyone = t.deps.api.addr_make("anyone");
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    let fee = paid_to(&res, &t.dao);
    assert!(
        fee >= 700 * u128::from(FEE_BPS) / 10_000,
        "at least floor(17.5)"
    );
    assert_eq!(fee, 100);
    assert_eq!(paid_to(&res, &t.provider), 700 - 100);
    assert_eq!(recorded_usage(&res, &t.registry), (700, 100));
}

#[test]
fn a_streaming_settle_rounds_its_fee_up_and_reports_it() {
    let mut t = setup();
    let lease_id = t.open(
        BillingMode::Streaming {
            rate_per_second: Uint128::new(3),
        },
        1_000,
    );
    let provider = t.provider.clone();
    t.exec(&provider, &[], ExecuteMsg::AcceptLease { lease_id })
        .unwrap();
    let anyone = t.deps.api.addr_make("anyone");
    // Settled every second: 3 per settle, fee ceil(3 × 250 / 10000) = 1 each.
    for _ in 0..10 {
        t.advance(1);
        let res = t
            .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
            .unwrap();
        assert_eq!(paid_to(&res, &t.dao), split(3).0);
        assert_eq!(paid_to(&res, &t.provider), split(3).1);
        assert_eq!(recorded_usage(&res, &t.registry), (3, 1));
    }
    // 100 s at once: 300, fee ceil(7.5) = 8.
    t.advance(100);
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(split(300), (8, 292));
    assert_eq!(paid_to(&res, &t.dao), 8);
    assert_eq!(recorded_usage(&res, &t.registry), (300, 8));
}

#[test]
fn a_fee_never_exceeds_the_amount_and_is_exact_when_it_divides() {
    use crate::sums::fee_of;
    for (amount, bps, fee) in [
        (0u128, 250u16, 0u128),
        (1, 1, 1),
        (7, 10_000, 7),
        (10_000, 250, 250),
        (10_001, 250, 251),
        (u128::MAX, 10_000, u128::MAX),
        (u128::MAX, 0, 0),
        (u128::MAX, 1, u128::MAX / 10_000 + 1),
    ] {
        assert_eq!(
            fee_of(Uint128::new(amount), bps).unwrap(),
            Uint128::new(fee),
            "{amount} at {bps}"
        );
    }
}
