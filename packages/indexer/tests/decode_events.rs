//! The decoder on the event kinds the recorded devnet blocks
//! (tests/decode_fixtures.rs) do not hold: each event is built with the
//! attributes, in the order, that the contract's handler emits them
//! (contracts/*/src/execute/*.rs, reply.rs).

use depin_indexer::decode::{decode_block, BlockResponse, BlockResults, Suite};
use depin_indexer::rows::*;

const REGISTRY: &str = "wasm1registry";
const ESCROW: &str = "wasm1escrow";
const DAO: &str = "wasm1dao";
const TOKEN: &str = "wasm1token";
const P: &str = "wasm1provider";

fn suite() -> Suite {
    Suite {
        dao: DAO.into(),
        reward_token: TOKEN.into(),
        provider_registry: REGISTRY.into(),
        billing_escrow: ESCROW.into(),
    }
}

/// An event: its type, its contract, its attributes.
type TestEvent<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// One block at height 7 with one successful transaction carrying `events`
/// (`wasm` events of `contract` with these attributes).
fn decode(events: &[TestEvent]) -> Vec<Row> {
    try_decode(events).unwrap()
}

/// [`decode`], or the decoder's error as text.
fn try_decode(events: &[TestEvent]) -> Result<Vec<Row>, String> {
    let events: Vec<serde_json::Value> = events
        .iter()
        .map(|(kind, contract, attributes)| {
            let mut all = vec![serde_json::json!({"key": "_contract_address", "value": contract})];
            all.extend(
                attributes
                    .iter()
                    .map(|(k, v)| serde_json::json!({"key": k, "value": v})),
            );
            all.push(serde_json::json!({"key": "msg_index", "value": "0"}));
            serde_json::json!({"type": kind, "attributes": all})
        })
        .collect();
    let block: BlockResponse = serde_json::from_value(serde_json::json!({
        "block_id": {"hash": "AB"},
        "block": {"header": {"height": "7", "time": "2026-12-02T10:00:00.5Z"}, "data": {"txs": ["dHg="]}}
    }))
    .unwrap();
    let results: BlockResults = serde_json::from_value(serde_json::json!({
        "height": "7",
        "txs_results": [{"code": 0, "data": null, "events": events}],
        "finalize_block_events": []
    }))
    .unwrap();
    decode_block(&suite(), &block, &results)
        .map(|decoded| decoded.rows)
        .map_err(|e| e.to_string())
}

macro_rules! only {
    ($rows:expr, $variant:ident) => {
        $rows
            .iter()
            .filter_map(|r| match r {
                Row::$variant(x) => Some(x.clone()),
                _ => None,
            })
            .collect::<Vec<$variant>>()
    };
}

#[test]
fn deregister_zeroes_the_stake_and_marks_the_provider_exiting() {
    let rows = decode(&[(
        "wasm",
        REGISTRY,
        &[
            ("action", "deregister"),
            ("provider", P),
            ("amount", "3000000"),
            ("release_at", "1800000000000000000"),
        ],
    )]);
    let stake = &only!(rows, StakeChange)[0];
    assert_eq!(
        (
            stake.action.as_str(),
            stake.amount,
            stake.stake,
            stake.release_at_ns
        ),
        ("deregister", 3_000_000, 0, Some(1_800_000_000_000_000_000))
    );
    let status = &only!(rows, ProviderStatus)[0];
    assert_eq!(
        (status.status.as_str(), status.action.as_str()),
        ("exiting", "deregister")
    );
}

#[test]
fn refresh_and_unjail_record_the_status_and_claim_the_unbonded_stake() {
    let rows = decode(&[
        (
            "wasm",
            REGISTRY,
            &[
                ("action", "refresh"),
                ("provider", P),
                ("stake", "10"),
                ("min_stake", "1000000"),
                ("status", "inactive"),
            ],
        ),
        (
            "wasm",
            REGISTRY,
            &[("action", "unjail"), ("provider", P), ("status", "active")],
        ),
        (
            "wasm",
            REGISTRY,
            &[("action", "claim"), ("provider", P), ("amount", "250000")],
        ),
    ]);
    let statuses: Vec<_> = only!(rows, ProviderStatus)
        .into_iter()
        .map(|s| (s.status, s.action))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("inactive".into(), "refresh".into()),
            ("active".into(), "unjail".into())
        ]
    );
    assert_eq!(only!(rows, StakeClaim)[0].amount, 250_000);
    assert_eq!(only!(rows, ProviderEvent).len(), 3);
}

