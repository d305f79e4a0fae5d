//! A proposal's status, computed from its stored state, tally and the time.

use cosmwasm_std::{Storage, Timestamp};
use depin_interface::dao::{ProposalResponse, ProposalStatus};

use crate::error::ContractError;
use crate::state::{Proposal, PROPOSALS};
use crate::tally::{self, Outcome};

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

    /// Passing time + timelock, for a proposal whose tally passed.
    pub fn executable_at(&self, now: Timestamp) -> Option<Timestamp> {
        match self.final_outcome(now) {
            Some(Outcome::Passed) => Some(self.decided_time().plus_seconds(self.rules.timelock)),
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

    pub fn to_response(&self, now: Timestamp) -> ProposalResponse {
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
            executable_at: self.executable_at(now),
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

/// The status as it appears in JSON and in event attributes.
pub fn status_name(status: ProposalStatus) -> &'static str {
    match status {
        ProposalStatus::Open => "open",
        ProposalStatus::Passed => "passed",
        ProposalStatus::Rejected => "rejected",
        ProposalStatus::Executed => "executed",
        ProposalStatus::ExecutionFailed => "execution_failed",
        ProposalStatus::Vetoed => "vetoed",
        ProposalStatus::Closed => "closed",
    }
}
