//! Seeds N providers, leases, stakers, proposals (and token holders) by
//! writing storage through each contract's own `state` definitions, in a
//! `MemoryStorage` copied from and back to the VM: 100,000 entries take
//! about a second, where executing 100,000 registrations would take minutes.

use std::path::Path;

use anyhow::{Context, Result};
use cosmwasm_std::{MemoryStorage, Order, Storage, Uint128};

use crate::chain::Chain;

/// Loads a storage dump written by the VM runner.
pub fn load(path: &Path) -> Result<MemoryStorage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut storage = MemoryStorage::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let key = take(&bytes, &mut pos).context("truncated storage dump")?;
        let value = take(&bytes, &mut pos).context("truncated storage dump")?;
        storage.set(key, value);
    }
    Ok(storage)
}

/// Writes a storage dump for the VM runner: `([u32 BE len][key][u32 BE len][value])*`.
pub fn save(storage: &MemoryStorage, path: &Path) -> Result<()> {
    let mut out = Vec::new();
    for (key, value) in storage.range(None, None, Order::Ascending) {
        for part in [&key, &value] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part);
        }
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

fn take<'a>(bytes: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len = bytes.get(*pos..*pos + 4)?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let part = bytes.get(*pos + 4..*pos + 4 + len)?;
    *pos += 4 + len;
    Some(part)
}

/// `n` token holders (cw20-base's `BALANCES`), total supply raised to match.
pub fn token_holders(storage: &mut MemoryStorage, chain: &Chain, n: u64) -> Result<()> {
    use cw20_base::state::{BALANCES, TOKEN_INFO};
    let amount = Uint128::new(1_000_000);
    for i in 0..n {
        BALANCES.save(storage, &chain.addr(&format!("holder-{i}")), &amount)?;
    }
    TOKEN_INFO.update(storage, |mut info| -> Result<_> {
        info.total_supply += amount * Uint128::from(n);
        Ok(info)
    })?;
    Ok(())
}

#[cfg(feature = "registry")]
pub use registry::{operators, providers};
#[cfg(feature = "registry")]
mod registry {
    use super::*;
    use cosmwasm_std::Binary;
    use depin_interface::registry::{Capacity, Price, ProviderStatus, Service};
    use depin_interface::Denom;
    use depin_provider_registry::state::{
        providers as provider_map, Provider, ProviderRewards, StoredReputation, CONFIG, FLEETS,
        GLOBAL, OPERATORS, REPUTATION, REWARDS,
    };

    /// Providers `{prefix}-{i}` for `i < n` name `operator` (a fleet).
    pub fn operators(
        storage: &mut MemoryStorage,
        chain: &Chain,
        (prefix, n): (&str, u64),
        operator: &str,
    ) -> Result<()> {
        let operator = chain.addr(operator);
        for i in 0..n {
            let addr = chain.addr(&format!("{prefix}-{i}"));
            OPERATORS.save(storage, &addr, &operator)?;
            FLEETS.save(storage, (&operator, &addr), &())?;
        }
        Ok(())
    }

    const SERVICES: [Service; 7] = [
        Service::Storage,
        Service::Compute,
        Service::Gpu,
        Service::Bandwidth,
        Service::Wireless,
        Service::Energy,
        Service::Sensor,
    ];

    /// `n` active providers `{prefix}-{i}` with twice the minimum stake,
    /// spread over the services and 16 regions, each with `agent_pubkey`,
    /// settled up to now, with the registry totals raised to match. The
    /// accumulator must be up to date (no active stake yet, or an execute in
    /// this block): the new stake earns from now on.
    pub fn providers(
        storage: &mut MemoryStorage,
        chain: &Chain,
        (prefix, n): (&str, u64),
        price_denom: &str,
        agent_pubkey: &Binary,
    ) -> Result<()> {
        let config = CONFIG.load(storage)?;
        let mut global = GLOBAL.load(storage)?;
        // With no active stake before, bringing the accumulator to now adds nothing.
        global.last_update = global.last_update.max(chain.time);
        let stake = config.min_stake * Uint128::new(2);
        for i in 0..n {
            let addr = chain.addr(&format!("{prefix}-{i}"));
            let provider = Provider {
                service: SERVICES[i as usize % SERVICES.len()].clone(),
                endpoint: format!("https://p{i}.example.net"),
                region: format!("region-{}", i % 16),
                capacity: Capacity {
                    amount: Uint128::new(1_000),
                    unit: "GiB".into(),
                },
                prices: vec![Price {
                    denom: Denom::Native(price_denom.into()),
                    per_unit: Uint128::new(10),
                }],
                metadata_uri: None,
                status: ProviderStatus::Active,
                stake,
                unbonding: Uint128::zero(),
                registered_at: chain.time,
                agent_pubkey: Some(agent_pubkey.clone()),
            };
            provider_map().save(storage, &addr, &provider)?;
            REPUTATION.save(storage, &addr, &StoredReputation::default())?;
            let rewards = ProviderRewards {
                index: global.reward_per_stake,
                settled_epoch: Some(
                    chain
                        .time
                        .seconds()
                        .saturating_sub(config.genesis_time.seconds())
                        / config.epoch_seconds.max(1),
                ),
                ..Default::default()
            };
            REWARDS.save(storage, &addr, &rewards)?;
        }
        let total = stake * Uint128::from(n);
        global.providers += n;
        global.active_providers += n;
        global.total_stake += total;
        global.total_active_stake += total;
        GLOBAL.save(storage, &global)?;
        Ok(())
    }
}

