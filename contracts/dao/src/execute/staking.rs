//! Staking the suite token: voting power is the staked amount, snapshotted
//! every block; unstaking goes through a claim released after `unstaking_period`.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw_utils::Expiration;

use crate::error::ContractError;
use crate::funds::{release, reserve, token_transfer};
use crate::rules::require_outside_suite;
use crate::state::{CLAIMS, CONFIG, STAKES, SUITE, TOTAL_STAKE};

/// Adds `amount` (received through the suite token's `send`) to `staker`'s power.
pub fn stake(
    deps: DepsMut,
    env: Env,
    staker: Addr,
    amount: Uint128,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let suite = SUITE.load(deps.storage)?;
    require_outside_suite(&suite, &env.contract.address, &staker, "stake")?;
    let height = env.block.height;
    let staked = STAKES.update(
        deps.storage,
        &staker,
        height,
        |s| -> Result<_, ContractError> { Ok(s.unwrap_or_default().checked_add(amount)?) },
    )?;
    let total = TOTAL_STAKE.update(deps.storage, height, |t| -> Result<_, ContractError> {
        Ok(t.unwrap_or_default().checked_add(amount)?)
    })?;
    reserve(deps.storage, amount)?;
    Ok(Response::new()
        .add_attribute("action", "stake")
        .add_attribute("staker", staker)
        .add_attribute("amount", amount)
        .add_attribute("staked", staked)
        .add_attribute("total_staked", total))
}

/// Removes voting power at once; the tokens are claimable after `unstaking_period`.
pub fn unstake(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let height = env.block.height;
    let staked = STAKES
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let left = staked
        .checked_sub(amount)
        .map_err(|_| ContractError::InsufficientStake {
            requested: amount,
            staked,
        })?;
    if left.is_zero() {
        STAKES.remove(deps.storage, &info.sender, height)?;
    } else {
        STAKES.save(deps.storage, &info.sender, &left, height)?;
    }
    let total = TOTAL_STAKE.update(deps.storage, height, |t| -> Result<_, ContractError> {
        Ok(t.unwrap_or_default().checked_sub(amount)?)
    })?;
    let config = CONFIG.load(deps.storage)?;
    let release_at = env.block.time.plus_seconds(config.unstaking_period);
    CLAIMS.create_claim(
        deps.storage,
        &info.sender,
        amount,
        Expiration::AtTime(release_at),
    )?;
    Ok(Response::new()
        .add_attribute("action", "unstake")
        .add_attribute("staker", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("staked", left)
        .add_attribute("total_staked", total)
        .add_attribute("release_at", release_at.nanos().to_string()))
}

/// Pays every matured claim of the sender with one cw20 transfer.
pub fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let amount = CLAIMS.claim_tokens(deps.storage, &info.sender, &env.block, None)?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {
            address: info.sender.into_string(),
        });
    }
    release(deps.storage, amount)?;
    let suite = SUITE.load(deps.storage)?;
    Ok(Response::new()
        .add_message(token_transfer(&suite.token, &info.sender, amount)?)
        .add_attribute("action", "claim")
        .add_attribute("staker", info.sender)
        .add_attribute("amount", amount))
}
