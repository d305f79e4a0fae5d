//! Registration and listing: `register`, `update_provider`, `deregister`,
//! `attest`.

use cosmwasm_std::{Addr, Api, Binary, DepsMut, Env, MessageInfo, Response, Uint128};
use depin_interface::liveness::is_agent_key;
use depin_interface::registry::{
    Capacity, Price, ProviderStatus, RegisterMsg, Service, UpdateProviderMsg,
};
use depin_interface::validation::{validate_len, validate_text, MAX_LABEL_LEN, MAX_URI_LEN};
use depin_interface::UncheckedDenom;

use crate::accounting::{add_claim, load_provider, save_provider};
use crate::error::ContractError;
use crate::state::{providers, Provider, StoredReputation, CONFIG, MAX_PRICES, REPUTATION};

pub fn validate_service(service: &Service) -> Result<(), ContractError> {
    if let Service::Other(name) = service {
        validate_text("service", name, MAX_LABEL_LEN)?;
    }
    Ok(())
}

pub fn validate_capacity(capacity: &Capacity) -> Result<(), ContractError> {
    validate_text("capacity.unit", &capacity.unit, MAX_LABEL_LEN)?;
    Ok(())
}

/// At most [`MAX_PRICES`] prices, valid denoms, each denom once.
pub fn validate_prices(
    api: &dyn Api,
    prices: Vec<Price<UncheckedDenom>>,
) -> Result<Vec<Price>, ContractError> {
    validate_len("prices", prices.len(), MAX_PRICES)?;
    let mut checked: Vec<Price> = Vec::with_capacity(prices.len());
    for price in prices {
        let denom = price.denom.into_checked(api)?;
        if checked.iter().any(|p| p.denom == denom) {
            return Err(ContractError::DuplicateDenom {
                field: "prices",
                denom: denom.key(),
            });
        }
        checked.push(Price {
            denom,
            per_unit: price.per_unit,
        });
    }
    Ok(checked)
}

/// A compressed secp256k1 public key (33 bytes, 0x02 or 0x03 first).
fn validate_agent_key(key: Option<Binary>) -> Result<Option<Binary>, ContractError> {
    match key {
        Some(key) if !is_agent_key(&key) => Err(ContractError::InvalidAgentKey { len: key.len() }),
        key => Ok(key),
    }
}

fn validate_metadata(uri: Option<&String>) -> Result<(), ContractError> {
    if let Some(uri) = uri {
        validate_text("metadata_uri", uri, MAX_URI_LEN)?;
    }
    Ok(())
}

/// Registers `provider_addr` with `stake` already received. An `exiting`
/// provider (whose stake is all unbonding) may register again: it keeps its
/// reputation, claims and unclaimed rewards.
pub fn register(
    deps: DepsMut,
    env: Env,
    provider_addr: Addr,
    stake: Uint128,
    msg: RegisterMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let old = providers().may_load(deps.storage, &provider_addr)?;
    if let Some(old) = &old {
        if old.status != ProviderStatus::Exiting {
            return Err(ContractError::AlreadyRegistered {
                address: provider_addr.to_string(),
            });
        }
    }
    validate_service(&msg.service)?;
    validate_text("endpoint", &msg.endpoint, MAX_URI_LEN)?;
    validate_text("region", &msg.region, MAX_LABEL_LEN)?;
    validate_capacity(&msg.capacity)?;
    validate_metadata(msg.metadata_uri.as_ref())?;
    let agent_pubkey = validate_agent_key(msg.agent_pubkey)?;
    let prices = validate_prices(deps.api, msg.prices)?;
    let bonded = old
        .as_ref()
        .map_or(Uint128::zero(), |p| p.stake)
        .checked_add(stake)?;
    if bonded < config.min_stake {
        return Err(ContractError::BelowMinStake {
            stake: bonded,
            min_stake: config.min_stake,
        });
    }
    let new = Provider {
        service: msg.service,
        endpoint: msg.endpoint,
        region: msg.region,
        capacity: msg.capacity,
        prices,
        metadata_uri: msg.metadata_uri,
        status: ProviderStatus::Inactive,
        stake: bonded,
        unbonding: old.as_ref().map_or(Uint128::zero(), |p| p.unbonding),
        registered_at: env.block.time,
        agent_pubkey: agent_pubkey.or_else(|| old.as_ref().and_then(|p| p.agent_pubkey.clone())),
    };
    let saved = save_provider(
        deps.storage,
        &config,
        &env,
        &provider_addr,
        old.as_ref(),
        new,
    )?;
    let forfeit = saved.attributes();
    let new = saved.provider;
    if !REPUTATION.has(deps.storage, &provider_addr) {
        REPUTATION.save(deps.storage, &provider_addr, &StoredReputation::default())?;
    }
    Ok(Response::new()
        .add_attribute("action", "register")
        .add_attribute("provider", provider_addr)
        .add_attribute("service", new.service.key())
        .add_attribute("region", new.region)
        .add_attribute("amount", stake)
        .add_attribute("stake", new.stake)
        .add_attributes(forfeit))
}

