//! Provider registry: providers register, stake, prove liveness, earn rewards
//! and can be slashed. Owner: the DAO.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};
use cw20::Cw20ReceiveMsg;

pub use cw_controllers::{Claim, ClaimsResponse};

use crate::denom::{Denom, DenomAmount, UncheckedDenom, UncheckedDenomAmount};

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner: may slash up to 100 %, change the config and receives slashed stake.
    pub dao: String,
    /// The reward token this registry mints; settable later by the DAO.
    pub reward_token: Option<String>,
    /// The billing escrow allowed to `record_usage` and to slash up to `max_slash`.
    pub billing_escrow: Option<String>,
    pub stake_denom: UncheckedDenom,
    pub min_stake: Uint128,
    /// Seconds between `unbond` and the claim becoming payable.
    pub unbonding_period: u64,
    /// Largest fraction the billing escrow may slash after a lost dispute.
    pub max_slash: Decimal,
    /// Addresses allowed to `attest`.
    pub oracles: Vec<String>,
    pub rewards: RewardParams,
}

#[cw_serde]
pub struct RewardParams {
    /// Length of one emission epoch, counted from instantiation.
    pub epoch_seconds: u64,
    /// Tokens emitted in epoch 0.
    pub emission_per_epoch: Uint128,
    /// Emission halves every `halving_epochs` epochs; 0 = never.
    pub halving_epochs: u64,
    /// Part of each epoch's emission split by weighted usage revenue; the rest goes to stake.
    pub usage_share: Decimal,
    /// Weight of each revenue denom; unlisted denoms weigh 0.
    pub usage_weights: Vec<UsageWeight<UncheckedDenom>>,
}

#[cw_serde]
pub struct UsageWeight<D = Denom> {
    pub denom: D,
    pub weight: Decimal,
}

/// The kind of resource a provider contributes.
#[cw_serde]
#[derive(Eq)]
pub enum Service {
    Storage,
    Compute,
    Gpu,
    Bandwidth,
    Wireless,
    Energy,
    Sensor,
    Other(String),
}

impl Service {
    /// Stable string form used by the service index.
    pub fn key(&self) -> String {
        match self {
            Service::Storage => "storage".into(),
            Service::Compute => "compute".into(),
            Service::Gpu => "gpu".into(),
            Service::Bandwidth => "bandwidth".into(),
            Service::Wireless => "wireless".into(),
            Service::Energy => "energy".into(),
            Service::Sensor => "sensor".into(),
            Service::Other(name) => format!("other:{name}"),
        }
    }

    /// The inverse of [`Service::key`]: a listed name, `other:<name>`, or any
    /// other word as `Other` (how a config file or a CLI names a service).
    pub fn parse(name: &str) -> Service {
        match name {
            "storage" => Service::Storage,
            "compute" => Service::Compute,
            "gpu" => Service::Gpu,
            "bandwidth" => Service::Bandwidth,
            "wireless" => Service::Wireless,
            "energy" => Service::Energy,
            "sensor" => Service::Sensor,
            other => Service::Other(other.strip_prefix("other:").unwrap_or(other).to_string()),
        }
    }
}

#[cw_serde]
pub struct Capacity {
    pub amount: Uint128,
    /// For example `GiB`, `vCPU`, `Mbps`, `kWh`.
    pub unit: String,
}

/// A price per unit of service in one denom.
#[cw_serde]
pub struct Price<D = Denom> {
    pub denom: D,
    pub per_unit: Uint128,
}

/// A listing change: every field is optional and an omitted one is kept.
#[cw_serde]
#[derive(Default)]
pub struct UpdateProviderMsg {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub capacity: Option<Capacity>,
    pub prices: Option<Vec<Price<UncheckedDenom>>>,
    pub metadata_uri: Option<String>,
    /// A new agent key (rotation): 33-byte compressed secp256k1 public key.
    pub agent_pubkey: Option<Binary>,
}

#[cw_serde]
pub struct RegisterMsg {
    pub service: Service,
    pub endpoint: String,
    pub region: String,
    pub capacity: Capacity,
    pub prices: Vec<Price<UncheckedDenom>>,
    pub metadata_uri: Option<String>,
    /// The public key (33-byte compressed secp256k1) of the agent that
    /// answers oracles' liveness challenges. Without one, only the provider's
    /// own `heartbeat` can prove it, and only while the registry has no oracles.
    pub agent_pubkey: Option<Binary>,
}

