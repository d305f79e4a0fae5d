//! Entry points: the funds guards, then dispatch to `instantiate`,
//! `execute::*`, `query` and `reply`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult,
};
use cw_utils::{nonpayable, one_coin};
use depin_interface::escrow::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use depin_interface::Denom;

use crate::error::ContractError;
use crate::{execute, instantiate, query, reply};

pub const CONTRACT_NAME: &str = "crates.io:depin-billing-escrow";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    instantiate::instantiate(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    use execute::{batch, config, lease, metered, receipts, receive, settle};
    // Only `open_lease` and `top_up` take native funds; every other message refuses them.
    if !matches!(msg, ExecuteMsg::OpenLease(_) | ExecuteMsg::TopUp { .. }) {
        nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::OpenLease(open) => {
            let coin = one_coin(&info)?;
            let deposit = (Denom::Native(coin.denom), coin.amount);
            lease::open(deps, env, info.sender, deposit, open)
        }
        ExecuteMsg::TopUp { lease_id } => {
            let coin = one_coin(&info)?;
            let deposit = (Denom::Native(coin.denom), coin.amount);
            lease::top_up(deps, env, info.sender, lease_id, deposit)
        }
        ExecuteMsg::Receive(hook) => receive::receive(deps, env, info.sender, hook),
        ExecuteMsg::AcceptLease { lease_id } => lease::accept(deps, env, info, lease_id),
        ExecuteMsg::CloseLease { lease_id } => lease::close(deps, env, info, lease_id),
        ExecuteMsg::ReportUsage {
            lease_id,
            units,
            billed_before,
        } => metered::report_usage(deps, env, info, lease_id, units, billed_before),
        ExecuteMsg::Dispute {
            lease_id,
            charge_id,
            reason,
        } => metered::dispute(deps, env, info, lease_id, charge_id, reason),
        ExecuteMsg::ResolveDispute {
            lease_id,
            charge_id,
            uphold,
            slash_fraction,
        } => metered::resolve_dispute(deps, info, lease_id, charge_id, uphold, slash_fraction),
        ExecuteMsg::RedeemReceipt {
            lease_id,
            cumulative_units,
            signature,
        } => receipts::redeem(deps, env, info, lease_id, cumulative_units, signature),
        ExecuteMsg::Settle { lease_id } => settle::settle(deps, env, lease_id),
        ExecuteMsg::Batch { items } => batch::batch(deps, env, info, items),
        ExecuteMsg::UpdateConfig(update) => config::update_config(deps, info, update),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Lease { lease_id } => to_json_binary(&query::lease(deps, env, lease_id)?),
        QueryMsg::LeasesByConsumer {
            consumer,
            start_after,
            limit,
        } => to_json_binary(&query::leases_by(
            deps,
            env,
            query::Party::Consumer,
            consumer,
            start_after,
            limit,
        )?),
        QueryMsg::LeasesByProvider {
            provider,
            start_after,
            limit,
        } => to_json_binary(&query::leases_by(
            deps,
            env,
            query::Party::Provider,
            provider,
            start_after,
            limit,
        )?),
        QueryMsg::Charges {
            lease_id,
            start_after,
            limit,
        } => to_json_binary(&query::charges(deps, env, lease_id, start_after, limit)?),
        QueryMsg::Settleable { lease_id } => {
            to_json_binary(&query::settleable(deps, env, lease_id)?)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    reply::reply(deps, env, msg)
}

/// Migrates only forward: the stored contract must be this one, at an older
/// or equal version.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    Ok(depin_interface::migration::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?)
}
