//! Receipts leases: the provider redeems receipts the consumer signed off chain
//! (real secp256k1 signatures made with k256, RFC 6979).

use cosmwasm_std::{Binary, Uint128, VerificationError};
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{BillingMode, LeaseState};
use depin_testing::escrow::{attribute, escrow_error, lease_id_of, pay_price};
use depin_testing::shared::pubkey;
use depin_testing::shared::sign_receipt;
use depin_testing::shared::signing_key;
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};
use k256::ecdsa::SigningKey;

const PRICE: u128 = 7;
const DEPOSIT: u128 = 100_000;
const WINDOW: u64 = 3_600;

fn open(suite: &mut Suite, key: &SigningKey, deposit: u128) -> u64 {
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let res = suite
        .open_lease(
            &consumer,
            &provider,
            BillingMode::Receipts {
                consumer_pubkey: pubkey(key),
            },
            deposit,
        )
        .unwrap();
    lease_id_of(&res)
}

fn setup() -> (Suite, SigningKey, u64) {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let consumer_key = signing_key(1);
    let lease_id = open(&mut suite, &consumer_key, DEPOSIT);
    (suite, consumer_key, lease_id)
}

#[test]
fn a_receipt_pays_at_once_and_a_later_one_pays_only_the_increase() {
    let (mut suite, key, lease_id) = setup();
    let (provider, dao) = (suite.provider(0), suite.dao.clone());
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    // 100 units × 7 = 700; fee ceil(700 × 250 / 10000) = ceil(17.5) = 18.
    let signature = suite.sign_receipt(&key, lease_id, 100);
    let res = suite
        .redeem_receipt(&provider, lease_id, 100, signature)
        .unwrap();
    assert_eq!(attribute(&res, "amount").as_deref(), Some("700"));
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 682
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 18);
    // 250 cumulative: 150 more units = 1050; the 1,750 so far owe ceil(43.75)
    // = 44 in fees, 18 of them paid: 26.
    let signature = suite.sign_receipt(&key, lease_id, 250);
    suite
        .redeem_receipt(&provider, lease_id, 250, signature)
        .unwrap();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 682 + 1_024
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 18 + 26);
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.paid.u128(),
            lease.available.u128(),
            lease.units.u128()
        ),
        (1_750, DEPOSIT - 1_750, 250)
    );
    // The cumulative receipt redeemed so far: what the next receipt must exceed.
    assert_eq!(lease.reported_units.u128(), 250);
    assert_eq!(
        suite
            .provider_info(&suite.provider(0))
            .reputation
            .usage_units,
        Uint128::new(250)
    );
    assert_eq!(
        suite.native_balance(&suite.consumer(0), PAY_DENOM),
        INITIAL_NATIVE - DEPOSIT
    );
}

#[test]
fn a_receipt_cannot_be_replayed() {
    let (mut suite, key, lease_id) = setup();
    let provider = suite.provider(0);
    let signature = suite.sign_receipt(&key, lease_id, 100);
    suite
        .redeem_receipt(&provider, lease_id, 100, signature.clone())
        .unwrap();
    let before = suite.native_balance(&provider, PAY_DENOM);
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 100, signature)),
        ContractError::ReceiptNotIncreasing {
            cumulative_units: Uint128::new(100),
            redeemed: Uint128::new(100)
        }
    );
    let older = suite.sign_receipt(&key, lease_id, 50);
    assert!(matches!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 50, older)),
        ContractError::ReceiptNotIncreasing { .. }
    ));
    assert_eq!(suite.native_balance(&provider, PAY_DENOM), before);
    assert_eq!(suite.lease(lease_id).paid.u128(), 700);
}

#[test]
fn a_receipt_is_worthless_on_another_lease_of_the_same_consumer() {
    let (mut suite, key, first) = setup();
    let second = open(&mut suite, &key, DEPOSIT);
    let provider = suite.provider(0);
    let signature = suite.sign_receipt(&key, first, 100);
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, second, 100, signature.clone())),
        ContractError::InvalidReceiptSignature { lease_id: second }
    );
    // Still good on its own lease.
    suite
        .redeem_receipt(&provider, first, 100, signature)
        .unwrap();
    assert_eq!(suite.lease(second).paid, Uint128::zero());
}

