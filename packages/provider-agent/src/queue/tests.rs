//! The queue against a scripted chain.

use super::*;
use crate::chain::Tip;
use std::collections::VecDeque;
use std::sync::Mutex;

/// A chain whose answers are scripted: broadcast results are popped in order.
#[derive(Default)]
pub(crate) struct Script {
    sequence: Mutex<u64>,
    account_reads: Mutex<u32>,
    broadcasts: Mutex<VecDeque<Result<String>>>,
    pub(crate) sent: Mutex<Vec<String>>,
    deliver_code: Mutex<u32>,
    balance: Mutex<u128>,
    simulate_error: Mutex<Option<ChainFailure>>,
    /// Simulated gas is 100,000 + this × the transaction's bytes.
    pub(crate) gas_per_byte: Mutex<u64>,
    /// The data of every committed result.
    pub(crate) data: Mutex<Vec<u8>>,
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
    async fn simulate(&self, tx: Vec<u8>) -> Result<u64> {
        match self.simulate_error.lock().unwrap().clone() {
            Some(failure) => Err(AgentError::Chain { failure }),
            None => Ok(100_000 + tx.len() as u64 * *self.gas_per_byte.lock().unwrap()),
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
            self.sent.lock().unwrap().push(sign::tx_hash(tx));
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
            data: self.data.lock().unwrap().clone(),
        }))
    }
}

pub(crate) fn queue(script: &Arc<Script>) -> SigningQueue<Arc<Script>> {
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

pub(crate) fn call() -> Vec<Call> {
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
            log: format!(
                "account sequence mismatch, expected {expected}, got 1: incorrect account sequence"
            ),
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
    q.submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
        .await
        .unwrap();
    // Another process uses the key: the chain moves to 2 behind the queue's back.
    *script.sequence.lock().unwrap() += 1;
    script.broadcasts.lock().unwrap().push_back(Err(mismatch()));
    let mut recorded = Vec::new();
    let committed = q
        .submit(TxKind::Heartbeat, &call(), &mut |s| {
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
        .submit(TxKind::Settle, &call(), &mut |_| {
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
        .submit(TxKind::ReportUsage, &call(), &mut |_| Ok(()))
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
        .submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
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
        .submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
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
    q.submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
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
    q.submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
        .await
        .unwrap();
    // The chain moved to 2 (another sender); the node names it.
    *script.sequence.lock().unwrap() += 1;
    script
        .broadcasts
        .lock()
        .unwrap()
        .push_back(Err(mismatch_expecting(2)));
    q.submit(TxKind::Heartbeat, &call(), &mut |_| Ok(()))
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

fn config(provider: &str, fee_grant: bool) -> crate::config::Config {
    let text = crate::config::template("testing", "http://127.0.0.1:26657", None, provider);
    let mut config: crate::config::Config = toml::from_str(&text).unwrap();
    config.keys.fee_grant = fee_grant;
    config
}

#[test]
fn the_hot_key_acts_for_the_provider_and_stops_at_the_floor() {
    let settings = QueueSettings::hot_key(&config("wasm1provider", true), "wasm1hot");
    assert_eq!(settings.acting_for.as_deref(), Some("wasm1provider"));
    assert_eq!(settings.fee_granter.as_deref(), Some("wasm1provider"));
    assert_eq!(settings.gas_floor, 1_000_000);
    let settings = QueueSettings::hot_key(&config("wasm1provider", false), "wasm1hot");
    assert_eq!(settings.fee_granter, None);
    // No provider, or the provider's own key: it signs directly.
    for (provider, hot) in [("", "wasm1hot"), ("wasm1hot", "wasm1hot")] {
        let settings = QueueSettings::hot_key(&config(provider, true), hot);
        assert_eq!((settings.acting_for, settings.fee_granter), (None, None));
    }
    // The provider's own key (grant, register): no authz, no floor.
    let own = QueueSettings::own_key(&config("wasm1provider", true).chain);
    assert_eq!((own.acting_for, own.gas_floor), (None, 0));
}
