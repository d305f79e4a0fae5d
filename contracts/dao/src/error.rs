use cosmwasm_std::{Decimal, OverflowError, StdError, Timestamp, Uint128};
use cw_utils::PaymentError;
use depin_interface::dao::ProposalStatus;
use depin_interface::migration::MigrationError;
use depin_interface::ValidationError;
use thiserror::Error;

/// Why `propose` (and `execute`, for proposals stored before a rule existed)
/// refuses one of a proposal's messages: it could reach the funds the DAO
/// holds for others, whatever the votes.
#[derive(Error, Debug, PartialEq)]
pub enum MessageRefusal {
    #[error(
        "a `{kind}` message cannot be inspected (an authz grant, a MsgMigrateContract or a \
         MsgUpdateAdmin inside it would bypass every rule)"
    )]
    Uninspectable { kind: String },

    #[error(
        "an allowance on the suite token: a standing allowance could later be spent from \
         members' stake"
    )]
    StandingAllowance {},

    #[error(
        "{action} of the suite token, which is immutable: a token migration could rewrite any \
         holder's balance"
    )]
    ImmutableToken { action: &'static str },

    #[error("contract address {address:?} is not a valid, normalized address")]
    InvalidAddress { address: String },
}

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    Validation(#[from] ValidationError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Migration(#[from] MigrationError),

    #[error("unauthorized: {sender} may not {action}")]
    Unauthorized {
        sender: String,
        action: &'static str,
    },

    #[error("{field} is {value}; it must be above 0 and at most 1")]
    FractionOutOfRange { field: &'static str, value: Decimal },

    #[error(
        "threshold is {value}: yes > threshold × votes could never hold, so nothing would pass \
         (not even a proposal lowering it); it must be below 1"
    )]
    UnreachableThreshold { value: Decimal },

    /// A value that could leave governance unable to pass the proposal that undoes it.
    #[error(
        "{field} {value} could lock governance: it must be {rule}, so that stakers holding more \
         than two thirds of the power can always pass a proposal"
    )]
    LocksGovernance {
        field: &'static str,
        value: String,
        rule: &'static str,
    },

    #[error(
        "proposal_deposit {deposit} is above the {supply} suite tokens in existence: nobody could \
         ever propose again, not even a fix"
    )]
    DepositAboveSupply { deposit: Uint128, supply: Uint128 },

    #[error("{address} is the DAO or one of the contracts it runs; it may not {action}")]
    SuiteAccount {
        address: String,
        action: &'static str,
    },

    #[error(
        "the guardian may not veto proposal {proposal_id}: it only changes the guardian, and \
         members can always replace or remove their guardian"
    )]
    GuardianChangeNotVetoable { proposal_id: u64 },

    #[error(
        "the registry's unbonding_period is {unbonding_period} s; it must be at least the escrow's \
         dispute_window {dispute_window} s + the DAO's voting_period {voting_period} s + timelock \
         {timelock} s = {required} s, or a slash could never reach the stake"
    )]
    UnbondingTooShort {
        unbonding_period: u64,
        dispute_window: u64,
        voting_period: u64,
        timelock: u64,
        required: u64,
    },

    #[error(
        "the registry emits {emission_per_epoch} per epoch with no halving and the token has no \
         cap: emission would be unbounded; set halving_epochs above 0 or a cap"
    )]
    UnboundedEmission { emission_per_epoch: Uint128 },

    #[error("message {index} of the proposal is refused: {reason}")]
    MessageRefused {
        index: usize,
        reason: MessageRefusal,
    },

    #[error("a guardian can veto only during a timelock: set a timelock above 0 or no guardian")]
    GuardianWithoutTimelock {},

    #[error("code id of the {contract} must not be zero")]
    ZeroCodeId { contract: &'static str },

    #[error("cw20 {token} is not {expected}")]
    UnknownToken { token: String, expected: String },

    #[error("the amount must be greater than zero")]
    ZeroAmount {},

    #[error(
        "a proposal needs a deposit of {required} suite tokens; propose through the token's send"
    )]
    DepositRequired { required: Uint128 },

    #[error("the deposit must be exactly {required} suite tokens, got {sent}")]
    WrongDeposit { required: Uint128, sent: Uint128 },

    #[error("a proposal carries at most {max} messages, got {count}")]
    TooManyMessages { count: usize, max: usize },

    #[error("{address} has no voting power at height {height}")]
    NoVotingPower { address: String, height: u64 },

    #[error("cannot unstake {requested}: {staked} staked")]
    InsufficientStake { requested: Uint128, staked: Uint128 },

    #[error("no claim of {address} has matured yet")]
    NothingToClaim { address: String },

    #[error("proposal {proposal_id} does not exist")]
    ProposalNotFound { proposal_id: u64 },

    #[error("proposal {proposal_id} is {status:?}; voting is closed")]
    VotingClosed {
        proposal_id: u64,
        status: ProposalStatus,
    },

    #[error("{voter} already voted on proposal {proposal_id}")]
    AlreadyVoted { proposal_id: u64, voter: String },

    #[error("proposal {proposal_id} was already executed ({status:?})")]
    AlreadyExecuted {
        proposal_id: u64,
        status: ProposalStatus,
    },

    #[error("proposal {proposal_id} is {status:?}; only a passed proposal can be executed")]
    NotPassed {
        proposal_id: u64,
        status: ProposalStatus,
    },

    #[error("proposal {proposal_id} is in its timelock until {executable_at}; now is {now}")]
    TimelockNotOver {
        proposal_id: u64,
        executable_at: Timestamp,
        now: Timestamp,
    },

    #[error("proposal {proposal_id} is {status:?}; only a rejected proposal can be closed")]
    NotRejected {
        proposal_id: u64,
        status: ProposalStatus,
    },

    #[error("proposal {proposal_id} can be vetoed only while passed and in its timelock (status {status:?})")]
    NotVetoable {
        proposal_id: u64,
        status: ProposalStatus,
    },

    #[error("the DAO has no guardian")]
    NoGuardian {},

    #[error("no proposal execution is in progress for proposal {proposal_id}")]
    NotDispatching { proposal_id: u64 },

    #[error(
        "the DAO holds {balance} suite tokens but owes {reserved} to stakers, claims and deposits"
    )]
    ReservesSpent { balance: Uint128, reserved: Uint128 },

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("the suite bootstrap is not finished")]
    SuiteNotReady {},

    #[error("reply without the instantiated contract's address: {reason}")]
    BadInstantiateReply { reason: String },
}
