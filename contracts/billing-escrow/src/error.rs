use cosmwasm_std::{
    Addr, CheckedMultiplyFractionError, OverflowError, StdError, Uint128, VerificationError,
};
use cw_utils::PaymentError;
use depin_interface::escrow::LeaseState;
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
    Verification(#[from] VerificationError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    MultiplyFraction(#[from] CheckedMultiplyFractionError),

    #[error("unauthorized: {sender} may not {action}")]
    Unauthorized {
        sender: String,
        action: &'static str,
    },

    /// `party` is `consumer`, `provider` or `consumer or the provider`.
    #[error("only the {party} of lease {lease_id} may {action}")]
    NotLeaseParty {
        lease_id: u64,
        party: &'static str,
        action: &'static str,
    },

    #[error("fee_bps is {fee_bps}; the limit is {max}")]
    FeeTooHigh { fee_bps: u16, max: u16 },

    #[error("dispute_window is {seconds} s; the limit is {max} s")]
    DisputeWindowTooLong { seconds: u64, max: u64 },

    #[error("denom {denom} is not accepted by the escrow")]
    DenomNotAccepted { denom: String },

    #[error("cw20 {token} is not {expected}")]
    UnknownToken { token: String, expected: String },

    #[error("lease {lease_id} is paid in {expected}, not {got}")]
    WrongDenom {
        lease_id: u64,
        expected: String,
        got: String,
    },

    #[error("the amount must be greater than zero")]
    ZeroAmount {},

    #[error("{address} is not a registered provider")]
    ProviderNotFound { address: String },

    #[error("provider {provider} is {status}; only active providers can be leased")]
    ProviderNotActive { provider: Addr, status: String },

    #[error("provider {provider} lists no price in {denom}")]
    NoPriceInDenom { provider: Addr, denom: String },

    #[error("the provider's price {price} per unit is above max_price_per_unit {max}")]
    PriceAboveMax { price: Uint128, max: Uint128 },

    #[error("a provider cannot lease from itself")]
    SelfLease {},

    #[error("consumer_pubkey is {len} bytes; a compressed secp256k1 key is 33 bytes starting with 0x02 or 0x03")]
    InvalidPubkey { len: usize },

    #[error("lease {lease_id} not found")]
    LeaseNotFound { lease_id: u64 },

    #[error("charge {charge_id} of lease {lease_id} not found")]
    ChargeNotFound { lease_id: u64, charge_id: u64 },

    #[error("lease {lease_id} is {state:?}; {action} is not possible in that state")]
    WrongState {
        lease_id: u64,
        state: LeaseState,
        action: &'static str,
    },

    #[error("lease {lease_id} is billed {mode}; {action} needs a {expected} lease")]
    WrongBillingMode {
        lease_id: u64,
        mode: &'static str,
        expected: &'static str,
        action: &'static str,
    },

    #[error("the charge is zero: the lease price is {price_per_unit} per unit")]
    ZeroCharge { price_per_unit: Uint128 },

    #[error("report_usage on lease {lease_id} builds on {billed_before} units reported, but the lease has {reported_units}")]
    StaleReport {
        lease_id: u64,
        billed_before: Uint128,
        reported_units: Uint128,
    },

    #[error("the charge of {amount} exceeds the {available} available on lease {lease_id}")]
    ExceedsAvailable {
        lease_id: u64,
        amount: Uint128,
        available: Uint128,
    },

    #[error("one unit at {price_per_unit} exceeds the {available} available on lease {lease_id}; a top-up makes the rest of the receipt redeemable")]
    UnitExceedsAvailable {
        lease_id: u64,
        price_per_unit: Uint128,
        available: Uint128,
    },

    #[error("charge {charge_id} could be disputed until {disputable_until}; it is now {now}")]
    DisputeWindowClosed {
        charge_id: u64,
        disputable_until: u64,
        now: u64,
    },

    #[error("charge {charge_id} is already disputed")]
    AlreadyDisputed { charge_id: u64 },

    #[error("charge {charge_id} has no open dispute")]
    NotDisputed { charge_id: u64 },

    #[error("an upheld charge cannot slash the provider")]
    SlashOnUpheld {},

    #[error(
        "receipt for {cumulative_units} units does not increase the {redeemed} already redeemed"
    )]
    ReceiptNotIncreasing {
        cumulative_units: Uint128,
        redeemed: Uint128,
    },

    #[error("the receipt signature does not verify for lease {lease_id}")]
    InvalidReceiptSignature { lease_id: u64 },

    #[error("nothing to settle on lease {lease_id}")]
    NothingToSettle { lease_id: u64 },

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },
}
