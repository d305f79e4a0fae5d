//! One signing queue per key: it owns the key, the account number and the
//! sequence, and sends one transaction at a time. A sequence mismatch (another
//! process used the key) re-reads the account and signs again; transient
//! errors are retried a bounded number of times; a final error is returned at
//! once and never sent again; every outcome comes from the chain's result.

mod ledger;
mod settings;
mod sign;
#[cfg(test)]
pub(crate) mod tests;

use std::sync::Arc;
use std::time::Duration;

use cosmrs::Any;

pub use ledger::Ledger;
pub use settings::{fee_amount, gas_limit, QueueSettings};
pub use sign::{Call, Signed};

use crate::chain::{Chain, Committed};
use crate::error::{AgentError, ChainFailure, ErrorClass, Result};
use crate::keys::Key;
use crate::metrics::{as_i64, Metrics};
use crate::tx_kind::TxKind;

/// Runs once a transaction is signed and before it is broadcast.
pub type Record<'a> = dyn FnMut(&Signed) -> Result<()> + Send + 'a;

pub struct SigningQueue<L: Ledger> {
    ledger: L,
    key: Key,
    settings: QueueSettings,
    account: Option<(u64, u64)>,
    /// A transaction broadcast whose fate is unknown (the node stopped answering):
    /// nothing is re-signed for it, its recorded hash is resolved later.
    in_flight: Option<String>,
    metrics: Arc<Metrics>,
}

impl SigningQueue<Chain> {
    /// A queue of its own on the node at `rpc` (a CLI command's one transaction).
    pub fn connect(rpc: &str, key: Key, settings: QueueSettings) -> Result<Self> {
        Ok(SigningQueue::new(
            Chain::new(rpc)?,
            key,
            settings,
            Arc::new(Metrics::new()),
        ))
    }
}

impl<L: Ledger> SigningQueue<L> {
    pub fn new(ledger: L, key: Key, settings: QueueSettings, metrics: Arc<Metrics>) -> Self {
        SigningQueue {
            ledger,
            key,
            settings,
            account: None,
            in_flight: None,
            metrics,
        }
    }

    pub fn address(&self) -> &str {
        &self.key.address
    }

    /// The account the contracts see as the sender.
    pub fn sender(&self) -> &str {
        sign::sender(&self.key, &self.settings)
    }

    pub fn fee_payer(&self) -> &str {
        self.settings
            .fee_granter
            .as_deref()
            .unwrap_or(&self.key.address)
    }

    pub fn ledger(&self) -> &L {
        &self.ledger
    }

    /// Checks the fee payer's balance against the floor: Err(GasLow) below it.
    pub async fn check_gas(&self) -> Result<u128> {
        let payer = self.fee_payer().to_string();
        let balance = self
            .ledger
            .balance(&payer, &self.settings.gas_denom)
            .await?;
        self.metrics.gas_balance.set(as_i64(balance));
        if balance < self.settings.gas_floor {
            self.metrics.gas_low.set(1);
            return Err(AgentError::GasLow {
                payer,
                balance,
                floor: self.settings.gas_floor,
                denom: self.settings.gas_denom.clone(),
            });
        }
        self.metrics.gas_low.set(0);
        Ok(balance)
    }

    pub fn messages(&self, calls: &[Call]) -> Result<Vec<Any>> {
        sign::messages(&self.key, &self.settings, calls)
    }

    /// Sends one transaction of contract executions and waits for its
    /// committed result. `record` runs once the transaction is signed and
    /// before it is broadcast (the caller writes it to SQLite), and again for
    /// every re-signed attempt.
    pub async fn submit(
        &mut self,
        kind: TxKind,
        calls: &[Call],
        record: &mut Record<'_>,
    ) -> Result<Committed> {
        let msgs = self.messages(calls)?;
        self.submit_msgs(kind, msgs, record).await
    }

