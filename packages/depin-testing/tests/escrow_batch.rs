//! The escrow's `batch`, through the real registry and token: a batch does
//! exactly what its items do one by one, refuses bad items alone, and lets a
//! provider's operator (a fleet agent) bill for it.

use cosmwasm_std::{Addr, Uint128};
use depin_billing_escrow::ContractError;
use depin_interface::escrow::{BatchItem, BillingMode, LeaseResponse, LeaseState};
use depin_interface::{ValidationError, MAX_BATCH_ITEMS};
use depin_testing::escrow::{batch_results, escrow_error, lease_id_of, pay_price, report_item};
use depin_testing::shared::{protocol_fee, pubkey, signing_key};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};
use k256::ecdsa::SigningKey;
use proptest::prelude::*;

const PRICE: u128 = 7;
const DEPOSIT: u128 = 200_000;
const WINDOW: u64 = 3_600;

/// Three providers, each with a metered and a receipts lease (consumer 0's
/// key signs the receipts); the fleet operator is the suite's guardian.
struct Fleet {
    suite: Suite,
    operator: Addr,
    key: SigningKey,
    /// (metered, receipts) lease ids per provider.
    leases: Vec<(u64, u64)>,
}

fn fleet() -> Fleet {
    let mut suite = SuiteBuilder::new().build();
    let operator = suite.actors.guardian.clone();
    let key = signing_key(7);
    let mut leases = vec![];
    for i in 0..3 {
        let provider = suite.provider(i);
        suite
            .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
            .unwrap();
        let consumer = suite.consumer(i % 2);
        let metered = suite
            .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
            .unwrap();
        let receipts = BillingMode::Receipts {
            consumer_pubkey: pubkey(&key),
        };
        let receipts = suite
            .open_lease(&consumer, &provider, receipts, DEPOSIT)
            .unwrap();
        leases.push((lease_id_of(&metered), lease_id_of(&receipts)));
    }
    Fleet {
        suite,
        operator,
        key,
        leases,
    }
}

impl Fleet {
    fn name_operator(&mut self) {
        for i in 0..3 {
            let provider = self.suite.provider(i);
            let operator = self.operator.clone();
            self.suite.set_operator(&provider, Some(&operator)).unwrap();
        }
    }

    fn all_leases(&self) -> Vec<LeaseResponse> {
        self.leases
            .iter()
            .flat_map(|(m, r)| [self.suite.lease(*m), self.suite.lease(*r)])
            .collect()
    }

    /// Everything a batch or its items may change, for comparison.
    fn state(&self) -> (Vec<LeaseResponse>, Vec<u128>, Vec<String>) {
        let s = &self.suite;
        let mut balances = vec![];
        for i in 0..3 {
            balances.push(s.native_balance(&s.provider(i), PAY_DENOM));
        }
        for i in 0..2 {
            balances.push(s.native_balance(&s.consumer(i), PAY_DENOM));
        }
        balances.push(s.native_balance(&s.dao, PAY_DENOM));
        balances.push(s.native_balance(&s.escrow, PAY_DENOM));
        let records = (0..3)
            .map(|i| {
                let p = s.provider_info(&s.provider(i));
                format!(
                    "{:?} pending {} unproven {}",
                    p.reputation, p.pending_rewards, p.unproven_rewards
                )
            })
            .collect();
        (self.all_leases(), balances, records)
    }
}

/// One randomly chosen item: its kind, the provider whose lease it is on,
/// the units, and a twist that makes it bad.
#[derive(Clone, Debug)]
struct Pick {
    kind: u8,
    provider: usize,
    units: u128,
    twist: u8,
}

