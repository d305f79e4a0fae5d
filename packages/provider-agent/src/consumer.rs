//! The consumer side of the receipt channel: a session key made for one
//! receipts lease, cumulative receipts signed as usage grows (never less than
//! before: the highest signed is saved before a receipt leaves), posted to the
//! provider's endpoint.

use std::path::Path;

use cosmwasm_std::{Binary, Uint128};
use depin_interface::receipt::receipt_digest;
use k256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::receipts::PostedReceipt;

#[derive(Debug, Error)]
pub enum ConsumerError {
    #[error(
        "refusing to sign {requested} units: {signed} were already signed for lease {lease_id}"
    )]
    Decreasing {
        lease_id: u64,
        requested: u128,
        signed: u128,
    },
    #[error("session key: {0}")]
    Key(String),
    #[error("state file {path}: {message}")]
    State { path: String, message: String },
    #[error("the provider refused the receipt ({status}): {body}")]
    Refused { status: u16, body: String },
    #[error("http: {0}")]
    Http(String),
}

/// What a consumer keeps per receipts lease (a JSON file).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    pub chain_id: String,
    pub escrow: String,
    pub lease_id: u64,
    /// The session key (hex scalar); it only signs receipts of this lease.
    pub session_key: String,
    /// Highest cumulative units signed so far.
    pub signed: Uint128,
}

impl Session {
    /// A fresh session key; `lease_id` is set once the lease is open.
    pub fn new(chain_id: &str, escrow: &str) -> Session {
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        Session {
            chain_id: chain_id.into(),
            escrow: escrow.into(),
            lease_id: 0,
            session_key: crate::hex::encode(&key.to_bytes()),
            signed: Uint128::zero(),
        }
    }

    fn key(&self) -> Result<SigningKey, ConsumerError> {
        let bytes = crate::hex::decode(&self.session_key)
            .ok_or_else(|| ConsumerError::Key("not hex".into()))?;
        SigningKey::from_slice(&bytes).map_err(|e| ConsumerError::Key(e.to_string()))
    }

    /// The 33-byte compressed public key for `{"receipts": {"consumer_pubkey": ...}}`.
    pub fn pubkey(&self) -> Result<Binary, ConsumerError> {
        Ok(Binary::from(
            self.key()?
                .verifying_key()
                .to_encoded_point(true)
                .as_bytes()
                .to_vec(),
        ))
    }

    /// Signs a receipt for `cumulative_units`; never less than already signed.
    /// Signing the same units again returns the same receipt (RFC 6979).
    pub fn sign(&mut self, cumulative_units: u128) -> Result<PostedReceipt, ConsumerError> {
        if cumulative_units < self.signed.u128() {
            return Err(ConsumerError::Decreasing {
                lease_id: self.lease_id,
                requested: cumulative_units,
                signed: self.signed.u128(),
            });
        }
        let digest = receipt_digest(
            &self.chain_id,
            &self.escrow,
            self.lease_id,
            cumulative_units,
        );
        let (signature, _) = self
            .key()?
            .sign_prehash_recoverable(&digest)
            .map_err(|e| ConsumerError::Key(e.to_string()))?;
        self.signed = Uint128::new(cumulative_units);
        Ok(PostedReceipt {
            lease_id: self.lease_id,
            cumulative_units: Uint128::new(cumulative_units),
            signature: Binary::from(signature.to_bytes().to_vec()),
        })
    }

    pub fn load(path: &Path) -> Result<Session, ConsumerError> {
        let state = |message: String| ConsumerError::State {
            path: path.display().to_string(),
            message,
        };
        // It holds the session's private key.
        crate::keys::check_private(path).map_err(|e| state(e.to_string()))?;
        let text = std::fs::read_to_string(path).map_err(|e| state(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| state(e.to_string()))
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), ConsumerError> {
        let state = |message: String| ConsumerError::State {
            path: path.display().to_string(),
            message,
        };
        let text = serde_json::to_string_pretty(self).map_err(|e| state(e.to_string()))?;
        let tmp = path.with_extension("tmp");
        // It holds the session's private key: mode 0600 from its creation.
        crate::keys::write_private(&tmp, &text).map_err(|e| state(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| state(e.to_string()))
    }
}

/// Posts a receipt to the provider's endpoint (`<base>/receipts`).
pub async fn post_receipt(base: &str, receipt: &PostedReceipt) -> Result<(), ConsumerError> {
    let url = format!("{}/receipts", base.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .post(url)
        .json(receipt)
        .send()
        .await
        .map_err(|e| ConsumerError::Http(e.to_string()))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    Err(ConsumerError::Refused {
        status: status.as_u16(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipts::check_receipt;
    use crate::receipts::tests::lease;
    use depin_interface::escrow::{BillingMode, LeaseState};

    #[test]
    fn the_signer_never_signs_less() {
        let mut session = Session::new("testing", "wasm1escrow");
        session.lease_id = 4;
        session.sign(10).unwrap();
        session.sign(10).unwrap();
        let err = session.sign(9).unwrap_err();
        assert!(matches!(
            err,
            ConsumerError::Decreasing {
                requested: 9,
                signed: 10,
                ..
            }
        ));
        session.sign(11).unwrap();
        assert_eq!(session.signed.u128(), 11);
    }

    #[test]
    fn receipts_from_the_session_pass_the_providers_checks() {
        let mut session = Session::new("testing", "wasm1escrow");
        session.lease_id = 4;
        let l = lease(
            4,
            BillingMode::Receipts {
                consumer_pubkey: session.pubkey().unwrap(),
            },
            LeaseState::Open,
        );
        let r = session.sign(250).unwrap();
        check_receipt(&r, &l, "wasm1provider", "testing", "wasm1escrow", None, 0).unwrap();
    }

    #[test]
    fn the_session_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lease.json");
        let mut session = Session::new("testing", "wasm1escrow");
        session.sign(5).unwrap();
        session.save(&path).unwrap();
        let mut loaded = Session::load(&path).unwrap();
        assert_eq!(loaded, session);
        assert!(loaded.sign(4).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_session_file_holding_a_private_key_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lease.json");
        Session::new("testing", "wasm1escrow").save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "lease.json written with mode {mode:o}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = Session::load(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
    }
}
