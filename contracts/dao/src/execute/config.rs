//! Config validation and `update_config` (the DAO itself only).

use cosmwasm_std::{Api, Decimal, Deps, DepsMut, Env, MessageInfo, Response, Uint128, Uint256};
use depin_interface::dao::{DaoConfig, DaoConfigUpdate};
use depin_interface::validation::{validate_period, validate_positive_period};
use depin_interface::{escrow, registry, token};
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

/// Checks every rule on a config: threshold in (0, 2/3], quorum in (0, 2/3],
/// veto threshold in [1/3, 1], voting and unstaking periods above zero (the
/// timelock may be 0, but not with a guardian, who vetoes only during the
/// timelock), every duration at most [`MAX_GOVERNANCE_PERIOD`], the guardian
/// a valid address.
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

/// The longest voting period, timelock and unstaking period (the exit window of
/// an upgrade) a config may set: undoing a bad config then takes at most a
/// vote plus the longer of the two waits, never years.
pub const MAX_GOVERNANCE_PERIOD: u64 = 90 * 86_400;

/// `value` compared with `num / den`, exactly: `value × den` vs `num × 10^18`.
fn ratio_cmp(value: Decimal, num: u128, den: u128) -> std::cmp::Ordering {
    let lhs = Uint256::from(value.atomics()) * Uint256::from(den);
    let rhs = Uint256::from(Decimal::one().atomics()) * Uint256::from(num);
    lhs.cmp(&rhs)
}

/// Governance can always undo its own config: stakers holding more than two
/// thirds of the power pass any proposal however the others vote or abstain.
/// With a coalition of a share `f > 2/3` voting yes and everyone else voting
/// no with veto: turnout `≥ f ≥ quorum` needs `quorum ≤ 2/3`; `no_with_veto
/// = 1 − f < 1/3 ≤ veto_threshold` is no veto; `yes = f > 2/3 ≥ threshold`
/// passes. (Without these bounds a passed proposal could set quorum 1, where
/// one silent staker blocks everything, or a veto threshold of 10^-18, where
/// one token of veto does.)
fn check_liveness(config: &DaoConfig) -> Result<(), ContractError> {
    use std::cmp::Ordering::{Greater, Less};
    let locks = |field, value: Decimal, rule| {
        Err(ContractError::LocksGovernance {
            field,
            value: value.to_string(),
            rule,
        })
    };
    if ratio_cmp(config.quorum, 2, 3) == Greater {
        return locks("quorum", config.quorum, "at most 2/3");
    }
    if ratio_cmp(config.threshold, 2, 3) == Greater {
        return locks("threshold", config.threshold, "at most 2/3");
    }
    if ratio_cmp(config.veto_threshold, 1, 3) == Less {
        return locks("veto_threshold", config.veto_threshold, "at least 1/3");
    }
    for (field, period) in [
        ("voting_period", config.voting_period),
        ("timelock", config.timelock),
        ("unstaking_period", config.unstaking_period),
    ] {
        if period > MAX_GOVERNANCE_PERIOD {
            return Err(ContractError::LocksGovernance {
                field,
                value: format!("{period} s"),
                rule: "at most 90 days (7776000 s)",
            });
        }
    }
    Ok(())
}

/// A deposit nobody can pay ends proposing for good (`propose` needs exactly
/// the deposit, `propose_direct` none): it may not exceed the suite tokens in
/// existence when it is set.
pub fn check_deposit(deposit: Uint128, supply: Uint128) -> Result<(), ContractError> {
    if deposit > supply {
        return Err(ContractError::DepositAboveSupply { deposit, supply });
    }
    Ok(())
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
    check_liveness(config)?;
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
    if config.proposal_deposit > old.proposal_deposit {
        let token = SUITE.load(deps.storage)?.token;
        let info: cw20::TokenInfoResponse = deps
            .querier
            .query_wasm_smart(&token, &token::QueryMsg::TokenInfo {})?;
        check_deposit(config.proposal_deposit, info.total_supply)?;
    }
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
