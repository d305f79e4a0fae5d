//! The leases loop: on each pass, every lease of the provider after its
//! closed prefix, dispatched by billing mode — a pending streaming lease is
//! accepted, a metered one gets its usage reported, a receipts one its held
//! receipt redeemed — and then settled when the policy says so.

use std::sync::Arc;

use cosmwasm_std::Uint128;
use depin_interface::escrow::{
    self, BillingMode, LeaseResponse, LeaseState, LeasesResponse, SettleableResponse,
};

use super::agent::Agent;
use crate::chain::{Chain, Committed};
use crate::clock::now_secs;
use crate::error::{ErrorClass, Result};
use crate::metrics::{as_i64, as_u64};
use crate::policy;
use crate::store::Store;
use crate::tx_kind::TxKind;

/// How long a per-lease action the chain refused finally is not decided again
/// while the lease is unchanged (a refusal in simulation costs no fee).
pub const FINAL_HOLD_SECONDS: u64 = 60;

/// The escrow's refusal of a report whose `billed_before` is not the lease's
/// `reported_units`: "report_usage on lease 4 builds on 20 units reported, but the lease has 40".
pub(crate) const STALE_BASE: &str = "units reported, but the lease has";

/// Leases read per page of `leases_by_provider`.
const PAGE: u32 = 100;

pub async fn run(agent: Arc<Agent>) {
    loop {
        if let Err(e) = pass(&agent).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "lease pass interrupted");
        }
        if !agent.shutdown.pause(agent.config.agent.tick_seconds).await {
            return;
        }
    }
}

/// One pass over the leases: accept, report, redeem, settle.
pub async fn pass(agent: &Agent) -> Result<()> {
    agent.outbox.reconcile().await?;
    let now = agent.chain.tip().await?.seconds();
    let leases = leases(agent).await?;
    let mut streaming = u32::try_from(
        leases
            .iter()
            .filter(|l| {
                matches!(l.billing, BillingMode::Streaming { .. }) && l.state == LeaseState::Open
            })
            .count(),
    )
    .unwrap_or(u32::MAX);
    for lease in leases {
        if agent.shutdown.requested() {
            break;
        }
        match (&lease.billing, &lease.state) {
            (_, LeaseState::Closed) => {
                closed(agent, &lease)?;
                continue;
            }
            (BillingMode::Streaming { .. }, LeaseState::Pending) => {
                if accept(agent, &lease, streaming).await? {
                    streaming = streaming.saturating_add(1);
                }
                continue;
            }
            (BillingMode::Metered {}, _) => report(agent, &lease, now).await?,
            (BillingMode::Receipts { .. }, _) => redeem(agent, &lease, now).await?,
            (BillingMode::Streaming { .. }, _) => {}
        }
        settle(agent, lease.lease_id, now).await?;
    }
    // Over every receipts lease the agent ever held, closed prefix included.
    let (held_total, redeemed_total) = agent.store.receipt_totals()?;
    agent.metrics.receipt_units_held.set(as_i64(held_total));
    agent
        .metrics
        .receipt_units_redeemed
        .set(as_i64(redeemed_total));
    Ok(())
}

/// The provider's leases after its closed prefix (see [`crate::store::Store::closed_through`]),
/// in id order; moves the prefix past the leading leases that are closed.
async fn leases(agent: &Agent) -> Result<Vec<LeaseResponse>> {
    let escrow = &agent.config.chain.escrow;
    provider_leases(&agent.chain, escrow, &agent.store, &agent.provider, "").await
}

/// `provider`'s leases after its closed prefix kept under `scope` (empty for
/// the single agent, the provider's address in a fleet), in id order; moves
/// the prefix past the leading leases that are closed.
pub(crate) async fn provider_leases(
    chain: &Chain,
    escrow: &str,
    store: &Store,
    provider: &str,
    scope: &str,
) -> Result<Vec<LeaseResponse>> {
    let known = store.closed_through_of(scope)?;
    let (mut start_after, mut closed_through, mut prefix) = (known, known, true);
    let mut out = Vec::new();
    loop {
        let page: LeasesResponse = chain
            .smart(
                escrow,
                &escrow::QueryMsg::LeasesByProvider {
                    provider: provider.to_string(),
                    start_after,
                    limit: Some(PAGE),
                },
            )
            .await?;
        let n = page.leases.len();
        start_after = page.leases.last().map(|l| l.lease_id).or(start_after);
        for lease in &page.leases {
            // A closed lease stays closed: nothing is left to report, redeem or settle.
            prefix = prefix && lease.state == LeaseState::Closed;
            if prefix {
                closed_through = Some(lease.lease_id);
            }
        }
        out.extend(page.leases);
        if u32::try_from(n).is_ok_and(|n| n < PAGE) {
            break;
        }
    }
    if let Some(id) = closed_through.filter(|_| closed_through != known) {
        store.set_closed_through_of(scope, id)?;
    }
    Ok(out)
}

/// What the chain paid on a closed receipts lease is final: the store's totals (the metrics) keep it.
fn closed(agent: &Agent, lease: &LeaseResponse) -> Result<()> {
    closed_in(&agent.store, lease)
}

/// [`closed`] on a store (the agent's or a fleet's).
pub(crate) fn closed_in(store: &Store, lease: &LeaseResponse) -> Result<()> {
    if store.receipt(lease.lease_id)?.is_some() {
        store.set_redeemed(lease.lease_id, lease.units.u128())?;
    }
    Ok(())
}

