//! The outbox against a scripted chain: what the chain did is what the agent
//! reports, whatever happened to its state file.

use super::*;
use crate::queue::tests::{call, queue, Script};

#[tokio::test]
async fn a_transaction_committed_on_chain_is_committed_even_with_the_state_unwritable() {
    let script = Arc::new(Script::default());
    let store = Arc::new(Store::in_memory().unwrap());
    let metrics = Arc::new(Metrics::new());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        metrics.clone(),
    );
    store.set_read_only();
    // A heartbeat (untracked) and a settle: both committed on chain.
    let c = outbox
        .send(TxKind::Heartbeat, None, 0, call())
        .await
        .unwrap();
    assert_eq!(c.code, 0);
    let c = outbox
        .send(TxKind::Settle, Some(4), 0, call())
        .await
        .unwrap();
    assert_eq!(c.code, 0);
    assert_eq!(metrics.state_errors.get(), 2);
}

#[tokio::test]
async fn a_report_is_not_broadcast_when_it_cannot_be_recorded_first() {
    let script = Arc::new(Script::default());
    let store = Arc::new(Store::in_memory().unwrap());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        Arc::new(Metrics::new()),
    );
    store.set_read_only();
    assert!(outbox
        .send(TxKind::ReportUsage, Some(4), 10, call())
        .await
        .is_err());
    assert!(
        script.sent.lock().unwrap().is_empty(),
        "broadcast unrecorded"
    );
}
