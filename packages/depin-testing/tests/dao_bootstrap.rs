//! One DAO instantiate creates and wires the whole suite.

use cosmwasm_std::{Decimal, Uint128};
use cw_multi_test::Executor;
use depin_dao::ContractError;
use depin_interface::dao::{self, SuiteResponse};
use depin_interface::{escrow, registry, token, Denom};
use depin_testing::dao::{dao_instantiate_msg, DAO_PROPOSAL_DEPOSIT};
use depin_testing::{SuiteBuilder, PAY_DENOM, STAKE_DENOM};

#[test]
fn one_instantiate_creates_the_suite_owned_and_administered_by_the_dao() {
    let suite = SuiteBuilder::new().build();
    let res: SuiteResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.dao, &dao::QueryMsg::Suite {})
        .unwrap();
    assert_eq!(
        (res.token, res.registry, res.escrow),
        (
            suite.token.clone(),
            suite.registry.clone(),
            suite.escrow.clone()
        )
    );
    for contract in [&suite.registry, &suite.escrow] {
        let info = suite.app.wrap().query_wasm_contract_info(contract).unwrap();
        assert_eq!(info.admin, Some(suite.dao.clone()), "admin of {contract}");
    }
    // The token is immutable: no wasm admin at all.
    let info = suite
        .app
        .wrap()
        .query_wasm_contract_info(&suite.token)
        .unwrap();
    assert_eq!(info.admin, None);
    let minter: token::MinterResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.token, &token::QueryMsg::Minter {})
        .unwrap();
    assert_eq!(minter.minter, suite.registry.to_string());
    assert_eq!(minter.cap, suite.params.token_cap);

    let reg: registry::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.registry, &registry::QueryMsg::Config {})
        .unwrap();
    assert_eq!(reg.dao, suite.dao);
    assert_eq!(reg.reward_token, Some(suite.token.clone()));
    assert_eq!(reg.billing_escrow, Some(suite.escrow.clone()));
    assert_eq!(reg.stake_denom, Denom::Native(STAKE_DENOM.into()));
    assert_eq!(reg.oracles, vec![suite.actors.oracle.clone()]);

    let esc: escrow::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.escrow, &escrow::QueryMsg::Config {})
        .unwrap();
    assert_eq!(esc.dao, suite.dao);
    assert_eq!(esc.registry, suite.registry);
    assert_eq!(esc.treasury, suite.dao);
    assert!(esc
        .accepted_denoms
        .contains(&Denom::Native(PAY_DENOM.into())));
    assert!(esc
        .accepted_denoms
        .contains(&Denom::Cw20(suite.token.clone())));
    assert_eq!(esc.arbiters, vec![suite.actors.arbiter.clone()]);

    let config = suite.dao_config();
    assert_eq!(config.guardian, Some(suite.actors.guardian.clone()));
    assert_eq!(config.proposal_deposit, Uint128::new(DAO_PROPOSAL_DEPOSIT));
    let raw = suite
        .app
        .wrap()
        .query_wasm_raw(&suite.dao, b"contract_info".to_vec())
        .unwrap()
        .unwrap();
    let version: Cw2Version = cosmwasm_std::from_json(raw).unwrap();
    assert_eq!(version.contract, "crates.io:depin-dao");
}

/// The cw2 record (`cw2::ContractVersion`), read raw.
#[derive(serde::Deserialize)]
struct Cw2Version {
    contract: String,
}

#[test]
fn missing_stake_denom_makes_the_registry_stake_the_new_token() {
    let suite = SuiteBuilder {
        cw20_stake: true,
        ..SuiteBuilder::new()
    }
    .build();
    let reg: registry::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.registry, &registry::QueryMsg::Config {})
        .unwrap();
    assert_eq!(reg.stake_denom, Denom::Cw20(suite.token.clone()));
}

/// Instantiates a second DAO from the deployed suite's codes with `change`
/// applied to the message, and returns the error.
fn instantiate_error(change: impl FnOnce(&mut dao::InstantiateMsg)) -> anyhow_error::E {
    let mut suite = SuiteBuilder::new().build();
    let mut msg = dao_instantiate_msg(&suite.codes, &suite.actors, &suite.params);
    change(&mut msg);
    let code = suite.codes.dao;
    let deployer = suite.actors.deployer.clone();
    suite
        .app
        .instantiate_contract(code, deployer, &msg, &[], "dao-2", None)
        .unwrap_err()
}

mod anyhow_error {
    pub type E = cw_multi_test::error::AnyError;
}

