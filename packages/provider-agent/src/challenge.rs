//! Liveness challenges (proof of service), both sides of `POST /liveness`:
//! the agent answers `{epoch, nonce}` with its agent key's signature over
//! `depin_interface::liveness::liveness_digest`; the oracle checks the answer
//! against the key the registry holds before it submits it.

use std::path::PathBuf;
use std::sync::RwLock;

use cosmwasm_std::Binary;
use depin_interface::liveness::{liveness_digest, MAX_NONCE_BYTES, MIN_NONCE_BYTES};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::agent_key::{next_path, verify, AgentKey};
use crate::epoch::EpochClock;
use crate::error::Result;

/// Seconds the agent's clock may be off the oracle's (or the chain's) at an
/// epoch boundary: an epoch that starts within this is accepted already.
pub const CLOCK_SKEW_SECONDS: u64 = 1;

/// What an oracle posts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Challenge {
    pub epoch: u64,
    pub nonce: Binary,
}

/// What the agent answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Answer {
    pub provider: String,
    pub epoch: u64,
    pub agent_pubkey: Binary,
    /// 64-byte compact signature (r ‖ s, low s).
    pub signature: Binary,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ChallengeError {
    #[error("the nonce is {len} bytes; a challenge's nonce is {MIN_NONCE_BYTES} to {MAX_NONCE_BYTES} bytes")]
    BadNonce { len: usize },
    #[error("epoch {epoch} is not open: this agent answers for the current epoch ({current}) and the previous one")]
    WrongEpoch { epoch: u64, current: u64 },
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Why an oracle does not count an answer.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AnswerError {
    #[error("answered for {answered}, not for {asked}")]
    WrongProvider { answered: String, asked: String },
    #[error("answered for epoch {answered}, not for {asked}")]
    WrongEpoch { answered: u64, asked: u64 },
    #[error("the signature does not verify against the agent key on chain")]
    BadSignature,
}

/// Where a signature counts: the chain and the registry (part of the digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub chain_id: String,
    pub registry: String,
}

impl Domain {
    pub fn digest(&self, provider: &str, epoch: u64, nonce: &[u8]) -> [u8; 32] {
        liveness_digest(&self.chain_id, &self.registry, provider, epoch, nonce)
    }

    /// The oracle's check of an answer to `challenge` sent to `provider`,
    /// against `agent_key`, the key the registry holds (not the one the answer names).
    pub fn check(
        &self,
        provider: &str,
        challenge: &Challenge,
        agent_key: &[u8],
        answer: &Answer,
    ) -> Result<(), AnswerError> {
        if answer.provider != provider {
            return Err(AnswerError::WrongProvider {
                answered: answer.provider.clone(),
                asked: provider.to_string(),
            });
        }
        if answer.epoch != challenge.epoch {
            return Err(AnswerError::WrongEpoch {
                answered: answer.epoch,
                asked: challenge.epoch,
            });
        }
        let digest = self.digest(provider, challenge.epoch, challenge.nonce.as_slice());
        if !verify(agent_key, &digest, answer.signature.as_slice()) {
            return Err(AnswerError::BadSignature);
        }
        Ok(())
    }
}

/// The agent's side: answers challenges with its agent key, and follows a
/// rotation once the chain holds the new key.
pub struct Prover {
    key: RwLock<AgentKey>,
    key_file: PathBuf,
    domain: Domain,
    provider: String,
    clock: EpochClock,
}

impl Prover {
    pub fn new(
        key: AgentKey,
        key_file: PathBuf,
        domain: Domain,
        provider: String,
        clock: EpochClock,
    ) -> Prover {
        Prover {
            key: RwLock::new(key),
            key_file,
            domain,
            provider,
            clock,
        }
    }

