//! Second audit, finding 7: reward records written in the layout of releases
//! before 0.2.0 (`Decimal256` accumulator, no carry, no `fraction` or
//! `open_disputes`) still read after `migrate`, and every claim still pays.

use super::*;
use crate::contract::migrate;
use crate::state::load_rewards;
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

/// A registry saved by a release without proofs of service (no
/// `proofs_from`, reward records without `settled_epoch`): `migrate` in
/// epoch 2 credits epochs 0 to 2 as before and needs proofs from epoch 3.
#[test]
fn a_migration_credits_the_epochs_before_proofs_and_needs_them_after() {
    let (mut deps, mut env, _) = setup();
    let p = deps.api.addr_make("p");
    register(&mut deps, &env, &p, 10_000).unwrap();
    let mut config = crate::state::CONFIG.load(&deps.storage).unwrap();
    config.proofs_from = None;
    crate::state::CONFIG
        .save(&mut deps.storage, &config)
        .unwrap();
    let mut pr = REWARDS.load(&deps.storage, &p).unwrap();
    pr.settled_epoch = None;
    REWARDS.save(&mut deps.storage, &p, &pr).unwrap();
    // Stake part 600_000 per epoch, all of it to the only provider.
    let stake_part = 600_000u128;
    env.block.time = env.block.time.plus_seconds(EPOCH * 5 / 2);
    let res = migrate(deps.as_mut(), env.clone(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "proofs_from"), Some("3"));
    assert_eq!(
        provider(&deps, &env, &p).pending_rewards.u128(),
        stake_part * 5 / 2
    );
    // Epoch 3 is proven (a heartbeat, no oracles); epoch 4 not yet.
    env.block.time = env.block.time.plus_seconds(EPOCH);
    exec(&mut deps, &env, &p, ExecuteMsg::Heartbeat {}).unwrap();
    env.block.time = env.block.time.plus_seconds(EPOCH);
    let record = provider(&deps, &env, &p);
    assert_eq!(record.pending_rewards.u128(), stake_part * 4);
    assert_eq!(record.unproven_rewards.u128(), stake_part / 2);
    // A second migration keeps `proofs_from`.
    let res = migrate(deps.as_mut(), env.clone(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "proofs_from"), Some("3"));
}

/// Reward records of 0.2.0 before the short names (full JSON names, with
/// proofs held and proven) load unchanged, and are saved shorter.
#[test]
fn a_reward_record_under_the_full_names_loads_and_is_saved_shorter() {
    let (deps, _, _) = setup();
    let p = deps.api.addr_make("p");
    let full = r#"{"index":"250000000000000000000000000000000000000","fraction":"3","accrued":"7","usage_epoch":4,"usage_weight":"25","open_disputes":1,"settled_epoch":5,"held":[{"epoch":5,"amount":"12"}],"proven":[3,4],"proven_epochs":2,"missed_epochs":1,"last_proven_epoch":4}"#;
    let mut storage = deps.storage;
    storage.set(&REWARDS.key(&p), full.as_bytes());
    let record = load_rewards(&storage, &p).unwrap().unwrap();
    assert_eq!(
        record.index,
        Uint256::from(25u128) * Uint256::from(10u128.pow(37))
    );
    assert_eq!((record.fraction.u128(), record.accrued.u128()), (3, 7));
    assert_eq!((record.usage_epoch, record.usage_weight.u128()), (4, 25));
    assert_eq!((record.open_disputes, record.settled_epoch), (1, Some(5)));
    assert_eq!(record.held.len(), 1);
    assert_eq!(
        (record.held[0].epoch, record.held[0].amount),
        (5, Uint256::from(12u128))
    );
    assert_eq!(record.proven, vec![3, 4]);
    assert_eq!((record.proven_epochs, record.missed_epochs), (2, 1));
    assert_eq!(record.last_proven_epoch, Some(4));
    REWARDS.save(&mut storage, &p, &record).unwrap();
    let short = storage.get(&REWARDS.key(&p)).unwrap();
    assert_eq!((full.len(), short.len()), (260, 149));
    assert_eq!(load_rewards(&storage, &p).unwrap(), Some(record));
}

/// A reputation stored under the full names (with the proof counters
/// earlier releases wrote) loads, and is saved shorter.
#[test]
fn a_reputation_under_the_full_names_loads_and_is_saved_shorter() {
    use crate::state::REPUTATION;
    let (deps, _, _) = setup();
    let p = deps.api.addr_make("p");
    let full = r#"{"usage_units":"1000","revenue":[{"denom":{"native":"uusdc"},"amount":"7000"}],"leases_settled":3,"disputes_lost":1,"slashes":1,"heartbeats":9,"last_heartbeat":"1764000000123456789","attested_score":null,"attested_capacity":null,"proven_epochs":0,"missed_epochs":0,"last_proven_epoch":null}"#;
    let mut storage = deps.storage;
    storage.set(&REPUTATION.key(&p), full.as_bytes());
    let stored = REPUTATION.load(&storage, &p).unwrap();
    let rep: depin_interface::registry::Reputation = stored.clone().into();
    assert_eq!((rep.usage_units.u128(), rep.leases_settled), (1_000, 3));
    assert_eq!(rep.revenue[0].amount.u128(), 7_000);
    assert_eq!((rep.disputes_lost, rep.slashes, rep.heartbeats), (1, 1, 9));
    assert_eq!(
        rep.last_heartbeat.map(|t| t.nanos()),
        Some(1_764_000_000_123_456_789)
    );
    REPUTATION.save(&mut storage, &p, &stored).unwrap();
    let short = storage.get(&REPUTATION.key(&p)).unwrap();
    assert_eq!((full.len(), short.len()), (290, 117));
    let reloaded: depin_interface::registry::Reputation =
        REPUTATION.load(&storage, &p).unwrap().into();
    assert_eq!(reloaded, rep);
}
