//! Execute handlers, one file per domain, and the one path every change of a
//! provider's stake or status takes ([`commit`]).

pub mod config;
pub mod provider;
pub mod rewards;
pub mod slashing;
pub mod stake;

use cosmwasm_std::{Addr, Attribute, MessageInfo, StdResult, Storage, Timestamp, Uint128};
use depin_interface::registry::ProviderStatus;
use depin_interface::Denom;

use crate::error::ContractError;
use crate::rewards::{stake_reward, usage_reward, Accumulator, Schedule};
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
        let acc = schedule(cfg).advance(
            Accumulator {
                per_stake: global.reward_per_stake,
                carry: global.reward_carry,
            },
            since_genesis(cfg, global.last_update),
            since_genesis(cfg, now),
            global.total_active_stake,
        )?;
        global.reward_per_stake = acc.per_stake;
        global.reward_carry = acc.carry;
        global.last_update = now;
    }
    Ok(())
}

/// The weighted-fee total of the provider's usage epoch when that epoch has
/// ended with weight to convert; `None` otherwise. The only storage read of
/// a settlement.
fn ended_usage_total(
    storage: &dyn Storage,
    cfg: &Config,
    pr: &ProviderRewards,
    now: Timestamp,
) -> StdResult<Option<Uint128>> {
    if pr.usage_weight.is_zero() || pr.usage_epoch >= current_epoch(cfg, now) {
        return Ok(None);
    }
    Ok(Some(
        USAGE_TOTALS
            .may_load(storage, pr.usage_epoch)?
            .unwrap_or_default(),
    ))
}

/// The arithmetic of [`settle`], given [`ended_usage_total`]. Changes `pr`
/// only when everything succeeds.
fn settle_with(
    cfg: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    usage_total: Option<Uint128>,
) -> StdResult<()> {
    let (earned, fraction) =
        stake_reward(active_stake, global.reward_per_stake, pr.index, pr.fraction)?;
    let mut accrued = pr.accrued.checked_add(earned)?;
    if let Some(total) = usage_total {
        let pool = schedule(cfg).usage_pool(pr.usage_epoch);
        accrued = accrued.checked_add(usage_reward(pool, pr.usage_weight, total)?)?;
    }
    pr.accrued = accrued;
    pr.index = global.reward_per_stake;
    pr.fraction = fraction;
    if usage_total.is_some() {
        pr.usage_weight = Uint128::zero();
    }
    Ok(())
}

/// Moves everything a provider has earned up to `now` into `accrued`: stake
/// rewards of `active_stake` since its last settlement (the fraction below
/// one token carried in `fraction`), and the usage part of its open usage
/// epoch once that epoch has ended. `global` must be advanced.
pub fn settle(
    storage: &dyn Storage,
    cfg: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<()> {
    let usage_total = ended_usage_total(storage, cfg, pr, now)?;
    settle_with(cfg, global, pr, active_stake, usage_total)
}

/// [`advance_global`] then [`settle`], never failing on reward arithmetic:
/// if the accumulator cannot advance, the stake emission since the last
/// update is forfeited for everyone (the accumulator stays, its clock moves
/// to `now`); if this provider's settlement fails, what it had not yet
/// settled is forfeited (its index moves to the accumulator, its fraction
/// and any ended usage epoch are dropped; `accrued` stays). Either way the
/// stake accounting that follows is unaffected. Returns the error text of
/// what was forfeited, for a `rewards_forfeited` attribute. A storage error
/// still fails.
pub fn accrue(
    storage: &dyn Storage,
    cfg: &Config,
    global: &mut Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<Option<String>> {
    let mut forfeited = None;
    if let Err(e) = advance_global(cfg, global, now) {
        global.last_update = now;
        forfeited = Some(format!("stake emission: {e}"));
    }
    let usage_total = ended_usage_total(storage, cfg, pr, now)?;
    if let Err(e) = settle_with(cfg, global, pr, active_stake, usage_total) {
        pr.index = global.reward_per_stake;
        pr.fraction = Uint128::zero();
        if usage_total.is_some() {
            pr.usage_weight = Uint128::zero();
        }
        forfeited = Some(format!("provider accrual: {e}"));
    }
    Ok(forfeited)
}

/// The status a reader sees: an `active` provider whose bonded stake is below
/// the current `min_stake` reads `inactive` (what `refresh` would store).
pub fn effective_status(provider: &Provider, min_stake: Uint128) -> ProviderStatus {
    match provider.status {
        ProviderStatus::Active if provider.stake < min_stake => ProviderStatus::Inactive,
        ref other => other.clone(),
    }
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

/// What [`commit`] saved, and whether reward arithmetic failed on the way.
pub struct Committed {
    pub provider: Provider,
    /// Set when an accrual was forfeited (see [`accrue`]).
    pub rewards_forfeited: Option<String>,
}

impl Committed {
    /// `rewards_forfeited` as a response attribute, when set.
    pub fn attributes(&self) -> Vec<Attribute> {
        self.rewards_forfeited
            .iter()
            .map(|reason| Attribute::new("rewards_forfeited", reason))
            .collect()
    }
}

/// Saves a provider change: settles its rewards under its old status and
/// stake (forfeiting them rather than failing if reward arithmetic breaks, so
/// stake can always move), refreshes its status against the current
/// `min_stake`, then updates the registry totals (active stake, stake,
/// unbonding, counts) by the difference. O(1).
pub fn commit(
    storage: &mut dyn Storage,
    cfg: &Config,
    now: Timestamp,
    addr: &Addr,
    old: Option<&Provider>,
    mut new: Provider,
) -> Result<Committed, ContractError> {
    let mut global = GLOBAL.load(storage)?;
    let mut pr = REWARDS.may_load(storage, addr)?.unwrap_or_default();
    let before = old.map(Provider::active_stake).unwrap_or_default();
    let rewards_forfeited = accrue(storage, cfg, &mut global, &mut pr, before, now)?;

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
    Ok(Committed {
        provider: new,
        rewards_forfeited,
    })
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
