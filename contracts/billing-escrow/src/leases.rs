//! Lease loading and saving, and the checks on a lease's state, mode and parties.

use std::collections::BTreeMap;

use cosmwasm_std::{from_json, Addr, QuerierWrapper, Storage, Timestamp};
use depin_interface::escrow::LeaseState;
use depin_interface::registry::operator_key;

use crate::error::ContractError;
use crate::state::{leases, Charge, Lease, CHARGES, LEASE_RECORDS};

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

/// Stores a new lease with its consumer and provider index entries.
pub fn insert_lease(
    storage: &mut dyn Storage,
    lease_id: u64,
    lease: &Lease,
) -> Result<(), ContractError> {
    Ok(leases().save(storage, lease_id, lease)?)
}

/// Saves a lease that exists. Its parties never change after it opens, so
/// the index entries stay as `insert_lease` wrote them: one write instead of
/// a read, two removals and three writes.
pub fn save_lease(
    storage: &mut dyn Storage,
    lease_id: u64,
    lease: &Lease,
) -> Result<(), ContractError> {
    Ok(LEASE_RECORDS.save(storage, lease_id, lease)?)
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

/// Who may bill a lease: its provider, or the operator the provider named in
/// the registry (a fleet agent). The operator is read from the registry's
/// storage with a raw query (no contract call) only when the sender is not
/// the provider, and remembered for the rest of the message.
pub struct Billers<'a> {
    querier: QuerierWrapper<'a>,
    registry: Addr,
    operators: BTreeMap<Addr, Option<Addr>>,
}

impl<'a> Billers<'a> {
    pub fn new(querier: QuerierWrapper<'a>, registry: Addr) -> Self {
        Billers {
            querier,
            registry,
            operators: BTreeMap::new(),
        }
    }

    /// Fails unless `sender` is the lease's provider or its operator.
    pub fn require(
        &mut self,
        lease_id: u64,
        lease: &Lease,
        sender: &Addr,
        action: &'static str,
    ) -> Result<(), ContractError> {
        if *sender == lease.provider || self.operator(&lease.provider)? == Some(sender) {
            return Ok(());
        }
        Err(ContractError::NotLeaseParty {
            lease_id,
            party: "provider",
            action,
        })
    }

    fn operator(&mut self, provider: &Addr) -> Result<Option<&Addr>, ContractError> {
        if !self.operators.contains_key(provider) {
            let raw = self
                .querier
                .query_wasm_raw(&self.registry, operator_key(provider.as_str()))?;
            let operator = raw.map(|bytes| from_json::<Addr>(&bytes)).transpose()?;
            self.operators.insert(provider.clone(), operator);
        }
        Ok(self.operators.get(provider).and_then(Option::as_ref))
    }
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
