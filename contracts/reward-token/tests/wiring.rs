//! The token's wiring around cw20-base: the minter rule, the cap, the receive
//! hook through a real contract, cw2 and forward-only migration.

use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    StdError, StdResult, Uint128,
};
use cw20::{BalanceResponse, Cw20Coin, Cw20ReceiveMsg, MinterResponse, TokenInfoResponse};
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use cw_storage_plus::Item;
use depin_interface::migration::MigrationError;
use depin_interface::token::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use depin_reward_token::contract::{self, CONTRACT_NAME, CONTRACT_VERSION};
use depin_reward_token::ContractError;

const CAP: u128 = 1_000_000;
const INITIAL: u128 = 400_000;

fn token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(contract::execute, contract::instantiate, contract::query)
            .with_migrate(contract::migrate),
    )
}

/// A contract that records the last cw20 hook it received.
mod receiver {
    use super::*;

    pub const LAST: Item<Cw20ReceiveMsg> = Item::new("last");

    pub fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }

    pub fn execute(
        deps: DepsMut,
        _: Env,
        _: MessageInfo,
        msg: Cw20ReceiveWrapper,
    ) -> StdResult<Response> {
        let Cw20ReceiveWrapper::Receive(hook) = msg;
        LAST.save(deps.storage, &hook)?;
        Ok(Response::new())
    }

    pub fn query(deps: Deps, _: Env, _: Empty) -> StdResult<Binary> {
        to_json_binary(&LAST.load(deps.storage)?)
    }

    #[cosmwasm_schema::cw_serde]
    pub enum Cw20ReceiveWrapper {
        Receive(Cw20ReceiveMsg),
    }

    pub fn contract() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(execute, instantiate, query))
    }
}

struct Env_ {
    app: App,
    token: Addr,
    code_id: u64,
    minter: Addr,
    holder: Addr,
    admin: Addr,
}

fn setup() -> Env_ {
    let mut app = App::default();
    let minter = app.api().addr_make("registry");
    let holder = app.api().addr_make("holder");
    let admin = app.api().addr_make("dao");
    let code_id = app.store_code(token_contract());
    let token = app
        .instantiate_contract(
            code_id,
            admin.clone(),
            &InstantiateMsg {
                name: "DePIN Reward".into(),
                symbol: "DPIN".into(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: holder.to_string(),
                    amount: Uint128::new(INITIAL),
                }],
                mint: Some(MinterResponse {
                    minter: minter.to_string(),
                    cap: Some(Uint128::new(CAP)),
                }),
                marketing: None,
            },
            &[],
            "token",
            Some(admin.to_string()),
        )
        .unwrap();
    Env_ {
        app,
        token,
        code_id,
        minter,
        holder,
        admin,
    }
}

fn balance(env: &Env_, addr: &Addr) -> u128 {
    let res: BalanceResponse = env
        .app
        .wrap()
        .query_wasm_smart(
            &env.token,
            &QueryMsg::Balance {
                address: addr.to_string(),
            },
        )
        .unwrap();
    res.balance.u128()
}

fn mint(env: &mut Env_, sender: &Addr, amount: u128) -> Result<(), ContractError> {
    let holder = env.holder.to_string();
    env.app
        .execute_contract(
            sender.clone(),
            env.token.clone(),
            &ExecuteMsg::Mint {
                recipient: holder,
                amount: Uint128::new(amount),
            },
            &[],
        )
        .map(|_| ())
        .map_err(|e| e.downcast().unwrap())
}

#[test]
fn instantiate_records_the_suite_cw2_name() {
    let env = setup();
    let info = env.app.wrap().query_wasm_contract_info(&env.token).unwrap();
    assert_eq!(info.code_id, env.code_id);
    let raw = env
        .app
        .wrap()
        .query_wasm_raw(&env.token, b"contract_info".to_vec())
        .unwrap()
        .unwrap();
    let version: cw2::ContractVersion = from_json(raw).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
    assert_eq!(version.version, CONTRACT_VERSION);
}

#[test]
fn only_the_minter_mints() {
    let mut env = setup();
    let holder = env.holder.clone();
    let admin = env.admin.clone();
    for outsider in [holder, admin] {
        assert_eq!(
            mint(&mut env, &outsider, 1),
            Err(ContractError::Cw20(
                cw20_base::ContractError::Unauthorized {}
            ))
        );
    }
    let minter = env.minter.clone();
    mint(&mut env, &minter, 10).unwrap();
    assert_eq!(balance(&env, &env.holder), INITIAL + 10);
}

