//! Deployment and helpers for the DAO.

use cosmwasm_std::Uint128;
use cw_multi_test::{App, Executor};
use depin_interface::{escrow, registry, token, UncheckedDenom};

use crate::suite::{
    store_codes, Actors, Suite, SuiteBuilder, INITIAL_MEMBER_TOKENS, PAY_DENOM, STAKE_DENOM,
};

/// Deploys token, registry and escrow.
///
/// TEMPORARY until the DAO contract bootstraps the suite: the `deployer`
/// account instantiates each contract directly and plays the DAO.
pub fn deploy(mut app: App, actors: Actors, params: SuiteBuilder) -> Suite {
    let codes = store_codes(&mut app);
    let dao = actors.deployer.clone();
    let token_addr = app
        .instantiate_contract(
            codes.token,
            dao.clone(),
            &token::InstantiateMsg {
                name: "DePIN Reward".into(),
                symbol: "DPIN".into(),
                decimals: 6,
                initial_balances: actors
                    .members
                    .iter()
                    .chain(&actors.providers)
                    .map(|a| token::Cw20Coin {
                        address: a.to_string(),
                        amount: Uint128::new(INITIAL_MEMBER_TOKENS),
                    })
                    .collect(),
                mint: Some(token::MinterResponse {
                    minter: dao.to_string(),
                    cap: params.token_cap,
                }),
                marketing: None,
            },
            &[],
            "reward-token",
            Some(dao.to_string()),
        )
        .expect("instantiating the token");
    let stake_denom = if params.cw20_stake {
        UncheckedDenom::Cw20(token_addr.to_string())
    } else {
        UncheckedDenom::Native(STAKE_DENOM.into())
    };
    let registry_addr = app
        .instantiate_contract(
            codes.registry,
            dao.clone(),
            &registry::InstantiateMsg {
                dao: dao.to_string(),
                reward_token: Some(token_addr.to_string()),
                billing_escrow: None,
                stake_denom,
                min_stake: params.min_stake,
                unbonding_period: params.unbonding_period,
                max_slash: params.max_slash,
                oracles: vec![actors.oracle.to_string()],
                rewards: params.rewards.clone(),
            },
            &[],
            "provider-registry",
            Some(dao.to_string()),
        )
        .expect("instantiating the registry");
    let escrow_addr = app
        .instantiate_contract(
            codes.escrow,
            dao.clone(),
            &escrow::InstantiateMsg {
                dao: dao.to_string(),
                registry: registry_addr.to_string(),
                treasury: None,
                fee_bps: params.fee_bps,
                dispute_window: params.dispute_window,
                accepted_denoms: vec![
                    UncheckedDenom::Native(PAY_DENOM.into()),
                    UncheckedDenom::Cw20(token_addr.to_string()),
                ],
                arbiters: Some(vec![actors.arbiter.to_string()]),
            },
            &[],
            "billing-escrow",
            Some(dao.to_string()),
        )
        .expect("instantiating the escrow");
    app.execute_contract(
        dao.clone(),
        registry_addr.clone(),
        &registry::ExecuteMsg::UpdateConfig(registry::RegistryConfigUpdate {
            billing_escrow: Some(escrow_addr.to_string()),
            ..Default::default()
        }),
        &[],
    )
    .expect("wiring the escrow into the registry");
    app.execute_contract(
        dao.clone(),
        token_addr.clone(),
        &token::ExecuteMsg::UpdateMinter {
            new_minter: Some(registry_addr.to_string()),
        },
        &[],
    )
    .expect("making the registry the minter");
    Suite {
        app,
        actors,
        dao,
        token: token_addr,
        registry: registry_addr,
        escrow: escrow_addr,
        codes,
        params,
    }
}