#[test]
fn receipts_signed_for_another_chain_escrow_or_key_are_rejected() {
    let (mut suite, key, lease_id) = setup();
    let provider = suite.provider(0);
    let chain_id = suite.app.block_info().chain_id;
    let escrow = suite.escrow.to_string();
    let other_escrow = suite.registry.to_string();
    for signature in [
        sign_receipt(&key, "another-chain-1", &escrow, lease_id, 100),
        sign_receipt(&key, &chain_id, &other_escrow, lease_id, 100),
        sign_receipt(&key, &chain_id, &escrow, lease_id, 99),
        sign_receipt(&self::signing_key(2), &chain_id, &escrow, lease_id, 100),
    ] {
        assert_eq!(
            escrow_error(suite.redeem_receipt(&provider, lease_id, 100, signature)),
            ContractError::InvalidReceiptSignature { lease_id }
        );
    }
    assert_eq!(suite.lease(lease_id).paid, Uint128::zero());
}

#[test]
fn malformed_signatures_and_keys_get_typed_errors() {
    let (mut suite, key, lease_id) = setup();
    let provider = suite.provider(0);
    let signature = suite.sign_receipt(&key, lease_id, 100);
    let short = Binary::from(&signature.as_slice()[..63]);
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 100, short)),
        ContractError::Verification(VerificationError::InvalidSignatureFormat)
    );
    assert!(matches!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 100, Binary::default())),
        ContractError::Verification(_)
    ));
    let consumer = suite.consumer(0);
    let uncompressed = key.verifying_key().to_encoded_point(false);
    for bad in [
        Binary::from(uncompressed.as_bytes()),
        Binary::from(&pubkey(&key).as_slice()[..32]),
        Binary::from([0x04u8; 33].as_slice()),
    ] {
        let len = bad.len();
        assert_eq!(
            escrow_error(suite.open_lease(
                &consumer,
                &provider,
                BillingMode::Receipts {
                    consumer_pubkey: bad
                },
                100
            )),
            ContractError::InvalidPubkey { len }
        );
    }
}

#[test]
fn a_receipt_beyond_the_deposit_pays_the_whole_units_it_covers_and_the_rest_after_a_top_up() {
    let mut suite = SuiteBuilder::new().build();
    let (consumer, provider, dao) = (suite.consumer(0), suite.provider(0), suite.dao.clone());
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let dao_start = suite.native_balance(&dao, PAY_DENOM);
    let key = signing_key(1);
    let lease_id = open(&mut suite, &key, 1_000);
    // 143 units × 7 = 1001, one unit over the 1000 deposited: the deposit
    // covers floor(1000 / 7) = 142 units (994); one unit stays outstanding.
    let signature = suite.sign_receipt(&key, lease_id, 143);
    let res = suite
        .redeem_receipt(&provider, lease_id, 143, signature.clone())
        .unwrap();
    assert_eq!(attribute(&res, "units").as_deref(), Some("142"));
    assert_eq!(attribute(&res, "units_outstanding").as_deref(), Some("1"));
    assert_eq!(attribute(&res, "redeemed_units").as_deref(), Some("142"));
    assert_eq!(attribute(&res, "amount").as_deref(), Some("994"));
    // Fee ceil(994 × 250 / 10000) = ceil(24.85) = 25.
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 994 - 25
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 25);
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.paid.u128(),
            lease.available.u128(),
            lease.units.u128()
        ),
        (994, 6, 142)
    );
    // The 6 left do not pay one unit of 7: refused, nothing moves.
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 143, signature.clone())),
        ContractError::UnitExceedsAvailable {
            lease_id,
            price_per_unit: Uint128::new(PRICE),
            available: Uint128::new(6)
        }
    );
    // After a top-up of 100 (106 available) the SAME signature pays the last unit: 7, fee ceil(0.175) = 1.
    suite.top_up(&consumer, lease_id, 100).unwrap();
    let res = suite
        .redeem_receipt(&provider, lease_id, 143, signature.clone())
        .unwrap();
    assert_eq!(attribute(&res, "units").as_deref(), Some("1"));
    assert_eq!(attribute(&res, "units_outstanding").as_deref(), Some("0"));
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 994 - 25 + 7 - 1
    );
    assert_eq!(suite.native_balance(&dao, PAY_DENOM), dao_start + 25 + 1);
    // Fully redeemed: a replay is refused.
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 143, signature)),
        ContractError::ReceiptNotIncreasing {
            cumulative_units: Uint128::new(143),
            redeemed: Uint128::new(143)
        }
    );
    // The consumer closes; after the provider's grace the rest is refunded:
    // 1000 + 100 deposited − 1001 paid = 99.
    suite.close_lease(&consumer, lease_id).unwrap();
    suite.advance(WINDOW);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128(), lease.units.u128()),
        (1_001, 99, 143)
    );
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 1_001
    );
}

