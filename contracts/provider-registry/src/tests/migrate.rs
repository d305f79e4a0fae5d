//! Second audit, finding 7: reward records written in the layout of releases
//! before 0.2.0 (`Decimal256` accumulator, no carry, no `fraction` or
//! `open_disputes`) still read after `migrate`, and every claim still pays.

use super::*;
use crate::contract::migrate;
use cosmwasm_std::Storage;
use depin_interface::registry::MigrateMsg;

/// Overwrites `Global` and the provider's reward record with the
/// pre-hardening layout (values as a 0.1.0 registry stored them), and the
/// cw2 version with 0.1.0.
fn write_legacy_records(deps: &mut Deps, p: &Addr) {
    let global = GLOBAL.load(&deps.storage).unwrap();
    let legacy_global = format!(
        r#"{{"reward_per_stake":"0.25","last_update":"{}","total_active_stake":"{}","total_stake":"{}","total_unbonding":"{}","providers":{},"active_providers":{},"rewards_minted":"0"}}"#,
        global.last_update.nanos(),
        global.total_active_stake,
        global.total_stake,
        global.total_unbonding,
        global.providers,
        global.active_providers,
    );
    deps.storage
        .set(GLOBAL.as_slice(), legacy_global.as_bytes());
    let legacy_rewards = r#"{"index":"0.25","accrued":"7","usage_epoch":0,"usage_weight":"0"}"#;
    deps.storage.set(&REWARDS.key(p), legacy_rewards.as_bytes());
    cw2::set_contract_version(
        deps.as_mut().storage,
        crate::contract::CONTRACT_NAME,
        "0.1.0",
    )
    .unwrap();
}

#[test]
fn a_migration_reads_the_pre_hardening_reward_layout_and_claims_still_pay() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 10_000).unwrap();
    exec(&mut deps, &env, &p, ExecuteMsg::Deregister {}).unwrap();
    write_legacy_records(&mut deps, &p);

    let res = migrate(deps.as_mut(), env.clone(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "from_version"), Some("0.1.0"));
    assert_eq!(attr(&res, "global_layout_converted"), Some("true"));
    // 0.25 per staked token on the 10^38 scale.
    let global = GLOBAL.load(&deps.storage).unwrap();
    assert_eq!(
        global.reward_per_stake,
        Uint256::from(25u128) * Uint256::from(10u128.pow(36))
    );
    // The provider record reads (its 7 accrued tokens kept) and the matured
    // 10,000 claim pays.
    let record = provider(&deps, &env, &p);
    assert_eq!(record.open_disputes, 0);
    assert!(record.pending_rewards.u128() >= 7);
    env.block.time = env.block.time.plus_seconds(51);
    let res = exec(&mut deps, &env, &p, ExecuteMsg::Claim {}).unwrap();
    assert_eq!(
        res.messages[0].msg,
        cosmwasm_std::BankMsg::Send {
            to_address: p.to_string(),
            amount: coins(10_000, "ustake")
        }
        .into()
    );
    // Saved back in the current layout on the way.
    assert!(REWARDS.load(&deps.storage, &p).is_ok());
    // A second migration finds nothing to convert.
    let res = migrate(deps.as_mut(), env.clone(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "global_layout_converted"), Some("false"));
}
