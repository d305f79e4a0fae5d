//! Rewards: `record_usage` and `record_usage_batch` (the usage part's input)
//! and `claim_rewards` (one provider's, or a fleet's).

use std::collections::BTreeSet;

use cosmwasm_std::{
    wasm_execute, Addr, Api, Deps, DepsMut, Env, MessageInfo, Response, StdResult, Storage, SubMsg,
    Timestamp, Uint128,
};
use cw20::{Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use depin_interface::registry::{ProviderStatus, UsageRecord};
use depin_interface::validation::validate_len;
use depin_interface::{DenomAmount, UncheckedDenomAmount, ValidationError, MAX_BATCH_ITEMS};

use crate::accounting::{
    accrue_or_forfeit, accrue_rewards, advance_and_record, current_epoch, effective_status,
    load_provider, record_epoch_starts, EpochStarts,
};
use crate::error::ContractError;
use crate::rewards::weighted_fees;
use crate::state::{
    acts_for, load_rewards, Config, Global, Provider, CONFIG, GLOBAL, MAX_REVENUE_DENOMS,
    MAX_REVENUE_ENTRIES, PROVIDER_RECORDS, REPUTATION, REWARDS, USAGE_TOTALS,
};

/// Billing escrow only. Reputation (units, gross revenue per denom, leases
/// settled) always records. Usage rewards are weighed by the protocol `fees`
/// the network received, `Σ floor(fee × usage weight)` (reward-token units
/// per fee unit), not by the gross revenue: that weight counts toward the
/// usage part of the current epoch only while the provider is (effectively)
/// `active`, like stake rewards, and its reward for the epoch is capped at
/// that weight (see [`crate::rewards::usage_reward`]). Converting the
/// provider's previous usage epoch, if it has ended, is O(1).
pub fn record_usage(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    entry: UsageRecord,
) -> Result<Response, ContractError> {
    let mut book = UsageBook::open(deps.storage, &info.sender, "record_usage", env.block.time)?;
    let provider = deps.api.addr_validate(&entry.provider)?;
    let record = load_provider(deps.storage, &provider)?;
    let recorded = book.record(deps.storage, deps.api, (&provider, &record), entry)?;
    book.close(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "record_usage")
        .add_attribute("provider", provider)
        .add_attribute("units", recorded.units)
        .add_attribute("weighted_fees", recorded.weight)
        .add_attribute("epoch", book.epoch.to_string())
        .add_attributes(recorded.forfeited.map(|r| ("rewards_forfeited", r))))
}

/// Billing escrow only: [`record_usage`] for each entry (at most
/// `MAX_BATCH_ITEMS`), with the config, the accumulator and the epoch's
/// usage total read and written once. An entry whose provider is not
/// registered is skipped (attribute `skipped`), so one deregistered provider
/// never costs the others their usage.
pub fn record_usage_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    entries: Vec<UsageRecord>,
) -> Result<Response, ContractError> {
    validate_len("entries", entries.len(), MAX_BATCH_ITEMS)?;
    let mut book = UsageBook::open(
        deps.storage,
        &info.sender,
        "record_usage_batch",
        env.block.time,
    )?;
    let mut response = Response::new().add_attribute("action", "record_usage_batch");
    let (mut recorded, mut units) = (0u64, Uint128::zero());
    for entry in entries {
        let known = match deps.api.addr_validate(&entry.provider) {
            Ok(addr) => PROVIDER_RECORDS
                .may_load(deps.storage, &addr)?
                .map(|record| (addr, record)),
            Err(_) => None,
        };
        let Some((provider, record)) = known else {
            response = response.add_attribute("skipped", entry.provider);
            continue;
        };
        let done = book.record(deps.storage, deps.api, (&provider, &record), entry)?;
        recorded = recorded.saturating_add(1);
        units = units.checked_add(done.units)?;
        if let Some(reason) = done.forfeited {
            response = response.add_attribute("rewards_forfeited", format!("{provider}: {reason}"));
        }
    }
    book.close(deps.storage)?;
    Ok(response
        .add_attribute("recorded", recorded.to_string())
        .add_attribute("units", units)
        .add_attribute("epoch", book.epoch.to_string()))
}

