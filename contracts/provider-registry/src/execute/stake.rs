//! Stake: the cw20 hook, `bond`, `unbond` and `claim`.

use cosmwasm_std::{from_json, Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Cw20ReceiveMsg;
use cw_controllers::Claim;
use depin_interface::registry::{ProviderStatus, ReceiveMsg};
use depin_interface::Denom;

use super::provider;
use crate::accounting::{add_claim, load_provider, save_provider};
use crate::error::ContractError;
use crate::state::{load_rewards, CLAIMS, CONFIG};

/// The cw20 hook: only the configured stake token may call it, and only with
/// a non-zero amount; the wrapped message then registers or bonds.
pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    match &config.stake_denom {
        Denom::Cw20(token) if *token == info.sender => {}
        other => {
            return Err(ContractError::UnknownToken {
                token: info.sender.to_string(),
                expected: format!("the stake token {}", other.key()),
            })
        }
    }
    if wrapper.amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let sender = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::Register(msg) => provider::register(deps, env, sender, wrapper.amount, msg),
        ReceiveMsg::Bond {} => bond(deps, env, sender, wrapper.amount),
    }
}

/// Adds `amount` (already received) to the provider's bonded stake. An
/// exiting provider registers again instead.
pub fn bond(
    deps: DepsMut,
    env: Env,
    provider_addr: Addr,
    amount: Uint128,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let old = load_provider(deps.storage, &provider_addr)?;
    if old.status == ProviderStatus::Exiting {
        return Err(ContractError::ProviderExiting {});
    }
    let mut new = old.clone();
    new.stake = new.stake.checked_add(amount)?;
    let saved = save_provider(deps.storage, &config, &env, &provider_addr, Some(&old), new)?;
    Ok(Response::new()
        .add_attribute("action", "bond")
        .add_attribute("provider", provider_addr)
        .add_attribute("amount", amount)
        .add_attribute("stake", saved.provider.stake)
        .add_attributes(saved.attributes()))
}

pub fn unbond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let old = load_provider(deps.storage, &info.sender)?;
    if amount > old.stake {
        return Err(ContractError::InsufficientStake {
            requested: amount,
            staked: old.stake,
        });
    }
    let release_at = env.block.time.plus_seconds(config.unbonding_period);
    add_claim(deps.storage, &info.sender, amount, release_at)?;
    let mut new = old.clone();
    new.stake = new.stake.checked_sub(amount)?;
    new.unbonding = new.unbonding.checked_add(amount)?;
    let saved = save_provider(deps.storage, &config, &env, &info.sender, Some(&old), new)?;
    Ok(Response::new()
        .add_attribute("action", "unbond")
        .add_attribute("provider", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("stake", saved.provider.stake)
        .add_attribute("release_at", release_at.nanos().to_string())
        .add_attributes(saved.attributes()))
}

/// Pays every matured claim of the sender, unless a dispute on one of its
/// charges is open: then the claims stay (and stay slashable) until the
/// billing escrow resolves it.
pub fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let open_disputes = load_rewards(deps.storage, &info.sender)?.map_or(0, |pr| pr.open_disputes);
    if open_disputes > 0 {
        return Err(ContractError::StakeHeldByDisputes { open_disputes });
    }
    let claims = CLAIMS
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let (matured, pending): (Vec<Claim>, Vec<Claim>) = claims
        .into_iter()
        .partition(|c| c.release_at.is_expired(&env.block));
    let mut amount = Uint128::zero();
    for c in &matured {
        amount = amount.checked_add(c.amount)?;
    }
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {
            address: info.sender.to_string(),
        });
    }
    if pending.is_empty() {
        CLAIMS.remove(deps.storage, &info.sender);
    } else {
        CLAIMS.save(deps.storage, &info.sender, &pending)?;
    }
    let old = load_provider(deps.storage, &info.sender)?;
    let mut new = old.clone();
    new.unbonding = new.unbonding.checked_sub(amount)?;
    let saved = save_provider(deps.storage, &config, &env, &info.sender, Some(&old), new)?;
    Ok(Response::new()
        .add_message(config.stake_denom.transfer_msg(&info.sender, amount)?)
        .add_attribute("action", "claim")
        .add_attribute("provider", info.sender)
        .add_attribute("amount", amount)
        .add_attributes(saved.attributes()))
}
