//! Settling a decided proposal: `execute`, the internal `dispatch`, `veto`
//! and `close`, and the deposit rule they all apply.

use cosmwasm_std::{
    wasm_execute, CosmosMsg, Deps, DepsMut, Env, MessageInfo, Response, Storage, SubMsg,
};
use cw20::{BalanceResponse, Cw20QueryMsg};
use depin_interface::dao::{ExecuteMsg, ProposalStatus};

use crate::error::ContractError;
use crate::funds::{release, token_transfer};
use crate::proposal::{load_proposal, ExitWindow};
use crate::reply::REPLY_EXECUTION_FAILED;
use crate::rules::{check_msgs, only_changes_guardian};
use crate::state::{Proposal, CONFIG, DISPATCHING, PROPOSALS, RESERVED, SUITE};
use crate::tally::Outcome;

/// The deposit rule, in one place: the deposit goes back to the proposer
/// unless the tally failed quorum or was vetoed by vote; then it stays in
/// the DAO treasury. A passed proposal refunds whether it is executed, fails
/// to execute or is vetoed by the guardian. Returns the refund message, if any.
/// Called once per proposal, by the action that ends it.
fn settle_deposit(
    storage: &mut dyn Storage,
    proposal: &mut Proposal,
    outcome: Outcome,
) -> Result<Option<CosmosMsg>, ContractError> {
    if proposal.deposit.is_zero() || proposal.deposit_refunded {
        return Ok(None);
    }
    // Settled either way: refunded, or now part of the treasury.
    release(storage, proposal.deposit)?;
    if !outcome.refunds_deposit() {
        return Ok(None);
    }
    proposal.deposit_refunded = true;
    let token = SUITE.load(storage)?.token;
    Ok(Some(token_transfer(
        &token,
        &proposal.proposer,
        proposal.deposit,
    )?))
}

/// Anyone, once the proposal passed and its timelock (for an upgrade, its
/// exit window) is over. The message rules of `propose` are checked again, for
/// proposals stored before a rule existed. The deposit is
/// refunded first, then the proposal's messages go out as ONE submessage to
/// the DAO itself (`dispatch`), so they succeed or fail together; on failure
/// the reply marks the proposal `execution_failed` and this call still succeeds.
pub fn execute(deps: DepsMut, env: Env, proposal_id: u64) -> Result<Response, ContractError> {
    let mut proposal = load_proposal(deps.storage, proposal_id)?;
    let now = env.block.time;
    match proposal.current_status(now) {
        ProposalStatus::Passed => {}
        status @ (ProposalStatus::Executed | ProposalStatus::ExecutionFailed) => {
            return Err(ContractError::AlreadyExecuted {
                proposal_id,
                status,
            })
        }
        status => {
            return Err(ContractError::NotPassed {
                proposal_id,
                status,
            })
        }
    }
    let executable_at = proposal
        .executable_at(now, &ExitWindow::load(deps.storage)?)
        .ok_or(ContractError::NotPassed {
            proposal_id,
            status: ProposalStatus::Passed,
        })?;
    if now < executable_at {
        return Err(ContractError::TimelockNotOver {
            proposal_id,
            executable_at,
            now,
        });
    }
    let token = SUITE.load(deps.storage)?.token;
    check_msgs(deps.api, &proposal.msgs, &token)?;
    proposal.status = ProposalStatus::Executed;
    let refund = settle_deposit(deps.storage, &mut proposal, Outcome::Passed)?;
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    DISPATCHING.save(deps.storage, &proposal_id)?;
    let dispatch = wasm_execute(
        &env.contract.address,
        &ExecuteMsg::Dispatch { proposal_id },
        vec![],
    )?;
    Ok(Response::new()
        .add_messages(refund)
        .add_submessage(SubMsg::reply_on_error(dispatch, REPLY_EXECUTION_FAILED))
        .add_attribute("action", "execute")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("deposit_refunded", proposal.deposit_refunded.to_string()))
}

