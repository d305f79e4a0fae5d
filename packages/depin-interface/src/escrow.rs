//! Billing escrow: consumers lock funds for a provider, providers are paid for
//! what they deliver, a protocol fee goes to the treasury. Owner: the DAO.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::denom::{Denom, UncheckedDenom};

/// Largest protocol fee: 100 %.
pub const MAX_FEE_BPS: u16 = 10_000;

/// Longest dispute window: one year (seconds).
pub const MAX_DISPUTE_WINDOW: u64 = 366 * 86_400;
/// The provider's grace after a consumer closes a metered or receipts lease
/// when `min_close_grace` is not given: one hour.
pub const DEFAULT_MIN_CLOSE_GRACE: u64 = 3_600;

/// At most this many accepted denoms and arbiters: the config holding them is
/// loaded by every escrow call, so its size must stay bounded.
pub const MAX_ACCEPTED_DENOMS: usize = 16;
pub const MAX_ARBITERS: usize = 32;

#[cw_serde]
pub struct InstantiateMsg {
    pub dao: String,
    pub registry: String,
    /// Receives the protocol fee; defaults to the DAO.
    pub treasury: Option<String>,
    /// Protocol fee in basis points (≤ 10000). A lease's fees add up to the fee of
    /// the sum of its payments, rounded up once (`ceil(total × fee_bps / 10000)`),
    /// however its charges, redemptions and streaming settles split it. A metered
    /// charge keeps the rate in force when it was reported; streaming accrual and
    /// receipt redemptions pay the rate in force when paid.
    pub fee_bps: u16,
    /// Seconds a consumer has to dispute a metered charge (≤ [`MAX_DISPUTE_WINDOW`]).
    /// Each lease keeps the window in force when it opened. On a receipts lease it
    /// is also the provider's grace to redeem final receipts after the consumer closes.
    pub dispute_window: u64,
    pub accepted_denoms: Vec<UncheckedDenom>,
    /// Addresses the DAO trusts to resolve disputes, besides itself.
    pub arbiters: Option<Vec<String>>,
    /// The provider's least grace, in seconds, to report final usage or redeem
    /// the receipts it holds after the consumer closes a metered or receipts
    /// lease (the grace is the larger of this and the lease's dispute window;
    /// 1 s to [`MAX_DISPUTE_WINDOW`]). Default [`DEFAULT_MIN_CLOSE_GRACE`].
    #[serde(default)]
    pub min_close_grace: Option<u64>,
}

/// How a lease is billed.
#[cw_serde]
pub enum BillingMode {
    /// The provider reports units; each report is a disputable charge.
    Metered {},
    /// Proposed by the consumer; accrues `rate_per_second` once the provider accepts.
    /// A unit is one second. The rate is the consumer's offer, which the provider
    /// agrees to with `accept_lease`; the listed price is kept on the lease for
    /// reference (and `max_price_per_unit` still applies to it).
    Streaming { rate_per_second: Uint128 },
    /// The provider redeems receipts signed by the consumer's key
    /// (33-byte compressed secp256k1, base64).
    Receipts { consumer_pubkey: Binary },
}

impl BillingMode {
    pub const METERED: &'static str = "metered";
    pub const STREAMING: &'static str = "streaming";
    pub const RECEIPTS: &'static str = "receipts";

    /// The mode as it appears in JSON and in event attributes.
    pub fn as_str(&self) -> &'static str {
        match self {
            BillingMode::Metered {} => Self::METERED,
            BillingMode::Streaming { .. } => Self::STREAMING,
            BillingMode::Receipts { .. } => Self::RECEIPTS,
        }
    }
}

