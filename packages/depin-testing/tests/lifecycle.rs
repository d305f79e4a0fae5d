//! The network end to end, with every balance asserted to the unit at the end.
//!
//! Parameters (the default suite except `halving_epochs = 2`): epochs of
//! E = 86 400 s emitting 1 000 000 tokens, halved from epoch 2 on; 40 % of
//! each epoch goes to usage, 60 % streams to stake. Fee 250 bps (then 500 by
//! proposal), dispute window 3 600 s, provider price 10 uusdc per unit,
//! escrow max slash 10 %.
//!
//! Stakes are chosen so every reward is exact: provider 0 stakes 30 000 and
//! provider 1 98 000 (total 128 000 = 2¹⁰·5³); after provider 0 loses 10 %
//! the total is 125 000 = 5⁶; every registry action happens at a multiple of
//! U = 3 456 s. So the reward-per-stake accumulator
//! `stake_pool × seconds / (total × E)` is always a finite decimal (no
//! 18-decimal rounding) and each provider's share an integer. Usage is
//! weighed by the protocol fee each provider's payments carried (every fee
//! `ceil(amount × bps / 10 000)`, exact here); the usage shares are
//! `min(floor(pool × weight / total_weight), weight)` (rounded down and capped
//! at the provider's own weighted fee, as the registry does).

use cosmwasm_std::{Addr, Binary, Decimal, Uint128};
use depin_interface::dao::ProposalStatus;
use depin_interface::escrow::{self, BillingMode, LeaseState};
use depin_interface::receipt::receipt_digest;
use depin_interface::registry::ProviderStatus;
use depin_testing::dao::DAO_MEMBER_STAKE;
use depin_testing::escrow::{attribute, lease_id_of};
use depin_testing::shared::protocol_fee;
use depin_testing::shared::wasm_execute;
use depin_testing::suite::{INITIAL_MEMBER_TOKENS, INITIAL_NATIVE};
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};

const E: u64 = 86_400;
const U: u64 = 3_456;
const P0_STAKE: u128 = 30_000;
const P1_STAKE: u128 = 98_000;
const RATE: u128 = 5;

/// `stake × stake_pool × seconds / (total × E)`, asserted exact.
fn stake_share(stake: u128, pool: u128, seconds: u64, total: u128) -> u128 {
    let num = stake * pool * u128::from(seconds);
    let den = total * u128::from(E);
    assert_eq!(num % den, 0, "the chosen numbers keep every share exact");
    num / den
}

/// `min(floor(pool × weight / total), weight)`: the registry's pro-rata
/// usage reward, capped at the provider's own weighted fee `weight` (usage
/// weight 1 per uusdc of fee).
fn usage_share(pool: u128, weight: u128, total: u128) -> u128 {
    (pool * weight / total).min(weight)
}

/// Moves the block time to `genesis + t` (never backwards), one block later.
fn at(suite: &mut Suite, genesis: u64, t: u64) {
    let now = suite.app.block_info().time.seconds();
    assert!(genesis + t >= now, "time {t} is in the past");
    suite.advance(genesis + t - now);
}