/// One `record_usage` call's shared state: what is read once however many
/// providers it records, and the usage weight it adds to the current epoch.
struct UsageBook {
    config: Config,
    global: Option<Global>,
    fresh: EpochStarts,
    epoch: u64,
    now: Timestamp,
    added_weight: Uint128,
}

/// What one entry recorded.
struct Recorded {
    units: Uint128,
    /// The weight counted toward the epoch's usage rewards (0 if not counted).
    weight: Uint128,
    forfeited: Option<String>,
}

impl UsageBook {
    fn open(
        storage: &dyn Storage,
        sender: &Addr,
        action: &'static str,
        now: Timestamp,
    ) -> Result<Self, ContractError> {
        let config = CONFIG.load(storage)?;
        if config.billing_escrow.as_ref() != Some(sender) {
            return Err(ContractError::Unauthorized {
                sender: sender.to_string(),
                action,
            });
        }
        let epoch = current_epoch(&config, now);
        Ok(UsageBook {
            config,
            global: None,
            fresh: EpochStarts::new(),
            epoch,
            now,
            added_weight: Uint128::zero(),
        })
    }

    fn record(
        &mut self,
        storage: &mut dyn Storage,
        api: &dyn Api,
        (provider, record): (&Addr, &Provider),
        entry: UsageRecord,
    ) -> Result<Recorded, ContractError> {
        validate_len("revenue", entry.revenue.len(), MAX_REVENUE_ENTRIES)?;
        validate_len("fees", entry.fees.len(), MAX_REVENUE_ENTRIES)?;
        let checked = |list: Vec<UncheckedDenomAmount>| {
            list.into_iter()
                .map(|r| r.into_checked(api))
                .collect::<Result<Vec<DenomAmount>, _>>()
        };
        let revenue = checked(entry.revenue)?;
        let fees = checked(entry.fees)?;
        record_reputation(storage, provider, (entry.units, entry.payments), &revenue)?;
        let weight = weighted_fees(&fees, &self.config.usage_weights)?;
        let active = effective_status(record, self.config.min_stake) == ProviderStatus::Active;
        let mut recorded = Recorded {
            units: entry.units,
            weight: Uint128::zero(),
            forfeited: None,
        };
        if !active || weight.is_zero() {
            return Ok(recorded);
        }
        let global = match &mut self.global {
            Some(global) => global,
            none => none.insert(GLOBAL.load(storage)?),
        };
        let mut pr = load_rewards(storage, provider)?.unwrap_or_default();
        // Converts an ended usage epoch; afterwards any weight left is this epoch's.
        recorded.forfeited = accrue_or_forfeit(
            storage,
            &self.config,
            (global, &mut self.fresh),
            &mut pr,
            record.active_stake(),
            self.now,
        )?;
        pr.usage_epoch = self.epoch;
        pr.usage_weight = pr.usage_weight.checked_add(weight)?;
        REWARDS.save(storage, provider, &pr)?;
        self.added_weight = self.added_weight.checked_add(weight)?;
        recorded.weight = weight;
        Ok(recorded)
    }

    /// Writes what was read once: the accumulator, the epoch starts it
    /// crossed and the epoch's usage total.
    fn close(&self, storage: &mut dyn Storage) -> Result<(), ContractError> {
        let Some(global) = &self.global else {
            return Ok(());
        };
        record_epoch_starts(storage, &self.fresh)?;
        USAGE_TOTALS.update(storage, self.epoch, |t| -> StdResult<_> {
            Ok(t.unwrap_or_default().checked_add(self.added_weight)?)
        })?;
        GLOBAL.save(storage, global)?;
        Ok(())
    }
}