    fn key(&self) -> std::sync::RwLockReadGuard<'_, AgentKey> {
        self.key
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.key().public_key()
    }

    /// Signs the challenge when its nonce has a valid length and its epoch
    /// is the current or the previous one at `now` (Unix seconds, local clock).
    pub fn answer(&self, challenge: &Challenge, now: u64) -> Result<Answer, ChallengeError> {
        let len = challenge.nonce.len();
        if !(MIN_NONCE_BYTES..=MAX_NONCE_BYTES).contains(&len) {
            return Err(ChallengeError::BadNonce { len });
        }
        let latest = self.clock.epoch_at(now.saturating_add(CLOCK_SKEW_SECONDS));
        let earliest = self
            .clock
            .epoch_at(now.saturating_sub(CLOCK_SKEW_SECONDS))
            .saturating_sub(1);
        if !(earliest..=latest).contains(&challenge.epoch) {
            return Err(ChallengeError::WrongEpoch {
                epoch: challenge.epoch,
                current: self.clock.epoch_at(now),
            });
        }
        let digest =
            self.domain
                .digest(&self.provider, challenge.epoch, challenge.nonce.as_slice());
        let key = self.key();
        let signature = key
            .sign(&digest)
            .map_err(|e| ChallengeError::Signing(e.to_string()))?;
        Ok(Answer {
            provider: self.provider.clone(),
            epoch: challenge.epoch,
            agent_pubkey: Binary::from(key.public_key()),
            signature: Binary::from(signature.to_vec()),
        })
    }

    /// After reading the registry's key: when it is not the key in use, the
    /// key file (a rotation moved the new key over it) or `<file>.next` (a
    /// rotation the chain committed before its file was moved) holds it;
    /// the agent switches to it. False when neither does.
    pub fn follow(&self, on_chain: &[u8]) -> Result<bool> {
        if self.public_key() == on_chain {
            return Ok(true);
        }
        let next = next_path(&self.key_file);
        for file in [&self.key_file, &next] {
            if !file.exists() {
                continue;
            }
            let key = AgentKey::load(file)?;
            if key.public_key() != on_chain {
                continue;
            }
            if file == &next {
                std::fs::rename(&next, &self.key_file)?;
            }
            tracing::info!(file = %self.key_file.display(), "agent key rotated: answering with the key the registry holds");
            *self
                .key
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = key;
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const NOW: u64 = 1_000_000;

    fn domain() -> Domain {
        Domain {
            chain_id: "testing".into(),
            registry: "wasm1registry".into(),
        }
    }

    /// A prover whose clock is 2 s into epoch 100 at NOW (5-second epochs).
    pub(crate) fn prover(dir: &std::path::Path) -> Prover {
        let file = dir.join("agent.key");
        let key = AgentKey::load_or_create(&file).unwrap();
        let clock = EpochClock::new(NOW - 502, 5).unwrap();
        Prover::new(key, file, domain(), "wasm1provider".into(), clock)
    }

    fn challenge(epoch: u64, len: usize) -> Challenge {
        Challenge {
            epoch,
            nonce: Binary::from(vec![7u8; len]),
        }
    }

    #[test]
    fn an_answer_verifies_on_the_oracles_side_against_the_key_on_chain() {
        let dir = tempfile::tempdir().unwrap();
        let prover = prover(dir.path());
        for epoch in [99, 100] {
            let c = challenge(epoch, 32);
            let answer = prover.answer(&c, NOW).unwrap();
            assert_eq!(answer.signature.len(), 64);
            assert_eq!(answer.agent_pubkey.as_slice(), prover.public_key());
            domain()
                .check("wasm1provider", &c, &prover.public_key(), &answer)
                .unwrap();
            let stale = AgentKey::generate().public_key();
            assert_eq!(
                domain().check("wasm1provider", &c, &stale, &answer),
                Err(AnswerError::BadSignature)
            );
            // The answer for another nonce does not verify.
            let other = challenge(epoch, 33);
            assert_eq!(
                domain().check("wasm1provider", &other, &prover.public_key(), &answer),
                Err(AnswerError::BadSignature)
            );
        }
        let c = challenge(100, 8);
        let answer = prover.answer(&c, NOW).unwrap();
        assert!(matches!(
            domain().check("wasm1other", &c, &prover.public_key(), &answer),
            Err(AnswerError::WrongProvider { .. })
        ));
    }

    #[test]
    fn a_nonce_outside_its_bounds_or_a_closed_epoch_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let prover = prover(dir.path());
        assert_eq!(
            prover.answer(&challenge(100, 7), NOW),
            Err(ChallengeError::BadNonce { len: 7 })
        );
        assert_eq!(
            prover.answer(&challenge(100, 65), NOW),
            Err(ChallengeError::BadNonce { len: 65 })
        );
        prover.answer(&challenge(100, 64), NOW).unwrap();
        for epoch in [98, 102, 0] {
            assert_eq!(
                prover.answer(&challenge(epoch, 32), NOW),
                Err(ChallengeError::WrongEpoch {
                    epoch,
                    current: 100
                })
            );
        }
        // One second before epoch 101 starts (NOW + 3), an oracle already in it is answered.
        prover.answer(&challenge(101, 32), NOW + 2).unwrap();
        assert!(prover.answer(&challenge(101, 32), NOW + 1).is_err());
    }

    #[test]
    fn the_prover_follows_a_rotation_the_chain_committed() {
        let dir = tempfile::tempdir().unwrap();
        let prover = prover(dir.path());
        let old = prover.public_key();
        assert!(prover.follow(&old).unwrap());
        // A rotation left its new key in agent.key.next and the chain has it.
        let new = AgentKey::generate();
        new.save(&next_path(&dir.path().join("agent.key"))).unwrap();
        assert!(!prover.follow(&AgentKey::generate().public_key()).unwrap());
        assert_eq!(prover.public_key(), old);
        assert!(prover.follow(&new.public_key()).unwrap());
        assert_eq!(prover.public_key(), new.public_key());
        assert!(!next_path(&dir.path().join("agent.key")).exists());
        let on_disk = AgentKey::load(&dir.path().join("agent.key")).unwrap();
        assert_eq!(on_disk.public_key(), new.public_key());
    }
}
