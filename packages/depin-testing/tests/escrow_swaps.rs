//! Swapping the registry's escrow, or the escrow's registry, never strands a
//! dispute or frees the stake it holds (second audit, findings 1 and 2).
//!
//! The rule: a dispute opened by an escrow is always resolved by that escrow
//! at the registry that holds the stake, whatever either config says now.
//! The registry remembers its former escrows (`former_escrows`), which may
//! still open and resolve disputes there and slash a provider they hold a
//! dispute on; the escrow sends a void's slash to the registry the dispute
//! was opened at (`held_by`).

use cosmwasm_std::{Decimal, Uint128};
use cw_multi_test::Executor;
use depin_interface::escrow::{BillingMode, EscrowConfigUpdate, LeaseState};
use depin_interface::registry::{self, RegistryConfigUpdate};
use depin_testing::escrow::{lease_id_of, pay_price};
use depin_testing::{Suite, SuiteBuilder, STAKE_DENOM};

const STAKE: u128 = 10_000;
const DEPOSIT: u128 = 100_000;

/// A provider with 10,000 staked, a metered lease with a 100,000 deposit
/// (price 1) and one 1,000 charge the consumer disputed.
fn disputed() -> (Suite, u64) {
    let mut suite = SuiteBuilder {
        min_stake: Uint128::new(STAKE),
        ..SuiteBuilder::default()
    }
    .build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(1))
        .unwrap();
    let lease_id = lease_id_of(
        &suite
            .open_lease(&consumer, &provider, BillingMode::Metered {}, DEPOSIT)
            .unwrap(),
    );
    suite.report_usage(&provider, lease_id, 1_000).unwrap();
    suite
        .dispute(&consumer, lease_id, 1, "not delivered")
        .unwrap();
    assert_eq!(suite.provider_info(&provider).open_disputes, 1);
    (suite, lease_id)
}

/// The DAO points the registry at another escrow (a second instance of the
/// escrow code), as a passed proposal would.
fn swap_registrys_escrow(suite: &mut Suite) -> cosmwasm_std::Addr {
    let dao = suite.dao.clone();
    let second = suite.instantiate_second_escrow();
    suite
        .update_registry_config(
            &dao,
            RegistryConfigUpdate {
                billing_escrow: Some(second.to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    let config = suite.registry_config();
    assert_eq!(config.billing_escrow, Some(second.clone()));
    assert_eq!(config.former_escrows, vec![suite.escrow.clone()]);
    second
}

/// Finding 1, as reproduced: after the swap every resolution of the old
/// dispute failed, a new charge on the old lease could not be disputed, the
/// provider's claim was refused for ever and the lease stayed locked.
#[test]
fn swapping_the_registrys_escrow_does_not_strand_open_disputes() {
    let (mut suite, lease_id) = disputed();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    let (arbiter, dao) = (suite.actors.arbiter.clone(), suite.dao.clone());
    suite.report_usage(&provider, lease_id, 500).unwrap();
    suite.dispute(&consumer, lease_id, 2, "late").unwrap();
    swap_registrys_escrow(&mut suite);

    // The arbiter voids charge 1 with a 10 % slash (the stake is still held).
    suite
        .resolve_dispute(&arbiter, lease_id, 1, false, Some(Decimal::percent(10)))
        .unwrap();
    assert_eq!(suite.provider_info(&provider).stake.u128(), STAKE - 1_000);
    // The DAO upholds charge 2.
    suite
        .resolve_dispute(&dao, lease_id, 2, true, None)
        .unwrap();
    // A new charge on the old lease can still be disputed, and resolved.
    suite.report_usage(&provider, lease_id, 100).unwrap();
    suite.dispute(&consumer, lease_id, 3, "again").unwrap();
    assert_eq!(suite.provider_info(&provider).open_disputes, 1);
    suite
        .resolve_dispute(&arbiter, lease_id, 3, false, None)
        .unwrap();
    assert_eq!(suite.provider_info(&provider).open_disputes, 0);

    // The lease closes and pays exactly the upheld 500.
    suite.close_lease(&consumer, lease_id).unwrap();
    suite.advance(3_601);
    let anyone = suite.actors.attacker.clone();
    suite.settle(&anyone, lease_id).unwrap();
    let lease = suite.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128()),
        (500, DEPOSIT - 500)
    );

    // The provider leaves and claims its stake (less the slash) after unbonding.
    suite.deregister(&provider).unwrap();
    suite.advance(suite.params.unbonding_period + 1);
    let before = suite.native_balance(&provider, STAKE_DENOM);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(
        suite.native_balance(&provider, STAKE_DENOM),
        before + STAKE - 1_000
    );
}

/// A former escrow's powers stop at its disputes: it cannot slash a
/// provider it holds no dispute on, nor record usage.
#[test]
fn a_former_escrow_can_only_act_on_its_own_disputes() {
    let (mut suite, lease_id) = disputed();
    let (provider, arbiter) = (suite.provider(0), suite.actors.arbiter.clone());
    swap_registrys_escrow(&mut suite);
    suite
        .resolve_dispute(&arbiter, lease_id, 1, false, None)
        .unwrap();
    let (old_escrow, registry_addr) = (suite.escrow.clone(), suite.registry.clone());
    let slash = registry::ExecuteMsg::Slash {
        provider: provider.to_string(),
        fraction: Decimal::percent(10),
        reason: "no dispute".into(),
        jail_seconds: None,
    };
    let err = suite
        .app
        .execute_contract(old_escrow.clone(), registry_addr.clone(), &slash, &[])
        .unwrap_err();
    assert_eq!(
        depin_testing::shared::registry_error(err),
        depin_provider_registry::ContractError::NoOpenDispute {
            provider: provider.to_string()
        }
    );
    let resolved = registry::ExecuteMsg::DisputeResolved {
        provider: provider.to_string(),
    };
    assert!(suite
        .app
        .execute_contract(old_escrow, registry_addr, &resolved, &[])
        .is_err());
    assert_eq!(suite.provider_info(&provider).stake.u128(), STAKE);
}

/// Finding 2, as reproduced: the escrow pointed at another registry sent the
/// void's slash there ("is not a registered provider"); resolving without it
/// released the hold and the provider claimed its whole stake. The slash now
/// reaches the registry holding the stake.
#[test]
fn a_voids_slash_reaches_the_registry_that_holds_the_stake() {
    let (mut suite, lease_id) = disputed();
    let (provider, arbiter, dao) = (
        suite.provider(0),
        suite.actors.arbiter.clone(),
        suite.dao.clone(),
    );
    suite.deregister(&provider).unwrap();
    // The DAO points the escrow at another registry (any address will do:
    // nothing may be sent there for this dispute).
    let elsewhere = suite.actors.guardian.to_string();
    suite
        .update_escrow_config(
            &dao,
            EscrowConfigUpdate {
                registry: Some(elsewhere),
                ..Default::default()
            },
        )
        .unwrap();
    suite
        .resolve_dispute(&arbiter, lease_id, 1, false, Some(Decimal::percent(10)))
        .unwrap();
    suite.advance(suite.params.unbonding_period + 1);
    let before = suite.native_balance(&provider, STAKE_DENOM);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(
        suite.native_balance(&provider, STAKE_DENOM),
        before + STAKE - 1_000,
        "the provider claims its stake less the 10 % slash"
    );
}