/// One answered challenge: the agent's signature over
/// [`crate::liveness::liveness_digest`] of `provider`, the message's epoch and `nonce`.
#[cw_serde]
pub struct LivenessProof {
    pub provider: String,
    /// The oracle's challenge, `MIN_NONCE_BYTES..=MAX_NONCE_BYTES` long.
    pub nonce: Binary,
    /// 64-byte compact secp256k1 signature (r ‖ s, low s) by the provider's agent key.
    pub signature: Binary,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Registers the sender as a provider; the stake is attached as native funds.
    Register(RegisterMsg),
    /// The provider changes its listing; omitted fields stay as they are.
    UpdateProvider(UpdateProviderMsg),
    /// Adds the attached native stake.
    Bond {},
    /// Starts unbonding `amount`; it becomes a claim released after `unbonding_period`.
    Unbond { amount: Uint128 },
    /// Pays the sender's matured claims.
    Claim {},
    /// Unbonds everything and marks the provider `exiting`.
    Deregister {},
    /// The provider's own liveness signal, recorded in reputation. While
    /// the registry has no oracles it also proves the current epoch.
    Heartbeat {},
    /// Oracles only: liveness proofs of many providers for `epoch` (the
    /// current or the previous one), at most `MAX_LIVENESS_PROOFS`. Each
    /// signature is verified on chain; an entry that fails is rejected
    /// alone and the others count. The response data is a
    /// [`ProveLivenessResponse`].
    ProveLiveness {
        epoch: u64,
        proofs: Vec<LivenessProof>,
    },
    /// Oracles only: an audited score (0–100) and/or capacity.
    Attest {
        provider: String,
        score: Option<u8>,
        capacity: Option<Capacity>,
    },
    /// Billing escrow only: usage settled for a provider. `revenue` is the
    /// gross the consumer paid (reputation); `fees` is the protocol fee the
    /// network received on it, which is what usage rewards are weighed by.
    RecordUsage {
        provider: String,
        units: Uint128,
        revenue: Vec<UncheckedDenomAmount>,
        #[serde(default)]
        fees: Vec<UncheckedDenomAmount>,
    },
    /// Anyone: applies the current `min_stake` to one provider (O(1)), so a
    /// raised minimum reaches providers that never touch their stake.
    Refresh { provider: String },
    /// Billing escrow only: a charge of `provider` was disputed. Until every
    /// open dispute is resolved the provider's stake (bonded and in claims)
    /// cannot be withdrawn, so a voided charge can still slash it.
    DisputeOpened { provider: String },
    /// Billing escrow only: one of `provider`'s open disputes was resolved
    /// (after the slash, if any).
    DisputeResolved { provider: String },
    /// The DAO (any fraction) or the billing escrow (up to `max_slash`).
    Slash {
        provider: String,
        fraction: Decimal,
        reason: String,
        jail_seconds: Option<u64>,
    },
    /// The provider, after its jail time, with stake ≥ `min_stake`.
    Unjail {},
    /// Mints accrued rewards through submessages to the reward token: the
    /// sender's own, or with `providers` (at most `MAX_BATCH_ITEMS`) those of
    /// each listed provider that is the sender or names the sender its
    /// operator, each minted to the provider itself. A listed provider with
    /// nothing to claim is skipped.
    ClaimRewards { providers: Option<Vec<String>> },
    /// The provider names (or with `None` removes) its operator: the hot key
    /// of a fleet agent that may report usage, redeem receipts and settle
    /// its leases in the escrow and claim its rewards (minted to the provider),
    /// batched with the other providers it serves. The operator can never
    /// move stake, change the listing or receive any payment.
    SetOperator { operator: Option<String> },
    /// Billing escrow only: `record_usage` for many providers at once
    /// (at most `MAX_BATCH_ITEMS`); an entry of an unknown provider is skipped.
    RecordUsageBatch { entries: Vec<UsageRecord> },
    /// The DAO only; every field optional.
    UpdateConfig(RegistryConfigUpdate),
    /// cw20 hook, accepted only from the configured stake token; wraps [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
}

/// One provider's settled usage in a `record_usage_batch`: the fields of `record_usage`.
#[cw_serde]
pub struct UsageRecord {
    pub provider: String,
    pub units: Uint128,
    pub revenue: Vec<UncheckedDenomAmount>,
    #[serde(default)]
    pub fees: Vec<UncheckedDenomAmount>,
    /// How many lease payments the entry sums (reputation's `leases_settled`).
    #[serde(default = "one_payment")]
    pub payments: u64,
}

