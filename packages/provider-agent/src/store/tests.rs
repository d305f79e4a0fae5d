//! SQLite state across restarts.

use super::*;
use crate::error::AgentError;
use crate::receipts::ReceiptError;
use crate::tx_kind::TxKind;

fn report(lease_id: u64, units: u128, hash: &str) -> PendingTx {
    PendingTx {
        kind: TxKind::ReportUsage,
        lease_id,
        units,
        tx_hash: hash.into(),
        timeout_height: 100,
    }
}

#[test]
fn a_report_counts_once_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.sqlite");
    {
        let store = Store::open(&path).unwrap();
        store.ingest_usage(&[(1, 40), (1, 2)], 120).unwrap();
        // Recorded before the broadcast; the process dies before the answer.
        store.begin_tx(&report(1, 42, "AA")).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.usage_file_offset().unwrap(), 120);
    let pending = store.pending_txs().unwrap();
    assert_eq!(pending, vec![report(1, 42, "AA")]);
    // The chain says it was committed: reported moves once.
    store.resolve_tx(&pending[0], true, 5).unwrap();
    assert_eq!(store.usage(1).unwrap().reported, 42);
    // Resolving the same entry again (a second restart) changes nothing.
    store.resolve_tx(&pending[0], true, 6).unwrap();
    assert_eq!(store.usage(1).unwrap().reported, 42);
    assert!(store.pending_txs().unwrap().is_empty());
}

#[test]
fn the_closed_prefix_survives_a_restart_and_moves_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.sqlite");
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.closed_through().unwrap(), None);
        store.set_closed_through(7).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.closed_through().unwrap(), Some(7));
    store.set_closed_through(12).unwrap();
    assert_eq!(store.closed_through().unwrap(), Some(12));
}

#[test]
fn a_report_that_never_landed_leaves_the_usage_to_report() {
    let store = Store::in_memory().unwrap();
    assert!(store.add_usage(3, 10, Some("delivery-1"), 100).unwrap());
    // The service retried its push: counted once.
    assert!(!store.add_usage(3, 10, Some("delivery-1"), 101).unwrap());
    store.begin_tx(&report(3, 10, "BB")).unwrap();
    store.resolve_tx(&report(3, 10, "BB"), false, 9).unwrap();
    let usage = store.usage(3).unwrap();
    assert_eq!((usage.recorded, usage.reported), (10, 0));
}

#[test]
fn receipts_only_move_up_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.sqlite");
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.put_receipt(7, 100, &[1; 64], 1).unwrap(), Stored::New);
        assert_eq!(
            store.put_receipt(7, 100, &[1; 64], 2).unwrap(),
            Stored::Duplicate
        );
        assert_eq!(store.put_receipt(7, 150, &[2; 64], 3).unwrap(), Stored::New);
        let lower = store.put_receipt(7, 120, &[3; 64], 4).unwrap_err();
        assert!(matches!(
            lower,
            AgentError::Receipt(ReceiptError::NotIncreasing { held: 150, .. })
        ));
    }
    let store = Store::open(&path).unwrap();
    let held = store.receipt(7).unwrap().unwrap();
    assert_eq!((held.cumulative_units, held.signature), (150, vec![2; 64]));
    store.set_redeemed(7, 150).unwrap();
    assert_eq!(store.receipt_totals().unwrap(), (150, 150));
}

#[test]
fn blocked_actions_unblock_when_the_lease_changes() {
    let store = Store::in_memory().unwrap();
    store
        .block(TxKind::Settle, 2, "open/0/10", "nothing to settle", 100)
        .unwrap();
    assert!(store
        .is_blocked(TxKind::Settle, 2, "open/0/10", 159, 60)
        .unwrap());
    assert!(!store
        .is_blocked(TxKind::Settle, 2, "closing/0/10", 159, 60)
        .unwrap());
    assert!(!store
        .is_blocked(TxKind::ReportUsage, 2, "open/0/10", 159, 60)
        .unwrap());
    // The hold ends: the agent may decide again from fresh chain state.
    assert!(!store
        .is_blocked(TxKind::Settle, 2, "open/0/10", 160, 60)
        .unwrap());
}

