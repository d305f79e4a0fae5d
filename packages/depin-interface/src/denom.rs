//! Denominations: a native bank denom or a cw20 token contract.
//!
//! Not `cw20::Denom`: it has no unchecked form, so messages would carry an
//! `Addr` (DESIGN.md: never deserialize straight into `Addr`). Not
//! `cw-denom`: its validation queries the cw20 contract (needs `Deps`, costs
//! gas on every config change) and it is one more crate to keep on the same
//! cosmwasm-std line. This pair validates without a query, gives a storage
//! key and builds the transfer message.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{wasm_execute, Addr, Api, BankMsg, Coin, CosmosMsg, StdResult, Uint128};

use crate::validation::ValidationError;

/// A denom as a message carries it: the cw20 address is not validated yet.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord)]
pub enum UncheckedDenom {
    Native(String),
    Cw20(String),
}

/// A validated denom.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord)]
pub enum Denom {
    Native(String),
    Cw20(Addr),
}

/// An amount of a denom, as messages carry it (`{"denom": {...}, "amount": "1"}`).
#[cw_serde]
pub struct UncheckedDenomAmount {
    pub denom: UncheckedDenom,
    pub amount: Uint128,
}

/// A validated amount of a denom.
#[cw_serde]
pub struct DenomAmount {
    pub denom: Denom,
    pub amount: Uint128,
}

impl UncheckedDenom {
    /// Validates the denom: a native denom must follow the Cosmos SDK rule
    /// `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`, a cw20 address must pass `addr_validate`.
    pub fn into_checked(self, api: &dyn Api) -> Result<Denom, ValidationError> {
        match self {
            UncheckedDenom::Native(denom) => {
                validate_native_denom(&denom)?;
                Ok(Denom::Native(denom))
            }
            UncheckedDenom::Cw20(addr) => Ok(Denom::Cw20(api.addr_validate(&addr)?)),
        }
    }
}

impl UncheckedDenomAmount {
    pub fn into_checked(self, api: &dyn Api) -> Result<DenomAmount, ValidationError> {
        Ok(DenomAmount {
            denom: self.denom.into_checked(api)?,
            amount: self.amount,
        })
    }
}

impl Denom {
    /// A stable string form used as a storage key: `native:<denom>` or `cw20:<address>`.
    pub fn key(&self) -> String {
        match self {
            Denom::Native(denom) => format!("native:{denom}"),
            Denom::Cw20(addr) => format!("cw20:{addr}"),
        }
    }

    pub fn is_native(&self) -> bool {
        matches!(self, Denom::Native(_))
    }

    /// The message paying `amount` of this denom to `to`: a bank send, or a
    /// cw20 `transfer` (never `send`, so the recipient runs no hook).
    pub fn transfer_msg(&self, to: &Addr, amount: Uint128) -> StdResult<CosmosMsg> {
        Ok(match self {
            Denom::Native(denom) => BankMsg::Send {
                to_address: to.to_string(),
                amount: vec![Coin::new(amount, denom.clone())],
            }
            .into(),
            Denom::Cw20(token) => wasm_execute(
                token,
                &cw20::Cw20ExecuteMsg::Transfer {
                    recipient: to.to_string(),
                    amount,
                },
                vec![],
            )?
            .into(),
        })
    }
}

impl From<Denom> for UncheckedDenom {
    fn from(denom: Denom) -> Self {
        match denom {
            Denom::Native(denom) => UncheckedDenom::Native(denom),
            Denom::Cw20(addr) => UncheckedDenom::Cw20(addr.into_string()),
        }
    }
}

impl std::fmt::Display for Denom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

fn validate_native_denom(denom: &str) -> Result<(), ValidationError> {
    let invalid = || ValidationError::InvalidDenom {
        denom: denom.chars().take(140).collect(),
    };
    let mut chars = denom.chars();
    let first = chars.next().ok_or_else(invalid)?;
    if !(3..=128).contains(&denom.len()) || !first.is_ascii_alphabetic() {
        return Err(invalid());
    }
    if chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ':' | '.' | '_' | '-')) {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockApi;
    use cosmwasm_std::{to_json_binary, WasmMsg};

    #[test]
    fn native_denoms_follow_the_sdk_rule() {
        let api = MockApi::default();
        for ok in [
            "ustake",
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            "factory/addr/sub.x-1",
        ] {
            assert!(
                UncheckedDenom::Native(ok.into()).into_checked(&api).is_ok(),
                "{ok}"
            );
        }
        for bad in ["", "ab", "1abc", "u stake", "uståke", &"a".repeat(129)] {
            assert!(
                matches!(
                    UncheckedDenom::Native(bad.into()).into_checked(&api),
                    Err(ValidationError::InvalidDenom { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn cw20_denoms_need_a_valid_address() {
        let api = MockApi::default();
        let addr = api.addr_make("token");
        assert_eq!(
            UncheckedDenom::Cw20(addr.to_string())
                .into_checked(&api)
                .unwrap(),
            Denom::Cw20(addr)
        );
        assert!(UncheckedDenom::Cw20("not an address".into())
            .into_checked(&api)
            .is_err());
    }

    #[test]
    fn transfers_are_bank_sends_or_cw20_transfers() {
        let api = MockApi::default();
        let (to, token) = (api.addr_make("to"), api.addr_make("token"));
        assert_eq!(
            Denom::Native("uusdc".into())
                .transfer_msg(&to, Uint128::new(5))
                .unwrap(),
            CosmosMsg::Bank(BankMsg::Send {
                to_address: to.to_string(),
                amount: vec![Coin::new(5u128, "uusdc")],
            })
        );
        assert_eq!(
            Denom::Cw20(token.clone())
                .transfer_msg(&to, Uint128::new(7))
                .unwrap(),
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr: token.to_string(),
                msg: to_json_binary(&cw20::Cw20ExecuteMsg::Transfer {
                    recipient: to.to_string(),
                    amount: Uint128::new(7),
                })
                .unwrap(),
                funds: vec![],
            })
        );
    }

    #[test]
    fn denoms_serialize_as_the_design_says() {
        let json = cosmwasm_std::to_json_string(&UncheckedDenom::Native("ustake".into())).unwrap();
        assert_eq!(json, r#"{"native":"ustake"}"#);
        let json =
            cosmwasm_std::to_json_string(&UncheckedDenom::Cw20("cosmwasm1x".into())).unwrap();
        assert_eq!(json, r#"{"cw20":"cosmwasm1x"}"#);
    }
}
