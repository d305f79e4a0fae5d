//! `settle`: pays everything due on one lease, in O(1) whatever the number of charges.

use cosmwasm_std::{DepsMut, Env, Response, Storage, SubMsg, Timestamp, Uint128};
use depin_interface::escrow::LeaseState;

use crate::error::ContractError;
use crate::leases::{load_lease, require_state, save_lease};
use crate::payments::payout;
use crate::settlement::{complete_close, remove_passed_disputes, settle_lease, Settled};
use crate::state::{Lease, CONFIG};

/// Anyone settles a lease: matured metered charges (at the fee fixed when
/// each was reported), upheld disputes and streaming accrual (at the fee in
/// force now) are paid; a `closing` lease with nothing pending is refunded
/// and closed. Fails with `NothingToSettle` when there is nothing to do.
pub fn settle(deps: DepsMut, env: Env, lease_id: u64) -> Result<Response, ContractError> {
    let now = env.block.time;
    let config = CONFIG.load(deps.storage)?;
    let (mut lease, settled) = check_settle(deps.storage, lease_id, now, config.fee_bps)?;
    let due = settled.settlement.due;
    let mut msgs = if due.is_zero() {
        vec![]
    } else {
        payout(lease_id, &lease, due, &config.treasury, &config.registry)?
    };
    let refund = write_settle(
        deps.storage,
        lease_id,
        &mut lease,
        &settled,
        (now, &mut msgs),
    )?;
    let mut response = Response::new()
        .add_attribute("action", "settle")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("amount", due.amount)
        .add_attribute("fee", due.fee)
        .add_attribute("provider_amount", due.provider_amount()?)
        .add_attribute("units", due.units)
        .add_attribute(
            "disputes_passed",
            settled.settlement.passed_disputes.len().to_string(),
        );
    if let Some(refund) = refund {
        response = response
            .add_attribute("refunded", refund)
            .add_attribute("state", lease.state.as_str());
    }
    Ok(response.add_submessages(msgs))
}

/// Every check of a settle and what it would do, on the lease as stored
/// (only reads): the lease must be open or closing, and something must be
/// due, passed or completed. Passing matured disputed charges is progress
/// even when nothing is paid: the next settle starts after them.
pub fn check_settle(
    storage: &dyn Storage,
    lease_id: u64,
    now: Timestamp,
    fee_bps: u16,
) -> Result<(Lease, Settled), ContractError> {
    let mut lease = load_lease(storage, lease_id)?;
    require_state(
        lease_id,
        &lease,
        &[LeaseState::Open, LeaseState::Closing],
        "settle",
    )?;
    let settled = settle_lease(storage, lease_id, &mut lease, now, fee_bps)?;
    if settled.is_noop() {
        return Err(ContractError::NothingToSettle { lease_id });
    }
    Ok((lease, settled))
}

/// Writes a checked settle: the disputed charges passed, the close (its
/// refund transfer appended to `msgs`; the refund returned) and the lease.
pub fn write_settle(
    storage: &mut dyn Storage,
    lease_id: u64,
    lease: &mut Lease,
    settled: &Settled,
    (now, msgs): (Timestamp, &mut Vec<SubMsg>),
) -> Result<Option<Uint128>, ContractError> {
    remove_passed_disputes(storage, lease_id, &settled.settlement);
    let refund = if settled.completes_close {
        Some(complete_close(lease, now, msgs)?)
    } else {
        None
    };
    save_lease(storage, lease_id, lease)?;
    Ok(refund)
}
