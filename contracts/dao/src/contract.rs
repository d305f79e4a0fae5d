//! Entry points: the funds guard, then dispatch to `instantiate`,
//! `execute::*`, `query` and `reply`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult};
use depin_interface::dao::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractError;
use crate::execute::{config, execution, proposals, receive, staking, voting};

pub const CONTRACT_NAME: &str = "crates.io:depin-dao";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    // No funds guard: native funds sent along stay in the DAO and seed the treasury.
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(crate::instantiate::instantiate(deps, env, msg)?
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("version", CONTRACT_VERSION))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // No message takes native funds; the treasury receives them by bank send.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => receive::receive(deps, env, info, wrapper),
        ExecuteMsg::Propose(propose) => proposals::propose_direct(deps, env, info, propose),
        ExecuteMsg::Unstake { amount } => staking::unstake(deps, env, info, amount),
        ExecuteMsg::Claim {} => staking::claim(deps, env, info),
        ExecuteMsg::Vote { proposal_id, vote } => voting::vote(deps, env, info, proposal_id, vote),
        ExecuteMsg::Execute { proposal_id } => execution::execute(deps, env, proposal_id),
        ExecuteMsg::Close { proposal_id } => execution::close(deps, env, proposal_id),
        ExecuteMsg::Veto { proposal_id } => execution::veto(deps, env, info, proposal_id),
        ExecuteMsg::UpdateConfig(update) => config::update_config(deps, env, info, update),
        ExecuteMsg::CheckReserves {} => execution::check_reserves(deps.as_ref(), env),
        ExecuteMsg::Dispatch { proposal_id } => execution::dispatch(deps, env, info, proposal_id),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    crate::query::query(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    crate::reply::reply(deps, env, msg)
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
