//! Every storage item of the registry, with its namespace. Namespaces are
//! short and unique (`tests::namespaces_are_unique` checks it). Everything is
//! `pub` so a benchmark harness can seed state directly.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    Addr, Binary, Decimal, Decimal256, StdResult, Storage, Timestamp, Uint128, Uint256,
};
use cw_controllers::Claim;
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use depin_interface::registry::{
    Capacity, ConfigResponse, Price, ProviderStatus, Reputation, Service, UsageWeight,
};
use depin_interface::{Denom, DenomAmount};

/// Most pending unbonding claims one provider may hold (bounds `slash` and `claim`).
pub const MAX_CLAIMS: usize = 16;
/// Most prices one provider may list.
pub const MAX_PRICES: usize = 16;
/// Most entries in one `record_usage` revenue or fees list.
pub const MAX_REVENUE_ENTRIES: usize = 16;
/// Most distinct denoms kept in one provider's revenue reputation.
pub const MAX_REVENUE_DENOMS: usize = 32;
/// Most usage weights in the config.
pub const MAX_USAGE_WEIGHTS: usize = 16;
/// Most oracles in the config.
pub const MAX_ORACLES: usize = 32;
/// Most former escrows the config remembers.
pub const MAX_FORMER_ESCROWS: usize = 8;
/// Most `min_stake` raises the config remembers (the oldest is dropped).
pub const MAX_MIN_STAKE_RAISES: usize = 16;

/// A raise of `min_stake`, and `Global::reward_per_stake` when it applied.
#[cw_serde]
pub struct MinStakeRaise {
    pub min_stake: Uint128,
    pub reward_per_stake: Uint256,
}

pub const NS_CONFIG: &str = "cfg";
pub const NS_GLOBAL: &str = "glb";
pub const NS_PROVIDERS: &str = "prv";
pub const NS_IDX_STATUS: &str = "prv_t";
pub const NS_IDX_SERVICE: &str = "prv_s";
pub const NS_IDX_REGION: &str = "prv_r";
pub const NS_IDX_SERVICE_REGION: &str = "prv_sr";
pub const NS_IDX_SERVICE_STATUS: &str = "prv_st";
pub const NS_IDX_REGION_STATUS: &str = "prv_rt";
pub const NS_IDX_ALL: &str = "prv_srt";
pub const NS_REPUTATION: &str = "rep";
pub const NS_REWARDS: &str = "rwd";
pub const NS_USAGE_TOTALS: &str = "utot";
pub const NS_CLAIMS: &str = "clm";
pub const NS_EPOCH_STARTS: &str = "est";
pub const NS_EPOCH_PROOFS: &str = "eprf";
pub const NS_OPERATORS: &str = depin_interface::registry::NS_OPERATORS;
pub const NS_FLEETS: &str = "flt";

/// Every namespace, for the uniqueness test.
pub const NAMESPACES: [&str; 18] = [
    NS_CONFIG,
    NS_GLOBAL,
    NS_PROVIDERS,
    NS_IDX_STATUS,
    NS_IDX_SERVICE,
    NS_IDX_REGION,
    NS_IDX_SERVICE_REGION,
    NS_IDX_SERVICE_STATUS,
    NS_IDX_REGION_STATUS,
    NS_IDX_ALL,
    NS_REPUTATION,
    NS_REWARDS,
    NS_USAGE_TOTALS,
    NS_CLAIMS,
    NS_EPOCH_STARTS,
    NS_EPOCH_PROOFS,
    NS_OPERATORS,
    NS_FLEETS,
];

impl From<Config> for ConfigResponse {
    fn from(config: Config) -> Self {
        ConfigResponse {
            dao: config.dao,
            reward_token: config.reward_token,
            billing_escrow: config.billing_escrow,
            former_escrows: config.former_escrows,
            stake_denom: config.stake_denom,
            min_stake: config.min_stake,
            unbonding_period: config.unbonding_period,
            max_slash: config.max_slash,
            oracles: config.oracles,
            epoch_seconds: config.epoch_seconds,
            emission_per_epoch: config.emission_per_epoch,
            halving_epochs: config.halving_epochs,
            usage_share: config.usage_share,
            usage_weights: config.usage_weights,
            genesis_time: config.genesis_time,
        }
    }
}

