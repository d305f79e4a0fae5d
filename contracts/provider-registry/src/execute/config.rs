//! `update_config` and the config rules `instantiate` shares.

use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use depin_interface::registry::{RegistryConfigUpdate, UsageWeight};
use depin_interface::validation::{
    update_list, validate_addrs, validate_fraction, validate_len, validate_positive_period,
};
use depin_interface::{UncheckedDenom, ValidationError};

use crate::accounting::advance_and_record;
use crate::error::ContractError;
use crate::state::{
    Config, MinStakeRaise, CONFIG, GLOBAL, MAX_FORMER_ESCROWS, MAX_MIN_STAKE_RAISES, MAX_ORACLES,
    MAX_USAGE_WEIGHTS,
};

/// Claims must mature some time after `unbond`: with 0 a provider could
/// withdraw before any dispute or slash can reach its stake.
pub fn validate_unbonding(period: u64) -> Result<(), ContractError> {
    Ok(validate_positive_period("unbonding_period", period)?)
}

pub fn validate_min_stake(min_stake: Uint128) -> Result<(), ContractError> {
    if min_stake.is_zero() {
        return Err(ValidationError::MustBePositive { field: "min_stake" }.into());
    }
    Ok(())
}

pub fn validate_max_slash(max_slash: Decimal) -> Result<(), ContractError> {
    Ok(validate_fraction("max_slash", max_slash)?)
}

/// At most [`MAX_USAGE_WEIGHTS`] weights, valid denoms, each denom once.
pub fn validate_weights(
    api: &dyn Api,
    weights: Vec<UsageWeight<UncheckedDenom>>,
) -> Result<Vec<UsageWeight>, ContractError> {
    validate_len("usage_weights", weights.len(), MAX_USAGE_WEIGHTS)?;
    let mut checked: Vec<UsageWeight> = Vec::with_capacity(weights.len());
    for w in weights {
        let denom = w.denom.into_checked(api)?;
        if checked.iter().any(|c| c.denom == denom) {
            return Err(ContractError::DuplicateDenom {
                field: "usage_weights",
                denom: denom.key(),
            });
        }
        checked.push(UsageWeight {
            denom,
            weight: w.weight,
        });
    }
    Ok(checked)
}

/// The DAO only. A new `min_stake` is stored on each provider at its next
/// stake or status change or `refresh` (re-evaluating every provider would
/// loop over them); queries report the effective status at once, and a raise
/// stops the stake rewards of the providers it excludes at once (the
/// accumulator is recorded with the raise, `Config::min_stake_raises`).
pub fn update_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    update: RegistryConfigUpdate,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.dao {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "update_config",
        });
    }
    let api = deps.api;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(dao) = update.dao {
        config.dao = api.addr_validate(&dao)?;
        response = response.add_attribute("dao", config.dao.as_str());
    }
    if let Some(token) = update.reward_token {
        config.reward_token = Some(api.addr_validate(&token)?);
        response = response.add_attribute("reward_token", token);
    }
    if let Some(escrow) = update.billing_escrow {
        let escrow = api.addr_validate(&escrow)?;
        replace_escrow(&mut config, escrow.clone())?;
        response = response.add_attribute("billing_escrow", escrow);
    }
    if let Some(min_stake) = update.min_stake {
        validate_min_stake(min_stake)?;
        if min_stake > config.min_stake {
            record_raise(deps.storage, &env, &mut config, min_stake)?;
        }
        config.min_stake = min_stake;
        response = response.add_attribute("min_stake", min_stake);
    }
    if let Some(period) = update.unbonding_period {
        validate_unbonding(period)?;
        config.unbonding_period = period;
        response = response.add_attribute("unbonding_period", period.to_string());
    }
    if let Some(max_slash) = update.max_slash {
        validate_max_slash(max_slash)?;
        config.max_slash = max_slash;
        response = response.add_attribute("max_slash", max_slash.to_string());
    }
    update_list(
        "oracles",
        &mut config.oracles,
        validate_addrs(api, update.remove_oracles.unwrap_or_default())?,
        validate_addrs(api, update.add_oracles.unwrap_or_default())?,
        MAX_ORACLES,
    )?;
    if let Some(weights) = update.usage_weights {
        config.usage_weights = validate_weights(api, weights)?;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response.add_attribute("oracles", config.oracles.len().to_string()))
}

/// Makes `escrow` the billing escrow; the escrow replaced joins
/// `former_escrows` (at most `MAX_FORMER_ESCROWS`) and keeps resolving the
/// disputes it opened here.
fn replace_escrow(config: &mut Config, escrow: Addr) -> Result<(), ContractError> {
    if let Some(old) = config.billing_escrow.replace(escrow.clone()) {
        if !config.former_escrows.contains(&old) {
            config.former_escrows.push(old);
        }
    }
    config.former_escrows.retain(|a| *a != escrow);
    if config.former_escrows.len() > MAX_FORMER_ESCROWS {
        return Err(ValidationError::TooManyEntries {
            field: "former_escrows",
            len: config.former_escrows.len(),
            max: MAX_FORMER_ESCROWS,
        }
        .into());
    }
    Ok(())
}

/// A `min_stake` raise: providers it excludes stop earning now, refreshed or
/// not, so the accumulator at the raise is recorded (the last
/// `MAX_MIN_STAKE_RAISES` raises are kept).
fn record_raise(
    storage: &mut dyn Storage,
    env: &Env,
    config: &mut Config,
    min_stake: Uint128,
) -> Result<(), ContractError> {
    let mut global = GLOBAL.load(storage)?;
    advance_and_record(storage, config, &mut global, env.block.time)?;
    GLOBAL.save(storage, &global)?;
    config.min_stake_raises.push(MinStakeRaise {
        min_stake,
        reward_per_stake: global.reward_per_stake,
    });
    if config.min_stake_raises.len() > MAX_MIN_STAKE_RAISES {
        config.min_stake_raises.remove(0);
    }
    Ok(())
}
