//! Slashing bonded stake and pending claims.

use super::*;

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
