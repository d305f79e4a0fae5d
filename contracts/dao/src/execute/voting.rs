//! Voting: one vote per member per proposal, weighted by the stake at the
//! start of the proposal's start block. A vote cannot be changed: members
//! cast it once, and an early close can then rely on the votes cast.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use depin_interface::dao::{ProposalStatus, Vote};

use crate::error::ContractError;
use crate::proposal::load_proposal;
use crate::state::{Ballot, PROPOSALS, STAKES, VOTES};
use crate::tally;

pub fn vote(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
    vote: Vote,
) -> Result<Response, ContractError> {
    let mut proposal = load_proposal(deps.storage, proposal_id)?;
    let status = proposal.current_status(env.block.time);
    if status != ProposalStatus::Open {
        return Err(ContractError::VotingClosed {
            proposal_id,
            status,
        });
    }
    if VOTES.has(deps.storage, (proposal_id, &info.sender)) {
        return Err(ContractError::AlreadyVoted {
            proposal_id,
            voter: info.sender.into_string(),
        });
    }
    let power = STAKES
        .may_load_at_height(deps.storage, &info.sender, proposal.start_height)?
        .unwrap_or_default();
    if power.is_zero() {
        return Err(ContractError::NoVotingPower {
            address: info.sender.into_string(),
            height: proposal.start_height,
        });
    }
    let t = &mut proposal.tally;
    let slot = match vote {
        Vote::Yes => &mut t.yes,
        Vote::No => &mut t.no,
        Vote::Abstain => &mut t.abstain,
        Vote::NoWithVeto => &mut t.no_with_veto,
    };
    *slot = slot.checked_add(power)?;
    VOTES.save(
        deps.storage,
        (proposal_id, &info.sender),
        &Ballot { vote, power },
    )?;
    if tally::decided(&proposal.tally, proposal.total_power, &proposal.rules).is_some() {
        proposal.decided_at = Some(env.block.time);
    }
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    let status = proposal.current_status(env.block.time);
    Ok(Response::new()
        .add_attribute("action", "vote")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("voter", info.sender)
        .add_attribute("vote", vote_name(vote))
        .add_attribute("power", power)
        .add_attribute("status", status.as_str()))
}

fn vote_name(vote: Vote) -> &'static str {
    match vote {
        Vote::Yes => "yes",
        Vote::No => "no",
        Vote::Abstain => "abstain",
        Vote::NoWithVeto => "no_with_veto",
    }
}
