//! DAO: token holders stake the reward token, propose, vote and execute. The
//! DAO is the treasury, the owner of the other three contracts and their wasm admin.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, CosmosMsg, Decimal, Timestamp, Uint128};
use cw20::{Cw20Coin, Cw20ReceiveMsg};

pub use cw_controllers::ClaimsResponse;

use crate::denom::UncheckedDenom;
use crate::registry::RewardParams;
use crate::token::InstantiateMarketingInfo;

#[cw_serde]
pub struct InstantiateMsg {
    pub config: DaoConfig<String>,
    pub suite: SuiteInstantiate,
}

#[cw_serde]
pub struct DaoConfig<A = Addr> {
    /// Seconds a proposal is open for votes.
    pub voting_period: u64,
    /// Passes when `yes > threshold × (yes + no + no_with_veto)`.
    pub threshold: Decimal,
    /// Minimum turnout, as a fraction of the total power at the start height.
    pub quorum: Decimal,
    /// Rejected when `no_with_veto > veto_threshold × turnout`.
    pub veto_threshold: Decimal,
    /// Exact suite-token deposit a proposal needs (0 = none, then `propose` is used directly).
    pub proposal_deposit: Uint128,
    /// Seconds between `unstake` and the claim becoming payable.
    pub unstaking_period: u64,
    /// Seconds between passing and the earliest `execute`.
    pub timelock: u64,
    /// May veto a passed proposal during its timelock.
    pub guardian: Option<A>,
}

/// The other three contracts, created by the DAO's own instantiate.
#[cw_serde]
pub struct SuiteInstantiate {
    pub token_code_id: u64,
    pub registry_code_id: u64,
    pub escrow_code_id: u64,
    pub token: TokenParams,
    pub registry: RegistryParams,
    pub escrow: EscrowParams,
}

#[cw_serde]
pub struct TokenParams {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub initial_balances: Vec<Cw20Coin>,
    /// Hard supply cap.
    pub cap: Option<Uint128>,
    pub marketing: Option<InstantiateMarketingInfo>,
}

#[cw_serde]
pub struct RegistryParams {
    /// Missing: the suite's own token.
    pub stake_denom: Option<UncheckedDenom>,
    pub min_stake: Uint128,
    pub unbonding_period: u64,
    pub max_slash: Decimal,
    pub oracles: Vec<String>,
    pub rewards: RewardParams,
}

#[cw_serde]
pub struct EscrowParams {
    pub fee_bps: u16,
    pub dispute_window: u64,
    pub accepted_denoms: Vec<UncheckedDenom>,
    pub arbiters: Option<Vec<String>>,
    /// Also accept the suite's own token (its address does not exist before
    /// the DAO creates it, so `accepted_denoms` cannot name it). Default: false.
    #[serde(default)]
    pub accept_suite_token: Option<bool>,
    /// The escrow's `min_close_grace` (default: one hour).
    #[serde(default)]
    pub min_close_grace: Option<u64>,
}

