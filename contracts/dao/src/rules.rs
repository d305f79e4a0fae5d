//! What a proposal's messages may do, so that no proposal, whatever its
//! votes, reaches the suite tokens the DAO holds for others (stake, unpaid
//! claims, open deposits). Checked at `propose`, and again at `execute` for
//! proposals stored before a rule existed. The loop runs over the proposal's
//! own messages, at most `MAX_MSGS`.
//!
//! - Messages the DAO cannot inspect (`stargate`, `any`, anything unknown)
//!   are refused: an authz `MsgGrant`, a `MsgMigrateContract` or a
//!   `MsgUpdateAdmin` inside one would bypass every rule below.
//! - `increase_allowance` on the suite token is refused: a standing allowance
//!   could be spent from members' stake after execution, when
//!   `check_reserves` no longer looks. Transfers, sends and burns stay
//!   allowed: `check_reserves` bounds them to the treasury at execution.
//! - The suite token is immutable: `migrate`, `update_admin` and
//!   `clear_admin` of it are refused.
//! - Every other `migrate` or `update_admin` is an upgrade: it waits out the
//!   exit window (see `Proposal::executable_at`).

use cosmwasm_std::{from_json, to_json_vec, Addr, Api, CosmosMsg, WasmMsg};
use depin_interface::dao::ExecuteMsg;
use depin_interface::token;

use crate::error::{ContractError, MessageRefusal};
use crate::state::Suite;

/// The DAO and the contracts it runs hold no voting power: a proposal staking
/// treasury tokens would give the DAO power nobody can vote with, and quorum
/// could then never be met again. Checked when staking, proposing and voting.
pub fn require_outside_suite(
    suite: &Suite,
    dao: &Addr,
    addr: &Addr,
    action: &'static str,
) -> Result<(), ContractError> {
    if addr == dao || *addr == suite.token || *addr == suite.registry || *addr == suite.escrow {
        return Err(ContractError::SuiteAccount {
            address: addr.to_string(),
            action,
        });
    }
    Ok(())
}

/// A proposal the guardian may not veto: its one message is the DAO's own
/// `update_config` changing nothing but the guardian. Otherwise a guardian
/// could veto its own removal for ever (every proposal has a timelock while
/// a guardian exists); bundling anything else makes it vetoable again.
pub fn only_changes_guardian(dao: &Addr, msgs: &[CosmosMsg]) -> bool {
    let [CosmosMsg::Wasm(WasmMsg::Execute {
        contract_addr,
        msg,
        funds,
    })] = msgs
    else {
        return false;
    };
    if contract_addr != dao.as_str() || !funds.is_empty() {
        return false;
    }
    match from_json(msg) {
        Ok(ExecuteMsg::UpdateConfig(update)) => {
            let changes_guardian =
                update.guardian.is_some() || update.remove_guardian == Some(true);
            changes_guardian
                && update.voting_period.is_none()
                && update.threshold.is_none()
                && update.quorum.is_none()
                && update.veto_threshold.is_none()
                && update.proposal_deposit.is_none()
                && update.unstaking_period.is_none()
                && update.timelock.is_none()
        }
        _ => false,
    }
}

/// Message kinds (their JSON tag) a proposal may carry besides `wasm`. None of
/// them can move a cw20 token: `bank`, `staking`, `distribution` and `ibc`
/// move only the DAO's own native coins (all treasury), `gov` votes, and
/// `custom` carries nothing (`Empty`).
const INSPECTABLE_KINDS: &[&str] = &["bank", "custom", "staking", "distribution", "ibc", "gov"];

/// Refuses the first message of `msgs` that could reach members' funds.
pub fn check_msgs(api: &dyn Api, msgs: &[CosmosMsg], token: &Addr) -> Result<(), ContractError> {
    for (index, msg) in msgs.iter().enumerate() {
        check_msg(api, msg, token)
            .map_err(|reason| ContractError::MessageRefused { index, reason })?;
    }
    Ok(())
}

/// A wasm `migrate` or `update_admin`, of any contract.
pub fn is_upgrade(msg: &CosmosMsg) -> bool {
    matches!(
        msg,
        CosmosMsg::Wasm(WasmMsg::Migrate { .. } | WasmMsg::UpdateAdmin { .. })
    )
}

fn check_msg(api: &dyn Api, msg: &CosmosMsg, token: &Addr) -> Result<(), MessageRefusal> {
    let CosmosMsg::Wasm(wasm) = msg else {
        return check_kind(&message_kind(msg));
    };
    match wasm {
        WasmMsg::Execute {
            contract_addr, msg, ..
        } => {
            if is_token(api, contract_addr, token)?
                && matches!(
                    from_json(msg),
                    Ok(token::ExecuteMsg::IncreaseAllowance { .. })
                )
            {
                return Err(MessageRefusal::StandingAllowance {});
            }
            Ok(())
        }
        WasmMsg::Migrate { contract_addr, .. } => {
            immutable(api, contract_addr, token, "a migration")
        }
        WasmMsg::UpdateAdmin { contract_addr, .. } => {
            immutable(api, contract_addr, token, "an admin change")
        }
        WasmMsg::ClearAdmin { contract_addr } => {
            immutable(api, contract_addr, token, "clearing the admin")
        }
        // New contracts act as themselves, never as the DAO.
        WasmMsg::Instantiate { .. } | WasmMsg::Instantiate2 { .. } => Ok(()),
        // A wasm message this build does not know.
        _ => Err(MessageRefusal::Uninspectable {
            kind: "wasm".into(),
        }),
    }
}

