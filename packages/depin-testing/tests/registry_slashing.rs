//! Registry slashing: bonded stake and pending claims alike, funds to the DAO,
//! the escrow's `max_slash`, jail and `unjail`. Every cut rounds down
//! (`floor(amount × fraction)`), the registry sends exactly what it cuts.

use cosmwasm_std::{Decimal, Uint128};
use depin_interface::registry::ProviderStatus;
use depin_interface::validation::ValidationError;
use depin_provider_registry::ContractError;
use depin_testing::shared::registry_error;
use depin_testing::{SuiteBuilder, STAKE_DENOM};

const UNBONDING: u64 = 7 * 86_400;

#[test]
fn slash_reaches_pending_unbonding_claims() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 10_001).unwrap();
    s.unbond(&p, 3_001).unwrap();
    s.advance(10);
    s.unbond(&p, 2_000).unwrap();
    let dao = s.dao.clone();
    let dao_before = s.native_balance(&dao, STAKE_DENOM);
    s.slash(&dao, &p, Decimal::percent(30), None).unwrap();
    // bonded 5_000 → cut 1_500; claims 3_001 → cut floor(900.3) = 900, 2_000 → 600.
    let rec = s.provider_info(&p);
    assert_eq!(rec.stake.u128(), 3_500);
    assert_eq!(rec.unbonding.u128(), 2_101 + 1_400);
    let claims = s.registry_claims(&p).claims;
    assert_eq!(claims[0].amount.u128(), 2_101);
    assert_eq!(claims[1].amount.u128(), 1_400);
    assert_eq!(
        s.native_balance(&dao, STAKE_DENOM),
        dao_before + 1_500 + 900 + 600
    );
    assert_eq!(rec.reputation.slashes, 1);
    assert_eq!(rec.reputation.disputes_lost, 0);
    // The registry still holds exactly what it owes.
    let registry = s.registry.clone();
    assert_eq!(s.native_balance(&registry, STAKE_DENOM), 3_500 + 3_501);
    s.advance(UNBONDING);
    let before = s.native_balance(&p, STAKE_DENOM);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.native_balance(&p, STAKE_DENOM), before + 3_501);
}

#[test]
fn deregistering_first_does_not_escape_a_slash() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 4_000).unwrap();
    s.deregister(&p).unwrap();
    let dao = s.dao.clone();
    s.slash(&dao, &p, Decimal::one(), None).unwrap();
    let rec = s.provider_info(&p);
    assert_eq!((rec.stake.u128(), rec.unbonding.u128()), (0, 0));
    assert!(s.registry_claims(&p).claims.is_empty());
    // Slashing what is already gone cuts 0 and still counts.
    s.slash(&dao, &p, Decimal::percent(50), None).unwrap();
    assert_eq!(s.provider_info(&p).reputation.slashes, 2);
    s.advance(UNBONDING);
    assert_eq!(
        registry_error(s.claim_unbonded(&p).unwrap_err()),
        ContractError::NothingToClaim {
            address: p.to_string()
        }
    );
}

#[test]
fn cw20_slash_sends_tokens_to_the_dao() {
    let mut s = SuiteBuilder {
        cw20_stake: true,
        ..Default::default()
    }
    .build();
    let p = s.provider(0);
    s.register(&p, 2_000).unwrap();
    let dao = s.dao.clone();
    let before = s.token_balance(&dao);
    s.slash(&dao, &p, Decimal::percent(25), None).unwrap();
    assert_eq!(s.token_balance(&dao), before + 500);
    assert_eq!(s.token_balance(&s.registry.clone()), 1_500);
}

#[test]
fn the_escrow_slashes_up_to_max_slash_and_counts_a_lost_dispute() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 10_000).unwrap();
    let escrow = s.escrow.clone();
    // An escrow slashes only a provider it holds a dispute on.
    let e = s.slash(&escrow, &p, Decimal::percent(1), None).unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::NoOpenDispute {
            provider: p.to_string()
        }
    );
    open_dispute(&mut s, &p);
    let e = s
        .slash(&escrow, &p, Decimal::percent(11), None)
        .unwrap_err();
    assert_eq!(
        registry_error(e),
        ContractError::SlashTooLarge {
            fraction: Decimal::percent(11),
            max_slash: Decimal::percent(10)
        }
    );
    s.slash(&escrow, &p, Decimal::percent(10), None).unwrap();
    let rec = s.provider_info(&p);
    assert_eq!(rec.stake.u128(), 9_000);
    assert_eq!(rec.reputation.disputes_lost, 1);
    assert_eq!(rec.reputation.slashes, 1);
}

