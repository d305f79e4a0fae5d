use cosmwasm_std::{Decimal, StdError, Timestamp, Uint128};
use cw_utils::PaymentError;
use depin_interface::migration::MigrationError;
use depin_interface::ValidationError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Validation(#[from] ValidationError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Migration(#[from] MigrationError),

    #[error("{0}")]
    Overflow(#[from] cosmwasm_std::OverflowError),

    #[error("unauthorized: {sender} may not {action}")]
    Unauthorized {
        sender: String,
        action: &'static str,
    },

    #[error("{address} is already a registered provider")]
    AlreadyRegistered { address: String },

    #[error("{address} is not a registered provider")]
    ProviderNotFound { address: String },

    #[error("stake {stake} is below the minimum stake {min_stake}")]
    BelowMinStake { stake: Uint128, min_stake: Uint128 },

    #[error("the stake denom is {expected}; stake it {how}")]
    WrongStakeMethod { expected: String, how: &'static str },

    #[error("cw20 {token} is not {expected}")]
    UnknownToken { token: String, expected: String },

    #[error("the amount must be greater than zero")]
    ZeroAmount {},

    #[error("cannot unbond {requested}: only {staked} is bonded")]
    InsufficientStake { requested: Uint128, staked: Uint128 },

    #[error("{pending} unbonding claims are pending; the limit is {max}")]
    TooManyClaims { pending: usize, max: usize },

    #[error("no claim of {address} has matured yet")]
    NothingToClaim { address: String },

    #[error("{sender} is neither {provider} nor the operator it named")]
    NotOperator { sender: String, provider: String },

    #[error("a provider cannot name itself its operator")]
    SelfOperator {},

    #[error("no rewards to claim")]
    NoRewards {},

    #[error("no reward token is configured")]
    NoRewardToken {},

    #[error("the reward token cap {cap} is reached; nothing can be minted")]
    RewardCapReached { cap: Uint128 },

    #[error("the provider is exiting; register again instead")]
    ProviderExiting {},

    #[error("the provider is jailed until {until}")]
    Jailed { until: Timestamp },

    #[error("the provider is not jailed")]
    NotJailed {},

    #[error("the billing escrow may slash at most {max_slash}; asked {fraction}")]
    SlashTooLarge {
        fraction: Decimal,
        max_slash: Decimal,
    },

    #[error("score {score} is above 100")]
    ScoreOutOfRange { score: u8 },

    #[error("an attestation needs a score or a capacity")]
    EmptyAttestation {},

    #[error("{field} lists denom {denom} twice")]
    DuplicateDenom { field: &'static str, denom: String },

    #[error("stake cannot be withdrawn while {open_disputes} dispute(s) on the provider's charges are open")]
    StakeHeldByDisputes { open_disputes: u32 },

    #[error("{provider} has no open dispute to resolve")]
    NoOpenDispute { provider: String },

    #[error("emission_per_epoch {emission_per_epoch} is above {max}, the most this schedule's reward arithmetic can carry")]
    EmissionTooLarge {
        emission_per_epoch: Uint128,
        max: Uint128,
    },

    #[error("an agent key is a 33-byte compressed secp256k1 public key (0x02 or 0x03 first); got {len} bytes")]
    InvalidAgentKey { len: usize },

    #[error("epoch {epoch} cannot be proven now: the current epoch is {current}, and proofs count for the current and the previous epoch")]
    EpochOutOfWindow { epoch: u64, current: u64 },

    #[error("a batch holds 1 to {max} liveness proofs")]
    NoProofs { max: usize },
}
