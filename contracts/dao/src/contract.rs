//! Entry points only: each message is dispatched to its handler.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult};
use depin_interface::dao::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use depin_interface::migration::migrate_forward;

use crate::error::ContractError;
use crate::execute::{config, execution, proposals, receive, staking, voting};

pub const CONTRACT_NAME: &str = "crates.io:depin-dao";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    crate::instantiate::bootstrap(deps, env, info, msg)
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
    let from_version = migrate_forward(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from_version)
        .add_attribute("to_version", CONTRACT_VERSION))
}
