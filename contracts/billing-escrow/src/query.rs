//! Read-only handlers. Leases are shown as of the query's block: a streaming
//! lease's accrual up to now appears in `reserved`.

use cosmwasm_std::{Deps, Env, Order, StdError, StdResult, Timestamp, Uint128};
use cw_storage_plus::Bound;
use depin_interface::escrow::{
    BillingMode, ChargeResponse, ChargeStatus, ChargesResponse, ConfigResponse, LeaseResponse,
    LeasesResponse, SettleableResponse,
};
use depin_interface::pagination::page_limit;

use crate::error::ContractError;
use crate::settlement::{accrue, settlement};
use crate::state::{leases, Billing, Charge, Lease, MeteredBilling, CHARGES, CONFIG};

fn std_err(err: ContractError) -> StdError {
    match err {
        ContractError::Std(err) => err,
        other => StdError::generic_err(other.to_string()),
    }
}

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let config = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        dao: config.dao,
        registry: config.registry,
        treasury: config.treasury,
        fee_bps: config.fee_bps,
        dispute_window: config.dispute_window,
        min_close_grace: config.min_close_grace,
        accepted_denoms: config.accepted_denoms,
        arbiters: config.arbiters,
    })
}

fn load(deps: Deps, lease_id: u64) -> StdResult<Lease> {
    leases()
        .may_load(deps.storage, lease_id)?
        .ok_or_else(|| StdError::not_found(format!("lease {lease_id}")))
}

pub fn lease(deps: Deps, env: Env, lease_id: u64) -> StdResult<LeaseResponse> {
    lease_response(lease_id, load(deps, lease_id)?, env.block.time)
}

fn lease_response(lease_id: u64, mut lease: Lease, now: Timestamp) -> StdResult<LeaseResponse> {
    accrue(&mut lease, now).map_err(std_err)?;
    let (billing, reported_units) = match &lease.billing {
        Billing::Metered(billing) => (BillingMode::Metered {}, billing.total.units),
        Billing::Streaming(stream) => (
            BillingMode::Streaming {
                rate_per_second: stream.rate_per_second,
            },
            Uint128::zero(),
        ),
        Billing::Receipts(billing) => (
            BillingMode::Receipts {
                consumer_pubkey: billing.consumer_pubkey.clone(),
            },
            billing.redeemed_units,
        ),
    };
    Ok(LeaseResponse {
        lease_id,
        consumer: lease.consumer,
        provider: lease.provider,
        denom: lease.denom,
        billing,
        price_per_unit: lease.price_per_unit,
        dispute_window: lease.dispute_window,
        state: lease.state,
        deposited: lease.deposited,
        paid: lease.paid,
        reserved: lease.reserved,
        available: lease.available,
        refunded: lease.refunded,
        units: lease.units,
        reported_units,
        opened_at: lease.opened_at,
        started_at: lease.started_at,
        closed_at: lease.closed_at,
        last_settled_at: lease.last_settled_at,
        close_after: lease.close_after,
    })
}

/// Which party's index `leases_by` pages through.
pub enum Party {
    Consumer,
    Provider,
}

/// `leases_by_consumer` / `leases_by_provider`: one page of a party's index,
/// in lease-id order.
pub fn leases_by(
    deps: Deps,
    env: Env,
    party: Party,
    address: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<LeasesResponse> {
    let address = deps.api.addr_validate(&address)?;
    let leases = leases();
    let index = match party {
        Party::Consumer => &leases.idx.consumer,
        Party::Provider => &leases.idx.provider,
    };
    let page = index
        .prefix(address)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit));
    collect_leases(page, env.block.time)
}

fn collect_leases(
    page: impl Iterator<Item = StdResult<(u64, Lease)>>,
    now: Timestamp,
) -> StdResult<LeasesResponse> {
    let leases = page
        .map(|item| item.and_then(|(id, lease)| lease_response(id, lease, now)))
        .collect::<StdResult<_>>()?;
    Ok(LeasesResponse { leases })
}

pub fn charges(
    deps: Deps,
    env: Env,
    lease_id: u64,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ChargesResponse> {
    let lease = load(deps, lease_id)?;
    let Billing::Metered(billing) = &lease.billing else {
        return Ok(ChargesResponse { charges: vec![] });
    };
    let now = env.block.time.seconds();
    let charges = CHARGES
        .prefix(lease_id)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| item.map(|(id, charge)| charge_response(id, charge, billing, now)))
        .collect::<StdResult<_>>()?;
    Ok(ChargesResponse { charges })
}

/// A charge's status follows from its dispute and the lease's settle boundary.
pub fn charge_status(
    charge_id: u64,
    charge: &Charge,
    billing: &MeteredBilling,
    now: u64,
) -> ChargeStatus {
    match &charge.dispute {
        Some(dispute) => match dispute.upheld {
            None => ChargeStatus::Disputed,
            Some(false) => ChargeStatus::Voided,
            Some(true) if billing.settle_count > dispute.upheld_at_settle => ChargeStatus::Paid,
            Some(true) => ChargeStatus::Payable,
        },
        None if charge_id <= billing.settled_through => ChargeStatus::Paid,
        None if charge.matures_at <= now => ChargeStatus::Payable,
        None => ChargeStatus::Pending,
    }
}

fn charge_response(
    charge_id: u64,
    charge: Charge,
    billing: &MeteredBilling,
    now: u64,
) -> ChargeResponse {
    ChargeResponse {
        charge_id,
        status: charge_status(charge_id, &charge, billing, now),
        units: charge.units,
        amount: charge.amount,
        fee_bps: charge.fee_bps,
        created_at: charge.created_at,
        disputable_until: Timestamp::from_seconds(charge.matures_at),
        dispute_reason: charge.dispute.map(|d| d.reason),
    }
}

pub fn settleable(deps: Deps, env: Env, lease_id: u64) -> StdResult<SettleableResponse> {
    let mut lease = load(deps, lease_id)?;
    let now = env.block.time;
    let fee_bps = CONFIG.load(deps.storage)?.fee_bps;
    accrue(&mut lease, now).map_err(std_err)?;
    let due = settlement(deps.storage, lease_id, &lease, now, fee_bps)
        .map_err(std_err)?
        .due;
    Ok(SettleableResponse {
        lease_id,
        amount: due.amount,
        fee: due.fee,
        provider_amount: due.provider_amount()?,
        units: due.units,
    })
}