/// The item of `pick` on `fleet`'s leases; `signed` tracks each receipts
/// lease's highest signed count (only a redeemed one moves it).
fn item_of(fleet: &Fleet, pick: &Pick, signed: &[u128]) -> BatchItem {
    let (metered, receipts) = fleet.leases[pick.provider];
    let reported = fleet.suite.lease(metered).reported_units.u128();
    match (pick.kind, pick.twist) {
        // Twists: a stale count, a unit beyond the deposit, an unknown lease, the wrong mode.
        (0, 1) => report_item(metered, pick.units, Some(reported + 1)),
        (0, 2) => report_item(metered, DEPOSIT, None),
        (0, 3) => report_item(9_999, pick.units, None),
        (0, 4) => report_item(receipts, pick.units, None),
        (0, _) => report_item(metered, pick.units, Some(reported)),
        (1, twist) => {
            let cumulative = signed[pick.provider] + pick.units;
            let lease_id = if twist == 4 { metered } else { receipts };
            let key = if twist == 1 {
                signing_key(9)
            } else {
                fleet.key.clone()
            };
            BatchItem::RedeemReceipt {
                lease_id,
                cumulative_units: Uint128::new(cumulative),
                signature: fleet.suite.sign_receipt(&key, lease_id, cumulative),
            }
        }
        (_, twist) => BatchItem::Settle {
            lease_id: if twist == 3 { 9_999 } else { metered },
        },
    }
}

/// Sends `item` alone as `sender`, as the single message(s) it stands for:
/// a usage report is followed by a settle of its lease (the batch pays what
/// has matured at the report). Returns whether the item went through.
fn send_alone(suite: &mut Suite, sender: &Addr, item: &BatchItem) -> bool {
    use depin_interface::escrow::ExecuteMsg;
    let msg = match item.clone() {
        BatchItem::ReportUsage {
            lease_id,
            units,
            billed_before,
        } => ExecuteMsg::ReportUsage {
            lease_id,
            units,
            billed_before,
        },
        BatchItem::RedeemReceipt {
            lease_id,
            cumulative_units,
            signature,
        } => ExecuteMsg::RedeemReceipt {
            lease_id,
            cumulative_units,
            signature,
        },
        BatchItem::Settle { lease_id } => ExecuteMsg::Settle { lease_id },
    };
    let ok = suite.escrow_execute(sender, &msg, &[]).is_ok();
    if ok {
        if let BatchItem::ReportUsage { lease_id, .. } = item {
            // Nothing matured is a harmless refusal here, as in the batch.
            let _ = suite.escrow_execute(
                sender,
                &ExecuteMsg::Settle {
                    lease_id: *lease_id,
                },
                &[],
            );
        }
    }
    ok
}

