//! The usage loop: each round, every lease of every provider that named the
//! operator gets its duty decided (a usage report, a receipt redeemed, a
//! settle), and all of them go to the escrow in one `batch` (chunks of at
//! most `MAX_BATCH_ITEMS` items and `gas_budget` gas). Each batch goes
//! through the outbox: recorded before its broadcast, resolved item by item.
//! A refused item is read in words: a stale report takes the chain's count,
//! any other refusal blocks that item until its lease changes (for a while).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use depin_interface::escrow::{self, BillingMode, LeaseResponse, LeaseState, SettleableResponse};

use super::plan::{self, Duty, Outcome};
use super::shared::{Fleet, Member};
use crate::clock::now_secs;
use crate::daemon::leases::{closed_in, provider_leases, FINAL_HOLD_SECONDS};
use crate::error::{AgentError, ErrorClass, Result};
use crate::metrics::{as_u64, Metrics};
use crate::queue::Call;
use crate::tx_kind::TxKind;

/// Simulations to size one batch before it is sent as it stands.
const SIZING_ROUNDS: usize = 4;

pub async fn run(fleet: Arc<Fleet>) {
    loop {
        if let Err(e) = round(&fleet).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "usage round interrupted");
        }
        if !fleet.shutdown.pause(fleet.config.fleet.tick_seconds).await {
            return;
        }
    }
}

/// One round: what a previous run left in flight resolved, every served
/// provider's leases read, their duties sent in batches.
pub async fn round(fleet: &Fleet) -> Result<()> {
    fleet.outbox.reconcile().await?;
    let now = fleet.chain.tip().await?.seconds();
    let serving = fleet.serving().await?;
    let mut duties = Vec::new();
    for member in fleet
        .members
        .iter()
        .filter(|m| serving.contains_key(&m.address))
    {
        if fleet.shutdown.requested() {
            return Ok(());
        }
        duties.extend(member_duties(fleet, member, now).await?);
    }
    send(fleet, duties).await
}

/// The duties of one provider's leases (after its closed prefix).
async fn member_duties(fleet: &Fleet, member: &Member, now: u64) -> Result<Vec<Duty>> {
    let escrow = &fleet.config.chain.escrow;
    let leases = provider_leases(
        &fleet.chain,
        escrow,
        &fleet.store,
        &member.address,
        &member.address,
    )
    .await?;
    let mut duties = Vec::new();
    for lease in leases {
        if let Some(duty) = duty(fleet, &lease, now).await? {
            if !blocked(fleet, &duty)? {
                duties.push(duty);
            }
        }
    }
    Ok(duties)
}

/// One lease's duty this round, if any.
async fn duty(fleet: &Fleet, lease: &LeaseResponse, now: u64) -> Result<Option<Duty>> {
    let policy = &fleet.config.policy;
    let store = &fleet.store;
    let id = lease.lease_id;
    match (&lease.billing, lease.state) {
        (_, LeaseState::Closed) => {
            closed_in(store, lease)?;
            return Ok(None);
        }
        // A pending streaming lease is the provider's to accept, not the operator's.
        (_, LeaseState::Pending) => return Ok(None),
        (BillingMode::Metered {}, _) => {
            // A report of unknown fate (a batch not resolved yet) settles too: wait for it.
            if store.has_pending(TxKind::ReportUsage, id)? {
                return Ok(None);
            }
            let usage = store.usage(id)?;
            let base = crate::policy::reported_base(lease, &usage);
            if base != usage.reported {
                tracing::warn!(lease_id = id, provider = %lease.provider, chain = %lease.reported_units, state = usage.reported,
                    "the chain counts more units reported on this lease than this fleet's state (a lost or replaced state file, or another agent): the chain's count is kept and never reported again");
                store.set_reported(id, base)?;
            }
            if let Some(report) = plan::report(policy, lease, &usage, now) {
                return Ok(Some(report));
            }
        }
        (BillingMode::Receipts { .. }, _) => {
            if let Some(held) = store.receipt(id)? {
                store.set_redeemed(id, lease.units.u128())?;
                if let Some(redeem) = plan::redeem(policy, lease, &held, now) {
                    return Ok(Some(redeem));
                }
            }
        }
        (BillingMode::Streaming { .. }, _) => {}
    }
    if !plan::may_settle(lease) {
        return Ok(None);
    }
    let settleable: SettleableResponse = fleet
        .chain
        .smart(
            &fleet.config.chain.escrow,
            &escrow::QueryMsg::Settleable { lease_id: id },
        )
        .await?;
    Ok(plan::settle(policy, lease, &settleable, now))
}

