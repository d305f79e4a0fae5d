//! Registry rewards: the stake part through the accumulator, the usage part
//! per ended epoch, halving, jail, minting through the token up to its cap.
//!
//! Default parameters: epochs of 86_400 s emitting 1_000_000, usage share
//! 40 %: usage pool = floor(1_000_000 × 0.4) = 400_000, stake part 600_000.
//! Every payout rounds down. Usage rewards are weighed by the protocol fee
//! (`record_usage.fees` × the denom's usage weight, uusdc weighing 1) and a
//! provider's usage reward for an epoch is capped at its own weighted fee.

use cosmwasm_std::{Decimal, Uint128};
use depin_interface::registry::RegistryConfigUpdate;
use depin_provider_registry::ContractError;
use depin_testing::registry::pay_revenue;
use depin_testing::shared::registry_error;
use depin_testing::suite::INITIAL_MEMBER_TOKENS;
use depin_testing::{Suite, SuiteBuilder};

const EPOCH: u64 = 86_400;
const EMISSION: u128 = 1_000_000;
const USAGE_POOL: u128 = EMISSION * 40 / 100;
const STAKE_PART: u128 = EMISSION - USAGE_POOL;

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
        registry_error(s.claim_rewards(&a).unwrap_err()),
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
    assert_eq!(s.epoch_usage(1).usage_pool.u128(), USAGE_POOL);
    assert_eq!(s.epoch_usage(2).usage_pool.u128(), USAGE_POOL / 2);
    assert_eq!(s.epoch_usage(4).usage_pool.u128(), USAGE_POOL / 4);
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
fn usage_part_is_split_by_weighted_fees_once_the_epoch_ends() {
    let mut s = suite();
    let (a, b, c) = (s.provider(0), s.provider(1), s.provider(2));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 1_000).unwrap();
    let escrow = s.escrow.clone();
    // Gross revenue (reputation) and the 2.5 % fee the network received
    // (the usage weight): a 40_000_000 → 1_000_000; b 80_000_000 + 40_000_000
    // → 2_000_000 + 1_000_000.
    s.record_usage_with_fees(
        &escrow,
        &a,
        10,
        pay_revenue(40_000_000),
        pay_revenue(1_000_000),
    )
    .unwrap();
    s.record_usage_with_fees(
        &escrow,
        &b,
        20,
        pay_revenue(80_000_000),
        pay_revenue(2_000_000),
    )
    .unwrap();
    s.record_usage_with_fees(
        &escrow,
        &b,
        5,
        pay_revenue(40_000_000),
        pay_revenue(1_000_000),
    )
    .unwrap();
    // Unlisted denom: reputation only, weight 0.
    let atom = vec![depin_interface::UncheckedDenomAmount {
        denom: depin_interface::UncheckedDenom::Native("uatom".into()),
        amount: Uint128::new(1_000_000),
    }];
    s.record_usage_with_fees(&escrow, &a, 1, atom.clone(), atom)
        .unwrap();
    // Revenue without a fee weighs nothing.
    s.record_usage(&escrow, &a, 1, pay_revenue(1_000_000_000))
        .unwrap();
    s.advance(EPOCH / 2);
    // Before the epoch ends only the stake part counts.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 4);
    // The epoch's pool and the weighted fees it is split by, as users reconcile them.
    let usage = s.epoch_usage(0);
    assert_eq!(
        (
            usage.epoch,
            usage.usage_pool.u128(),
            usage.weighted_fees.u128()
        ),
        (0, USAGE_POOL, 4_000_000)
    );
    s.advance(EPOCH / 2);
    // a: 1_000_000 of 4_000_000 weighted → 100_000 (below its cap 1_000_000);
    // b: 3_000_000 of 4_000_000 → 300_000 (below 3_000_000). Exact.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2 + USAGE_POOL / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 2 + USAGE_POOL * 3 / 4);

    // Epoch 1: a third provider, c, alone records a fee of 1: its pro-rata
    // share is the whole pool, capped at its weighted fee, 1 (the rest of
    // the pool is not minted). a's epoch-0 usage is converted when a
    // records again, with nothing lost.
    s.register(&c, 1_000).unwrap();
    s.record_usage_with_fees(&escrow, &c, 1, pay_revenue(40), pay_revenue(1))
        .unwrap();
    s.record_usage(&escrow, &a, 0, pay_revenue(0)).unwrap();
    s.advance(EPOCH);
    assert_eq!(s.epoch_usage(1).weighted_fees.u128(), 1);
    // This suite never halves: epoch 1's pool is epoch 0's.
    assert_eq!(s.epoch_usage(1).usage_pool.u128(), USAGE_POOL);
    assert_eq!(s.epoch_usage(2).weighted_fees.u128(), 0);
    assert_eq!(s.pending_rewards(&c), STAKE_PART / 3 + 1);
    assert_eq!(
        s.pending_rewards(&a),
        STAKE_PART / 2 + USAGE_POOL / 4 + STAKE_PART / 3
    );
    let rep = s.provider_info(&b).reputation;
    assert_eq!(rep.usage_units.u128(), 25);
    assert_eq!(rep.leases_settled, 2);
    // Reputation records the gross revenue, not the fee.
    assert_eq!(rep.revenue[0].amount.u128(), 120_000_000);
}

