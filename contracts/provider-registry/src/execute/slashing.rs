//! `slash`, `unjail`, and the open-dispute count that holds stake for a slash.

use cosmwasm_std::{
    Addr, Decimal, DepsMut, Env, MessageInfo, OverflowError, OverflowOperation, Response, Storage,
    Uint128,
};
use depin_interface::registry::ProviderStatus;
use depin_interface::validation::{
    validate_fraction, validate_period, validate_text, MAX_TEXT_LEN,
};

use crate::accounting::{load_provider, save_provider};
use crate::error::ContractError;
use crate::state::{load_rewards, CLAIMS, CONFIG, REPUTATION, REWARDS};

/// Cuts the provider's bonded stake and each pending claim by `fraction`,
/// each cut rounded down (`floor(amount × fraction)`), and sends exactly the
/// sum of the cuts to the DAO, so the registry stays solvent. Slashing a
/// provider with nothing left is allowed: it cuts 0, still counts in its
/// reputation and still jails. The loop runs over at most `MAX_CLAIMS` claims.
pub fn slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    provider: String,
    fraction: Decimal,
    reason: String,
    jail_seconds: Option<u64>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let by_escrow = if info.sender == config.dao {
        false
    } else if config.is_escrow(&info.sender) {
        true
    } else {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "slash",
        });
    };
    validate_fraction("fraction", fraction)?;
    if by_escrow && fraction > config.max_slash {
        return Err(ContractError::SlashTooLarge {
            fraction,
            max_slash: config.max_slash,
        });
    }
    validate_text("reason", &reason, MAX_TEXT_LEN)?;
    if let Some(seconds) = jail_seconds {
        validate_period("jail_seconds", seconds)?;
    }
    let provider_addr = deps.api.addr_validate(&provider)?;
    let old = load_provider(deps.storage, &provider_addr)?;
    // An escrow slashes only when voiding a disputed charge, before it releases
    // the dispute's hold: a provider with no open dispute cannot be slashed by one.
    if by_escrow && open_disputes(deps.storage, &provider_addr)? == 0 {
        return Err(ContractError::NoOpenDispute {
            provider: provider_addr.to_string(),
        });
    }
    let mut new = old.clone();

    let bonded_cut = old.stake.mul_floor(fraction);
    new.stake = new.stake.checked_sub(bonded_cut)?;
    let claims_cut = cut_claims(deps.storage, &provider_addr, fraction)?;
    new.unbonding = new.unbonding.checked_sub(claims_cut)?;

    if let Some(seconds) = jail_seconds {
        let mut until = env.block.time.plus_seconds(seconds);
        if let ProviderStatus::Jailed { until: current } = old.status {
            until = until.max(current);
        }
        new.status = ProviderStatus::Jailed { until };
    }
    let saved = save_provider(deps.storage, &config, &env, &provider_addr, Some(&old), new)?;
    let forfeit = saved.attributes();
    let new = saved.provider;

    count_slash(deps.storage, &provider_addr, by_escrow)?;

    let total = bonded_cut.checked_add(claims_cut)?;
    let mut response = Response::new();
    if !total.is_zero() {
        response = response.add_message(config.stake_denom.transfer_msg(&config.dao, total)?);
    }
    Ok(response
        .add_attribute("action", "slash")
        .add_attribute("provider", provider_addr)
        .add_attribute("by", if by_escrow { "billing_escrow" } else { "dao" })
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("bonded_slashed", bonded_cut)
        .add_attribute("unbonding_slashed", claims_cut)
        .add_attribute("amount", total)
        .add_attribute("stake", new.stake)
        .add_attribute("status", new.status.kind().key())
        .add_attribute("reason", reason)
        .add_attributes(forfeit))
}

