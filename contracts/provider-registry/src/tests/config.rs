//! Instantiate and config validation, uppercase addresses, migration.

use super::*;

#[test]
fn instantiate_rejects_bad_parameters() {
    let mut deps = mock_dependencies();
    let dao = deps.api.addr_make("dao");
    let mut msg = instantiate_msg(&dao);
    msg.max_slash = Decimal::percent(101);
    msg.rewards.emission_per_epoch = Uint128::new(1);
    msg.rewards.usage_weights = vec![];
    let info = message_info(&dao, &[]);
    assert!(matches!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::Validation(_))
    ));
    msg.max_slash = Decimal::percent(10);
    msg.rewards.epoch_seconds = 0;
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::Validation(
            depin_interface::ValidationError::MustBePositive {
                field: "epoch_seconds"
            }
        ))
    );
    msg.rewards.epoch_seconds = EPOCH;
    msg.min_stake = Uint128::zero();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info, msg),
        Err(ContractError::Validation(
            depin_interface::ValidationError::MustBePositive { field: "min_stake" }
        ))
    );
}

#[test]
fn zero_unbonding_and_oversized_emission_are_refused() {
    let mut deps = mock_dependencies();
    let dao = deps.api.addr_make("dao");
    let mut msg = instantiate_msg(&dao);
    msg.unbonding_period = 0;
    msg.rewards.emission_per_epoch = Uint128::new(1);
    msg.rewards.usage_weights = vec![];
    let info = message_info(&dao, &[]);
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::Validation(
            depin_interface::ValidationError::MustBePositive {
                field: "unbonding_period"
            }
        ))
    );
    msg.unbonding_period = 50;
    // No halving: the bound is u128::MAX over the epochs of 10 years,
    // 315_360_000 / 100 = 3_153_600 epochs, rounded down.
    let max = Uint128::new(u128::MAX / 3_153_600);
    msg.rewards.emission_per_epoch = max + Uint128::one();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::EmissionTooLarge {
            emission_per_epoch: max + Uint128::one(),
            max
        })
    );
    // Halving every 10 epochs: the whole schedule emits < E × 20.
    msg.rewards.halving_epochs = 10;
    let max = Uint128::new(u128::MAX / 20);
    msg.rewards.emission_per_epoch = max + Uint128::one();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::EmissionTooLarge {
            emission_per_epoch: max + Uint128::one(),
            max
        })
    );
    msg.rewards.emission_per_epoch = max;
    instantiate(deps.as_mut(), mock_env(), info.clone(), msg).unwrap();
    assert_eq!(
        exec(
            &mut deps,
            &mock_env(),
            &dao,
            ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
                unbonding_period: Some(0),
                ..Default::default()
            })
        ),
        Err(ContractError::Validation(
            depin_interface::ValidationError::MustBePositive {
                field: "unbonding_period"
            }
        ))
    );
}

#[test]
fn migrate_goes_forward_only() {
    use crate::contract::{migrate, CONTRACT_NAME};
    use depin_interface::migration::MigrationError;
    use depin_interface::registry::MigrateMsg;
    let (mut deps, env, _) = setup();
    migrate(deps.as_mut(), env.clone(), MigrateMsg {}).unwrap();
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "99.0.0").unwrap();
    assert!(matches!(
        migrate(deps.as_mut(), env.clone(), MigrateMsg {}),
        Err(ContractError::Migration(MigrationError::Downgrade { .. }))
    ));
    cw2::set_contract_version(&mut deps.storage, "crates.io:other", "0.0.1").unwrap();
    assert!(matches!(
        migrate(deps.as_mut(), env, MigrateMsg {}),
        Err(ContractError::Migration(
            MigrationError::WrongContract { .. }
        ))
    ));
}

#[test]
fn uppercase_addresses_are_rejected() {
    let (mut deps, env, dao) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, MIN).unwrap();
    let upper = p.as_str().to_uppercase();
    let err = execute(
        deps.as_mut(),
        env.clone(),
        message_info(&dao, &[]),
        ExecuteMsg::Slash {
            provider: upper.clone(),
            fraction: Decimal::percent(5),
            reason: "x".into(),
            jail_seconds: None,
        },
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)), "{err}");
    assert!(query(deps.as_ref(), env, QueryMsg::Provider { address: upper }).is_err());
}