#[test]
fn the_network_runs_end_to_end_and_every_unit_is_accounted_for() {
    let mut params = SuiteBuilder::new();
    params.rewards.halving_epochs = 2;
    let mut suite = params.build();
    let genesis = suite.registry_config().genesis_time.seconds();
    assert_eq!(suite.app.block_info().time.seconds(), genesis);
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let (c0, c1) = (suite.consumer(0), suite.consumer(1));
    let (dao, escrow_addr, registry_addr) = (
        suite.dao.clone(),
        suite.escrow.clone(),
        suite.registry.clone(),
    );
    let (arbiter, keeper) = (suite.actors.arbiter.clone(), suite.actors.attacker.clone());

    // ── t = 0: providers stake and register, consumers open three leases ──
    suite.register(&p0, P0_STAKE).unwrap();
    suite.register(&p1, P1_STAKE).unwrap();
    suite.heartbeat(&p0).unwrap();
    suite.heartbeat(&p1).unwrap();
    assert_eq!(suite.provider_info(&p0).status, ProviderStatus::Active);

    let metered = lease_id_of(
        &suite
            .open_lease(&c0, &p0, BillingMode::Metered {}, 100_000)
            .unwrap(),
    );
    let streaming = lease_id_of(
        &suite
            .open_lease(
                &c0,
                &p1,
                BillingMode::Streaming {
                    rate_per_second: Uint128::new(RATE),
                },
                500_000,
            )
            .unwrap(),
    );
    suite.accept_lease(&p1, streaming).unwrap();
    let key = SigningKey::from_bytes(&[42; 32].into()).unwrap();
    let receipts = lease_id_of(
        &suite
            .open_lease(
                &c1,
                &p0,
                BillingMode::Receipts {
                    consumer_pubkey: Binary::from(
                        key.verifying_key().to_encoded_point(true).as_bytes(),
                    ),
                },
                20_000,
            )
            .unwrap(),
    );

    // Metered usage: 1 000 units (10 000) and 200 units (2 000, disputed).
    let good = suite.report_usage(&p0, metered, 1_000).unwrap();
    let bad = suite.report_usage(&p0, metered, 200).unwrap();
    let bad_charge: u64 = attribute(&bad, "charge_id").unwrap().parse().unwrap();
    assert_ne!(attribute(&good, "charge_id"), attribute(&bad, "charge_id"));
    suite
        .dispute(&c0, metered, bad_charge, "only 1 000 units delivered")
        .unwrap();
    // A signed receipt for 500 units pays 5 000 at once.
    let chain_id = suite.app.block_info().chain_id;
    let digest = receipt_digest(&chain_id, escrow_addr.as_str(), receipts, 500);
    let signature: Signature = key.sign_prehash(&digest).unwrap();
    suite
        .redeem_receipt(&p0, receipts, 500, Binary::from(&signature.to_bytes()[..]))
        .unwrap();

    // ── t = 2U (epoch 0): settle, void the disputed charge with a slash ──
    at(&mut suite, genesis, 2 * U);
    suite.settle(&keeper, metered).unwrap();
    suite.settle(&keeper, streaming).unwrap();
    suite
        .resolve_dispute(
            &arbiter,
            metered,
            bad_charge,
            false,
            Some(Decimal::percent(10)),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&p0).stake.u128(), 27_000);
    let streamed_0 = u128::from(2 * U) * RATE; // 34 560

    // Epoch-0 stake rewards: [0, 2U) with 128 000 staked, [2U, E) with 125 000.
    let pool0 = 600_000; // era 0: 60 % of 1 000 000
    let pool1 = 300_000; // era 1 (epochs 2, 3): halved
    let usage0 = 400_000;
    let usage1 = 400_000; // era 0 still
    let usage2 = 200_000;
    let p0_epoch0 = stake_share(P0_STAKE, pool0, 2 * U, 128_000)
        + stake_share(27_000, pool0, E - 2 * U, 125_000);
    let p1_epoch0 = stake_share(P1_STAKE, pool0, 2 * U, 128_000)
        + stake_share(P1_STAKE, pool0, E - 2 * U, 125_000);
    assert_eq!(
        p0_epoch0 + p1_epoch0,
        pool0,
        "epoch 0 streams exactly its pool"
    );
    // Epoch-0 usage is weighed by the fee the network received: provider 0
    // earned 5 000 + 10 000 (fees 125 + 250), provider 1 34 560 (fee 864).
    let p0_fees_0 = protocol_fee(5_000, 250) + protocol_fee(10_000, 250);
    let weight0 = p0_fees_0 + protocol_fee(streamed_0, 250);
    assert_eq!((p0_fees_0, weight0), (375, 1_239));

    // ── t = E + 2U (epoch 1): provider 0 claims across the epoch boundary ──
    at(&mut suite, genesis, E + 2 * U);
    let p0_claim_1 = p0_epoch0
        + stake_share(27_000, pool0, 2 * U, 125_000)
        + usage_share(usage0, p0_fees_0, weight0);
    assert_eq!(suite.pending_rewards(&p0), p0_claim_1);
    suite.claim_rewards(&p0).unwrap();
    // The consumer closes the streaming lease: E more seconds streamed.
    suite.close_lease(&c0, streaming).unwrap();
    let streamed_1 = u128::from(E) * RATE; // 432 000
    let lease = suite.lease(streaming);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(
        (lease.paid.u128(), lease.refunded.u128()),
        (streamed_0 + streamed_1, 500_000 - streamed_0 - streamed_1)
    );

    // ── members stake and pass a proposal that doubles the fee ──
    let fee_update = wasm_execute(
        &escrow_addr,
        &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
            fee_bps: Some(500),
            ..Default::default()
        }),
    );
    let proposal = suite.pass_proposal(vec![fee_update]);
    let proposal = suite.proposal(proposal);
    assert_eq!(proposal.status, ProposalStatus::Executed);
    assert!(proposal.deposit_refunded);
    assert_eq!(suite.escrow_config().fee_bps, 500);

    // ── t = 2E + 3U (epoch 2, after the halving): usage at the new fee ──
    at(&mut suite, genesis, 2 * E + 3 * U);
    suite.report_usage(&p0, metered, 2_000).unwrap();
    at(&mut suite, genesis, 2 * E + 5 * U);
    suite.close_lease(&c0, metered).unwrap();
    // Closed by the consumer, a metered or receipts lease gives the provider
    // one more dispute window to report its final usage or redeem its last
    // receipts before the refund. The matured charge is paid at the close.
    suite.close_lease(&c1, receipts).unwrap();
    assert_eq!(suite.lease(receipts).state, LeaseState::Closing);
    let lease = suite.lease(metered);
    assert_eq!(lease.state, LeaseState::Closing);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (30_000, 0));

    // ── t = 3E + 2U (epoch 3): provider 0 claims across the halving ──
    at(&mut suite, genesis, 3 * E + 2 * U);
    suite.settle(&keeper, metered).unwrap();
    let lease = suite.lease(metered);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (30_000, 70_000));
    suite.settle(&keeper, receipts).unwrap();
    let lease = suite.lease(receipts);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (5_000, 15_000));
    let p0_claim_2 = stake_share(27_000, pool0, E - 2 * U, 125_000)
        + stake_share(27_000, pool1, E + 2 * U, 125_000)
        + usage_share(usage2, protocol_fee(20_000, 500), protocol_fee(20_000, 500));
    assert_eq!(suite.pending_rewards(&p0), p0_claim_2);
    suite.claim_rewards(&p0).unwrap();

    // ── provider 1 exits: deregisters, claims its rewards, later its stake ──
    suite.deregister(&p1).unwrap();
    let p1_rewards = p1_epoch0
        + stake_share(P1_STAKE, pool0, E, 125_000)
        + stake_share(P1_STAKE, pool1, E + 2 * U, 125_000)
        + usage_share(usage0, protocol_fee(streamed_0, 250), weight0)
        // Epoch 1: provider 1 alone recorded usage (432 000, fee 10 800).
        + usage_share(usage1, protocol_fee(streamed_1, 250), protocol_fee(streamed_1, 250));
    assert_eq!(suite.pending_rewards(&p1), p1_rewards);
    suite.claim_rewards(&p1).unwrap();
    assert_eq!(suite.pending_rewards(&p1), 0);
    assert!(suite.claim_unbonded(&p1).is_err());
    let unbonding = suite.params.unbonding_period;
    suite.advance(unbonding);
    suite.claim_unbonded(&p1).unwrap();
    assert_eq!(suite.provider_info(&p1).status, ProviderStatus::Exiting);
    assert_eq!(suite.provider_info(&p1).stake.u128(), 0);

    // ── every balance, to the unit ──
    let fee_receipt = protocol_fee(5_000, 250); // 125
    let fee_metered_0 = protocol_fee(10_000, 250); // 250
    let fee_stream_0 = protocol_fee(streamed_0, 250); // 864
    let fee_stream_1 = protocol_fee(streamed_1, 250); // 10 800
    let fee_metered_2 = protocol_fee(20_000, 500); // 1 000
    let n = INITIAL_NATIVE;
    let native = |s: &Suite, a: &Addr| s.native_balance(a, PAY_DENOM);
    assert_eq!(
        native(&suite, &c0),
        n - 30_000 - streamed_0 - streamed_1,
        "consumer 0 paid 30 000 metered and the stream"
    );
    assert_eq!(
        native(&suite, &c1),
        n - 5_000,
        "consumer 1 paid one receipt"
    );
    assert_eq!(
        native(&suite, &p0),
        n + 5_000 - fee_receipt + 10_000 - fee_metered_0 + 20_000 - fee_metered_2
    );
    assert_eq!(
        native(&suite, &p1),
        n + streamed_0 - fee_stream_0 + streamed_1 - fee_stream_1
    );
    assert_eq!(
        native(&suite, &dao),
        fee_receipt + fee_metered_0 + fee_stream_0 + fee_stream_1 + fee_metered_2
    );
    assert_eq!(native(&suite, &escrow_addr), 0);
    assert_eq!(native(&suite, &registry_addr), 0);
    assert_eq!(native(&suite, &p2), n);
    // Stake: provider 0 still bonds 27 000, lost 3 000 to the DAO; provider 1 got all back.
    let stake = |s: &Suite, a: &Addr| s.native_balance(a, STAKE_DENOM);
    assert_eq!(stake(&suite, &p0), n - P0_STAKE);
    assert_eq!(stake(&suite, &p1), n);
    assert_eq!(stake(&suite, &dao), 3_000);
    assert_eq!(stake(&suite, &registry_addr), 27_000);
    assert_eq!(stake(&suite, &escrow_addr), 0);
    // Suite tokens: rewards minted to the providers, members' stake in the DAO.
    let t = INITIAL_MEMBER_TOKENS;
    assert_eq!(suite.token_balance(&p0), t + p0_claim_1 + p0_claim_2);
    assert_eq!(suite.token_balance(&p1), t + p1_rewards);
    assert_eq!(suite.token_balance(&p2), t);
    for member in suite.actors.members.clone() {
        assert_eq!(suite.token_balance(&member), t - DAO_MEMBER_STAKE);
    }
    assert_eq!(suite.token_balance(&dao), 3 * DAO_MEMBER_STAKE);
    assert_eq!(suite.total_power(None), 3 * DAO_MEMBER_STAKE);
    assert_eq!(
        suite.token_supply(),
        6 * t + p0_claim_1 + p0_claim_2 + p1_rewards
    );
    assert_eq!(
        suite.registry_stats().rewards_minted.u128(),
        p0_claim_1 + p0_claim_2 + p1_rewards
    );
    // And the suite-wide accounting holds: nothing outside the actors and
    // contracts holds funds, escrow and registry hold exactly what they owe.
    let actors = suite.actors.clone();
    suite.assert_invariants(
        &[(PAY_DENOM, 12 * n), (STAKE_DENOM, 12 * n)],
        &actors.providers,
        &actors.members,
        &[],
    );
    // The numbers, spelled out once.
    assert_eq!(
        (p0_claim_1, p0_claim_2, p1_rewards),
        (
            11_250 + 119_232 + 10_368 + 375,
            119_232 + 69_984 + 1_000,
            36_750 + 432_768 + 470_400 + 254_016 + 864 + 10_800
        )
    );
}