/// True when the chain refused this very item on this very lease state a
/// moment ago (see [`FINAL_HOLD_SECONDS`]).
fn blocked(fleet: &Fleet, duty: &Duty) -> Result<bool> {
    let e = &duty.entry;
    fleet.store.is_blocked(
        e.kind,
        e.lease_id,
        &duty.fingerprint,
        now_secs(),
        FINAL_HOLD_SECONDS,
    )
}

/// Sends the round's duties in as few batches as fit.
async fn send(fleet: &Fleet, duties: Vec<Duty>) -> Result<()> {
    let mut rest = duties.as_slice();
    while !rest.is_empty() {
        if fleet.shutdown.requested() {
            return Ok(());
        }
        let n = match size(fleet, rest).await {
            Ok(n) => n,
            Err(e) if refused_by_chain(&e) => {
                // The simulation refused the batch whole: its items wait.
                let n = rest.len().min(depin_interface::MAX_BATCH_ITEMS);
                refused_whole(fleet, &rest[..n], &e.to_string())?;
                rest = &rest[n..];
                continue;
            }
            Err(e) => return Err(e),
        };
        let (chunk, tail) = rest.split_at(n.clamp(1, rest.len()));
        rest = tail;
        send_chunk(fleet, chunk).await?;
    }
    Ok(())
}

fn calls(fleet: &Fleet, duties: &[Duty]) -> Result<Vec<Call>> {
    let items = duties.iter().map(|d| d.item.clone()).collect();
    Ok(vec![Call::new(
        &fleet.config.chain.escrow,
        &escrow::ExecuteMsg::Batch { items },
    )?])
}

/// How many of the first duties fit one batch: at most `MAX_BATCH_ITEMS`,
/// and `gas_budget` by simulation (skipped when the last batch's gas per
/// item says they surely fit).
async fn size(fleet: &Fleet, duties: &[Duty]) -> Result<usize> {
    let budget = fleet.config.fleet.gas_budget;
    let known = Some(fleet.gas_per_item.load(Ordering::Relaxed)).filter(|g| *g > 0);
    let (mut n, simulate) = plan::first_chunk(duties.len(), known, budget);
    if !simulate {
        return Ok(n);
    }
    for _ in 0..SIZING_ROUNDS {
        let gas = fleet.outbox.estimate(&calls(fleet, &duties[..n])?).await?;
        let fitted = crate::oracle::batches::fit(n, gas, budget);
        if fitted == n {
            return Ok(n);
        }
        if fitted == 0 {
            return Err(AgentError::Config(format!(
                "fleet.gas_budget = {budget} is below the gas of one batch item ({gas})"
            )));
        }
        tracing::debug!(
            items = n,
            gas,
            budget,
            fitted,
            "batch over the gas budget: fewer items"
        );
        n = fitted;
    }
    Ok(n)
}

