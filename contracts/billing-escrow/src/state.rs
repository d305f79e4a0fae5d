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
    #[serde(rename = "m", alias = "metered")]
    Metered(MeteredBilling),
    #[serde(rename = "s", alias = "streaming")]
    Streaming(StreamingBilling),
    #[serde(rename = "r", alias = "receipts")]
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
    #[serde(rename = "n", alias = "next_charge_id")]
    pub next_charge_id: u64,
    /// ChargeTotals over every charge reported so far.
    #[serde(rename = "t", alias = "total")]
    pub total: ChargeTotals,
    /// Last charge id a settle has passed (0 = none).
    #[serde(rename = "th", alias = "settled_through")]
    pub settled_through: u64,
    /// `total` as it was at charge `settled_through`.
    #[serde(rename = "sd", alias = "settled")]
    pub settled: ChargeTotals,
    /// Upheld disputed charges not paid yet.
    #[serde(rename = "up", alias = "upheld")]
    pub upheld: ChargeTotals,
    /// Disputes not resolved yet.
    #[serde(rename = "od", alias = "open_disputes")]
    pub open_disputes: u64,
    /// Number of settles that paid upheld charges; tells paid upheld charges apart.
    #[serde(rename = "sc", alias = "settle_count")]
    pub settle_count: u64,
}

#[cw_serde]
pub struct StreamingBilling {
    #[serde(rename = "r", alias = "rate_per_second")]
    pub rate_per_second: Uint128,
    /// Accrual is billed up to here; `None` until the provider accepts.
    #[serde(rename = "a", alias = "accrued_until")]
    pub accrued_until: Option<Timestamp>,
    /// Seconds accrued (in `reserved`) and not settled yet.
    #[serde(rename = "u", alias = "unsettled_seconds")]
    pub unsettled_seconds: Uint128,
}

#[cw_serde]
pub struct ReceiptsBilling {
    /// 33-byte compressed secp256k1 key of the consumer.
    #[serde(rename = "k", alias = "consumer_pubkey")]
    pub consumer_pubkey: Binary,
    /// Units paid so far (0 = none): a receipt pays only the part of its
    /// `cumulative_units` above this, and a receipt the funds covered only in
    /// part leaves it below the receipt's `cumulative_units`.
    #[serde(rename = "u", alias = "redeemed_units")]
    pub redeemed_units: Uint128,
}

