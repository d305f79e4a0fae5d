//! Proof of service: oracles' batched liveness proofs, verified on chain, and
//! stake rewards credited only for proven epochs.
//!
//! Default parameters: epochs of 86_400 s emitting 1_000_000 with a usage
//! share of 40 %, so the stake part of an epoch is P = 600_000. The suite's
//! always-on oracle is off here: each test proves (or does not) itself.

use cosmwasm_std::{Binary, Uint128};
use depin_interface::liveness::MAX_LIVENESS_PROOFS;
use depin_interface::registry::{
    ExecuteMsg, ProofRejection, RegistryConfigUpdate, RejectedProof, Service, UpdateProviderMsg,
};
use depin_provider_registry::ContractError;
use depin_testing::liveness::{agent_key, sign_liveness};
use depin_testing::registry::register_msg;
use depin_testing::shared::{pubkey, registry_error, signing_key};
use depin_testing::{Suite, SuiteBuilder};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const EPOCH: u64 = 86_400;
const P: u128 = 600_000;

fn suite() -> Suite {
    SuiteBuilder {
        auto_prove: false,
        ..SuiteBuilder::default()
    }
    .build()
}

/// `floor(P × stake / total)`: one epoch's stake share, whole.
fn share(stake: u128, total: u128) -> u128 {
    P * stake / total
}

#[test]
fn only_the_proven_provider_is_paid_and_the_unproven_share_is_never_minted() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_200).unwrap();
    s.register(&b, 1_800).unwrap();
    let res = s.prove(&[&a], 0);
    assert_eq!((res.proven, res.duplicates), (vec![a.clone()], vec![]));
    s.advance(EPOCH + 10);
    let before = s.token_balance(&a);
    s.claim_rewards(&a).unwrap();
    assert_eq!(s.token_balance(&a) - before, share(1_200, 3_000));
    // b's epoch 0 closed unproven: nothing to claim, ever.
    s.advance(EPOCH);
    assert_eq!(s.pending_rewards(&b), 0);
    assert_eq!(
        registry_error(s.claim_rewards(&b).unwrap_err()),
        ContractError::NoRewards {}
    );
    assert_eq!(
        s.registry_stats().rewards_minted.u128(),
        share(1_200, 3_000)
    );
    // Epoch 0 is missed; epoch 1 can still be proven (during epoch 2).
    let rep = s.provider_info(&b).reputation;
    assert_eq!((rep.proven_epochs, rep.missed_epochs), (0, 1));
    let rep = s.provider_info(&a).reputation;
    assert_eq!(
        (rep.proven_epochs, rep.missed_epochs, rep.last_proven_epoch),
        (1, 0, Some(0))
    );
}

#[test]
fn both_proven_split_as_before() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_200).unwrap();
    s.register(&b, 1_800).unwrap();
    s.prove(&[&a, &b], 0);
    assert_eq!(s.registry_stats().proven_current_epoch, 2);
    s.advance(EPOCH);
    assert_eq!(s.pending_rewards(&a), share(1_200, 3_000));
    assert_eq!(s.pending_rewards(&b), share(1_800, 3_000));
    let stats = s.registry_stats();
    assert_eq!(
        (stats.proven_current_epoch, stats.proven_previous_epoch),
        (0, 2)
    );
}

#[test]
fn epochs_one_and_three_proven_pay_exactly_those_two_shares() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 2_000).unwrap();
    for epoch in 0..5u64 {
        // b is proven every epoch, a only in epochs 1 and 3, each late in the epoch.
        s.advance(EPOCH / 2);
        let proven: Vec<_> = if epoch == 1 || epoch == 3 {
            vec![&a, &b]
        } else {
            vec![&b]
        };
        s.prove(&proven, epoch);
        s.advance(EPOCH / 2);
    }
    s.advance(EPOCH);
    let (before_a, before_b) = (s.token_balance(&a), s.token_balance(&b));
    s.claim_rewards(&a).unwrap();
    assert_eq!(s.token_balance(&a) - before_a, 2 * share(1_000, 3_000));
    s.claim_rewards(&b).unwrap();
    assert_eq!(s.token_balance(&b) - before_b, 5 * share(2_000, 3_000));
    let rep = s.provider_info(&a).reputation;
    // Epochs 0, 2 and 4 missed; epoch 5 is still in its window.
    assert_eq!(
        (rep.proven_epochs, rep.missed_epochs, rep.last_proven_epoch),
        (2, 3, Some(3))
    );
}

