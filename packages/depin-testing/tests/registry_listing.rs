//! Registry listings: the `providers` query through its indexes and
//! pagination, `update_provider`, `heartbeat` and oracle attestations.

use cosmwasm_std::{Addr, Uint128};
use depin_interface::registry::{ProvidersResponse, QueryMsg, Service, StatusFilter};
use depin_provider_registry::ContractError;
use depin_testing::registry::register_msg;
use depin_testing::shared::registry_error;
use depin_testing::{Suite, SuiteBuilder};

const MIN: u128 = 1_000;

fn suite() -> Suite {
    SuiteBuilder::default().build()
}

#[test]
fn providers_are_filtered_by_index_and_paginated() {
    let mut s = SuiteBuilder {
        providers: 6,
        ..Default::default()
    }
    .build();
    let ps: Vec<Addr> = (0..6).map(|i| s.provider(i)).collect();
    let listings = [
        (Service::Storage, "eu"),
        (Service::Storage, "us"),
        (Service::Gpu, "eu"),
        (Service::Gpu, "eu"),
        (Service::Other("lidar".into()), "eu"),
        (Service::Storage, "eu"),
    ];
    for (p, (service, region)) in ps.iter().zip(listings.iter()) {
        s.register_with(p, register_msg(service.clone(), region), MIN)
            .unwrap();
    }
    s.unbond(&ps[5], 1).unwrap(); // storage/eu, inactive
    let sorted = |mut v: Vec<Addr>| {
        v.sort();
        v
    };
    let q = |s: &Suite, sv: Option<Service>, r: Option<&str>, t: Option<StatusFilter>| {
        s.providers_page(sv, r, t, None, Some(100))
    };
    assert_eq!(q(&s, None, None, None), sorted(ps.clone()));
    assert_eq!(
        q(&s, Some(Service::Storage), None, None),
        sorted(vec![ps[0].clone(), ps[1].clone(), ps[5].clone()])
    );
    assert_eq!(
        q(&s, None, Some("eu"), None),
        sorted(vec![
            ps[0].clone(),
            ps[2].clone(),
            ps[3].clone(),
            ps[4].clone(),
            ps[5].clone()
        ])
    );
    assert_eq!(
        q(&s, None, None, Some(StatusFilter::Inactive)),
        vec![ps[5].clone()]
    );
    assert_eq!(
        q(&s, Some(Service::Storage), Some("eu"), None),
        sorted(vec![ps[0].clone(), ps[5].clone()])
    );
    assert_eq!(
        q(&s, Some(Service::Storage), None, Some(StatusFilter::Active)),
        sorted(vec![ps[0].clone(), ps[1].clone()])
    );
    assert_eq!(
        q(&s, None, Some("eu"), Some(StatusFilter::Active)),
        sorted(vec![
            ps[0].clone(),
            ps[2].clone(),
            ps[3].clone(),
            ps[4].clone()
        ])
    );
    assert_eq!(
        q(
            &s,
            Some(Service::Storage),
            Some("eu"),
            Some(StatusFilter::Active)
        ),
        vec![ps[0].clone()]
    );
    assert_eq!(
        q(&s, Some(Service::Other("lidar".into())), None, None),
        vec![ps[4].clone()]
    );
    assert!(q(&s, None, None, Some(StatusFilter::Jailed)).is_empty());

    // Pages of two, in address order, whatever the filter.
    let all = q(&s, None, Some("eu"), None);
    let mut paged = vec![];
    let mut after: Option<Addr> = None;
    loop {
        let page = s.providers_page(None, Some("eu"), None, after.as_ref(), Some(2));
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().cloned();
        paged.extend(page);
    }
    assert_eq!(paged, all);
    // Moving region moves the provider between index entries.
    s.update_provider(&ps[1], Some("eu"), None).unwrap();
    assert_eq!(q(&s, None, Some("us"), None), Vec::<Addr>::new());
    assert_eq!(s.provider_info(&ps[1]).region, "eu");
}

