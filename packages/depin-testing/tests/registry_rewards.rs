//! Registry rewards: the stake part through the accumulator, the usage part
//! per ended epoch, halving, jail, minting through the token up to its cap.
//!
//! Default parameters: epochs of 86_400 s emitting 1_000_000, usage share
//! 40 %: usage pool = floor(1_000_000 × 0.4) = 400_000, stake part 600_000.
//! Every payout rounds down.

use cosmwasm_std::{Decimal, Uint128};
use cw_multi_test::error::AnyError;
use depin_interface::registry::RegistryConfigUpdate;
use depin_provider_registry::ContractError;
use depin_testing::registry::pay_revenue;
use depin_testing::{Suite, SuiteBuilder};

const EPOCH: u64 = 86_400;
const EMISSION: u128 = 1_000_000;
const USAGE_POOL: u128 = EMISSION * 40 / 100;
const STAKE_PART: u128 = EMISSION - USAGE_POOL;

fn err(e: AnyError) -> ContractError {
    e.downcast().expect("a registry ContractError")
}

fn suite() -> Suite {
    SuiteBuilder::default().build()
}

#[test]
fn stakes_of_one_to_three_share_the_stake_part_one_to_three() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 3_000).unwrap();
    s.advance(EPOCH);
    // 600_000 × 1/4 and × 3/4, exact.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART * 3 / 4);
    assert_eq!(s.provider_info(&a).pending_rewards.u128(), STAKE_PART / 4);
    assert_eq!(s.registry_stats().current_epoch, 1);

    let supply = s.token_supply();
    let balance = s.token_balance(&a);
    s.claim_rewards(&a).unwrap();
    assert_eq!(s.token_balance(&a), balance + STAKE_PART / 4);
    assert_eq!(s.token_supply(), supply + STAKE_PART / 4);
    assert_eq!(s.pending_rewards(&a), 0);
    assert_eq!(s.registry_stats().rewards_minted.u128(), STAKE_PART / 4);
    assert_eq!(
        err(s.claim_rewards(&a).unwrap_err()),
        ContractError::NoRewards {}
    );
}

#[test]
fn uneven_stakes_round_down() {
    let mut s = suite();
    let (a, b, c) = (s.provider(0), s.provider(1), s.provider(2));
    for p in [&a, &b, &c] {
        s.register(p, 1_000).unwrap();
    }
    s.advance(EPOCH);
    // 600_000 / 3 = 200_000 each, exactly; then 7 seconds more:
    // floor(600_000 × 7 / 86_400 / 3) = floor(16.203…) = 16 each.
    s.advance(7);
    for p in [&a, &b, &c] {
        assert_eq!(s.pending_rewards(p), 200_000 + 16);
    }
}

#[test]
fn a_provider_joining_mid_epoch_gets_its_time_share() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.advance(EPOCH / 2);
    s.register(&b, 1_000).unwrap();
    s.advance(EPOCH / 2);
    // a: all of the first half + half of the second; b: half of the second.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2 + STAKE_PART / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 4);
}

#[test]
fn halving_halves_the_emission() {
    let mut s = SuiteBuilder {
        rewards: depin_interface::registry::RewardParams {
            halving_epochs: 2,
            ..SuiteBuilder::default().rewards
        },
        ..Default::default()
    }
    .build();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    s.advance(2 * EPOCH);
    assert_eq!(s.pending_rewards(&a), 2 * STAKE_PART);
    s.advance(EPOCH);
    // Epoch 2: emission 500_000, usage pool 200_000, stake part 300_000.
    assert_eq!(s.pending_rewards(&a), 2 * STAKE_PART + STAKE_PART / 2);
    s.advance(2 * EPOCH);
    // Epoch 3 at 300_000, epoch 4 at 150_000.
    assert_eq!(
        s.pending_rewards(&a),
        2 * STAKE_PART + STAKE_PART + STAKE_PART / 4
    );
}

#[test]
fn an_epoch_without_usage_mints_nothing_for_the_usage_part() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    s.advance(3 * EPOCH);
    assert_eq!(s.pending_rewards(&a), 3 * STAKE_PART);
    let supply = s.token_supply();
    s.claim_rewards(&a).unwrap();
    assert_eq!(s.token_supply(), supply + 3 * STAKE_PART);
}

#[test]
fn time_without_active_stake_emits_nothing() {
    let mut s = suite();
    let a = s.provider(0);
    s.advance(EPOCH / 2);
    s.register(&a, 1_000).unwrap();
    s.advance(EPOCH / 2);
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2);
}