#[test]
fn usage_weights_scale_fees() {
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
    // a: fee 1_000_000 uusdc × 3 = 3_000_000; b: fee 1_000_000 uatom × 1.
    s.record_usage_with_fees(&escrow, &a, 1, vec![], pay_revenue(1_000_000))
        .unwrap();
    let atom = vec![depin_interface::UncheckedDenomAmount {
        denom: depin_interface::UncheckedDenom::Native("uatom".into()),
        amount: Uint128::new(1_000_000),
    }];
    s.record_usage_with_fees(&escrow, &b, 1, vec![], atom)
        .unwrap();
    s.advance(EPOCH);
    // 3 : 1 of the pool, each below its cap.
    assert_eq!(s.pending_rewards(&a), STAKE_PART / 2 + USAGE_POOL * 3 / 4);
    assert_eq!(s.pending_rewards(&b), STAKE_PART / 2 + USAGE_POOL / 4);
}

/// A provider leasing to itself through a second address pays itself the
/// gross and the network only the fee. Weighed by gross revenue (the old
/// rule) it bought most of the usage pool for that fee; weighed by the fee
/// and capped at it, it earns at most what it paid.
#[test]
fn a_wash_trader_earns_at_most_the_fee_it_paid() {
    let mut s = suite();
    let (honest, washer) = (s.provider(0), s.provider(1));
    s.register(&honest, 1_000).unwrap();
    s.register(&washer, 1_000).unwrap();
    let escrow = s.escrow.clone();
    let fee_bps = u128::from(s.params.fee_bps); // 250 = 2.5 %
    let honest_gross = 1_000_000;
    let wash_gross = 4_000_000;
    // Fees round down: 1_000_000 × 250 / 10_000 = 25_000; 4_000_000 → 100_000.
    let honest_fee = honest_gross * fee_bps / 10_000;
    let wash_fee = wash_gross * fee_bps / 10_000;
    s.record_usage_with_fees(
        &escrow,
        &honest,
        1,
        pay_revenue(honest_gross),
        pay_revenue(honest_fee),
    )
    .unwrap();
    s.record_usage_with_fees(
        &escrow,
        &washer,
        1,
        pay_revenue(wash_gross),
        pay_revenue(wash_fee),
    )
    .unwrap();
    s.advance(EPOCH);
    // Before (weighed by gross): floor(400_000 × 4_000_000 / 5_000_000) =
    // 320_000 reward tokens for a 100_000 fee; the honest provider 80_000.
    // After: W = 125_000; washer min(floor(400_000 × 100_000 / 125_000),
    // 100_000) = min(320_000, 100_000) = 100_000, exactly the fee it paid;
    // honest min(80_000, 25_000) = 25_000; 275_000 of the pool is not minted.
    let stake_each = STAKE_PART / 2;
    assert_eq!(s.pending_rewards(&washer) - stake_each, wash_fee);
    assert_eq!(s.pending_rewards(&honest) - stake_each, honest_fee);
    let supply = s.token_supply();
    s.claim_rewards(&washer).unwrap();
    s.claim_rewards(&honest).unwrap();
    assert_eq!(
        s.token_supply(),
        supply + 2 * stake_each + wash_fee + honest_fee
    );
}

