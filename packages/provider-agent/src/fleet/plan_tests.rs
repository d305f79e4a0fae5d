//! A round's decisions: what each lease gets in the batch, and what the
//! chain's answer means for each item.

use cosmwasm_std::{Binary, Timestamp};
use depin_interface::escrow::BatchItemResult;

use super::*;
use crate::receipts::tests::lease;

fn policy() -> Policy {
    Policy {
        report_seconds: 10,
        settle_threshold: Uint128::new(1000),
        redeem_threshold: Uint128::new(500),
        redeem_max_hold_seconds: 60,
        ..Policy::default()
    }
}

fn usage(recorded: u128, reported: u128, last: u64) -> Usage {
    Usage {
        recorded,
        reported,
        last_report_at: last,
    }
}

fn metered(id: u64) -> LeaseResponse {
    lease(id, BillingMode::Metered {}, LeaseState::Open)
}

fn settleable(lease_id: u64, amount: u128) -> SettleableResponse {
    SettleableResponse {
        lease_id,
        amount: Uint128::new(amount),
        fee: Uint128::zero(),
        provider_amount: Uint128::new(amount),
        units: Uint128::zero(),
    }
}

fn result(lease_id: u64, units: u128, paid: u128, error: Option<&str>) -> BatchItemResult {
    BatchItemResult {
        lease_id,
        charge_id: None,
        units: Uint128::new(units),
        paid: Uint128::new(paid),
        error: error.map(String::from),
    }
}

#[test]
fn a_report_builds_on_the_chains_count_when_it_is_higher() {
    let mut l = metered(4);
    // Not due yet (reported 5 s ago, every 10 s), then due.
    assert_eq!(report(&policy(), &l, &usage(50, 20, 95), 100), None);
    let duty = report(&policy(), &l, &usage(50, 20, 80), 100).unwrap();
    assert_eq!(
        duty.item,
        BatchItem::ReportUsage {
            lease_id: 4,
            units: Uint128::new(30),
            billed_before: Some(Uint128::new(20)),
        }
    );
    assert_eq!(
        duty.entry,
        BatchEntry {
            kind: TxKind::ReportUsage,
            lease_id: 4,
            units: 30
        }
    );
    // The chain counts 40 reported (another writer, a lost state): 10 are left, built on 40.
    l.reported_units = Uint128::new(40);
    let duty = report(&policy(), &l, &usage(50, 20, 80), 100).unwrap();
    assert_eq!(
        duty.item,
        BatchItem::ReportUsage {
            lease_id: 4,
            units: Uint128::new(10),
            billed_before: Some(Uint128::new(40)),
        }
    );
    // Nothing left when the chain counts everything recorded.
    l.reported_units = Uint128::new(50);
    assert_eq!(report(&policy(), &l, &usage(50, 20, 80), 100), None);
}

#[test]
fn a_receipt_is_redeemed_and_a_lease_settled_by_the_policy() {
    let key = Binary::from(vec![2u8; 33]);
    let l = lease(
        6,
        BillingMode::Receipts {
            consumer_pubkey: key,
        },
        LeaseState::Open,
    );
    let held = HeldReceipt {
        lease_id: 6,
        cumulative_units: 80,
        signature: vec![9; 64],
        received_at: 90,
        redeemed: 0,
    };
    let duty = redeem(&policy(), &l, &held, 100).unwrap();
    assert_eq!(duty.entry.kind, TxKind::RedeemReceipt);
    assert!(
        matches!(duty.item, BatchItem::RedeemReceipt { lease_id: 6, cumulative_units, .. } if cumulative_units.u128() == 80)
    );
    // Settle: an open lease once settleable reaches the threshold.
    let mut open = metered(7);
    assert!(!may_settle(&open), "nothing reserved: nothing to ask");
    open.reserved = Uint128::new(2000);
    assert!(may_settle(&open));
    let settleable = |amount| settleable(7, amount);
    assert_eq!(settle(&policy(), &open, &settleable(999), 100), None);
    let duty = settle(&policy(), &open, &settleable(1000), 100).unwrap();
    assert_eq!(duty.item, BatchItem::Settle { lease_id: 7 });
    // A closing lease whose grace is over completes its close even with nothing to pay.
    let mut closing = metered(8);
    closing.state = LeaseState::Closing;
    closing.close_after = Some(Timestamp::from_seconds(90));
    assert!(may_settle(&closing));
    assert!(settle(&policy(), &closing, &settleable(0), 100).is_some());
    // A pending or closed lease: nothing.
    assert!(!may_settle(&lease(
        9,
        BillingMode::Metered {},
        LeaseState::Closed
    )));
}

#[test]
fn each_items_outcome_is_read_from_the_response_in_order() {
    let l = metered(1);
    let duties = vec![
        report(&policy(), &l, &usage(30, 0, 0), 100).unwrap(),
        report(&policy(), &metered(2), &usage(10, 0, 0), 100).unwrap(),
        settle(
            &policy(),
            &lease(3, BillingMode::Metered {}, LeaseState::Closing),
            &settleable(3, 50),
            100,
        )
        .unwrap(),
        report(&policy(), &metered(4), &usage(10, 0, 0), 100).unwrap(),
    ];
    let stale = "report_usage on lease 2 builds on 0 units reported, but the lease has 10";
    let closed = "lease 4 is Closed; report_usage is not possible in that state";
    let response = BatchResponse {
        items: vec![
            result(1, 0, 120, None),
            result(2, 0, 0, Some(stale)),
            result(3, 5, 50, None),
            result(4, 0, 0, Some(closed)),
        ],
    };
    assert_eq!(
        outcomes(&duties, Some(&response)),
        vec![
            Outcome::Done {
                units: 30,
                paid: 120
            },
            Outcome::Stale(stale.into()),
            Outcome::Done { units: 5, paid: 50 },
            Outcome::Refused(closed.into()),
        ]
    );
    // No response, or one that is not this batch's: nothing is known.
    assert_eq!(outcomes(&duties, None), vec![Outcome::Unknown; 4]);
    let shifted = BatchResponse {
        items: response.items[1..].to_vec(),
    };
    assert_eq!(outcomes(&duties, Some(&shifted)), vec![Outcome::Unknown; 4]);
}

#[test]
fn a_batch_holds_at_most_200_items_and_what_the_last_gas_per_item_says_fits() {
    // Unknown gas: simulated, at most MAX_BATCH_ITEMS.
    assert_eq!(first_chunk(500, None, 20_000_000), (200, true));
    assert_eq!(first_chunk(3, None, 20_000_000), (3, true));
    // 40,000 gas an item last time: 200 items surely fit 20 M (twice that is 16 M): no simulation.
    assert_eq!(first_chunk(500, Some(40_000), 20_000_000), (200, false));
    // 100,000 an item: 100 surely fit; more would be simulated.
    assert_eq!(first_chunk(150, Some(100_000), 20_000_000), (100, true));
    assert_eq!(first_chunk(5, Some(100_000), 20_000_000), (5, false));
    // Never fewer than one.
    assert_eq!(first_chunk(5, Some(50_000_000), 20_000_000), (1, true));
}
