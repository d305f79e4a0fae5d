//! Instantiation and the DAO's config changes.

use cosmwasm_std::{Addr, Api, DepsMut, MessageInfo, Response};
use depin_interface::escrow::{
    EscrowConfigUpdate, InstantiateMsg, MAX_ACCEPTED_DENOMS, MAX_ARBITERS, MAX_DISPUTE_WINDOW,
    MAX_FEE_BPS,
};
use depin_interface::{Denom, UncheckedDenom};

use crate::error::ContractError;
use crate::state::{Config, CONFIG, LEASE_COUNT};

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    validate_fee(msg.fee_bps)?;
    validate_window(msg.dispute_window)?;
    let dao = deps.api.addr_validate(&msg.dao)?;
    let treasury = match msg.treasury {
        Some(treasury) => deps.api.addr_validate(&treasury)?,
        None => dao.clone(),
    };
    let mut config = Config {
        registry: deps.api.addr_validate(&msg.registry)?,
        dao,
        treasury,
        fee_bps: msg.fee_bps,
        dispute_window: msg.dispute_window,
        accepted_denoms: vec![],
        arbiters: vec![],
    };
    add_denoms(deps.api, &mut config.accepted_denoms, msg.accepted_denoms)?;
    add_addrs(
        deps.api,
        &mut config.arbiters,
        msg.arbiters.unwrap_or_default(),
    )?;
    check_list_sizes(&config)?;
    CONFIG.save(deps.storage, &config)?;
    LEASE_COUNT.save(deps.storage, &0)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("dao", config.dao)
        .add_attribute("registry", config.registry)
        .add_attribute("treasury", config.treasury)
        .add_attribute("fee_bps", config.fee_bps.to_string())
        .add_attribute("dispute_window", config.dispute_window.to_string()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: EscrowConfigUpdate,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.dao {
        return Err(ContractError::NotDao {
            action: "update the config",
        });
    }
    let api = deps.api;
    if let Some(dao) = update.dao {
        config.dao = api.addr_validate(&dao)?;
    }
    if let Some(registry) = update.registry {
        config.registry = api.addr_validate(&registry)?;
    }
    if let Some(treasury) = update.treasury {
        config.treasury = api.addr_validate(&treasury)?;
    }
    if let Some(fee_bps) = update.fee_bps {
        validate_fee(fee_bps)?;
        config.fee_bps = fee_bps;
    }
    if let Some(window) = update.dispute_window {
        validate_window(window)?;
        config.dispute_window = window;
    }
    add_denoms(
        api,
        &mut config.accepted_denoms,
        update.add_denoms.unwrap_or_default(),
    )?;
    for denom in update.remove_denoms.unwrap_or_default() {
        let denom = denom.into_checked(api)?;
        config.accepted_denoms.retain(|d| *d != denom);
    }
    add_addrs(
        api,
        &mut config.arbiters,
        update.add_arbiters.unwrap_or_default(),
    )?;
    for arbiter in update.remove_arbiters.unwrap_or_default() {
        let arbiter = api.addr_validate(&arbiter)?;
        config.arbiters.retain(|a| *a != arbiter);
    }
    check_list_sizes(&config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("dao", config.dao)
        .add_attribute("registry", config.registry)
        .add_attribute("treasury", config.treasury)
        .add_attribute("fee_bps", config.fee_bps.to_string())
        .add_attribute("dispute_window", config.dispute_window.to_string()))
}

/// The config is loaded by every call: its lists stay bounded.
fn check_list_sizes(config: &Config) -> Result<(), ContractError> {
    for (field, len, max) in [
        (
            "accepted_denoms",
            config.accepted_denoms.len(),
            MAX_ACCEPTED_DENOMS,
        ),
        ("arbiters", config.arbiters.len(), MAX_ARBITERS),
    ] {
        if len > max {
            return Err(ContractError::TooManyEntries { field, len, max });
        }
    }
    Ok(())
}

fn validate_fee(fee_bps: u16) -> Result<(), ContractError> {
    if fee_bps > MAX_FEE_BPS {
        return Err(ContractError::FeeTooHigh {
            fee_bps,
            max: MAX_FEE_BPS,
        });
    }
    Ok(())
}

fn validate_window(seconds: u64) -> Result<(), ContractError> {
    if seconds > MAX_DISPUTE_WINDOW {
        return Err(ContractError::DisputeWindowTooLong {
            seconds,
            max: MAX_DISPUTE_WINDOW,
        });
    }
    Ok(())
}

fn add_denoms(
    api: &dyn Api,
    list: &mut Vec<Denom>,
    add: Vec<UncheckedDenom>,
) -> Result<(), ContractError> {
    for denom in add {
        let denom = denom.into_checked(api)?;
        if !list.contains(&denom) {
            list.push(denom);
        }
    }
    Ok(())
}

fn add_addrs(api: &dyn Api, list: &mut Vec<Addr>, add: Vec<String>) -> Result<(), ContractError> {
    for addr in add {
        let addr = api.addr_validate(&addr)?;
        if !list.contains(&addr) {
            list.push(addr);
        }
    }
    Ok(())
}