#[test]
fn a_proof_in_the_next_epoch_counts_and_one_two_epochs_late_is_refused() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    s.advance(EPOCH + 100);
    // Epoch 0 and the first 100 s of epoch 1 are held, waiting for proofs.
    let first_100_s = P * 100 / EPOCH as u128;
    let info = s.provider_info(&a);
    assert_eq!(
        (info.pending_rewards.u128(), info.unproven_rewards.u128()),
        (0, P + first_100_s)
    );
    s.prove(&[&a], 0);
    let info = s.provider_info(&a);
    assert_eq!(info.pending_rewards.u128(), P);
    assert_eq!(info.unproven_rewards.u128(), first_100_s);
    // Epoch 1 proven only in epoch 3: refused, and its share is gone.
    s.advance(2 * EPOCH);
    let proof = s.liveness_proof(&a, 1);
    let oracle = s.actors.oracle.clone();
    let err = s.prove_liveness(&oracle, 1, vec![proof]).unwrap_err();
    assert_eq!(
        registry_error(err),
        ContractError::EpochOutOfWindow {
            epoch: 1,
            current: 3
        }
    );
    // A future epoch is refused too.
    let proof = s.liveness_proof(&a, 4);
    let err = s.prove_liveness(&oracle, 4, vec![proof]).unwrap_err();
    assert_eq!(
        registry_error(err),
        ContractError::EpochOutOfWindow {
            epoch: 4,
            current: 3
        }
    );
    assert_eq!(s.pending_rewards(&a), P);
}

#[test]
fn registering_mid_epoch_and_proven_earns_its_time_share() {
    let mut s = suite();
    let (a, b) = (s.provider(0), s.provider(1));
    s.register(&a, 1_000).unwrap();
    s.prove(&[&a], 0);
    s.advance(EPOCH / 4);
    s.register(&b, 1_000).unwrap();
    s.prove(&[&b], 0);
    s.advance(3 * EPOCH / 4);
    // a: the first quarter alone, then half of three quarters; b: the other half.
    assert_eq!(s.pending_rewards(&a), P / 4 + 3 * P / 8);
    assert_eq!(s.pending_rewards(&b), 3 * P / 8);
}

#[test]
fn a_batch_rejects_each_bad_entry_alone() {
    let mut s = suite();
    let (a, b, c) = (s.provider(0), s.provider(1), s.provider(2));
    s.register(&a, 1_000).unwrap();
    s.register(&b, 1_000).unwrap();
    // c registers without an agent key.
    let mut msg = register_msg(Service::Storage, "eu-west");
    msg.agent_pubkey = None;
    s.registry_execute(
        &c,
        &ExecuteMsg::Register(msg),
        &cosmwasm_std::coins(1_000, "ustake"),
    )
    .unwrap();
    let chain_id = s.app.block_info().chain_id;
    let registry = s.registry.to_string();
    let forged = s.liveness_proof_by(&signing_key(9), &b, 0);
    let mut other_chain = s.liveness_proof(&b, 0);
    other_chain.signature = sign_liveness(
        &agent_key(&b),
        ("other-chain", &registry),
        &b,
        0,
        b"suite-oracle-nonce",
    );
    let mut other_registry = s.liveness_proof(&b, 0);
    other_registry.signature = sign_liveness(
        &agent_key(&b),
        (&chain_id, "wasm1other"),
        &b,
        0,
        b"suite-oracle-nonce",
    );
    let mut other_epoch = s.liveness_proof(&b, 0);
    other_epoch.signature = s.liveness_proof(&b, 1).signature;
    let mut short_nonce = s.liveness_proof(&b, 0);
    short_nonce.nonce = Binary::from(b"1234567".as_slice());
    let mut garbage = s.liveness_proof(&b, 0);
    garbage.signature = Binary::from(vec![7u8; 10]);
    let mut stranger = s.liveness_proof(&b, 0);
    stranger.provider = s.actors.attacker.to_string();
    let mut not_an_address = s.liveness_proof(&b, 0);
    not_an_address.provider = "not an address".into();
    let proofs = vec![
        forged,
        other_chain,
        other_registry,
        other_epoch,
        short_nonce,
        garbage,
        s.liveness_proof(&a, 0),
        stranger,
        not_an_address,
        s.liveness_proof(&c, 0),
        s.liveness_proof(&a, 0),
    ];
    let oracle = s.actors.oracle.clone();
    let res = s.prove_liveness(&oracle, 0, proofs).unwrap();
    let data: depin_interface::registry::ProveLivenessResponse =
        cosmwasm_std::from_json(res.data.unwrap()).unwrap();
    assert_eq!(data.proven, vec![a.clone()]);
    assert_eq!(data.duplicates, vec![a.clone()]);
    let rejected = |provider: &str, reason| RejectedProof {
        provider: provider.to_string(),
        reason,
    };
    assert_eq!(
        data.rejected,
        vec![
            rejected(b.as_str(), ProofRejection::BadSignature),
            rejected(b.as_str(), ProofRejection::BadSignature),
            rejected(b.as_str(), ProofRejection::BadSignature),
            rejected(b.as_str(), ProofRejection::BadSignature),
            rejected(b.as_str(), ProofRejection::BadNonce),
            rejected(b.as_str(), ProofRejection::BadSignature),
            rejected(s.actors.attacker.as_str(), ProofRejection::UnknownProvider),
            rejected("not an address", ProofRejection::UnknownProvider),
            rejected(c.as_str(), ProofRejection::NoAgentKey),
        ]
    );
    let attr = |key: &str| {
        res.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    };
    assert_eq!(
        (attr("proven"), attr("duplicates"), attr("rejected")),
        (Some("1".into()), Some("1".into()), Some("9".into()))
    );
    assert_eq!(s.provider_info(&b).reputation.proven_epochs, 0);
    assert_eq!(s.registry_stats().proven_current_epoch, 1);
}