/// Reputation records every settlement: units, lease payments, and the gross
/// revenue per denom (at most `MAX_REVENUE_DENOMS` denoms).
fn record_reputation(
    storage: &mut dyn Storage,
    provider: &Addr,
    (units, payments): (Uint128, u64),
    revenue: &[DenomAmount],
) -> Result<(), ContractError> {
    let mut rep = REPUTATION.may_load(storage, provider)?.unwrap_or_default();
    rep.usage_units = rep.usage_units.checked_add(units)?;
    rep.leases_settled = rep.leases_settled.saturating_add(payments);
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

/// Mints everything each claimant has earned, up to the token cap: it
/// queries the token's supply and cap once and mints `min(pending, room)`
/// to each in turn; the part of a claim above the room is forfeited
/// (attribute `forfeited`), and claimants after the room is used up keep
/// what they earned. When the cap is already reached nothing changes and
/// the claim fails, so tokens burnt later can still make room. Without
/// `providers` the sender claims its own (and fails with `NoRewards` when
/// it has none); with them, each listed provider must be the sender or have
/// named it its operator, and one with nothing to claim is skipped.
pub fn claim_rewards(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    providers: Option<Vec<String>>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let token = config
        .reward_token
        .clone()
        .ok_or(ContractError::NoRewardToken {})?;
    let claimants = claimants(deps.as_ref(), &info.sender, providers)?;
    let mut global = GLOBAL.load(deps.storage)?;
    advance_and_record(deps.storage, &config, &mut global, env.block.time)?;
    let mut earned = vec![];
    for addr in claimants {
        let record = load_provider(deps.storage, &addr)?;
        let mut pr = load_rewards(deps.storage, &addr)?.unwrap_or_default();
        accrue_rewards(
            deps.storage,
            &config,
            &global,
            &mut pr,
            record.active_stake(),
            env.block.time,
        )?;
        if !pr.accrued.is_zero() {
            earned.push((addr, pr));
        }
    }
    if earned.is_empty() {
        return Err(ContractError::NoRewards {});
    }
    let mut room = mint_room(deps.as_ref(), &token)?;
    let mut response = Response::new().add_attribute("action", "claim_rewards");
    for (addr, mut pr) in earned {
        if room == Some(Uint128::zero()) {
            break;
        }
        let pending = pr.accrued;
        let mint = room.map_or(pending, |r| pending.min(r));
        room = room.map(|r| r.saturating_sub(mint));
        let forfeited = pending.checked_sub(mint)?;
        pr.accrued = Uint128::zero();
        global.rewards_minted = global.rewards_minted.checked_add(mint)?;
        REWARDS.save(deps.storage, &addr, &pr)?;
        let mint_msg = wasm_execute(
            &token,
            &Cw20ExecuteMsg::Mint {
                recipient: addr.to_string(),
                amount: mint,
            },
            vec![],
        )?;
        response = response
            .add_submessage(SubMsg::new(mint_msg))
            .add_attribute("provider", addr)
            .add_attribute("amount", mint)
            .add_attribute("forfeited", forfeited);
    }
    GLOBAL.save(deps.storage, &global)?;
    Ok(response)
}

/// Who a `claim_rewards` claims for: the sender, or the listed providers,
/// each the sender or a provider that named the sender its operator.
fn claimants(
    deps: Deps,
    sender: &Addr,
    providers: Option<Vec<String>>,
) -> Result<Vec<Addr>, ContractError> {
    let Some(list) = providers else {
        return Ok(vec![sender.clone()]);
    };
    if list.is_empty() {
        return Err(ValidationError::Empty { field: "providers" }.into());
    }
    validate_len("providers", list.len(), MAX_BATCH_ITEMS)?;
    let mut seen = BTreeSet::new();
    let mut claimants = Vec::with_capacity(list.len());
    for provider in list {
        let addr = deps.api.addr_validate(&provider)?;
        if !acts_for(deps.storage, sender, &addr)? {
            return Err(ContractError::NotOperator {
                sender: sender.to_string(),
                provider,
            });
        }
        if seen.insert(addr.clone()) {
            claimants.push(addr);
        }
    }
    Ok(claimants)
}

/// What the token may still mint (`None`: no cap); fails when the cap is reached.
fn mint_room(deps: Deps, token: &Addr) -> Result<Option<Uint128>, ContractError> {
    let minter: Option<MinterResponse> = deps
        .querier
        .query_wasm_smart(token, &Cw20QueryMsg::Minter {})?;
    let Some(cap) = minter.and_then(|m| m.cap) else {
        return Ok(None);
    };
    let info: TokenInfoResponse = deps
        .querier
        .query_wasm_smart(token, &Cw20QueryMsg::TokenInfo {})?;
    let room = cap.saturating_sub(info.total_supply);
    if room.is_zero() {
        return Err(ContractError::RewardCapReached { cap });
    }
    Ok(Some(room))
}
