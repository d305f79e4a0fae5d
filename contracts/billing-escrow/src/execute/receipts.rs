//! Receipts leases: the provider redeems receipts signed off chain by the consumer.

use cosmwasm_std::{Binary, DepsMut, Env, MessageInfo, Response, Uint128};
use depin_interface::escrow::BillingMode;
use depin_interface::receipt::receipt_digest;

use crate::error::ContractError;
use crate::leases::{load_lease, require_billable, require_provider, save_lease, wrong_mode};
use crate::payments::payout;
use crate::state::{Billing, CONFIG};
use crate::sums::{covered_units, priced};

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
    let mut lease = load_lease(deps.storage, lease_id)?;
    require_provider(lease_id, &lease, &info.sender, "redeem_receipt")?;
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
        .secp256k1_verify(&digest, &signature, &billing.consumer_pubkey)?
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
    let config = CONFIG.load(deps.storage)?;
    let due = priced(amount, units, config.fee_bps, &mut lease.fee_carry)?;
    billing.redeemed_units = billing.redeemed_units.checked_add(units)?;
    let redeemed_units = billing.redeemed_units;
    let outstanding = cumulative_units.checked_sub(redeemed_units)?;
    lease.available = lease.available.checked_sub(amount)?;
    lease.paid = lease.paid.checked_add(amount)?;
    lease.units = lease.units.checked_add(units)?;
    lease.last_settled_at = Some(now);
    let msgs = payout(lease_id, &lease, due, &config.treasury, &config.registry)?;
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(Response::new()
        .add_attribute("action", "redeem_receipt")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("cumulative_units", cumulative_units)
        .add_attribute("units", units)
        .add_attribute("units_outstanding", outstanding)
        .add_attribute("redeemed_units", redeemed_units)
        .add_attribute("amount", amount)
        .add_attribute("fee", due.fee)
        .add_attribute("provider_amount", due.provider_amount()?)
        .add_submessages(msgs))
}
