//! Read-only handlers.

use cosmwasm_std::{Addr, Deps, Env, Order, StdResult, Timestamp, Uint128, Uint256};
use cw_controllers::ClaimsResponse;
use cw_storage_plus::Bound;
use cw_utils::maybe_addr;
use depin_interface::pagination::page_limit;
use depin_interface::registry::{
    ConfigResponse, EpochUsageResponse, PendingRewardsResponse, ProviderResponse,
    ProvidersResponse, Reputation, Service, StatsResponse, StatusFilter,
};

use crate::accounting::{
    accrue_or_forfeit, advance_global, current_epoch, effective_status, schedule, EpochStarts,
};
use crate::rewards::split_scaled;
use crate::state::{
    load_rewards, providers, Config, Global, Provider, ProviderRewards, CLAIMS, CONFIG,
    EPOCH_PROOFS, FLEETS, GLOBAL, OPERATORS, REPUTATION, USAGE_TOTALS,
};

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    Ok(CONFIG.load(deps.storage)?.into())
}

/// The global state brought up to `now` (not saved) with the epoch starts
/// the advance crossed; a failed advance reads as forfeited, as in `save_provider`.
fn global_now(deps: Deps, config: &Config, now: Timestamp) -> StdResult<(Global, EpochStarts)> {
    let mut global = GLOBAL.load(deps.storage)?;
    match advance_global(config, &mut global, now) {
        Ok(starts) => Ok((global, starts)),
        Err(_) => {
            global.last_update = now;
            Ok((global, EpochStarts::new()))
        }
    }
}

/// A provider's reward record as the next settlement would leave it now:
/// `accrued` is what `claim_rewards` would mint (before the token cap),
/// `held` what waits for proofs. Reward arithmetic that fails reads as its
/// forfeiture, as `save_provider` would apply it, so the query itself never
/// fails on it.
fn settled(
    deps: Deps,
    config: &Config,
    (global, fresh): &(Global, EpochStarts),
    now: Timestamp,
    addr: &Addr,
    provider: &Provider,
) -> StdResult<ProviderRewards> {
    let (mut global, mut fresh) = (global.clone(), fresh.clone());
    let mut pr = load_rewards(deps.storage, addr)?.unwrap_or_default();
    accrue_or_forfeit(
        deps.storage,
        config,
        (&mut global, &mut fresh),
        &mut pr,
        provider.active_stake(),
        now,
    )?;
    Ok(pr)
}

/// Whole tokens of the stake rewards held for proofs (their fractions are
/// paid together, so the sum may round up by one against the parts).
fn unproven(pr: &ProviderRewards) -> StdResult<Uint128> {
    let held = pr
        .held
        .iter()
        .try_fold(Uint256::zero(), |sum, h| sum.checked_add(h.amount))?;
    Ok(split_scaled(held)?.0)
}

fn response(
    deps: Deps,
    config: &Config,
    global: &(Global, EpochStarts),
    now: Timestamp,
    address: Addr,
    p: Provider,
) -> StdResult<ProviderResponse> {
    let pr = settled(deps, config, global, now, &address, &p)?;
    let status = effective_status(&p, config.min_stake);
    let mut reputation: Reputation = REPUTATION
        .may_load(deps.storage, &address)?
        .unwrap_or_default()
        .into();
    // Proofs live in the reward record, which every proof settles.
    reputation.proven_epochs = pr.proven_epochs;
    reputation.missed_epochs = pr.missed_epochs;
    reputation.last_proven_epoch = pr.last_proven_epoch;
    Ok(ProviderResponse {
        service: p.service,
        endpoint: p.endpoint,
        region: p.region,
        capacity: p.capacity,
        prices: p.prices,
        metadata_uri: p.metadata_uri,
        status,
        stake: p.stake,
        unbonding: p.unbonding,
        registered_at: p.registered_at,
        reputation,
        agent_pubkey: p.agent_pubkey,
        operator: OPERATORS.may_load(deps.storage, &address)?,
        pending_rewards: pr.accrued,
        unproven_rewards: unproven(&pr)?,
        open_disputes: pr.open_disputes,
        address,
    })
}

pub fn provider(deps: Deps, env: Env, address: String) -> StdResult<ProviderResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let config = CONFIG.load(deps.storage)?;
    let p = providers().load(deps.storage, &addr)?;
    let global = global_now(deps, &config, env.block.time)?;
    response(deps, &config, &global, env.block.time, addr, p)
}

type Page<'a> = Box<dyn Iterator<Item = StdResult<(Addr, Provider)>> + 'a>;