fn one_payment() -> u64 {
    1
}

/// The registry's storage namespace of providers' operators.
pub const NS_OPERATORS: &str = "opr";

/// The registry's raw storage key of `provider`'s operator: the escrow reads
/// it with a raw query (no contract call), the value is the operator's
/// address as a JSON string.
pub fn operator_key(provider: &str) -> Vec<u8> {
    cosmwasm_std::storage_keys::namespace_with_key(&[NS_OPERATORS.as_bytes()], provider.as_bytes())
}

/// The message a cw20 `send` to the registry wraps.
#[cw_serde]
pub enum ReceiveMsg {
    Register(RegisterMsg),
    Bond {},
}

/// Config fields the DAO may change. The emission schedule (epoch length,
/// emission, halving, usage share) is fixed at instantiation: holders and
/// providers rely on it, and changing it goes through a migration.
#[cw_serde]
#[derive(Default)]
pub struct RegistryConfigUpdate {
    pub dao: Option<String>,
    pub reward_token: Option<String>,
    pub billing_escrow: Option<String>,
    pub min_stake: Option<Uint128>,
    pub unbonding_period: Option<u64>,
    pub max_slash: Option<Decimal>,
    pub add_oracles: Option<Vec<String>>,
    pub remove_oracles: Option<Vec<String>>,
    /// Replaces the usage weights from the current epoch on.
    pub usage_weights: Option<Vec<UsageWeight<UncheckedDenom>>>,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(ProviderResponse)]
    Provider { address: String },
    /// Served by secondary indexes; filters combine.
    #[returns(ProvidersResponse)]
    Providers {
        service: Option<Service>,
        region: Option<String>,
        status: Option<StatusFilter>,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// The providers that name `operator` their operator (a fleet), by address.
    #[returns(ProvidersResponse)]
    ProvidersByOperator {
        operator: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(PendingRewardsResponse)]
    PendingRewards { address: String },
    #[returns(ClaimsResponse)]
    Claims { address: String },
    #[returns(StatsResponse)]
    Stats {},
    /// An epoch's usage-reward pool and the weighted fees it is split by:
    /// a provider's usage reward for the epoch is
    /// `min(floor(usage_pool × its weighted fees / weighted_fees), its weighted fees)`.
    #[returns(EpochUsageResponse)]
    EpochUsage { epoch: u64 },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct ConfigResponse {
    pub dao: Addr,
    pub reward_token: Option<Addr>,
    pub billing_escrow: Option<Addr>,
    /// Escrows configured before `billing_escrow`: they may still open and
    /// resolve disputes here (and slash, only a provider with an open dispute).
    pub former_escrows: Vec<Addr>,
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
    /// Epoch 0 starts here.
    pub genesis_time: Timestamp,
}

#[cw_serde]
pub enum ProviderStatus {
    Active,
    /// Bonded stake below `min_stake`.
    Inactive,
    Jailed {
        until: Timestamp,
    },
    Exiting,
}

/// Status as a query filter (a jailed provider matches `jailed` whatever its end time).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum StatusFilter {
    Active,
    Inactive,
    Jailed,
    Exiting,
}

impl ProviderStatus {
    pub fn kind(&self) -> StatusFilter {
        match self {
            ProviderStatus::Active => StatusFilter::Active,
            ProviderStatus::Inactive => StatusFilter::Inactive,
            ProviderStatus::Jailed { .. } => StatusFilter::Jailed,
            ProviderStatus::Exiting => StatusFilter::Exiting,
        }
    }
}

impl StatusFilter {
    /// Stable string form used by the status index.
    pub fn key(&self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::Inactive => "inactive",
            StatusFilter::Jailed => "jailed",
            StatusFilter::Exiting => "exiting",
        }
    }
}

#[cw_serde]
#[derive(Default)]
pub struct Reputation {
    pub usage_units: Uint128,
    /// Revenue settled through the billing escrow, per denom.
    pub revenue: Vec<DenomAmount>,
    pub leases_settled: u64,
    pub disputes_lost: u64,
    pub slashes: u64,
    pub heartbeats: u64,
    pub last_heartbeat: Option<Timestamp>,
    pub attested_score: Option<u8>,
    pub attested_capacity: Option<Capacity>,
    /// Epochs proven live (by an oracle, or by a heartbeat in bootstrap mode).
    #[serde(default)]
    pub proven_epochs: u64,
    /// Epochs the provider was active in and never proven (their stake reward was not minted).
    #[serde(default)]
    pub missed_epochs: u64,
    #[serde(default)]
    pub last_proven_epoch: Option<u64>,
}

