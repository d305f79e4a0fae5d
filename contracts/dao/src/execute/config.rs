//! Config validation and `update_config` (the DAO itself only).

use cosmwasm_std::{Api, Decimal, DepsMut, Env, MessageInfo, Response};
use depin_interface::dao::{DaoConfig, DaoConfigUpdate};

use crate::error::ContractError;
use crate::state::CONFIG;

/// A fraction in (0, 1].
fn positive_fraction(field: &'static str, value: Decimal) -> Result<(), ContractError> {
    if value.is_zero() || value > Decimal::one() {
        return Err(ContractError::FractionOutOfRange { field, value });
    }
    Ok(())
}

/// Longest voting period, unstaking period or timelock: 10 years. Keeps
/// timestamp arithmetic (`plus_seconds`) far from overflow.
pub const MAX_DURATION: u64 = 10 * 365 * 86_400;

fn positive_duration(field: &'static str, value: u64) -> Result<(), ContractError> {
    if value == 0 {
        return Err(ContractError::ZeroDuration { field });
    }
    bounded_duration(field, value)
}

fn bounded_duration(field: &'static str, value: u64) -> Result<(), ContractError> {
    if value > MAX_DURATION {
        return Err(ContractError::DurationTooLong {
            field,
            value,
            max: MAX_DURATION,
        });
    }
    Ok(())
}

/// Checks every rule on a config: threshold, quorum and veto threshold in
/// (0, 1], voting and unstaking periods above zero (the timelock may be 0, but
/// not with a guardian, who vetoes only during the timelock), every
/// duration at most [`MAX_DURATION`],
/// the guardian a valid address.
pub fn validate_config(
    api: &dyn Api,
    config: DaoConfig<String>,
) -> Result<DaoConfig, ContractError> {
    let guardian = config.guardian.map(|g| api.addr_validate(&g)).transpose()?;
    let config = DaoConfig {
        voting_period: config.voting_period,
        threshold: config.threshold,
        quorum: config.quorum,
        veto_threshold: config.veto_threshold,
        proposal_deposit: config.proposal_deposit,
        unstaking_period: config.unstaking_period,
        timelock: config.timelock,
        guardian,
    };
    check_config(&config)?;
    Ok(config)
}

fn check_config(config: &DaoConfig) -> Result<(), ContractError> {
    positive_fraction("threshold", config.threshold)?;
    positive_fraction("quorum", config.quorum)?;
    positive_fraction("veto_threshold", config.veto_threshold)?;
    positive_duration("voting_period", config.voting_period)?;
    positive_duration("unstaking_period", config.unstaking_period)?;
    bounded_duration("timelock", config.timelock)?;
    // A guardian with no timelock would look like a safeguard and be none.
    if config.guardian.is_some() && config.timelock == 0 {
        return Err(ContractError::GuardianWithoutTimelock {});
    }
    Ok(())
}

/// Only the DAO itself (a proposal's message) may change the config. Changes
/// apply to proposals created afterwards: each proposal keeps the voting rules
/// and timelock it was created under.
pub fn update_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    update: DaoConfigUpdate,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {
            action: "update_config",
            allowed: "the DAO itself",
        });
    }
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(v) = update.voting_period {
        config.voting_period = v;
    }
    if let Some(v) = update.threshold {
        config.threshold = v;
    }
    if let Some(v) = update.quorum {
        config.quorum = v;
    }
    if let Some(v) = update.veto_threshold {
        config.veto_threshold = v;
    }
    if let Some(v) = update.proposal_deposit {
        config.proposal_deposit = v;
    }
    if let Some(v) = update.unstaking_period {
        config.unstaking_period = v;
    }
    if let Some(v) = update.timelock {
        config.timelock = v;
    }
    if let Some(g) = update.guardian {
        config.guardian = Some(deps.api.addr_validate(&g)?);
    }
    if update.remove_guardian == Some(true) {
        config.guardian = None;
    }
    check_config(&config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}
