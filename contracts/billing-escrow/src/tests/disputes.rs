//! A dispute holds the provider's stake in the registry until it is resolved.

use super::*;

fn resolve(
    t: &mut T,
    lease_id: u64,
    charge_id: u64,
    uphold: bool,
    slash: Option<Decimal>,
) -> cosmwasm_std::Response {
    let dao = t.dao.clone();
    t.exec(
        &dao,
        &[],
        ExecuteMsg::ResolveDispute {
            lease_id,
            charge_id,
            uphold,
            slash_fraction: slash,
        },
    )
    .unwrap()
}

#[test]
fn a_dispute_tells_the_registry_and_each_resolution_releases_it_after_the_slash() {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 10_000);
    for _ in 0..3 {
        t.report(lease_id, 10).unwrap();
    }
    let provider = t.provider.to_string();
    let opened = registry::ExecuteMsg::DisputeOpened {
        provider: provider.clone(),
    };
    let resolved = registry::ExecuteMsg::DisputeResolved {
        provider: provider.clone(),
    };
    // A plain message: if the registry refuses, the dispute fails.
    for charge_id in 1..=3 {
        let res = t.dispute(lease_id, charge_id).unwrap();
        assert_eq!(
            registry_msgs(&res, &t.registry),
            vec![(opened.clone(), cosmwasm_std::ReplyOn::Never)]
        );
    }
    // Upheld: released.
    let res = resolve(&mut t, lease_id, 1, true, None);
    assert_eq!(
        registry_msgs(&res, &t.registry),
        vec![(resolved.clone(), cosmwasm_std::ReplyOn::Never)]
    );
    // Voided without a slash: released.
    let res = resolve(&mut t, lease_id, 2, false, None);
    assert_eq!(
        registry_msgs(&res, &t.registry),
        vec![(resolved.clone(), cosmwasm_std::ReplyOn::Never)]
    );
    // Voided with a slash: the slash first, then the release.
    let res = resolve(&mut t, lease_id, 3, false, Some(Decimal::percent(5)));
    let msgs = registry_msgs(&res, &t.registry);
    assert_eq!(msgs.len(), 2);
    assert!(matches!(
        &msgs[0],
        (registry::ExecuteMsg::Slash { provider: p, fraction, .. }, cosmwasm_std::ReplyOn::Never)
            if *p == provider && *fraction == Decimal::percent(5)
    ));
    assert_eq!(msgs[1], (resolved, cosmwasm_std::ReplyOn::Never));
}

/// A charge as the previous version stored it: its dispute has no `held_by`.
#[cosmwasm_schema::cw_serde]
struct LegacyDispute {
    reason: String,
    upheld: Option<bool>,
    upheld_at_settle: u64,
}

#[cosmwasm_schema::cw_serde]
struct LegacyCharge {
    units: Uint128,
    amount: Uint128,
    fee_bps: u16,
    fee: Uint128,
    created_at: Timestamp,
    matures_at: u64,
    dispute: Option<LegacyDispute>,
}

#[test]
fn a_dispute_opened_before_the_upgrade_resolves_without_a_release() {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 10_000);
    t.report(lease_id, 10).unwrap();
    t.dispute(lease_id, 1).unwrap();
    let charge = crate::state::CHARGES
        .load(&t.deps.storage, (lease_id, 1))
        .unwrap();
    let legacy = LegacyCharge {
        units: charge.units,
        amount: charge.amount,
        fee_bps: charge.fee_bps,
        fee: charge.fee,
        created_at: charge.created_at,
        matures_at: charge.matures_at,
        dispute: Some(LegacyDispute {
            reason: "not delivered".into(),
            upheld: None,
            upheld_at_settle: 0,
        }),
    };
    cw_storage_plus::Map::<(u64, u64), LegacyCharge>::new("ch")
        .save(&mut t.deps.storage, (lease_id, 1), &legacy)
        .unwrap();
    let res = resolve(&mut t, lease_id, 1, false, Some(Decimal::percent(5)));
    // The slash still goes out; the registry held nothing, so nothing is released.
    let msgs = registry_msgs(&res, &t.registry);
    assert_eq!(msgs.len(), 1);
    assert!(matches!(msgs[0].0, registry::ExecuteMsg::Slash { .. }));
}
