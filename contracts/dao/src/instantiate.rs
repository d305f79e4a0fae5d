//! `instantiate`, the suite bootstrap: the DAO's instantiate creates the token; the replies create
//! the registry, then the escrow, then wire them (see `reply.rs`). Every step
//! is `reply_on_success`, so any failure fails the whole instantiate.

use cosmwasm_std::{to_json_binary, DepsMut, Env, Response, SubMsg, Uint128, WasmMsg};
use depin_interface::dao::{DaoConfig, InstantiateMsg, SuiteInstantiate};
use depin_interface::token;

use crate::error::ContractError;
use crate::execute::config::{check_deposit, check_emission, check_unbonding, validate_config};
use crate::reply::{REPLY_TOKEN, TOKEN_LABEL};
use crate::state::{Bootstrap, BOOTSTRAP, CONFIG, PROPOSAL_COUNT, RESERVED, TOTAL_STAKE};

/// The DAO's config and the first bootstrap step (the token). The caller has
/// recorded the cw2 version.
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let config = validate_config(deps.api, msg.config)?;
    check_suite(&msg.suite, &config)?;
    let SuiteInstantiate {
        token_code_id,
        registry_code_id,
        escrow_code_id,
        token: token_params,
        registry,
        escrow,
    } = msg.suite;
    CONFIG.save(deps.storage, &config)?;
    PROPOSAL_COUNT.save(deps.storage, &0)?;
    RESERVED.save(deps.storage, &Uint128::zero())?;
    TOTAL_STAKE.save(deps.storage, &Uint128::zero(), env.block.height)?;
    BOOTSTRAP.save(
        deps.storage,
        &Bootstrap {
            registry_code_id,
            escrow_code_id,
            registry,
            escrow,
            token: None,
            registry_addr: None,
        },
    )?;

    let dao = env.contract.address.to_string();
    // The DAO mints until the registry exists; the last reply hands minting over.
    let token_msg = token::InstantiateMsg {
        name: token_params.name,
        symbol: token_params.symbol,
        decimals: token_params.decimals,
        initial_balances: token_params.initial_balances,
        mint: Some(token::MinterResponse {
            minter: dao,
            cap: token_params.cap,
        }),
        marketing: token_params.marketing,
    };
    // No wasm admin: the token is immutable. A token migration could rewrite
    // any holder's balance, so nobody may upgrade it; a new token is a new
    // deployment holders opt into.
    let instantiate_token = WasmMsg::Instantiate {
        admin: None,
        code_id: token_code_id,
        msg: to_json_binary(&token_msg)?,
        funds: vec![],
        label: TOKEN_LABEL.into(),
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(instantiate_token, REPLY_TOKEN))
        .add_attribute("action", "instantiate"))
}

/// What the DAO can check of the whole suite before creating it: code ids,
/// and parameters across contracts (a suite that could never slash a leaving
/// provider, would mint without end, or whose deposit exceeds the supply is refused).
fn check_suite(suite: &SuiteInstantiate, config: &DaoConfig) -> Result<(), ContractError> {
    for (contract, id) in [
        ("token", suite.token_code_id),
        ("registry", suite.registry_code_id),
        ("escrow", suite.escrow_code_id),
    ] {
        if id == 0 {
            return Err(ContractError::ZeroCodeId { contract });
        }
    }
    // The DAO knows all three contracts' parameters: refuse a suite that
    // could never slash a leaving provider or would mint without end.
    check_unbonding(
        suite.registry.unbonding_period,
        suite.escrow.dispute_window,
        config,
    )?;
    check_emission(
        suite.registry.rewards.emission_per_epoch,
        suite.registry.rewards.halving_epochs,
        suite.token.cap,
    )?;
    let initial_supply = suite
        .token
        .initial_balances
        .iter()
        .try_fold(Uint128::zero(), |sum, coin| sum.checked_add(coin.amount))?;
    check_deposit(config.proposal_deposit, initial_supply)?;
    Ok(())
}
