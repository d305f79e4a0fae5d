//! The bytes a consumer signs for a usage receipt. Every client (Rust, the
//! TypeScript client, wallets) builds them with this one definition.

use sha2::{Digest, Sha256};

/// Domain separator, so a receipt signature can never be a valid signature of anything else.
pub const RECEIPT_DOMAIN: &[u8] = b"depin-receipt";

/// The message before hashing:
/// `"depin-receipt" ‖ chain_id ‖ escrow address (bech32) ‖ lease_id (u64 BE) ‖ cumulative_units (u128 BE)`.
pub fn receipt_message(
    chain_id: &str,
    escrow: &str,
    lease_id: u64,
    cumulative_units: u128,
) -> Vec<u8> {
    let mut msg = Vec::with_capacity(RECEIPT_DOMAIN.len() + chain_id.len() + escrow.len() + 24);
    msg.extend_from_slice(RECEIPT_DOMAIN);
    msg.extend_from_slice(chain_id.as_bytes());
    msg.extend_from_slice(escrow.as_bytes());
    msg.extend_from_slice(&lease_id.to_be_bytes());
    msg.extend_from_slice(&cumulative_units.to_be_bytes());
    msg
}

/// The 32-byte digest the consumer signs (and `secp256k1_verify` checks).
pub fn receipt_digest(
    chain_id: &str,
    escrow: &str,
    lease_id: u64,
    cumulative_units: u128,
) -> [u8; 32] {
    Sha256::digest(receipt_message(
        chain_id,
        escrow,
        lease_id,
        cumulative_units,
    ))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_layout_is_fixed() {
        let msg = receipt_message("c", "e", 1, 2);
        let mut expected = b"depin-receiptce".to_vec();
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
        expected.extend_from_slice(&[0; 15]);
        expected.push(2);
        assert_eq!(msg, expected);
    }

    #[test]
    fn every_field_changes_the_digest() {
        let base = receipt_digest("testing", "wasm1escrow", 7, 100);
        assert_ne!(base, receipt_digest("testing2", "wasm1escrow", 7, 100));
        assert_ne!(base, receipt_digest("testing", "wasm1escrow2", 7, 100));
        assert_ne!(base, receipt_digest("testing", "wasm1escrow", 8, 100));
        assert_ne!(base, receipt_digest("testing", "wasm1escrow", 7, 101));
    }
}
