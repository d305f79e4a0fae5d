//! The oracle's state: attempts per (provider, epoch), answers kept for one
//! batch at a time, batches read back after a restart.

use super::*;

#[test]
fn a_missed_provider_is_retried_until_answered_and_then_never_challenged_again() {
    let store = OracleStore::in_memory().unwrap();
    assert_eq!(store.attempts("p", 7).unwrap(), Some((0, 0)));
    assert_eq!(store.record_miss("p", 7, "timeout", 100).unwrap(), 1);
    assert_eq!(
        store
            .record_miss("p", 7, "unreachable: refused", 101)
            .unwrap(),
        2
    );
    assert_eq!(store.attempts("p", 7).unwrap(), Some((2, 101)));
    store
        .record_answer("p", 7, b"nonce-01", &[1; 64], 102)
        .unwrap();
    assert_eq!(store.attempts("p", 7).unwrap(), None);
    // A late miss does not undo the answer; other epochs are their own.
    store.record_miss("p", 7, "timeout", 103).unwrap();
    assert_eq!(store.answered(7, 10).unwrap().len(), 1);
    assert_eq!(store.attempts("p", 8).unwrap(), Some((0, 0)));
}

#[test]
fn an_answer_is_in_one_batch_at_a_time_and_batches_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oracle.sqlite");
    {
        let store = OracleStore::open(&path).unwrap();
        for p in ["a", "b", "c"] {
            store
                .record_answer(p, 7, b"nonce-01", &[1; 64], 100)
                .unwrap();
        }
        let id = store
            .open_batch(7, &["a".to_string(), "b".to_string()], 101)
            .unwrap();
        store.batch_signed(id, "HASH1", 50).unwrap();
        // A second batch cannot take a or b again.
        let second = store
            .open_batch(7, &["a".to_string(), "c".to_string()], 102)
            .unwrap();
        assert_eq!(store.batch_providers(second).unwrap(), vec!["c"]);
        assert_eq!(store.batch_providers(id).unwrap(), vec!["a", "b"]);
        assert!(store.answered(7, 10).unwrap().is_empty());
    }
    let store = OracleStore::open(&path).unwrap();
    let open = store.open_batches().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(
        (
            open[0].tx_hash.as_str(),
            open[0].timeout_height,
            open[0].epoch
        ),
        ("HASH1", 50, 7)
    );
    // The first committed (b rejected), the second never included: c is answered again.
    store
        .batch_committed(
            open[0].id,
            &[("b".to_string(), Verdict::Rejected("bad_signature".into()))],
        )
        .unwrap();
    store.batch_dropped(open[1].id, None).unwrap();
    let outcomes = store.epoch_outcomes(7).unwrap();
    assert_eq!(outcomes[0].1, "proven");
    assert_eq!(
        (outcomes[1].1.as_str(), outcomes[1].2.as_str()),
        ("rejected", "bad_signature")
    );
    assert_eq!(store.answered(7, 10).unwrap()[0].provider, "c");
    assert!(store.open_batches().unwrap().is_empty());
    // Once the epoch closes, what was never submitted is late.
    assert_eq!(store.close_epochs_before(8).unwrap(), 1);
    assert!(store.answered(7, 10).unwrap().is_empty());
}
