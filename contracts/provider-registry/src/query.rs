//! Read-only handlers.

use cosmwasm_std::{Addr, Deps, Env, Order, StdResult, Timestamp, Uint128};
use cw_controllers::ClaimsResponse;
use cw_storage_plus::Bound;
use cw_utils::maybe_addr;
use depin_interface::pagination::page_limit;
use depin_interface::registry::{
    ConfigResponse, EpochUsageResponse, PendingRewardsResponse, ProviderResponse,
    ProvidersResponse, Service, StatsResponse, StatusFilter,
};

use crate::accounting::{
    accrue_or_forfeit, advance_global, current_epoch, effective_status, schedule,
};
use crate::state::{
    load_rewards, providers, Config, Global, Provider, CLAIMS, CONFIG, GLOBAL, REPUTATION,
    USAGE_TOTALS,
};

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    Ok(CONFIG.load(deps.storage)?.into())
}

/// The global state brought up to `now` (not saved); a failed advance
/// reads as forfeited, as in `save_provider`.
fn global_now(deps: Deps, config: &Config, now: Timestamp) -> StdResult<Global> {
    let mut global = GLOBAL.load(deps.storage)?;
    if advance_global(config, &mut global, now).is_err() {
        global.last_update = now;
    }
    Ok(global)
}

/// Exactly what the next settlement would move into `accrued` now (before
/// the token cap), and the open-dispute count. Reward arithmetic that fails
/// reads as its forfeiture, as `save_provider` would apply it, so the query itself
/// never fails on it.
fn pending(
    deps: Deps,
    config: &Config,
    global: &Global,
    now: Timestamp,
    addr: &Addr,
    provider: &Provider,
) -> StdResult<(Uint128, u32)> {
    let mut global = global.clone();
    let mut pr = load_rewards(deps.storage, addr)?.unwrap_or_default();
    accrue_or_forfeit(
        deps.storage,
        config,
        &mut global,
        &mut pr,
        provider.active_stake(),
        now,
    )?;
    Ok((pr.accrued, pr.open_disputes))
}

fn response(
    deps: Deps,
    config: &Config,
    global: &Global,
    now: Timestamp,
    address: Addr,
    p: Provider,
) -> StdResult<ProviderResponse> {
    let (pending_rewards, open_disputes) = pending(deps, config, global, now, &address, &p)?;
    let status = effective_status(&p, config.min_stake);
    let reputation = REPUTATION
        .may_load(deps.storage, &address)?
        .unwrap_or_default();
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
        pending_rewards,
        open_disputes,
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

pub fn pending_rewards(deps: Deps, env: Env, address: String) -> StdResult<PendingRewardsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let config = CONFIG.load(deps.storage)?;
    let pending_rewards = match providers().may_load(deps.storage, &addr)? {
        Some(p) => {
            let global = global_now(deps, &config, env.block.time)?;
            pending(deps, &config, &global, env.block.time, &addr, &p)?.0
        }
        None => Uint128::zero(),
    };
    Ok(PendingRewardsResponse {
        address: addr,
        pending_rewards,
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
    Ok(StatsResponse {
        providers: global.providers,
        active_providers: global.active_providers,
        total_stake: global.total_stake,
        total_unbonding: global.total_unbonding,
        rewards_minted: global.rewards_minted,
        current_epoch: current_epoch(&config, env.block.time),
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
