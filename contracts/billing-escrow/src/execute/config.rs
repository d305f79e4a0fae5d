//! `update_config` (the DAO only) and the config rules `instantiate` shares.

use cosmwasm_std::{Api, DepsMut, MessageInfo, Response};
use depin_interface::escrow::{
    EscrowConfigUpdate, MAX_ACCEPTED_DENOMS, MAX_ARBITERS, MAX_DISPUTE_WINDOW, MAX_FEE_BPS,
};
use depin_interface::validation::{update_list, validate_addrs};
use depin_interface::{Denom, UncheckedDenom, ValidationError};

use crate::error::ContractError;
use crate::state::CONFIG;

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: EscrowConfigUpdate,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.dao {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "update_config",
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
    if let Some(grace) = update.min_close_grace {
        validate_close_grace(grace)?;
        config.min_close_grace = grace;
    }
    update_list(
        "accepted_denoms",
        &mut config.accepted_denoms,
        checked_denoms(api, update.remove_denoms.unwrap_or_default())?,
        checked_denoms(api, update.add_denoms.unwrap_or_default())?,
        MAX_ACCEPTED_DENOMS,
    )?;
    update_list(
        "arbiters",
        &mut config.arbiters,
        validate_addrs(api, update.remove_arbiters.unwrap_or_default())?,
        validate_addrs(api, update.add_arbiters.unwrap_or_default())?,
        MAX_ARBITERS,
    )?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("dao", config.dao)
        .add_attribute("registry", config.registry)
        .add_attribute("treasury", config.treasury)
        .add_attribute("fee_bps", config.fee_bps.to_string())
        .add_attribute("dispute_window", config.dispute_window.to_string())
        .add_attribute("min_close_grace", config.min_close_grace.to_string()))
}

pub fn validate_fee(fee_bps: u16) -> Result<(), ContractError> {
    if fee_bps > MAX_FEE_BPS {
        return Err(ContractError::FeeTooHigh {
            fee_bps,
            max: MAX_FEE_BPS,
        });
    }
    Ok(())
}

pub fn validate_window(seconds: u64) -> Result<(), ContractError> {
    if seconds > MAX_DISPUTE_WINDOW {
        return Err(ContractError::DisputeWindowTooLong {
            seconds,
            max: MAX_DISPUTE_WINDOW,
        });
    }
    Ok(())
}

/// The provider must always have a grace after a consumer's close: above 0
/// (with a dispute window of 0 the close used to refund at once, before the
/// provider could redeem the receipts it held), at most a dispute window.
pub fn validate_close_grace(seconds: u64) -> Result<(), ContractError> {
    if seconds == 0 {
        return Err(ValidationError::MustBePositive {
            field: "min_close_grace",
        }
        .into());
    }
    if seconds > MAX_DISPUTE_WINDOW {
        return Err(ContractError::DisputeWindowTooLong {
            seconds,
            max: MAX_DISPUTE_WINDOW,
        });
    }
    Ok(())
}

pub fn checked_denoms(
    api: &dyn Api,
    denoms: Vec<UncheckedDenom>,
) -> Result<Vec<Denom>, ContractError> {
    Ok(denoms
        .into_iter()
        .map(|d| d.into_checked(api))
        .collect::<Result<_, _>>()?)
}