impl Config {
    /// The first epoch whose stake reward needs a proof (see `proofs_from`).
    pub fn proofs_from(&self) -> u64 {
        self.proofs_from.unwrap_or(0)
    }

    /// The current escrow or a former one.
    pub fn is_escrow(&self, addr: &Addr) -> bool {
        self.billing_escrow.as_ref() == Some(addr) || self.former_escrows.contains(addr)
    }
}

#[cw_serde]
pub struct Config {
    pub dao: Addr,
    pub reward_token: Option<Addr>,
    pub billing_escrow: Option<Addr>,
    /// Escrows the registry was configured with before `billing_escrow`
    /// (at most [`MAX_FORMER_ESCROWS`]). Their open disputes still hold and
    /// release stake here, and a void there may still slash: swapping the
    /// escrow never strands a dispute. Configs saved before it start empty.
    #[serde(default)]
    pub former_escrows: Vec<Addr>,
    /// The latest raises of `min_stake` (at most [`MAX_MIN_STAKE_RAISES`],
    /// oldest first), each with the stake-reward accumulator when it applied:
    /// a provider still stored `active` but below today's `min_stake` earns
    /// up to the raise that excluded it, not until its next refresh.
    #[serde(default)]
    pub min_stake_raises: Vec<MinStakeRaise>,
    pub stake_denom: Denom,
    pub min_stake: Uint128,
    pub unbonding_period: u64,
    pub max_slash: Decimal,
    pub oracles: Vec<Addr>,
    pub epoch_seconds: u64,
    pub emission_per_epoch: Uint128,
    pub halving_epochs: u64,
    pub usage_share: Decimal,
    pub usage_weights: Vec<UsageWeight>,
    pub genesis_time: Timestamp,
    /// The first epoch whose stake reward needs a proof of service: 0 for a
    /// registry instantiated with proofs; a registry migrated from a release
    /// without them (`None` until `migrate`) credits the epochs up to the one
    /// of its migration as it always did.
    #[serde(default)]
    pub proofs_from: Option<u64>,
}

/// Registry-wide totals and the stake-reward accumulator.
#[cw_serde]
pub struct Global {
    /// Stake-part rewards per unit of active stake since genesis, × 10^38
    /// (`rewards::SCALE`), rounded down at every update with the
    /// remainder kept in `reward_carry`, so any number of updates gives the
    /// same value as one (and the sum paid never exceeds what was emitted).
    pub reward_per_stake: Uint256,
    /// The remainder of the last accumulator division, carried into the next
    /// (`rewards::Accumulator::carry`).
    pub reward_carry: Uint256,
    /// When `reward_per_stake` was last brought up to date.
    pub last_update: Timestamp,
    /// Bonded stake of `active` providers: the accumulator's denominator.
    pub total_active_stake: Uint128,
    /// Bonded stake of every provider.
    pub total_stake: Uint128,
    /// Stake in unbonding claims not yet paid.
    pub total_unbonding: Uint128,
    pub providers: u64,
    pub active_providers: u64,
    pub rewards_minted: Uint128,
}

/// A provider's listing, status and stake (the indexed part of its record).
#[cw_serde]
pub struct Provider {
    pub service: Service,
    pub endpoint: String,
    pub region: String,
    pub capacity: Capacity,
    pub prices: Vec<Price>,
    pub metadata_uri: Option<String>,
    pub status: ProviderStatus,
    pub stake: Uint128,
    pub unbonding: Uint128,
    pub registered_at: Timestamp,
    /// The agent key liveness proofs are verified against (33-byte compressed secp256k1).
    #[serde(default)]
    pub agent_pubkey: Option<Binary>,
}

impl Provider {
    /// Stake that earns stake rewards: the bonded stake while active, else 0.
    pub fn active_stake(&self) -> Uint128 {
        if self.status == ProviderStatus::Active {
            self.stake
        } else {
            Uint128::zero()
        }
    }
}

