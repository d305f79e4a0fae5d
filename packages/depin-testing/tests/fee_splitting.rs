//! However a lease's payments are split, and whoever splits them, the protocol
//! fee over all of them is the fee of their sum (rounded up once), so a third
//! party settling a stream every second cannot move the provider's revenue to
//! the treasury, and many small charges or receipts cost no more than one big
//! one (second audit, finding 3).

use cosmwasm_std::Uint128;
use depin_interface::escrow::BillingMode;
use depin_testing::escrow::{lease_id_of, pay_price};
use depin_testing::shared::{pubkey, signing_key};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};

/// The suite's default protocol fee.
const FEE_BPS: u128 = 250;

/// The fee of the whole, rounded up: `ceil(amount × 250 / 10000)`.
fn fee_of_whole(amount: u128) -> u128 {
    (amount * FEE_BPS).div_ceil(10_000)
}

fn suite_with_provider(price: u128) -> Suite {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(price))
        .unwrap();
    suite
}

/// (provider's gain, treasury's gain) since `start`.
fn gains(suite: &Suite, start: (u128, u128)) -> (u128, u128) {
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    (
        suite.native_balance(&provider, PAY_DENOM) - start.0,
        suite.native_balance(&dao, PAY_DENOM) - start.1,
    )
}

fn balances(suite: &Suite) -> (u128, u128) {
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    (
        suite.native_balance(&provider, PAY_DENOM),
        suite.native_balance(&dao, PAY_DENOM),
    )
}

/// 1 per second for 100 s at 250 bps: settled once, the provider gets 97 and
/// the treasury 3 (ceil(2.5)). Settled by a stranger every second, the same.
#[test]
fn a_stranger_settling_a_stream_every_second_does_not_move_revenue_to_the_treasury() {
    for settle_every in [100u64, 1, 3, 7] {
        let mut suite = suite_with_provider(1);
        let (consumer, provider) = (suite.consumer(0), suite.provider(0));
        let res = suite
            .open_lease(
                &consumer,
                &provider,
                BillingMode::Streaming {
                    rate_per_second: Uint128::one(),
                },
                1_000,
            )
            .unwrap();
        let lease_id = lease_id_of(&res);
        suite.accept_lease(&provider, lease_id).unwrap();
        let start = balances(&suite);
        let stranger = suite.actors.attacker.clone();
        let mut elapsed = 0;
        while elapsed < 100 {
            let step = settle_every.min(100 - elapsed);
            suite.advance(step);
            elapsed += step;
            suite.settle(&stranger, lease_id).unwrap();
        }
        assert_eq!(suite.lease(lease_id).paid.u128(), 100);
        assert_eq!(
            gains(&suite, start),
            (97, 3),
            "settled every {settle_every} s"
        );
    }
}

/// 100 charges of 30 at 250 bps cost the fee of one charge of 3,000: 75, not
/// 100 × ceil(0.75) = 100.
#[test]
fn many_small_charges_pay_the_fee_of_their_sum() {
    let mut suite = suite_with_provider(1);
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 10_000)
        .unwrap();
    let lease_id = lease_id_of(&res);
    let start = balances(&suite);
    let mut fees = 0;
    for _ in 0..100 {
        let res = suite.report_usage(&provider, lease_id, 30).unwrap();
        fees += depin_testing::escrow::attribute(&res, "fee")
            .unwrap()
            .parse::<u128>()
            .unwrap();
    }
    assert_eq!(fees, fee_of_whole(3_000));
    suite.advance(3_601);
    suite.settle(&provider, lease_id).unwrap();
    assert_eq!(gains(&suite, start), (3_000 - 75, 75));
    let settleable = suite.settleable(lease_id);
    assert!(settleable.amount.is_zero());
}

/// Receipts redeemed 30 units at a time pay the fee of their sum.
#[test]
fn receipts_redeemed_in_small_steps_pay_the_fee_of_their_sum() {
    let mut suite = suite_with_provider(1);
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let key = signing_key(1);
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Receipts {
                consumer_pubkey: pubkey(&key),
            },
            10_000,
        )
        .unwrap();
    let lease_id = lease_id_of(&res);
    let start = balances(&suite);
    for step in 1..=100u128 {
        let signature = suite.sign_receipt(&key, lease_id, 30 * step);
        suite
            .redeem_receipt(&provider, lease_id, 30 * step, signature)
            .unwrap();
    }
    assert_eq!(gains(&suite, start), (3_000 - 75, 75));
}

/// The property in general: for any split of the same total, the fees add up
/// to the fee of the whole, never one unit more or less, in every billing mode
/// (here: a stream settled at irregular times, uneven metered charges).
#[test]
fn any_split_pays_the_fee_of_the_whole() {
    let splits: [&[u128]; 4] = [&[1; 40], &[3, 1, 39, 1, 1, 5], &[399, 1], &[7, 13, 17, 19, 23]];
    for split in splits {
        let total: u128 = split.iter().sum();
        let mut suite = suite_with_provider(1);
        let (consumer, provider) = (suite.consumer(0), suite.provider(0));
        let res = suite
            .open_lease(&consumer, &provider, BillingMode::Metered {}, 10_000)
            .unwrap();
        let lease_id = lease_id_of(&res);
        let start = balances(&suite);
        for units in split {
            suite.report_usage(&provider, lease_id, *units).unwrap();
            suite.advance(5);
        }
        suite.advance(3_601);
        suite.settle(&provider, lease_id).unwrap();
        let fee = fee_of_whole(total);
        assert_eq!(gains(&suite, start), (total - fee, fee), "metered {split:?}");

        let mut suite = suite_with_provider(1);
        let res = suite
            .open_lease(
                &consumer,
                &provider,
                BillingMode::Streaming {
                    rate_per_second: Uint128::new(3),
                },
                10_000,
            )
            .unwrap();
        let lease_id = lease_id_of(&res);
        suite.accept_lease(&provider, lease_id).unwrap();
        let start = balances(&suite);
        for seconds in split {
            suite.advance(*seconds as u64);
            suite.settle(&provider, lease_id).unwrap();
        }
        let fee = fee_of_whole(3 * total);
        assert_eq!(
            gains(&suite, start),
            (3 * total - fee, fee),
            "streaming {split:?}"
        );
    }
}
