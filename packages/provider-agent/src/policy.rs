//! The agent's decisions as pure functions of the chain state, the local
//! state and the policy: what to send, and when. The loops in `daemon` only
//! read state, ask these, and send.

use cosmwasm_std::Uint128;
use depin_interface::escrow::{BillingMode, LeaseResponse, LeaseState, SettleableResponse};
use depin_interface::registry::{Claim, ProviderStatus};

use crate::config::Policy;
use crate::store::{HeldReceipt, Usage};

/// Seconds until the next heartbeat: the mean ± jitter, `unit` uniform in [0, 1).
pub fn heartbeat_delay(policy: &Policy, unit: f64) -> u64 {
    let mean = policy.heartbeat_seconds as f64;
    let spread = mean * policy.heartbeat_jitter;
    let delay = mean - spread + 2.0 * spread * unit.clamp(0.0, 1.0);
    // At least one second; the float is bounded by 2 × heartbeat_seconds.
    (delay.round() as u64).max(1)
}

/// True while the provider may still bill this lease (report or redeem).
pub fn billable(lease: &LeaseResponse, now: u64) -> bool {
    match lease.state {
        LeaseState::Open => true,
        LeaseState::Closing => lease.close_after.is_some_and(|t| now < t.seconds()),
        LeaseState::Pending | LeaseState::Closed => false,
    }
}

/// Units to report now on a metered lease, or none: the usage recorded and
/// not reported yet, no more than the lease's free funds pay for in whole
/// units, once per `report_seconds` (at once when the consumer closed the
/// lease: the final report must land inside its grace).
pub fn report_units(
    policy: &Policy,
    lease: &LeaseResponse,
    usage: &Usage,
    now: u64,
) -> Option<u128> {
    if !matches!(lease.billing, BillingMode::Metered {}) || !billable(lease, now) {
        return None;
    }
    let unreported = usage.recorded.checked_sub(usage.reported)?;
    if unreported == 0 {
        return None;
    }
    let closing = lease.state == LeaseState::Closing;
    let due = now.saturating_sub(usage.last_report_at) >= policy.report_seconds;
    if !closing && !due {
        return None;
    }
    // Whole units the free deposit pays for (rounded down), so the report never
    // fails with ExceedsAvailable; the rest waits for a top-up.
    let affordable = lease
        .available
        .u128()
        .checked_div(lease.price_per_unit.u128())
        .unwrap_or(u128::MAX);
    let units = unreported.min(affordable);
    (units > 0).then_some(units)
}

/// Whether to accept a pending streaming lease.
pub fn accept_streaming(
    policy: &Policy,
    lease: &LeaseResponse,
    price_denom: &str,
    streaming_now: u32,
) -> bool {
    let rate = match &lease.billing {
        BillingMode::Streaming { rate_per_second } => *rate_per_second,
        _ => return false,
    };
    policy.accept_streaming
        && lease.state == LeaseState::Pending
        && denom_key(&lease.denom) == price_denom
        && rate >= policy.min_rate_per_second
        && streaming_now < policy.max_streaming_leases
}

fn denom_key(denom: &depin_interface::Denom) -> String {
    match denom {
        depin_interface::Denom::Native(d) => d.clone(),
        depin_interface::Denom::Cw20(a) => a.to_string(),
    }
}

/// The cumulative units to redeem now on a receipts lease, or none: the held
/// receipt above what the chain redeemed, once its unredeemed value reaches
/// the threshold or it was held `redeem_max_hold_seconds`, and always when the
/// lease is closing (its grace is the deadline).
pub fn redeem_units(
    policy: &Policy,
    lease: &LeaseResponse,
    held: &HeldReceipt,
    now: u64,
) -> Option<u128> {
    if !matches!(lease.billing, BillingMode::Receipts { .. }) || !billable(lease, now) {
        return None;
    }
    let unredeemed = held.cumulative_units.checked_sub(lease.units.u128())?;
    if unredeemed == 0 {
        return None;
    }
    // One unit must be payable or the escrow refuses (UnitExceedsAvailable).
    if lease.available < lease.price_per_unit {
        return None;
    }
    let value = Uint128::new(unredeemed)
        .checked_mul(lease.price_per_unit)
        .unwrap_or(Uint128::MAX);
    let closing = lease.state == LeaseState::Closing;
    let held_long = now.saturating_sub(held.received_at) >= policy.redeem_max_hold_seconds;
    (closing || held_long || value >= policy.redeem_threshold).then_some(held.cumulative_units)
}

/// Whether to settle: `settleable` at or above the threshold; on a closing
/// lease, anything payable, or a close that this settle completes (nothing
/// reserved beyond what it pays, the grace over).
pub fn should_settle(
    policy: &Policy,
    lease: &LeaseResponse,
    settleable: &SettleableResponse,
    now: u64,
) -> bool {
    match lease.state {
        LeaseState::Open => {
            !settleable.amount.is_zero() && settleable.amount >= policy.settle_threshold
        }
        LeaseState::Closing => {
            // Strictly after: `now` is the block time rounded down to the second.
            let grace_over = lease.close_after.is_none_or(|t| now > t.seconds());
            let completes = grace_over && lease.reserved <= settleable.amount;
            !settleable.amount.is_zero() || completes
        }
        LeaseState::Pending | LeaseState::Closed => false,
    }
}

/// The stake claims matured at this block time and height.
pub fn matured_claims(claims: &[Claim], height: u64, time_nanos: u64) -> Uint128 {
    let block = cosmwasm_std::BlockInfo {
        height,
        time: cosmwasm_std::Timestamp::from_nanos(time_nanos),
        chain_id: String::new(),
    };
    claims
        .iter()
        .filter(|c| c.release_at.is_expired(&block))
        .fold(Uint128::zero(), |sum, c| sum.saturating_add(c.amount))
}

/// Whether an amount is worth a claim transaction.
pub fn worth_claiming(amount: Uint128, threshold: Uint128) -> bool {
    !amount.is_zero() && amount >= threshold
}

/// Whether to send `unjail` now: jailed, the jail over, the stake still enough.
pub fn should_unjail(
    policy: &Policy,
    status: &ProviderStatus,
    stake: Uint128,
    min_stake: Uint128,
    now: u64,
) -> bool {
    match status {
        ProviderStatus::Jailed { until } => {
            policy.unjail && now > until.seconds() && stake >= min_stake
        }
        _ => false,
    }
}

/// What a lease looks like for "has it changed since the chain refused an
/// action": its state and money.
pub fn fingerprint(lease: &LeaseResponse) -> String {
    format!(
        "{}/{}/{}/{}/{}",
        lease.state.as_str(),
        lease.units,
        lease.reserved,
        lease.available,
        lease.paid
    )
}

#[cfg(test)]
mod tests {
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
}