#[cw_serde]
pub struct ProposeMsg {
    pub title: String,
    pub description: String,
    pub msgs: Vec<CosmosMsg>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum Vote {
    Yes,
    No,
    Abstain,
    NoWithVeto,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// cw20 hook, accepted only from the suite token; wraps [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// Propose without a deposit (only when `proposal_deposit` is zero).
    Propose(ProposeMsg),
    /// Starts unstaking; a claim is released after `unstaking_period`.
    Unstake {
        amount: Uint128,
    },
    /// Pays the sender's matured claims.
    Claim {},
    Vote {
        proposal_id: u64,
        vote: Vote,
    },
    /// Anyone, after `passed` and the timelock.
    Execute {
        proposal_id: u64,
    },
    /// Anyone, once the outcome is final: settles the status and the deposit.
    Close {
        proposal_id: u64,
    },
    /// The guardian, during the timelock.
    Veto {
        proposal_id: u64,
    },
    /// The DAO itself only, through a proposal.
    UpdateConfig(DaoConfigUpdate),
    /// INTERNAL: sent by the DAO to itself by `execute`, as one submessage
    /// whose failure marks the proposal `execution_failed`; it returns the
    /// proposal's messages, so they succeed or fail together. Refused from any
    /// other sender, and from the DAO itself unless `execute` of this very
    /// proposal is in progress.
    Dispatch {
        proposal_id: u64,
    },
    /// Fails unless the DAO still holds, in the suite token, every staked
    /// token, unpaid claim and unsettled deposit. `dispatch` appends it after
    /// a proposal's messages, so no proposal can spend members' stake or
    /// deposits (such a proposal ends `execution_failed`). Read-only: harmless
    /// from any sender.
    CheckReserves {},
}

/// The message a cw20 `send` to the DAO wraps.
#[cw_serde]
pub enum ReceiveMsg {
    Stake {},
    /// The sent amount must equal `proposal_deposit`.
    Propose(ProposeMsg),
}

#[cw_serde]
#[derive(Default)]
pub struct DaoConfigUpdate {
    pub voting_period: Option<u64>,
    pub threshold: Option<Decimal>,
    pub quorum: Option<Decimal>,
    pub veto_threshold: Option<Decimal>,
    pub proposal_deposit: Option<Uint128>,
    pub unstaking_period: Option<u64>,
    pub timelock: Option<u64>,
    pub guardian: Option<String>,
    /// Removes the guardian.
    pub remove_guardian: Option<bool>,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(DaoConfig)]
    Config {},
    #[returns(SuiteResponse)]
    Suite {},
    #[returns(ProposalResponse)]
    Proposal { proposal_id: u64 },
    #[returns(ProposalsResponse)]
    Proposals {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(VoteResponse)]
    Vote { proposal_id: u64, voter: String },
    #[returns(VotesResponse)]
    Votes {
        proposal_id: u64,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Staked power of `address` at the start of block `height` (default: now).
    #[returns(VotingPowerResponse)]
    VotingPower {
        address: String,
        height: Option<u64>,
    },
    #[returns(TotalPowerResponse)]
    TotalPower { height: Option<u64> },
    #[returns(ClaimsResponse)]
    Claims { address: String },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct SuiteResponse {
    pub token: Addr,
    pub registry: Addr,
    pub escrow: Addr,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProposalStatus {
    Open,
    Passed,
    Rejected,
    Executed,
    ExecutionFailed,
    Vetoed,
    Closed,
}

impl ProposalStatus {
    /// The status as it appears in JSON and in event attributes.
    pub fn as_str(&self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Passed => "passed",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Executed => "executed",
            ProposalStatus::ExecutionFailed => "execution_failed",
            ProposalStatus::Vetoed => "vetoed",
            ProposalStatus::Closed => "closed",
        }
    }
}

#[cw_serde]
#[derive(Default)]
pub struct Tally {
    pub yes: Uint128,
    pub no: Uint128,
    pub abstain: Uint128,
    pub no_with_veto: Uint128,
}

#[cw_serde]
pub struct ProposalResponse {
    pub id: u64,
    pub title: String,
    pub description: String,
    pub proposer: Addr,
    pub msgs: Vec<CosmosMsg>,
    pub status: ProposalStatus,
    /// Voting power is read at the start of this block.
    pub start_height: u64,
    pub start_time: Timestamp,
    pub voting_ends_at: Timestamp,
    /// Set when the proposal passed: `execute` is allowed from here on (the
    /// end of the timelock; for an `upgrade`, also of the exit window).
    pub executable_at: Option<Timestamp>,
    /// The proposal carries a wasm `migrate` or `update_admin`: it is
    /// executable only once `voting_ends_at + unstaking_period` (read now) and
    /// the unstaking floor have passed, so every member who started leaving
    /// before voting ended has claimed first. The guardian may veto until then.
    pub upgrade: bool,
    pub total_power: Uint128,
    pub tally: Tally,
    pub deposit: Uint128,
    /// True once the deposit went back to the proposer.
    pub deposit_refunded: bool,
    /// The error of the message that failed, for `execution_failed`.
    pub execution_error: Option<String>,
}

#[cw_serde]
pub struct ProposalsResponse {
    pub proposals: Vec<ProposalResponse>,
}

#[cw_serde]
pub struct VoteInfo {
    pub voter: Addr,
    pub vote: Vote,
    pub power: Uint128,
}

#[cw_serde]
pub struct VoteResponse {
    pub vote: Option<VoteInfo>,
}

#[cw_serde]
pub struct VotesResponse {
    pub votes: Vec<VoteInfo>,
}

#[cw_serde]
pub struct VotingPowerResponse {
    pub address: Addr,
    pub height: u64,
    pub power: Uint128,
}

#[cw_serde]
pub struct TotalPowerResponse {
    pub height: u64,
    pub power: Uint128,
}
