//! The messages that move money: transfers, a payment's split between the
//! treasury and the provider, and the registry calls.

use std::collections::BTreeMap;

use cosmwasm_std::{wasm_execute, Addr, CosmosMsg, SubMsg, Uint128};
use depin_interface::registry::{self, UsageRecord};
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

/// What a `batch` pays, summed over its items: one transfer per provider and
/// denom, one fee transfer per denom, one usage entry per provider, and the
/// refunds of closes it completed.
#[derive(Default)]
pub struct Payouts {
    providers: BTreeMap<(Addr, Denom), Uint128>,
    fees: BTreeMap<Denom, Uint128>,
    usage: BTreeMap<Addr, Usage>,
    refunds: Vec<SubMsg>,
}

/// One provider's payments in a batch, as its `record_usage_batch` entry.
#[derive(Default)]
struct Usage {
    units: Uint128,
    payments: u64,
    revenue: BTreeMap<Denom, Uint128>,
    fees: BTreeMap<Denom, Uint128>,
}

fn add_to<K: Ord>(
    map: &mut BTreeMap<K, Uint128>,
    key: K,
    amount: Uint128,
) -> Result<(), ContractError> {
    let sum = map.entry(key).or_default();
    *sum = sum.checked_add(amount)?;
    Ok(())
}

impl Payouts {
    /// Adds a payment of `due` on `lease` (nothing for a zero payment).
    pub fn add(&mut self, lease: &Lease, due: ChargeTotals) -> Result<(), ContractError> {
        if due.is_zero() {
            return Ok(());
        }
        let provider = (lease.provider.clone(), lease.denom.clone());
        add_to(&mut self.providers, provider, due.provider_amount()?)?;
        add_to(&mut self.fees, lease.denom.clone(), due.fee)?;
        let usage = self.usage.entry(lease.provider.clone()).or_default();
        usage.units = usage.units.checked_add(due.units)?;
        usage.payments = usage.payments.saturating_add(1);
        add_to(&mut usage.revenue, lease.denom.clone(), due.amount)?;
        if !due.fee.is_zero() {
            add_to(&mut usage.fees, lease.denom.clone(), due.fee)?;
        }
        Ok(())
    }

    /// Collects the refund transfer of a close the batch completed.
    pub fn refunds(&mut self) -> &mut Vec<SubMsg> {
        &mut self.refunds
    }

    /// The messages: fees to the treasury, the providers' transfers, the
    /// refunds, then one `record_usage_batch` to the registry as a
    /// `reply_on_error` submessage (its failure never blocks the payments).
    pub fn into_msgs(
        self,
        treasury: &Addr,
        registry_addr: &Addr,
    ) -> Result<Vec<SubMsg>, ContractError> {
        let mut msgs = vec![];
        for (denom, fee) in &self.fees {
            msgs.extend(transfer(denom, treasury, *fee)?.map(SubMsg::new));
        }
        for ((provider, denom), amount) in &self.providers {
            msgs.extend(transfer(denom, provider, *amount)?.map(SubMsg::new));
        }
        msgs.extend(self.refunds);
        if self.usage.is_empty() {
            return Ok(msgs);
        }
        let amounts = |map: BTreeMap<Denom, Uint128>| {
            map.into_iter()
                .map(|(denom, amount)| UncheckedDenomAmount {
                    denom: denom.into(),
                    amount,
                })
                .collect()
        };
        let entries = self
            .usage
            .into_iter()
            .map(|(provider, usage)| UsageRecord {
                provider: provider.into_string(),
                units: usage.units,
                revenue: amounts(usage.revenue),
                fees: amounts(usage.fees),
                payments: usage.payments,
            })
            .collect();
        let record = registry::ExecuteMsg::RecordUsageBatch { entries };
        msgs.push(SubMsg::reply_on_error(
            registry_execute(registry_addr, &record)?,
            REPLY_RECORD_USAGE,
        ));
        Ok(msgs)
    }
}

/// `msg` to the registry, without funds.
pub fn registry_execute(
    registry_addr: &Addr,
    msg: &registry::ExecuteMsg,
) -> Result<CosmosMsg, ContractError> {
    Ok(wasm_execute(registry_addr, msg, vec![])?.into())
}
