//! One signing queue per key: it owns the key, the account number and the
//! sequence, and sends one transaction at a time. A sequence mismatch (another
//! process used the key) re-reads the account and signs again; transient
//! errors are retried a bounded number of times; a final error is returned at
//! once and never sent again; every outcome comes from the chain's result.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use cosmrs::cosmwasm::MsgExecuteContract;
use cosmrs::proto::cosmos::authz::v1beta1::MsgExec;
use cosmrs::proto::prost::Message;
use cosmrs::tx::{Body, Fee, Msg, SignDoc, SignerInfo};
use cosmrs::{AccountId, Any, Coin, Denom};
use sha2::{Digest, Sha256};

use crate::chain::{Chain, Committed, Tip};
use crate::error::{AgentError, ChainFailure, ErrorClass, Result};
use crate::keys::Key;
use crate::metrics::{as_i64, Metrics};

/// What the queue needs from a chain; the real one is [`Chain`], tests use a script.
pub trait Ledger: Send + Sync {
    fn account(&self, address: &str) -> impl Future<Output = Result<(u64, u64)>> + Send;
    fn tip(&self) -> impl Future<Output = Result<Tip>> + Send;
    fn balance(&self, address: &str, denom: &str) -> impl Future<Output = Result<u128>> + Send;
    fn simulate(&self, tx: Vec<u8>) -> impl Future<Output = Result<u64>> + Send;
    fn broadcast(&self, tx: &[u8]) -> impl Future<Output = Result<String>> + Send;
    fn tx(&self, hash: &str) -> impl Future<Output = Result<Option<Committed>>> + Send;
}

impl Ledger for Chain {
    fn account(&self, address: &str) -> impl Future<Output = Result<(u64, u64)>> + Send {
        Chain::account(self, address)
    }
    fn tip(&self) -> impl Future<Output = Result<Tip>> + Send {
        Chain::tip(self)
    }
    fn balance(&self, address: &str, denom: &str) -> impl Future<Output = Result<u128>> + Send {
        Chain::balance(self, address, denom)
    }
    fn simulate(&self, tx: Vec<u8>) -> impl Future<Output = Result<u64>> + Send {
        Chain::simulate(self, tx)
    }
    fn broadcast(&self, tx: &[u8]) -> impl Future<Output = Result<String>> + Send {
        Chain::broadcast(self, tx)
    }
    fn tx(&self, hash: &str) -> impl Future<Output = Result<Option<Committed>>> + Send {
        Chain::tx(self, hash)
    }
}

/// One contract execution.
#[derive(Debug, Clone)]
pub struct Call {
    pub contract: String,
    pub msg: Vec<u8>,
    pub funds: Vec<(String, u128)>,
}

impl Call {
    pub fn new<M: serde::Serialize>(contract: &str, msg: &M) -> Result<Call> {
        Ok(Call {
            contract: contract.to_string(),
            msg: serde_json::to_vec(msg)?,
            funds: vec![],
        })
    }
}

/// How the queue signs and pays.
#[derive(Debug, Clone)]
pub struct QueueSettings {
    pub chain_id: String,
    pub gas_price: f64,
    pub gas_denom: String,
    pub gas_adjustment: f64,
    /// The provider the hot key executes for through authz (MsgExec); None: direct.
    pub acting_for: Option<String>,
    /// Fees paid through this account's fee grant.
    pub fee_granter: Option<String>,
    /// Stop sending while the fee payer holds less than this.
    pub gas_floor: u128,
    /// Blocks a transaction stays valid (timeout height = tip + this).
    pub timeout_blocks: u64,
    /// Tries for sequence and transient errors before giving up.
    pub max_attempts: u32,
    /// Pause between retries and between polls for inclusion.
    pub retry_pause: Duration,
    pub poll_pause: Duration,
}

impl QueueSettings {
    pub fn new(chain_id: &str, gas_price: f64, gas_denom: &str) -> QueueSettings {
        QueueSettings {
            chain_id: chain_id.into(),
            gas_price,
            gas_denom: gas_denom.into(),
            gas_adjustment: 1.4,
            acting_for: None,
            fee_granter: None,
            gas_floor: 0,
            timeout_blocks: 40,
            max_attempts: 6,
            retry_pause: Duration::from_millis(800),
            poll_pause: Duration::from_millis(300),
        }
    }
}