#[test]
fn a_bootstrap_heartbeat_proves_its_epoch() {
    let proving = decode(&[(
        "wasm",
        REGISTRY,
        &[
            ("action", "heartbeat"),
            ("provider", P),
            ("heartbeats", "4"),
            ("proven_epoch", "12"),
        ],
    )]);
    let live = &only!(proving, Liveness)[0];
    assert_eq!(
        (
            live.provider.as_str(),
            live.epoch,
            live.source.as_str(),
            live.oracle.as_deref()
        ),
        (P, 12, "heartbeat", None)
    );
    // With oracles configured a heartbeat proves nothing.
    let plain = decode(&[(
        "wasm",
        REGISTRY,
        &[
            ("action", "heartbeat"),
            ("provider", P),
            ("heartbeats", "5"),
        ],
    )]);
    assert!(only!(plain, Liveness).is_empty());
}

#[test]
fn claim_rewards_for_several_providers_gives_a_row_each() {
    let rows = decode(&[(
        "wasm",
        REGISTRY,
        &[
            ("action", "claim_rewards"),
            ("provider", "wasm1a"),
            ("amount", "10"),
            ("forfeited", "0"),
            ("provider", "wasm1b"),
            ("amount", "7"),
            ("forfeited", "3"),
        ],
    )]);
    let claims: Vec<_> = only!(rows, RewardClaim)
        .into_iter()
        .map(|c| (c.provider, c.amount, c.forfeited))
        .collect();
    assert_eq!(
        claims,
        vec![("wasm1a".into(), 10, 0), ("wasm1b".into(), 7, 3)]
    );
}

#[test]
fn streaming_leases_accept_settle_and_close_with_refunds() {
    let rows = decode(&[
        (
            "wasm",
            ESCROW,
            &[("action", "accept_lease"), ("lease_id", "4")],
        ),
        (
            "wasm",
            ESCROW,
            &[
                ("action", "settle"),
                ("lease_id", "4"),
                ("amount", "300"),
                ("fee", "3"),
                ("provider_amount", "297"),
                ("units", "100"),
                ("disputes_passed", "0"),
                ("refunded", "700"),
                ("state", "closed"),
            ],
        ),
        (
            "wasm",
            ESCROW,
            &[
                ("action", "close_lease"),
                ("lease_id", "5"),
                ("amount", "0"),
                ("fee", "0"),
                ("units", "0"),
                ("refunded", "90"),
                ("state", "closed"),
            ],
        ),
    ]);
    let events: Vec<_> = only!(rows, LeaseEvent)
        .into_iter()
        .map(|e| (e.lease_id, e.action, e.refunded, e.state))
        .collect();
    assert_eq!(
        events,
        vec![
            (Some(4), "accept_lease".into(), None, Some("open".into())),
            (Some(4), "settle".into(), Some(700), Some("closed".into())),
            (
                Some(5),
                "close_lease".into(),
                Some(90),
                Some("closed".into())
            ),
        ]
    );
    // Only the settle paid something.
    let payments = only!(rows, Payment);
    assert_eq!(payments.len(), 1);
    assert_eq!(
        (
            payments[0].amount,
            payments[0].fee,
            payments[0].provider_amount,
            payments[0].units
        ),
        (300, Some(3), Some(297), Some(100))
    );
}

#[test]
fn a_failed_usage_record_and_a_batch_settle_item() {
    let rows = decode(&[
        (
            "wasm",
            ESCROW,
            &[("action", "batch"), ("items", "2"), ("refused", "0")],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "settle"),
                ("lease_id", "8"),
                ("units", "40"),
                ("paid", "400"),
            ],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "settle"),
                ("lease_id", "9"),
                ("units", "0"),
                ("paid", "0"),
            ],
        ),
        (
            "wasm",
            ESCROW,
            &[
                ("action", "record_usage_failed"),
                ("lease_id", "8"),
                ("record_usage_error", "provider not found"),
            ],
        ),
    ]);
    let payment = &only!(rows, Payment)[0];
    assert_eq!(
        (
            payment.lease_id,
            payment.kind.as_str(),
            payment.units,
            payment.amount,
            payment.batch
        ),
        (8, "settle", Some(40), 400, true)
    );
    assert_eq!(
        only!(rows, Payment).len(),
        1,
        "nothing paid, no payment row"
    );
    let failed = &only!(rows, LeaseEvent)[0];
    assert_eq!(
        (
            failed.lease_id,
            failed.action.as_str(),
            failed.error.as_deref()
        ),
        (Some(8), "record_usage_failed", Some("provider not found"))
    );
}