/// Internal: the DAO itself, while `execute` of this proposal is in progress.
pub fn dispatch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "dispatch",
        });
    }
    if DISPATCHING.may_load(deps.storage)? != Some(proposal_id) {
        return Err(ContractError::NotDispatching { proposal_id });
    }
    DISPATCHING.remove(deps.storage);
    let proposal = load_proposal(deps.storage, proposal_id)?;
    let check_reserves =
        wasm_execute(&env.contract.address, &ExecuteMsg::CheckReserves {}, vec![])?;
    Ok(Response::new()
        .add_messages(proposal.msgs)
        .add_message(check_reserves)
        .add_attribute("action", "dispatch")
        .add_attribute("proposal_id", proposal_id.to_string()))
}

/// Fails unless the DAO's suite-token balance covers what it holds for others.
pub fn check_reserves(deps: Deps, env: Env) -> Result<Response, ContractError> {
    let token = SUITE.load(deps.storage)?.token;
    let balance: BalanceResponse = deps.querier.query_wasm_smart(
        token,
        &Cw20QueryMsg::Balance {
            address: env.contract.address.into_string(),
        },
    )?;
    let reserved = RESERVED.load(deps.storage)?;
    if balance.balance < reserved {
        return Err(ContractError::ReservesSpent {
            balance: balance.balance,
            reserved,
        });
    }
    Ok(Response::new()
        .add_attribute("action", "check_reserves")
        .add_attribute("reserved", reserved)
        .add_attribute("balance", balance.balance))
}

/// The guardian, while a passed proposal waits for its timelock (for an
/// upgrade, its whole exit window). The deposit
/// is refunded: the proposer won the vote.
pub fn veto(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    let guardian = CONFIG
        .load(deps.storage)?
        .guardian
        .ok_or(ContractError::NoGuardian {})?;
    if info.sender != guardian {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "veto",
        });
    }
    let mut proposal = load_proposal(deps.storage, proposal_id)?;
    let now = env.block.time;
    let status = proposal.current_status(now);
    let in_timelock = proposal
        .executable_at(now, &ExitWindow::load(deps.storage)?)
        .is_some_and(|at| now < at);
    if status != ProposalStatus::Passed || !in_timelock {
        return Err(ContractError::NotVetoable {
            proposal_id,
            status,
        });
    }
    if only_changes_guardian(&env.contract.address, &proposal.msgs) {
        return Err(ContractError::GuardianChangeNotVetoable { proposal_id });
    }
    proposal.status = ProposalStatus::Vetoed;
    let refund = settle_deposit(deps.storage, &mut proposal, Outcome::Passed)?;
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_messages(refund)
        .add_attribute("action", "veto")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("guardian", info.sender)
        .add_attribute("deposit_refunded", proposal.deposit_refunded.to_string()))
}

/// Anyone, once a proposal is rejected: marks it `closed` and settles the
/// deposit by the deposit rule.
pub fn close(deps: DepsMut, env: Env, proposal_id: u64) -> Result<Response, ContractError> {
    let mut proposal = load_proposal(deps.storage, proposal_id)?;
    let now = env.block.time;
    let status = proposal.current_status(now);
    let (ProposalStatus::Rejected, Some(outcome)) = (status, proposal.final_outcome(now)) else {
        return Err(ContractError::NotRejected {
            proposal_id,
            status,
        });
    };
    proposal.status = ProposalStatus::Closed;
    let refund = settle_deposit(deps.storage, &mut proposal, outcome)?;
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_messages(refund)
        .add_attribute("action", "close")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("outcome", outcome_name(outcome))
        .add_attribute("deposit_refunded", proposal.deposit_refunded.to_string()))
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Rejected => "rejected",
        Outcome::FailedQuorum => "failed_quorum",
        Outcome::Vetoed => "vetoed",
    }
}