#[cw_serde]
pub struct ProviderResponse {
    pub address: Addr,
    pub service: Service,
    pub endpoint: String,
    pub region: String,
    pub capacity: Capacity,
    pub prices: Vec<Price>,
    pub metadata_uri: Option<String>,
    /// The effective status: an `active` provider whose bonded stake is below
    /// the current `min_stake` reads `inactive` even before anyone `refresh`es it.
    pub status: ProviderStatus,
    /// Bonded stake (earns rewards, backs leases, can be slashed).
    pub stake: Uint128,
    /// Stake in unbonding claims not yet paid (still slashable).
    pub unbonding: Uint128,
    pub registered_at: Timestamp,
    pub reputation: Reputation,
    /// The agent key oracles' challenges are verified against.
    pub agent_pubkey: Option<Binary>,
    /// The fleet agent's hot key the provider named (`set_operator`).
    pub operator: Option<Addr>,
    /// Claimable now (proven epochs and usage rewards).
    pub pending_rewards: Uint128,
    /// Stake rewards of the current and previous epoch not proven yet:
    /// credited if a proof arrives in time, never minted otherwise.
    pub unproven_rewards: Uint128,
    /// Disputes on this provider's charges not resolved yet; while above 0
    /// its stake claims cannot be withdrawn.
    pub open_disputes: u32,
}

#[cw_serde]
pub struct ProvidersResponse {
    pub providers: Vec<ProviderResponse>,
}

#[cw_serde]
pub struct PendingRewardsResponse {
    pub address: Addr,
    /// Claimable now: what `claim_rewards` would mint (before the token cap).
    pub pending_rewards: Uint128,
    /// Stake rewards of epochs still in their proof window and not proven:
    /// they become claimable if a proof arrives in time, and are never minted otherwise.
    pub unproven_rewards: Uint128,
}

/// Why one entry of a `prove_liveness` batch was not counted.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProofRejection {
    /// No provider is registered at the address (or it is not an address).
    UnknownProvider,
    /// The provider has no agent key.
    NoAgentKey,
    /// The nonce is shorter than `MIN_NONCE_BYTES` or longer than `MAX_NONCE_BYTES`.
    BadNonce,
    /// The signature does not verify against the agent key.
    BadSignature,
}

#[cw_serde]
pub struct RejectedProof {
    pub provider: String,
    pub reason: ProofRejection,
}

/// The data of a `prove_liveness` response: every entry is in exactly one list.
#[cw_serde]
pub struct ProveLivenessResponse {
    pub epoch: u64,
    /// Newly proven for `epoch`.
    pub proven: Vec<Addr>,
    /// Already proven for `epoch` (harmless; nothing changed).
    pub duplicates: Vec<Addr>,
    pub rejected: Vec<RejectedProof>,
}

#[cw_serde]
pub struct EpochUsageResponse {
    pub epoch: u64,
    /// The usage part of the epoch's emission: `floor(emission × usage_share)`.
    pub usage_pool: Uint128,
    /// Every provider's settled fees in the epoch, weighed by `usage_weights`
    /// (final once the epoch has ended).
    pub weighted_fees: Uint128,
}

#[cw_serde]
pub struct StatsResponse {
    pub providers: u64,
    pub active_providers: u64,
    pub total_stake: Uint128,
    pub total_unbonding: Uint128,
    pub rewards_minted: Uint128,
    pub current_epoch: u64,
    /// Providers proven live for the current epoch so far.
    pub proven_current_epoch: u64,
    /// Providers proven live for the previous epoch (final once it is two epochs old).
    pub proven_previous_epoch: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_parses_back_from_its_key() {
        for service in [
            Service::Storage,
            Service::Compute,
            Service::Gpu,
            Service::Bandwidth,
            Service::Wireless,
            Service::Energy,
            Service::Sensor,
            Service::Other("lidar".into()),
            // A listed word behind `other:` stays Other.
            Service::Other("storage".into()),
        ] {
            assert_eq!(Service::parse(&service.key()), service);
        }
        assert_eq!(Service::parse("lidar"), Service::Other("lidar".into()));
    }
}
