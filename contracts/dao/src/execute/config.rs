//! Config validation and `update_config` (the DAO itself only).

use cosmwasm_std::{Api, Decimal, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use depin_interface::dao::{DaoConfig, DaoConfigUpdate};
use depin_interface::validation::{validate_period, validate_positive_period};
use depin_interface::{escrow, registry};
use serde::Deserialize;

use crate::error::ContractError;
use crate::state::{CONFIG, SUITE, UNSTAKING_FLOOR};

/// A fraction in (0, 1].
fn positive_fraction(field: &'static str, value: Decimal) -> Result<(), ContractError> {
    if value.is_zero() || value > Decimal::one() {
        return Err(ContractError::FractionOutOfRange { field, value });
    }
    Ok(())
}

/// Checks every rule on a config: threshold in (0, 1), quorum and veto
/// threshold in (0, 1], voting and unstaking periods above zero (the timelock may be 0, but
/// not with a guardian, who vetoes only during the timelock), every
/// duration at most `MAX_PERIOD` (depin-interface),
/// the guardian a valid address.
pub fn validate_config(
    api: &dyn Api,
    config: DaoConfig<String>,
) -> Result<DaoConfig, ContractError> {
    let guardian = cw_utils::maybe_addr(api, config.guardian)?;
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
    // `yes > 1 × votes` never holds: nothing could pass, not even a fix.
    if config.threshold == Decimal::one() {
        return Err(ContractError::UnreachableThreshold {
            value: config.threshold,
        });
    }
    positive_fraction("quorum", config.quorum)?;
    positive_fraction("veto_threshold", config.veto_threshold)?;
    validate_positive_period("voting_period", config.voting_period)?;
    validate_positive_period("unstaking_period", config.unstaking_period)?;
    validate_period("timelock", config.timelock)?;
    // A guardian with no timelock would look like a safeguard and be none.
    if config.guardian.is_some() && config.timelock == 0 {
        return Err(ContractError::GuardianWithoutTimelock {});
    }
    Ok(())
}

/// A slash decided on a disputed charge must still find the provider's stake:
/// the dispute window, then a proposal's vote and timelock, all fit in the
/// registry's unbonding period (`unbonding_period ≥ dispute_window +
/// voting_period + timelock`; 0 is refused by the same rule).
pub fn check_unbonding(
    unbonding_period: u64,
    dispute_window: u64,
    config: &DaoConfig,
) -> Result<(), ContractError> {
    let required = dispute_window
        .checked_add(config.voting_period)
        .and_then(|s| s.checked_add(config.timelock))
        .unwrap_or(u64::MAX);
    if unbonding_period < required {
        return Err(ContractError::UnbondingTooShort {
            unbonding_period,
            dispute_window,
            voting_period: config.voting_period,
            timelock: config.timelock,
            required,
        });
    }
    Ok(())
}

/// Emission with no halving and no token cap never ends.
pub fn check_emission(
    emission_per_epoch: Uint128,
    halving_epochs: u64,
    cap: Option<Uint128>,
) -> Result<(), ContractError> {
    if halving_epochs == 0 && cap.is_none() && !emission_per_epoch.is_zero() {
        return Err(ContractError::UnboundedEmission { emission_per_epoch });
    }
    Ok(())
}

/// The one field of the registry's config this check reads (other fields are
/// ignored, so a registry upgrade that adds some does not break it).
#[derive(Deserialize)]
struct RegistryUnbonding {
    unbonding_period: u64,
}

/// The one field of the escrow's config this check reads.
#[derive(Deserialize)]
struct EscrowDisputeWindow {
    dispute_window: u64,
}

/// [`check_unbonding`] against the registry's and the escrow's live configs.
fn check_unbonding_live(deps: Deps, config: &DaoConfig) -> Result<(), ContractError> {
    let suite = SUITE.load(deps.storage)?;
    let registry: RegistryUnbonding = deps
        .querier
        .query_wasm_smart(&suite.registry, &registry::QueryMsg::Config {})?;
    let escrow: EscrowDisputeWindow = deps
        .querier
        .query_wasm_smart(&suite.escrow, &escrow::QueryMsg::Config {})?;
    check_unbonding(registry.unbonding_period, escrow.dispute_window, config)
}

/// Only the DAO itself (a proposal's message) may change the config. Changes
/// apply to proposals created afterwards: each proposal keeps the voting rules
/// and timelock it was created under; the unstaking period is read when an
/// upgrade's exit window is computed. Lowering the unstaking period raises the
/// unstaking floor to `now + old period`, so claims made under the longer
/// period mature before any upgrade executes. Raising the voting period or
/// the timelock is refused when the registry's unbonding period would no
/// longer cover dispute window + vote + timelock.
pub fn update_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    update: DaoConfigUpdate,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "update_config",
        });
    }
    let old = CONFIG.load(deps.storage)?;
    let mut config = old.clone();
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
    if config.voting_period > old.voting_period || config.timelock > old.timelock {
        check_unbonding_live(deps.as_ref(), &config)?;
    }
    let mut response = Response::new().add_attribute("action", "update_config");
    if config.unstaking_period < old.unstaking_period {
        let floor = env.block.time.plus_seconds(old.unstaking_period);
        let raises = match UNSTAKING_FLOOR.may_load(deps.storage)? {
            Some(current) => current < floor,
            None => true,
        };
        if raises {
            UNSTAKING_FLOOR.save(deps.storage, &floor)?;
            response = response.add_attribute("unstaking_floor", floor.nanos().to_string());
        }
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}
