//! Keys: a BIP-39 mnemonic (the Cosmos path m/44'/118'/0'/0/0) to a signing
//! key and its bech32 address.

use std::path::Path;

use bip32::{DerivationPath, Language, Mnemonic};
use cosmrs::crypto::secp256k1::SigningKey;

use crate::error::{AgentError, Result};

pub const COSMOS_PATH: &str = "m/44'/118'/0'/0/0";

/// A signing key with its address.
pub struct Key {
    pub signing_key: SigningKey,
    pub address: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Key {
    pub fn from_mnemonic(phrase: &str, prefix: &str) -> Result<Key> {
        let mnemonic = Mnemonic::new(phrase.trim(), Language::English)
            .map_err(|e| AgentError::Key(format!("not a BIP-39 mnemonic: {e}")))?;
        let seed = mnemonic.to_seed("");
        let path: DerivationPath = COSMOS_PATH
            .parse()
            .map_err(|e| AgentError::Key(format!("derivation path: {e}")))?;
        let signing_key = SigningKey::derive_from_path(seed, &path)
            .map_err(|e| AgentError::Key(format!("derivation: {e}")))?;
        let address = signing_key
            .public_key()
            .account_id(prefix)
            .map_err(|e| AgentError::Key(format!("address: {e}")))?
            .to_string();
        Ok(Key {
            signing_key,
            address,
        })
    }

    /// Reads a mnemonic file, which must be private to its owner (as ssh
    /// refuses a private key others can read).
    pub fn from_file(path: &Path, prefix: &str) -> Result<Key> {
        check_private(path)?;
        let phrase = std::fs::read_to_string(path)
            .map_err(|e| AgentError::Key(format!("cannot read {}: {e}", path.display())))?;
        Key::from_mnemonic(&phrase, prefix).map_err(|e| {
            let reason = match e {
                AgentError::Key(reason) => reason,
                other => other.to_string(),
            };
            AgentError::Key(format!(
                "{} does not hold a usable mnemonic ({reason}): the file must hold the 12 or 24 English words of a BIP-39 mnemonic and nothing else",
                path.display()
            ))
        })
    }

    /// A new random 24-word mnemonic.
    pub fn generate_mnemonic() -> String {
        Mnemonic::random(rand::rngs::OsRng, Language::English)
            .phrase()
            .to_string()
    }
}

/// Refuses a file holding a key that its group or others may read, naming the fix.
pub fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| AgentError::Key(format!("cannot read {}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(AgentError::Key(format!(
                "{path} holds a key and other users may read it (mode {mode:03o}): run `chmod 600 {path}`",
                path = path.display(),
                mode = mode & 0o777
            )));
        }
    }
    Ok(())
}

/// Writes a file holding a key, readable and writable by its owner only
/// (mode 0600 from its creation, and if it existed).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devnet_mnemonic_derives_the_known_address() {
        // provider1 of scripts/devnet-accounts.json, whose address deploy.ts prints.
        let key = Key::from_mnemonic(
            "mass label useless bid fluid elite damage liberty soon siren useless hollow employ certain milk clip clock donate course light weekend dutch track fashion",
            "wasm",
        )
        .unwrap();
        assert_eq!(key.address, "wasm1xkzgfw2tgqw2w9l78vf3hvray540jxq0w5vs3d");
    }

    #[test]
    fn generated_mnemonics_differ_and_load() {
        let a = Key::generate_mnemonic();
        let b = Key::generate_mnemonic();
        assert_ne!(a, b);
        assert!(Key::from_mnemonic(&a, "wasm")
            .unwrap()
            .address
            .starts_with("wasm1"));
        assert!(Key::from_mnemonic("not a mnemonic", "wasm").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn key_files_others_may_read_are_refused_and_bad_ones_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hot.mnemonic");
        write_private(&path, &Key::generate_mnemonic()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        Key::from_file(&path, "wasm").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Key::from_file(&path, "wasm").unwrap_err().to_string();
        assert!(
            err.contains(&format!("run `chmod 600 {}`", path.display())),
            "{err}"
        );
        assert!(err.contains("mode 644"), "{err}");
        // A file that is no mnemonic: the error names it.
        let bad = dir.path().join("bad.mnemonic");
        write_private(&bad, "twelve words that are not a mnemonic").unwrap();
        let err = Key::from_file(&bad, "wasm").unwrap_err().to_string();
        assert!(err.contains(&bad.display().to_string()), "{err}");
        assert!(err.contains("BIP-39"), "{err}");
    }
}