#[test]
fn only_oracles_prove_and_batches_are_bounded() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    let proof = s.liveness_proof(&a, 0);
    for sender in [a.clone(), s.actors.attacker.clone(), s.dao.clone()] {
        let err = s
            .prove_liveness(&sender, 0, vec![proof.clone()])
            .unwrap_err();
        assert_eq!(
            registry_error(err),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "prove_liveness"
            }
        );
    }
    let oracle = s.actors.oracle.clone();
    let too_many = vec![proof.clone(); MAX_LIVENESS_PROOFS + 1];
    for proofs in [vec![], too_many] {
        let err = s.prove_liveness(&oracle, 0, proofs).unwrap_err();
        assert_eq!(
            registry_error(err),
            ContractError::NoProofs {
                max: MAX_LIVENESS_PROOFS
            }
        );
    }
    // The largest batch is accepted: one proof, the rest duplicates.
    let res = s.prove(&vec![&a; MAX_LIVENESS_PROOFS], 0);
    assert_eq!(
        (res.proven.len(), res.duplicates.len()),
        (1, MAX_LIVENESS_PROOFS - 1)
    );
    // Funds are refused.
    let err = s
        .registry_execute(
            &oracle,
            &ExecuteMsg::ProveLiveness {
                epoch: 0,
                proofs: vec![proof],
            },
            &cosmwasm_std::coins(1, "ustake"),
        )
        .unwrap_err();
    assert!(matches!(registry_error(err), ContractError::Payment(_)));
}

#[test]
fn heartbeats_prove_only_while_the_registry_has_no_oracles() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    s.heartbeat(&a).unwrap();
    s.advance(EPOCH);
    // An oracle is configured: the heartbeat was a reputation signal only.
    assert_eq!(s.pending_rewards(&a), 0);
    let dao = s.dao.clone();
    let oracle = s.actors.oracle.clone();
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            remove_oracles: Some(vec![oracle.to_string()]),
            ..RegistryConfigUpdate::default()
        },
    )
    .unwrap();
    // Bootstrap mode: epoch 1's heartbeat proves it.
    let res = s.heartbeat(&a).unwrap();
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|x| x.key == "proven_epoch" && x.value == "1"));
    s.advance(EPOCH);
    assert_eq!(s.pending_rewards(&a), P);
    let rep = s.provider_info(&a).reputation;
    // Epoch 0 (a heartbeat while an oracle was configured) is missed.
    assert_eq!(
        (rep.heartbeats, rep.proven_epochs, rep.missed_epochs),
        (2, 1, 1)
    );
}

#[test]
fn a_rotated_agent_key_replaces_the_old_one() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 1_000).unwrap();
    assert_eq!(
        s.provider_info(&a).agent_pubkey,
        Some(pubkey(&agent_key(&a)))
    );
    let new_key = signing_key(42);
    s.registry_execute(
        &a,
        &ExecuteMsg::UpdateProvider(UpdateProviderMsg {
            agent_pubkey: Some(pubkey(&new_key)),
            ..UpdateProviderMsg::default()
        }),
        &[],
    )
    .unwrap();
    let old = s.prove(&[&a], 0);
    assert_eq!(old.rejected.len(), 1);
    let proof = s.liveness_proof_by(&new_key, &a, 0);
    let oracle = s.actors.oracle.clone();
    s.prove_liveness(&oracle, 0, vec![proof]).unwrap();
    assert_eq!(s.provider_info(&a).reputation.last_proven_epoch, Some(0));
    // Malformed keys are refused at register and at rotation.
    for bad in [vec![2u8; 32], vec![4u8; 33], vec![]] {
        let err = s
            .registry_execute(
                &a,
                &ExecuteMsg::UpdateProvider(UpdateProviderMsg {
                    agent_pubkey: Some(Binary::from(bad.clone())),
                    ..UpdateProviderMsg::default()
                }),
                &[],
            )
            .unwrap_err();
        assert_eq!(
            registry_error(err),
            ContractError::InvalidAgentKey { len: bad.len() }
        );
        let mut msg = register_msg(Service::Storage, "eu-west");
        msg.agent_pubkey = Some(Binary::from(bad.clone()));
        let b = s.provider(1);
        let err = s.register_with(&b, msg, 1_000).unwrap_err();
        assert_eq!(
            registry_error(err),
            ContractError::InvalidAgentKey { len: bad.len() }
        );
    }
}

