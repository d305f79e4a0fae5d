//! Read-only handlers: one function per query, dispatched by `query`.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Env, Order, StdError, StdResult};
use cw_controllers::ClaimsResponse;
use cw_storage_plus::Bound;
use cw_utils::maybe_addr;
use depin_interface::dao::{
    ProposalResponse, ProposalsResponse, QueryMsg, SuiteResponse, TotalPowerResponse, VoteInfo,
    VoteResponse, VotesResponse, VotingPowerResponse,
};
use depin_interface::pagination::page_limit;

use crate::proposal::ExitWindow;
use crate::state::{Ballot, CLAIMS, CONFIG, PROPOSALS, STAKES, SUITE, TOTAL_STAKE, VOTES};

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::Suite {} => to_json_binary(&suite(deps)?),
        QueryMsg::Proposal { proposal_id } => to_json_binary(&proposal(deps, env, proposal_id)?),
        QueryMsg::Proposals { start_after, limit } => {
            to_json_binary(&proposals(deps, env, start_after, limit)?)
        }
        QueryMsg::Vote { proposal_id, voter } => to_json_binary(&vote(deps, proposal_id, voter)?),
        QueryMsg::Votes {
            proposal_id,
            start_after,
            limit,
        } => to_json_binary(&votes(deps, proposal_id, start_after, limit)?),
        QueryMsg::VotingPower { address, height } => {
            to_json_binary(&voting_power(deps, env, address, height)?)
        }
        QueryMsg::TotalPower { height } => to_json_binary(&total_power(deps, env, height)?),
        QueryMsg::Claims { address } => to_json_binary(&claims(deps, address)?),
    }
}

fn suite(deps: Deps) -> StdResult<SuiteResponse> {
    let suite = SUITE.load(deps.storage)?;
    Ok(SuiteResponse {
        token: suite.token,
        registry: suite.registry,
        escrow: suite.escrow,
    })
}

fn proposal(deps: Deps, env: Env, proposal_id: u64) -> StdResult<ProposalResponse> {
    let proposal = PROPOSALS
        .may_load(deps.storage, proposal_id)?
        .ok_or_else(|| StdError::not_found(format!("proposal {proposal_id}")))?;
    let exit = ExitWindow::load(deps.storage)?;
    Ok(proposal.to_response(env.block.time, &exit))
}

fn proposals(
    deps: Deps,
    env: Env,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ProposalsResponse> {
    let exit = ExitWindow::load(deps.storage)?;
    let proposals = PROPOSALS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| item.map(|(_, p)| p.to_response(env.block.time, &exit)))
        .collect::<StdResult<_>>()?;
    Ok(ProposalsResponse { proposals })
}

fn vote_info(voter: Addr, ballot: Ballot) -> VoteInfo {
    VoteInfo {
        voter,
        vote: ballot.vote,
        power: ballot.power,
    }
}

fn vote(deps: Deps, proposal_id: u64, voter: String) -> StdResult<VoteResponse> {
    let voter = deps.api.addr_validate(&voter)?;
    let vote = VOTES
        .may_load(deps.storage, (proposal_id, &voter))?
        .map(|ballot| vote_info(voter, ballot));
    Ok(VoteResponse { vote })
}

fn votes(
    deps: Deps,
    proposal_id: u64,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<VotesResponse> {
    let start = maybe_addr(deps.api, start_after)?;
    let votes = VOTES
        .prefix(proposal_id)
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| item.map(|(voter, ballot)| vote_info(voter, ballot)))
        .collect::<StdResult<_>>()?;
    Ok(VotesResponse { votes })
}

/// Power at `height` (the snapshot a proposal counts), or now.
fn voting_power(
    deps: Deps,
    env: Env,
    address: String,
    height: Option<u64>,
) -> StdResult<VotingPowerResponse> {
    let address = deps.api.addr_validate(&address)?;
    let (height, power) = match height {
        Some(h) => (h, STAKES.may_load_at_height(deps.storage, &address, h)?),
        None => (env.block.height, STAKES.may_load(deps.storage, &address)?),
    };
    Ok(VotingPowerResponse {
        address,
        height,
        power: power.unwrap_or_default(),
    })
}

fn total_power(deps: Deps, env: Env, height: Option<u64>) -> StdResult<TotalPowerResponse> {
    let (height, power) = match height {
        Some(h) => (h, TOTAL_STAKE.may_load_at_height(deps.storage, h)?),
        None => (env.block.height, TOTAL_STAKE.may_load(deps.storage)?),
    };
    Ok(TotalPowerResponse {
        height,
        power: power.unwrap_or_default(),
    })
}

fn claims(deps: Deps, address: String) -> StdResult<ClaimsResponse> {
    let address = deps.api.addr_validate(&address)?;
    CLAIMS.query_claims(deps, &address)
}
