//! Handler unit tests with mock dependencies (the cw-multi-test suite in
//! packages/depin-testing covers the cross-contract paths).

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

fn setup() -> (Deps, Env, Addr) {
    let mut deps = mock_dependencies();
    let env = mock_env();
    let dao = deps.api.addr_make("dao");
    let msg = InstantiateMsg {
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
    };
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

#[test]
fn register_needs_min_stake_and_is_once_per_address() {
    let (mut deps, env, _) = setup();
    let p = deps.api.addr_make("p");
    assert_eq!(
        register(&mut deps, &env, &p, MIN - 1),
        Err(ContractError::BelowMinStake {
            stake: Uint128::new(MIN - 1),
            min_stake: Uint128::new(MIN)
        })
    );
    register(&mut deps, &env, &p, MIN).unwrap();
    assert!(matches!(
        register(&mut deps, &env, &p, MIN),
        Err(ContractError::AlreadyRegistered { .. })
    ));
    let rec = provider(&deps, &env, &p);
    assert_eq!(rec.status, ProviderStatus::Active);
    assert_eq!(rec.stake, Uint128::new(MIN));
}

#[test]
fn stake_rewards_split_one_to_three_over_an_epoch() {
    let (mut deps, mut env, _) = setup();
    let a = deps.api.addr_make("a");
    let b = deps.api.addr_make("b");
    register(&mut deps, &env, &a, 1_000).unwrap();
    register(&mut deps, &env, &b, 3_000).unwrap();
    env.block.time = env.block.time.plus_seconds(EPOCH);
    // Stake part = 1_000_000 − floor(1_000_000 × 40 %) = 600_000, split 1:3.
    assert_eq!(provider(&deps, &env, &a).pending_rewards.u128(), 150_000);
    assert_eq!(provider(&deps, &env, &b).pending_rewards.u128(), 450_000);
}

#[test]
fn slash_cuts_bond_and_claims_and_jails() {
    let (mut deps, env, dao) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 2_001).unwrap();
    execute(
        deps.as_mut(),
        env.clone(),
        message_info(&p, &[]),
        ExecuteMsg::Unbond {
            amount: Uint128::new(1_001),
        },
    )
    .unwrap();
    let res = execute(
        deps.as_mut(),
        env.clone(),
        message_info(&dao, &[]),
        ExecuteMsg::Slash {
            provider: p.to_string(),
            fraction: Decimal::percent(50),
            reason: "fraud".into(),
            jail_seconds: Some(10),
        },
    )
    .unwrap();
    // floor(1_000 × 0.5) + floor(1_001 × 0.5) = 500 + 500 go to the DAO.
    assert_eq!(res.messages.len(), 1);
    let rec = provider(&deps, &env, &p);
    assert_eq!(rec.stake.u128(), 500);
    assert_eq!(rec.unbonding.u128(), 501);
    assert_eq!(
        rec.status,
        ProviderStatus::Jailed {
            until: env.block.time.plus_seconds(10)
        }
    );
    let stats: StatsResponse =
        from_json(query(deps.as_ref(), env.clone(), QueryMsg::Stats {}).unwrap()).unwrap();
    assert_eq!(stats.total_stake.u128(), 500);
    assert_eq!(stats.total_unbonding.u128(), 501);
    assert_eq!(stats.active_providers, 0);
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

#[test]
fn instantiate_rejects_bad_parameters() {
    let mut deps = mock_dependencies();
    let dao = deps.api.addr_make("dao");
    let mut msg = InstantiateMsg {
        dao: dao.to_string(),
        reward_token: None,
        billing_escrow: None,
        stake_denom: UncheckedDenom::Native("ustake".into()),
        min_stake: Uint128::new(MIN),
        unbonding_period: 50,
        max_slash: Decimal::percent(101),
        oracles: vec![],
        rewards: RewardParams {
            epoch_seconds: EPOCH,
            emission_per_epoch: Uint128::new(1),
            halving_epochs: 0,
            usage_share: Decimal::percent(40),
            usage_weights: vec![],
        },
    };
    let info = message_info(&dao, &[]);
    assert!(matches!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::Validation(_))
    ));
    msg.max_slash = Decimal::percent(10);
    msg.rewards.epoch_seconds = 0;
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::MustBePositive {
            field: "epoch_seconds"
        })
    );
    msg.rewards.epoch_seconds = EPOCH;
    msg.min_stake = Uint128::zero();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info, msg),
        Err(ContractError::MustBePositive { field: "min_stake" })
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
fn claims_pay_only_matured_amounts() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 3_000).unwrap();
    let unbond = |deps: &mut Deps, env: &Env, amount: u128| {
        execute(
            deps.as_mut(),
            env.clone(),
            message_info(&p, &[]),
            ExecuteMsg::Unbond {
                amount: Uint128::new(amount),
            },
        )
        .unwrap();
    };
    unbond(&mut deps, &env, 100);
    env.block.time = env.block.time.plus_seconds(30);
    unbond(&mut deps, &env, 200);
    env.block.time = env.block.time.plus_seconds(20); // first claim matures (period 50)
    let res = execute(
        deps.as_mut(),
        env.clone(),
        message_info(&p, &[]),
        ExecuteMsg::Claim {},
    )
    .unwrap();
    assert_eq!(
        res.messages[0].msg,
        cosmwasm_std::BankMsg::Send {
            to_address: p.to_string(),
            amount: coins(100, "ustake")
        }
        .into()
    );
    assert_eq!(provider(&deps, &env, &p).unbonding.u128(), 200);
    assert_eq!(
        execute(
            deps.as_mut(),
            env.clone(),
            message_info(&p, &[]),
            ExecuteMsg::Claim {},
        ),
        Err(ContractError::NothingToClaim {})
    );
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

