//! Metered leases: usage reports become charges the consumer may dispute.

use cosmwasm_std::{
    Addr, Decimal, DepsMut, Env, MessageInfo, Response, Storage, Timestamp, Uint128,
};
use depin_interface::escrow::{BillingMode, LeaseState};
use depin_interface::registry;
use depin_interface::validation::{validate_fraction, validate_text, MAX_TEXT_LEN};
use depin_interface::ValidationError;

use crate::error::ContractError;
use crate::leases::{
    load_charge, load_lease, require_billable, require_state, save_lease, wrong_mode, Billers,
};
use crate::payments::registry_execute;
use crate::state::{Billing, Charge, Config, Dispute, Lease, CHARGES, CONFIG, DISPUTED, MATURITY};
use crate::sums::{priced, ChargeTotals};

/// The provider (or its operator) reports `units`: a charge of `units ×
/// price_per_unit`, with the fee in force now fixed on it, payable once the
/// lease's dispute window ends. After the consumer closes the lease the
/// provider keeps the lease's dispute window to report its final usage. A
/// report with `billed_before` builds on the lease's count of units reported
/// so far (`billing.total.units`, which never decreases) and is refused when
/// the count differs, so a provider that lost its records cannot bill the
/// same units twice.
pub fn report_usage(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    units: Uint128,
    billed_before: Option<Uint128>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let mut billers = Billers::new(deps.querier, config.registry.clone());
    let report = check_report(
        deps.storage,
        &mut billers,
        (&config, env.block.time, &info.sender),
        lease_id,
        units,
        billed_before,
    )?;
    write_charge(deps.storage, lease_id, &report)?;
    save_lease(deps.storage, lease_id, &report.lease)?;
    let charge = &report.charge;
    Ok(Response::new()
        .add_attribute("action", "report_usage")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("charge_id", report.charge_id.to_string())
        .add_attribute("units", units)
        .add_attribute("amount", charge.amount)
        .add_attribute("fee", charge.fee)
        .add_attribute("dispute_window", report.lease.dispute_window.to_string())
        .add_attribute("disputable_until", charge.matures_at.to_string()))
}

/// A usage report checked against its lease: the lease as it will be, the
/// new charge and the running total at it. Nothing is written yet.
pub struct Report {
    pub lease: Lease,
    pub charge_id: u64,
    pub charge: Charge,
    cumulative: ChargeTotals,
}

/// Every check of a usage report, on the lease as stored: who sends it, the
/// lease's state and mode, the units, the funds and `billed_before`. Only
/// reads; the one place a report can be refused.
pub fn check_report(
    storage: &dyn Storage,
    billers: &mut Billers,
    (config, now, sender): (&Config, Timestamp, &Addr),
    lease_id: u64,
    units: Uint128,
    billed_before: Option<Uint128>,
) -> Result<Report, ContractError> {
    let mut lease = load_lease(storage, lease_id)?;
    billers.require(lease_id, &lease, sender, "report_usage")?;
    require_billable(lease_id, &lease, now, "report_usage")?;
    if units.is_zero() {
        return Err(ValidationError::MustBePositive { field: "units" }.into());
    }
    let amount = units.checked_mul(lease.price_per_unit)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroCharge {
            price_per_unit: lease.price_per_unit,
        });
    }
    if amount > lease.available {
        return Err(ContractError::ExceedsAvailable {
            lease_id,
            amount,
            available: lease.available,
        });
    }
    let totals = priced(amount, units, config.fee_bps, &mut lease.fee_carry)?;
    let matures_at = now.seconds().saturating_add(lease.dispute_window);
    let Billing::Metered(billing) = &mut lease.billing else {
        return Err(wrong_mode(
            lease_id,
            &lease,
            BillingMode::METERED,
            "report_usage",
        ));
    };
    if let Some(billed_before) = billed_before {
        if billed_before != billing.total.units {
            return Err(ContractError::StaleReport {
                lease_id,
                billed_before,
                reported_units: billing.total.units,
            });
        }
    }
    let charge_id = billing.next_charge_id;
    billing.next_charge_id = charge_id.saturating_add(1);
    billing.total = billing.total.checked_add(totals)?;
    let cumulative = billing.total;
    lease.available = lease.available.checked_sub(amount)?;
    lease.reserved = lease.reserved.checked_add(amount)?;
    lease.units = lease.units.checked_add(units)?;
    let charge = Charge {
        units,
        amount,
        fee_bps: config.fee_bps,
        fee: totals.fee,
        created_at: now,
        matures_at,
        dispute: None,
    };
    Ok(Report {
        lease,
        charge_id,
        charge,
        cumulative,
    })
}

/// Writes a checked report's charge and its maturity entry (the caller saves
/// the lease).
pub fn write_charge(
    storage: &mut dyn Storage,
    lease_id: u64,
    report: &Report,
) -> Result<(), ContractError> {
    let key = (lease_id, report.charge.matures_at, report.charge_id);
    MATURITY.save(storage, key, &report.cumulative)?;
    CHARGES.save(storage, (lease_id, report.charge_id), &report.charge)?;
    Ok(())
}

