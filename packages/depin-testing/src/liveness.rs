//! Proof of service in the suite: each provider's agent key, signed liveness
//! proofs, the oracle's `prove_liveness`, and the always-on oracle that
//! `advance` runs unless a test turns it off (`SuiteBuilder::auto_prove`).

use cosmwasm_std::{from_json, Addr, Binary};
use cw_multi_test::error::AnyResult;
use cw_multi_test::AppResponse;
use depin_interface::liveness::liveness_digest;
use depin_interface::registry::{ExecuteMsg, LivenessProof, ProveLivenessResponse};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::shared::pubkey;
use crate::suite::Suite;

/// The nonce the suite's oracle sends (any 8 to 64 bytes will do).
pub const NONCE: &[u8] = b"suite-oracle-nonce";

/// A deterministic agent key for `provider` (sha256 of its address).
pub fn agent_key(provider: &Addr) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("agent:{provider}")).into();
    SigningKey::from_bytes(&seed.into()).expect("a valid secp256k1 scalar")
}

/// The 33-byte public key of [`agent_key`].
pub fn agent_pubkey(provider: &Addr) -> Binary {
    pubkey(&agent_key(provider))
}

/// `key`'s signature over the liveness digest.
pub fn sign_liveness(
    key: &SigningKey,
    (chain_id, registry): (&str, &str),
    provider: &Addr,
    epoch: u64,
    nonce: &[u8],
) -> Binary {
    let digest = liveness_digest(chain_id, registry, provider.as_str(), epoch, nonce);
    let signature: Signature = key.sign_prehash(&digest).expect("signing a liveness proof");
    Binary::from(&signature.to_bytes()[..])
}

impl Suite {
    /// The current reward epoch, from the registry's genesis and epoch length.
    pub fn epoch(&self) -> u64 {
        let config = self.registry_config();
        let now = self.app.block_info().time.seconds();
        now.saturating_sub(config.genesis_time.seconds()) / config.epoch_seconds.max(1)
    }

    /// `provider`'s agent answering a challenge for `epoch` on this suite's chain and registry.
    pub fn liveness_proof(&self, provider: &Addr, epoch: u64) -> LivenessProof {
        self.liveness_proof_by(&agent_key(provider), provider, epoch)
    }

    /// A proof for `provider` signed by any `key` (a forgery when it is not its agent's).
    pub fn liveness_proof_by(
        &self,
        key: &SigningKey,
        provider: &Addr,
        epoch: u64,
    ) -> LivenessProof {
        let chain_id = self.app.block_info().chain_id;
        LivenessProof {
            provider: provider.to_string(),
            nonce: Binary::from(NONCE),
            signature: sign_liveness(
                key,
                (&chain_id, self.registry.as_str()),
                provider,
                epoch,
                NONCE,
            ),
        }
    }

    /// `prove_liveness` from `sender`.
    pub fn prove_liveness(
        &mut self,
        sender: &Addr,
        epoch: u64,
        proofs: Vec<LivenessProof>,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(sender, &ExecuteMsg::ProveLiveness { epoch, proofs }, &[])
    }

    /// The suite's oracle proves `providers` for `epoch` with their agents' signatures.
    pub fn prove(&mut self, providers: &[&Addr], epoch: u64) -> ProveLivenessResponse {
        let proofs = providers
            .iter()
            .map(|p| self.liveness_proof(p, epoch))
            .collect();
        let oracle = self.actors.oracle.clone();
        let res = self
            .prove_liveness(&oracle, epoch, proofs)
            .expect("the oracle's prove_liveness");
        from_json(res.data.expect("prove_liveness data")).expect("a ProveLivenessResponse")
    }

    /// The always-on oracle: proves every provider registered through the
    /// suite (`live`) for the current epoch.
    pub(crate) fn prove_live(&mut self) {
        if !self.params.auto_prove || self.live.is_empty() {
            return;
        }
        let epoch = self.epoch();
        let live = self.live.clone();
        for batch in live.chunks(depin_interface::liveness::MAX_LIVENESS_PROOFS) {
            let refs: Vec<&Addr> = batch.iter().collect();
            self.prove(&refs, epoch);
        }
    }
}
