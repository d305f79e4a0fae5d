//! Every storage item of the DAO, with its namespace. Namespaces are short and
//! unique; [`NAMESPACES`] lists them for a uniqueness test.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, CosmosMsg, Decimal, Timestamp, Uint128};
use cw_controllers::Claims;
use cw_storage_plus::{Item, Map, SnapshotItem, SnapshotMap, Strategy};
use depin_interface::dao::{DaoConfig, EscrowParams, ProposalStatus, RegistryParams, Tally, Vote};

/// The DAO's parameters.
pub const CONFIG: Item<DaoConfig> = Item::new("cfg");

/// Addresses of the token, registry and escrow; set by the last bootstrap reply.
#[cw_serde]
pub struct Suite {
    pub token: Addr,
    pub registry: Addr,
    pub escrow: Addr,
}
pub const SUITE: Item<Suite> = Item::new("suite");

/// What the bootstrap replies still need; removed once the suite is wired.
#[cw_serde]
pub struct Bootstrap {
    pub registry_code_id: u64,
    pub escrow_code_id: u64,
    pub registry: RegistryParams,
    pub escrow: EscrowParams,
    pub token: Option<Addr>,
    pub registry_addr: Option<Addr>,
}
pub const BOOTSTRAP: Item<Bootstrap> = Item::new("boot");

/// Staked suite tokens per member, snapshotted every block: read at a
/// height, it gives the stake at the start of that block.
pub const STAKES: SnapshotMap<&Addr, Uint128> =
    SnapshotMap::new("st", "st_c", "st_l", Strategy::EveryBlock);

/// Sum of all stakes, snapshotted like [`STAKES`].
pub const TOTAL_STAKE: SnapshotItem<Uint128> =
    SnapshotItem::new("ts", "ts_c", "ts_l", Strategy::EveryBlock);

/// Suite tokens the DAO holds for others: stake + unpaid claims + deposits
/// not settled yet. The rest of its suite-token balance is treasury.
pub const RESERVED: Item<Uint128> = Item::new("rs");

/// Unstaked tokens waiting for `unstaking_period`.
pub const CLAIMS: Claims = Claims::new("cl");

/// No upgrade executes before this time. `update_config` raises it to
/// `now + old unstaking_period` whenever it lowers the unstaking period, so
/// every claim made under the longer period matures before any upgrade.
pub const UNSTAKING_FLOOR: Item<Timestamp> = Item::new("uf");

/// The voting rules a proposal was created under; later config changes never
/// apply to it.
#[cw_serde]
pub struct Rules {
    pub threshold: Decimal,
    pub quorum: Decimal,
    pub veto_threshold: Decimal,
    pub timelock: u64,
}

#[cw_serde]
pub struct Proposal {
    pub id: u64,
    pub title: String,
    pub description: String,
    pub proposer: Addr,
    pub msgs: Vec<CosmosMsg>,
    /// Stored status: `Open` until an action settles it (`Executed`,
    /// `ExecutionFailed`, `Vetoed`, `Closed`); `Passed`/`Rejected` are computed.
    pub status: ProposalStatus,
    pub start_height: u64,
    pub start_time: Timestamp,
    pub voting_ends_at: Timestamp,
    /// Set when a vote made the outcome final before `voting_ends_at`.
    pub decided_at: Option<Timestamp>,
    pub total_power: Uint128,
    pub tally: Tally,
    pub rules: Rules,
    pub deposit: Uint128,
    pub deposit_refunded: bool,
    pub execution_error: Option<String>,
}
pub const PROPOSALS: Map<u64, Proposal> = Map::new("p");
/// Id of the last proposal created.
pub const PROPOSAL_COUNT: Item<u64> = Item::new("pc");

#[cw_serde]
pub struct Ballot {
    pub vote: Vote,
    pub power: Uint128,
}
pub const VOTES: Map<(u64, &Addr), Ballot> = Map::new("v");

/// The proposal whose messages `execute` is dispatching right now; only
/// then does the internal `dispatch` message run.
pub const DISPATCHING: Item<u64> = Item::new("dx");

/// Every namespace above (snapshot changelogs and checkpoints included).
pub const NAMESPACES: &[&str] = &[
    "cfg", "suite", "boot", "st", "st_c", "st_l", "ts", "ts_c", "ts_l", "rs", "cl", "uf", "p",
    "pc", "v", "dx",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_unique() {
        let mut sorted = NAMESPACES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NAMESPACES.len());
    }
}
