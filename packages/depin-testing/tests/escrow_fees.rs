//! The protocol fee cannot be farmed by splitting a bill: every fee is
//! `ceil(amount × fee_bps / 10000)` per payment (rounded up), so many small
//! payments pay at least the fee of their sum, rounded down.

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
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    suite
}

/// What the treasury must get at least from 100 payments of 30:
/// `floor(3000 × 250 / 10000) = 75`, the fee on the sum rounded down.
fn fee_floor_of_the_sum() -> u128 {
    REPORTS * PRICE * FEE_BPS / 10_000
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
    // Each charge of 30 pays ceil(30 × 250 / 10000) = ceil(0.75) = 1: 100 in
    // all (rounded down per charge it paid 0 on 3 000 of revenue).
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert!(fees >= fee_floor_of_the_sum(), "{fees} < 75");
    assert_eq!(fees, REPORTS * protocol_fee(PRICE, FEE_BPS));
    assert_eq!(fees, 100);
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + REPORTS * PRICE - 100
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
    // 100 redemptions of one unit (30 each): fee ceil(0.75) = 1 each.
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert!(fees >= fee_floor_of_the_sum(), "{fees} < 75");
    assert_eq!(fees, 100);
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
    // 100 settles of one second at 30/s: fee ceil(0.75) = 1 each.
    let fees = suite.native_balance(&dao, PAY_DENOM) - dao_start;
    assert!(fees >= fee_floor_of_the_sum(), "{fees} < 75");
    assert_eq!(fees, 100);
}