#[cw_serde]
pub struct OpenLeaseMsg {
    pub provider: String,
    pub billing: BillingMode,
    /// The open fails if the provider's listed price is higher.
    pub max_price_per_unit: Option<Uint128>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Opens a lease with exactly one accepted native coin as the deposit.
    OpenLease(OpenLeaseMsg),
    /// The provider starts a streaming lease.
    AcceptLease { lease_id: u64 },
    /// Anyone adds native funds to an open (or pending) lease.
    TopUp { lease_id: u64 },
    /// The provider of a metered lease reports delivered units (also during the
    /// dispute window after the consumer closes the lease). With
    /// `billed_before`, the report is refused unless it equals the lease's
    /// `reported_units`: a report repeated, or built on a lost or stale count,
    /// fails instead of charging twice.
    ReportUsage {
        lease_id: u64,
        units: Uint128,
        billed_before: Option<Uint128>,
    },
    /// The provider of a receipts lease redeems the consumer's latest receipt:
    /// the units above those already redeemed, up to what the lease's free funds
    /// cover in whole units. The rest of the same receipt can be redeemed after a
    /// top-up; it fails only when not one unit is payable.
    RedeemReceipt {
        lease_id: u64,
        cumulative_units: Uint128,
        /// 64-byte secp256k1 signature (r ‖ s) over [`crate::receipt::receipt_digest`].
        signature: Binary,
    },
    /// The consumer disputes a charge within the dispute window. The registry
    /// holds the provider's stake (`dispute_opened`) until it is resolved.
    Dispute {
        lease_id: u64,
        charge_id: u64,
        reason: String,
    },
    /// The DAO or an arbiter: `uphold` makes the charge payable, otherwise it
    /// returns to the deposit and `slash_fraction` asks the registry to slash.
    /// Then `dispute_resolved` releases the stake the dispute held.
    ResolveDispute {
        lease_id: u64,
        charge_id: u64,
        uphold: bool,
        slash_fraction: Option<Decimal>,
    },
    /// Anyone: pays everything due to the provider and the treasury, reports it
    /// to the registry (`record_usage`, revenue = the gross amount paid, fees =
    /// the fee the treasury received), and completes the close of a `closing`
    /// lease once nothing is pending. Fails with `NothingToSettle` when there is
    /// nothing to do.
    Settle { lease_id: u64 },
    /// Consumer or provider: stops accrual, settles, refunds the rest once no charge is pending
    /// (otherwise the lease is `closing` until a later `settle`). A pending streaming
    /// lease is refunded whole. When the consumer closes a metered or receipts lease, the
    /// provider may still report its final usage or redeem receipts for the lease's
    /// dispute window (the lease is `closing` until then).
    CloseLease { lease_id: u64 },
    /// Many leases' billing in one message (at most `MAX_BATCH_ITEMS` items),
    /// for a provider or a fleet operator: each item has the rules of the
    /// message of its name, and a usage report also pays what has matured on
    /// its lease (settlement at the next report). The provider's operator
    /// (named in the registry) may report and redeem for it. Each item is
    /// checked alone: a refused item changes nothing and the others go
    /// through. Payments are summed: one transfer per provider and denom, one
    /// fee transfer per denom, one `record_usage_batch` to the registry. The
    /// response data is a [`BatchResponse`].
    Batch { items: Vec<BatchItem> },
    /// The DAO only; every field optional.
    UpdateConfig(EscrowConfigUpdate),
    /// cw20 hook, accepted only from accepted cw20 denoms; wraps [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
}

/// One item of a `batch`: the fields of the message of the same name.
#[cw_serde]
pub enum BatchItem {
    ReportUsage {
        lease_id: u64,
        units: Uint128,
        billed_before: Option<Uint128>,
    },
    RedeemReceipt {
        lease_id: u64,
        cumulative_units: Uint128,
        signature: Binary,
    },
    Settle {
        lease_id: u64,
    },
}

impl BatchItem {
    /// The item's message name, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchItem::ReportUsage { .. } => "report_usage",
            BatchItem::RedeemReceipt { .. } => "redeem_receipt",
            BatchItem::Settle { .. } => "settle",
        }
    }

    pub fn lease_id(&self) -> u64 {
        match self {
            BatchItem::ReportUsage { lease_id, .. }
            | BatchItem::RedeemReceipt { lease_id, .. }
            | BatchItem::Settle { lease_id } => *lease_id,
        }
    }
}

/// What one item of a `batch` did.
#[cw_serde]
pub struct BatchItemResult {
    pub lease_id: u64,
    /// The charge a usage report created.
    pub charge_id: Option<u64>,
    /// Units a receipt redeemed.
    pub units: Uint128,
    /// Paid on the lease by this item (fee included).
    pub paid: Uint128,
    /// Why the item was refused (nothing of it happened); `None` when it went through.
    pub error: Option<String>,
}

/// The data of a `batch` response: one result per item, in order.
#[cw_serde]
pub struct BatchResponse {
    pub items: Vec<BatchItemResult>,
}

/// The message a cw20 `send` to the escrow wraps.
#[cw_serde]
pub enum ReceiveMsg {
    OpenLease(OpenLeaseMsg),
    TopUp { lease_id: u64 },
}

