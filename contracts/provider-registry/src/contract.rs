//! Entry points: validate, then dispatch to `execute::*` and `query`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw_utils::nonpayable;
use depin_interface::migration::migrate_forward;
use depin_interface::registry::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractError;
use crate::execute::{config, native_stake, provider, rewards, slashing, stake};
use crate::query;

pub const CONTRACT_NAME: &str = "crates.io:depin-provider-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    config::instantiate(deps, env, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Register(msg) => {
            let cfg = crate::state::CONFIG.load(deps.storage)?;
            let amount = native_stake(&cfg, &info)?;
            provider::register(deps, env, info.sender, amount, msg)
        }
        ExecuteMsg::UpdateProvider {
            endpoint,
            region,
            capacity,
            prices,
            metadata_uri,
        } => {
            nonpayable(&info)?;
            provider::update_provider(
                deps,
                env,
                info,
                endpoint,
                region,
                capacity,
                prices,
                metadata_uri,
            )
        }
        ExecuteMsg::Bond {} => {
            let cfg = crate::state::CONFIG.load(deps.storage)?;
            let amount = native_stake(&cfg, &info)?;
            stake::bond(deps, env, info.sender, amount)
        }
        ExecuteMsg::Unbond { amount } => stake::unbond(deps, env, info, amount),
        ExecuteMsg::Claim {} => stake::claim(deps, env, info),
        ExecuteMsg::Deregister {} => {
            nonpayable(&info)?;
            provider::deregister(deps, env, info)
        }
        ExecuteMsg::Heartbeat {} => {
            nonpayable(&info)?;
            provider::heartbeat(deps, env, info)
        }
        ExecuteMsg::Attest {
            provider: addr,
            score,
            capacity,
        } => {
            nonpayable(&info)?;
            provider::attest(deps, info, addr, score, capacity)
        }
        ExecuteMsg::RecordUsage {
            provider,
            units,
            revenue,
            fees,
        } => rewards::record_usage(deps, env, info, provider, units, revenue, fees),
        ExecuteMsg::Refresh { provider } => {
            nonpayable(&info)?;
            provider::refresh(deps, env, provider)
        }
        ExecuteMsg::DisputeOpened { provider } => slashing::dispute(deps, info, provider, true),
        ExecuteMsg::DisputeResolved { provider } => slashing::dispute(deps, info, provider, false),
        ExecuteMsg::Slash {
            provider,
            fraction,
            reason,
            jail_seconds,
        } => slashing::slash(deps, env, info, provider, fraction, reason, jail_seconds),
        ExecuteMsg::Unjail {} => slashing::unjail(deps, env, info),
        ExecuteMsg::ClaimRewards {} => rewards::claim_rewards(deps, env, info),
        ExecuteMsg::UpdateConfig(update) => config::update_config(deps, info, update),
        ExecuteMsg::Receive(wrapper) => stake::receive(deps, env, info, wrapper),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Provider { address } => to_json_binary(&query::provider(deps, env, address)?),
        QueryMsg::Providers {
            service,
            region,
            status,
            start_after,
            limit,
        } => to_json_binary(&query::providers_page(
            deps,
            env,
            service,
            region,
            status,
            start_after,
            limit,
        )?),
        QueryMsg::PendingRewards { address } => {
            to_json_binary(&query::pending_rewards(deps, env, address)?)
        }
        QueryMsg::Claims { address } => to_json_binary(&query::claims(deps, address)?),
        QueryMsg::Stats {} => to_json_binary(&query::stats(deps, env)?),
    }
}

/// Migrates only forward: the stored contract must be this one, at an older
/// or equal version.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from_version = migrate_forward(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from_version)
        .add_attribute("to_version", CONTRACT_VERSION))
}
