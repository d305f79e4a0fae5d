//! A receipt pays the whole units the lease's funds cover; the rest of the
//! same signed receipt stays redeemable after a top-up.

use super::*;
use k256::ecdsa::signature::hazmat::PrehashSigner;

fn signing_key() -> k256::ecdsa::SigningKey {
    k256::ecdsa::SigningKey::from_bytes(&[9u8; 32].into()).unwrap()
}

fn sign(t: &T, lease_id: u64, units: u128) -> cosmwasm_std::Binary {
    let digest = depin_interface::receipt::receipt_digest(
        &t.env.block.chain_id,
        t.env.contract.address.as_str(),
        lease_id,
        units,
    );
    let signature: k256::ecdsa::Signature = signing_key().sign_prehash(&digest).unwrap();
    signature.to_bytes()[..].to_vec().into()
}

fn attr(res: &cosmwasm_std::Response, key: &str) -> String {
    res.attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("attribute {key}"))
        .value
        .clone()
}

#[test]
fn a_receipt_beyond_the_funds_pays_what_they_cover_and_the_rest_after_a_top_up() {
    let mut t = setup();
    let pubkey = signing_key().verifying_key().to_encoded_point(true);
    // 1000 deposited at 7 per unit: 142 whole units (994), 6 left.
    let lease_id = t.open(
        BillingMode::Receipts {
            consumer_pubkey: pubkey.as_bytes().to_vec().into(),
        },
        1_000,
    );
    let provider = t.provider.clone();
    let signature = sign(&t, lease_id, 150);
    let redeem = ExecuteMsg::RedeemReceipt {
        lease_id,
        cumulative_units: Uint128::new(150),
        signature,
    };
    let res = t.exec(&provider, &[], redeem.clone()).unwrap();
    // 142 × 7 = 994, fee ceil(994 × 250 / 10000) = ceil(24.85) = 25.
    assert_eq!(attr(&res, "units"), "142");
    assert_eq!(attr(&res, "units_outstanding"), "8");
    assert_eq!(attr(&res, "redeemed_units"), "142");
    assert_eq!(attr(&res, "amount"), "994");
    assert_eq!(paid_to(&res, &t.dao), 25);
    assert_eq!(paid_to(&res, &t.provider), 994 - 25);
    assert_eq!(recorded_usage(&res, &t.registry), (994, 25));
    let lease = t.lease(lease_id);
    assert_eq!((lease.available.u128(), lease.units.u128()), (6, 142));
    // Not even one unit left: a typed refusal.
    assert_eq!(
        t.exec(&provider, &[], redeem.clone()),
        Err(ContractError::UnitExceedsAvailable {
            lease_id,
            price_per_unit: Uint128::new(PRICE),
            available: Uint128::new(6),
        })
    );
    // A top-up of 50: 56 available, the 8 outstanding units cost 56.
    let consumer = t.consumer.clone();
    t.exec(&consumer, &[coin(50, PAY)], ExecuteMsg::TopUp { lease_id })
        .unwrap();
    let res = t.exec(&provider, &[], redeem.clone()).unwrap();
    assert_eq!(attr(&res, "units"), "8");
    assert_eq!(attr(&res, "units_outstanding"), "0");
    // 56, fee ceil(1.4) = 2.
    assert_eq!(paid_to(&res, &t.dao), 2);
    assert_eq!(paid_to(&res, &t.provider), 54);
    assert_eq!(
        t.exec(&provider, &[], redeem),
        Err(ContractError::ReceiptNotIncreasing {
            cumulative_units: Uint128::new(150),
            redeemed: Uint128::new(150),
        })
    );
    let lease = t.lease(lease_id);
    assert_eq!(
        (
            lease.paid.u128(),
            lease.available.u128(),
            lease.units.u128()
        ),
        (1_050, 0, 150)
    );
}
