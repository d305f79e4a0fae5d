//! The suite tokens the DAO holds for others (stake, unpaid claims, open
//! deposits: `RESERVED`), and the one way it moves suite tokens. Like the
//! escrow's `payments.rs`: the handlers in `execute::*` import from here.

use cosmwasm_std::{Addr, CosmosMsg, StdResult, Storage, Uint128};
use depin_interface::Denom;

use crate::error::ContractError;
use crate::state::RESERVED;

/// Adds `amount` to the suite tokens held for others (stake, deposits).
pub fn reserve(storage: &mut dyn Storage, amount: Uint128) -> Result<(), ContractError> {
    let reserved = RESERVED.may_load(storage)?.unwrap_or_default();
    RESERVED.save(storage, &reserved.checked_add(amount)?)?;
    Ok(())
}

/// Removes `amount` from the suite tokens held for others (paid claims,
/// settled deposits).
pub fn release(storage: &mut dyn Storage, amount: Uint128) -> Result<(), ContractError> {
    let reserved = RESERVED.may_load(storage)?.unwrap_or_default();
    RESERVED.save(storage, &reserved.checked_sub(amount)?)?;
    Ok(())
}

/// A cw20 transfer of `amount` suite tokens from the DAO to `recipient`.
pub fn token_transfer(token: &Addr, recipient: &Addr, amount: Uint128) -> StdResult<CosmosMsg> {
    Denom::Cw20(token.clone()).transfer_msg(recipient, amount)
}