/// Random subsets of three providers proven in each of six epochs (each
/// proof sent in its epoch or the next, at a random time), random claims
/// on the way: each provider is paid its closed form, the sum over its
/// proven epochs of `P × stake / total`, within the one unit every payout
/// may round down; nothing is minted for an unproven epoch.
#[test]
fn random_proofs_pay_the_sum_of_the_proven_epochs_closed_forms() {
    let config = Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, b"depin-liveness-property-seed-001");
    let mut runner = TestRunner::new_with_rng(config, rng);
    let case = (
        prop::array::uniform3(1_000u128..50_000),
        prop::collection::vec((0u8..8, any::<bool>(), 1u64..EPOCH, 0u8..8), 6),
    );
    runner
        .run(&case, |(stakes, epochs)| {
            let mut s = suite();
            let providers: Vec<_> = (0..3).map(|i| s.provider(i)).collect();
            for (p, stake) in providers.iter().zip(stakes) {
                s.register(p, stake).unwrap();
            }
            let total: u128 = stakes.iter().sum();
            let initial: Vec<u128> = providers.iter().map(|p| s.token_balance(p)).collect();
            let mut proven = [0u128; 3];
            let start = s.app.block_info().time.seconds();
            for (epoch, (mask, late, at, claims)) in epochs.iter().enumerate() {
                let epoch = epoch as u64;
                let chosen: Vec<_> = (0..3).filter(|i| mask & (1 << i) != 0).collect();
                for &i in &chosen {
                    proven[i] += 1;
                }
                // Move into the epoch (or the next one, for a late proof).
                let when = start + epoch * EPOCH + at + if *late { EPOCH } else { 0 };
                let now = s.app.block_info().time.seconds();
                s.advance(when.saturating_sub(now));
                let refs: Vec<_> = chosen.iter().map(|&i| &providers[i]).collect();
                if !refs.is_empty() {
                    s.prove(&refs, epoch);
                }
                for (i, p) in providers.iter().enumerate() {
                    if claims & (1 << i) != 0 && s.pending_rewards(p) > 0 {
                        s.claim_rewards(p).unwrap();
                    }
                }
            }
            let now = s.app.block_info().time.seconds();
            s.advance(start + 8 * EPOCH - now);
            let mut minted = 0;
            for (i, p) in providers.iter().enumerate() {
                if s.pending_rewards(p) > 0 {
                    s.claim_rewards(p).unwrap();
                }
                let paid = s.token_balance(p) - initial[i];
                let exact = proven[i] * P * stakes[i] / total;
                prop_assert!(
                    paid <= exact && exact <= paid + 1,
                    "provider {i} (stake {}, {} epochs proven) paid {paid}, closed form {exact}",
                    stakes[i],
                    proven[i]
                );
                prop_assert_eq!(
                    s.provider_info(p).reputation.proven_epochs,
                    proven[i] as u64
                );
                minted += paid;
            }
            prop_assert_eq!(s.registry_stats().rewards_minted, Uint128::new(minted));
            Ok(())
        })
        .unwrap();
}

/// The e2e's path: usage recorded at the start of epoch u, the provider
/// unbonds to inactive in the same block, the oracle proves u then u − 1
/// (held since) during u; once u ends, the usage reward is added on top.
#[test]
fn proofs_after_going_inactive_keep_the_usage_reward() {
    let mut s = suite();
    let a = s.provider(0);
    s.register(&a, 2_000).unwrap();
    s.prove(&[&a], 0);
    s.advance(EPOCH);
    // Epoch 1 is not proven yet; usage and an unbond below min_stake at the start of epoch 2.
    s.advance(EPOCH);
    let escrow = s.escrow.clone();
    s.record_usage_with_fees(
        &escrow,
        &a,
        1_000,
        depin_testing::registry::pay_revenue(10_000),
        depin_testing::registry::pay_revenue(100),
    )
    .unwrap();
    s.unbond(&a, 1_500).unwrap();
    let held = s.provider_info(&a);
    assert_eq!(held.unproven_rewards.u128(), P);
    s.advance(10);
    s.prove(&[&a], 2);
    s.prove(&[&a], 1);
    let proven = s.pending_rewards(&a);
    assert_eq!(proven, 2 * P);
    s.advance(EPOCH);
    // Usage pool 400_000, all of the epoch's weighted fees are a's 100: min(400_000, 100).
    assert_eq!(s.pending_rewards(&a), proven + 100);
}
