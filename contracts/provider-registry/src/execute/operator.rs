//! Fleets: a provider names an operator, the hot key of the fleet agent that
//! serves it with many other providers in batched messages.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::accounting::load_provider;
use crate::error::ContractError;
use crate::state::{FLEETS, OPERATORS};

/// The provider names `operator` (or with `None` removes its operator). It
/// takes effect at once, in the registry and in the escrow (which reads it
/// with a raw query), so a provider that loses its operator's key revokes it
/// with one message. Two writes (the entry and the fleet index).
pub fn set_operator(
    deps: DepsMut,
    info: MessageInfo,
    operator: Option<String>,
) -> Result<Response, ContractError> {
    let provider = info.sender;
    load_provider(deps.storage, &provider)?;
    let operator = operator.map(|o| deps.api.addr_validate(&o)).transpose()?;
    if operator.as_ref() == Some(&provider) {
        return Err(ContractError::SelfOperator {});
    }
    if let Some(old) = OPERATORS.may_load(deps.storage, &provider)? {
        FLEETS.remove(deps.storage, (&old, &provider));
    }
    match &operator {
        Some(operator) => {
            OPERATORS.save(deps.storage, &provider, operator)?;
            FLEETS.save(deps.storage, (operator, &provider), &())?;
        }
        None => OPERATORS.remove(deps.storage, &provider),
    }
    Ok(Response::new()
        .add_attribute("action", "set_operator")
        .add_attribute("provider", provider)
        .add_attribute(
            "operator",
            operator.map(|o| o.to_string()).unwrap_or_default(),
        ))
}