/// The audit's griefing case, with an 18-decimal stake denom: a provider
/// with only the minimum stake touches the registry every 5 s, 100 times.
/// Epochs of 86_400 s emit 1e12, usage share 40 %: stake part P =
/// 1e12 − floor(1e12 × 0.4) = 6e11. Rounding the accumulator to 18 decimals
/// each step, one step added floor(6e11 × 5 / 86_400 / (1e26 + 1e18) × 1e18)
/// = floor(0.347) = 0, so the whale staking 1e26 got 0 (and 3_400_000_000
/// even untouched: floor(34.72) × 1e-18 × 1e26). Now it gets the closed form
/// within 1 unit, and so does the toucher.
#[test]
fn touching_the_registry_every_block_costs_stakers_nothing() {
    const E18: u128 = 1_000_000_000_000_000_000;
    let mut s = SuiteBuilder {
        min_stake: Uint128::new(E18),
        rewards: depin_interface::registry::RewardParams {
            emission_per_epoch: Uint128::new(1_000_000_000_000),
            ..SuiteBuilder::default().rewards
        },
        ..Default::default()
    }
    .build();
    let (whale, toucher) = (s.provider(0), s.provider(1));
    let (whale_stake, toucher_stake) = (100_000_000 * E18, E18);
    s.set_stake_balance(&whale, whale_stake);
    s.set_stake_balance(&toucher, toucher_stake);
    s.register(&whale, whale_stake).unwrap();
    s.register(&toucher, toucher_stake).unwrap();
    for _ in 0..100 {
        s.advance(5);
        s.update_provider(&toucher, None, None).unwrap();
    }
    let stake_part: u128 = 600_000_000_000;
    let total = whale_stake + toucher_stake;
    // Closed form floor(P × 500 × s_i / (86_400 × S)), in 256 bits.
    let closed = |stake: u128| -> u128 {
        let n = cosmwasm_std::Uint256::from(stake_part * 500) * cosmwasm_std::Uint256::from(stake);
        let d = cosmwasm_std::Uint256::from(EPOCH) * cosmwasm_std::Uint256::from(total);
        Uint128::try_from(n / d).unwrap().u128()
    };
    // floor(3_472_222_187.50…) and floor(34.72…): both paid exactly here.
    assert_eq!(closed(whale_stake), 3_472_222_187);
    assert_eq!(closed(toucher_stake), 34);
    assert_eq!(s.pending_rewards(&whale), 3_472_222_187);
    assert_eq!(s.pending_rewards(&toucher), 34);
    let balance = s.token_balance(&whale);
    s.claim_rewards(&whale).unwrap();
    assert_eq!(s.token_balance(&whale), balance + 3_472_222_187);
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
    s.record_usage_with_fees(&escrow, &b, 1, pay_revenue(500), pay_revenue(500))
        .unwrap();
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
        registry_error(s.claim_rewards(&a).unwrap_err()),
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
        registry_error(s.claim_rewards(&stranger).unwrap_err()),
        ContractError::ProviderNotFound { .. }
    ));
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    assert_eq!(
        registry_error(s.claim_rewards(&a).unwrap_err()),
        ContractError::NoRewards {}
    );
}

/// Second audit, suspicion: a provider whose `min_stake` was raised kept
/// accruing stake rewards until someone sent `refresh` (600,000 in a day in
/// the audit's test). It stops earning the moment the raise applies; the
/// providers above the new minimum keep earning.
#[test]
fn a_min_stake_raise_stops_the_rewards_of_the_providers_it_excludes_at_once() {
    let mut s = SuiteBuilder::default().build();
    let (small, large) = (s.provider(0), s.provider(1));
    s.register(&small, 5_000).unwrap();
    s.register(&large, 20_000).unwrap();
    s.advance(86_400);
    let small_before = s.pending_rewards(&small);
    let large_before = s.pending_rewards(&large);
    assert!(small_before > 0 && large_before > 0);
    let dao = s.dao.clone();
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            min_stake: Some(Uint128::new(10_000)),
            ..Default::default()
        },
    )
    .unwrap();
    s.advance(86_400);
    // Nobody refreshed `small`: it is still stored active, reads inactive,
    // and earned nothing since the raise.
    assert_eq!(s.pending_rewards(&small), small_before);
    assert!(s.pending_rewards(&large) > large_before);
    // Claiming mints exactly that; a refresh changes nothing.
    s.claim_rewards(&small).unwrap();
    assert_eq!(
        s.token_balance(&small),
        INITIAL_MEMBER_TOKENS + small_before
    );
    let anyone = s.actors.attacker.clone();
    s.refresh(&anyone, &small).unwrap();
    s.advance(86_400);
    assert_eq!(s.pending_rewards(&small), 0);
    // Above the minimum again: it earns again from its bond.
    s.bond(&small, 5_000).unwrap();
    s.advance(86_400);
    assert!(s.pending_rewards(&small) > 0);
}