#[test]
fn zero_unbonding_and_oversized_emission_are_refused() {
    let mut deps = mock_dependencies();
    let dao = deps.api.addr_make("dao");
    let mut msg = InstantiateMsg {
        dao: dao.to_string(),
        reward_token: None,
        billing_escrow: None,
        stake_denom: UncheckedDenom::Native("ustake".into()),
        min_stake: Uint128::new(MIN),
        unbonding_period: 0,
        max_slash: Decimal::percent(10),
        oracles: vec![],
        rewards: RewardParams {
            epoch_seconds: EPOCH,
            emission_per_epoch: Uint128::new(1),
            halving_epochs: 0,
            usage_share: Decimal::percent(40),
            usage_weights: vec![],
        },
    };
    let info = message_info(&dao, &[]);
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg.clone()),
        Err(ContractError::MustBePositive {
            field: "unbonding_period"
        })
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
        Err(ContractError::MustBePositive {
            field: "unbonding_period"
        })
    );
}

/// A reward record no real schedule reaches (`accrued` at `u128::MAX`):
/// settling overflows. Stake must still move, and the accrual is forfeited.
#[test]
fn stake_moves_when_the_provider_accrual_overflows() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 3_000).unwrap();
    REWARDS
        .update(&mut deps.storage, &p, |pr| -> StdResult<_> {
            let mut pr = pr.unwrap_or_default();
            pr.accrued = Uint128::MAX;
            Ok(pr)
        })
        .unwrap();
    env.block.time = env.block.time.plus_seconds(10);
    // 10 s of the 600_000 stake part per 100 s: 60_000 would overflow `accrued`.
    let res = exec(
        &mut deps,
        &env,
        &p,
        ExecuteMsg::Unbond {
            amount: Uint128::new(1_000),
        },
    )
    .unwrap();
    assert_eq!(
        attr(&res, "rewards_forfeited"),
        Some("provider accrual: Overflow: Cannot Add with given operands")
    );
    let rec = provider(&deps, &env, &p);
    assert_eq!((rec.stake.u128(), rec.unbonding.u128()), (2_000, 1_000));
    assert_eq!(rec.pending_rewards, Uint128::MAX);
    let st = stats(&deps, &env);
    assert_eq!(
        (st.total_stake.u128(), st.total_unbonding.u128()),
        (2_000, 1_000)
    );
    env.block.time = env.block.time.plus_seconds(20);
    let res = exec(&mut deps, &env, &p, ExecuteMsg::Deregister {}).unwrap();
    assert!(attr(&res, "rewards_forfeited").is_some());
    env.block.time = env.block.time.plus_seconds(50);
    let res = exec(&mut deps, &env, &p, ExecuteMsg::Claim {}).unwrap();
    assert_eq!(attr(&res, "amount"), Some("3000"));
    let st = stats(&deps, &env);
    assert_eq!((st.total_stake.u128(), st.total_unbonding.u128()), (0, 0));
}

/// An accumulator crafted one step from `Uint256::MAX`: advancing it
/// overflows. The span's stake emission is forfeited and stake still moves.
#[test]
fn stake_moves_when_the_accumulator_overflows() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 2_000).unwrap();
    GLOBAL
        .update(&mut deps.storage, |mut g| -> StdResult<_> {
            g.reward_per_stake = Uint256::MAX;
            Ok(g)
        })
        .unwrap();
    REWARDS
        .update(&mut deps.storage, &p, |pr| -> StdResult<_> {
            let mut pr = pr.unwrap_or_default();
            pr.index = Uint256::MAX;
            Ok(pr)
        })
        .unwrap();
    env.block.time = env.block.time.plus_seconds(10);
    // The query reads the forfeiture instead of failing.
    assert_eq!(provider(&deps, &env, &p).pending_rewards, Uint128::zero());
    let res = exec(
        &mut deps,
        &env,
        &p,
        ExecuteMsg::Unbond {
            amount: Uint128::new(1_500),
        },
    )
    .unwrap();
    assert_eq!(
        attr(&res, "rewards_forfeited"),
        Some("stake emission: Overflow: Cannot Add with given operands")
    );
    let g = GLOBAL.load(&deps.storage).unwrap();
    assert_eq!(g.last_update, env.block.time);
    assert_eq!(g.reward_per_stake, Uint256::MAX);
    // Below min_stake now: inactive, no longer in the accumulator's denominator.
    assert_eq!(g.total_active_stake, Uint128::zero());
    env.block.time = env.block.time.plus_seconds(50);
    let res = exec(&mut deps, &env, &p, ExecuteMsg::Claim {}).unwrap();
    assert_eq!(attr(&res, "amount"), Some("1500"));
    assert_eq!(attr(&res, "rewards_forfeited"), None);
}

