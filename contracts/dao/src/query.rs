//! Read-only handlers.

use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order, StdError, StdResult};
use cw_storage_plus::Bound;
use cw_utils::maybe_addr;
use depin_interface::dao::{
    ProposalsResponse, QueryMsg, SuiteResponse, TotalPowerResponse, VoteInfo, VoteResponse,
    VotesResponse, VotingPowerResponse,
};
use depin_interface::pagination::page_limit;

use crate::proposal::ExitWindow;
use crate::state::{CLAIMS, CONFIG, PROPOSALS, STAKES, SUITE, TOTAL_STAKE, VOTES};

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::Suite {} => {
            let suite = SUITE.load(deps.storage)?;
            to_json_binary(&SuiteResponse {
                token: suite.token,
                registry: suite.registry,
                escrow: suite.escrow,
            })
        }
        QueryMsg::Proposal { proposal_id } => {
            let proposal = PROPOSALS
                .may_load(deps.storage, proposal_id)?
                .ok_or_else(|| StdError::not_found(format!("proposal {proposal_id}")))?;
            let exit = ExitWindow::load(deps.storage)?;
            to_json_binary(&proposal.to_response(env.block.time, &exit))
        }
        QueryMsg::Proposals { start_after, limit } => {
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
            to_json_binary(&ProposalsResponse { proposals })
        }
        QueryMsg::Vote { proposal_id, voter } => {
            let voter = deps.api.addr_validate(&voter)?;
            let vote = VOTES
                .may_load(deps.storage, (proposal_id, &voter))?
                .map(|b| VoteInfo {
                    voter,
                    vote: b.vote,
                    power: b.power,
                });
            to_json_binary(&VoteResponse { vote })
        }
        QueryMsg::Votes {
            proposal_id,
            start_after,
            limit,
        } => {
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
                .map(|item| {
                    item.map(|(voter, b)| VoteInfo {
                        voter,
                        vote: b.vote,
                        power: b.power,
                    })
                })
                .collect::<StdResult<_>>()?;
            to_json_binary(&VotesResponse { votes })
        }
        QueryMsg::VotingPower { address, height } => {
            let address = deps.api.addr_validate(&address)?;
            let (height, power) = match height {
                Some(h) => (h, STAKES.may_load_at_height(deps.storage, &address, h)?),
                None => (env.block.height, STAKES.may_load(deps.storage, &address)?),
            };
            to_json_binary(&VotingPowerResponse {
                address,
                height,
                power: power.unwrap_or_default(),
            })
        }
        QueryMsg::TotalPower { height } => {
            let (height, power) = match height {
                Some(h) => (h, TOTAL_STAKE.may_load_at_height(deps.storage, h)?),
                None => (env.block.height, TOTAL_STAKE.may_load(deps.storage)?),
            };
            to_json_binary(&TotalPowerResponse {
                height,
                power: power.unwrap_or_default(),
            })
        }
        QueryMsg::Claims { address } => {
            let address = deps.api.addr_validate(&address)?;
            to_json_binary(&CLAIMS.query_claims(deps, &address)?)
        }
    }
}
