//! The policies' tests: pure functions of chain state, local state and the config.

use super::*;
use crate::receipts::tests::lease;
use cosmwasm_std::{Binary, Timestamp};
use cw_utils::Expiration;
use depin_interface::registry::Claim;

fn claim(amount: u128, release_at: Expiration) -> Claim {
    Claim {
        amount: Uint128::new(amount),
        release_at,
    }
}

fn policy() -> Policy {
    Policy {
        report_seconds: 10,
        settle_threshold: Uint128::new(1000),
        redeem_threshold: Uint128::new(500),
        redeem_max_hold_seconds: 60,
        min_rate_per_second: Uint128::new(5),
        max_streaming_leases: 2,
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

#[test]
fn heartbeat_delay_stays_within_the_jitter() {
    let p = Policy {
        heartbeat_seconds: 100,
        heartbeat_jitter: 0.2,
        ..Policy::default()
    };
    assert_eq!(heartbeat_delay(&p, 0.0), 80);
    assert_eq!(heartbeat_delay(&p, 0.5), 100);
    assert_eq!(heartbeat_delay(&p, 0.999_999), 120);
}

#[test]
fn usage_is_reported_once_per_period_and_capped_by_free_funds() {
    let p = policy();
    let open = lease(1, BillingMode::Metered {}, LeaseState::Open);
    assert_eq!(report_units(&p, &open, &usage(50, 20, 100), 111), Some(30));
    // Inside the period: wait.
    assert_eq!(report_units(&p, &open, &usage(50, 20, 105), 111), None);
    // Nothing new.
    assert_eq!(report_units(&p, &open, &usage(20, 20, 0), 111), None);
    // available 1_000_000 at price 10 pays 100_000 units.
    assert_eq!(
        report_units(&p, &open, &usage(250_000, 0, 0), 111),
        Some(100_000)
    );
}

#[test]
fn a_closing_lease_reports_at_once_and_not_after_its_grace() {
    let p = policy();
    let mut closing = lease(1, BillingMode::Metered {}, LeaseState::Closing);
    closing.close_after = Some(Timestamp::from_seconds(120));
    assert_eq!(
        report_units(&p, &closing, &usage(50, 20, 110), 111),
        Some(30)
    );
    assert_eq!(report_units(&p, &closing, &usage(50, 20, 0), 120), None);
    let closed = lease(1, BillingMode::Metered {}, LeaseState::Closed);
    assert_eq!(report_units(&p, &closed, &usage(50, 20, 0), 111), None);
}

#[test]
fn streaming_leases_are_accepted_by_rate_denom_and_capacity() {
    let p = policy();
    let offer = |rate: u128| {
        lease(
            2,
            BillingMode::Streaming {
                rate_per_second: Uint128::new(rate),
            },
            LeaseState::Pending,
        )
    };
    assert!(accept_streaming(&p, &offer(5), "uusdc", 0));
    assert!(!accept_streaming(&p, &offer(4), "uusdc", 0));
    assert!(!accept_streaming(&p, &offer(5), "uatom", 0));
    assert!(!accept_streaming(&p, &offer(5), "uusdc", 2));
    let off = Policy {
        accept_streaming: false,
        ..p
    };
    assert!(!accept_streaming(&off, &offer(5), "uusdc", 0));
}

fn receipts_lease(state: LeaseState) -> LeaseResponse {
    lease(
        3,
        BillingMode::Receipts {
            consumer_pubkey: Binary::from(vec![2; 33]),
        },
        state,
    )
}

fn held(units: u128, at: u64) -> HeldReceipt {
    HeldReceipt {
        lease_id: 3,
        cumulative_units: units,
        signature: vec![],
        received_at: at,
        redeemed: 0,
    }
}

#[test]
fn receipts_are_redeemed_on_value_age_or_closing() {
    let p = policy();
    let open = receipts_lease(LeaseState::Open);
    // 40 units × 10 = 400 < 500, fresh: hold.
    assert_eq!(redeem_units(&p, &open, &held(40, 100), 110), None);
    // 50 units × 10 = 500: redeem.
    assert_eq!(redeem_units(&p, &open, &held(50, 100), 110), Some(50));
    // Held 60 s: redeem whatever it is worth.
    assert_eq!(redeem_units(&p, &open, &held(40, 100), 160), Some(40));
    // Closing: redeem at once, before close_after.
    let mut closing = receipts_lease(LeaseState::Closing);
    closing.close_after = Some(Timestamp::from_seconds(200));
    assert_eq!(redeem_units(&p, &closing, &held(1, 150), 151), Some(1));
    assert_eq!(redeem_units(&p, &closing, &held(1, 150), 200), None);
    // Already redeemed on chain.
    let mut redeemed = receipts_lease(LeaseState::Open);
    redeemed.units = Uint128::new(50);
    assert_eq!(redeem_units(&p, &redeemed, &held(50, 0), 500), None);
}

#[test]
fn settle_on_threshold_or_to_complete_a_close() {
    let p = policy();
    let due = |amount: u128| SettleableResponse {
        lease_id: 1,
        amount: Uint128::new(amount),
        fee: Uint128::zero(),
        provider_amount: Uint128::new(amount),
        units: Uint128::zero(),
    };
    let open = lease(1, BillingMode::Metered {}, LeaseState::Open);
    assert!(!should_settle(&p, &open, &due(999), 0));
    assert!(should_settle(&p, &open, &due(1000), 0));
    assert!(!should_settle(&p, &open, &due(0), 0));
    let mut closing = lease(1, BillingMode::Metered {}, LeaseState::Closing);
    closing.close_after = Some(Timestamp::from_seconds(100));
    closing.reserved = Uint128::new(300);
    // Anything payable on a closing lease.
    assert!(should_settle(&p, &closing, &due(1), 50));
    // Grace running, nothing payable: wait.
    assert!(!should_settle(&p, &closing, &due(0), 50));
    // Grace over but a charge still in its window: wait.
    assert!(!should_settle(&p, &closing, &due(0), 101));
    closing.reserved = Uint128::zero();
    // The second close_after falls in may still be inside the grace: wait.
    assert!(!should_settle(&p, &closing, &due(0), 100));
    // Grace over and everything reserved payable: settle completes the close.
    assert!(should_settle(&p, &closing, &due(0), 101));
}

#[test]
fn only_matured_claims_count() {
    let claims = vec![
        claim(10, Expiration::AtTime(Timestamp::from_seconds(100))),
        claim(5, Expiration::AtTime(Timestamp::from_seconds(200))),
        claim(7, Expiration::AtHeight(50)),
    ];
    let nanos = |s: u64| s * 1_000_000_000;
    assert_eq!(matured_claims(&claims, 10, nanos(150)), Uint128::new(10));
    assert_eq!(matured_claims(&claims, 50, nanos(200)), Uint128::new(22));
    assert!(worth_claiming(Uint128::new(22), Uint128::new(22)));
    assert!(!worth_claiming(Uint128::new(21), Uint128::new(22)));
    assert!(!worth_claiming(Uint128::zero(), Uint128::zero()));
}

#[test]
fn unjail_only_after_the_jail_with_enough_stake() {
    let p = policy();
    let jailed = ProviderStatus::Jailed {
        until: Timestamp::from_seconds(100),
    };
    let min = Uint128::new(10);
    assert!(!should_unjail(&p, &jailed, min, min, 100));
    assert!(should_unjail(&p, &jailed, min, min, 101));
    assert!(!should_unjail(&p, &jailed, Uint128::new(9), min, 101));
    assert!(!should_unjail(&p, &ProviderStatus::Active, min, min, 101));
}

#[test]
fn a_lost_state_never_reports_what_the_chain_already_counts() {
    let p = policy();
    let mut open = lease(1, BillingMode::Metered {}, LeaseState::Open);
    // 20 units delivered and reported, then the state file deleted: the agent
    // reads the usage file again from its start (20 recorded), reported nothing.
    open.reported_units = Uint128::new(20);
    assert_eq!(reported_base(&open, &usage(20, 0, 0)), 20);
    assert_eq!(report_units(&p, &open, &usage(20, 0, 0), 111), None);
    // 5 more delivered: only those are reported, on top of the chain's 20.
    assert_eq!(report_units(&p, &open, &usage(25, 0, 0), 111), Some(5));
    // A chain count behind the agent's own (a lagging node): the agent's own.
    assert_eq!(reported_base(&open, &usage(40, 30, 0)), 30);
    assert_eq!(report_units(&p, &open, &usage(40, 30, 0), 111), Some(10));
}
