//! Stake rewards and the forfeiture that keeps stake moving.

use super::*;

#[test]
fn stake_rewards_split_one_to_three_over_an_epoch() {
    let (mut deps, mut env, _) = setup();
    let a = deps.api.addr_make("a");
    let b = deps.api.addr_make("b");
    register(&mut deps, &env, &a, 1_000).unwrap();
    register(&mut deps, &env, &b, 3_000).unwrap();
    // No oracles: a heartbeat proves the epoch (bootstrap mode).
    exec(&mut deps, &env, &a, ExecuteMsg::Heartbeat {}).unwrap();
    exec(&mut deps, &env, &b, ExecuteMsg::Heartbeat {}).unwrap();
    env.block.time = env.block.time.plus_seconds(EPOCH);
    // Stake part = 1_000_000 − floor(1_000_000 × 40 %) = 600_000, split 1:3.
    assert_eq!(provider(&deps, &env, &a).pending_rewards.u128(), 150_000);
    assert_eq!(provider(&deps, &env, &b).pending_rewards.u128(), 450_000);
}

/// A reward record no real schedule reaches (`accrued` at `u128::MAX`):
/// settling overflows. Stake must still move, and the accrual is forfeited.
#[test]
fn stake_moves_when_the_provider_accrual_overflows() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 3_000).unwrap();
    exec(&mut deps, &env, &p, ExecuteMsg::Heartbeat {}).unwrap();
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
