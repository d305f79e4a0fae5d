//! Checks of a receipt a consumer posts, before the agent accepts it: the
//! lease is this provider's receipts lease and still redeemable, the units
//! only grow, and the signature verifies against the lease's consumer key
//! over `depin_interface::receipt::receipt_digest` (what the escrow checks).

use depin_interface::escrow::{BillingMode, LeaseResponse, LeaseState};
use depin_interface::receipt::receipt_digest;
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{Signature, VerifyingKey};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReceiptError {
    #[error("lease {lease_id} is not a lease of this provider")]
    NotOurLease { lease_id: u64 },
    #[error("lease {lease_id} is billed {mode}, not by receipts")]
    NotReceipts { lease_id: u64, mode: &'static str },
    #[error("lease {lease_id} is {state}; it takes no more receipts")]
    NotRedeemable { lease_id: u64, state: &'static str },
    #[error("receipt for {cumulative_units} units is below the {held} already held")]
    NotIncreasing { cumulative_units: u128, held: u128 },
    #[error(
        "receipt for {cumulative_units} units does not increase the {redeemed} already redeemed"
    )]
    AlreadyRedeemed {
        cumulative_units: u128,
        redeemed: u128,
    },
    #[error("the signature does not verify for lease {lease_id}")]
    BadSignature { lease_id: u64 },
    #[error("the lease's consumer key is not a valid secp256k1 key")]
    BadKey,
}

/// A receipt as posted: `{"lease_id": 1, "cumulative_units": "100", "signature": "<base64 r‖s>"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostedReceipt {
    pub lease_id: u64,
    pub cumulative_units: cosmwasm_std::Uint128,
    pub signature: cosmwasm_std::Binary,
}