#[cw_serde]
#[derive(Default)]
pub struct EscrowConfigUpdate {
    pub dao: Option<String>,
    pub registry: Option<String>,
    pub treasury: Option<String>,
    /// Applies to charges reported, accrual settled and receipts redeemed from now on.
    pub fee_bps: Option<u16>,
    /// Applies to leases opened from now on.
    pub dispute_window: Option<u64>,
    /// Applies to closes from now on.
    pub min_close_grace: Option<u64>,
    pub add_denoms: Option<Vec<UncheckedDenom>>,
    pub remove_denoms: Option<Vec<UncheckedDenom>>,
    pub add_arbiters: Option<Vec<String>>,
    pub remove_arbiters: Option<Vec<String>>,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(LeaseResponse)]
    Lease { lease_id: u64 },
    #[returns(LeasesResponse)]
    LeasesByConsumer {
        consumer: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(LeasesResponse)]
    LeasesByProvider {
        provider: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(ChargesResponse)]
    Charges {
        lease_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// What `settle` would pay now.
    #[returns(SettleableResponse)]
    Settleable { lease_id: u64 },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct ConfigResponse {
    pub dao: Addr,
    pub registry: Addr,
    pub treasury: Addr,
    pub fee_bps: u16,
    pub dispute_window: u64,
    /// The provider's least grace after a consumer's close (see `InstantiateMsg`).
    pub min_close_grace: u64,
    pub accepted_denoms: Vec<Denom>,
    pub arbiters: Vec<Addr>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum LeaseState {
    /// A streaming lease waiting for the provider to accept.
    Pending,
    Open,
    /// Closed by a party while a charge is still pending (in its window or
    /// disputed), or a receipts lease in the provider's final-redemption grace.
    Closing,
    Closed,
}

impl LeaseState {
    /// The state as it appears in JSON and in event attributes.
    pub fn as_str(&self) -> &'static str {
        match self {
            LeaseState::Pending => "pending",
            LeaseState::Open => "open",
            LeaseState::Closing => "closing",
            LeaseState::Closed => "closed",
        }
    }
}

#[cw_serde]
pub struct LeaseResponse {
    pub lease_id: u64,
    pub consumer: Addr,
    pub provider: Addr,
    pub denom: Denom,
    pub billing: BillingMode,
    /// The provider's price when the lease opened.
    pub price_per_unit: Uint128,
    /// Dispute window (seconds) fixed when the lease opened.
    pub dispute_window: u64,
    pub state: LeaseState,
    /// Always `deposited = paid + reserved + available + refunded`.
    pub deposited: Uint128,
    /// Paid out (to the provider and as fee).
    pub paid: Uint128,
    /// Charged or accrued but not paid yet (in the window, disputed or payable).
    pub reserved: Uint128,
    /// Free deposit: what new usage can still consume.
    pub available: Uint128,
    pub refunded: Uint128,
    /// Units paid or reserved so far (metered units, streamed seconds, receipt units).
    pub units: Uint128,
    /// Every unit ever reported (metered, voided charges included: what a
    /// report's `billed_before` builds on) or redeemed (receipts); 0 for streaming.
    pub reported_units: Uint128,
    pub opened_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub last_settled_at: Option<Timestamp>,
    /// Set while a metered or receipts lease the consumer closed is `closing`:
    /// the provider may report final usage or redeem receipts until then, and
    /// the close completes (by `settle`) from then on.
    pub close_after: Option<Timestamp>,
}

#[cw_serde]
pub struct LeasesResponse {
    pub leases: Vec<LeaseResponse>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum ChargeStatus {
    /// In its dispute window.
    Pending,
    Disputed,
    /// Window passed or dispute upheld; paid by the next settle.
    Payable,
    Paid,
    Voided,
}

#[cw_serde]
pub struct ChargeResponse {
    pub charge_id: u64,
    pub units: Uint128,
    pub amount: Uint128,
    /// The fee rate fixed when the charge was reported.
    pub fee_bps: u16,
    pub created_at: Timestamp,
    pub disputable_until: Timestamp,
    pub status: ChargeStatus,
    pub dispute_reason: Option<String>,
}

#[cw_serde]
pub struct ChargesResponse {
    pub charges: Vec<ChargeResponse>,
}

#[cw_serde]
pub struct SettleableResponse {
    pub lease_id: u64,
    /// Total that `settle` would pay now.
    pub amount: Uint128,
    /// Part of `amount` going to the treasury.
    pub fee: Uint128,
    /// Part of `amount` going to the provider.
    pub provider_amount: Uint128,
    pub units: Uint128,
}
