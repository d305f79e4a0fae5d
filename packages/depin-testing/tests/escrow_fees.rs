//! However a lease's payments are split, and whoever splits them, the
//! protocol fee over all of them is the fee of their sum rounded up once
//! (`ceil(total × fee_bps / 10000)`): many small payments pay neither less
//! (the fee cannot be farmed) nor more (a third party settling a stream every
//! second cannot move the provider's revenue to the treasury; second audit,
//! finding 3).

use cosmwasm_std::{Binary, Uint128};
use depin_interface::escrow::BillingMode;
use depin_interface::receipt::receipt_digest;
use depin_interface::{Denom, DenomAmount};
use depin_testing::escrow::{lease_id_of, pay_price};
use depin_testing::shared::protocol_fee;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};

/// Each report / receipt is worth 30 uusdc (price 30, one unit).
const PRICE: u128 = 30;
const REPORTS: u128 = 100;
const FEE_BPS: u128 = 250;
const WINDOW: u64 = 3_600;

fn setup() -> Suite {
    suite_with_provider(PRICE)
}

/// The fee of the whole, rounded up: `ceil(amount × 250 / 10000)`; for 100
/// payments of 30, `ceil(3000 × 250 / 10000) = 75`.
fn fee_of_whole(amount: u128) -> u128 {
    (amount * FEE_BPS).div_ceil(10_000)
}

#[test]
fn a_hundred_metered_reports_of_30_pay_the_fee_of_3000() {
    let mut suite = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 10_000)
        .unwrap();
    let lease_id = lease_id_of(&res);
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    for _ in 0..REPORTS {
        suite.report_usage(&provider, lease_id, 1).unwrap();
    }
    suite.advance(WINDOW);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    // Rounded up per charge each of 30 paid ceil(0.75) = 1, 100 in all;
    // rounded down, 0. Together they pay the fee of 3,000: 75.
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert_eq!(REPORTS * protocol_fee(PRICE, FEE_BPS), 100);
    assert_eq!(fees, fee_of_whole(REPORTS * PRICE));
    assert_eq!(fees, 75);
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + REPORTS * PRICE - 75
    );
    assert_eq!(
        suite.provider_info(&suite.provider(0)).reputation.revenue,
        vec![DenomAmount {
            denom: Denom::Native(PAY_DENOM.into()),
            amount: Uint128::new(3_000)
        }]
    );
}

#[test]
fn a_hundred_receipts_of_30_pay_the_fee_of_3000() {
    let mut suite = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let key = SigningKey::from_bytes(&[3u8; 32].into()).unwrap();
    let pubkey = Binary::from(key.verifying_key().to_encoded_point(true).as_bytes());
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Receipts {
                consumer_pubkey: pubkey,
            },
            10_000,
        )
        .unwrap();
    let lease_id = lease_id_of(&res);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    let chain_id = suite.app.block_info().chain_id;
    let escrow = suite.escrow.to_string();
    for units in 1..=REPORTS {
        let digest = receipt_digest(&chain_id, &escrow, lease_id, units);
        let signature: Signature = key.sign_prehash(&digest).unwrap();
        suite
            .redeem_receipt(
                &provider,
                lease_id,
                units,
                Binary::from(&signature.to_bytes()[..]),
            )
            .unwrap();
    }
    // 100 redemptions of one unit (30 each): the fee of 3,000.
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert_eq!(fees, fee_of_whole(REPORTS * PRICE));
    assert_eq!(fees, 75);
}

#[test]
fn a_stream_settled_every_second_pays_the_fee_of_its_sum() {
    let mut suite = setup();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Streaming {
                rate_per_second: Uint128::new(PRICE),
            },
            10_000,
        )
        .unwrap();
    let lease_id = lease_id_of(&res);
    suite.accept_lease(&provider, lease_id).unwrap();
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    let anyone = suite.actors.attacker.clone();
    for _ in 0..REPORTS {
        suite.advance(1);
        suite.settle(&anyone, lease_id).unwrap();
    }
    // 100 settles of one second at 30/s: the fee of 3,000.
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert_eq!(fees, fee_of_whole(REPORTS * PRICE));
    assert_eq!(fees, 75);
}

fn suite_with_provider(price: u128) -> Suite {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(price))
        .unwrap();
    suite
}

/// (provider's balance, treasury's balance).
fn balances(suite: &Suite) -> (u128, u128) {
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    (
        suite.native_balance(&provider, PAY_DENOM),
        suite.native_balance(&dao, PAY_DENOM),
    )
}

/// (provider's gain, treasury's gain) since `start`.
fn gains(suite: &Suite, start: (u128, u128)) -> (u128, u128) {
    let now = balances(suite);
    (now.0 - start.0, now.1 - start.1)
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

/// The property in general: for any split of the same total, the fees add up
/// to the fee of the whole, never one unit more or less, in every billing mode
/// (here: a stream settled at irregular times, uneven metered charges).
#[test]
fn any_split_pays_the_fee_of_the_whole() {
    let splits: [&[u128]; 4] = [
        &[1; 40],
        &[3, 1, 39, 1, 1, 5],
        &[399, 1],
        &[7, 13, 17, 19, 23],
    ];
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
        assert_eq!(
            gains(&suite, start),
            (total - fee, fee),
            "metered {split:?}"
        );

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
