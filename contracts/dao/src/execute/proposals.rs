//! Creating proposals.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use depin_interface::dao::{ProposalStatus, ProposeMsg, Tally};
use depin_interface::validation::{validate_text, MAX_DESCRIPTION_LEN, MAX_LABEL_LEN};

use crate::error::ContractError;
use crate::funds::reserve;
use crate::rules::{check_msgs, require_outside_suite};
use crate::state::{
    Proposal, Rules, CONFIG, PROPOSALS, PROPOSAL_COUNT, STAKES, SUITE, TOTAL_STAKE,
};

/// Longest title, in bytes.
pub const MAX_TITLE_LEN: usize = MAX_LABEL_LEN;
/// Most messages one proposal carries.
pub const MAX_MSGS: usize = 32;

/// `propose` without a deposit: allowed only while `proposal_deposit` is zero.
pub fn propose_direct(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ProposeMsg,
) -> Result<Response, ContractError> {
    let required = CONFIG.load(deps.storage)?.proposal_deposit;
    if !required.is_zero() {
        return Err(ContractError::DepositRequired { required });
    }
    propose(deps, env, info.sender, msg, Uint128::zero())
}

/// Creates a proposal. Voting power and total power are read at the start of
/// the current block (`start_height`), so the proposer needs stake from an
/// earlier block, and stake added in this block or later never votes on it.
/// Messages that could reach members' funds are refused (`rules.rs`).
pub fn propose(
    deps: DepsMut,
    env: Env,
    proposer: Addr,
    msg: ProposeMsg,
    deposit: Uint128,
) -> Result<Response, ContractError> {
    validate_text("title", &msg.title, MAX_TITLE_LEN)?;
    validate_text("description", &msg.description, MAX_DESCRIPTION_LEN)?;
    if msg.msgs.len() > MAX_MSGS {
        return Err(ContractError::TooManyMessages {
            count: msg.msgs.len(),
            max: MAX_MSGS,
        });
    }
    let suite = SUITE
        .may_load(deps.storage)?
        .ok_or(ContractError::SuiteNotReady {})?;
    require_outside_suite(&suite, &env.contract.address, &proposer, "propose")?;
    check_msgs(deps.api, &msg.msgs, &suite.token)?;
    let height = env.block.height;
    let power = STAKES
        .may_load_at_height(deps.storage, &proposer, height)?
        .unwrap_or_default();
    if power.is_zero() {
        return Err(ContractError::NoVotingPower {
            address: proposer.into_string(),
            height,
        });
    }
    let total_power = TOTAL_STAKE
        .may_load_at_height(deps.storage, height)?
        .unwrap_or_default();
    let config = CONFIG.load(deps.storage)?;
    let id = PROPOSAL_COUNT
        .load(deps.storage)?
        .checked_add(1)
        .ok_or_else(|| cosmwasm_std::StdError::generic_err("proposal id overflow"))?;
    PROPOSAL_COUNT.save(deps.storage, &id)?;
    let proposal = Proposal {
        id,
        title: msg.title,
        description: msg.description,
        proposer: proposer.clone(),
        msgs: msg.msgs,
        status: ProposalStatus::Open,
        start_height: height,
        start_time: env.block.time,
        voting_ends_at: env.block.time.plus_seconds(config.voting_period),
        decided_at: None,
        total_power,
        tally: Tally::default(),
        rules: Rules {
            threshold: config.threshold,
            quorum: config.quorum,
            veto_threshold: config.veto_threshold,
            timelock: config.timelock,
        },
        deposit,
        deposit_refunded: false,
        execution_error: None,
    };
    PROPOSALS.save(deps.storage, id, &proposal)?;
    reserve(deps.storage, deposit)?;
    Ok(Response::new()
        .add_attribute("action", "propose")
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("proposer", proposer)
        .add_attribute("deposit", deposit)
        .add_attribute("total_power", total_power)
        .add_attribute(
            "voting_ends_at",
            proposal.voting_ends_at.nanos().to_string(),
        ))
}