fn pick() -> impl Strategy<Value = Pick> {
    (
        0u8..3,
        0usize..3,
        1u128..3_000,
        prop_oneof![6 => Just(0u8), 1 => 1u8..5],
    )
        .prop_map(|(kind, provider, units, twist)| Pick {
            kind,
            provider,
            units,
            twist,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The same random mix of items, sent one by one by each lease's provider
    /// on one suite and in one batch per round by the fleet's operator on an
    /// identical suite, leaves the same leases, balances, reputation and
    /// rewards after every round, and the same items refused.
    #[test]
    fn a_batch_does_what_its_items_do_one_by_one(
        rounds in prop::collection::vec(
            (prop::collection::vec(pick(), 1..8), 0u64..(2 * WINDOW)),
            1..6,
        ),
    ) {
        let mut alone = fleet();
        let mut batched = fleet();
        batched.name_operator();
        let mut signed = vec![0u128; 3];
        for (picks, wait) in rounds {
            let items: Vec<BatchItem> = picks
                .iter()
                .map(|p| item_of(&alone, p, &signed))
                .collect();
            let mut went_through = vec![];
            for (pick, item) in picks.iter().zip(&items) {
                let provider = alone.suite.provider(pick.provider);
                went_through.push(send_alone(&mut alone.suite, &provider, item));
                if let (true, BatchItem::RedeemReceipt { cumulative_units, lease_id, .. }) =
                    (went_through[went_through.len() - 1], item)
                {
                    if *lease_id == alone.leases[pick.provider].1 {
                        signed[pick.provider] = cumulative_units.u128();
                    }
                }
            }
            let operator = batched.operator.clone();
            let res = batched.suite.batch(&operator, items).unwrap();
            let refused: Vec<bool> = batch_results(&res).iter().map(|r| r.error.is_none()).collect();
            prop_assert_eq!(refused, went_through);
            prop_assert_eq!(alone.state(), batched.state());
            alone.suite.advance(wait);
            batched.suite.advance(wait);
        }
    }
}

#[test]
fn a_report_in_a_batch_pays_what_matured_and_sums_the_payments() {
    let mut fleet = fleet();
    fleet.name_operator();
    let operator = fleet.operator.clone();
    let (p0, p1) = (fleet.suite.provider(0), fleet.suite.provider(1));
    let (m0, m1) = (fleet.leases[0].0, fleet.leases[1].0);
    let dao = fleet.suite.dao.clone();
    let start = |s: &Suite| {
        (
            s.native_balance(&p0, PAY_DENOM),
            s.native_balance(&p1, PAY_DENOM),
            s.native_balance(&dao, PAY_DENOM),
        )
    };
    let before = start(&fleet.suite);
    // Day 1: two reports on each lease; nothing has matured, nothing is paid.
    let items = vec![
        report_item(m0, 1_000, Some(0)),
        report_item(m1, 2_000, Some(0)),
        report_item(m0, 500, Some(1_000)),
    ];
    let res = fleet.suite.batch(&operator, items).unwrap();
    let results = batch_results(&res);
    assert_eq!(
        results
            .iter()
            .map(|r| (r.charge_id, r.paid.u128()))
            .collect::<Vec<_>>(),
        vec![(Some(1), 0), (Some(1), 0), (Some(2), 0)]
    );
    assert_eq!(start(&fleet.suite), before);
    // Day 2: the next report pays day 1's charges (fee 250 bps, rounded up once per lease).
    fleet.suite.advance(WINDOW);
    let res = fleet
        .suite
        .batch(
            &operator,
            vec![
                report_item(m0, 10, Some(1_500)),
                report_item(m1, 10, Some(2_000)),
            ],
        )
        .unwrap();
    let paid: Vec<u128> = batch_results(&res).iter().map(|r| r.paid.u128()).collect();
    assert_eq!(paid, vec![1_500 * PRICE, 2_000 * PRICE]);
    let fee = |amount: u128| protocol_fee(amount, 250);
    let after = start(&fleet.suite);
    assert_eq!(after.0 - before.0, 1_500 * PRICE - fee(1_500 * PRICE));
    assert_eq!(after.1 - before.1, 2_000 * PRICE - fee(2_000 * PRICE));
    assert_eq!(after.2 - before.2, fee(1_500 * PRICE) + fee(2_000 * PRICE));
    // One transfer per provider, one fee transfer, one record_usage_batch.
    let transfers = res.events.iter().filter(|e| e.ty == "transfer").count();
    assert_eq!(transfers, 3);
    let records = res
        .events
        .iter()
        .filter(|e| e.attributes.iter().any(|a| a.value == "record_usage_batch"))
        .count();
    assert_eq!(records, 1);
    let lease = fleet.suite.lease(m0);
    assert_eq!(
        (lease.paid.u128(), lease.reserved.u128()),
        (1_500 * PRICE, 10 * PRICE)
    );
    let rep = fleet.suite.provider_info(&p0).reputation;
    assert_eq!((rep.usage_units.u128(), rep.leases_settled), (1_500, 1));
}

#[test]
fn a_refused_item_changes_nothing_and_the_others_go_through() {
    let mut fleet = fleet();
    fleet.name_operator();
    let operator = fleet.operator.clone();
    let (m0, r0) = fleet.leases[0];
    let before = fleet.suite.lease(m0);
    let receipts_before = fleet.suite.lease(r0);
    let items = vec![
        report_item(m0, 100, Some(5)),
        report_item(m0, DEPOSIT, None),
        report_item(r0, 100, None),
        report_item(404, 100, None),
        BatchItem::Settle { lease_id: m0 },
        report_item(m0, 100, Some(0)),
    ];
    let res = fleet.suite.batch(&operator, items).unwrap();
    let errors: Vec<Option<String>> = batch_results(&res).into_iter().map(|r| r.error).collect();
    let expected = [
        ContractError::StaleReport {
            lease_id: m0,
            billed_before: Uint128::new(5),
            reported_units: Uint128::zero(),
        }
        .to_string(),
        ContractError::ExceedsAvailable {
            lease_id: m0,
            amount: Uint128::new(DEPOSIT * PRICE),
            available: before.available,
        }
        .to_string(),
        ContractError::WrongBillingMode {
            lease_id: r0,
            mode: "receipts",
            expected: "metered",
            action: "report_usage",
        }
        .to_string(),
        ContractError::LeaseNotFound { lease_id: 404 }.to_string(),
        ContractError::NothingToSettle { lease_id: m0 }.to_string(),
    ];
    for (got, want) in errors.iter().zip(&expected) {
        assert_eq!(got.as_deref(), Some(want.as_str()));
    }
    assert_eq!(errors[5], None);
    let lease = fleet.suite.lease(m0);
    assert_eq!(lease.reported_units.u128(), 100);
    assert_eq!(lease.reserved.u128(), 100 * PRICE);
    assert_eq!(fleet.suite.charges(m0, None, None).len(), 1);
    assert_eq!(fleet.suite.lease(r0), receipts_before);
}

#[test]
fn only_the_provider_or_its_operator_bills_and_a_removed_operator_no_longer_can() {
    let mut fleet = fleet();
    let operator = fleet.operator.clone();
    let attacker = fleet.suite.actors.attacker.clone();
    let (p0, p1) = (fleet.suite.provider(0), fleet.suite.provider(1));
    let (m0, m1) = (fleet.leases[0].0, fleet.leases[1].0);
    let not_party = |lease_id| {
        Some(
            ContractError::NotLeaseParty {
                lease_id,
                party: "provider",
                action: "report_usage",
            }
            .to_string(),
        )
    };
    // Before anyone names it, the operator is a stranger.
    let res = fleet
        .suite
        .batch(&operator, vec![report_item(m0, 1, None)])
        .unwrap();
    assert_eq!(batch_results(&res)[0].error, not_party(m0));
    // Provider 0 names it: it bills provider 0's lease, not provider 1's.
    fleet.suite.set_operator(&p0, Some(&operator)).unwrap();
    let res = fleet
        .suite
        .batch(
            &operator,
            vec![report_item(m0, 1, None), report_item(m1, 1, None)],
        )
        .unwrap();
    let errors: Vec<_> = batch_results(&res).into_iter().map(|r| r.error).collect();
    assert_eq!(errors, vec![None, not_party(m1)]);
    // A provider bills its own leases in a batch; another provider's it cannot.
    let res = fleet
        .suite
        .batch(
            &p1,
            vec![report_item(m1, 1, None), report_item(m0, 1, None)],
        )
        .unwrap();
    let errors: Vec<_> = batch_results(&res).into_iter().map(|r| r.error).collect();
    assert_eq!(errors, vec![None, not_party(m0)]);
    // The single messages accept the operator too, and a stranger still not.
    fleet.suite.report_usage(&operator, m0, 1).unwrap();
    assert_eq!(
        escrow_error(fleet.suite.report_usage(&attacker, m0, 1)),
        ContractError::NotLeaseParty {
            lease_id: m0,
            party: "provider",
            action: "report_usage",
        }
    );
    // Removed: refused at once.
    fleet.suite.set_operator(&p0, None).unwrap();
    let res = fleet
        .suite
        .batch(&operator, vec![report_item(m0, 1, None)])
        .unwrap();
    assert_eq!(batch_results(&res)[0].error, not_party(m0));
    assert_eq!(fleet.suite.lease(m0).reported_units.u128(), 2);
    // Anyone may settle in a batch, as with `settle`.
    fleet.suite.advance(WINDOW);
    let res = fleet
        .suite
        .batch(&attacker, vec![BatchItem::Settle { lease_id: m0 }])
        .unwrap();
    assert_eq!(batch_results(&res)[0].paid.u128(), 2 * PRICE);
}

#[test]
fn a_batch_is_bounded_and_takes_no_funds() {
    let mut fleet = fleet();
    let p0 = fleet.suite.provider(0);
    let m0 = fleet.leases[0].0;
    assert_eq!(
        escrow_error(fleet.suite.batch(&p0, vec![])),
        ContractError::Validation(ValidationError::Empty { field: "items" })
    );
    let too_many = vec![report_item(m0, 1, None); MAX_BATCH_ITEMS + 1];
    assert!(matches!(
        escrow_error(fleet.suite.batch(&p0, too_many)),
        ContractError::Validation(ValidationError::TooManyEntries { field: "items", .. })
    ));
    let most = vec![report_item(m0, 1, None); MAX_BATCH_ITEMS];
    let res = fleet.suite.batch(&p0, most).unwrap();
    assert!(batch_results(&res).iter().all(|r| r.error.is_none()));
    assert_eq!(
        fleet.suite.lease(m0).reported_units.u128(),
        MAX_BATCH_ITEMS as u128
    );
    let funds = [cosmwasm_std::coin(1, PAY_DENOM)];
    let msg = depin_interface::escrow::ExecuteMsg::Batch {
        items: vec![report_item(m0, 1, None)],
    };
    assert!(matches!(
        escrow_error(fleet.suite.escrow_execute(&p0, &msg, &funds)),
        ContractError::Payment(_)
    ));
    assert_eq!(
        fleet.suite.lease(m0).reported_units.u128(),
        MAX_BATCH_ITEMS as u128
    );
}

#[test]
fn a_batch_settle_completes_a_close_and_refunds_the_consumer() {
    let mut fleet = fleet();
    let p0 = fleet.suite.provider(0);
    let consumer = fleet.suite.consumer(0);
    let m0 = fleet.leases[0].0;
    fleet.suite.report_usage(&p0, m0, 100).unwrap();
    fleet.suite.close_lease(&consumer, m0).unwrap();
    assert_eq!(fleet.suite.lease(m0).state, LeaseState::Closing);
    fleet.suite.advance(WINDOW);
    let before = fleet.suite.native_balance(&consumer, PAY_DENOM);
    let res = fleet
        .suite
        .batch(&p0, vec![BatchItem::Settle { lease_id: m0 }])
        .unwrap();
    assert_eq!(batch_results(&res)[0].paid.u128(), 100 * PRICE);
    let lease = fleet.suite.lease(m0);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.refunded.u128(), DEPOSIT - 100 * PRICE);
    assert_eq!(
        fleet.suite.native_balance(&consumer, PAY_DENOM),
        before + DEPOSIT - 100 * PRICE
    );
}

/// The attributes of each `wasm-batch_item` event of `res`, in order (the
/// contract address left out).
fn item_events(res: &cw_multi_test::AppResponse) -> Vec<Vec<(String, String)>> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm-batch_item")
        .map(|e| {
            e.attributes
                .iter()
                .filter(|a| a.key != "_contract_address")
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect()
        })
        .collect()
}

