//! The lease billing: what is due now, streaming accrual, applying a settle,
//! and completing a close (shared by `settle` and `close_lease`).
//! Everything here costs O(1) storage reads per lease, plus one per dispute
//! whose charge matured since the previous settle, at most
//! [`MAX_DISPUTES_PER_SETTLE`].

use cosmwasm_std::{Order, StdResult, Storage, SubMsg, Timestamp, Uint128};
use cw_storage_plus::Bound;
use depin_interface::escrow::LeaseState;

use crate::error::ContractError;
use crate::payments::{payout, transfer};
use crate::state::{Billing, Config, Lease, MeteredBilling, DISPUTED, MATURITY};
use crate::sums::{fee_with_carry, stream_accrual, ChargeTotals};

/// What a settle pays now and where it moves a metered billing.
#[derive(Debug, Default, PartialEq)]
pub struct Settlement {
    pub due: ChargeTotals,
    /// New `(settled_through, settled)` boundary of a metered billing.
    pub boundary: Option<(u64, ChargeTotals)>,
    /// `DISPUTED` keys `(matures_at, charge_id)` the new boundary passes.
    pub passed_disputes: Vec<(u64, u64)>,
    /// The lease's fee carry after a streaming payment (see `sums::fee_with_carry`).
    pub fee_carry: Option<u16>,
}

/// The most disputed charges one settle passes. Beyond them the boundary
/// stops just before the next disputed charge and the next settle goes on
/// from there, so a settle's reads stay bounded however many charges a
/// consumer disputed.
pub const MAX_DISPUTES_PER_SETTLE: usize = 50;

/// Matured charges not paid yet, less the disputed ones, plus upheld disputes.
///
/// Charges mature in id order, so the matured ones are a prefix: one
/// descending seek finds the last matured charge and its prefix totals; the
/// batch is the difference from the prefix at the previous settle. Disputed
/// charges in the batch (always after the previous boundary, since a dispute
/// happens before maturity) are subtracted; their money moves on resolution.
/// With more than [`MAX_DISPUTES_PER_SETTLE`] of them the batch ends just
/// before the first one left over (one more seek).
pub fn metered_settlement(
    storage: &dyn Storage,
    lease_id: u64,
    billing: &MeteredBilling,
    now: u64,
) -> Result<Settlement, ContractError> {
    let mut settlement = Settlement {
        due: billing.upheld,
        ..Settlement::default()
    };
    let matured = Some(Bound::inclusive((now, u64::MAX)));
    let mut disputed = DISPUTED
        .sub_prefix(lease_id)
        .range(storage, None, matured.clone(), Order::Ascending)
        .take(MAX_DISPUTES_PER_SETTLE + 1)
        .collect::<StdResult<Vec<_>>>()?;
    let end = if disputed.len() > MAX_DISPUTES_PER_SETTLE {
        let (cut, _) = disputed.swap_remove(MAX_DISPUTES_PER_SETTLE);
        Some(Bound::exclusive(cut))
    } else {
        matured
    };
    let last = MATURITY
        .sub_prefix(lease_id)
        .range(storage, None, end, Order::Descending)
        .next()
        .transpose()?;
    let Some(((_, charge_id), cumulative)) = last else {
        return Ok(settlement);
    };
    if charge_id <= billing.settled_through {
        return Ok(settlement);
    }
    let mut batch = cumulative.checked_sub(billing.settled)?;
    for (key, totals) in disputed {
        batch = batch.checked_sub(totals)?;
        settlement.passed_disputes.push(key);
    }
    settlement.due = settlement.due.checked_add(batch)?;
    settlement.boundary = Some((charge_id, cumulative));
    Ok(settlement)
}

/// Bills a started, open streaming lease up to `now` (never past `available`;
/// time beyond the deposit is not billed). A no-op for other leases.
pub fn accrue(lease: &mut Lease, now: Timestamp) -> Result<(), ContractError> {
    if lease.state != LeaseState::Open {
        return Ok(());
    }
    let Billing::Streaming(stream) = &mut lease.billing else {
        return Ok(());
    };
    let Some(from) = stream.accrued_until else {
        return Ok(());
    };
    let elapsed = now.seconds().saturating_sub(from.seconds());
    let (seconds, amount) = stream_accrual(stream.rate_per_second, elapsed, lease.available)?;
    stream.accrued_until = Some(now.max(from));
    stream.unsettled_seconds = stream.unsettled_seconds.checked_add(seconds)?;
    lease.available = lease.available.checked_sub(amount)?;
    lease.reserved = lease.reserved.checked_add(amount)?;
    lease.units = lease.units.checked_add(seconds)?;
    Ok(())
}

/// What settling pays now (after [`accrue`] for a streaming lease).
/// Streaming accrual pays the fee in force now (`fee_bps`), through the lease's carry.
pub fn settlement(
    storage: &dyn Storage,
    lease_id: u64,
    lease: &Lease,
    now: Timestamp,
    fee_bps: u16,
) -> Result<Settlement, ContractError> {
    match &lease.billing {
        Billing::Metered(billing) => metered_settlement(storage, lease_id, billing, now.seconds()),
        Billing::Streaming(stream) => {
            let (fee, carry) = fee_with_carry(lease.reserved, fee_bps, lease.fee_carry)?;
            Ok(Settlement {
                due: ChargeTotals::new(lease.reserved, fee, stream.unsettled_seconds),
                fee_carry: Some(carry),
                ..Settlement::default()
            })
        }
        Billing::Receipts(_) => Ok(Settlement::default()),
    }
}