#[test]
fn redeeming_after_the_provider_closes_is_rejected() {
    let (mut suite, key, lease_id) = setup();
    let provider = suite.provider(0);
    let signature = suite.sign_receipt(&key, lease_id, 100);
    suite.close_lease(&provider, lease_id).unwrap();
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closed);
    assert_eq!(
        suite.native_balance(&suite.consumer(0), PAY_DENOM),
        INITIAL_NATIVE
    );
    assert_eq!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 100, signature)),
        ContractError::WrongState {
            lease_id,
            state: LeaseState::Closed,
            action: "redeem_receipt"
        }
    );
}

#[test]
fn the_provider_may_redeem_final_receipts_within_the_window_after_the_consumer_closes() {
    let (mut suite, key, lease_id) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let provider_start = suite.native_balance(&provider, PAY_DENOM);
    let signature = suite.sign_receipt(&key, lease_id, 100);
    suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(suite.lease(lease_id).state, LeaseState::Closing);
    suite.advance(WINDOW - 1);
    suite
        .redeem_receipt(&provider, lease_id, 100, signature)
        .unwrap();
    // 700, fee ceil(17.5) = 18.
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_start + 700 - 18
    );
    let anyone = suite.actors.attacker.clone();
    // The grace has not ended yet: nothing to do.
    assert_eq!(
        escrow_error(suite.settle(&anyone, lease_id)),
        ContractError::NothingToSettle { lease_id }
    );
    suite.advance(1);
    let later = suite.sign_receipt(&key, lease_id, 200);
    assert!(matches!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 200, later.clone())),
        ContractError::WrongState { .. }
    ));
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.refunded.u128(), DEPOSIT - 700);
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - 700
    );
    assert!(matches!(
        escrow_error(suite.redeem_receipt(&provider, lease_id, 200, later)),
        ContractError::WrongState { .. }
    ));
}

#[test]
fn receipts_are_redeemed_only_on_receipts_leases() {
    let (mut suite, key, _) = setup();
    let (consumer, provider) = (suite.consumer(0), suite.provider(0));
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 100)
        .unwrap();
    let metered = lease_id_of(&res);
    let signature = suite.sign_receipt(&key, metered, 1);
    assert!(matches!(
        escrow_error(suite.redeem_receipt(&provider, metered, 1, signature)),
        ContractError::WrongBillingMode { .. }
    ));
}

/// Second audit, suspicion: with `dispute_window` 0 a consumer's close
/// refunded the deposit at once, before the provider could redeem the
/// receipts it held. The provider now always keeps at least the escrow's
/// `min_close_grace` (default one hour) after a consumer's close.
#[test]
fn with_no_dispute_window_the_provider_still_has_a_grace_to_redeem() {
    let mut suite = SuiteBuilder {
        dispute_window: 0,
        ..SuiteBuilder::new()
    }
    .build();
    assert_eq!(suite.escrow_config().min_close_grace, 3_600);
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    let key = signing_key(1);
    let lease_id = open(&mut suite, &key, DEPOSIT);
    let signature = suite.sign_receipt(&key, lease_id, 100);
    let res = suite.close_lease(&consumer, lease_id).unwrap();
    assert_eq!(attribute(&res, "state").as_deref(), Some("closing"));
    suite.advance(3_599);
    suite
        .redeem_receipt(&provider, lease_id, 100, signature)
        .unwrap();
    assert_eq!(suite.lease(lease_id).paid.u128(), 100 * PRICE);
    suite.advance(2);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.refunded.u128(), DEPOSIT - 100 * PRICE);
    // The grace is the DAO's to set, never to 0.
    let dao = suite.dao.clone();
    let err = suite
        .update_escrow_config(
            &dao,
            depin_interface::escrow::EscrowConfigUpdate {
                min_close_grace: Some(0),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(
        escrow_error(Err(err)),
        ContractError::Validation(depin_interface::ValidationError::MustBePositive {
            field: "min_close_grace"
        })
    ));
}
