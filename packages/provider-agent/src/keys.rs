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

    pub fn from_file(path: &Path, prefix: &str) -> Result<Key> {
        let phrase = std::fs::read_to_string(path)
            .map_err(|e| AgentError::Key(format!("cannot read {}: {e}", path.display())))?;
        Key::from_mnemonic(&phrase, prefix)
    }

    /// A new random 24-word mnemonic.
    pub fn generate_mnemonic() -> String {
        Mnemonic::random(rand::rngs::OsRng, Language::English)
            .phrase()
            .to_string()
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
}