fn immutable(
    api: &dyn Api,
    contract_addr: &str,
    token: &Addr,
    action: &'static str,
) -> Result<(), MessageRefusal> {
    if is_token(api, contract_addr, token)? {
        return Err(MessageRefusal::ImmutableToken { action });
    }
    Ok(())
}

/// Whether `contract_addr` names the suite token. Only a valid, normalized
/// address is accepted, so the token cannot hide behind another spelling
/// (an upper-case bech32 twin decodes to the same account).
fn is_token(api: &dyn Api, contract_addr: &str, token: &Addr) -> Result<bool, MessageRefusal> {
    let addr = api
        .addr_validate(contract_addr)
        .map_err(|_| MessageRefusal::InvalidAddress {
            address: contract_addr.to_string(),
        })?;
    Ok(addr == *token)
}

/// Accepts only the kinds of [`INSPECTABLE_KINDS`].
fn check_kind(kind: &str) -> Result<(), MessageRefusal> {
    if INSPECTABLE_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(MessageRefusal::Uninspectable { kind: kind.into() })
    }
}

/// The message's JSON tag (`bank`, `stargate`, `any`, …). Read from the
/// serialized form so it works whichever cosmwasm-std features (`stargate`,
/// `staking`, `cosmwasm_2_0`) the build enables; an unreadable tag is
/// `unknown`, and refused.
fn message_kind(msg: &CosmosMsg) -> String {
    to_json_vec(msg)
        .ok()
        .and_then(|json| {
            // `{"<tag>":…}`: externally tagged, snake_case.
            let rest = json.strip_prefix(b"{\"")?;
            let end = rest.iter().position(|b| *b == b'"')?;
            String::from_utf8(rest[..end].to_vec()).ok()
        })
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockApi;
    use cosmwasm_std::{coins, to_json_binary, wasm_execute, BankMsg, Empty, Uint128};

    fn token(api: &MockApi) -> Addr {
        api.addr_make("token")
    }

    fn execute_on(contract: &Addr, msg: &token::ExecuteMsg) -> CosmosMsg {
        wasm_execute(contract, msg, vec![]).unwrap().into()
    }

    #[test]
    fn stargate_any_and_unknown_kinds_are_uninspectable() {
        for kind in ["stargate", "any", "unknown", "wasm_v2"] {
            assert_eq!(
                check_kind(kind),
                Err(MessageRefusal::Uninspectable { kind: kind.into() })
            );
        }
        for kind in INSPECTABLE_KINDS {
            assert_eq!(check_kind(kind), Ok(()));
        }
    }

    #[test]
    fn the_kind_is_the_json_tag() {
        let bank: CosmosMsg = BankMsg::Send {
            to_address: "a".into(),
            amount: coins(1, "u"),
        }
        .into();
        assert_eq!(message_kind(&bank), "bank");
        assert_eq!(message_kind(&CosmosMsg::Custom(Empty {})), "custom");
    }

    #[test]
    fn only_increase_allowance_on_the_suite_token_is_refused() {
        let api = MockApi::default();
        let token = token(&api);
        let other = api.addr_make("other-cw20");
        let allowance = token::ExecuteMsg::IncreaseAllowance {
            spender: api.addr_make("x").to_string(),
            amount: Uint128::new(1),
            expires: None,
        };
        let transfer = token::ExecuteMsg::Transfer {
            recipient: api.addr_make("x").to_string(),
            amount: Uint128::new(1),
        };
        let msgs = vec![
            execute_on(&token, &transfer),
            execute_on(&other, &allowance),
            execute_on(&token, &allowance),
        ];
        assert_eq!(
            check_msgs(&api, &msgs, &token),
            Err(ContractError::MessageRefused {
                index: 2,
                reason: MessageRefusal::StandingAllowance {}
            })
        );
        assert_eq!(check_msgs(&api, &msgs[..2], &token), Ok(()));
    }

    #[test]
    fn the_token_cannot_be_migrated_nor_change_admin_and_other_upgrades_are_flagged() {
        let api = MockApi::default();
        let token = token(&api);
        let registry = api.addr_make("registry");
        let migrate = |c: &Addr| -> CosmosMsg {
            WasmMsg::Migrate {
                contract_addr: c.to_string(),
                new_code_id: 2,
                msg: to_json_binary(&Empty {}).unwrap(),
            }
            .into()
        };
        assert_eq!(
            check_msgs(&api, &[migrate(&token)], &token),
            Err(ContractError::MessageRefused {
                index: 0,
                reason: MessageRefusal::ImmutableToken {
                    action: "a migration"
                }
            })
        );
        assert_eq!(check_msgs(&api, &[migrate(&registry)], &token), Ok(()));
        assert!(is_upgrade(&migrate(&registry)));
        let clear: CosmosMsg = WasmMsg::ClearAdmin {
            contract_addr: registry.to_string(),
        }
        .into();
        assert!(!is_upgrade(&clear));
        let upper = token.to_string().to_uppercase();
        assert_eq!(
            check_msgs(&api, &[migrate(&Addr::unchecked(&upper))], &token),
            Err(ContractError::MessageRefused {
                index: 0,
                reason: MessageRefusal::InvalidAddress { address: upper }
            })
        );
    }
}
