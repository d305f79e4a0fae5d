//! One challenge of one provider: `POST {endpoint}/liveness` with a fresh
//! 32-byte nonce, the answer checked against the agent key the registry
//! holds. A miss says why, in one word (logs and the metrics' label).

use std::time::Duration;

use cosmwasm_std::Binary;
use rand::RngCore;

use crate::challenge::{Answer, AnswerError, Challenge, Domain};

/// Bytes of the nonce the oracle sends (the registry takes 8 to 64).
pub const NONCE_BYTES: usize = 32;

/// Why a provider was not proven for an epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// No connection to its endpoint.
    Unreachable(String),
    /// No answer within the timeout.
    Timeout,
    /// An HTTP status other than 200 (the agent's sentence).
    Refused(u16, String),
    /// Not the JSON of an answer.
    BadAnswer(String),
    /// An answer for another provider or epoch, or a signature that does not
    /// verify against the key on chain.
    BadSignature(String),
    /// The registry holds no agent key for it: it cannot be proven.
    NoAgentKey,
}

impl Miss {
    /// The label in metrics and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Miss::Unreachable(_) => "unreachable",
            Miss::Timeout => "timeout",
            Miss::Refused(..) => "refused",
            Miss::BadAnswer(_) => "bad_answer",
            Miss::BadSignature(_) => "bad_signature",
            Miss::NoAgentKey => "no_agent_key",
        }
    }

    /// The label and the detail, as stored.
    pub fn describe(&self) -> String {
        match self {
            Miss::Unreachable(detail) | Miss::BadAnswer(detail) | Miss::BadSignature(detail) => {
                format!("{}: {detail}", self.as_str())
            }
            Miss::Refused(status, text) => format!("refused: {status} {text}"),
            Miss::Timeout | Miss::NoAgentKey => self.as_str().to_string(),
        }
    }
}

/// A verified answer: what goes into `prove_liveness`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub nonce: Vec<u8>,
    pub signature: Vec<u8>,
}

/// A provider to challenge: its address, endpoint and the key on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub provider: String,
    pub endpoint: String,
    pub agent_key: Option<Vec<u8>>,
}

pub fn client(timeout_ms: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(timeout_ms))
        .build()
        .unwrap_or_default()
}

fn fresh_nonce() -> Vec<u8> {
    let mut nonce = vec![0u8; NONCE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    nonce
}

/// Challenges `target` for `epoch` and checks the answer.
pub async fn probe(
    http: &reqwest::Client,
    domain: &Domain,
    target: &Target,
    epoch: u64,
) -> Result<Proof, Miss> {
    let Some(key) = &target.agent_key else {
        return Err(Miss::NoAgentKey);
    };
    let challenge = Challenge {
        epoch,
        nonce: Binary::from(fresh_nonce()),
    };
    let url = format!("{}/liveness", target.endpoint.trim_end_matches('/'));
    let response = http.post(&url).json(&challenge).send().await.map_err(|e| {
        if e.is_timeout() {
            Miss::Timeout
        } else {
            Miss::Unreachable(e.to_string())
        }
    })?;
    let status = response.status().as_u16();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        return Err(Miss::Refused(status, text.chars().take(200).collect()));
    }
    let answer: Answer = response.json().await.map_err(|e| {
        if e.is_timeout() {
            Miss::Timeout
        } else {
            Miss::BadAnswer(e.to_string())
        }
    })?;
    domain
        .check(&target.provider, &challenge, key, &answer)
        .map_err(|e: AnswerError| Miss::BadSignature(e.to_string()))?;
    Ok(Proof {
        nonce: challenge.nonce.to_vec(),
        signature: answer.signature.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::agent_key::AgentKey;
    use crate::challenge::Prover;
    use crate::clock::now_secs;
    use crate::epoch::EpochClock;
    use crate::server::{serve_api, ServerState, CHALLENGES_PER_SECOND};
    use crate::throttle::{RateLimit, Throttle};

    fn domain() -> Domain {
        Domain {
            chain_id: "testing".into(),
            registry: "wasm1registry".into(),
        }
    }

    /// A provider agent's API on 127.0.0.1 answering as `wasm1p`: its URL, its
    /// key, and the stop flag's sender (the server stops once it is dropped).
    async fn agent() -> (String, Vec<u8>, tokio::sync::watch::Sender<bool>) {
        let (stop, shutdown) = crate::shutdown::Shutdown::channel();
        let clock = EpochClock::new(0, 5).unwrap();
        let file = std::path::PathBuf::from("/nonexistent/agent.key");
        let prover = Prover::new(AgentKey::generate(), file, domain(), "wasm1p".into(), clock);
        let key = prover.public_key();
        let state = ServerState {
            chain: crate::chain::Chain::new("http://127.0.0.1:9").unwrap(),
            store: Arc::new(crate::store::Store::in_memory().unwrap()),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            escrow: "wasm1escrow".into(),
            chain_id: "testing".into(),
            provider: "wasm1p".into(),
            shutdown,
            rejections: Arc::new(Throttle::new(10)),
            prover: Arc::new(prover),
            challenges: Arc::new(RateLimit::new(CHALLENGES_PER_SECOND)),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(serve_api(state, listener));
        (url, key, stop)
    }

    #[tokio::test]
    async fn an_agents_answer_counts_only_against_the_key_on_chain() {
        let (url, key, _stop) = agent().await;
        let http = client(2000);
        let epoch = now_secs() / 5;
        let target = |key: Option<Vec<u8>>| Target {
            provider: "wasm1p".into(),
            endpoint: format!("{url}/"),
            agent_key: key,
        };
        let proof = probe(&http, &domain(), &target(Some(key.clone())), epoch)
            .await
            .unwrap();
        assert_eq!(proof.nonce.len(), NONCE_BYTES);
        let digest = domain().digest("wasm1p", epoch, &proof.nonce);
        assert!(crate::agent_key::verify(&key, &digest, &proof.signature));
        // The chain holds another key (a rotation the agent did not follow): not counted.
        let stale = AgentKey::generate().public_key();
        let miss = probe(&http, &domain(), &target(Some(stale)), epoch).await;
        assert!(matches!(miss, Err(Miss::BadSignature(_))), "{miss:?}");
        // A closed epoch: the agent's refusal, with its sentence.
        let miss = probe(&http, &domain(), &target(Some(key.clone())), epoch - 3).await;
        assert!(
            matches!(&miss, Err(Miss::Refused(422, text)) if text.contains("is not open")),
            "{miss:?}"
        );
        assert_eq!(
            probe(&http, &domain(), &target(None), epoch).await,
            Err(Miss::NoAgentKey)
        );
        let down = Target {
            provider: "wasm1p".into(),
            endpoint: "http://127.0.0.1:9".into(),
            agent_key: Some(key),
        };
        let miss = probe(&http, &domain(), &down, epoch).await;
        assert_eq!(
            miss.as_ref().map_err(Miss::as_str),
            Err("unreachable"),
            "{miss:?}"
        );
    }
}
