//! Lease loading and saving, and the checks on a lease's state, mode and parties.

use cosmwasm_std::{Addr, Storage, Timestamp};
use depin_interface::escrow::LeaseState;

use crate::error::ContractError;
use crate::state::{leases, Charge, Lease, CHARGES};

pub fn load_lease(storage: &dyn Storage, lease_id: u64) -> Result<Lease, ContractError> {
    leases()
        .may_load(storage, lease_id)?
        .ok_or(ContractError::LeaseNotFound { lease_id })
}

pub fn load_charge(
    storage: &dyn Storage,
    lease_id: u64,
    charge_id: u64,
) -> Result<Charge, ContractError> {
    CHARGES
        .may_load(storage, (lease_id, charge_id))?
        .ok_or(ContractError::ChargeNotFound {
            lease_id,
            charge_id,
        })
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
        Err(ContractError::NotLeaseParty {
            lease_id,
            party: "provider",
            action,
        })
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
        mode: lease.billing.mode_name(),
        expected,
        action,
    }
}
