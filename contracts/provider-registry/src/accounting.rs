//! Reward accounting and the one path every change of a provider's stake or
//! status takes ([`save_provider`]): the stake-reward accumulator brought up
//! to date, each provider's accrual (exact, or forfeited rather than failing),
//! the effective status and the registry totals. Pure arithmetic lives in
//! [`crate::rewards`].

use cosmwasm_std::{Addr, Attribute, Env, StdResult, Storage, Timestamp, Uint128, Uint256};
use cw_controllers::Claim;
use cw_utils::Expiration;
use depin_interface::registry::ProviderStatus;

use crate::error::ContractError;
use crate::rewards::{stake_reward, usage_reward, Accumulator, Schedule};
use crate::state::{
    load_rewards, providers, same_index_keys, Config, Global, Provider, ProviderRewards, CLAIMS,
    GLOBAL, MAX_CLAIMS, PROVIDER_RECORDS, REWARDS, USAGE_TOTALS,
};

pub fn schedule(config: &Config) -> Schedule {
    Schedule {
        epoch_seconds: config.epoch_seconds,
        emission_per_epoch: config.emission_per_epoch,
        halving_epochs: config.halving_epochs,
        usage_share: config.usage_share,
    }
}

/// Seconds from genesis to `t`.
pub fn since_genesis(config: &Config, t: Timestamp) -> u64 {
    t.seconds().saturating_sub(config.genesis_time.seconds())
}

pub fn current_epoch(config: &Config, now: Timestamp) -> u64 {
    schedule(config).epoch_at(since_genesis(config, now))
}

/// Brings the stake-reward accumulator up to `now`.
pub fn advance_global(config: &Config, global: &mut Global, now: Timestamp) -> StdResult<()> {
    if now > global.last_update {
        let acc = schedule(config).advance(
            Accumulator {
                per_stake: global.reward_per_stake,
                carry: global.reward_carry,
            },
            since_genesis(config, global.last_update),
            since_genesis(config, now),
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
    config: &Config,
    pr: &ProviderRewards,
    now: Timestamp,
) -> StdResult<Option<Uint128>> {
    if pr.usage_weight.is_zero() || pr.usage_epoch >= current_epoch(config, now) {
        return Ok(None);
    }
    Ok(Some(
        USAGE_TOTALS
            .may_load(storage, pr.usage_epoch)?
            .unwrap_or_default(),
    ))
}

/// Where a provider's stake rewards end: the accumulator now, unless it is
/// still stored `active` with a stake below today's `min_stake` (not yet
/// refreshed). Then they end at the first raise since its last settlement
/// that its stake falls short of: it stopped earning when the rule applied.
fn stake_reward_end(
    config: &Config,
    global: &Global,
    pr: &ProviderRewards,
    active_stake: Uint128,
) -> Uint256 {
    if active_stake.is_zero() || active_stake >= config.min_stake {
        return global.reward_per_stake;
    }
    config
        .min_stake_raises
        .iter()
        .find(|raise| raise.reward_per_stake >= pr.index && active_stake < raise.min_stake)
        .map_or(global.reward_per_stake, |raise| {
            raise.reward_per_stake.min(global.reward_per_stake)
        })
}

/// The arithmetic of [`accrue_rewards`], given [`ended_usage_total`]. Changes `pr`
/// only when everything succeeds.
fn accrue_rewards_with(
    config: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    usage_total: Option<Uint128>,
) -> StdResult<()> {
    let end = stake_reward_end(config, global, pr, active_stake);
    let (earned, fraction) = stake_reward(active_stake, end, pr.index, pr.fraction)?;
    let mut accrued = pr.accrued.checked_add(earned)?;
    if let Some(total) = usage_total {
        let pool = schedule(config).usage_pool(pr.usage_epoch);
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
pub fn accrue_rewards(
    storage: &dyn Storage,
    config: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<()> {
    let usage_total = ended_usage_total(storage, config, pr, now)?;
    accrue_rewards_with(config, global, pr, active_stake, usage_total)
}

/// [`advance_global`] then [`accrue_rewards`], never failing on reward arithmetic:
/// if the accumulator cannot advance, the stake emission since the last
/// update is forfeited for everyone (the accumulator stays, its clock moves
/// to `now`); if this provider's settlement fails, what it had not yet
/// settled is forfeited (its index moves to the accumulator, its fraction
/// and any ended usage epoch are dropped; `accrued` stays). Either way the
/// stake accounting that follows is unaffected. Returns the error text of
/// what was forfeited, for a `rewards_forfeited` attribute. A storage error
/// still fails.
pub fn accrue_or_forfeit(
    storage: &dyn Storage,
    config: &Config,
    global: &mut Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<Option<String>> {
    let mut forfeited = None;
    if let Err(e) = advance_global(config, global, now) {
        global.last_update = now;
        forfeited = Some(format!("stake emission: {e}"));
    }
    let usage_total = ended_usage_total(storage, config, pr, now)?;
    if let Err(e) = accrue_rewards_with(config, global, pr, active_stake, usage_total) {
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

/// What [`save_provider`] saved, and whether reward arithmetic failed on the way.
pub struct SavedProvider {
    pub provider: Provider,
    /// Set when an accrual was forfeited (see [`accrue_or_forfeit`]).
    pub rewards_forfeited: Option<String>,
}

impl SavedProvider {
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
pub fn save_provider(
    storage: &mut dyn Storage,
    config: &Config,
    env: &Env,
    addr: &Addr,
    old: Option<&Provider>,
    mut new: Provider,
) -> Result<SavedProvider, ContractError> {
    let mut global = GLOBAL.load(storage)?;
    let mut pr = load_rewards(storage, addr)?.unwrap_or_default();
    let before = old.map(Provider::active_stake).unwrap_or_default();
    let rewards_forfeited = accrue_or_forfeit(
        storage,
        config,
        &mut global,
        &mut pr,
        before,
        env.block.time,
    )?;

    refresh_status(&mut new, config.min_stake);
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
    Ok(SavedProvider {
        provider: new,
        rewards_forfeited,
    })
}

/// Appends a claim, refusing more than [`MAX_CLAIMS`] pending ones.
pub fn add_claim(
    storage: &mut dyn Storage,
    provider_addr: &Addr,
    amount: Uint128,
    release_at: Timestamp,
) -> Result<(), ContractError> {
    let mut claims = CLAIMS.may_load(storage, provider_addr)?.unwrap_or_default();
    if claims.len() >= MAX_CLAIMS {
        return Err(ContractError::TooManyClaims {
            pending: claims.len(),
            max: MAX_CLAIMS,
        });
    }
    claims.push(Claim {
        amount,
        release_at: Expiration::AtTime(release_at),
    });
    CLAIMS.save(storage, provider_addr, &claims)?;
    Ok(())
}