/// Each filter combination reads one index prefix, in provider-address order.
pub fn providers_page(
    deps: Deps,
    env: Env,
    service: Option<Service>,
    region: Option<String>,
    status: Option<StatusFilter>,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<ProvidersResponse> {
    let config = CONFIG.load(deps.storage)?;
    let start = maybe_addr(deps.api, start_after)?;
    let min = start.as_ref().map(Bound::exclusive);
    let map = providers();
    let idx = &map.idx;
    let store = deps.storage;
    let asc = Order::Ascending;
    let s = service.map(|s| s.key());
    let t = status.map(|t| t.key().to_string());
    let iter: Page = match (s, region, t) {
        (None, None, None) => Box::new(map.range(store, min, None, asc)),
        (Some(s), None, None) => Box::new(idx.service.prefix(s).range(store, min, None, asc)),
        (None, Some(r), None) => Box::new(idx.region.prefix(r).range(store, min, None, asc)),
        (None, None, Some(t)) => Box::new(idx.status.prefix(t).range(store, min, None, asc)),
        (Some(s), Some(r), None) => Box::new(
            idx.service_region
                .prefix((s, r))
                .range(store, min, None, asc),
        ),
        (Some(s), None, Some(t)) => Box::new(
            idx.service_status
                .prefix((s, t))
                .range(store, min, None, asc),
        ),
        (None, Some(r), Some(t)) => Box::new(
            idx.region_status
                .prefix((r, t))
                .range(store, min, None, asc),
        ),
        (Some(s), Some(r), Some(t)) => {
            Box::new(idx.all.prefix((s, r, t)).range(store, min, None, asc))
        }
    };
    let global = global_now(deps, &config, env.block.time)?;
    let providers = iter
        .take(page_limit(limit))
        .map(|item| {
            let (addr, p) = item?;
            response(deps, &config, &global, env.block.time, addr, p)
        })
        .collect::<StdResult<_>>()?;
    Ok(ProvidersResponse { providers })
}

/// The providers that named `operator`, in address order (the fleet index).
pub fn providers_by_operator(
    deps: Deps,
    env: Env,
    operator: String,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<ProvidersResponse> {
    let operator = deps.api.addr_validate(&operator)?;
    let config = CONFIG.load(deps.storage)?;
    let start = maybe_addr(deps.api, start_after)?;
    let global = global_now(deps, &config, env.block.time)?;
    let providers = FLEETS
        .prefix(&operator)
        .keys(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|addr| {
            let addr = addr?;
            let p = providers().load(deps.storage, &addr)?;
            response(deps, &config, &global, env.block.time, addr, p)
        })
        .collect::<StdResult<_>>()?;
    Ok(ProvidersResponse { providers })
}

pub fn pending_rewards(deps: Deps, env: Env, address: String) -> StdResult<PendingRewardsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let config = CONFIG.load(deps.storage)?;
    let (pending_rewards, unproven_rewards) = match providers().may_load(deps.storage, &addr)? {
        Some(p) => {
            let global = global_now(deps, &config, env.block.time)?;
            let pr = settled(deps, &config, &global, env.block.time, &addr, &p)?;
            (pr.accrued, unproven(&pr)?)
        }
        None => (Uint128::zero(), Uint128::zero()),
    };
    Ok(PendingRewardsResponse {
        address: addr,
        pending_rewards,
        unproven_rewards,
    })
}

pub fn claims(deps: Deps, address: String) -> StdResult<ClaimsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    Ok(ClaimsResponse {
        claims: CLAIMS.may_load(deps.storage, &addr)?.unwrap_or_default(),
    })
}

pub fn stats(deps: Deps, env: Env) -> StdResult<StatsResponse> {
    let config = CONFIG.load(deps.storage)?;
    let global = GLOBAL.load(deps.storage)?;
    let epoch = current_epoch(&config, env.block.time);
    let proven = |epoch: u64| -> StdResult<u64> {
        Ok(EPOCH_PROOFS
            .may_load(deps.storage, epoch)?
            .unwrap_or_default())
    };
    Ok(StatsResponse {
        providers: global.providers,
        active_providers: global.active_providers,
        total_stake: global.total_stake,
        total_unbonding: global.total_unbonding,
        rewards_minted: global.rewards_minted,
        current_epoch: epoch,
        proven_current_epoch: proven(epoch)?,
        proven_previous_epoch: match epoch.checked_sub(1) {
            Some(previous) => proven(previous)?,
            None => 0,
        },
    })
}

pub fn epoch_usage(deps: Deps, epoch: u64) -> StdResult<EpochUsageResponse> {
    let config = CONFIG.load(deps.storage)?;
    Ok(EpochUsageResponse {
        epoch,
        usage_pool: schedule(&config).usage_pool(epoch),
        weighted_fees: USAGE_TOTALS
            .may_load(deps.storage, epoch)?
            .unwrap_or_default(),
    })
}
