//! The typed rows the decoder produces, one struct per table, and their
//! generic form (column names and values) the writer inserts in bulk.
//!
//! Every row starts with [`At`]: the block height, the block's time (from the
//! block header, never the time of indexing), the transaction hash (none for
//! block events) and the row's position in the block. Its primary key `id` is
//! `height × 1 000 000 + seq`, so writing a block twice is a key violation, not
//! a double count.

use serde::Serialize;

/// Rows per block the `id` leaves room for.
pub const MAX_ROWS_PER_BLOCK: u32 = 1_000_000;

/// Where a row comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct At {
    pub height: u64,
    /// RFC 3339, as in the block header.
    pub block_time: String,
    /// Upper-case hex SHA-256 of the transaction; `None` for block events.
    pub tx_hash: Option<String>,
    /// The row's position among the block's rows.
    pub seq: u32,
}

impl At {
    pub fn id(&self) -> i64 {
        let id = u128::from(self.height) * u128::from(MAX_ROWS_PER_BLOCK) + u128::from(self.seq);
        i64::try_from(id).unwrap_or(i64::MAX)
    }
}

/// A column's value, with its SQL type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    /// Decimal digits, stored as `NUMERIC`.
    Numeric(Option<String>),
    Bool(Option<bool>),
}

/// Values a row field can hold.
pub trait IntoValue {
    fn into_value(self) -> Value;
}

impl IntoValue for u64 {
    fn into_value(self) -> Value {
        Value::Int(Some(i64::try_from(self).unwrap_or(i64::MAX)))
    }
}
impl IntoValue for Option<u64> {
    fn into_value(self) -> Value {
        Value::Int(self.map(|v| i64::try_from(v).unwrap_or(i64::MAX)))
    }
}
impl IntoValue for u128 {
    fn into_value(self) -> Value {
        Value::Numeric(Some(self.to_string()))
    }
}
impl IntoValue for Option<u128> {
    fn into_value(self) -> Value {
        Value::Numeric(self.map(|v| v.to_string()))
    }
}
impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::Text(Some(self))
    }
}
impl IntoValue for Option<String> {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
}
impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(Some(self))
    }
}
impl IntoValue for Option<bool> {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

/// A table's row type.
pub trait TableRow {
    const TABLE: &'static str;
    /// The columns after the common ones (`id, height, block_time, tx_hash`).
    const COLUMNS: &'static [&'static str];
    fn at(&self) -> &At;
    fn values(&self) -> Vec<Value>;
}

macro_rules! tables {
    ($(
        $(#[$meta:meta])*
        $name:ident => $table:literal { $($field:ident : $ty:ty),* $(,)? }
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
            pub struct $name {
                pub at: At,
                $(pub $field: $ty),*
            }

            impl TableRow for $name {
                const TABLE: &'static str = $table;
                const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
                fn at(&self) -> &At {
                    &self.at
                }
                fn values(&self) -> Vec<Value> {
                    vec![$(self.$field.clone().into_value()),*]
                }
            }
        )*

        /// One row of any table.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(tag = "table", rename_all = "snake_case")]
        pub enum Row {
            $($name($name)),*
        }

        impl Row {
            pub fn table(&self) -> &'static str {
                match self { $(Row::$name(_) => $table),* }
            }
            pub fn columns(&self) -> &'static [&'static str] {
                match self { $(Row::$name(_) => $name::COLUMNS),* }
            }
            pub fn at(&self) -> &At {
                match self { $(Row::$name(r) => &r.at),* }
            }
            pub fn values(&self) -> Vec<Value> {
                match self { $(Row::$name(r) => r.values()),* }
            }
        }

        $(
            impl From<$name> for Row {
                fn from(row: $name) -> Row {
                    Row::$name(row)
                }
            }
        )*

        /// Every table, in the order the writer inserts them.
        pub const TABLES: &[(&str, &[&str])] = &[$(($table, $name::COLUMNS)),*];
    };
}

