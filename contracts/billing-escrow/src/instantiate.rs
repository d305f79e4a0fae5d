//! `instantiate`: the config, with the same list rule as `update_config`.

use cosmwasm_std::{DepsMut, Response};
use cw_utils::maybe_addr;
use depin_interface::escrow::{
    InstantiateMsg, DEFAULT_MIN_CLOSE_GRACE, MAX_ACCEPTED_DENOMS, MAX_ARBITERS,
};
use depin_interface::validation::{unique_list, validate_addrs};

use crate::error::ContractError;
use crate::execute::config::{checked_denoms, validate_close_grace, validate_fee, validate_window};
use crate::state::{Config, CONFIG, LEASE_COUNT};

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    validate_fee(msg.fee_bps)?;
    validate_window(msg.dispute_window)?;
    let min_close_grace = msg.min_close_grace.unwrap_or(DEFAULT_MIN_CLOSE_GRACE);
    validate_close_grace(min_close_grace)?;
    let dao = deps.api.addr_validate(&msg.dao)?;
    let treasury = maybe_addr(deps.api, msg.treasury)?.unwrap_or_else(|| dao.clone());
    let config = Config {
        registry: deps.api.addr_validate(&msg.registry)?,
        dao,
        treasury,
        fee_bps: msg.fee_bps,
        dispute_window: msg.dispute_window,
        min_close_grace,
        accepted_denoms: unique_list(
            "accepted_denoms",
            checked_denoms(deps.api, msg.accepted_denoms)?,
            MAX_ACCEPTED_DENOMS,
        )?,
        arbiters: unique_list(
            "arbiters",
            validate_addrs(deps.api, msg.arbiters.unwrap_or_default())?,
            MAX_ARBITERS,
        )?,
    };
    CONFIG.save(deps.storage, &config)?;
    LEASE_COUNT.save(deps.storage, &0)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("dao", config.dao)
        .add_attribute("registry", config.registry)
        .add_attribute("treasury", config.treasury)
        .add_attribute("fee_bps", config.fee_bps.to_string())
        .add_attribute("dispute_window", config.dispute_window.to_string())
        .add_attribute("min_close_grace", config.min_close_grace.to_string()))
}
