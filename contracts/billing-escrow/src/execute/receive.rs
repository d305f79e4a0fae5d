//! The cw20 hook: deposits in an accepted cw20 token.

use cosmwasm_std::{from_json, Addr, DepsMut, Env, Response};
use cw20::Cw20ReceiveMsg;
use depin_interface::escrow::ReceiveMsg;
use depin_interface::Denom;

use crate::error::ContractError;
use crate::execute::lease;
use crate::state::CONFIG;

/// `token` is the cw20 contract that called; it must be an accepted denom
/// before the wrapped message is read. The hook's `sender` is the depositor.
pub fn receive(
    deps: DepsMut,
    env: Env,
    token: Addr,
    hook: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    let denom = Denom::Cw20(token.clone());
    if !CONFIG.load(deps.storage)?.accepted_denoms.contains(&denom) {
        return Err(ContractError::UnknownToken {
            token: token.into_string(),
            expected: "an accepted cw20 denom".into(),
        });
    }
    let sender = deps.api.addr_validate(&hook.sender)?;
    let deposit = (denom, hook.amount);
    match from_json(&hook.msg)? {
        ReceiveMsg::OpenLease(open) => lease::open(deps, env, sender, deposit, open),
        ReceiveMsg::TopUp { lease_id } => lease::top_up(deps, env, sender, lease_id, deposit),
    }
}