#[test]
fn minting_stops_at_the_cap() {
    let mut env = setup();
    let minter = env.minter.clone();
    let room = CAP - INITIAL;
    assert_eq!(
        mint(&mut env, &minter, room + 1),
        Err(ContractError::Cw20(
            cw20_base::ContractError::CannotExceedCap {}
        ))
    );
    mint(&mut env, &minter, room).unwrap();
    assert_eq!(
        mint(&mut env, &minter, 1),
        Err(ContractError::Cw20(
            cw20_base::ContractError::CannotExceedCap {}
        ))
    );
    let info: TokenInfoResponse = env
        .app
        .wrap()
        .query_wasm_smart(&env.token, &QueryMsg::TokenInfo {})
        .unwrap();
    assert_eq!(info.total_supply, Uint128::new(CAP));
}

#[test]
fn send_reaches_the_receiving_contract_hook() {
    let mut env = setup();
    let receiver_code = env.app.store_code(receiver::contract());
    let receiver = env
        .app
        .instantiate_contract(
            receiver_code,
            env.admin.clone(),
            &Empty {},
            &[],
            "receiver",
            None,
        )
        .unwrap();
    let hook = to_json_binary(&"ping").unwrap();
    env.app
        .execute_contract(
            env.holder.clone(),
            env.token.clone(),
            &ExecuteMsg::Send {
                contract: receiver.to_string(),
                amount: Uint128::new(1_234),
                msg: hook.clone(),
            },
            &[],
        )
        .unwrap();
    let last: Cw20ReceiveMsg = env
        .app
        .wrap()
        .query_wasm_smart(&receiver, &Empty {})
        .unwrap();
    assert_eq!(
        last,
        Cw20ReceiveMsg {
            sender: env.holder.to_string(),
            amount: Uint128::new(1_234),
            msg: hook
        }
    );
    assert_eq!(balance(&env, &receiver), 1_234);
    assert_eq!(balance(&env, &env.holder), INITIAL - 1_234);
}

#[test]
fn transfer_and_burn_move_exact_amounts() {
    let mut env = setup();
    let other = env.app.api().addr_make("other");
    env.app
        .execute_contract(
            env.holder.clone(),
            env.token.clone(),
            &ExecuteMsg::Transfer {
                recipient: other.to_string(),
                amount: Uint128::new(100),
            },
            &[],
        )
        .unwrap();
    env.app
        .execute_contract(
            other.clone(),
            env.token.clone(),
            &ExecuteMsg::Burn {
                amount: Uint128::new(40),
            },
            &[],
        )
        .unwrap();
    assert_eq!(balance(&env, &other), 60);
    let info: TokenInfoResponse = env
        .app
        .wrap()
        .query_wasm_smart(&env.token, &QueryMsg::TokenInfo {})
        .unwrap();
    assert_eq!(info.total_supply, Uint128::new(INITIAL - 40));
    let err: ContractError = env
        .app
        .execute_contract(
            other.clone(),
            env.token.clone(),
            &ExecuteMsg::Transfer {
                recipient: env.holder.to_string(),
                amount: Uint128::new(61),
            },
            &[],
        )
        .unwrap_err()
        .downcast()
        .unwrap();
    assert!(matches!(
        err,
        ContractError::Cw20(cw20_base::ContractError::Std(StdError::Overflow { .. }))
    ));
}

#[test]
fn migrate_moves_forward_and_refuses_an_older_version() {
    let mut env = setup();
    let migrate = |env: &mut Env_| -> Result<(), ContractError> {
        let (admin, token, code_id) = (env.admin.clone(), env.token.clone(), env.code_id);
        env.app
            .migrate_contract(admin, token, &MigrateMsg {}, code_id)
            .map(|_| ())
            .map_err(|e| e.downcast().unwrap())
    };
    // Same version: allowed (a re-deploy of the same code).
    migrate(&mut env).unwrap();

    // A stored version newer than this code: refused.
    let token = env.token.clone();
    let mut storage = env.app.contract_storage_mut(&token);
    cw2::set_contract_version(storage.as_mut(), CONTRACT_NAME, "99.0.0").unwrap();
    drop(storage);
    assert_eq!(
        migrate(&mut env),
        Err(ContractError::Migration(MigrationError::Downgrade {
            stored: "99.0.0".into(),
            new: CONTRACT_VERSION.into(),
        }))
    );

    // Another contract's state: refused.
    let mut storage = env.app.contract_storage_mut(&token);
    cw2::set_contract_version(storage.as_mut(), "crates.io:cw20-base", "0.1.0").unwrap();
    drop(storage);
    assert!(matches!(
        migrate(&mut env),
        Err(ContractError::Migration(
            MigrationError::WrongContract { .. }
        ))
    ));
}

#[test]
fn only_the_wasm_admin_migrates() {
    let mut env = setup();
    let err = env
        .app
        .migrate_contract(
            env.holder.clone(),
            env.token.clone(),
            &MigrateMsg {},
            env.code_id,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("Unauthorized") || err.root_cause().to_string().contains("admin"),
        "{err}"
    );
}
