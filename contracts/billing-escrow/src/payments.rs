//! The messages that move money: transfers, a payment's split between the
//! treasury and the provider, and the registry calls.

use cosmwasm_std::{wasm_execute, Addr, CosmosMsg, SubMsg, Uint128};
use depin_interface::registry;
use depin_interface::{Denom, UncheckedDenom, UncheckedDenomAmount};

use crate::error::ContractError;
use crate::reply::REPLY_RECORD_USAGE;
use crate::state::Lease;
use crate::sums::ChargeTotals;

/// A transfer of `amount` of `denom` to `to`; `None` for a zero amount.
pub fn transfer(
    denom: &Denom,
    to: &Addr,
    amount: Uint128,
) -> Result<Option<CosmosMsg>, ContractError> {
    if amount.is_zero() {
        return Ok(None);
    }
    Ok(Some(denom.transfer_msg(to, amount)?))
}

/// The messages paying `due` on a lease: the fee to the treasury, the rest to
/// the provider, then `record_usage` to the registry as a `reply_on_error`
/// submessage (its failure is recorded by the reply and never blocks the payment).
/// `revenue` is the gross amount the consumer paid (fee included), so a fee
/// change does not shift the provider's reputation; `fees` is the fee the
/// treasury received on this very payment (empty when it is zero), which the
/// registry weighs usage rewards by.
pub fn payout(
    lease_id: u64,
    lease: &Lease,
    due: ChargeTotals,
    treasury: &Addr,
    registry_addr: &Addr,
) -> Result<Vec<SubMsg>, ContractError> {
    let mut msgs = vec![];
    if let Some(msg) = transfer(&lease.denom, treasury, due.fee)? {
        msgs.push(SubMsg::new(msg));
    }
    if let Some(msg) = transfer(&lease.denom, &lease.provider, due.provider_amount()?)? {
        msgs.push(SubMsg::new(msg));
    }
    let in_denom = |amount: Uint128| UncheckedDenomAmount {
        denom: UncheckedDenom::from(lease.denom.clone()),
        amount,
    };
    let record = registry::ExecuteMsg::RecordUsage {
        provider: lease.provider.to_string(),
        units: due.units,
        revenue: vec![in_denom(due.amount)],
        fees: if due.fee.is_zero() {
            vec![]
        } else {
            vec![in_denom(due.fee)]
        },
    };
    msgs.push(
        SubMsg::reply_on_error(
            registry_execute(registry_addr, &record)?,
            REPLY_RECORD_USAGE,
        )
        .with_payload(lease_id.to_be_bytes().to_vec()),
    );
    Ok(msgs)
}

/// `msg` to the registry, without funds.
pub fn registry_execute(
    registry_addr: &Addr,
    msg: &registry::ExecuteMsg,
) -> Result<CosmosMsg, ContractError> {
    Ok(wasm_execute(registry_addr, msg, vec![])?.into())
}
