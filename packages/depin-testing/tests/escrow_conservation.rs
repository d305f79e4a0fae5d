//! Random action sequences on metered, streaming and receipts leases: after
//! every step each lease keeps `deposited = paid + reserved + available + refunded`
//! and the escrow holds exactly what its leases still owe (`reserved + available`).
//! Every coin that left the escrow went to the provider, the treasury or back
//! to the consumer.

use cosmwasm_std::{Binary, Decimal, Uint128};
use depin_interface::escrow::{BillingMode, LeaseState};
use depin_interface::receipt::receipt_digest;
use depin_testing::escrow::{lease_id_of, pay_price};
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use proptest::prelude::*;

const PRICE: u128 = 3;

#[derive(Debug, Clone)]
enum Action {
    Report(u128),
    Dispute(u64),
    Resolve(u64, bool, bool),
    Settle(usize),
    Close(usize, bool),
    TopUp(usize, u128),
    Accept,
    Redeem(u128),
    Advance(u64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (1u128..400).prop_map(Action::Report),
        (1u64..8).prop_map(Action::Dispute),
        (1u64..8, any::<bool>(), any::<bool>()).prop_map(|(c, u, s)| Action::Resolve(c, u, s)),
        (0usize..3).prop_map(Action::Settle),
        (0usize..3, any::<bool>()).prop_map(|(l, c)| Action::Close(l, c)),
        (0usize..3, 1u128..2_000).prop_map(|(l, a)| Action::TopUp(l, a)),
        Just(Action::Accept),
        (1u128..300).prop_map(Action::Redeem),
        (0u64..3_000).prop_map(Action::Advance),
    ]
}

fn check(suite: &Suite, leases: &[u64], consumer_paid_in: u128) {
    let mut owed = 0u128;
    let mut out = 0u128;
    for &id in leases {
        let lease = suite.lease(id); // asserts the per-lease identity
        owed += (lease.reserved + lease.available).u128();
        out += (lease.paid + lease.refunded).u128();
        if lease.state == LeaseState::Closed {
            assert_eq!(lease.reserved + lease.available, Uint128::zero());
        }
    }
    // The query shows streaming accrual up to now, which is still in the escrow.
    assert_eq!(suite.native_balance(&suite.escrow, PAY_DENOM), owed);
    assert_eq!(owed + out, consumer_paid_in);
    let consumer = suite.consumer(0);
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        INITIAL_NATIVE - consumer_paid_in + refunded(suite, leases)
    );
    // The treasury is the DAO, which holds no pay denom at the start.
    let provider = suite.provider(0);
    let treasury = suite.dao.clone();
    let paid: u128 = leases.iter().map(|&id| suite.lease(id).paid.u128()).sum();
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM) - INITIAL_NATIVE
            + suite.native_balance(&treasury, PAY_DENOM),
        paid
    );
}

fn refunded(suite: &Suite, leases: &[u64]) -> u128 {
    leases
        .iter()
        .map(|&id| suite.lease(id).refunded.u128())
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn escrow_funds_are_always_accounted_for(actions in prop::collection::vec(action(), 1..40)) {
        let mut suite = SuiteBuilder::new().build();
        let (consumer, provider) = (suite.consumer(0), suite.provider(0));
        let arbiter = suite.actors.arbiter.clone();
        suite.register_provider_for_escrow_tests(&provider, pay_price(PRICE)).unwrap();
        let key = SigningKey::from_bytes(&[9u8; 32].into()).unwrap();
        let pubkey = Binary::from(key.verifying_key().to_encoded_point(true).as_bytes());
        let billings = [
            BillingMode::Metered {},
            BillingMode::Streaming { rate_per_second: Uint128::new(2) },
            BillingMode::Receipts { consumer_pubkey: pubkey },
        ];
        let mut leases = vec![];
        let mut paid_in = 0u128;
        for billing in billings {
            let res = suite.open_lease(&consumer, &provider, billing, 5_000).unwrap();
            leases.push(lease_id_of(&res));
            paid_in += 5_000;
        }
        let mut cumulative = 0u128;
        let chain_id = suite.app.block_info().chain_id;
        for action in actions {
            let _ = match action {
                Action::Report(units) => suite.report_usage(&provider, leases[0], units),
                Action::Dispute(charge) => suite.dispute(&consumer, leases[0], charge, "disputed"),
                Action::Resolve(charge, uphold, slash) => {
                    let fraction = (slash && !uphold).then(|| Decimal::percent(1));
                    suite.resolve_dispute(&arbiter, leases[0], charge, uphold, fraction)
                }
                Action::Settle(l) => suite.settle(&arbiter, leases[l]),
                Action::Close(l, by_consumer) => {
                    let sender = if by_consumer { &consumer } else { &provider };
                    suite.close_lease(sender, leases[l])
                }
                Action::TopUp(l, amount) => {
                    let res = suite.top_up(&consumer, leases[l], amount);
                    if res.is_ok() {
                        paid_in += amount;
                    }
                    res
                }
                Action::Accept => suite.accept_lease(&provider, leases[1]),
                Action::Redeem(more) => {
                    let units = cumulative + more;
                    let digest = receipt_digest(&chain_id, suite.escrow.as_str(), leases[2], units);
                    let signature: Signature = key.sign_prehash(&digest).unwrap();
                    let res = suite.redeem_receipt(
                        &provider,
                        leases[2],
                        units,
                        Binary::from(&signature.to_bytes()[..]),
                    );
                    if res.is_ok() {
                        cumulative = units;
                    }
                    res
                }
                Action::Advance(seconds) => {
                    suite.advance(seconds);
                    continue;
                }
            };
            check(&suite, &leases, paid_in);
        }
    }
}
