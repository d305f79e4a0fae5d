//! The bytes a provider's agent signs to prove it is live in an epoch
//! (proof of service). The registry, the provider agent, the oracle daemon
//! and the TypeScript client build them with this one definition.

use sha2::{Digest, Sha256};

/// Domain separator, so a liveness signature is never a valid signature of anything else.
pub const LIVENESS_DOMAIN: &[u8] = b"depin-liveness";
/// Shortest nonce an oracle may send: a challenge an agent could not have
/// signed in advance.
pub const MIN_NONCE_BYTES: usize = 8;
/// Longest nonce an oracle may send (and an agent signs).
pub const MAX_NONCE_BYTES: usize = 64;
/// Most proofs in one `prove_liveness` message (bounds its gas: one
/// signature check and two record writes each).
pub const MAX_LIVENESS_PROOFS: usize = 200;
/// Length of an agent key: a compressed secp256k1 public key.
pub const AGENT_KEY_BYTES: usize = 33;

/// The message before hashing:
/// `"depin-liveness" ‖ chain_id ‖ registry address ‖ provider address ‖ epoch (u64 BE) ‖ nonce`.
pub fn liveness_message(
    chain_id: &str,
    registry: &str,
    provider: &str,
    epoch: u64,
    nonce: &[u8],
) -> Vec<u8> {
    let mut msg = Vec::with_capacity(
        LIVENESS_DOMAIN.len() + chain_id.len() + registry.len() + provider.len() + 8 + nonce.len(),
    );
    msg.extend_from_slice(LIVENESS_DOMAIN);
    msg.extend_from_slice(chain_id.as_bytes());
    msg.extend_from_slice(registry.as_bytes());
    msg.extend_from_slice(provider.as_bytes());
    msg.extend_from_slice(&epoch.to_be_bytes());
    msg.extend_from_slice(nonce);
    msg
}

/// The 32-byte digest the agent signs (and `secp256k1_verify` checks).
pub fn liveness_digest(
    chain_id: &str,
    registry: &str,
    provider: &str,
    epoch: u64,
    nonce: &[u8],
) -> [u8; 32] {
    Sha256::digest(liveness_message(chain_id, registry, provider, epoch, nonce)).into()
}

/// True for a well-formed agent key: 33 bytes starting 0x02 or 0x03 (the
/// curve point itself is checked when a signature is verified).
pub fn is_agent_key(key: &[u8]) -> bool {
    key.len() == AGENT_KEY_BYTES && matches!(key[0], 0x02 | 0x03)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_layout_is_fixed() {
        let msg = liveness_message("c", "r", "p", 1, &[9, 9]);
        let mut expected = b"depin-livenesscrp".to_vec();
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
        expected.extend_from_slice(&[9, 9]);
        assert_eq!(msg, expected);
    }

    #[test]
    fn every_field_changes_the_digest() {
        let base = liveness_digest("testing", "wasm1registry", "wasm1p", 7, b"12345678");
        assert_ne!(
            base,
            liveness_digest("testing2", "wasm1registry", "wasm1p", 7, b"12345678")
        );
        assert_ne!(
            base,
            liveness_digest("testing", "wasm1registry2", "wasm1p", 7, b"12345678")
        );
        assert_ne!(
            base,
            liveness_digest("testing", "wasm1registry", "wasm1q", 7, b"12345678")
        );
        assert_ne!(
            base,
            liveness_digest("testing", "wasm1registry", "wasm1p", 8, b"12345678")
        );
        assert_ne!(
            base,
            liveness_digest("testing", "wasm1registry", "wasm1p", 7, b"12345679")
        );
    }

    #[test]
    fn agent_keys_are_compressed_points() {
        let mut key = [2u8; 33];
        assert!(is_agent_key(&key));
        key[0] = 4;
        assert!(!is_agent_key(&key));
        assert!(!is_agent_key(&[2u8; 32]));
    }
}