#[test]
fn heartbeat_update_and_attest_build_reputation() {
    let mut s = suite();
    let p = s.provider(0);
    s.register(&p, MIN).unwrap();
    s.heartbeat(&p).unwrap();
    s.advance(60);
    s.heartbeat(&p).unwrap();
    let now = s.app.block_info().time;
    let oracle = s.actors.oracle.clone();
    s.attest(
        &oracle,
        &p,
        Some(97),
        Some(depin_interface::registry::Capacity {
            amount: Uint128::new(7),
            unit: "TiB".into(),
        }),
    )
    .unwrap();
    s.update_provider(&p, None, Some("https://new.example"))
        .unwrap();
    let rec = s.provider_info(&p);
    assert_eq!(rec.reputation.heartbeats, 2);
    assert_eq!(rec.reputation.last_heartbeat, Some(now));
    assert_eq!(rec.reputation.attested_score, Some(97));
    assert_eq!(rec.reputation.attested_capacity.unwrap().amount.u128(), 7);
    assert_eq!(rec.endpoint, "https://new.example");

    assert_eq!(
        registry_error(s.attest(&oracle, &p, Some(101), None).unwrap_err()),
        ContractError::ScoreOutOfRange { score: 101 }
    );
    assert_eq!(
        registry_error(s.attest(&oracle, &p, None, None).unwrap_err()),
        ContractError::EmptyAttestation {}
    );
    let stranger = s.provider(1);
    assert!(matches!(
        registry_error(s.attest(&oracle, &stranger, Some(1), None).unwrap_err()),
        ContractError::ProviderNotFound { .. }
    ));
    assert!(matches!(
        registry_error(s.heartbeat(&stranger).unwrap_err()),
        ContractError::ProviderNotFound { .. }
    ));
    assert!(matches!(
        registry_error(
            s.update_provider(&p, Some(&"r".repeat(65)), None)
                .unwrap_err()
        ),
        ContractError::Validation(_)
    ));
}

#[test]
fn stake_changes_show_through_every_index_and_status_changes_move_entries() {
    let mut s = suite();
    let p = s.provider(0);
    s.register_with(&p, register_msg(Service::Gpu, "ap"), MIN + 500)
        .unwrap();
    // Bond and unbond keep service, region and status: the record is rewritten
    // in place, and every index still serves the new stake.
    s.bond(&p, 250).unwrap();
    s.unbond(&p, 100).unwrap();
    let stake_via = |s: &Suite, sv: Option<Service>, r: Option<&str>, t: Option<StatusFilter>| {
        let res: ProvidersResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &QueryMsg::Providers {
                    service: sv,
                    region: r.map(Into::into),
                    status: t,
                    start_after: None,
                    limit: None,
                },
            )
            .unwrap();
        res.providers
            .iter()
            .map(|r| r.stake.u128())
            .collect::<Vec<_>>()
    };
    let expected = vec![MIN + 500 + 250 - 100];
    let active = Some(StatusFilter::Active);
    assert_eq!(stake_via(&s, None, None, active), expected);
    assert_eq!(stake_via(&s, Some(Service::Gpu), None, None), expected);
    assert_eq!(stake_via(&s, None, Some("ap"), active), expected);
    assert_eq!(
        stake_via(&s, Some(Service::Gpu), Some("ap"), active),
        expected
    );

    // Falling below min_stake moves it to `inactive` in every status index.
    s.unbond(&p, 651).unwrap();
    assert_eq!(stake_via(&s, None, None, active), Vec::<u128>::new());
    assert_eq!(
        stake_via(
            &s,
            Some(Service::Gpu),
            Some("ap"),
            Some(StatusFilter::Inactive)
        ),
        vec![MIN - 1]
    );
    s.bond(&p, 1).unwrap();
    assert_eq!(stake_via(&s, Some(Service::Gpu), None, active), vec![MIN]);
    assert_eq!(
        stake_via(&s, None, None, Some(StatusFilter::Inactive)),
        Vec::<u128>::new()
    );
}