tables! {
    /// Registry `register` (native stake or cw20 hook).
    Registration => "registrations" {
        provider: String, service: String, region: String, amount: u128, stake: u128,
    }
    /// Every registry action about one provider, with all its attributes (JSON).
    ProviderEvent => "provider_events" { provider: String, action: String, attributes: String }
    /// A provider status the registry emitted (`refresh`, `slash`, `unjail`; `deregister` → exiting).
    ProviderStatus => "provider_status" { provider: String, status: String, action: String }
    /// Bonded stake after `register`, `bond`, `unbond`, `slash`, `deregister` (`amount` is the change).
    StakeChange => "stake_changes" {
        provider: String, action: String, amount: u128, stake: u128, release_at_ns: Option<u64>,
    }
    /// Registry `claim`: matured unbonding claims paid out.
    StakeClaim => "stake_claims" { provider: String, amount: u128 }
    /// Registry `slash`.
    Slash => "slashes" {
        provider: String, by: String, fraction: String, bonded_slashed: u128,
        unbonding_slashed: u128, amount: u128, stake: u128, status: String, reason: String,
    }
    /// One provider proven live for an epoch (an oracle's `prove_liveness` item or a bootstrap heartbeat).
    Liveness => "liveness" { provider: String, epoch: u64, source: String, oracle: Option<String> }
    /// One `prove_liveness` message: its counts.
    LivenessBatch => "liveness_batches" {
        oracle: String, epoch: u64, proven: u64, duplicates: u64, rejected: u64,
    }
    /// Registry `record_usage` (one provider) or `record_usage_batch` (its totals: `provider` is none).
    UsageRecord => "usage_records" {
        provider: Option<String>, epoch: u64, units: u128, weighted_fees: Option<u128>,
        batch: bool, recorded: u64,
    }
    /// Registry `claim_rewards`: one row per provider paid.
    RewardClaim => "reward_claims" { provider: String, amount: u128, forfeited: u128 }
    /// Reward token `mint`.
    TokenMint => "token_mints" { recipient: String, amount: u128 }
    /// Escrow `open_lease`.
    Lease => "leases" {
        lease_id: u64, consumer: String, provider: String, billing: String, denom: String,
        deposit: u128, price_per_unit: u128,
    }
    /// A lease's other changes (`accept_lease`, `top_up`, `close_lease`, a settle's refund, `record_usage_failed`).
    LeaseEvent => "lease_events" {
        lease_id: Option<u64>, action: String, amount: Option<u128>, refunded: Option<u128>,
        state: Option<String>, error: Option<String>,
    }
    /// A metered charge (`report_usage`, or a batch's report item: its amount is not emitted).
    Charge => "charges" {
        lease_id: u64, charge_id: u64, units: u128, amount: Option<u128>, fee: Option<u128>,
        disputable_until_s: Option<u64>, batch: bool,
    }
    /// `dispute` and `resolve_dispute`.
    Dispute => "disputes" {
        lease_id: u64, charge_id: u64, action: String, amount: u128, uphold: Option<bool>,
        slash_fraction: Option<String>,
    }
    /// Money paid out of a lease: `amount` (gross) = provider's part + `fee`.
    Payment => "payments" {
        lease_id: u64, kind: String, units: Option<u128>, amount: u128, fee: Option<u128>,
        provider_amount: Option<u128>, batch: bool,
    }
    /// A receipt redeemed (single, or a batch item: cumulative units not emitted).
    ReceiptRedeemed => "receipts" {
        lease_id: u64, cumulative_units: Option<u128>, units: u128, amount: u128, fee: Option<u128>,
        batch: bool,
    }
    /// A batch item the escrow refused.
    BatchRefusal => "batch_refusals" { lease_id: u64, kind: String, error: String }
    /// DAO `stake`, `unstake`, `claim`.
    DaoStake => "dao_stakes" {
        staker: String, action: String, amount: u128, staked: Option<u128>,
        total_staked: Option<u128>, release_at_ns: Option<u64>,
    }
    /// DAO `propose`.
    Proposal => "proposals" {
        proposal_id: u64, proposer: String, deposit: u128, total_power: u128, voting_ends_at_ns: u64,
    }
    /// DAO `vote`: the status is the proposal's after the vote.
    Vote => "votes" { proposal_id: u64, voter: String, vote: String, power: u128, status: String }
    /// DAO `execute`, `execution_failed`, `veto`, `close`.
    ProposalEvent => "proposal_events" {
        proposal_id: u64, action: String, outcome: Option<String>, deposit_refunded: Option<bool>,
        error: Option<String>,
    }
}
