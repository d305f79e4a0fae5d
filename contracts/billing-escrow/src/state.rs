//! Every storage item of the escrow, with its namespace, in one place.
//!
//! Items are `pub` so a benchmark harness can seed state directly.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use depin_interface::escrow::{BillingMode, LeaseState};
use depin_interface::Denom;

use crate::sums::ChargeTotals;

#[cw_serde]
pub struct Config {
    pub dao: Addr,
    pub registry: Addr,
    pub treasury: Addr,
    pub fee_bps: u16,
    pub dispute_window: u64,
    /// The provider's least grace after a consumer closes a metered or
    /// receipts lease. Configs saved before it existed read one hour.
    #[serde(default = "default_min_close_grace")]
    pub min_close_grace: u64,
    pub accepted_denoms: Vec<Denom>,
    pub arbiters: Vec<Addr>,
}

fn default_min_close_grace() -> u64 {
    depin_interface::escrow::DEFAULT_MIN_CLOSE_GRACE
}

/// How a lease is billed, with the running state of its mode.
#[cw_serde]
pub enum Billing {
    Metered(MeteredBilling),
    Streaming(StreamingBilling),
    Receipts(ReceiptsBilling),
}

impl Billing {
    /// The mode's name, as [`BillingMode::as_str`] gives it.
    pub fn mode_name(&self) -> &'static str {
        match self {
            Billing::Metered(_) => BillingMode::METERED,
            Billing::Streaming(_) => BillingMode::STREAMING,
            Billing::Receipts(_) => BillingMode::RECEIPTS,
        }
    }
}

/// Running totals of a metered lease. Charges mature in charge-id order
/// (`matures_at = created_at + lease.dispute_window`), so "everything matured"
/// is a prefix of the charges and settling pays a difference of prefix totals.
#[cw_serde]
#[derive(Default)]
pub struct MeteredBilling {
    /// Id the next charge gets (ids start at 1).
    pub next_charge_id: u64,
    /// ChargeTotals over every charge reported so far.
    pub total: ChargeTotals,
    /// Last charge id a settle has passed (0 = none).
    pub settled_through: u64,
    /// `total` as it was at charge `settled_through`.
    pub settled: ChargeTotals,
    /// Upheld disputed charges not paid yet.
    pub upheld: ChargeTotals,
    /// Disputes not resolved yet.
    pub open_disputes: u64,
    /// Number of settles that paid upheld charges; tells paid upheld charges apart.
    pub settle_count: u64,
}

#[cw_serde]
pub struct StreamingBilling {
    pub rate_per_second: Uint128,
    /// Accrual is billed up to here; `None` until the provider accepts.
    pub accrued_until: Option<Timestamp>,
    /// Seconds accrued (in `reserved`) and not settled yet.
    pub unsettled_seconds: Uint128,
}

#[cw_serde]
pub struct ReceiptsBilling {
    /// 33-byte compressed secp256k1 key of the consumer.
    pub consumer_pubkey: Binary,
    /// Units paid so far (0 = none): a receipt pays only the part of its
    /// `cumulative_units` above this, and a receipt the funds covered only in
    /// part leaves it below the receipt's `cumulative_units`.
    pub redeemed_units: Uint128,
}

#[cw_serde]
pub struct Lease {
    pub consumer: Addr,
    pub provider: Addr,
    pub denom: Denom,
    pub price_per_unit: Uint128,
    pub dispute_window: u64,
    pub state: LeaseState,
    pub deposited: Uint128,
    pub paid: Uint128,
    pub reserved: Uint128,
    pub available: Uint128,
    pub refunded: Uint128,
    pub units: Uint128,
    pub opened_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub last_settled_at: Option<Timestamp>,
    /// A `closing` metered or receipts lease completes its close from here on
    /// (the provider's grace to report final usage or redeem its last receipts
    /// after the consumer closes).
    pub close_after: Option<Timestamp>,
    /// Stored under its former name, so leases saved before the rename still load.
    #[serde(rename = "book")]
    pub billing: Billing,
    /// What the lease's fees so far took above their exact value, in
    /// ten-thousandths of a unit (below 10000): see `sums::fee_with_carry`.
    /// Leases saved before it existed start at 0.
    #[serde(default)]
    pub fee_carry: u16,
}

/// A dispute on a charge.
#[cw_serde]
pub struct Dispute {
    pub reason: String,
    /// `None` while open; `Some(true)` upheld, `Some(false)` voided.
    pub upheld: Option<bool>,
    /// `MeteredBilling::settle_count` when the dispute was upheld: the charge is
    /// paid once the count has moved past it.
    pub upheld_at_settle: u64,
    /// The registry told `dispute_opened` (it holds the provider's stake);
    /// its release goes there. `None` for disputes opened before registries
    /// held stake for disputes, which have nothing to release.
    #[serde(default)]
    pub held_by: Option<Addr>,
}

#[cw_serde]
pub struct Charge {
    pub units: Uint128,
    pub amount: Uint128,
    pub fee_bps: u16,
    /// `ceil(amount × fee_bps / 10000)` (rounded up), fixed when reported.
    pub fee: Uint128,
    pub created_at: Timestamp,
    /// Seconds; the charge can be disputed strictly before, is payable from here on.
    pub matures_at: u64,
    pub dispute: Option<Dispute>,
}

pub struct LeaseIndexes<'a> {
    pub consumer: MultiIndex<'a, Addr, Lease, u64>,
    pub provider: MultiIndex<'a, Addr, Lease, u64>,
}

impl IndexList<Lease> for LeaseIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Lease>> + '_> {
        let v: Vec<&dyn Index<Lease>> = vec![&self.consumer, &self.provider];
        Box::new(v.into_iter())
    }
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Last lease id handed out (ids start at 1).
pub const LEASE_COUNT: Item<u64> = Item::new("lid");

pub fn leases<'a>() -> IndexedMap<u64, Lease, LeaseIndexes<'a>> {
    IndexedMap::new(
        "l",
        LeaseIndexes {
            consumer: MultiIndex::new(|_pk, l: &Lease| l.consumer.clone(), "l", "lc"),
            provider: MultiIndex::new(|_pk, l: &Lease| l.provider.clone(), "l", "lp"),
        },
    )
}

/// The primary records of [`leases`] alone (same namespace), for saving a
/// lease without rewriting its index entries.
pub const LEASE_RECORDS: Map<u64, Lease> = Map::new("l");

/// `(lease_id, charge_id)` → charge.
pub const CHARGES: Map<(u64, u64), Charge> = Map::new("ch");
/// `(lease_id, matures_at, charge_id)` → totals over every charge up to and
/// including this one. Settling seeks the last entry with `matures_at <= now`.
pub const MATURITY: Map<(u64, u64, u64), ChargeTotals> = Map::new("cm");
/// `(lease_id, matures_at, charge_id)` → the disputed charge's own totals, kept
/// until a settle boundary passes it (then subtracted from the prefix paid).
pub const DISPUTED: Map<(u64, u64, u64), ChargeTotals> = Map::new("cd");

/// Every namespace, for the uniqueness test.
pub const NAMESPACES: &[&str] = &["cfg", "lid", "l", "lc", "lp", "ch", "cm", "cd"];

#[cfg(test)]
mod tests {
    use super::NAMESPACES;

    #[test]
    fn namespaces_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for ns in NAMESPACES {
            assert!(seen.insert(*ns), "duplicate namespace {ns}");
        }
    }
}