/// A provider's reward bookkeeping. Written at every proof, usage record
/// and claim, so stored under short JSON names (30 gas per stored byte); the
/// full names load as aliases, so records of earlier releases still load.
#[cw_serde]
#[derive(Default)]
pub struct ProviderRewards {
    /// `Global::reward_per_stake` when this provider was last settled.
    #[serde(rename = "i", alias = "index")]
    pub index: Uint256,
    /// The part of its stake rewards below one token (× 10^38) not paid into
    /// `accrued` yet: carried, so repeated settlements lose nothing.
    #[serde(rename = "fr", alias = "fraction")]
    pub fraction: Uint128,
    /// Settled, unclaimed rewards.
    #[serde(rename = "a", alias = "accrued")]
    pub accrued: Uint128,
    /// The one epoch whose usage is not yet converted into rewards.
    #[serde(rename = "ue", alias = "usage_epoch")]
    pub usage_epoch: u64,
    /// Weighted protocol fees recorded in `usage_epoch` while active.
    #[serde(rename = "uw", alias = "usage_weight")]
    pub usage_weight: Uint128,
    /// Disputes on this provider's charges the billing escrow has not
    /// resolved yet; while above 0 its stake claims cannot be paid out. Kept
    /// here because `claim` (through `commit`) and the provider query load
    /// this record anyway.
    #[serde(rename = "od", alias = "open_disputes")]
    pub open_disputes: u32,
    /// The epoch of the last settlement (when `index` was taken); `None` in
    /// records saved before proofs of service (see `Config::proofs_from`).
    #[serde(default)]
    #[serde(rename = "se", alias = "settled_epoch")]
    pub settled_epoch: Option<u64>,
    /// Stake rewards of epochs still in their proof window and not proven
    /// (at most two: the current and the previous epoch), × 10^38.
    #[serde(default)]
    #[serde(rename = "h", alias = "held")]
    pub held: Vec<HeldReward>,
    /// The latest proven epochs (at most two, ascending): all a settlement
    /// needs, since every proof settles the provider first.
    #[serde(default)]
    #[serde(rename = "p", alias = "proven")]
    pub proven: Vec<u64>,
    #[serde(default)]
    #[serde(rename = "pe", alias = "proven_epochs")]
    pub proven_epochs: u64,
    #[serde(default)]
    #[serde(rename = "me", alias = "missed_epochs")]
    pub missed_epochs: u64,
    #[serde(default)]
    #[serde(rename = "lp", alias = "last_proven_epoch")]
    pub last_proven_epoch: Option<u64>,
}

/// A provider's reputation as stored: the public [`Reputation`] without the
/// proof counters (those live in the reward record, which every proof
/// settles), under short JSON names since every usage record writes it; the
/// full names load as aliases, so records of earlier releases still load.
#[cw_serde]
#[derive(Default)]
pub struct StoredReputation {
    #[serde(rename = "u", alias = "usage_units")]
    pub usage_units: Uint128,
    #[serde(rename = "r", alias = "revenue")]
    pub revenue: Vec<DenomAmount>,
    #[serde(rename = "n", alias = "leases_settled")]
    pub leases_settled: u64,
    #[serde(rename = "dl", alias = "disputes_lost")]
    pub disputes_lost: u64,
    #[serde(rename = "sl", alias = "slashes")]
    pub slashes: u64,
    #[serde(rename = "hb", alias = "heartbeats")]
    pub heartbeats: u64,
    #[serde(
        rename = "lh",
        alias = "last_heartbeat",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_heartbeat: Option<Timestamp>,
    #[serde(
        rename = "as",
        alias = "attested_score",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attested_score: Option<u8>,
    #[serde(
        rename = "ac",
        alias = "attested_capacity",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attested_capacity: Option<Capacity>,
    /// Earlier releases stored the proof counters here too (always unset:
    /// the query takes them from the reward record); read and dropped.
    #[serde(default, skip_serializing)]
    proven_epochs: Option<u64>,
    #[serde(default, skip_serializing)]
    missed_epochs: Option<u64>,
    #[serde(default, skip_serializing)]
    last_proven_epoch: Option<Option<u64>>,
}

impl From<StoredReputation> for Reputation {
    /// The proof counters are the reward record's: the query sets them.
    fn from(stored: StoredReputation) -> Self {
        Reputation {
            usage_units: stored.usage_units,
            revenue: stored.revenue,
            leases_settled: stored.leases_settled,
            disputes_lost: stored.disputes_lost,
            slashes: stored.slashes,
            heartbeats: stored.heartbeats,
            last_heartbeat: stored.last_heartbeat,
            attested_score: stored.attested_score,
            attested_capacity: stored.attested_capacity,
            proven_epochs: 0,
            missed_epochs: 0,
            last_proven_epoch: None,
        }
    }
}

