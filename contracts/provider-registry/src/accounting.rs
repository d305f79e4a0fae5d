//! Reward accounting and the one path every change of a provider's stake or
//! status takes ([`save_provider`]): the stake-reward accumulator brought up
//! to date, each provider's accrual (exact, or forfeited rather than failing),
//! the effective status and the registry totals. Pure arithmetic lives in
//! [`crate::rewards`].

use cosmwasm_std::{
    Addr, Attribute, Env, StdError, StdResult, Storage, Timestamp, Uint128, Uint256,
};
use cw_controllers::Claim;
use cw_utils::Expiration;
use depin_interface::registry::ProviderStatus;

use crate::error::ContractError;
use crate::rewards::{split_scaled, stake_earned, usage_reward, Accumulator, Schedule};
use crate::state::{
    load_rewards, providers, same_index_keys, Config, Global, HeldReward, Provider,
    ProviderRewards, CLAIMS, EPOCH_STARTS, GLOBAL, MAX_CLAIMS, PROVIDER_RECORDS, REWARDS,
    USAGE_TOTALS,
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

/// Accumulator values at the first second of epochs, as an advance crossed
/// them (epoch, `reward_per_stake`).
pub type EpochStarts = Vec<(u64, Uint256)>;

/// Brings the stake-reward accumulator up to `now`. Returns its value at the
/// start of each epoch a settlement may later split a provider's span at
/// that this advance crossed: the first epoch after the last update (where
/// a provider settled then stops), and the previous and current epoch (the
/// ones still in their proof window). At most three, whatever the time
/// skipped. An execute saves them ([`record_epoch_starts`]); a query passes
/// them to [`accrue_or_forfeit`].
pub fn advance_global(
    config: &Config,
    global: &mut Global,
    now: Timestamp,
) -> StdResult<EpochStarts> {
    let mut starts = EpochStarts::new();
    if now <= global.last_update {
        return Ok(starts);
    }
    let schedule = schedule(config);
    let before = Accumulator {
        per_stake: global.reward_per_stake,
        carry: global.reward_carry,
    };
    let (from, to) = (
        since_genesis(config, global.last_update),
        since_genesis(config, now),
    );
    let (first, current) = (
        schedule.epoch_at(from).saturating_add(1),
        schedule.epoch_at(to),
    );
    for epoch in [first, current.saturating_sub(1), current] {
        if epoch < first || epoch > current || starts.iter().any(|(e, _)| *e == epoch) {
            continue;
        }
        let start = epoch.saturating_mul(config.epoch_seconds);
        let acc = schedule.advance(before, from, start, global.total_active_stake)?;
        starts.push((epoch, acc.per_stake));
    }
    let acc = schedule.advance(before, from, to, global.total_active_stake)?;
    global.reward_per_stake = acc.per_stake;
    global.reward_carry = acc.carry;
    global.last_update = now;
    Ok(starts)
}

/// Saves the epoch starts an advance crossed.
pub fn record_epoch_starts(storage: &mut dyn Storage, starts: &EpochStarts) -> StdResult<()> {
    for (epoch, acc) in starts {
        EPOCH_STARTS.save(storage, *epoch, acc)?;
    }
    Ok(())
}

/// [`advance_global`] in an execute: the epoch starts it crossed are saved.
pub fn advance_and_record(
    storage: &mut dyn Storage,
    config: &Config,
    global: &mut Global,
    now: Timestamp,
) -> StdResult<()> {
    let starts = advance_global(config, global, now)?;
    record_epoch_starts(storage, &starts)
}

/// The accumulator at the first second of `epoch`: crossed by the advance
/// in hand (`fresh`) or saved by an earlier one.
fn epoch_start(storage: &dyn Storage, fresh: &[(u64, Uint256)], epoch: u64) -> StdResult<Uint256> {
    if epoch == 0 {
        return Ok(Uint256::zero());
    }
    if let Some((_, acc)) = fresh.iter().find(|(e, _)| *e == epoch) {
        return Ok(*acc);
    }
    EPOCH_STARTS.may_load(storage, epoch)?.ok_or_else(|| {
        StdError::generic_err(format!(
            "no accumulator recorded at the start of epoch {epoch}"
        ))
    })
}

/// The weighted-fee total of the provider's usage epoch when that epoch has
/// ended with weight to convert; `None` otherwise.
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

/// Adds `amount` to the part of `epoch` in `parts`.
fn add_part(parts: &mut Vec<HeldReward>, epoch: u64, amount: Uint256) -> StdResult<()> {
    match parts.iter_mut().find(|p| p.epoch == epoch) {
        Some(part) => part.amount = part.amount.checked_add(amount)?,
        None => parts.push(HeldReward { epoch, amount }),
    }
    Ok(())
}

/// The stake rewards of `active_stake` since the last settlement, split by
/// epoch, with the parts still held: the settled epoch `e0`, then (when the
/// current epoch `c` is later) the previous and the current epoch. The
/// epochs strictly between `e0` and `c − 1` are returned as a count: every
/// proof settles its provider first, so a provider untouched through them
/// was proven in none, and their whole part is forfeited.
fn stake_parts(
    storage: &dyn Storage,
    fresh: &[(u64, Uint256)],
    end: Uint256,
    pr: &ProviderRewards,
    active_stake: Uint128,
    (e0, c): (u64, u64),
) -> StdResult<(Vec<HeldReward>, u64)> {
    let mut parts = pr.held.clone();
    if active_stake.is_zero() {
        return Ok((parts, 0));
    }
    let at =
        |epoch: u64| -> StdResult<Uint256> { Ok(epoch_start(storage, fresh, epoch)?.min(end)) };
    let earned = |from: Uint256, to: Uint256| stake_earned(active_stake, from, to);
    if c <= e0 {
        add_part(&mut parts, e0, earned(pr.index, end)?)?;
        return Ok((parts, 0));
    }
    let after_e0 = at(e0.saturating_add(1))?;
    add_part(&mut parts, e0, earned(pr.index, after_e0)?)?;
    let current_start = at(c)?;
    if c - 1 > e0 {
        add_part(&mut parts, c - 1, earned(at(c - 1)?, current_start)?)?;
    }
    add_part(&mut parts, c, earned(current_start, end)?)?;
    Ok((parts, (c - 1).saturating_sub(e0.saturating_add(1))))
}

/// The arithmetic of [`accrue_rewards`], given [`ended_usage_total`]. Each
/// epoch's stake part is credited if the epoch is proven (or before
/// `proofs_from`), held while its proof window (the epoch and the next) is
/// open, and forfeited after, counted as a missed epoch. Changes `pr` only
/// when everything succeeds.
fn accrue_rewards_with(
    storage: &dyn Storage,
    fresh: &[(u64, Uint256)],
    config: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    (c, usage_total): (u64, Option<Uint128>),
) -> StdResult<()> {
    let e0 = pr
        .settled_epoch
        .unwrap_or(config.proofs_from().saturating_sub(1))
        .min(c);
    let end = stake_reward_end(config, global, pr, active_stake);
    let (parts, mut missed) = stake_parts(storage, fresh, end, pr, active_stake, (e0, c))?;
    let mut credit = Uint256::from(pr.fraction);
    let mut held = Vec::with_capacity(2);
    for part in parts {
        if part.epoch < config.proofs_from() || pr.proven.contains(&part.epoch) {
            credit = credit.checked_add(part.amount)?;
        } else if part.epoch.saturating_add(1) >= c {
            held.push(part);
        } else {
            missed = missed.saturating_add(1);
        }
    }
    let (earned, fraction) = split_scaled(credit)?;
    let mut accrued = pr.accrued.checked_add(earned)?;
    if let Some(total) = usage_total {
        let pool = schedule(config).usage_pool(pr.usage_epoch);
        accrued = accrued.checked_add(usage_reward(pool, pr.usage_weight, total)?)?;
        pr.usage_weight = Uint128::zero();
    }
    pr.accrued = accrued;
    pr.index = global.reward_per_stake;
    pr.fraction = fraction;
    pr.settled_epoch = Some(c);
    pr.held = held;
    pr.missed_epochs = pr.missed_epochs.saturating_add(missed);
    Ok(())
}

/// Moves everything a provider has earned up to `now` into `accrued`: stake
/// rewards of `active_stake` since its last settlement for the epochs it is
/// proven in (the fraction below one token carried in `fraction`; epochs
/// still in their proof window held), and the usage part of its open usage
/// epoch once that epoch has ended. `global` must be advanced and the epoch
/// starts it crossed saved.
pub fn accrue_rewards(
    storage: &dyn Storage,
    config: &Config,
    global: &Global,
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<()> {
    let usage_total = ended_usage_total(storage, config, pr, now)?;
    let c = current_epoch(config, now);
    accrue_rewards_with(
        storage,
        &[],
        config,
        global,
        pr,
        active_stake,
        (c, usage_total),
    )
}

/// [`advance_global`] then [`accrue_rewards`], never failing on reward arithmetic:
/// if the accumulator cannot advance, the stake emission since the last
/// update is forfeited for everyone (the accumulator stays, its clock moves
/// to `now`); if this provider's settlement fails, what it had not yet
/// settled is forfeited (its index moves to the accumulator, its fraction,
/// held rewards and any ended usage epoch are dropped; `accrued` stays).
/// Either way the stake accounting that follows is unaffected. The epoch
/// starts the advance crossed are appended to `fresh` (the caller saves
/// them, or a query keeps them). Returns the error text of what was
/// forfeited, for a `rewards_forfeited` attribute. A storage error still fails.
pub fn accrue_or_forfeit(
    storage: &dyn Storage,
    config: &Config,
    (global, fresh): (&mut Global, &mut EpochStarts),
    pr: &mut ProviderRewards,
    active_stake: Uint128,
    now: Timestamp,
) -> StdResult<Option<String>> {
    let mut forfeited = None;
    match advance_global(config, global, now) {
        Ok(starts) => fresh.extend(starts),
        Err(e) => {
            global.last_update = now;
            forfeited = Some(format!("stake emission: {e}"));
        }
    }
    let usage_total = ended_usage_total(storage, config, pr, now)?;
    let c = current_epoch(config, now);
    if let Err(e) = accrue_rewards_with(
        storage,
        fresh,
        config,
        global,
        pr,
        active_stake,
        (c, usage_total),
    ) {
        pr.index = global.reward_per_stake;
        pr.fraction = Uint128::zero();
        pr.settled_epoch = Some(c);
        pr.held.clear();
        if usage_total.is_some() {
            pr.usage_weight = Uint128::zero();
        }
        forfeited = Some(format!("provider accrual: {e}"));
    }
    Ok(forfeited)
}

/// Whether `record_proof` counted a proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofOutcome {
    Proven,
    /// The provider was already proven for the epoch (or needs no proof for it).
    Duplicate,
}

/// Marks `addr` proven for `epoch` (the current or the previous one):
/// settles it first, so what it earned so far is filed under the right
/// epoch, then credits what was held for the epoch. `global` must be
/// advanced to `now` and the epoch starts it crossed saved. O(1).
pub fn record_proof(
    storage: &mut dyn Storage,
    config: &Config,
    global: &mut Global,
    (addr, provider): (&Addr, &Provider),
    epoch: u64,
    now: Timestamp,
) -> StdResult<(ProofOutcome, Option<String>)> {
    let mut pr = load_rewards(storage, addr)?.unwrap_or_default();
    if epoch < config.proofs_from() || pr.proven.contains(&epoch) {
        return Ok((ProofOutcome::Duplicate, None));
    }
    let mut fresh = EpochStarts::new();
    let forfeited = accrue_or_forfeit(
        storage,
        config,
        (global, &mut fresh),
        &mut pr,
        provider.active_stake(),
        now,
    )?;
    pr.proven.push(epoch);
    pr.proven.sort_unstable();
    if pr.proven.len() > 2 {
        pr.proven.remove(0);
    }
    if let Some(i) = pr.held.iter().position(|h| h.epoch == epoch) {
        let held = pr.held.remove(i);
        let (whole, fraction) = split_scaled(Uint256::from(pr.fraction).checked_add(held.amount)?)?;
        pr.accrued = pr.accrued.checked_add(whole)?;
        pr.fraction = fraction;
    }
    pr.proven_epochs = pr.proven_epochs.saturating_add(1);
    pr.last_proven_epoch = Some(pr.last_proven_epoch.map_or(epoch, |e| e.max(epoch)));
    REWARDS.save(storage, addr, &pr)?;
    Ok((ProofOutcome::Proven, forfeited))
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
    let mut fresh = EpochStarts::new();
    let rewards_forfeited = accrue_or_forfeit(
        storage,
        config,
        (&mut global, &mut fresh),
        &mut pr,
        before,
        env.block.time,
    )?;
    record_epoch_starts(storage, &fresh)?;

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

/// At `migrate`: a registry saved by a release without proofs of service
/// starts requiring them from the epoch after the current one (the epochs
/// up to now are credited as they always were). The accumulator is brought
/// up to now, so the first advance into that epoch records its start.
/// Returns `proofs_from`; a registry that has it already is unchanged.
pub fn start_proofs(storage: &mut dyn Storage, now: Timestamp) -> StdResult<u64> {
    let mut config = crate::state::CONFIG.load(storage)?;
    if let Some(from) = config.proofs_from {
        return Ok(from);
    }
    let mut global = GLOBAL.load(storage)?;
    advance_and_record(storage, &config, &mut global, now)?;
    GLOBAL.save(storage, &global)?;
    let from = current_epoch(&config, now).saturating_add(1);
    config.proofs_from = Some(from);
    crate::state::CONFIG.save(storage, &config)?;
    Ok(from)
}