    /// Sends one transaction of any messages (grants), signed by the key itself.
    pub async fn submit_msgs(
        &mut self,
        kind: TxKind,
        msgs: Vec<Any>,
        record: &mut Record<'_>,
    ) -> Result<Committed> {
        let result = self.try_submit(kind, &msgs, record).await;
        // A pause below the gas floor is the gas_low gauge, not an error.
        if let Some(e) = result
            .as_ref()
            .err()
            .filter(|e| !matches!(e, AgentError::GasLow { .. }))
        {
            self.metrics.error(e.class());
            tracing::warn!(kind = kind.as_str(), class = e.class().as_str(), error = %e, "transaction failed");
        }
        result
    }

    async fn try_submit(
        &mut self,
        kind: TxKind,
        msgs: &[Any],
        record: &mut Record<'_>,
    ) -> Result<Committed> {
        self.in_flight = None;
        self.check_gas().await?;
        let mut last = String::new();
        for attempt in 1..=self.settings.max_attempts {
            let e = match self.attempt(kind, msgs, record).await {
                Ok(committed) => return Ok(committed),
                Err(e) => e,
            };
            last = e.to_string();
            match e.class() {
                ErrorClass::Sequence => self.sequence_moved(kind, attempt, &e).await,
                ErrorClass::Retryable if self.in_flight.is_some() => {
                    // Maybe in the mempool: signing again could send it twice.
                    self.account = None;
                    return Err(e);
                }
                ErrorClass::Retryable => {
                    tracing::info!(kind = kind.as_str(), attempt, error = %e, "transient failure: retrying");
                    self.metrics.error(ErrorClass::Retryable);
                    // The sequence may or may not have moved.
                    self.account = None;
                    tokio::time::sleep(self.settings.retry_pause).await;
                }
                ErrorClass::InsufficientFunds | ErrorClass::Final => return Err(e),
            }
        }
        Err(AgentError::GaveUp {
            attempts: self.settings.max_attempts,
            last,
        })
    }

    /// After a sequence mismatch: take the sequence the node names (its
    /// mempool may be ahead of the committed account), else re-read the
    /// account; then step aside a moment (another sender of the key is active).
    async fn sequence_moved(&mut self, kind: TxKind, attempt: u32, e: &AgentError) {
        self.metrics.error(ErrorClass::Sequence);
        match (self.account, expected_sequence(&e.to_string())) {
            (Some((number, _)), Some(expected)) => {
                tracing::info!(
                    kind = kind.as_str(),
                    attempt,
                    expected,
                    "sequence mismatch: signing again with the node's sequence"
                );
                self.account = Some((number, expected));
            }
            _ => {
                tracing::info!(kind = kind.as_str(), attempt, error = %e, "sequence mismatch: re-reading the account");
                self.account = None;
            }
        }
        let jitter = rand::random::<u64>() % 400;
        tokio::time::sleep(Duration::from_millis(100 + jitter)).await;
    }

    /// The gas limit a transaction of these calls would be sent with
    /// (simulated gas × `gas_adjustment`), without sending it.
    pub async fn estimate(&mut self, calls: &[Call]) -> Result<u64> {
        let msgs = self.messages(calls)?;
        let account = self.account_now().await?;
        let tip = self.ledger.tip().await?;
        let timeout_height = tip.height.saturating_add(self.settings.timeout_blocks);
        let gas = self.gas_for(&msgs, account, timeout_height).await;
        if gas.is_err() {
            // A stale sequence fails the simulation: read the account again next time.
            self.account = None;
        }
        gas
    }

    async fn account_now(&mut self) -> Result<(u64, u64)> {
        match self.account {
            Some(a) => Ok(a),
            None => {
                let a = self.ledger.account(&self.key.address).await?;
                self.account = Some(a);
                Ok(a)
            }
        }
    }