/// A stake reward waiting for its epoch's proof.
#[cw_serde]
pub struct HeldReward {
    #[serde(rename = "e", alias = "epoch")]
    pub epoch: u64,
    /// Reward × 10^38 (`rewards::SCALE`).
    #[serde(rename = "a", alias = "amount")]
    pub amount: Uint256,
}

pub struct ProviderIndexes<'a> {
    pub status: MultiIndex<'a, String, Provider, &'a Addr>,
    pub service: MultiIndex<'a, String, Provider, &'a Addr>,
    pub region: MultiIndex<'a, String, Provider, &'a Addr>,
    pub service_region: MultiIndex<'a, (String, String), Provider, &'a Addr>,
    pub service_status: MultiIndex<'a, (String, String), Provider, &'a Addr>,
    pub region_status: MultiIndex<'a, (String, String), Provider, &'a Addr>,
    pub all: MultiIndex<'a, (String, String, String), Provider, &'a Addr>,
}

impl IndexList<Provider> for ProviderIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Provider>> + '_> {
        let v: Vec<&dyn Index<Provider>> = vec![
            &self.status,
            &self.service,
            &self.region,
            &self.service_region,
            &self.service_status,
            &self.region_status,
            &self.all,
        ];
        Box::new(v.into_iter())
    }
}

fn status_key(p: &Provider) -> String {
    p.status.kind().key().to_string()
}

/// Providers by address, with one index per filter combination of the
/// `providers` query so every combination is a single prefix range.
pub fn providers<'a>() -> IndexedMap<&'a Addr, Provider, ProviderIndexes<'a>> {
    let indexes = ProviderIndexes {
        status: MultiIndex::new(|_, p| status_key(p), NS_PROVIDERS, NS_IDX_STATUS),
        service: MultiIndex::new(|_, p| p.service.key(), NS_PROVIDERS, NS_IDX_SERVICE),
        region: MultiIndex::new(|_, p| p.region.clone(), NS_PROVIDERS, NS_IDX_REGION),
        service_region: MultiIndex::new(
            |_, p| (p.service.key(), p.region.clone()),
            NS_PROVIDERS,
            NS_IDX_SERVICE_REGION,
        ),
        service_status: MultiIndex::new(
            |_, p| (p.service.key(), status_key(p)),
            NS_PROVIDERS,
            NS_IDX_SERVICE_STATUS,
        ),
        region_status: MultiIndex::new(
            |_, p| (p.region.clone(), status_key(p)),
            NS_PROVIDERS,
            NS_IDX_REGION_STATUS,
        ),
        all: MultiIndex::new(
            |_, p| (p.service.key(), p.region.clone(), status_key(p)),
            NS_PROVIDERS,
            NS_IDX_ALL,
        ),
    };
    IndexedMap::new(NS_PROVIDERS, indexes)
}

/// The primary records of [`providers`], under the same namespace. A save that
/// leaves every index key (service, region, status) unchanged, such as a stake
/// change, writes here and skips rewriting the seven index entries.
pub const PROVIDER_RECORDS: Map<&Addr, Provider> = Map::new(NS_PROVIDERS);

/// True when `a` and `b` sit under the same key in every provider index.
pub fn same_index_keys(a: &Provider, b: &Provider) -> bool {
    a.service == b.service && a.region == b.region && a.status.kind() == b.status.kind()
}

