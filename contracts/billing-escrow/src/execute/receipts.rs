//! Receipts leases: the provider redeems receipts signed off chain by the consumer.

use cosmwasm_std::{Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use depin_interface::escrow::BillingMode;
use depin_interface::receipt::receipt_digest;

use crate::error::ContractError;
use crate::leases::{load_lease, require_billable, save_lease, wrong_mode, Billers};
use crate::payments::payout;
use crate::state::{Billing, Config, Lease, CONFIG};
use crate::sums::{covered_units, priced, ChargeTotals};

/// Pays the increase of `cumulative_units` over the units redeemed so far at
/// the lease price, at once (fee in force now to the treasury, the rest to the
/// provider, usage recorded in the registry), up to what the lease's free
/// funds cover in whole units: `min(cumulative_units − redeemed_units,
/// floor(available / price))`. The redeemed count advances only by the units
/// paid, so the rest of the same signed receipt stays redeemable after a
/// top-up; it is refused (`UnitExceedsAvailable`) only when not one unit is
/// payable. Only the redeemed count is stored, so no unit is ever paid twice
/// and the cost is flat. The signature covers chain id, escrow address and
/// lease id, so it is worthless on any other lease, escrow or chain.
pub fn redeem(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
    cumulative_units: Uint128,
    signature: Binary,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let mut billers = Billers::new(deps.querier, config.registry.clone());
    let redemption = check_redeem(
        deps.as_ref(),
        &env,
        &mut billers,
        (&config, &info.sender),
        lease_id,
        cumulative_units,
        &signature,
    )?;
    let Redemption { lease, due } = &redemption;
    save_lease(deps.storage, lease_id, lease)?;
    let msgs = payout(lease_id, lease, *due, &config.treasury, &config.registry)?;
    let redeemed_units = redemption.redeemed_units();
    let outstanding = cumulative_units.saturating_sub(redeemed_units);
    Ok(Response::new()
        .add_attribute("action", "redeem_receipt")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("cumulative_units", cumulative_units)
        .add_attribute("units", due.units)
        .add_attribute("units_outstanding", outstanding)
        .add_attribute("redeemed_units", redeemed_units)
        .add_attribute("amount", due.amount)
        .add_attribute("fee", due.fee)
        .add_attribute("provider_amount", due.provider_amount()?)
        .add_submessages(msgs))
}

/// A receipt checked against its lease: the lease as it will be (paid) and
/// what it pays. Nothing is written yet.
pub struct Redemption {
    pub lease: Lease,
    pub due: ChargeTotals,
}

impl Redemption {
    fn redeemed_units(&self) -> Uint128 {
        match &self.lease.billing {
            Billing::Receipts(billing) => billing.redeemed_units,
            _ => Uint128::zero(),
        }
    }
}

/// Every check of a receipt (sender, state, mode, increase, signature,
/// funds) and the payment it makes, on the lease as stored. Only reads; the
/// one place a redemption can be refused.
pub fn check_redeem(
    deps: Deps,
    env: &Env,
    billers: &mut Billers,
    (config, sender): (&Config, &Addr),
    lease_id: u64,
    cumulative_units: Uint128,
    signature: &Binary,
) -> Result<Redemption, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    billers.require(lease_id, &lease, sender, "redeem_receipt")?;
    let now = env.block.time;
    require_billable(lease_id, &lease, now, "redeem_receipt")?;
    let price = lease.price_per_unit;
    let available = lease.available;
    let Billing::Receipts(billing) = &mut lease.billing else {
        return Err(wrong_mode(
            lease_id,
            &lease,
            BillingMode::RECEIPTS,
            "redeem_receipt",
        ));
    };
    if cumulative_units <= billing.redeemed_units {
        return Err(ContractError::ReceiptNotIncreasing {
            cumulative_units,
            redeemed: billing.redeemed_units,
        });
    }
    let digest = receipt_digest(
        &env.block.chain_id,
        env.contract.address.as_str(),
        lease_id,
        cumulative_units.u128(),
    );
    if !deps
        .api
        .secp256k1_verify(&digest, signature, &billing.consumer_pubkey)?
    {
        return Err(ContractError::InvalidReceiptSignature { lease_id });
    }
    let owed = cumulative_units.checked_sub(billing.redeemed_units)?;
    let (units, amount) = covered_units(owed, price, available)?;
    if units.is_zero() {
        return Err(ContractError::UnitExceedsAvailable {
            lease_id,
            price_per_unit: price,
            available,
        });
    }
    billing.redeemed_units = billing.redeemed_units.checked_add(units)?;
    let due = priced(amount, units, config.fee_bps, &mut lease.fee_carry)?;
    lease.available = lease.available.checked_sub(amount)?;
    lease.paid = lease.paid.checked_add(amount)?;
    lease.units = lease.units.checked_add(units)?;
    lease.last_settled_at = Some(now);
    Ok(Redemption { lease, due })
}