    /// Simulates with the real sequence (a stale one fails here already).
    async fn gas_for(&self, msgs: &[Any], account: (u64, u64), timeout_height: u64) -> Result<u64> {
        let probe = sign::sign(&self.key, &self.settings, msgs, account, 0, timeout_height)?;
        let simulated = self.ledger.simulate(probe).await?;
        Ok(gas_limit(simulated, self.settings.gas_adjustment))
    }

    async fn attempt(
        &mut self,
        kind: TxKind,
        msgs: &[Any],
        record: &mut Record<'_>,
    ) -> Result<Committed> {
        let account = self.account_now().await?;
        let tip = self.ledger.tip().await?;
        let timeout_height = tip.height.saturating_add(self.settings.timeout_blocks);
        let gas = self.gas_for(msgs, account, timeout_height).await?;
        let tx = sign::sign(
            &self.key,
            &self.settings,
            msgs,
            account,
            gas,
            timeout_height,
        )?;
        let hash = sign::tx_hash(&tx);
        record(&Signed {
            hash: hash.clone(),
            timeout_height,
        })?;
        self.in_flight = Some(hash.clone());
        self.broadcast(kind, &tx, &hash, timeout_height).await?;
        let waited = self.wait(&hash, timeout_height).await;
        if matches!(waited, Ok(_) | Err(AgentError::NotIncluded { .. })) {
            self.in_flight = None;
        }
        let committed = waited?;
        // Included: the sequence moved, whatever the result.
        self.account = Some((account.0, account.1.saturating_add(1)));
        tracing::info!(
            kind = kind.as_str(), hash = %committed.hash, height = committed.height, code = committed.code,
            gas_used = committed.gas_used, gas_wanted = committed.gas_wanted, "committed"
        );
        if committed.code != 0 {
            return Err(AgentError::Chain {
                failure: ChainFailure {
                    code: committed.code,
                    codespace: committed.codespace.clone(),
                    log: committed.log.clone(),
                },
            });
        }
        self.metrics.tx(kind);
        Ok(committed)
    }

    /// Broadcasts; Ok when the transaction may be in the mempool (then it is
    /// waited for), Err when CheckTx refused it (it never entered).
    async fn broadcast(
        &mut self,
        kind: TxKind,
        tx: &[u8],
        hash: &str,
        timeout_height: u64,
    ) -> Result<()> {
        match self.ledger.broadcast(tx).await {
            Ok(_) => tracing::info!(kind = kind.as_str(), %hash, timeout_height, "broadcast"),
            // Already in the mempool (a retry of the same bytes): wait for it.
            Err(AgentError::Chain { failure })
                if failure.code == 19 && failure.codespace == "sdk" => {}
            Err(e @ AgentError::Rpc(_)) => {
                // The node may have taken it before failing: look for it first.
                tracing::info!(kind = kind.as_str(), %hash, error = %e, "broadcast unanswered; looking for the transaction");
            }
            Err(e) => {
                self.in_flight = None;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Polls for the transaction until it is in a block or the chain passed its timeout height.
    async fn wait(&self, hash: &str, timeout_height: u64) -> Result<Committed> {
        let mut unreachable = 0u32;
        loop {
            match self.ledger.tx(hash).await {
                Ok(Some(committed)) => return Ok(committed),
                Ok(None) => {
                    unreachable = 0;
                    if let Ok(tip) = self.ledger.tip().await {
                        if tip.height > timeout_height {
                            return Err(AgentError::NotIncluded {
                                hash: hash.into(),
                                timeout_height,
                            });
                        }
                    }
                }
                Err(e) => {
                    unreachable = unreachable.saturating_add(1);
                    // The node is down: the caller's record resolves it later.
                    if unreachable > 100 {
                        return Err(e);
                    }
                }
            }
            tokio::time::sleep(self.settings.poll_pause).await;
        }
    }
}

/// The sequence in "account sequence mismatch, expected 18, got 17".
pub fn expected_sequence(log: &str) -> Option<u64> {
    let rest = log.split("expected ").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