pub const CONFIG: Item<Config> = Item::new(NS_CONFIG);
pub const GLOBAL: Item<Global> = Item::new(NS_GLOBAL);
pub const REPUTATION: Map<&Addr, StoredReputation> = Map::new(NS_REPUTATION);
pub const REWARDS: Map<&Addr, ProviderRewards> = Map::new(NS_REWARDS);
/// The same records in the layout of releases before 0.2.0 (read only).
const LEGACY_REWARDS: Map<&Addr, LegacyProviderRewards> = Map::new(NS_REWARDS);
const LEGACY_GLOBAL: Item<LegacyGlobal> = Item::new(NS_GLOBAL);
/// Total weighted fees recorded per epoch (the usage part's denominator).
pub const USAGE_TOTALS: Map<u64, Uint128> = Map::new(NS_USAGE_TOTALS);
/// The stake-reward accumulator at the first second of an epoch, for the
/// epochs a settlement splits its span at (written as the accumulator
/// crosses into a new epoch; see `accounting::advance_global`).
pub const EPOCH_STARTS: Map<u64, Uint256> = Map::new(NS_EPOCH_STARTS);
/// Providers proven live per epoch.
pub const EPOCH_PROOFS: Map<u64, u64> = Map::new(NS_EPOCH_PROOFS);
/// Pending unbonding claims per provider, at most [`MAX_CLAIMS`] each. Kept
/// here rather than in `cw_controllers::Claims` so `slash` can cut them.
pub const CLAIMS: Map<&Addr, Vec<Claim>> = Map::new(NS_CLAIMS);
/// provider → the operator it named (`set_operator`). The escrow reads an
/// entry with a raw query at [`depin_interface::registry::operator_key`].
pub const OPERATORS: Map<&Addr, Addr> = Map::new(NS_OPERATORS);
/// `(operator, provider)`: the fleets, for `providers_by_operator`.
pub const FLEETS: Map<(&Addr, &Addr), ()> = Map::new(NS_FLEETS);

/// True when `sender` is `provider` or the operator `provider` named.
pub fn acts_for(storage: &dyn Storage, sender: &Addr, provider: &Addr) -> StdResult<bool> {
    if sender == provider {
        return Ok(true);
    }
    Ok(OPERATORS.may_load(storage, provider)?.as_ref() == Some(sender))
}

// ------------------------------------------------------------------ earlier layouts
//
// Releases before 0.2.0 kept the stake-reward accumulator as a `Decimal256`
// (18 decimals) with no carry, and per-provider records without `fraction`
// and `open_disputes`. A record tells its layout by its fields (both layouts
// deny unknown fields, so each parses as exactly one), never by the cw2
// version: the hardened layout shipped at 0.1.0 too. `migrate` converts the
// one `Global`; provider records, one per provider, are converted when read
// (a migration looping over every provider could exceed the block gas).

/// `Global` before 0.2.0.
#[cw_serde]
struct LegacyGlobal {
    reward_per_stake: Decimal256,
    last_update: Timestamp,
    total_active_stake: Uint128,
    total_stake: Uint128,
    total_unbonding: Uint128,
    providers: u64,
    active_providers: u64,
    rewards_minted: Uint128,
}

/// `ProviderRewards` before 0.2.0.
#[cw_serde]
struct LegacyProviderRewards {
    index: Decimal256,
    accrued: Uint128,
    usage_epoch: u64,
    usage_weight: Uint128,
}

/// A `Decimal256` accumulator value (tokens per staked token, 18 decimals)
/// on the current scale (× 10^38, `rewards::SCALE`): its atomics × 10^20, exact.
fn legacy_index(value: Decimal256) -> StdResult<Uint256> {
    Ok(value.atomics().checked_mul(Uint256::from(10u128.pow(20)))?)
}

/// A provider's reward record, in whichever layout it was saved.
pub fn load_rewards(storage: &dyn Storage, provider: &Addr) -> StdResult<Option<ProviderRewards>> {
    match REWARDS.may_load(storage, provider) {
        Ok(record) => Ok(record),
        Err(current) => match LEGACY_REWARDS.may_load(storage, provider) {
            Ok(Some(old)) => Ok(Some(ProviderRewards {
                index: legacy_index(old.index)?,
                fraction: Uint128::zero(),
                accrued: old.accrued,
                usage_epoch: old.usage_epoch,
                usage_weight: old.usage_weight,
                ..ProviderRewards::default()
            })),
            _ => Err(current),
        },
    }
}

/// Rewrites a `Global` saved before 0.2.0 in the current layout; true if it did.
pub fn migrate_global(storage: &mut dyn Storage) -> StdResult<bool> {
    if GLOBAL.load(storage).is_ok() {
        return Ok(false);
    }
    let old = LEGACY_GLOBAL.load(storage)?;
    GLOBAL.save(
        storage,
        &Global {
            reward_per_stake: legacy_index(old.reward_per_stake)?,
            reward_carry: Uint256::zero(),
            last_update: old.last_update,
            total_active_stake: old.total_active_stake,
            total_stake: old.total_stake,
            total_unbonding: old.total_unbonding,
            providers: old.providers,
            active_providers: old.active_providers,
            rewards_minted: old.rewards_minted,
        },
    )?;
    Ok(true)
}