/// A lease as stored. It is written at every report, redemption and settle,
/// and every stored byte costs 30 gas, so it (with its billing, its charges
/// and their totals) is stored under short JSON names; each field's full
/// name is its alias, so leases saved by earlier releases still load.
/// Queries answer with the full names ([`depin_interface::escrow::LeaseResponse`]).
#[cw_serde]
pub struct Lease {
    #[serde(rename = "c", alias = "consumer")]
    pub consumer: Addr,
    #[serde(rename = "p", alias = "provider")]
    pub provider: Addr,
    #[serde(rename = "d", alias = "denom")]
    pub denom: Denom,
    #[serde(rename = "pu", alias = "price_per_unit")]
    pub price_per_unit: Uint128,
    #[serde(rename = "w", alias = "dispute_window")]
    pub dispute_window: u64,
    #[serde(rename = "s", alias = "state")]
    pub state: LeaseState,
    #[serde(rename = "dp", alias = "deposited")]
    pub deposited: Uint128,
    #[serde(rename = "pd", alias = "paid")]
    pub paid: Uint128,
    #[serde(rename = "r", alias = "reserved")]
    pub reserved: Uint128,
    #[serde(rename = "a", alias = "available")]
    pub available: Uint128,
    #[serde(rename = "rf", alias = "refunded")]
    pub refunded: Uint128,
    #[serde(rename = "u", alias = "units")]
    pub units: Uint128,
    #[serde(rename = "o", alias = "opened_at")]
    pub opened_at: Timestamp,
    #[serde(
        rename = "st",
        alias = "started_at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub started_at: Option<Timestamp>,
    #[serde(
        rename = "cl",
        alias = "closed_at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub closed_at: Option<Timestamp>,
    #[serde(
        rename = "ls",
        alias = "last_settled_at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_settled_at: Option<Timestamp>,
    /// A `closing` metered or receipts lease completes its close from here on
    /// (the provider's grace to report final usage or redeem its last receipts
    /// after the consumer closes).
    #[serde(
        rename = "ca",
        alias = "close_after",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub close_after: Option<Timestamp>,
    #[serde(rename = "b", alias = "book")]
    pub billing: Billing,
    /// What the lease's fees so far took above their exact value, in
    /// ten-thousandths of a unit (below 10000): see `sums::fee_with_carry`.
    /// Leases saved before it existed start at 0.
    #[serde(rename = "f", alias = "fee_carry", default)]
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
    #[serde(rename = "u", alias = "units")]
    pub units: Uint128,
    #[serde(rename = "a", alias = "amount")]
    pub amount: Uint128,
    #[serde(rename = "b", alias = "fee_bps")]
    pub fee_bps: u16,
    /// `ceil(amount × fee_bps / 10000)` (rounded up), fixed when reported.
    #[serde(rename = "f", alias = "fee")]
    pub fee: Uint128,
    #[serde(rename = "c", alias = "created_at")]
    pub created_at: Timestamp,
    /// Seconds; the charge can be disputed strictly before, is payable from here on.
    #[serde(rename = "m", alias = "matures_at")]
    pub matures_at: u64,
    #[serde(
        rename = "d",
        alias = "dispute",
        default,
        skip_serializing_if = "Option::is_none"
    )]
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
    use super::*;
    use cosmwasm_std::{from_json, to_json_vec};

    /// A metered lease, a charge and a maturity entry as releases before the
    /// short names stored them.
    const LEGACY_LEASE: &str = r#"{"consumer":"wasm1consumer","provider":"wasm1provider","denom":{"native":"uusdc"},"price_per_unit":"10","dispute_window":3600,"state":"open","deposited":"1000000000","paid":"123456789","reserved":"7000000","available":"800000000","refunded":"0","units":"12345678","opened_at":"1764000000123456789","started_at":"1764000000123456789","closed_at":null,"last_settled_at":"1764000000123456789","close_after":null,"book":{"metered":{"next_charge_id":31,"total":{"amount":"7000000","fee":"175000","units":"1000000"},"settled_through":30,"settled":{"amount":"7000000","fee":"175000","units":"1000000"},"upheld":{"amount":"0","fee":"0","units":"0"},"open_disputes":0,"settle_count":0}},"fee_carry":1234}"#;
    const LEGACY_CHARGE: &str = r#"{"units":"1000","amount":"10000","fee_bps":250,"fee":"250","created_at":"1764000000123456789","matures_at":1764003600,"dispute":{"reason":"late","upheld":null,"upheld_at_settle":0,"held_by":"wasm1registry"}}"#;

    #[test]
    fn records_of_earlier_releases_load_and_are_stored_shorter() {
        let lease: Lease = from_json(LEGACY_LEASE).unwrap();
        assert_eq!(lease.provider, Addr::unchecked("wasm1provider"));
        assert_eq!(lease.fee_carry, 1234);
        assert_eq!(lease.closed_at, None);
        let Billing::Metered(billing) = &lease.billing else {
            panic!("metered");
        };
        assert_eq!(billing.next_charge_id, 31);
        assert_eq!(billing.total.fee, Uint128::new(175_000));
        let short = to_json_vec(&lease).unwrap();
        assert_eq!(from_json::<Lease>(&short).unwrap(), lease);
        // 695 bytes under the full names.
        assert_eq!((LEGACY_LEASE.len(), short.len()), (695, 439));
        let charge: Charge = from_json(LEGACY_CHARGE).unwrap();
        assert_eq!(charge.fee_bps, 250);
        assert_eq!(
            charge.dispute.as_ref().map(|d| d.reason.as_str()),
            Some("late")
        );
        let short = to_json_vec(&charge).unwrap();
        assert_eq!(from_json::<Charge>(&short).unwrap(), charge);
        let totals: ChargeTotals = from_json(r#"{"amount":"7","fee":"1","units":"3"}"#).unwrap();
        assert_eq!(
            to_json_vec(&totals).unwrap(),
            br#"{"a":"7","f":"1","u":"3"}"#
        );
    }

    #[test]
    fn namespaces_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for ns in NAMESPACES {
            assert!(seen.insert(*ns), "duplicate namespace {ns}");
        }
    }
}