/// A batch's `wasm-batch_item` events as the escrow emits them now: `fee`
/// whenever `paid` is there, `charged` on reports.
#[test]
fn batch_items_with_their_fee_and_charge_fill_the_fee_and_amount_columns() {
    let rows = decode(&[
        (
            "wasm",
            ESCROW,
            &[("action", "batch"), ("items", "4"), ("refused", "1")],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "report_usage"),
                ("lease_id", "3"),
                ("charge_id", "2"),
                ("units", "10"),
                ("paid", "7098"),
                ("fee", "178"),
                ("charged", "70"),
            ],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "redeem_receipt"),
                ("lease_id", "4"),
                ("units", "3"),
                ("paid", "21"),
                ("fee", "0"),
            ],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "report_usage"),
                ("lease_id", "5"),
                ("charge_id", "1"),
                ("units", "4"),
                ("paid", "0"),
                ("fee", "0"),
                ("charged", "28"),
            ],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "settle"),
                ("lease_id", "6"),
                ("error", "nothing to settle on lease 6"),
            ],
        ),
    ]);
    let charges: Vec<_> = only!(rows, Charge)
        .iter()
        .map(|c| (c.lease_id, c.charge_id, c.units, c.amount, c.fee, c.batch))
        .collect();
    assert_eq!(
        charges,
        [
            (3, 2, 10, Some(70), None, true),
            (5, 1, 4, Some(28), None, true)
        ]
    );
    let payments: Vec<_> = only!(rows, Payment)
        .iter()
        .map(|p| {
            (
                p.lease_id,
                p.kind.clone(),
                p.units,
                p.amount,
                p.fee,
                p.provider_amount,
            )
        })
        .collect();
    assert_eq!(
        payments,
        [
            (
                3,
                "report_usage".into(),
                None,
                7_098,
                Some(178),
                Some(6_920)
            ),
            (4, "redeem_receipt".into(), Some(3), 21, Some(0), Some(21)),
        ],
        "nothing paid on lease 5, no payment row"
    );
    let receipt = &only!(rows, ReceiptRedeemed)[0];
    assert_eq!(
        (receipt.lease_id, receipt.amount, receipt.fee, receipt.batch),
        (4, 21, Some(0), true)
    );
    assert_eq!(only!(rows, BatchRefusal)[0].lease_id, 6);
}

/// Batches of escrows before `fee` and `charged` were emitted: the same rows,
/// those columns null.
#[test]
fn batch_items_of_older_escrows_leave_fee_and_charge_null() {
    let rows = decode(&[
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "report_usage"),
                ("lease_id", "3"),
                ("charge_id", "2"),
                ("units", "10"),
                ("paid", "7098"),
            ],
        ),
        (
            "wasm-batch_item",
            ESCROW,
            &[
                ("kind", "redeem_receipt"),
                ("lease_id", "4"),
                ("units", "3"),
                ("paid", "21"),
            ],
        ),
    ]);
    let charge = &only!(rows, Charge)[0];
    assert_eq!(
        (charge.lease_id, charge.units, charge.amount, charge.fee),
        (3, 10, None, None)
    );
    let payments: Vec<_> = only!(rows, Payment)
        .iter()
        .map(|p| (p.lease_id, p.amount, p.fee, p.provider_amount, p.batch))
        .collect();
    assert_eq!(
        payments,
        [(3, 7_098, None, None, true), (4, 21, None, None, true)]
    );
    let receipt = &only!(rows, ReceiptRedeemed)[0];
    assert_eq!((receipt.amount, receipt.fee), (21, None));
}