/// The consumer disputes a charge strictly before it matures. The registry
/// is told (`dispute_opened`, a plain message: if it refuses, the dispute
/// fails), and holds the provider's stake until the dispute is resolved, so
/// a voided charge can still slash it. Only `resolve_dispute` ends a dispute
/// (a lease with an open dispute never completes its close), so every
/// `dispute_opened` is matched by one `dispute_resolved`.
pub fn dispute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    charge_id: u64,
    reason: String,
) -> Result<Response, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.consumer {
        return Err(ContractError::NotLeaseParty {
            lease_id,
            party: "consumer",
            action: "dispute",
        });
    }
    require_state(
        lease_id,
        &lease,
        &[LeaseState::Open, LeaseState::Closing],
        "dispute",
    )?;
    validate_text("reason", &reason, MAX_TEXT_LEN)?;
    let Billing::Metered(billing) = &mut lease.billing else {
        return Err(wrong_mode(
            lease_id,
            &lease,
            BillingMode::METERED,
            "dispute",
        ));
    };
    let key = (lease_id, charge_id);
    let mut charge = load_charge(deps.storage, lease_id, charge_id)?;
    if charge.dispute.is_some() {
        return Err(ContractError::AlreadyDisputed { charge_id });
    }
    let now = env.block.time.seconds();
    if now >= charge.matures_at {
        return Err(ContractError::DisputeWindowClosed {
            charge_id,
            disputable_until: charge.matures_at,
            now,
        });
    }
    DISPUTED.save(
        deps.storage,
        (lease_id, charge.matures_at, charge_id),
        &ChargeTotals::new(charge.amount, charge.fee, charge.units),
    )?;
    let registry_addr = CONFIG.load(deps.storage)?.registry;
    charge.dispute = Some(Dispute {
        reason,
        upheld: None,
        upheld_at_settle: 0,
        held_by: Some(registry_addr.clone()),
    });
    CHARGES.save(deps.storage, key, &charge)?;
    billing.open_disputes = billing.open_disputes.saturating_add(1);
    save_lease(deps.storage, lease_id, &lease)?;
    let opened = registry::ExecuteMsg::DisputeOpened {
        provider: lease.provider.to_string(),
    };
    Ok(Response::new()
        .add_attribute("action", "dispute")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("charge_id", charge_id.to_string())
        .add_attribute("amount", charge.amount)
        .add_message(registry_execute(&registry_addr, &opened)?))
}

/// The DAO or an arbiter resolves a dispute. Upheld: the charge is paid by the
/// next settle. Voided: its amount returns to `available`, and a positive
/// `slash_fraction` sends `slash` to the registry as a plain submessage, so a
/// refused slash (above `max_slash`, unknown provider) reverts the whole
/// resolution; the resolver can retry without a slash. Either way
/// `dispute_resolved` follows (after the slash), releasing the stake the
/// dispute held in the registry.
pub fn resolve_dispute(
    deps: DepsMut,
    info: MessageInfo,
    lease_id: u64,
    charge_id: u64,
    uphold: bool,
    slash_fraction: Option<Decimal>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    check_resolution(&config, &info.sender, uphold, slash_fraction)?;
    let mut lease = load_lease(deps.storage, lease_id)?;
    let key = (lease_id, charge_id);
    let mut charge = load_charge(deps.storage, lease_id, charge_id)?;
    let Billing::Metered(billing) = &mut lease.billing else {
        return Err(wrong_mode(
            lease_id,
            &lease,
            BillingMode::METERED,
            "resolve_dispute",
        ));
    };
    let Some(dispute) = charge.dispute.as_mut().filter(|d| d.upheld.is_none()) else {
        return Err(ContractError::NotDisputed { charge_id });
    };
    billing.open_disputes = billing.open_disputes.saturating_sub(1);
    dispute.upheld = Some(uphold);
    let mut msgs = vec![];
    if uphold {
        billing.upheld = billing.upheld.checked_add(ChargeTotals::new(
            charge.amount,
            charge.fee,
            charge.units,
        ))?;
        dispute.upheld_at_settle = billing.settle_count;
    } else {
        lease.reserved = lease.reserved.checked_sub(charge.amount)?;
        lease.available = lease.available.checked_add(charge.amount)?;
        lease.units = lease.units.checked_sub(charge.units)?;
        if let Some(fraction) = slash_fraction.filter(|f| !f.is_zero()) {
            let slash = registry::ExecuteMsg::Slash {
                provider: lease.provider.to_string(),
                fraction,
                reason: format!(
                    "billing-escrow: dispute voided on lease {lease_id} charge {charge_id}"
                ),
                jail_seconds: None,
            };
            // To the registry holding the stake (the one told at dispute time),
            // not the one configured now: otherwise a swap frees the stake.
            let holder = dispute.held_by.as_ref().unwrap_or(&config.registry);
            msgs.push(registry_execute(holder, &slash)?);
        }
    }
    // Released where it was held (the registry in force when it was opened).
    if let Some(holder) = &dispute.held_by {
        let resolved = registry::ExecuteMsg::DisputeResolved {
            provider: lease.provider.to_string(),
        };
        msgs.push(registry_execute(holder, &resolved)?);
    }
    CHARGES.save(deps.storage, key, &charge)?;
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(Response::new()
        .add_attribute("action", "resolve_dispute")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("charge_id", charge_id.to_string())
        .add_attribute("uphold", uphold.to_string())
        .add_attribute("amount", charge.amount)
        .add_attribute(
            "slash_fraction",
            slash_fraction.unwrap_or_default().to_string(),
        )
        .add_messages(msgs))
}

/// Only the DAO or an arbiter resolves; a slash goes only with a voided charge.
fn check_resolution(
    config: &Config,
    sender: &Addr,
    uphold: bool,
    slash_fraction: Option<Decimal>,
) -> Result<(), ContractError> {
    if *sender != config.dao && !config.arbiters.contains(sender) {
        return Err(ContractError::Unauthorized {
            sender: sender.to_string(),
            action: "resolve_dispute",
        });
    }
    if let Some(fraction) = slash_fraction {
        if uphold {
            return Err(ContractError::SlashOnUpheld {});
        }
        validate_fraction("slash_fraction", fraction)?;
    }
    Ok(())
}
