//! A round's decisions, as pure functions of the chain and the local state:
//! what each lease gets in the fleet's batch (a usage report, a receipt
//! redeemed, a settle, or nothing), and what the chain's answer to a batch
//! means for each item.

use cosmwasm_std::Uint128;
use depin_interface::escrow::{
    BatchItem, BatchResponse, BillingMode, LeaseResponse, LeaseState, SettleableResponse,
};

use crate::config::Policy;
use crate::daemon::leases::STALE_BASE;
use crate::policy;
use crate::store::{BatchEntry, HeldReceipt, Usage};
use crate::tx_kind::TxKind;

/// One lease's item in a batch: the message item, what is recorded of it,
/// and the lease as it was decided on (a refusal blocks the item until the
/// lease changes).
#[derive(Debug, Clone, PartialEq)]
pub struct Duty {
    pub item: BatchItem,
    pub entry: BatchEntry,
    pub fingerprint: String,
}

impl Duty {
    fn new(lease: &LeaseResponse, kind: TxKind, units: u128, item: BatchItem) -> Duty {
        Duty {
            item,
            entry: BatchEntry {
                kind,
                lease_id: lease.lease_id,
                units,
            },
            // The lease as it is and what is asked: new usage or a higher receipt is a new request.
            fingerprint: format!("{}/{units}", policy::fingerprint(lease)),
        }
    }
}

/// A metered lease's usage report, when the policy says one is due: the
/// units recorded and not reported, built on `billed_before` = the units
/// reported before (the chain's count when it is higher than this agent's).
pub fn report(policy: &Policy, lease: &LeaseResponse, usage: &Usage, now: u64) -> Option<Duty> {
    let units = policy::report_units(policy, lease, usage, now)?;
    let base = policy::reported_base(lease, usage);
    let item = BatchItem::ReportUsage {
        lease_id: lease.lease_id,
        units: Uint128::new(units),
        billed_before: Some(Uint128::new(base)),
    };
    Some(Duty::new(lease, TxKind::ReportUsage, units, item))
}

/// A receipts lease's held receipt, when the policy says to redeem it.
pub fn redeem(
    policy: &Policy,
    lease: &LeaseResponse,
    held: &HeldReceipt,
    now: u64,
) -> Option<Duty> {
    let units = policy::redeem_units(policy, lease, held, now)?;
    let item = BatchItem::RedeemReceipt {
        lease_id: lease.lease_id,
        cumulative_units: Uint128::new(units),
        signature: held.signature.clone().into(),
    };
    Some(Duty::new(lease, TxKind::RedeemReceipt, units, item))
}

/// Whether `settleable` is worth reading for this lease: an open metered or
/// receipts lease with nothing reserved has nothing to settle (a report
/// settles what has matured anyway), so its query is saved.
pub fn may_settle(lease: &LeaseResponse) -> bool {
    match (&lease.billing, lease.state) {
        (_, LeaseState::Closing) => true,
        (BillingMode::Streaming { .. }, LeaseState::Open) => true,
        (_, LeaseState::Open) => !lease.reserved.is_zero(),
        (_, LeaseState::Pending | LeaseState::Closed) => false,
    }
}

/// A settle, when the policy says so.
pub fn settle(
    policy: &Policy,
    lease: &LeaseResponse,
    settleable: &SettleableResponse,
    now: u64,
) -> Option<Duty> {
    if !policy::should_settle(policy, lease, settleable, now) {
        return None;
    }
    let item = BatchItem::Settle {
        lease_id: lease.lease_id,
    };
    Some(Duty::new(lease, TxKind::Settle, 0, item))
}

/// What the chain did with one item of a committed batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It went through: units reported or redeemed, and what it paid (fee included).
    Done { units: u128, paid: u128 },
    /// A report built on another count of the units reported than the
    /// lease's (another writer, a lost state): the chain's count is read again.
    Stale(String),
    /// Refused for another reason (in the contract's words): not sent again
    /// while the lease is unchanged (for a while).
    Refused(String),
    /// The transaction's data did not say (counted as nothing done; the
    /// chain's `reported_units` corrects the count on the next round).
    Unknown,
}

/// Each item's outcome, in order, from the batch's response.
pub fn outcomes(duties: &[Duty], response: Option<&BatchResponse>) -> Vec<Outcome> {
    let matches = response.is_some_and(|r| {
        r.items.len() == duties.len()
            && r.items
                .iter()
                .zip(duties)
                .all(|(r, d)| r.lease_id == d.entry.lease_id)
    });
    let Some(response) = response.filter(|_| matches) else {
        return vec![Outcome::Unknown; duties.len()];
    };
    response
        .items
        .iter()
        .zip(duties)
        .map(|(r, d)| match &r.error {
            None => Outcome::Done {
                units: match d.entry.kind {
                    TxKind::ReportUsage => d.entry.units,
                    _ => r.units.u128(),
                },
                paid: r.paid.u128(),
            },
            Some(e) if d.entry.kind == TxKind::ReportUsage && e.contains(STALE_BASE) => {
                Outcome::Stale(e.clone())
            }
            Some(e) => Outcome::Refused(e.clone()),
        })
        .collect()
}

/// How many of the first `n` duties go in one batch: at most
/// `MAX_BATCH_ITEMS`, fewer when `gas_per_item` (of the last batch) says
/// they would not fit `budget` — None when unknown (then it is simulated).
pub fn first_chunk(n: usize, gas_per_item: Option<u64>, budget: u64) -> (usize, bool) {
    let n = n.min(depin_interface::MAX_BATCH_ITEMS);
    match gas_per_item {
        // Twice the last batch's gas per item, to be safe: no simulation needed.
        Some(per_item) if per_item > 0 => {
            let fits = budget / per_item.saturating_mul(2);
            let fits = usize::try_from(fits).unwrap_or(usize::MAX);
            if fits >= n {
                (n, false)
            } else {
                (fits.max(1), true)
            }
        }
        _ => (n, true),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