#[test]
fn a_fraction_above_one_is_refused() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let dao = s.dao.clone();
    let e = s.slash(&dao, &p, Decimal::percent(101), None).unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::Validation(ValidationError::FractionOutOfRange { .. })
    ));
    let e = s
        .slash(&dao, &s.provider(1), Decimal::percent(1), None)
        .unwrap_err();
    assert!(matches!(
        registry_error(e),
        ContractError::ProviderNotFound { .. }
    ));
    let e = s
        .registry_execute(
            &dao,
            &depin_interface::registry::ExecuteMsg::Slash {
                provider: p.to_string(),
                fraction: Decimal::percent(1),
                reason: "r".repeat(513),
                jail_seconds: None,
            },
            &[],
        )
        .unwrap_err();
    assert!(matches!(registry_error(e), ContractError::Validation(_)));
}

#[test]
fn jail_lasts_until_its_end_and_unjail_needs_min_stake() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let dao = s.dao.clone();
    assert_eq!(
        registry_error(s.unjail(&p).unwrap_err()),
        ContractError::NotJailed {}
    );
    s.slash(&dao, &p, Decimal::percent(10), Some(3_600))
        .unwrap();
    let until = s.app.block_info().time.plus_seconds(3_600);
    let rec = s.provider_info(&p);
    assert_eq!(rec.status, ProviderStatus::Jailed { until });
    assert_eq!(s.registry_stats().active_providers, 0);
    assert_eq!(
        registry_error(s.unjail(&p).unwrap_err()),
        ContractError::Jailed { until }
    );
    // Jailed providers cannot deregister to escape, but may top up.
    assert_eq!(
        registry_error(s.deregister(&p).unwrap_err()),
        ContractError::Jailed { until }
    );
    s.advance(3_600);
    assert_eq!(
        registry_error(s.unjail(&p).unwrap_err()),
        ContractError::BelowMinStake {
            stake: Uint128::new(900),
            min_stake: Uint128::new(1_000)
        }
    );
    s.bond(&p, 100).unwrap();
    assert!(matches!(
        s.provider_info(&p).status,
        ProviderStatus::Jailed { .. }
    ));
    s.unjail(&p).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Active);
    assert_eq!(s.registry_stats().active_providers, 1);
}

#[test]
fn a_second_jail_never_shortens_the_first() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    s.register(&p, 1_000).unwrap();
    let dao = s.dao.clone();
    s.slash(&dao, &p, Decimal::zero(), Some(10_000)).unwrap();
    let until = s.app.block_info().time.plus_seconds(10_000);
    s.slash(&dao, &p, Decimal::zero(), Some(10)).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Jailed { until });
}

/// The registry's stake balance always equals bonded stake plus unbonding
/// claims, through a mixed sequence of every stake-moving action.
#[test]
fn stake_is_conserved_through_every_action() {
    for cw20_stake in [false, true] {
        let mut s = SuiteBuilder {
            cw20_stake,
            ..Default::default()
        }
        .build();
        let (a, b, c) = (s.provider(0), s.provider(1), s.provider(2));
        let dao = s.dao.clone();
        let escrow = s.escrow.clone();
        let registry = s.registry.clone();
        let check = |s: &depin_testing::Suite| {
            let stats = s.registry_stats();
            assert_eq!(
                s.stake_balance(&registry),
                stats.total_stake.u128() + stats.total_unbonding.u128()
            );
        };
        s.register(&a, 3_333).unwrap();
        s.register(&b, 7_777).unwrap();
        s.register(&c, 1_001).unwrap();
        check(&s);
        s.unbond(&a, 1_111).unwrap();
        s.bond(&b, 13).unwrap();
        open_dispute(&mut s, &a);
        s.slash(&escrow, &a, Decimal::percent(7), None).unwrap();
        s.registry_execute(
            &escrow,
            &depin_interface::registry::ExecuteMsg::DisputeResolved {
                provider: a.to_string(),
            },
            &[],
        )
        .unwrap();
        check(&s);
        s.deregister(&c).unwrap();
        s.slash(&dao, &c, Decimal::permille(333), Some(10)).unwrap();
        s.slash(&dao, &b, Decimal::permille(999), None).unwrap();
        check(&s);
        s.advance(UNBONDING);
        s.claim_unbonded(&a).unwrap();
        s.claim_unbonded(&c).unwrap();
        s.unbond(&b, 1).unwrap();
        check(&s);
    }
}

/// The escrow opens a dispute on `provider`'s charges (as `dispute` does).
fn open_dispute(s: &mut depin_testing::Suite, provider: &cosmwasm_std::Addr) {
    let escrow = s.escrow.clone();
    s.registry_execute(
        &escrow,
        &depin_interface::registry::ExecuteMsg::DisputeOpened {
            provider: provider.to_string(),
        },
        &[],
    )
    .unwrap();
}