/// One batch: sent through the outbox, then each item's outcome filed.
async fn send_chunk(fleet: &Fleet, chunk: &[Duty]) -> Result<()> {
    let entries: Vec<_> = chunk.iter().map(|d| d.entry.clone()).collect();
    let (committed, response) = match fleet
        .outbox
        .send_batch(&entries, calls(fleet, chunk)?)
        .await
    {
        Ok(sent) => sent,
        Err(e) if refused_by_chain(&e) => return refused_whole(fleet, chunk, &e.to_string()),
        Err(e) => return Err(e),
    };
    let items = u64::try_from(chunk.len()).unwrap_or(u64::MAX).max(1);
    let per_item = committed.gas_used / items;
    fleet.gas_per_item.store(per_item, Ordering::Relaxed);
    let outcomes = plan::outcomes(chunk, response.as_ref());
    let mut summary = Summary::default();
    for (duty, outcome) in chunk.iter().zip(&outcomes) {
        file(fleet, duty, outcome, &mut summary).await?;
    }
    tracing::info!(hash = %committed.hash, height = committed.height, items = chunk.len(),
        refused = summary.refused, units_reported = summary.reported, paid = summary.paid,
        gas_used = committed.gas_used, gas_per_item = per_item, "batch committed");
    Ok(())
}

/// What a batch did, summed for its log line.
#[derive(Default)]
struct Summary {
    reported: u128,
    paid: u128,
    refused: usize,
}

/// One item's outcome: counted, logged; a stale report takes the chain's
/// count, another refusal blocks the item while its lease is unchanged.
async fn file(fleet: &Fleet, duty: &Duty, outcome: &Outcome, summary: &mut Summary) -> Result<()> {
    let (kind, lease_id) = (duty.entry.kind, duty.entry.lease_id);
    let metrics: &Metrics = &fleet.metrics;
    match outcome {
        Outcome::Done { units, paid } => {
            metrics.batch_item(kind, "done");
            metrics.settled_amount.inc_by(as_u64(*paid));
            summary.paid = summary.paid.saturating_add(*paid);
            match kind {
                TxKind::ReportUsage => {
                    metrics.usage_reported_units.inc_by(as_u64(*units));
                    summary.reported = summary.reported.saturating_add(*units);
                    tracing::info!(lease_id, units, paid, "usage reported");
                }
                TxKind::RedeemReceipt => tracing::info!(lease_id, units, paid, "receipt redeemed"),
                _ => tracing::info!(lease_id, amount = paid, "settled"),
            }
        }
        Outcome::Stale(error) => {
            metrics.batch_item(kind, "refused");
            summary.refused += 1;
            // Another writer reported on this lease: its count is read again, not blocked.
            let lease = lease(fleet, lease_id).await?;
            tracing::warn!(lease_id, chain = %lease.reported_units, %error,
                "report refused: it built on a stale count of the units reported; the chain's count is kept");
            fleet
                .store
                .set_reported(lease_id, lease.reported_units.u128())?;
        }
        Outcome::Refused(error) => {
            metrics.batch_item(kind, "refused");
            summary.refused += 1;
            tracing::warn!(kind = kind.as_str(), lease_id, %error,
                "batch item refused by the chain: not sent again for this lease state");
            fleet
                .store
                .block(kind, lease_id, &duty.fingerprint, error, now_secs())?;
        }
        Outcome::Unknown => {}
    }
    Ok(())
}

/// The chain itself refused the transaction (a contract's or the SDK's final
/// answer, in simulation or in its block): not a local error, not a transient one.
fn refused_by_chain(e: &AgentError) -> bool {
    matches!(e, AgentError::Chain { failure } if failure.class() == ErrorClass::Final)
}

/// A batch the chain refused whole (in simulation or in its block): its
/// items wait until their lease changes (for a while), the reason logged.
fn refused_whole(fleet: &Fleet, chunk: &[Duty], error: &str) -> Result<()> {
    tracing::warn!(items = chunk.len(), %error, "batch refused whole: its items are not sent again while their leases are unchanged");
    for duty in chunk {
        fleet.metrics.batch_item(duty.entry.kind, "refused");
        let e = &duty.entry;
        fleet
            .store
            .block(e.kind, e.lease_id, &duty.fingerprint, error, now_secs())?;
    }
    Ok(())
}

async fn lease(fleet: &Fleet, lease_id: u64) -> Result<LeaseResponse> {
    fleet
        .chain
        .smart(
            &fleet.config.chain.escrow,
            &escrow::QueryMsg::Lease { lease_id },
        )
        .await
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
