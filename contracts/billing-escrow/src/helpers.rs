//! Lease loading, state checks and the messages that move money.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Storage, SubMsg, Timestamp, Uint128, WasmMsg};
use depin_interface::escrow::LeaseState;
use depin_interface::registry;
use depin_interface::{Denom, UncheckedDenom, UncheckedDenomAmount};

use crate::error::ContractError;
use crate::state::{leases, Book, Lease};
use crate::sums::Sums;

/// Reply id of the `record_usage` submessage sent to the registry on every payment.
pub const REPLY_RECORD_USAGE: u64 = 1;

pub fn load_lease(storage: &dyn Storage, lease_id: u64) -> Result<Lease, ContractError> {
    leases()
        .may_load(storage, lease_id)?
        .ok_or(ContractError::LeaseNotFound { lease_id })
}

pub fn save_lease(
    storage: &mut dyn Storage,
    lease_id: u64,
    lease: &Lease,
) -> Result<(), ContractError> {
    Ok(leases().save(storage, lease_id, lease)?)
}

/// Fails unless the lease is in one of `states`.
pub fn require_state(
    lease_id: u64,
    lease: &Lease,
    states: &[LeaseState],
    action: &'static str,
) -> Result<(), ContractError> {
    if states.contains(&lease.state) {
        Ok(())
    } else {
        Err(ContractError::WrongState {
            lease_id,
            state: lease.state,
            action,
        })
    }
}

/// Fails unless the lease is open, or `closing` within the provider's grace
/// after the consumer closed it (`close_after`), when the provider may still
/// bill the service it delivered up to the close.
pub fn require_billable(
    lease_id: u64,
    lease: &Lease,
    now: Timestamp,
    action: &'static str,
) -> Result<(), ContractError> {
    let in_grace = lease.state == LeaseState::Closing && lease.close_after.is_some_and(|t| now < t);
    if in_grace {
        return Ok(());
    }
    require_state(lease_id, lease, &[LeaseState::Open], action)
}

pub fn require_provider(
    lease_id: u64,
    lease: &Lease,
    sender: &Addr,
    action: &'static str,
) -> Result<(), ContractError> {
    if *sender == lease.provider {
        Ok(())
    } else {
        Err(ContractError::NotProvider { lease_id, action })
    }
}

pub fn mode_name(book: &Book) -> &'static str {
    match book {
        Book::Metered(_) => "metered",
        Book::Streaming(_) => "streaming",
        Book::Receipts(_) => "receipts",
    }
}

pub fn wrong_mode(
    lease_id: u64,
    lease: &Lease,
    expected: &'static str,
    action: &'static str,
) -> ContractError {
    ContractError::WrongBillingMode {
        lease_id,
        mode: mode_name(&lease.book),
        expected,
        action,
    }
}

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
    due: Sums,
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
    Ok(WasmMsg::Execute {
        contract_addr: registry_addr.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}
