//! Replies: the three bootstrap steps and a failed proposal execution.

use cosmwasm_std::{
    to_json_binary, wasm_execute, Addr, Api, DepsMut, Env, Reply, Response, SubMsg, SubMsgResult,
    WasmMsg,
};
use cw_utils::parse_instantiate_response_data;
use depin_interface::dao::ProposalStatus;
use depin_interface::registry::RegistryConfigUpdate;
use depin_interface::{escrow, registry, token, UncheckedDenom};

use crate::error::ContractError;
use crate::state::{Suite, BOOTSTRAP, DISPATCHING, PROPOSALS, SUITE};

/// wasm labels of the contracts the DAO creates in its bootstrap.
pub const TOKEN_LABEL: &str = "depin-reward-token";
pub const REGISTRY_LABEL: &str = "depin-provider-registry";
pub const ESCROW_LABEL: &str = "depin-billing-escrow";

pub const REPLY_TOKEN: u64 = 1;
pub const REPLY_REGISTRY: u64 = 2;
pub const REPLY_ESCROW: u64 = 3;
/// The `dispatch` submessage of `execute` failed.
pub const REPLY_EXECUTION_FAILED: u64 = 4;

pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        REPLY_TOKEN => {
            let token = instantiated_address(deps.api, msg)?;
            on_token(deps, env, token)
        }
        REPLY_REGISTRY => {
            let registry = instantiated_address(deps.api, msg)?;
            on_registry(deps, env, registry)
        }
        REPLY_ESCROW => {
            let escrow = instantiated_address(deps.api, msg)?;
            on_escrow(deps, escrow)
        }
        REPLY_EXECUTION_FAILED => on_execution_failed(deps, msg),
        id => Err(ContractError::UnknownReplyId { id }),
    }
}

/// The address in an instantiate reply: from `msg_responses` (CosmWasm 2),
/// else from the legacy `data` field.
fn instantiated_address(api: &dyn Api, msg: Reply) -> Result<Addr, ContractError> {
    let bad = |reason: String| ContractError::BadInstantiateReply { reason };
    let response = match msg.result {
        SubMsgResult::Ok(response) => response,
        SubMsgResult::Err(err) => return Err(bad(err)),
    };
    #[allow(deprecated)]
    let data = response
        .msg_responses
        .into_iter()
        .next()
        .map(|r| r.value)
        .or(response.data)
        .ok_or_else(|| bad("no data".into()))?;
    let parsed = parse_instantiate_response_data(&data).map_err(|e| bad(e.to_string()))?;
    Ok(api.addr_validate(&parsed.contract_address)?)
}

fn on_token(deps: DepsMut, env: Env, token: Addr) -> Result<Response, ContractError> {
    let mut boot = BOOTSTRAP.load(deps.storage)?;
    boot.token = Some(token.clone());
    BOOTSTRAP.save(deps.storage, &boot)?;
    let dao = env.contract.address.to_string();
    let params = boot.registry;
    let msg = registry::InstantiateMsg {
        dao: dao.clone(),
        reward_token: Some(token.to_string()),
        billing_escrow: None,
        stake_denom: params
            .stake_denom
            .unwrap_or_else(|| UncheckedDenom::Cw20(token.to_string())),
        min_stake: params.min_stake,
        unbonding_period: params.unbonding_period,
        max_slash: params.max_slash,
        oracles: params.oracles,
        rewards: params.rewards,
    };
    let instantiate = WasmMsg::Instantiate {
        admin: Some(dao),
        code_id: boot.registry_code_id,
        msg: to_json_binary(&msg)?,
        funds: vec![],
        label: REGISTRY_LABEL.into(),
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(instantiate, REPLY_REGISTRY))
        .add_attribute("token", token))
}

fn on_registry(deps: DepsMut, env: Env, registry: Addr) -> Result<Response, ContractError> {
    let mut boot = BOOTSTRAP.load(deps.storage)?;
    boot.registry_addr = Some(registry.clone());
    BOOTSTRAP.save(deps.storage, &boot)?;
    let dao = env.contract.address.to_string();
    let params = boot.escrow;
    let mut accepted_denoms = params.accepted_denoms;
    if let (Some(true), Some(token)) = (params.accept_suite_token, boot.token) {
        let suite_token = UncheckedDenom::Cw20(token.into_string());
        if !accepted_denoms.contains(&suite_token) {
            accepted_denoms.push(suite_token);
        }
    }
    let msg = escrow::InstantiateMsg {
        dao: dao.clone(),
        registry: registry.to_string(),
        treasury: None,
        fee_bps: params.fee_bps,
        dispute_window: params.dispute_window,
        accepted_denoms,
        arbiters: params.arbiters,
        min_close_grace: params.min_close_grace,
    };
    let instantiate = WasmMsg::Instantiate {
        admin: Some(dao),
        code_id: boot.escrow_code_id,
        msg: to_json_binary(&msg)?,
        funds: vec![],
        label: ESCROW_LABEL.into(),
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(instantiate, REPLY_ESCROW))
        .add_attribute("registry", registry))
}

/// Saves the suite and wires it: the registry learns the escrow, and the
/// registry becomes the token's only minter.
fn on_escrow(deps: DepsMut, escrow: Addr) -> Result<Response, ContractError> {
    let boot = BOOTSTRAP.load(deps.storage)?;
    let (Some(token), Some(registry)) = (boot.token, boot.registry_addr) else {
        return Err(ContractError::SuiteNotReady {});
    };
    BOOTSTRAP.remove(deps.storage);
    SUITE.save(
        deps.storage,
        &Suite {
            token: token.clone(),
            registry: registry.clone(),
            escrow: escrow.clone(),
        },
    )?;
    let wire_escrow = wasm_execute(
        &registry,
        &registry::ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
            billing_escrow: Some(escrow.to_string()),
            ..Default::default()
        }),
        vec![],
    )?;
    let hand_over_minting = wasm_execute(
        &token,
        &token::ExecuteMsg::UpdateMinter {
            new_minter: Some(registry.to_string()),
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_message(wire_escrow)
        .add_message(hand_over_minting)
        .add_attribute("escrow", escrow))
}

/// The proposal's messages failed together: the proposal is marked
/// `execution_failed` with the error, and the `execute` call still succeeds.
fn on_execution_failed(deps: DepsMut, msg: Reply) -> Result<Response, ContractError> {
    let error = match msg.result {
        SubMsgResult::Err(err) => err,
        SubMsgResult::Ok(_) => return Err(ContractError::UnknownReplyId { id: msg.id }),
    };
    let proposal_id = DISPATCHING.load(deps.storage)?;
    DISPATCHING.remove(deps.storage);
    let mut proposal = PROPOSALS.load(deps.storage, proposal_id)?;
    proposal.status = ProposalStatus::ExecutionFailed;
    proposal.execution_error = Some(error.clone());
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "execution_failed")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("error", error))
}