#[test]
fn usage_part_is_split_by_weighted_revenue_once_the_epoch_ends() {
    let mut s = suite();
    let (a, b, c) = (s.provider(0), s.provider(1), s.provider(2));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 1_000).unwrap();
    let escrow = s.escrow.clone();
    s.record_usage(&escrow, &a, 10, pay_revenue(100)).unwrap();
    s.record_usage(&escrow, &b, 20, pay_revenue(200)).unwrap();
    s.record_usage(&escrow, &b, 5, pay_revenue(100)).unwrap();
    // Unlisted denom: reputation only, weight 0.
    s.record_usage(
        &escrow,
        &a,
        1,
        vec![depin_interface::UncheckedDenomAmount {
            denom: depin_interface::UncheckedDenom::Native("uatom".into()),
            amount: Uint128::new(1_000_000),
        }],
    )
    .unwrap();
    s.advance(EPOCH / 2);
    // Before the epoch ends only the stake part counts.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 4);
    s.advance(EPOCH / 2);
    // a: 100 of 400 weighted; b: 300 of 400.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2 + USAGE_POOL / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 2 + USAGE_POOL * 3 / 4);

    // Epoch 1: a third provider, c, earns the whole usage pool with revenue 1;
    // a's epoch-0 usage is converted when a records again, with nothing lost.
    s.register(&c, 1_000).unwrap();
    s.record_usage(&escrow, &c, 1, pay_revenue(1)).unwrap();
    s.record_usage(&escrow, &a, 0, pay_revenue(0)).unwrap();
    s.advance(EPOCH);
    assert_eq!(s.pending_rewards(&c), STAKE_PART / 3 + USAGE_POOL);
    assert_eq!(
        s.pending_rewards(&a),
        STAKE_PART / 2 + USAGE_POOL / 4 + STAKE_PART / 3
    );
    let rep = s.provider_info(&b).reputation;
    assert_eq!(rep.usage_units.u128(), 25);
    assert_eq!(rep.leases_settled, 2);
    assert_eq!(rep.revenue[0].amount.u128(), 300);
}

#[test]
fn usage_weights_scale_revenue() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 1_000).unwrap();
    let dao = s.dao.clone();
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            usage_weights: Some(vec![
                depin_interface::registry::UsageWeight {
                    denom: depin_interface::UncheckedDenom::Native("uusdc".into()),
                    weight: Decimal::percent(300),
                },
                depin_interface::registry::UsageWeight {
                    denom: depin_interface::UncheckedDenom::Native("uatom".into()),
                    weight: Decimal::one(),
                },
            ]),
            ..Default::default()
        },
    )
    .unwrap();
    let escrow = s.escrow.clone();
    // a: 100 uusdc × 3 = 300; b: 100 uatom × 1 = 100.
    s.record_usage(&escrow, &a, 1, pay_revenue(100)).unwrap();
    s.record_usage(
        &escrow,
        &b,
        1,
        vec![depin_interface::UncheckedDenomAmount {
            denom: depin_interface::UncheckedDenom::Native("uatom".into()),
            amount: Uint128::new(100),
        }],
    )
    .unwrap();
    s.advance(EPOCH);
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2 + USAGE_POOL * 3 / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 2 + USAGE_POOL / 4);
}

#[test]
fn a_jailed_provider_accrues_nothing_while_jailed() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 1_000).unwrap();
    s.advance(EPOCH / 2);
    let dao = s.dao.clone();
    s.slash(&dao, &b, Decimal::zero(), Some(EPOCH)).unwrap();
    // Usage recorded while jailed counts in reputation only.
    let escrow = s.escrow.clone();
    s.record_usage(&escrow, &b, 1, pay_revenue(500)).unwrap();
    s.advance(EPOCH / 2);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 4);
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 4 + STAKE_PART / 2);
    s.advance(EPOCH / 2);
    s.unjail(&b).unwrap();
    s.advance(EPOCH / 2);
    // b earned nothing from jail until unjail, then half of the last half epoch.
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 4 + STAKE_PART / 4);
    assert_eq!(
        s.pending_rewards(&a),
        STAKE_PART / 4 + STAKE_PART / 2 + STAKE_PART / 2 + STAKE_PART / 4
    );
}

#[test]
fn claims_stop_at_the_token_cap() {
    let mut s = SuiteBuilder {
        // 3 members and 3 providers start with 1_000_000 tokens each.
        token_cap: Some(Uint128::new(6_000_000 + 100_000)),
        ..Default::default()
    }
    .build();
    assert_eq!(s.token_supply(), 6_000_000);
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    s.advance(EPOCH);
    let balance = s.token_balance(&a);
    let res = s.claim_rewards(&a).unwrap();
    assert_eq!(s.token_balance(&a), balance + 100_000);
    assert_eq!(s.token_supply(), 6_100_000);
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|at| at.key == "forfeited" && at.value == (STAKE_PART - 100_000).to_string())));
    s.advance(EPOCH);
    assert_eq!(
        err(s.claim_rewards(&a).unwrap_err()),
        ContractError::RewardCapReached {
            cap: Uint128::new(6_100_000)
        }
    );
    assert_eq!(s.registry_stats().rewards_minted.u128(), 100_000);
}

#[test]
fn claim_rewards_needs_a_provider_and_a_reward_token() {
    let mut s = suite();
    let stranger = s.consumer(0);
    assert!(matches!(
        err(s.claim_rewards(&stranger).unwrap_err()),
        ContractError::ProviderNotFound { .. }
    ));
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    assert_eq!(
        err(s.claim_rewards(&a).unwrap_err()),
        ContractError::NoRewards {}
    );
}