/// Cuts each pending claim of `provider` by `floor(amount × fraction)`, drops
/// the claims cut to 0, and returns the sum of the cuts (at most `MAX_CLAIMS`
/// claims).
fn cut_claims(
    storage: &mut dyn Storage,
    provider: &Addr,
    fraction: Decimal,
) -> Result<Uint128, ContractError> {
    let Some(claims) = CLAIMS.may_load(storage, provider)? else {
        return Ok(Uint128::zero());
    };
    let mut claims_cut = Uint128::zero();
    let mut kept = Vec::with_capacity(claims.len());
    for mut claim in claims {
        let cut = claim.amount.mul_floor(fraction);
        claim.amount = claim.amount.checked_sub(cut)?;
        claims_cut = claims_cut.checked_add(cut)?;
        if !claim.amount.is_zero() {
            kept.push(claim);
        }
    }
    if kept.is_empty() {
        CLAIMS.remove(storage, provider);
    } else {
        CLAIMS.save(storage, provider, &kept)?;
    }
    Ok(claims_cut)
}

/// Records the slash in the provider's reputation; an escrow's slash is a lost dispute.
fn count_slash(
    storage: &mut dyn Storage,
    provider: &Addr,
    by_escrow: bool,
) -> Result<(), ContractError> {
    let mut rep = REPUTATION.may_load(storage, provider)?.unwrap_or_default();
    rep.slashes = rep.slashes.saturating_add(1);
    if by_escrow {
        rep.disputes_lost = rep.disputes_lost.saturating_add(1);
    }
    REPUTATION.save(storage, provider, &rep)?;
    Ok(())
}

pub fn unjail(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let old = load_provider(deps.storage, &info.sender)?;
    let ProviderStatus::Jailed { until } = old.status else {
        return Err(ContractError::NotJailed {});
    };
    if env.block.time < until {
        return Err(ContractError::Jailed { until });
    }
    if old.stake < config.min_stake {
        return Err(ContractError::BelowMinStake {
            stake: old.stake,
            min_stake: config.min_stake,
        });
    }
    let mut new = old.clone();
    new.status = ProviderStatus::Inactive;
    let saved = save_provider(deps.storage, &config, &env, &info.sender, Some(&old), new)?;
    Ok(Response::new()
        .add_attribute("action", "unjail")
        .add_attribute("provider", info.sender)
        .add_attribute("status", saved.provider.status.kind().key())
        .add_attributes(saved.attributes()))
}

/// The billing escrow, current or former: counts one more open dispute on `provider`'s charges
/// (`action` = `dispute_opened`) or one fewer (`dispute_resolved`). While the
/// count is above 0, `claim` refuses to pay the provider's stake out, so a
/// slash after a voided charge still reaches claims that matured during the
/// dispute. One read and one write of the provider's reward record.
pub fn dispute(
    deps: DepsMut,
    info: MessageInfo,
    provider: String,
    opened: bool,
) -> Result<Response, ContractError> {
    let action = if opened {
        "dispute_opened"
    } else {
        "dispute_resolved"
    };
    let config = CONFIG.load(deps.storage)?;
    // A former escrow too: its leases' disputes still hold stake here.
    if !config.is_escrow(&info.sender) {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action,
        });
    }
    let provider_addr = deps.api.addr_validate(&provider)?;
    load_provider(deps.storage, &provider_addr)?;
    let mut pr = load_rewards(deps.storage, &provider_addr)?.unwrap_or_default();
    pr.open_disputes = if opened {
        pr.open_disputes
            .checked_add(1)
            .ok_or(OverflowError::new(OverflowOperation::Add))?
    } else {
        pr.open_disputes
            .checked_sub(1)
            .ok_or_else(|| ContractError::NoOpenDispute {
                provider: provider_addr.to_string(),
            })?
    };
    REWARDS.save(deps.storage, &provider_addr, &pr)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("provider", provider_addr)
        .add_attribute("open_disputes", pr.open_disputes.to_string()))
}

fn open_disputes(storage: &dyn Storage, provider: &Addr) -> Result<u32, ContractError> {
    Ok(load_rewards(storage, provider)?.map_or(0, |pr| pr.open_disputes))
}