/// Verifies a receipt against the lease as the chain returns it, the units
/// already held and the clock (seconds). Returns nothing when it may be kept.
pub fn check_receipt(
    receipt: &PostedReceipt,
    lease: &LeaseResponse,
    provider: &str,
    chain_id: &str,
    escrow: &str,
    held: Option<u128>,
    now: u64,
) -> Result<(), ReceiptError> {
    let lease_id = receipt.lease_id;
    if lease.lease_id != lease_id || lease.provider.as_str() != provider {
        return Err(ReceiptError::NotOurLease { lease_id });
    }
    let pubkey = match &lease.billing {
        BillingMode::Receipts { consumer_pubkey } => consumer_pubkey,
        other => {
            return Err(ReceiptError::NotReceipts {
                lease_id,
                mode: other.as_str(),
            })
        }
    };
    let redeemable = match lease.state {
        LeaseState::Open => true,
        LeaseState::Closing => lease.close_after.is_some_and(|t| now < t.seconds()),
        LeaseState::Pending | LeaseState::Closed => false,
    };
    if !redeemable {
        return Err(ReceiptError::NotRedeemable {
            lease_id,
            state: lease.state.as_str(),
        });
    }
    let units = receipt.cumulative_units.u128();
    if units <= lease.units.u128() {
        return Err(ReceiptError::AlreadyRedeemed {
            cumulative_units: units,
            redeemed: lease.units.u128(),
        });
    }
    if let Some(held) = held {
        if units < held {
            return Err(ReceiptError::NotIncreasing {
                cumulative_units: units,
                held,
            });
        }
    }
    let key = VerifyingKey::from_sec1_bytes(pubkey.as_slice()).map_err(|_| ReceiptError::BadKey)?;
    let signature = Signature::from_slice(receipt.signature.as_slice())
        .map_err(|_| ReceiptError::BadSignature { lease_id })?;
    let digest = receipt_digest(chain_id, escrow, lease_id, units);
    key.verify_prehash(&digest, &signature)
        .map_err(|_| ReceiptError::BadSignature { lease_id })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use cosmwasm_std::{Addr, Binary, Timestamp, Uint128};
    use depin_interface::Denom;
    use k256::ecdsa::SigningKey;

    pub const CHAIN: &str = "testing";
    pub const ESCROW: &str = "wasm1escrow";
    pub const PROVIDER: &str = "wasm1provider";

    pub fn key() -> SigningKey {
        SigningKey::from_slice(&[7u8; 32]).unwrap()
    }

    pub fn lease(id: u64, billing: BillingMode, state: LeaseState) -> LeaseResponse {
        LeaseResponse {
            lease_id: id,
            consumer: Addr::unchecked("wasm1consumer"),
            provider: Addr::unchecked(PROVIDER),
            denom: Denom::Native("uusdc".into()),
            billing,
            price_per_unit: Uint128::new(10),
            dispute_window: 8,
            state,
            deposited: Uint128::new(1_000_000),
            paid: Uint128::zero(),
            reserved: Uint128::zero(),
            available: Uint128::new(1_000_000),
            refunded: Uint128::zero(),
            units: Uint128::zero(),
            reported_units: Uint128::zero(),
            opened_at: Timestamp::from_seconds(100),
            started_at: Some(Timestamp::from_seconds(100)),
            closed_at: None,
            last_settled_at: None,
            close_after: None,
        }
    }

    fn receipts_lease(id: u64) -> LeaseResponse {
        let pubkey = key()
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec();
        lease(
            id,
            BillingMode::Receipts {
                consumer_pubkey: Binary::from(pubkey),
            },
            LeaseState::Open,
        )
    }

    fn signed(lease_id: u64, units: u128, signer: &SigningKey) -> PostedReceipt {
        let digest = receipt_digest(CHAIN, ESCROW, lease_id, units);
        let (signature, _) = signer.sign_prehash_recoverable(&digest).unwrap();
        PostedReceipt {
            lease_id,
            cumulative_units: Uint128::new(units),
            signature: Binary::from(signature.to_bytes().to_vec()),
        }
    }

    fn check(r: &PostedReceipt, l: &LeaseResponse, held: Option<u128>) -> Result<(), ReceiptError> {
        check_receipt(r, l, PROVIDER, CHAIN, ESCROW, held, 200)
    }

    #[test]
    fn a_receipt_signed_by_the_lease_key_is_accepted() {
        check(&signed(3, 100, &key()), &receipts_lease(3), Some(50)).unwrap();
    }

    #[test]
    fn a_receipt_signed_by_another_key_is_refused() {
        let other = SigningKey::from_slice(&[9u8; 32]).unwrap();
        assert_eq!(
            check(&signed(3, 100, &other), &receipts_lease(3), None),
            Err(ReceiptError::BadSignature { lease_id: 3 })
        );
    }

    #[test]
    fn a_receipt_for_another_lease_or_chain_is_refused() {
        // Signed for lease 4, posted for lease 3.
        let mut moved = signed(4, 100, &key());
        moved.lease_id = 3;
        assert_eq!(
            check(&moved, &receipts_lease(3), None),
            Err(ReceiptError::BadSignature { lease_id: 3 })
        );
        let other_chain = signed(3, 100, &key());
        assert_eq!(
            check_receipt(
                &other_chain,
                &receipts_lease(3),
                PROVIDER,
                "other",
                ESCROW,
                None,
                200
            ),
            Err(ReceiptError::BadSignature { lease_id: 3 })
        );
        let mut foreign = receipts_lease(3);
        foreign.provider = Addr::unchecked("wasm1someoneelse");
        assert_eq!(
            check(&signed(3, 100, &key()), &foreign, None),
            Err(ReceiptError::NotOurLease { lease_id: 3 })
        );
    }

    #[test]
    fn units_must_grow() {
        assert_eq!(
            check(&signed(3, 100, &key()), &receipts_lease(3), Some(150)),
            Err(ReceiptError::NotIncreasing {
                cumulative_units: 100,
                held: 150
            })
        );
        let mut redeemed = receipts_lease(3);
        redeemed.units = Uint128::new(100);
        assert_eq!(
            check(&signed(3, 100, &key()), &redeemed, None),
            Err(ReceiptError::AlreadyRedeemed {
                cumulative_units: 100,
                redeemed: 100
            })
        );
    }

    #[test]
    fn only_open_or_closing_in_grace_leases_take_receipts() {
        let metered = lease(3, BillingMode::Metered {}, LeaseState::Open);
        assert_eq!(
            check(&signed(3, 1, &key()), &metered, None),
            Err(ReceiptError::NotReceipts {
                lease_id: 3,
                mode: "metered"
            })
        );
        let mut closing = receipts_lease(3);
        closing.state = LeaseState::Closing;
        closing.close_after = Some(Timestamp::from_seconds(250));
        check(&signed(3, 10, &key()), &closing, None).unwrap();
        closing.close_after = Some(Timestamp::from_seconds(150));
        assert_eq!(
            check(&signed(3, 10, &key()), &closing, None),
            Err(ReceiptError::NotRedeemable {
                lease_id: 3,
                state: "closing"
            })
        );
    }
}