/// Accepts a pending streaming lease the policy takes; true when accepted.
async fn accept(agent: &Agent, lease: &LeaseResponse, streaming: u32) -> Result<bool> {
    let id = lease.lease_id;
    if !policy::accept_streaming(
        &agent.config.policy,
        lease,
        &agent.config.service.price_denom,
        streaming,
    ) {
        return Ok(false);
    }
    let msg = escrow::ExecuteMsg::AcceptLease { lease_id: id };
    let accepted = lease_action(agent, TxKind::AcceptLease, lease, 0, msg)
        .await?
        .is_some();
    if accepted {
        agent.metrics.leases_accepted.inc();
        tracing::info!(lease_id = id, "streaming lease accepted");
    }
    Ok(accepted)
}

/// Reports a metered lease's recorded usage, unless a report is still unresolved.
async fn report(agent: &Agent, lease: &LeaseResponse, now: u64) -> Result<()> {
    let id = lease.lease_id;
    if agent.store.has_pending(TxKind::ReportUsage, id)? {
        return Ok(());
    }
    let usage = agent.store.usage(id)?;
    let base = policy::reported_base(lease, &usage);
    if base != usage.reported {
        tracing::warn!(lease_id = id, chain = %lease.reported_units, state = usage.reported,
            "the chain counts more units reported on this lease than this agent's state (a lost or replaced state file, or another agent): the chain's count is kept and never reported again");
        agent.store.set_reported(id, base)?;
    }
    let Some(units) = policy::report_units(&agent.config.policy, lease, &usage, now) else {
        return Ok(());
    };
    let msg = escrow::ExecuteMsg::ReportUsage {
        lease_id: id,
        units: Uint128::new(units),
        billed_before: Some(Uint128::new(base)),
    };
    if lease_action(agent, TxKind::ReportUsage, lease, units, msg)
        .await?
        .is_some()
    {
        agent.metrics.usage_reported_units.inc_by(as_u64(units));
        tracing::info!(lease_id = id, units, "usage reported");
    }
    Ok(())
}

/// Redeems a receipts lease's held receipt when the policy says so, and
/// mirrors what the chain has redeemed.
async fn redeem(agent: &Agent, lease: &LeaseResponse, now: u64) -> Result<()> {
    let id = lease.lease_id;
    let Some(held) = agent.store.receipt(id)? else {
        return Ok(());
    };
    let mut redeemed = lease.units.u128();
    if let Some(units) = policy::redeem_units(&agent.config.policy, lease, &held, now) {
        let msg = escrow::ExecuteMsg::RedeemReceipt {
            lease_id: id,
            cumulative_units: Uint128::new(units),
            signature: held.signature.clone().into(),
        };
        if lease_action(agent, TxKind::RedeemReceipt, lease, units, msg)
            .await?
            .is_some()
        {
            redeemed = agent
                .lease(id)
                .await
                .map(|l| l.units.u128())
                .unwrap_or(redeemed);
            tracing::info!(lease_id = id, units = redeemed, "receipt redeemed");
        }
    }
    agent.store.set_redeemed(id, redeemed)
}

/// Settles with the lease as it is now (a report or redemption may have changed it).
async fn settle(agent: &Agent, lease_id: u64, now: u64) -> Result<()> {
    let lease = agent.lease(lease_id).await?;
    let settleable: SettleableResponse = agent
        .chain
        .smart(
            &agent.config.chain.escrow,
            &escrow::QueryMsg::Settleable { lease_id },
        )
        .await?;
    if !policy::should_settle(&agent.config.policy, &lease, &settleable, now) {
        return Ok(());
    }
    let msg = escrow::ExecuteMsg::Settle { lease_id };
    if lease_action(agent, TxKind::Settle, &lease, 0, msg)
        .await?
        .is_some()
    {
        agent
            .metrics
            .settled_amount
            .inc_by(as_u64(settleable.amount.u128()));
        tracing::info!(lease_id, amount = %settleable.amount, "settled");
    }
    Ok(())
}

/// Sends a per-lease action unless the chain refused it finally for this
/// very lease state; a final refusal blocks it until the lease changes.
async fn lease_action(
    agent: &Agent,
    action: TxKind,
    lease: &LeaseResponse,
    units: u128,
    msg: escrow::ExecuteMsg,
) -> Result<Option<Committed>> {
    // The lease as it is and what is asked: new usage or a higher receipt is a new request.
    let fingerprint = format!("{}/{units}", policy::fingerprint(lease));
    let id = lease.lease_id;
    if agent
        .store
        .is_blocked(action, id, &fingerprint, now_secs(), FINAL_HOLD_SECONDS)?
    {
        return Ok(None);
    }
    let calls = agent.escrow_call(&msg)?;
    match agent.outbox.send(action, Some(id), units, calls).await {
        Ok(c) => Ok(Some(c)),
        Err(e) if action == TxKind::ReportUsage && e.to_string().contains(STALE_BASE) => {
            // Another writer reported on this lease: its count is read again, not blocked.
            let chain = agent.lease(id).await?.reported_units;
            tracing::warn!(lease_id = id, %chain, error = %e, "report refused: it built on a stale count of the units reported; the chain's count is kept");
            agent.store.set_reported(id, chain.u128())?;
            Ok(None)
        }
        Err(e) if e.class() == ErrorClass::Final => {
            tracing::warn!(action = action.as_str(), lease_id = id, error = %e, "final error: not sent again for this lease state");
            let reason = e.to_string();
            agent
                .store
                .block(action, id, &fingerprint, &reason, now_secs())?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
