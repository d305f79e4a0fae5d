//! A proposal's status, computed from its stored state, tally and the time.

use cosmwasm_std::{StdResult, Storage, Timestamp};
use depin_interface::dao::{ProposalResponse, ProposalStatus};

use crate::error::ContractError;
use crate::rules;
use crate::state::{Proposal, CONFIG, PROPOSALS, UNSTAKING_FLOOR};
use crate::tally::{self, Outcome};

/// What an upgrade's exit window depends on, read when it is computed (not
/// when the proposal was created), so a later change of the unstaking period
/// applies to every pending upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitWindow {
    pub unstaking_period: u64,
    /// See [`UNSTAKING_FLOOR`].
    pub floor: Option<Timestamp>,
}

impl ExitWindow {
    pub fn load(storage: &dyn Storage) -> StdResult<Self> {
        Ok(ExitWindow {
            unstaking_period: CONFIG.load(storage)?.unstaking_period,
            floor: UNSTAKING_FLOOR.may_load(storage)?,
        })
    }
}

impl Proposal {
    /// The tally's verdict, once final: decided early by a vote, or voting ended.
    pub fn final_outcome(&self, now: Timestamp) -> Option<Outcome> {
        if self.decided_at.is_some() || now >= self.voting_ends_at {
            Some(tally::outcome(&self.tally, self.total_power, &self.rules))
        } else {
            None
        }
    }

    /// When the outcome became final (`decided_at`, else the end of voting).
    pub fn decided_time(&self) -> Timestamp {
        self.decided_at.unwrap_or(self.voting_ends_at)
    }

    /// Carries a wasm `migrate` or `update_admin` (of any contract).
    pub fn is_upgrade(&self) -> bool {
        self.msgs.iter().any(rules::is_upgrade)
    }

    /// For a proposal whose tally passed: passing time + timelock; for an
    /// upgrade, also no earlier than `voting_ends_at + unstaking_period` and
    /// the unstaking floor. A member who starts leaving at any time before
    /// voting ends (its vote still counts: power is read at the start height)
    /// has its claim matured before the upgrade can execute.
    pub fn executable_at(&self, now: Timestamp, exit: &ExitWindow) -> Option<Timestamp> {
        match self.final_outcome(now) {
            Some(Outcome::Passed) => {
                let timelock_over = self.decided_time().plus_seconds(self.rules.timelock);
                if !self.is_upgrade() {
                    return Some(timelock_over);
                }
                let window_over = self.voting_ends_at.plus_seconds(exit.unstaking_period);
                Some(
                    timelock_over
                        .max(window_over)
                        .max(exit.floor.unwrap_or_default()),
                )
            }
            _ => None,
        }
    }

    /// The status at `now`: a stored settled status wins; otherwise the tally decides.
    pub fn current_status(&self, now: Timestamp) -> ProposalStatus {
        match self.status {
            ProposalStatus::Open | ProposalStatus::Passed | ProposalStatus::Rejected => {
                match self.final_outcome(now) {
                    None => ProposalStatus::Open,
                    Some(Outcome::Passed) => ProposalStatus::Passed,
                    Some(_) => ProposalStatus::Rejected,
                }
            }
            settled => settled,
        }
    }

    pub fn to_response(&self, now: Timestamp, exit: &ExitWindow) -> ProposalResponse {
        ProposalResponse {
            id: self.id,
            title: self.title.clone(),
            description: self.description.clone(),
            proposer: self.proposer.clone(),
            msgs: self.msgs.clone(),
            status: self.current_status(now),
            start_height: self.start_height,
            start_time: self.start_time,
            voting_ends_at: self.voting_ends_at,
            executable_at: self.executable_at(now, exit),
            upgrade: self.is_upgrade(),
            total_power: self.total_power,
            tally: self.tally.clone(),
            deposit: self.deposit,
            deposit_refunded: self.deposit_refunded,
            execution_error: self.execution_error.clone(),
        }
    }
}

pub fn load_proposal(storage: &dyn Storage, proposal_id: u64) -> Result<Proposal, ContractError> {
    PROPOSALS
        .may_load(storage, proposal_id)?
        .ok_or(ContractError::ProposalNotFound { proposal_id })
}
