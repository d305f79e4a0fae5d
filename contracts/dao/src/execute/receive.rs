//! The cw20 hook: only the suite token's `send` reaches the DAO.

use cosmwasm_std::{from_json, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use depin_interface::dao::ReceiveMsg;

use crate::error::ContractError;
use crate::execute::{proposals, staking};
use crate::state::{CONFIG, SUITE};

pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    // The token is checked before the wrapped message is read.
    let suite = SUITE
        .may_load(deps.storage)?
        .ok_or(ContractError::SuiteNotReady {})?;
    if info.sender != suite.token {
        return Err(ContractError::UnknownToken {
            token: info.sender.into_string(),
            expected: format!("the suite token {}", suite.token),
        });
    }
    let sender = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::Stake {} => staking::stake(deps, env, sender, wrapper.amount),
        ReceiveMsg::Propose(propose) => {
            let required = CONFIG.load(deps.storage)?.proposal_deposit;
            if required.is_zero() || wrapper.amount != required {
                return Err(ContractError::WrongDeposit {
                    required,
                    sent: wrapper.amount,
                });
            }
            proposals::propose(deps, env, sender, propose, wrapper.amount)
        }
    }
}
