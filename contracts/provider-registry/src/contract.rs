//! Entry points: the funds guards, then dispatch to `instantiate`,
//! `execute::*` and `query`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::Uint128;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw_utils::{must_pay, nonpayable};
use depin_interface::registry::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, UsageRecord};
use depin_interface::Denom;

use crate::error::ContractError;
use crate::execute::{config, liveness, operator, provider, rewards, slashing, stake};
use crate::state::CONFIG;
use crate::{instantiate, query};

pub const CONTRACT_NAME: &str = "crates.io:depin-provider-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    instantiate::instantiate(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // Only `register` and `bond` take (native) funds; every other message refuses them.
    if !matches!(msg, ExecuteMsg::Register(_) | ExecuteMsg::Bond {}) {
        nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::Register(msg) => {
            let amount = native_stake(deps.as_ref().storage, &info)?;
            provider::register(deps, env, info.sender, amount, msg)
        }
        ExecuteMsg::UpdateProvider(msg) => provider::update_provider(deps, env, info, msg),
        ExecuteMsg::Bond {} => {
            let amount = native_stake(deps.as_ref().storage, &info)?;
            stake::bond(deps, env, info.sender, amount)
        }
        ExecuteMsg::Unbond { amount } => stake::unbond(deps, env, info, amount),
        ExecuteMsg::Claim {} => stake::claim(deps, env, info),
        ExecuteMsg::Deregister {} => provider::deregister(deps, env, info),
        ExecuteMsg::Heartbeat {} => liveness::heartbeat(deps, env, info),
        ExecuteMsg::ProveLiveness { epoch, proofs } => {
            liveness::prove_liveness(deps, env, info, epoch, proofs)
        }
        ExecuteMsg::Attest {
            provider: addr,
            score,
            capacity,
        } => provider::attest(deps, info, addr, score, capacity),
        ExecuteMsg::RecordUsage {
            provider,
            units,
            revenue,
            fees,
        } => {
            let entry = UsageRecord {
                provider,
                units,
                revenue,
                fees,
                payments: 1,
            };
            rewards::record_usage(deps, env, info, entry)
        }
        ExecuteMsg::RecordUsageBatch { entries } => {
            rewards::record_usage_batch(deps, env, info, entries)
        }
        ExecuteMsg::SetOperator { operator } => operator::set_operator(deps, info, operator),
        ExecuteMsg::Refresh { provider } => provider::refresh(deps, env, provider),
        ExecuteMsg::DisputeOpened { provider } => slashing::dispute(deps, info, provider, true),
        ExecuteMsg::DisputeResolved { provider } => slashing::dispute(deps, info, provider, false),
        ExecuteMsg::Slash {
            provider,
            fraction,
            reason,
            jail_seconds,
        } => slashing::slash(deps, env, info, provider, fraction, reason, jail_seconds),
        ExecuteMsg::Unjail {} => slashing::unjail(deps, env, info),
        ExecuteMsg::ClaimRewards { providers } => {
            rewards::claim_rewards(deps, env, info, providers)
        }
        ExecuteMsg::UpdateConfig(update) => config::update_config(deps, env, info, update),
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
        QueryMsg::ProvidersByOperator {
            operator,
            start_after,
            limit,
        } => to_json_binary(&query::providers_by_operator(
            deps,
            env,
            operator,
            start_after,
            limit,
        )?),
        QueryMsg::PendingRewards { address } => {
            to_json_binary(&query::pending_rewards(deps, env, address)?)
        }
        QueryMsg::Claims { address } => to_json_binary(&query::claims(deps, address)?),
        QueryMsg::Stats {} => to_json_binary(&query::stats(deps, env)?),
        QueryMsg::EpochUsage { epoch } => to_json_binary(&query::epoch_usage(deps, epoch)?),
    }
}

/// Migrates only forward: the stored contract must be this one, at an older
/// or equal version.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let response =
        depin_interface::migration::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // Releases before 0.2.0 may hold the pre-hardening reward layout: the one
    // `Global` is rewritten now, provider records when read (`load_rewards`).
    let converted = crate::state::migrate_global(deps.storage)?;
    let proofs_from = crate::accounting::start_proofs(deps.storage, env.block.time)?;
    Ok(response
        .add_attribute("global_layout_converted", converted.to_string())
        .add_attribute("proofs_from", proofs_from.to_string()))
}

/// The stake paid with a native-funds message (`must_pay` in the stake
/// denom); a cw20 stake denom is staked through the token's `send` instead.
fn native_stake(
    storage: &dyn cosmwasm_std::Storage,
    info: &MessageInfo,
) -> Result<Uint128, ContractError> {
    match CONFIG.load(storage)?.stake_denom {
        Denom::Native(denom) => Ok(must_pay(info, &denom)?),
        Denom::Cw20(token) => Err(ContractError::WrongStakeMethod {
            expected: token.to_string(),
            how: "with a cw20 send to the registry",
        }),
    }
}
