//! Handler unit tests with mock dependencies (the cw-multi-test suite in
//! packages/depin-testing covers the cross-contract paths): the shared mock
//! setup here, one file per area.

mod config;
mod migrate;
mod rewards;
mod slashing;
mod stake;

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::testing::{MockQuerier, MockStorage};
use cosmwasm_std::{
    coins, from_json, Addr, Decimal, Env, OwnedDeps, Response, StdResult, Uint128, Uint256,
};
use depin_interface::registry::{
    Capacity, ExecuteMsg, InstantiateMsg, Price, ProviderResponse, ProviderStatus, QueryMsg,
    RegisterMsg, RegistryConfigUpdate, RewardParams, Service, StatsResponse, UsageWeight,
};
use depin_interface::UncheckedDenom;

use crate::contract::{execute, instantiate, query};
use crate::error::ContractError;
use crate::state::{GLOBAL, NAMESPACES, REWARDS};

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

const MIN: u128 = 1_000;
const EPOCH: u64 = 100;

/// The registry's parameters in these tests (one usage denom, uusdc, at weight 1).
fn instantiate_msg(dao: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        dao: dao.to_string(),
        reward_token: None,
        billing_escrow: None,
        stake_denom: UncheckedDenom::Native("ustake".into()),
        min_stake: Uint128::new(MIN),
        unbonding_period: 50,
        max_slash: Decimal::percent(10),
        oracles: vec![],
        rewards: RewardParams {
            epoch_seconds: EPOCH,
            emission_per_epoch: Uint128::new(1_000_000),
            halving_epochs: 0,
            usage_share: Decimal::percent(40),
            usage_weights: vec![UsageWeight {
                denom: UncheckedDenom::Native("uusdc".into()),
                weight: Decimal::one(),
            }],
        },
    }
}

fn setup() -> (Deps, Env, Addr) {
    let mut deps = mock_dependencies();
    let env = mock_env();
    let dao = deps.api.addr_make("dao");
    let msg = instantiate_msg(&dao);
    instantiate(deps.as_mut(), env.clone(), message_info(&dao, &[]), msg).unwrap();
    (deps, env, dao)
}

fn listing() -> RegisterMsg {
    RegisterMsg {
        service: Service::Storage,
        endpoint: "https://a.example".into(),
        region: "eu".into(),
        capacity: Capacity {
            amount: Uint128::new(1),
            unit: "GiB".into(),
        },
        prices: vec![Price {
            denom: UncheckedDenom::Native("uusdc".into()),
            per_unit: Uint128::new(3),
        }],
        metadata_uri: None,
        agent_pubkey: None,
    }
}

fn register(deps: &mut Deps, env: &Env, who: &Addr, stake: u128) -> Result<(), ContractError> {
    execute(
        deps.as_mut(),
        env.clone(),
        message_info(who, &coins(stake, "ustake")),
        ExecuteMsg::Register(listing()),
    )
    .map(|_| ())
}

fn provider(deps: &Deps, env: &Env, who: &Addr) -> ProviderResponse {
    from_json(
        query(
            deps.as_ref(),
            env.clone(),
            QueryMsg::Provider {
                address: who.to_string(),
            },
        )
        .unwrap(),
    )
    .unwrap()
}

#[test]
fn namespaces_are_unique() {
    let mut all = NAMESPACES.to_vec();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), NAMESPACES.len());
}

fn exec(
    deps: &mut Deps,
    env: &Env,
    who: &Addr,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    execute(deps.as_mut(), env.clone(), message_info(who, &[]), msg)
}

fn attr<'a>(res: &'a Response, key: &str) -> Option<&'a str> {
    res.attributes
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value.as_str())
}

fn stats(deps: &Deps, env: &Env) -> StatsResponse {
    from_json(query(deps.as_ref(), env.clone(), QueryMsg::Stats {}).unwrap()).unwrap()
}