#[test]
fn refresh_applies_the_current_min_stake_both_ways() {
    let (mut deps, mut env, dao) = setup();
    let p = deps.api.addr_make("p");
    let anyone = deps.api.addr_make("anyone");
    register(&mut deps, &env, &p, 1_500).unwrap();
    let raise = |min: u128| {
        ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
            min_stake: Some(Uint128::new(min)),
            ..Default::default()
        })
    };
    exec(&mut deps, &env, &dao, raise(2_000)).unwrap();
    // The query reads the effective status at once; the stored one still earns.
    assert_eq!(provider(&deps, &env, &p).status, ProviderStatus::Inactive);
    env.block.time = env.block.time.plus_seconds(EPOCH);
    // Alone and still counted active for the whole epoch: the 600_000 stake part.
    assert_eq!(provider(&deps, &env, &p).pending_rewards.u128(), 600_000);
    let res = exec(
        &mut deps,
        &env,
        &anyone,
        ExecuteMsg::Refresh {
            provider: p.to_string(),
        },
    )
    .unwrap();
    assert_eq!(attr(&res, "status"), Some("inactive"));
    assert_eq!(stats(&deps, &env).active_providers, 0);
    env.block.time = env.block.time.plus_seconds(EPOCH);
    assert_eq!(provider(&deps, &env, &p).pending_rewards.u128(), 600_000);
    // Lowered again: refresh makes it active.
    exec(&mut deps, &env, &dao, raise(1_000)).unwrap();
    let res = exec(
        &mut deps,
        &env,
        &anyone,
        ExecuteMsg::Refresh {
            provider: p.to_string(),
        },
    )
    .unwrap();
    assert_eq!(attr(&res, "status"), Some("active"));
    assert_eq!(stats(&deps, &env).active_providers, 1);
    // Funds attached or an unknown provider: typed errors.
    assert!(matches!(
        execute(
            deps.as_mut(),
            env.clone(),
            message_info(&anyone, &coins(1, "ustake")),
            ExecuteMsg::Refresh {
                provider: p.to_string()
            },
        ),
        Err(ContractError::Payment(_))
    ));
    assert_eq!(
        exec(
            &mut deps,
            &env,
            &anyone,
            ExecuteMsg::Refresh {
                provider: anyone.to_string()
            }
        ),
        Err(ContractError::ProviderNotFound {
            address: anyone.to_string()
        })
    );
}

#[test]
fn open_disputes_hold_matured_claims() {
    let (mut deps, mut env, dao) = setup();
    let escrow = deps.api.addr_make("escrow");
    exec(
        &mut deps,
        &env,
        &dao,
        ExecuteMsg::UpdateConfig(RegistryConfigUpdate {
            billing_escrow: Some(escrow.to_string()),
            ..Default::default()
        }),
    )
    .unwrap();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 2_000).unwrap();
    let opened = ExecuteMsg::DisputeOpened {
        provider: p.to_string(),
    };
    let resolved = ExecuteMsg::DisputeResolved {
        provider: p.to_string(),
    };
    assert_eq!(
        exec(&mut deps, &env, &p, opened.clone()),
        Err(ContractError::Unauthorized {
            sender: p.to_string(),
            action: "dispute_opened"
        })
    );
    assert_eq!(
        exec(&mut deps, &env, &dao, resolved.clone()),
        Err(ContractError::Unauthorized {
            sender: dao.to_string(),
            action: "dispute_resolved"
        })
    );
    assert_eq!(
        exec(&mut deps, &env, &escrow, resolved.clone()),
        Err(ContractError::NoOpenDispute {
            provider: p.to_string()
        })
    );
    exec(&mut deps, &env, &escrow, opened.clone()).unwrap();
    exec(&mut deps, &env, &escrow, opened).unwrap();
    assert_eq!(provider(&deps, &env, &p).open_disputes, 2);
    exec(
        &mut deps,
        &env,
        &p,
        ExecuteMsg::Unbond {
            amount: Uint128::new(500),
        },
    )
    .unwrap();
    env.block.time = env.block.time.plus_seconds(50);
    assert_eq!(
        exec(&mut deps, &env, &p, ExecuteMsg::Claim {}),
        Err(ContractError::StakeHeldByDisputes { open_disputes: 2 })
    );
    exec(&mut deps, &env, &escrow, resolved.clone()).unwrap();
    assert_eq!(
        exec(&mut deps, &env, &p, ExecuteMsg::Claim {}),
        Err(ContractError::StakeHeldByDisputes { open_disputes: 1 })
    );
    let res = exec(&mut deps, &env, &escrow, resolved).unwrap();
    assert_eq!(attr(&res, "open_disputes"), Some("0"));
    let res = exec(&mut deps, &env, &p, ExecuteMsg::Claim {}).unwrap();
    assert_eq!(attr(&res, "amount"), Some("500"));
}
