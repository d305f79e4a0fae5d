//! Execute handlers, one file per domain, and the one path every change of a
//! provider's stake or status takes ([`commit`]).

pub mod config;
pub mod provider;
pub mod rewards;
pub mod slashing;
pub mod stake;

use cosmwasm_std::{Addr, MessageInfo, StdResult, Storage, Timestamp, Uint128};
use depin_interface::registry::ProviderStatus;
use depin_interface::Denom;

use crate::error::ContractError;
use crate::rewards::{stake_reward, usage_reward, Schedule};
use crate::state::{
    providers, same_index_keys, Config, Global, Provider, ProviderRewards, GLOBAL,
    PROVIDER_RECORDS, REWARDS, USAGE_TOTALS,
};

pub fn schedule(cfg: &Config) -> Schedule {
    Schedule {
        epoch_seconds: cfg.epoch_seconds,
        emission_per_epoch: cfg.emission_per_epoch,
        halving_epochs: cfg.halving_epochs,
        usage_share: cfg.usage_share,
    }
}

/// Seconds from genesis to `t`.
pub fn since_genesis(cfg: &Config, t: Timestamp) -> u64 {
    t.seconds().saturating_sub(cfg.genesis_time.seconds())
}

pub fn current_epoch(cfg: &Config, now: Timestamp) -> u64 {
    schedule(cfg).epoch_at(since_genesis(cfg, now))
}

/// Brings the stake-reward accumulator up to `now`.
pub fn advance_global(cfg: &Config, global: &mut Global, now: Timestamp) -> StdResult<()> {
    if now > global.last_update {
        global.reward_per_stake = schedule(cfg).advance(
            global.reward_per_stake,
            since_genesis(cfg, global.last_update),
            since_genesis(cfg, now),
            global.total_active_stake,
        )?;
        global.last_update = now;
    }
    Ok(())
}

/// Moves everything a provider has earned up to `now` into `accrued`: stake
/// rewards of `active_stake` since its last settlement, and the usage part of
/// its open usage epoch once that epoch has ended. `global` must be advanced.
pub fn settle(
    storage: &dyn Storage,
    cfg: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<()> {
    let earned = stake_reward(active_stake, global.reward_per_stake, pr.index)?;
    pr.accrued = pr.accrued.checked_add(earned)?;
    pr.index = global.reward_per_stake;
    let epoch = pr.usage_epoch;
    if !pr.usage_weight.is_zero() && epoch < current_epoch(cfg, now) {
        let total = USAGE_TOTALS.may_load(storage, epoch)?.unwrap_or_default();
        let pool = schedule(cfg).usage_pool(epoch);
        pr.accrued = pr
            .accrued
            .checked_add(usage_reward(pool, pr.usage_weight, total)?)?;
        pr.usage_weight = Uint128::zero();
    }
    Ok(())
}

/// `active` iff stake ≥ `min_stake`, unless jailed or exiting (those change
/// only through `slash`, `unjail`, `deregister` and `register`).
pub fn refresh_status(provider: &mut Provider, min_stake: Uint128) {
    match provider.status {
        ProviderStatus::Jailed { .. } | ProviderStatus::Exiting => {}
        _ => {
            provider.status = if provider.stake >= min_stake {
                ProviderStatus::Active
            } else {
                ProviderStatus::Inactive
            }
        }
    }
}

pub fn load_provider(storage: &dyn Storage, addr: &Addr) -> Result<Provider, ContractError> {
    providers()
        .may_load(storage, addr)?
        .ok_or_else(|| ContractError::ProviderNotFound {
            address: addr.to_string(),
        })
}

/// Saves a provider change: settles its rewards under its old status and
/// stake, refreshes its status, then updates the registry totals (active
/// stake, stake, unbonding, counts) by the difference. O(1).
pub fn commit(
    storage: &mut dyn Storage,
    cfg: &Config,
    now: Timestamp,
    addr: &Addr,
    old: Option<&Provider>,
    mut new: Provider,
) -> Result<Provider, ContractError> {
    let mut global = GLOBAL.load(storage)?;
    advance_global(cfg, &mut global, now)?;
    let mut pr = REWARDS.may_load(storage, addr)?.unwrap_or_default();
    let before = old.map(Provider::active_stake).unwrap_or_default();
    settle(storage, cfg, &global, &mut pr, before, now)?;

    refresh_status(&mut new, cfg.min_stake);
    let after = new.active_stake();
    let zero = Uint128::zero();
    global.total_active_stake = global
        .total_active_stake
        .checked_sub(before)?
        .checked_add(after)?;
    global.total_stake = global
        .total_stake
        .checked_sub(old.map_or(zero, |p| p.stake))?
        .checked_add(new.stake)?;
    global.total_unbonding = global
        .total_unbonding
        .checked_sub(old.map_or(zero, |p| p.unbonding))?
        .checked_add(new.unbonding)?;
    let was_active = old.is_some_and(|p| p.status == ProviderStatus::Active);
    let is_active = new.status == ProviderStatus::Active;
    if was_active && !is_active {
        global.active_providers = global.active_providers.saturating_sub(1);
    } else if is_active && !was_active {
        global.active_providers = global.active_providers.saturating_add(1);
    }
    if old.is_none() {
        global.providers = global.providers.saturating_add(1);
    }

    GLOBAL.save(storage, &global)?;
    REWARDS.save(storage, addr, &pr)?;
    match old {
        Some(old) if same_index_keys(old, &new) => PROVIDER_RECORDS.save(storage, addr, &new)?,
        _ => providers().replace(storage, addr, Some(&new), old)?,
    }
    Ok(new)
}

/// The stake paid with a native-funds message.
pub fn native_stake(cfg: &Config, info: &MessageInfo) -> Result<Uint128, ContractError> {
    match &cfg.stake_denom {
        Denom::Native(denom) => Ok(cw_utils::must_pay(info, denom)?),
        Denom::Cw20(token) => Err(ContractError::WrongStakeMethod {
            expected: token.to_string(),
            how: "with a cw20 send to the registry",
        }),
    }
}