#[cfg(feature = "escrow")]
pub use escrow::leases;
#[cfg(feature = "escrow")]
mod escrow {
    use super::*;
    use depin_billing_escrow::state::{
        leases as lease_map, Billing, Lease, MeteredBilling, LEASE_COUNT,
    };
    use depin_interface::escrow::LeaseState;
    use depin_interface::Denom;

    /// `n` open metered leases (the next ids) between `n` consumers and `n`
    /// providers (or all of `provider`'s), and the lease counter raised to match.
    pub fn leases(
        storage: &mut MemoryStorage,
        chain: &Chain,
        (n, provider): (u64, Option<&str>),
        denom: &str,
    ) -> Result<()> {
        let first = LEASE_COUNT.may_load(storage)?.unwrap_or_default() + 1;
        let deposit = Uint128::new(1_000_000);
        for id in first..first + n {
            let lease = Lease {
                consumer: chain.addr(&format!("consumer-{id}")),
                provider: chain.addr(&provider.map_or(format!("provider-{id}"), String::from)),
                denom: Denom::Native(denom.into()),
                price_per_unit: Uint128::new(10),
                dispute_window: 3_600,
                state: LeaseState::Open,
                deposited: deposit,
                paid: Uint128::zero(),
                reserved: Uint128::zero(),
                available: deposit,
                refunded: Uint128::zero(),
                units: Uint128::zero(),
                opened_at: chain.time,
                started_at: Some(chain.time),
                closed_at: None,
                last_settled_at: None,
                close_after: None,
                billing: Billing::Metered(MeteredBilling {
                    next_charge_id: 1,
                    ..MeteredBilling::default()
                }),
                fee_carry: 0,
            };
            lease_map().save(storage, id, &lease)?;
        }
        LEASE_COUNT.save(storage, &(first + n - 1))?;
        Ok(())
    }
}

#[cfg(feature = "dao")]
pub use dao::members as dao_members;
#[cfg(feature = "dao")]
mod dao {
    use super::*;
    use depin_dao::state::{
        Proposal, Rules, CONFIG, PROPOSALS, PROPOSAL_COUNT, STAKES, TOTAL_STAKE,
    };
    use depin_interface::dao::{ProposalStatus, Tally};

    /// `n` stakers (snapshotted at the current height, total raised to
    /// match) and `n` executed proposals (ids after the existing ones).
    pub fn members(storage: &mut MemoryStorage, chain: &Chain, n: u64) -> Result<()> {
        let height = chain.height;
        let stake = Uint128::new(1_000_000);
        for i in 0..n {
            STAKES.save(storage, &chain.addr(&format!("staker-{i}")), &stake, height)?;
        }
        let total = TOTAL_STAKE.may_load(storage)?.unwrap_or_default() + stake * Uint128::from(n);
        TOTAL_STAKE.save(storage, &total, height)?;

        let config = CONFIG.load(storage)?;
        let first = PROPOSAL_COUNT.may_load(storage)?.unwrap_or_default() + 1;
        let proposer = chain.addr("staker-0");
        for id in first..first + n {
            let proposal = Proposal {
                id,
                title: format!("Proposal {id}"),
                description: "A seeded proposal.".into(),
                proposer: proposer.clone(),
                msgs: vec![],
                status: ProposalStatus::Executed,
                start_height: height,
                start_time: chain.time,
                voting_ends_at: chain.time.plus_seconds(config.voting_period),
                decided_at: None,
                total_power: total,
                tally: Tally {
                    yes: total,
                    ..Tally::default()
                },
                rules: Rules {
                    threshold: config.threshold,
                    quorum: config.quorum,
                    veto_threshold: config.veto_threshold,
                    timelock: config.timelock,
                },
                deposit: Uint128::zero(),
                deposit_refunded: false,
                execution_error: None,
            };
            PROPOSALS.save(storage, id, &proposal)?;
        }
        PROPOSAL_COUNT.save(storage, &(first + n - 1))?;
        Ok(())
    }
}
