//! The outbox against a scripted chain: what the chain did is what the agent
//! reports, whatever happened to its state file.

use super::*;
use crate::queue::tests::{call, queue, Script};
use crate::store::BatchEntry;

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

/// The data of a committed `batch` sent directly (the operator signs for itself).
pub(crate) fn batch_data(response: &BatchResponse) -> Vec<u8> {
    use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
    use cosmrs::proto::cosmwasm::wasm::v1::MsgExecuteContractResponse;
    use cosmrs::proto::prost::{Message, Name};
    let execute = MsgExecuteContractResponse {
        data: serde_json::to_vec(response).unwrap(),
    };
    #[allow(deprecated)]
    TxMsgData {
        data: vec![],
        msg_responses: vec![cosmrs::Any {
            type_url: MsgExecuteContractResponse::type_url(),
            value: execute.encode_to_vec(),
        }],
    }
    .encode_to_vec()
}

pub(crate) fn item(lease_id: u64, error: Option<&str>) -> depin_interface::escrow::BatchItemResult {
    depin_interface::escrow::BatchItemResult {
        lease_id,
        charge_id: error.is_none().then_some(1),
        units: cosmwasm_std::Uint128::zero(),
        paid: cosmwasm_std::Uint128::new(5),
        error: error.map(String::from),
    }
}

fn report(lease_id: u64, units: u128) -> BatchEntry {
    BatchEntry {
        kind: TxKind::ReportUsage,
        lease_id,
        units,
    }
}

#[tokio::test]
async fn a_batch_counts_each_report_that_went_through_once_and_none_refused() {
    let script = Arc::new(Script::default());
    let store = Arc::new(Store::in_memory().unwrap());
    let metrics = Arc::new(Metrics::new());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        metrics.clone(),
    );
    let stale = "report_usage on lease 2 builds on 0 units reported, but the lease has 7";
    *script.data.lock().unwrap() = batch_data(&BatchResponse {
        items: vec![item(1, None), item(2, Some(stale)), item(3, None)],
    });
    let entries = vec![
        report(1, 10),
        report(2, 20),
        BatchEntry {
            kind: TxKind::Settle,
            lease_id: 3,
            units: 0,
        },
    ];
    let (c, response) = outbox.send_batch(&entries, call()).await.unwrap();
    assert_eq!(c.code, 0);
    assert_eq!(response.unwrap().items[1].error.as_deref(), Some(stale));
    assert_eq!(store.usage(1).unwrap().reported, 10);
    assert_eq!(
        store.usage(2).unwrap().reported,
        0,
        "a refused report counts nothing"
    );
    assert!(store.pending_batches().unwrap().is_empty());
    assert!(!store.has_pending(TxKind::ReportUsage, 1).unwrap());
    assert_eq!(store.tx_count(TxKind::Batch, true).unwrap(), 1);
}

#[tokio::test]
async fn a_batch_is_not_broadcast_when_it_cannot_be_recorded_first() {
    let script = Arc::new(Script::default());
    let store = Arc::new(Store::in_memory().unwrap());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        Arc::new(Metrics::new()),
    );
    store.set_read_only();
    assert!(outbox.send_batch(&[report(4, 10)], call()).await.is_err());
    assert!(
        script.sent.lock().unwrap().is_empty(),
        "broadcast unrecorded"
    );
}

#[tokio::test]
async fn a_batch_recorded_before_a_crash_is_resolved_from_the_chain_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.sqlite");
    let script = Arc::new(Script::default());
    // A run recorded a batch, broadcast it and was killed before its answer:
    // the chain committed it (report 1 and 2 went through, 3 was stale).
    {
        let store = Store::open(&path).unwrap();
        store
            .begin_batch(&PendingBatch {
                tx_hash: "AA".into(),
                timeout_height: 50,
                entries: vec![report(1, 10), report(2, 5), report(3, 4)],
            })
            .unwrap();
    }
    script.sent.lock().unwrap().push("AA".into());
    let stale = "report_usage on lease 3 builds on 0 units reported, but the lease has 4";
    *script.data.lock().unwrap() = batch_data(&BatchResponse {
        items: vec![item(1, None), item(2, None), item(3, Some(stale))],
    });
    let store = Arc::new(Store::open(&path).unwrap());
    assert!(store.has_pending(TxKind::ReportUsage, 2).unwrap());
    let metrics = Arc::new(Metrics::new());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        metrics.clone(),
    );
    outbox.reconcile().await.unwrap();
    assert_eq!(store.usage(1).unwrap().reported, 10);
    assert_eq!(store.usage(2).unwrap().reported, 5);
    assert_eq!(store.usage(3).unwrap().reported, 0);
    assert_eq!(metrics.usage_reported_units.get(), 15);
    assert!(!store.has_pending(TxKind::ReportUsage, 2).unwrap());
    // A second restart finds nothing left: nothing counts twice.
    outbox.reconcile().await.unwrap();
    assert_eq!(store.usage(1).unwrap().reported, 10);
    assert_eq!(metrics.usage_reported_units.get(), 15);
}

#[tokio::test]
async fn a_recorded_batch_never_included_counts_nothing_once_past_its_timeout() {
    let script = Arc::new(Script::default());
    let store = Arc::new(Store::in_memory().unwrap());
    let outbox = Outbox::new(
        queue(&script),
        script.clone(),
        store.clone(),
        Arc::new(Metrics::new()),
    );
    // The script's tip is height 10: a batch valid until 20 may still land.
    let waiting = PendingBatch {
        tx_hash: "AB".into(),
        timeout_height: 20,
        entries: vec![report(7, 3)],
    };
    store.begin_batch(&waiting).unwrap();
    outbox.reconcile().await.unwrap();
    assert!(store.has_pending(TxKind::ReportUsage, 7).unwrap());
    let expired = PendingBatch {
        tx_hash: "CD".into(),
        timeout_height: 5,
        entries: vec![report(8, 3)],
    };
    store.begin_batch(&expired).unwrap();
    outbox.reconcile().await.unwrap();
    assert!(!store.has_pending(TxKind::ReportUsage, 8).unwrap());
    assert_eq!(store.usage(8).unwrap().reported, 0);
    assert!(store.has_pending(TxKind::ReportUsage, 7).unwrap());
}