/// Records a settlement as paid on the lease (in memory): moves `due` from
/// reserved to paid and the metered boundary forward. The disputed charges it
/// passed leave storage by [`remove_passed_disputes`].
pub fn apply_to_lease(
    lease: &mut Lease,
    settlement: &Settlement,
    now: Timestamp,
) -> Result<(), ContractError> {
    let due = settlement.due;
    lease.reserved = lease.reserved.checked_sub(due.amount)?;
    lease.paid = lease.paid.checked_add(due.amount)?;
    if !due.is_zero() {
        lease.last_settled_at = Some(now);
    }
    if let Some(carry) = settlement.fee_carry {
        lease.fee_carry = carry;
    }
    match &mut lease.billing {
        Billing::Metered(billing) => {
            if let Some((charge_id, cumulative)) = settlement.boundary {
                billing.settled_through = charge_id;
                billing.settled = cumulative;
            }
            if !billing.upheld.is_zero() {
                billing.upheld = ChargeTotals::default();
                billing.settle_count = billing.settle_count.saturating_add(1);
            }
        }
        Billing::Streaming(stream) => stream.unsettled_seconds = Uint128::zero(),
        Billing::Receipts(_) => {}
    }
    Ok(())
}

/// The settlement's writes outside the lease: the disputed charges its
/// boundary passed.
pub fn remove_passed_disputes(storage: &mut dyn Storage, lease_id: u64, settlement: &Settlement) {
    for (matures_at, charge_id) in &settlement.passed_disputes {
        DISPUTED.remove(storage, (lease_id, *matures_at, *charge_id));
    }
}

/// A settle worked out on a lease in memory: what it pays, and whether it
/// completes the lease's close.
pub struct Settled {
    pub settlement: Settlement,
    pub completes_close: bool,
}

impl Settled {
    /// Nothing paid, no disputed charge passed, no close completed.
    pub fn is_noop(&self) -> bool {
        self.settlement.due.is_zero()
            && self.settlement.passed_disputes.is_empty()
            && !self.completes_close
    }
}

/// Accrues, computes and applies what is due now to `lease` in memory; only
/// reads storage. The caller writes: [`remove_passed_disputes`], then
/// [`complete_close`] if it completes, then the lease.
pub fn settle_lease(
    storage: &dyn Storage,
    lease_id: u64,
    lease: &mut Lease,
    now: Timestamp,
    fee_bps: u16,
) -> Result<Settled, ContractError> {
    accrue(lease, now)?;
    let settlement = settlement(storage, lease_id, lease, now, fee_bps)?;
    apply_to_lease(lease, &settlement, now)?;
    let completes_close = lease.state == LeaseState::Closing && nothing_pending(lease, now);
    Ok(Settled {
        settlement,
        completes_close,
    })
}

/// True when no charge is in its window or disputed, nothing is reserved,
/// and the provider's grace for final usage or receipts is over.
pub fn nothing_pending(lease: &Lease, now: Timestamp) -> bool {
    let disputes = match &lease.billing {
        Billing::Metered(billing) => billing.open_disputes,
        _ => 0,
    };
    lease.reserved.is_zero() && disputes == 0 && !matches!(lease.close_after, Some(t) if now < t)
}

/// Accrues, computes and bills what is due now; returns it with the messages
/// paying it (none when nothing is due) and how many matured disputed
/// charges the settlement passed. The caller saves the lease.
pub fn settle_due(
    storage: &mut dyn Storage,
    lease_id: u64,
    lease: &mut Lease,
    now: Timestamp,
    config: &Config,
) -> Result<(ChargeTotals, Vec<SubMsg>, usize), ContractError> {
    accrue(lease, now)?;
    let settlement = settlement(storage, lease_id, lease, now, config.fee_bps)?;
    apply_to_lease(lease, &settlement, now)?;
    remove_passed_disputes(storage, lease_id, &settlement);
    let (due, passed) = (settlement.due, settlement.passed_disputes.len());
    if due.is_zero() {
        return Ok((due, vec![], passed));
    }
    let msgs = payout(lease_id, lease, due, &config.treasury, &config.registry)?;
    Ok((due, msgs, passed))
}

/// Completes the close of a lease with nothing pending: refunds `available`
/// to the consumer (the transfer, if any, appended to `msgs`) and marks it
/// closed. Returns the refund. The one ending of `close_lease` and `settle`.
pub fn complete_close(
    lease: &mut Lease,
    now: Timestamp,
    msgs: &mut Vec<SubMsg>,
) -> Result<Uint128, ContractError> {
    let refund = lease.available;
    if let Some(msg) = transfer(&lease.denom, &lease.consumer, refund)? {
        msgs.push(SubMsg::new(msg));
    }
    lease.refunded = lease.refunded.checked_add(refund)?;
    lease.available = Uint128::zero();
    lease.state = LeaseState::Closed;
    lease.closed_at = Some(now);
    lease.close_after = None;
    Ok(refund)
}
