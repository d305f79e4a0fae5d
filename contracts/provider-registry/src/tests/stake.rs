//! Registration, claims, refresh and the dispute hold on stake.

use super::*;

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
        Err(ContractError::NothingToClaim {
            address: p.to_string()
        })
    );
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
    // The query reads the effective status at once, and the raise stopped its
    // stake rewards at once (second audit: it used to earn the epoch's whole
    // 600_000 stake part until someone refreshed it).
    assert_eq!(provider(&deps, &env, &p).status, ProviderStatus::Inactive);
    env.block.time = env.block.time.plus_seconds(EPOCH);
    assert_eq!(provider(&deps, &env, &p).pending_rewards.u128(), 0);
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
    assert_eq!(provider(&deps, &env, &p).pending_rewards.u128(), 0);
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
