//! The agent key: a secp256k1 key of its own (not the hot key) that signs
//! oracles' liveness challenges. Its public key is on chain (`register`,
//! `update_provider`); the secret stays in a file beside the hot key,
//! written 0600 and refused when others may read it, like every key file.
//! A rotation writes the new key to `<file>.next` first and moves it over
//! the file only once the chain has it.

use std::path::{Path, PathBuf};

use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};

use crate::error::{AgentError, Result};
use crate::hex;
use crate::keys::{check_private, write_private};

/// An agent key (secret scalar) and its compressed public key.
pub struct AgentKey {
    signing: SigningKey,
}

impl std::fmt::Debug for AgentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentKey")
            .field("public", &hex::encode(&self.public_key()))
            .finish_non_exhaustive()
    }
}

/// The file a rotation writes before the chain has the new key.
pub fn next_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".next");
    PathBuf::from(name)
}

impl AgentKey {
    pub fn generate() -> AgentKey {
        AgentKey {
            signing: SigningKey::random(&mut rand::rngs::OsRng),
        }
    }

    /// Reads a key file (hex of the 32-byte secret), refusing one others may read.
    pub fn load(path: &Path) -> Result<AgentKey> {
        check_private(path)?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| AgentError::Key(format!("cannot read {}: {e}", path.display())))?;
        hex::decode(text.trim())
            .and_then(|bytes| SigningKey::from_slice(&bytes).ok())
            .map(|signing| AgentKey { signing })
            .ok_or_else(|| {
                AgentError::Key(format!(
                    "{} does not hold an agent key (the hex of a 32-byte secp256k1 secret)",
                    path.display()
                ))
            })
    }

    /// Reads the key file, or creates it (0600) with a new key on first use.
    pub fn load_or_create(path: &Path) -> Result<AgentKey> {
        if path.exists() {
            return AgentKey::load(path);
        }
        let key = AgentKey::generate();
        key.save(path)?;
        tracing::info!(file = %path.display(), "agent key created");
        Ok(key)
    }

    /// Writes the key file, readable and writable by its owner only.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_private(
            path,
            &format!("{}\n", hex::encode(&self.signing.to_bytes())),
        )?;
        Ok(())
    }

    /// The 33-byte compressed public key the registry holds.
    pub fn public_key(&self) -> Vec<u8> {
        self.signing
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec()
    }

    /// A 64-byte compact signature (r ‖ s) of a 32-byte digest: RFC 6979
    /// nonces, s normalised low (what `secp256k1_verify` accepts).
    pub fn sign(&self, digest: &[u8; 32]) -> Result<[u8; 64]> {
        let (signature, _) = self
            .signing
            .sign_prehash_recoverable(digest)
            .map_err(|e| AgentError::Key(format!("signing: {e}")))?;
        let signature = signature.normalize_s().unwrap_or(signature);
        Ok(signature.to_bytes().into())
    }
}

/// True when `signature` (64-byte compact, low s) of `digest` verifies
/// against the compressed public key `key` — the check the registry makes.
pub fn verify(key: &[u8], digest: &[u8; 32], signature: &[u8]) -> bool {
    let (Ok(key), Ok(signature)) = (
        VerifyingKey::from_sec1_bytes(key),
        Signature::from_slice(signature),
    ) else {
        return false;
    };
    // k256 refuses a high-s signature, as the chain does.
    key.verify_prehash(digest, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use depin_interface::liveness::{is_agent_key, liveness_digest};

    #[test]
    fn a_signature_verifies_against_the_interface_digest_and_nothing_else() {
        let key = AgentKey::generate();
        assert!(is_agent_key(&key.public_key()));
        let digest = liveness_digest("testing", "wasm1reg", "wasm1p", 7, b"12345678");
        let signature = key.sign(&digest).unwrap();
        assert!(verify(&key.public_key(), &digest, &signature));
        // RFC 6979: the same digest, the same signature.
        assert_eq!(key.sign(&digest).unwrap(), signature);
        let other = liveness_digest("testing", "wasm1reg", "wasm1p", 8, b"12345678");
        assert!(!verify(&key.public_key(), &other, &signature));
        assert!(!verify(
            &AgentKey::generate().public_key(),
            &digest,
            &signature
        ));
        // Low s: the high-s twin of the signature is refused, as on chain.
        let parsed = Signature::from_slice(&signature).unwrap();
        assert!(parsed.normalize_s().is_none(), "s is already low");
        let (r, s) = parsed.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        assert!(!verify(&key.public_key(), &digest, &high.to_bytes()));
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_created_private_and_refused_when_others_may_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.key");
        let created = AgentKey::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let loaded = AgentKey::load_or_create(&path).unwrap();
        assert_eq!(loaded.public_key(), created.public_key());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = AgentKey::load(&path).unwrap_err().to_string();
        assert!(err.contains("run `chmod 600"), "{err}");
        let bad = dir.path().join("bad.key");
        write_private(&bad, "not hex").unwrap();
        let err = AgentKey::load(&bad).unwrap_err().to_string();
        assert!(err.contains("does not hold an agent key"), "{err}");
        assert_eq!(next_path(&path), dir.path().join("agent.key.next"));
    }
}