#[test]
fn a_batch_item_fee_above_its_payment_is_an_error() {
    let error = try_decode(&[(
        "wasm-batch_item",
        ESCROW,
        &[
            ("kind", "settle"),
            ("lease_id", "8"),
            ("units", "40"),
            ("paid", "400"),
            ("fee", "401"),
        ],
    )])
    .unwrap_err();
    assert!(
        error.contains("attribute `fee`") && error.contains("larger than the amount"),
        "{error}"
    );
}

#[test]
fn dao_claims_closes_vetoes_and_failed_executions() {
    let rows = decode(&[
        (
            "wasm",
            DAO,
            &[("action", "claim"), ("staker", "wasm1m"), ("amount", "5")],
        ),
        (
            "wasm",
            DAO,
            &[
                ("action", "close"),
                ("proposal_id", "3"),
                ("outcome", "failed_quorum"),
                ("deposit_refunded", "false"),
            ],
        ),
        (
            "wasm",
            DAO,
            &[
                ("action", "veto"),
                ("proposal_id", "4"),
                ("guardian", "wasm1g"),
                ("deposit_refunded", "true"),
            ],
        ),
        (
            "wasm",
            DAO,
            &[
                ("action", "execute"),
                ("proposal_id", "5"),
                ("deposit_refunded", "true"),
            ],
        ),
        (
            "wasm",
            DAO,
            &[
                ("action", "execution_failed"),
                ("proposal_id", "5"),
                ("error", "out of funds"),
            ],
        ),
    ]);
    let claim = &only!(rows, DaoStake)[0];
    assert_eq!(
        (claim.action.as_str(), claim.amount, claim.staked),
        ("claim", 5, None)
    );
    let events: Vec<_> = only!(rows, ProposalEvent)
        .into_iter()
        .map(|e| {
            (
                e.proposal_id,
                e.action,
                e.outcome,
                e.deposit_refunded,
                e.error,
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                3,
                "close".into(),
                Some("failed_quorum".into()),
                Some(false),
                None
            ),
            (4, "veto".into(), None, Some(true), None),
            (5, "execute".into(), None, Some(true), None),
            (
                5,
                "execution_failed".into(),
                None,
                None,
                Some("out of funds".into())
            ),
        ]
    );
}

#[test]
fn a_suite_event_missing_an_attribute_is_an_error_not_a_silent_gap() {
    let block: BlockResponse = serde_json::from_value(serde_json::json!({
        "block_id": {"hash": "AB"},
        "block": {"header": {"height": "7", "time": "2026-12-02T10:00:00Z"}, "data": {"txs": ["dHg="]}}
    }))
    .unwrap();
    let results: BlockResults = serde_json::from_value(serde_json::json!({
        "height": "7",
        "txs_results": [{"code": 0, "events": [{"type": "wasm", "attributes": [
            {"key": "_contract_address", "value": ESCROW},
            {"key": "action", "value": "settle"},
            {"key": "lease_id", "value": "1"},
            {"key": "units", "value": "1"},
            {"key": "fee", "value": "0"},
            {"key": "amount", "value": "12x"}
        ]}]}]
    }))
    .unwrap();
    let error = decode_block(&suite(), &block, &results)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("attribute `amount`") && error.contains("not a number"),
        "{error}"
    );
}

#[test]
fn block_events_count_without_a_transaction_hash() {
    let block: BlockResponse = serde_json::from_value(serde_json::json!({
        "block_id": {"hash": "AB"},
        "block": {"header": {"height": "9", "time": "2026-12-02T10:00:00Z"}, "data": {"txs": []}}
    }))
    .unwrap();
    let results: BlockResults = serde_json::from_value(serde_json::json!({
        "height": "9",
        "txs_results": null,
        "finalize_block_events": [{"type": "wasm", "attributes": [
            {"key": "_contract_address", "value": TOKEN},
            {"key": "action", "value": "mint"},
            {"key": "to", "value": P},
            {"key": "amount", "value": "42"},
            {"key": "mode", "value": "EndBlock"}
        ]}]
    }))
    .unwrap();
    let rows = decode_block(&suite(), &block, &results).unwrap().rows;
    let mint = &only!(rows, TokenMint)[0];
    assert_eq!(
        (
            mint.recipient.as_str(),
            mint.amount,
            mint.at.tx_hash.as_deref(),
            mint.at.height
        ),
        (P, 42, None, 9)
    );
}