/// A signed transaction about to be broadcast, for the caller to record first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub hash: String,
    pub timeout_height: u64,
}

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

/// Fee for a gas limit: ceil(gas × price), at least 1.
pub fn fee_amount(gas_limit: u64, gas_price: f64) -> u128 {
    let fee = (gas_limit as f64 * gas_price).ceil();
    if fee.is_finite() && fee >= 1.0 {
        fee as u128
    } else {
        1
    }
}

/// Gas limit from a simulation: ceil(simulated × adjustment), at least simulated + 1.
pub fn gas_limit(simulated: u64, adjustment: f64) -> u64 {
    let adjusted = (simulated as f64 * adjustment).ceil();
    let adjusted = if adjusted.is_finite() && adjusted < u64::MAX as f64 {
        adjusted as u64
    } else {
        u64::MAX
    };
    adjusted.max(simulated.saturating_add(1))
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
        self.settings
            .acting_for
            .as_deref()
            .unwrap_or(&self.key.address)
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
        let key_err = |e: cosmrs::ErrorReport| AgentError::Key(e.to_string());
        let sender: AccountId = self.sender().parse().map_err(key_err)?;
        let mut inner = Vec::with_capacity(calls.len());
        for call in calls {
            let funds = call
                .funds
                .iter()
                .map(|(denom, amount)| {
                    Ok(Coin {
                        denom: denom.parse::<Denom>().map_err(key_err)?,
                        amount: *amount,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let msg = MsgExecuteContract {
                sender: sender.clone(),
                contract: call.contract.parse().map_err(key_err)?,
                msg: call.msg.clone(),
                funds,
            };
            inner.push(msg.to_any().map_err(key_err)?);
        }
        if self.settings.acting_for.is_none() {
            return Ok(inner);
        }
        let exec = MsgExec {
            grantee: self.key.address.clone(),
            msgs: inner,
        };
        Ok(vec![Any {
            type_url: "/cosmos.authz.v1beta1.MsgExec".into(),
            value: exec.encode_to_vec(),
        }])
    }

    fn sign(
        &self,
        msgs: &[Any],
        account: (u64, u64),
        gas: u64,
        timeout_height: u64,
    ) -> Result<Vec<u8>> {
        let key_err = |e: cosmrs::ErrorReport| AgentError::Key(e.to_string());
        let height =
            u32::try_from(timeout_height).map_err(|_| AgentError::Overflow("timeout height"))?;
        let body = Body::new(msgs.to_vec(), "depin-provider", height);
        let granter = match &self.settings.fee_granter {
            Some(g) => Some(g.parse::<AccountId>().map_err(key_err)?),
            None => None,
        };
        let fee = Fee {
            amount: vec![Coin {
                denom: self.settings.gas_denom.parse().map_err(key_err)?,
                amount: fee_amount(gas, self.settings.gas_price),
            }],
            gas_limit: gas,
            payer: None,
            granter,
        };
        let auth_info =
            SignerInfo::single_direct(Some(self.key.signing_key.public_key()), account.1)
                .auth_info(fee);
        let chain_id: cosmrs::tendermint::chain::Id = self
            .settings
            .chain_id
            .parse()
            .map_err(|e: cosmrs::tendermint::Error| AgentError::Config(e.to_string()))?;
        let doc = SignDoc::new(&body, &auth_info, &chain_id, account.0).map_err(key_err)?;
        let raw = doc.sign(&self.key.signing_key).map_err(key_err)?;
        raw.to_bytes().map_err(key_err)
    }

    /// Sends one transaction of contract executions and waits for its
    /// committed result. `record` runs once the transaction is signed and
    /// before it is broadcast (the caller writes it to SQLite), and again for
    /// every re-signed attempt.
    pub async fn submit(
        &mut self,
        kind: &str,
        calls: &[Call],
        record: &mut (dyn FnMut(&Signed) -> Result<()> + Send),
    ) -> Result<Committed> {
        let msgs = self.messages(calls)?;
        self.submit_msgs(kind, msgs, record).await
    }

    /// Sends one transaction of any messages (grants), signed by the key itself.
    pub async fn submit_msgs(
        &mut self,
        kind: &str,
        msgs: Vec<Any>,
        record: &mut (dyn FnMut(&Signed) -> Result<()> + Send),
    ) -> Result<Committed> {
        let result = self.try_submit(kind, &msgs, record).await;
        // A pause below the gas floor is the gas_low gauge, not an error.
        if let Some(e) = result
            .as_ref()
            .err()
            .filter(|e| !matches!(e, AgentError::GasLow { .. }))
        {
            self.metrics.error(e.class());
            tracing::warn!(kind, class = e.class().as_str(), error = %e, "transaction failed");
        }
        result
    }

    async fn try_submit(
        &mut self,
        kind: &str,
        msgs: &[Any],
        record: &mut (dyn FnMut(&Signed) -> Result<()> + Send),
    ) -> Result<Committed> {
        self.in_flight = None;
        self.check_gas().await?;
        let mut last = String::new();
        for attempt in 1..=self.settings.max_attempts {
            match self.attempt(kind, msgs, record).await {
                Ok(committed) => return Ok(committed),
                Err(e) => {
                    let class = e.class();
                    last = e.to_string();
                    match class {
                        ErrorClass::Sequence => {
                            self.metrics.error(ErrorClass::Sequence);
                            // The node says which sequence it expects (its mempool may be ahead
                            // of the committed account); otherwise re-read the account.
                            match (self.account, expected_sequence(&last)) {
                                (Some((number, _)), Some(expected)) => {
                                    tracing::info!(
                                        kind,
                                        attempt,
                                        expected,
                                        "sequence mismatch: signing again with the node's sequence"
                                    );
                                    self.account = Some((number, expected));
                                }
                                _ => {
                                    tracing::info!(kind, attempt, error = %e, "sequence mismatch: re-reading the account");
                                    self.account = None;
                                }
                            }
                            // Another sender of the same key is active: step aside a moment.
                            let jitter = rand::random::<u64>() % 400;
                            tokio::time::sleep(Duration::from_millis(100 + jitter)).await;
                        }
                        ErrorClass::Retryable if self.in_flight.is_some() => {
                            // Maybe in the mempool: signing again could send it twice.
                            self.account = None;
                            return Err(e);
                        }
                        ErrorClass::Retryable => {
                            tracing::info!(kind, attempt, error = %e, "transient failure: retrying");
                            self.metrics.error(ErrorClass::Retryable);
                            // The sequence may or may not have moved.
                            self.account = None;
                            tokio::time::sleep(self.settings.retry_pause).await;
                        }
                        ErrorClass::InsufficientFunds | ErrorClass::Final => return Err(e),
                    }
                }
            }
        }
        Err(AgentError::GaveUp {
            attempts: self.settings.max_attempts,
            last,
        })
    }

    async fn attempt(
        &mut self,
        kind: &str,
        msgs: &[Any],
        record: &mut (dyn FnMut(&Signed) -> Result<()> + Send),
    ) -> Result<Committed> {
        let account = match self.account {
            Some(a) => a,
            None => {
                let a = self.ledger.account(&self.key.address).await?;
                self.account = Some(a);
                a
            }
        };
        let tip = self.ledger.tip().await?;
        let timeout_height = tip.height.saturating_add(self.settings.timeout_blocks);
        // Simulate with the real sequence (a stale one fails here already).
        let probe = self.sign(msgs, account, 0, timeout_height)?;
        let simulated = self.ledger.simulate(probe).await?;
        let gas = gas_limit(simulated, self.settings.gas_adjustment);
        let tx = self.sign(msgs, account, gas, timeout_height)?;
        let hash = hex_upper(&Sha256::digest(&tx));
        let signed = Signed {
            hash: hash.clone(),
            timeout_height,
        };
        record(&signed)?;
        self.in_flight = Some(hash.clone());
        match self.ledger.broadcast(&tx).await {
            Ok(_) => tracing::info!(kind, %hash, timeout_height, "broadcast"),
            // Already in the mempool (a retry of the same bytes): wait for it.
            Err(AgentError::Chain { failure })
                if failure.code == 19 && failure.codespace == "sdk" => {}
            Err(e @ AgentError::Rpc(_)) => {
                // The node may have taken it before failing: look for it first.
                tracing::info!(kind, %hash, error = %e, "broadcast unanswered; looking for the transaction");
            }
            Err(e) => {
                // Refused by CheckTx: never entered the mempool.
                self.in_flight = None;
                return Err(e);
            }
        }
        let waited = self.wait(&hash, timeout_height).await;
        if matches!(waited, Ok(_) | Err(AgentError::NotIncluded { .. })) {
            self.in_flight = None;
        }
        let committed = waited?;
        // Included: the sequence moved, whatever the result.
        self.account = Some((account.0, account.1.saturating_add(1)));
        tracing::info!(
            kind, hash = %committed.hash, height = committed.height, code = committed.code,
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

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    /// A chain whose answers are scripted: broadcast results are popped in order.
    #[derive(Default)]
    struct Script {
        sequence: Mutex<u64>,
        account_reads: Mutex<u32>,
        broadcasts: Mutex<VecDeque<Result<String>>>,
        sent: Mutex<Vec<String>>,
        deliver_code: Mutex<u32>,
        balance: Mutex<u128>,
        simulate_error: Mutex<Option<ChainFailure>>,
    }

    impl Ledger for Arc<Script> {
        async fn account(&self, _address: &str) -> Result<(u64, u64)> {
            *self.account_reads.lock().unwrap() += 1;
            Ok((9, *self.sequence.lock().unwrap()))
        }
        async fn tip(&self) -> Result<Tip> {
            Ok(Tip {
                height: 10,
                time_nanos: 0,
            })
        }
        async fn balance(&self, _address: &str, _denom: &str) -> Result<u128> {
            Ok(*self.balance.lock().unwrap())
        }
        async fn simulate(&self, _tx: Vec<u8>) -> Result<u64> {
            match self.simulate_error.lock().unwrap().clone() {
                Some(failure) => Err(AgentError::Chain { failure }),
                None => Ok(100_000),
            }
        }
        async fn broadcast(&self, tx: &[u8]) -> Result<String> {
            let next = self
                .broadcasts
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(String::new()));
            if next.is_ok() {
                self.sent
                    .lock()
                    .unwrap()
                    .push(hex_upper(&Sha256::digest(tx)));
                *self.sequence.lock().unwrap() += 1;
            }
            next
        }
        async fn tx(&self, hash: &str) -> Result<Option<Committed>> {
            if !self.sent.lock().unwrap().iter().any(|h| h == hash) {
                return Ok(None);
            }
            Ok(Some(Committed {
                hash: hash.into(),
                height: 11,
                code: *self.deliver_code.lock().unwrap(),
                codespace: "wasm".into(),
                log: "nothing to settle on lease 1: execute wasm contract failed".into(),
                gas_used: 1,
                gas_wanted: 2,
                events: vec![],
            }))
        }
    }

    fn queue(script: &Arc<Script>) -> SigningQueue<Arc<Script>> {
        let key = Key::from_mnemonic(
            "mass label useless bid fluid elite damage liberty soon siren useless hollow employ certain milk clip clock donate course light weekend dutch track fashion",
            "wasm",
        )
        .unwrap();
        let mut settings = QueueSettings::new("testing", 0.025, "ustake");
        settings.retry_pause = Duration::from_millis(1);
        settings.poll_pause = Duration::from_millis(1);
        settings.gas_floor = 1000;
        *script.balance.lock().unwrap() = 1_000_000;
        SigningQueue::new(script.clone(), key, settings, Arc::new(Metrics::new()))
    }

    fn call() -> Vec<Call> {
        vec![Call::new(
            "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht",
            &serde_json::json!({"heartbeat": {}}),
        )
        .unwrap()]
    }

    fn mismatch_expecting(expected: u64) -> AgentError {
        AgentError::Chain {
            failure: ChainFailure {
                code: 32,
                codespace: "sdk".into(),
                log: format!("account sequence mismatch, expected {expected}, got 1: incorrect account sequence"),
            },
        }
    }

    fn mismatch() -> AgentError {
        AgentError::Chain {
            failure: ChainFailure {
                code: 32,
                codespace: "sdk".into(),
                // Without the numbers (as some nodes word it): the account is re-read.
                log: "account sequence mismatch: incorrect account sequence".into(),
            },
        }
    }

    #[tokio::test]
    async fn a_sequence_mismatch_rereads_the_account_and_succeeds() {
        let script = Arc::new(Script::default());
        let mut q = queue(&script);
        // The first send works and caches sequence 1.
        q.submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap();
        // Another process uses the key: the chain moves to 2 behind the queue's back.
        *script.sequence.lock().unwrap() += 1;
        script.broadcasts.lock().unwrap().push_back(Err(mismatch()));
        let mut recorded = Vec::new();
        let committed = q
            .submit("heartbeat", &call(), &mut |s| {
                recorded.push(s.clone());
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(committed.code, 0);
        // Two signatures (stale, then fresh), the account read twice in all.
        assert_eq!(recorded.len(), 2);
        assert_eq!(*script.account_reads.lock().unwrap(), 2);
        assert_eq!(q.metrics.error_count(ErrorClass::Sequence), 1);
    }

    #[tokio::test]
    async fn a_final_error_is_never_retried() {
        let script = Arc::new(Script::default());
        let mut q = queue(&script);
        *script.deliver_code.lock().unwrap() = 5;
        let mut signed = 0;
        let err = q
            .submit("settle", &call(), &mut |_| {
                signed += 1;
                Ok(())
            })
            .await
            .unwrap_err();
        assert_eq!(err.class(), ErrorClass::Final);
        assert_eq!(signed, 1);
        assert_eq!(script.sent.lock().unwrap().len(), 1);
        // A rejected simulation is final too, and nothing is broadcast.
        *script.simulate_error.lock().unwrap() = Some(ChainFailure {
            code: 5,
            codespace: "wasm".into(),
            log: "lease 3 is Closed; report_usage is not possible in that state: execute wasm contract failed".into(),
        });
        let err = q
            .submit("report_usage", &call(), &mut |_| Ok(()))
            .await
            .unwrap_err();
        assert_eq!(err.class(), ErrorClass::Final);
        assert_eq!(script.sent.lock().unwrap().len(), 1);
        assert_eq!(q.metrics.error_count(ErrorClass::Final), 2);
    }

    #[tokio::test]
    async fn transient_errors_give_up_after_the_attempts() {
        let script = Arc::new(Script::default());
        let mut q = queue(&script);
        for _ in 0..10 {
            script
                .broadcasts
                .lock()
                .unwrap()
                .push_back(Err(AgentError::Chain {
                    failure: ChainFailure {
                        code: 20,
                        codespace: "sdk".into(),
                        log: "mempool is full".into(),
                    },
                }));
        }
        let err = q
            .submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, AgentError::GaveUp { attempts: 6, .. }),
            "{err}"
        );
        assert!(script.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn nothing_is_sent_below_the_gas_floor() {
        let script = Arc::new(Script::default());
        let mut q = queue(&script);
        *script.balance.lock().unwrap() = 999;
        let err = q
            .submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                AgentError::GasLow {
                    balance: 999,
                    floor: 1000,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(q.metrics.gas_low.get(), 1);
        assert!(script.sent.lock().unwrap().is_empty());
        *script.balance.lock().unwrap() = 1000;
        q.submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap();
        assert_eq!(q.metrics.gas_low.get(), 0);
    }

    #[test]
    fn the_expected_sequence_is_read_from_the_nodes_answer() {
        let log = "rpc error: code = Unknown desc = account sequence mismatch, expected 18, got 17: incorrect account sequence [cosmos/cosmos-sdk@v0.54.0/x/auth/ante/sigverify.go:364]";
        assert_eq!(expected_sequence(log), Some(18));
        assert_eq!(expected_sequence("incorrect account sequence"), None);
    }

    #[tokio::test]
    async fn a_mismatch_naming_the_expected_sequence_signs_with_it() {
        let script = Arc::new(Script::default());
        let mut q = queue(&script);
        q.submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap();
        // The chain moved to 2 (another sender); the node names it.
        *script.sequence.lock().unwrap() += 1;
        script
            .broadcasts
            .lock()
            .unwrap()
            .push_back(Err(mismatch_expecting(2)));
        q.submit("heartbeat", &call(), &mut |_| Ok(()))
            .await
            .unwrap();
        // Only the first account read: the retry used the node's number.
        assert_eq!(*script.account_reads.lock().unwrap(), 1);
    }

    #[test]
    fn fees_round_up() {
        assert_eq!(fee_amount(200_000, 0.025), 5000);
        assert_eq!(fee_amount(200_001, 0.025), 5001);
        assert_eq!(gas_limit(100_000, 1.4), 140_000);
        assert_eq!(gas_limit(0, 1.4), 1);
    }
}