#[test]
fn a_failing_registry_instantiate_fails_the_whole_bootstrap() {
    // max_slash above 1 is refused by the registry, two replies deep.
    let err = instantiate_error(|m| m.suite.registry.max_slash = Decimal::percent(150));
    assert!(
        err.root_cause().to_string().contains("max_slash"),
        "{err:?}"
    );
}

#[test]
fn a_failing_escrow_instantiate_fails_the_whole_bootstrap() {
    let err = instantiate_error(|m| m.suite.escrow.fee_bps = 10_001);
    // fee_bps above 10_000 is refused by the escrow, three replies deep.
    assert!(err.root_cause().to_string().contains("fee"), "{err:?}");
}

type Change = Box<dyn FnOnce(&mut dao::InstantiateMsg)>;

#[test]
fn config_out_of_range_is_refused_before_anything_is_created() {
    let cases: Vec<(Change, ContractError)> = vec![
        (
            Box::new(|m| m.config.threshold = Decimal::zero()),
            ContractError::FractionOutOfRange {
                field: "threshold",
                value: Decimal::zero(),
            },
        ),
        (
            Box::new(|m| m.config.threshold = Decimal::percent(101)),
            ContractError::FractionOutOfRange {
                field: "threshold",
                value: Decimal::percent(101),
            },
        ),
        (
            Box::new(|m| m.config.quorum = Decimal::percent(120)),
            ContractError::FractionOutOfRange {
                field: "quorum",
                value: Decimal::percent(120),
            },
        ),
        (
            Box::new(|m| m.config.veto_threshold = Decimal::zero()),
            ContractError::FractionOutOfRange {
                field: "veto_threshold",
                value: Decimal::zero(),
            },
        ),
        (
            Box::new(|m| m.config.voting_period = 0),
            ContractError::Validation(depin_interface::ValidationError::MustBePositive {
                field: "voting_period",
            }),
        ),
        (
            Box::new(|m| m.suite.escrow_code_id = 0),
            ContractError::ZeroCodeId { contract: "escrow" },
        ),
        (
            // A unanimous yes could never pass: yes > 1 × votes never holds.
            Box::new(|m| m.config.threshold = Decimal::one()),
            ContractError::UnreachableThreshold {
                value: Decimal::one(),
            },
        ),
    ];
    for (change, expected) in cases {
        let err = instantiate_error(change);
        assert_eq!(err.downcast_ref::<ContractError>(), Some(&expected));
    }
    let err = instantiate_error(|m| m.config.guardian = Some("not an address".into()));
    assert!(matches!(
        err.downcast_ref::<ContractError>(),
        Some(ContractError::Std(_))
    ));
}

/// The suite's defaults: dispute window 3 600 s, voting 3 days, timelock 1 day.
const SLASH_PATH: u64 = 3_600 + 3 * 86_400 + 86_400;

#[test]
fn an_unbonding_period_shorter_than_dispute_vote_and_timelock_is_refused() {
    for unbonding_period in [0, 1, SLASH_PATH - 1] {
        let err = instantiate_error(|m| m.suite.registry.unbonding_period = unbonding_period);
        assert_eq!(
            err.downcast_ref::<ContractError>(),
            Some(&ContractError::UnbondingTooShort {
                unbonding_period,
                dispute_window: 3_600,
                voting_period: 3 * 86_400,
                timelock: 86_400,
                required: SLASH_PATH,
            })
        );
    }
    // Exactly the slash path is enough.
    let mut suite = SuiteBuilder::new().build();
    let mut msg = dao_instantiate_msg(&suite.codes, &suite.actors, &suite.params);
    msg.suite.registry.unbonding_period = SLASH_PATH;
    let (code, deployer) = (suite.codes.dao, suite.actors.deployer.clone());
    suite
        .app
        .instantiate_contract(code, deployer, &msg, &[], "dao-2", None)
        .unwrap();
}

#[test]
fn emission_without_halving_or_cap_is_refused() {
    let err = instantiate_error(|m| {
        m.suite.registry.rewards.halving_epochs = 0;
        m.suite.token.cap = None;
    });
    assert_eq!(
        err.downcast_ref::<ContractError>(),
        Some(&ContractError::UnboundedEmission {
            emission_per_epoch: Uint128::new(1_000_000),
        })
    );
    // Either bound is enough: a cap (the default), or halving without a cap.
    let mut suite = SuiteBuilder::new().build();
    let mut msg = dao_instantiate_msg(&suite.codes, &suite.actors, &suite.params);
    msg.suite.registry.rewards.halving_epochs = 2;
    msg.suite.token.cap = None;
    let (code, deployer) = (suite.codes.dao, suite.actors.deployer.clone());
    suite
        .app
        .instantiate_contract(code, deployer, &msg, &[], "dao-2", None)
        .unwrap();
}