fn item_attribute(item: &[(String, String)], key: &str) -> Option<u128> {
    item.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.parse().expect("a number"))
}

#[test]
fn batch_items_tell_their_fee_and_their_fees_add_up_to_the_fee_transfer() {
    let mut fleet = fleet();
    fleet.name_operator();
    let operator = fleet.operator.clone();
    let (m0, m1, m2) = (fleet.leases[0].0, fleet.leases[1].0, fleet.leases[2].0);
    let r2 = fleet.leases[2].1;
    // Day 1: three reports (fee 250 bps through each lease's carry, in
    // ten-thousandths): m0 1,001 × 7 = 7,007, exact fee 175.175 → 176 (carry
    // 0.825); m1 333 × 7 = 2,331, 58.275 → 59; m0 13 × 7 = 91, 2.275 − 0.825
    // → 2. Nothing has matured: each item pays 0, fee 0, and tells its charge.
    let res = fleet
        .suite
        .batch(
            &operator,
            vec![
                report_item(m0, 1_001, Some(0)),
                report_item(m1, 333, Some(0)),
                report_item(m0, 13, Some(1_001)),
            ],
        )
        .unwrap();
    let attrs = |lease_id: u64, charge_id: u64, units: u128, charged: u128| {
        [
            ("kind", "report_usage".to_string()),
            ("lease_id", lease_id.to_string()),
            ("charge_id", charge_id.to_string()),
            ("units", units.to_string()),
            ("paid", "0".to_string()),
            ("fee", "0".to_string()),
            ("charged", charged.to_string()),
        ]
        .map(|(k, v)| (k.to_string(), v))
        .to_vec()
    };
    assert_eq!(
        item_events(&res),
        vec![
            attrs(m0, 1, 1_001, 1_001 * PRICE),
            attrs(m1, 1, 333, 333 * PRICE),
            attrs(m0, 2, 13, 13 * PRICE),
        ]
    );
    assert_eq!(
        fleet
            .suite
            .charges(m0, None, None)
            .iter()
            .map(|c| c.amount.u128())
            .collect::<Vec<_>>(),
        vec![1_001 * PRICE, 13 * PRICE]
    );

    // Day 2: the next reports pay day 1's charges at the fees fixed on them
    // (m0: 176 + 2 = 178 on 7,098; m1: 59 on 2,331); two receipts on r2 pay at
    // once: 1 × 7, 0.175 → 1 (carry 0.825), then 3 × 7 = 21, 0.525 − 0.825 →
    // 0. A settle with nothing due and a stale report are refused.
    fleet.suite.advance(WINDOW);
    let provider = |i| fleet.suite.provider(i);
    let (p0, p1, p2) = (provider(0), provider(1), provider(2));
    let dao = fleet.suite.dao.clone();
    let balances = |s: &Suite| [&p0, &p1, &p2, &dao].map(|a| s.native_balance(a, PAY_DENOM));
    let before = balances(&fleet.suite);
    let receipt = |cumulative: u128| BatchItem::RedeemReceipt {
        lease_id: r2,
        cumulative_units: Uint128::new(cumulative),
        signature: fleet.suite.sign_receipt(&fleet.key, r2, cumulative),
    };
    let items = vec![
        report_item(m0, 10, Some(1_014)),
        receipt(1),
        BatchItem::Settle { lease_id: m2 },
        report_item(m1, 10, Some(333)),
        report_item(m1, 10, Some(0)),
        receipt(4),
    ];
    let res = fleet.suite.batch(&operator, items).unwrap();
    let events = item_events(&res);
    let fees: Vec<Option<u128>> = events.iter().map(|e| item_attribute(e, "fee")).collect();
    assert_eq!(
        fees,
        vec![Some(178), Some(1), None, Some(59), None, Some(0)]
    );
    let paid: Vec<Option<u128>> = events.iter().map(|e| item_attribute(e, "paid")).collect();
    assert_eq!(
        paid,
        vec![
            Some(1_014 * PRICE),
            Some(PRICE),
            None,
            Some(333 * PRICE),
            None,
            Some(3 * PRICE)
        ]
    );
    let charged: Vec<Option<u128>> = events
        .iter()
        .map(|e| item_attribute(e, "charged"))
        .collect();
    assert_eq!(
        charged,
        vec![Some(10 * PRICE), None, None, Some(10 * PRICE), None, None]
    );
    // A refused item tells its error and nothing of a payment.
    for refused in [&events[2], &events[4]] {
        let keys: Vec<&str> = refused.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["kind", "lease_id", "error"]);
    }

    // The items' fees are exactly what the treasury received, and each
    // provider got its items' paid − fee. (The fee of the batch's sum,
    // ceil(9,457 × 0.025) = 237, is not it: fees are taken per lease.)
    let after = balances(&fleet.suite);
    let gained = |i: usize| after[i] - before[i];
    let fee_sum: u128 = fees.iter().flatten().sum();
    assert_eq!(fee_sum, 238);
    assert_eq!(gained(3), fee_sum);
    let net = |items: &[usize]| -> u128 {
        items
            .iter()
            .map(|&i| paid[i].unwrap_or(0) - fees[i].unwrap_or(0))
            .sum()
    };
    assert_eq!(
        [gained(0), gained(1), gained(2)],
        [net(&[0]), net(&[3]), net(&[1, 5])]
    );
    assert_eq!(protocol_fee((1_014 + 333 + 4) * PRICE, 250), 237);
}
