//! `instantiate`: the config and the reward accumulator at genesis.

use cosmwasm_std::{DepsMut, Env, Response, Uint128, Uint256};
use cw_utils::maybe_addr;
use depin_interface::registry::InstantiateMsg;
use depin_interface::validation::{
    unique_list, validate_addrs, validate_fraction, validate_positive_period,
};

use crate::error::ContractError;
use crate::execute::config::{
    validate_max_slash, validate_min_stake, validate_unbonding, validate_weights,
};
use crate::rewards::Schedule;
use crate::state::{Config, Global, CONFIG, GLOBAL, MAX_ORACLES};

pub fn instantiate(
    deps: DepsMut,
    env: Env,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let api = deps.api;
    validate_min_stake(msg.min_stake)?;
    validate_unbonding(msg.unbonding_period)?;
    validate_max_slash(msg.max_slash)?;
    let rewards = msg.rewards;
    validate_positive_period("epoch_seconds", rewards.epoch_seconds)?;
    validate_fraction("usage_share", rewards.usage_share)?;
    let max = Schedule {
        epoch_seconds: rewards.epoch_seconds,
        emission_per_epoch: rewards.emission_per_epoch,
        halving_epochs: rewards.halving_epochs,
        usage_share: rewards.usage_share,
    }
    .max_emission_per_epoch();
    if rewards.emission_per_epoch > max {
        return Err(ContractError::EmissionTooLarge {
            emission_per_epoch: rewards.emission_per_epoch,
            max,
        });
    }
    let oracles = unique_list("oracles", validate_addrs(api, msg.oracles)?, MAX_ORACLES)?;
    let config = Config {
        dao: api.addr_validate(&msg.dao)?,
        reward_token: maybe_addr(api, msg.reward_token)?,
        billing_escrow: maybe_addr(api, msg.billing_escrow)?,
        former_escrows: vec![],
        min_stake_raises: vec![],
        stake_denom: msg.stake_denom.into_checked(api)?,
        min_stake: msg.min_stake,
        unbonding_period: msg.unbonding_period,
        max_slash: msg.max_slash,
        oracles,
        epoch_seconds: rewards.epoch_seconds,
        emission_per_epoch: rewards.emission_per_epoch,
        halving_epochs: rewards.halving_epochs,
        usage_share: rewards.usage_share,
        usage_weights: validate_weights(api, rewards.usage_weights)?,
        genesis_time: env.block.time,
        proofs_from: Some(0),
    };
    CONFIG.save(deps.storage, &config)?;
    GLOBAL.save(
        deps.storage,
        &Global {
            reward_per_stake: Uint256::zero(),
            reward_carry: Uint256::zero(),
            last_update: env.block.time,
            total_active_stake: Uint128::zero(),
            total_stake: Uint128::zero(),
            total_unbonding: Uint128::zero(),
            providers: 0,
            active_providers: 0,
            rewards_minted: Uint128::zero(),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("dao", config.dao)
        .add_attribute("stake_denom", config.stake_denom.key())
        .add_attribute("genesis_time", config.genesis_time.seconds().to_string()))
}
