//! `settle`: pays everything due on one lease, in O(1) whatever the number of charges.

use cosmwasm_std::{DepsMut, Env, Response};
use depin_interface::escrow::LeaseState;

use crate::error::ContractError;
use crate::leases::{load_lease, require_state, save_lease};
use crate::settlement::{complete_close, nothing_pending, settle_due};
use crate::state::CONFIG;

/// Anyone settles a lease: matured metered charges (at the fee fixed when
/// each was reported), upheld disputes and streaming accrual (at the fee in
/// force now) are paid; a `closing` lease with nothing pending is refunded
/// and closed. Fails with `NothingToSettle` when there is nothing to do.
pub fn settle(deps: DepsMut, env: Env, lease_id: u64) -> Result<Response, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    require_state(
        lease_id,
        &lease,
        &[LeaseState::Open, LeaseState::Closing],
        "settle",
    )?;
    let now = env.block.time;
    let config = CONFIG.load(deps.storage)?;
    let (due, mut msgs, passed_disputes) =
        settle_due(deps.storage, lease_id, &mut lease, now, &config)?;
    let completes_close = lease.state == LeaseState::Closing && nothing_pending(&lease, now);
    // Passing matured disputed charges is progress even when nothing is paid:
    // the next settle starts after them.
    if due.is_zero() && passed_disputes == 0 && !completes_close {
        return Err(ContractError::NothingToSettle { lease_id });
    }
    let mut response = Response::new()
        .add_attribute("action", "settle")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("amount", due.amount)
        .add_attribute("fee", due.fee)
        .add_attribute("provider_amount", due.provider_amount()?)
        .add_attribute("units", due.units)
        .add_attribute("disputes_passed", passed_disputes.to_string());
    if completes_close {
        let refund = complete_close(&mut lease, now, &mut msgs)?;
        response = response
            .add_attribute("refunded", refund)
            .add_attribute("state", lease.state.as_str());
    }
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(response.add_submessages(msgs))
}
