//! Rewards: `record_usage` (the usage part's input) and `claim_rewards`.

use cosmwasm_std::{
    wasm_execute, Addr, DepsMut, Env, MessageInfo, Response, StdResult, Storage, SubMsg, Uint128,
};
use cw20::{Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use depin_interface::registry::ProviderStatus;
use depin_interface::validation::validate_len;
use depin_interface::{DenomAmount, UncheckedDenomAmount};

use crate::accounting::{
    accrue_or_forfeit, accrue_rewards, advance_and_record, current_epoch, effective_status,
    load_provider, record_epoch_starts, EpochStarts,
};
use crate::error::ContractError;
use crate::rewards::weighted_fees;
use crate::state::{
    load_rewards, CONFIG, GLOBAL, MAX_REVENUE_DENOMS, MAX_REVENUE_ENTRIES, REPUTATION, REWARDS,
    USAGE_TOTALS,
};

/// Billing escrow only. Reputation (units, gross revenue per denom, leases
/// settled) always records. Usage rewards are weighed by the protocol `fees`
/// the network received, `Σ floor(fee × usage weight)` (reward-token units
/// per fee unit), not by the gross revenue: that weight counts toward the
/// usage part of the current epoch only while the provider is (effectively)
/// `active`, like stake rewards, and its reward for the epoch is capped at
/// that weight (see [`crate::rewards::usage_reward`]). Converting the
/// provider's previous usage epoch, if it has ended, is O(1).
#[allow(clippy::too_many_arguments)]
pub fn record_usage(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    provider: String,
    units: Uint128,
    revenue: Vec<UncheckedDenomAmount>,
    fees: Vec<UncheckedDenomAmount>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if config.billing_escrow.as_ref() != Some(&info.sender) {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "record_usage",
        });
    }
    validate_len("revenue", revenue.len(), MAX_REVENUE_ENTRIES)?;
    validate_len("fees", fees.len(), MAX_REVENUE_ENTRIES)?;
    let provider_addr = deps.api.addr_validate(&provider)?;
    let record = load_provider(deps.storage, &provider_addr)?;
    let checked = |list: Vec<UncheckedDenomAmount>| {
        list.into_iter()
            .map(|r| r.into_checked(deps.api))
            .collect::<Result<Vec<DenomAmount>, _>>()
    };
    let revenue = checked(revenue)?;
    let fees = checked(fees)?;

    record_reputation(deps.storage, &provider_addr, units, &revenue)?;

    let weight = weighted_fees(&fees, &config.usage_weights)?;
    let active = effective_status(&record, config.min_stake) == ProviderStatus::Active;
    let counted = active && !weight.is_zero();
    let epoch = current_epoch(&config, env.block.time);
    let mut response = Response::new();
    if counted {
        let mut global = GLOBAL.load(deps.storage)?;
        let mut pr = load_rewards(deps.storage, &provider_addr)?.unwrap_or_default();
        // Converts an ended usage epoch; afterwards any weight left is this epoch's.
        let mut fresh = EpochStarts::new();
        let forfeited = accrue_or_forfeit(
            deps.storage,
            &config,
            (&mut global, &mut fresh),
            &mut pr,
            record.active_stake(),
            env.block.time,
        )?;
        record_epoch_starts(deps.storage, &fresh)?;
        if let Some(reason) = forfeited {
            response = response.add_attribute("rewards_forfeited", reason);
        }
        pr.usage_epoch = epoch;
        pr.usage_weight = pr.usage_weight.checked_add(weight)?;
        USAGE_TOTALS.update(deps.storage, epoch, |t| -> StdResult<_> {
            Ok(t.unwrap_or_default().checked_add(weight)?)
        })?;
        GLOBAL.save(deps.storage, &global)?;
        REWARDS.save(deps.storage, &provider_addr, &pr)?;
    }
    Ok(response
        .add_attribute("action", "record_usage")
        .add_attribute("provider", provider_addr)
        .add_attribute("units", units)
        .add_attribute(
            "weighted_fees",
            if counted { weight } else { Uint128::zero() },
        )
        .add_attribute("epoch", epoch.to_string()))
}

/// Reputation records every settlement: units, leases settled, and the gross
/// revenue per denom (at most `MAX_REVENUE_DENOMS` denoms).
fn record_reputation(
    storage: &mut dyn Storage,
    provider: &Addr,
    units: Uint128,
    revenue: &[DenomAmount],
) -> Result<(), ContractError> {
    let mut rep = REPUTATION.may_load(storage, provider)?.unwrap_or_default();
    rep.usage_units = rep.usage_units.checked_add(units)?;
    rep.leases_settled = rep.leases_settled.saturating_add(1);
    for entry in revenue {
        if let Some(known) = rep.revenue.iter_mut().find(|r| r.denom == entry.denom) {
            known.amount = known.amount.checked_add(entry.amount)?;
        } else if rep.revenue.len() < MAX_REVENUE_DENOMS {
            rep.revenue.push(entry.clone());
        } else {
            let len = rep.revenue.len().saturating_add(1);
            validate_len("reputation.revenue", len, MAX_REVENUE_DENOMS)?;
        }
    }
    REPUTATION.save(storage, provider, &rep)?;
    Ok(())
}

/// Mints everything the sender has earned, up to the token cap: it queries
/// the token's supply and cap and mints `min(pending, cap − supply)`; the
/// rest is forfeited (attribute `forfeited`). When the cap is already
/// reached nothing changes and the claim fails, so tokens burnt later can
/// still make room.
pub fn claim_rewards(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let token = config
        .reward_token
        .clone()
        .ok_or(ContractError::NoRewardToken {})?;
    let record = load_provider(deps.storage, &info.sender)?;
    let mut global = GLOBAL.load(deps.storage)?;
    advance_and_record(deps.storage, &config, &mut global, env.block.time)?;
    let mut pr = load_rewards(deps.storage, &info.sender)?.unwrap_or_default();
    accrue_rewards(
        deps.storage,
        &config,
        &global,
        &mut pr,
        record.active_stake(),
        env.block.time,
    )?;
    let pending = pr.accrued;
    if pending.is_zero() {
        return Err(ContractError::NoRewards {});
    }
    let info_res: TokenInfoResponse = deps
        .querier
        .query_wasm_smart(&token, &Cw20QueryMsg::TokenInfo {})?;
    let minter: Option<MinterResponse> = deps
        .querier
        .query_wasm_smart(&token, &Cw20QueryMsg::Minter {})?;
    let cap = minter.and_then(|m| m.cap);
    let mint = match cap {
        Some(cap) => {
            let room = cap.saturating_sub(info_res.total_supply);
            if room.is_zero() {
                return Err(ContractError::RewardCapReached { cap });
            }
            pending.min(room)
        }
        None => pending,
    };
    let forfeited = pending.checked_sub(mint)?;
    pr.accrued = Uint128::zero();
    global.rewards_minted = global.rewards_minted.checked_add(mint)?;
    GLOBAL.save(deps.storage, &global)?;
    REWARDS.save(deps.storage, &info.sender, &pr)?;
    let mint_msg = wasm_execute(
        &token,
        &Cw20ExecuteMsg::Mint {
            recipient: info.sender.to_string(),
            amount: mint,
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_submessage(SubMsg::new(mint_msg))
        .add_attribute("action", "claim_rewards")
        .add_attribute("provider", info.sender)
        .add_attribute("amount", mint)
        .add_attribute("forfeited", forfeited))
}
