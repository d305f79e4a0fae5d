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

/// The units a report on this lease builds on (its `billed_before`): the
/// agent's own count of the units it reported, or the chain's
/// `reported_units` when that is higher — a lost or replaced state file, or
/// another writer — so units the chain already counts are never reported again.
pub fn reported_base(lease: &LeaseResponse, usage: &Usage) -> u128 {
    usage.reported.max(lease.reported_units.u128())
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
    let unreported = usage.recorded.checked_sub(reported_base(lease, usage))?;
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
#[path = "policy_tests.rs"]
mod tests;
