//! Instantiation and `update_config`.

use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Response, Uint128};
use cw_utils::nonpayable;
use depin_interface::registry::{InstantiateMsg, RegistryConfigUpdate, UsageWeight};
use depin_interface::validation::validate_fraction;
use depin_interface::UncheckedDenom;

use crate::error::ContractError;
use crate::rewards::Schedule;
use crate::state::{Config, Global, CONFIG, GLOBAL, MAX_ORACLES, MAX_PERIOD, MAX_USAGE_WEIGHTS};

fn validate_period(field: &'static str, value: u64) -> Result<(), ContractError> {
    if value > MAX_PERIOD {
        return Err(ContractError::OutOfRange {
            field,
            value,
            max: MAX_PERIOD,
        });
    }
    Ok(())
}

/// Claims must mature some time after `unbond`: with 0 a provider could
/// withdraw before any dispute or slash can reach its stake.
fn validate_unbonding(period: u64) -> Result<(), ContractError> {
    if period == 0 {
        return Err(ContractError::MustBePositive {
            field: "unbonding_period",
        });
    }
    validate_period("unbonding_period", period)
}

fn validate_min_stake(min_stake: Uint128) -> Result<(), ContractError> {
    if min_stake.is_zero() {
        return Err(ContractError::MustBePositive { field: "min_stake" });
    }
    Ok(())
}

fn validate_max_slash(max_slash: Decimal) -> Result<(), ContractError> {
    Ok(validate_fraction("max_slash", max_slash)?)
}

/// At most [`MAX_USAGE_WEIGHTS`] weights, valid denoms, each denom once.
fn validate_weights(
    api: &dyn Api,
    weights: Vec<UsageWeight<UncheckedDenom>>,
) -> Result<Vec<UsageWeight>, ContractError> {
    if weights.len() > MAX_USAGE_WEIGHTS {
        return Err(ContractError::TooManyEntries {
            field: "usage_weights",
            len: weights.len(),
            max: MAX_USAGE_WEIGHTS,
        });
    }
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

/// Adds validated oracles (duplicates ignored), at most [`MAX_ORACLES`] in all.
fn add_oracles(
    api: &dyn Api,
    oracles: &mut Vec<Addr>,
    add: Vec<String>,
) -> Result<(), ContractError> {
    for oracle in add {
        let addr = api.addr_validate(&oracle)?;
        if !oracles.contains(&addr) {
            oracles.push(addr);
        }
    }
    if oracles.len() > MAX_ORACLES {
        return Err(ContractError::TooManyEntries {
            field: "oracles",
            len: oracles.len(),
            max: MAX_ORACLES,
        });
    }
    Ok(())
}

fn optional_addr(api: &dyn Api, addr: Option<String>) -> Result<Option<Addr>, ContractError> {
    Ok(addr.map(|a| api.addr_validate(&a)).transpose()?)
}

pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let api = deps.api;
    validate_min_stake(msg.min_stake)?;
    validate_unbonding(msg.unbonding_period)?;
    validate_max_slash(msg.max_slash)?;
    let rewards = msg.rewards;
    if rewards.epoch_seconds == 0 {
        return Err(ContractError::MustBePositive {
            field: "epoch_seconds",
        });
    }
    validate_period("epoch_seconds", rewards.epoch_seconds)?;
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
    let mut oracles = vec![];
    add_oracles(api, &mut oracles, msg.oracles)?;
    let cfg = Config {
        dao: api.addr_validate(&msg.dao)?,
        reward_token: optional_addr(api, msg.reward_token)?,
        billing_escrow: optional_addr(api, msg.billing_escrow)?,
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
    };
    CONFIG.save(deps.storage, &cfg)?;
    GLOBAL.save(
        deps.storage,
        &Global {
            reward_per_stake: Default::default(),
            reward_carry: Default::default(),
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
        .add_attribute("dao", cfg.dao)
        .add_attribute("stake_denom", cfg.stake_denom.key())
        .add_attribute("genesis_time", cfg.genesis_time.seconds().to_string()))
}

/// The DAO only. A new `min_stake` applies to each provider at its next stake
/// or status change or `refresh` (re-evaluating every provider would loop
/// over them); queries report the effective status at once.
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: RegistryConfigUpdate,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut cfg = CONFIG.load(deps.storage)?;
    if info.sender != cfg.dao {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "update_config",
        });
    }
    let api = deps.api;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(dao) = update.dao {
        cfg.dao = api.addr_validate(&dao)?;
        response = response.add_attribute("dao", cfg.dao.as_str());
    }
    if let Some(token) = update.reward_token {
        cfg.reward_token = Some(api.addr_validate(&token)?);
        response = response.add_attribute("reward_token", token);
    }
    if let Some(escrow) = update.billing_escrow {
        cfg.billing_escrow = Some(api.addr_validate(&escrow)?);
        response = response.add_attribute("billing_escrow", escrow);
    }
    if let Some(min_stake) = update.min_stake {
        validate_min_stake(min_stake)?;
        cfg.min_stake = min_stake;
        response = response.add_attribute("min_stake", min_stake);
    }
    if let Some(period) = update.unbonding_period {
        validate_unbonding(period)?;
        cfg.unbonding_period = period;
        response = response.add_attribute("unbonding_period", period.to_string());
    }
    if let Some(max_slash) = update.max_slash {
        validate_max_slash(max_slash)?;
        cfg.max_slash = max_slash;
        response = response.add_attribute("max_slash", max_slash.to_string());
    }
    if let Some(remove) = update.remove_oracles {
        for oracle in remove {
            let addr = api.addr_validate(&oracle)?;
            cfg.oracles.retain(|o| *o != addr);
        }
    }
    if let Some(add) = update.add_oracles {
        add_oracles(api, &mut cfg.oracles, add)?;
    }
    if let Some(weights) = update.usage_weights {
        cfg.usage_weights = validate_weights(api, weights)?;
    }
    CONFIG.save(deps.storage, &cfg)?;
    Ok(response.add_attribute("oracles", cfg.oracles.len().to_string()))
}
