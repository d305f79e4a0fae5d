//! The protocol fee of a lease's payments is the fee of their sum, rounded up
//! once, however the bill is split; every `record_usage` reports the fee the
//! treasury received.

use super::*;

#[test]
fn splitting_a_metered_bill_into_single_units_pays_the_fee_of_the_whole() {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 10_000);
    // 100 charges of 1 unit × 7 = 7 each: 700 in all, exact fee 17.5. Rounded
    // up per charge, each paid ceil(0.175) = 1 (100 in all); rounded down, 0.
    // Through the lease's carry they pay ceil(17.5) = 18 together.
    let mut fees = 0;
    for _ in 0..100 {
        let res = t.report(lease_id, 1).unwrap();
        let fee = res.attributes.iter().find(|a| a.key == "fee").unwrap();
        fees += fee.value.parse::<u128>().unwrap();
    }
    assert_eq!(fees, 18);
    t.advance(WINDOW);
    let anyone = t.deps.api.addr_make("anyone");
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(paid_to(&res, &t.dao), 18);
    assert_eq!(paid_to(&res, &t.provider), 700 - 18);
    assert_eq!(recorded_usage(&res, &t.registry), (700, 18));
}

#[test]
fn a_streaming_settle_pays_the_fee_of_the_running_total_and_reports_it() {
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
    // Settled every second: 3 per settle (exact fee 0.075). The first pays
    // ceil(0.075) = 1, the next nine nothing: ceil(0.75) = 1 in all.
    let mut fees = 0;
    for second in 0..10 {
        t.advance(1);
        let res = t
            .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
            .unwrap();
        let fee = paid_to(&res, &t.dao);
        assert_eq!(fee, u128::from(second == 0));
        assert_eq!(paid_to(&res, &t.provider), 3 - fee);
        assert_eq!(recorded_usage(&res, &t.registry), (3, fee));
        fees += fee;
    }
    assert_eq!(fees, 1);
    // 100 s at once: 300; the 330 so far owe ceil(8.25) = 9, 1 of it paid.
    t.advance(100);
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(paid_to(&res, &t.dao), 8);
    assert_eq!(paid_to(&res, &t.provider), 292);
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
