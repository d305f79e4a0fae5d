//! Execute handlers, one file per domain.

pub mod config;
pub mod execution;
pub mod proposals;
pub mod receive;
pub mod staking;
pub mod voting;

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, StdResult, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;

/// A cw20 transfer of `amount` suite tokens from the DAO to `recipient`.
pub fn token_transfer(token: &Addr, recipient: &Addr, amount: Uint128) -> StdResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
            recipient: recipient.to_string(),
            amount,
        })?,
        funds: vec![],
    }
    .into())
}