#[test]
fn a_state_file_written_before_the_kinds_were_an_enum_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.sqlite");
    drop(Store::open(&path).unwrap());
    // Rows as an earlier agent wrote them: the kinds are the message names.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO pending_tx (kind, lease_id, units, tx_hash, timeout_height)
           VALUES ('report_usage', 4, '25', 'CC', 100);
         INSERT INTO tx_log (tx_hash, kind, lease_id, height, code, log, at)
           VALUES ('DD', 'heartbeat', NULL, 7, 0, '', 1);
         INSERT INTO blocked (action, lease_id, fingerprint, reason, blocked_at)
           VALUES ('settle', 4, 'open/0/0', 'nothing to settle', 100);",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.pending_txs().unwrap(), vec![report(4, 25, "CC")]);
    assert!(store.has_pending(TxKind::ReportUsage, 4).unwrap());
    assert_eq!(store.tx_count(TxKind::Heartbeat, true).unwrap(), 1);
    assert!(store
        .is_blocked(TxKind::Settle, 4, "open/0/0", 120, 60)
        .unwrap());
    // And what this agent writes reads back under the same names.
    store
        .block(TxKind::AcceptLease, 5, "pending/0/0", "full", 100)
        .unwrap();
    let action: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT action FROM blocked WHERE lease_id = 5", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(action, "accept_lease");
}

#[test]
fn push_ids_expire() {
    let store = Store::in_memory().unwrap();
    let day = crate::store::PUSH_ID_SECONDS;
    assert!(store.add_usage(3, 10, Some("a"), 1_000).unwrap());
    assert!(store.add_usage(3, 10, Some("b"), 1_000 + day).unwrap());
    let count = |store: &Store| -> i64 {
        store
            .conn()
            .query_row("SELECT COUNT(*) FROM pushed", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&store), 2);
    // A day after "a": it is forgotten, "b" is still remembered.
    assert!(store.add_usage(3, 10, Some("c"), 1_001 + day).unwrap());
    assert_eq!(count(&store), 2);
    assert!(!store.add_usage(3, 10, Some("b"), 1_002 + day).unwrap());
    assert_eq!(store.usage(3).unwrap().recorded, 30);
}

#[test]
fn push_ids_of_an_earlier_agent_load_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE pushed (id TEXT PRIMARY KEY); INSERT INTO pushed VALUES ('old');",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    // Its ids have no time: they are the oldest and expire first.
    assert!(store
        .add_usage(1, 5, Some("old"), crate::store::PUSH_ID_SECONDS + 1)
        .unwrap());
}

#[test]
fn a_fleets_offsets_and_closed_prefixes_are_kept_per_provider() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.sqlite");
    {
        let store = Store::open(&path).unwrap();
        store.ingest_usage_of("wasm1a", &[(1, 5)], 40).unwrap();
        store
            .ingest_usage_of("wasm1b", &[(2, 7), (1, 1)], 90)
            .unwrap();
        store.set_closed_through_of("wasm1a", 3).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.usage_file_offset_of("wasm1a").unwrap(), 40);
    assert_eq!(store.usage_file_offset_of("wasm1b").unwrap(), 90);
    // The single agent's keys are apart (and those of state files written before fleets).
    assert_eq!(store.usage_file_offset().unwrap(), 0);
    assert_eq!(store.closed_through().unwrap(), None);
    assert_eq!(store.closed_through_of("wasm1a").unwrap(), Some(3));
    assert_eq!(store.closed_through_of("wasm1b").unwrap(), None);
    assert_eq!(store.usage(1).unwrap().recorded, 6);
    assert_eq!(store.usage(2).unwrap().recorded, 7);
}

#[test]
fn a_batch_is_resolved_once_and_holds_its_leases_reports_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.sqlite");
    let entry = |kind, lease_id, units| BatchEntry {
        kind,
        lease_id,
        units,
    };
    let batch = PendingBatch {
        tx_hash: "EE".into(),
        timeout_height: 70,
        entries: vec![
            entry(TxKind::ReportUsage, 1, 10),
            entry(TxKind::RedeemReceipt, 2, 300),
            entry(TxKind::ReportUsage, 3, 4),
            entry(TxKind::Settle, 4, 0),
        ],
    };
    {
        let store = Store::open(&path).unwrap();
        store.begin_batch(&batch).unwrap();
        // Recorded twice (a retry of the same bytes): one record.
        store.begin_batch(&batch).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.pending_batches().unwrap(), vec![batch.clone()]);
    assert!(store.has_pending(TxKind::ReportUsage, 1).unwrap());
    assert!(store.has_pending(TxKind::ReportUsage, 3).unwrap());
    assert!(!store.has_pending(TxKind::ReportUsage, 2).unwrap());
    // Items 1, 2 and 4 went through; the report on lease 3 was refused.
    assert!(store
        .resolve_batch(&batch, &[true, true, false, true], 500)
        .unwrap());
    let usage = store.usage(1).unwrap();
    assert_eq!((usage.reported, usage.last_report_at), (10, 500));
    assert_eq!(store.usage(3).unwrap().reported, 0);
    assert!(!store.has_pending(TxKind::ReportUsage, 1).unwrap());
    // A second resolution (another restart) changes nothing.
    assert!(!store.resolve_batch(&batch, &[true; 4], 600).unwrap());
    assert_eq!(store.usage(1).unwrap().reported, 10);
    assert_eq!(store.usage(3).unwrap().reported, 0);
}