pub fn update_provider(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: UpdateProviderMsg,
) -> Result<Response, ContractError> {
    let UpdateProviderMsg {
        endpoint,
        region,
        capacity,
        prices,
        metadata_uri,
        agent_pubkey,
    } = msg;
    let config = CONFIG.load(deps.storage)?;
    let old = load_provider(deps.storage, &info.sender)?;
    let mut new = old.clone();
    if let Some(endpoint) = endpoint {
        validate_text("endpoint", &endpoint, MAX_URI_LEN)?;
        new.endpoint = endpoint;
    }
    if let Some(region) = region {
        validate_text("region", &region, MAX_LABEL_LEN)?;
        new.region = region;
    }
    if let Some(capacity) = capacity {
        validate_capacity(&capacity)?;
        new.capacity = capacity;
    }
    if let Some(prices) = prices {
        new.prices = validate_prices(deps.api, prices)?;
    }
    if metadata_uri.is_some() {
        validate_metadata(metadata_uri.as_ref())?;
        new.metadata_uri = metadata_uri;
    }
    let rotated = agent_pubkey.is_some();
    if rotated {
        new.agent_pubkey = validate_agent_key(agent_pubkey)?;
    }
    let saved = save_provider(deps.storage, &config, &env, &info.sender, Some(&old), new)?;
    Ok(Response::new()
        .add_attribute("action", "update_provider")
        .add_attribute("provider", info.sender)
        .add_attribute("agent_key_rotated", rotated.to_string())
        .add_attributes(saved.attributes()))
}

/// Anyone: applies the current `min_stake` to `provider` through [`save_provider`]
/// (rewards settled first under the old status): an `active` provider below
/// it becomes `inactive` and stops earning stake rewards, an `inactive` one
/// at or above it becomes `active`. Jailed and exiting providers keep their
/// status. O(1).
pub fn refresh(deps: DepsMut, env: Env, provider: String) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let provider_addr = deps.api.addr_validate(&provider)?;
    let old = load_provider(deps.storage, &provider_addr)?;
    let saved = save_provider(
        deps.storage,
        &config,
        &env,
        &provider_addr,
        Some(&old),
        old.clone(),
    )?;
    Ok(Response::new()
        .add_attribute("action", "refresh")
        .add_attribute("provider", provider_addr)
        .add_attribute("stake", saved.provider.stake)
        .add_attribute("min_stake", config.min_stake)
        .add_attribute("status", saved.provider.status.kind().key())
        .add_attributes(saved.attributes()))
}

/// Unbonds the whole stake into one claim and marks the provider `exiting`.
/// A jailed provider cannot deregister (it would escape its jail by
/// registering again); it may still `unbond`.
pub fn deregister(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let old = load_provider(deps.storage, &info.sender)?;
    match old.status {
        ProviderStatus::Jailed { until } => return Err(ContractError::Jailed { until }),
        ProviderStatus::Exiting => return Err(ContractError::ProviderExiting {}),
        _ => {}
    }
    let amount = old.stake;
    let release_at = env.block.time.plus_seconds(config.unbonding_period);
    if !amount.is_zero() {
        add_claim(deps.storage, &info.sender, amount, release_at)?;
    }
    let mut new = old.clone();
    new.stake = Uint128::zero();
    new.unbonding = new.unbonding.checked_add(amount)?;
    new.status = ProviderStatus::Exiting;
    let saved = save_provider(deps.storage, &config, &env, &info.sender, Some(&old), new)?;
    Ok(Response::new()
        .add_attribute("action", "deregister")
        .add_attribute("provider", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("release_at", release_at.nanos().to_string())
        .add_attributes(saved.attributes()))
}

pub fn attest(
    deps: DepsMut,
    info: MessageInfo,
    provider: String,
    score: Option<u8>,
    capacity: Option<Capacity>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if !config.oracles.contains(&info.sender) {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "attest",
        });
    }
    let provider_addr = deps.api.addr_validate(&provider)?;
    load_provider(deps.storage, &provider_addr)?;
    if score.is_none() && capacity.is_none() {
        return Err(ContractError::EmptyAttestation {});
    }
    let mut rep = REPUTATION
        .may_load(deps.storage, &provider_addr)?
        .unwrap_or_default();
    let mut response = Response::new()
        .add_attribute("action", "attest")
        .add_attribute("provider", provider_addr.as_str())
        .add_attribute("oracle", info.sender);
    if let Some(score) = score {
        if score > 100 {
            return Err(ContractError::ScoreOutOfRange { score });
        }
        rep.attested_score = Some(score);
        response = response.add_attribute("score", score.to_string());
    }
    if let Some(capacity) = capacity {
        validate_capacity(&capacity)?;
        response = response.add_attribute("capacity", capacity.amount);
        rep.attested_capacity = Some(capacity);
    }
    REPUTATION.save(deps.storage, &provider_addr, &rep)?;
    Ok(response)
}
