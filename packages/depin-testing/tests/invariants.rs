//! Random action sequences against the whole suite, with the accounting
//! invariants checked after every step.
//!
//! Each case builds a fresh suite (two providers registered, members staked)
//! and runs up to [`MAX_ACTIONS`] random actions: every provider, consumer,
//! member and DAO action (amounts sometimes `u128::MAX`), whole governance
//! rounds, time jumps (past dispute windows, epochs, halvings, unbonding
//! periods, the token cap), and attacks by the attacker (wrong senders, forged
//! hooks, forged funds and receipts, and proposals that would reach members'
//! funds: an allowance on the suite token, a token admin change or
//! migration, an `any` message; and upgrades of the DAO, registry and escrow,
//! voted by a majority and executed when possible), config swaps mid-flight
//! (the registry pointed at a second escrow and back, the escrow at another
//! registry and back, with disputes open), donations to the treasury, and
//! the governance locks of the second audit (the DAO or the escrow staking
//! or proposing in the DAO; quorum 1, threshold 90 %, a veto threshold of
//! 10^-18, periods over 90 days, a deposit above the supply), which must
//! fail; escrow batches of reports, receipts and settles, sent by a
//! provider or by a fleet operator that providers name and remove (items
//! of leases the sender may not bill are refused alone). Every settle is a stranger's (the attacker's), at any step. After every transaction:
//! - no action panicked, and every failure is a typed error;
//! - a failed action (every attack must fail) changed no state at all: the
//!   whole chain storage is byte-for-byte what it was;
//! - native funds are conserved and held only by actors and contracts; the
//!   escrow holds exactly what its leases still owe (available + reserved)
//!   per denom; the registry holds exactly the bonded stake plus pending
//!   claims; the token's supply is the sum of balances, within the cap, and
//!   the initial supply plus rewards minted; the DAO's total power is the sum
//!   of stakes, all held by the DAO ([`Suite::assert_invariants`]); the DAO
//!   holds every token it reserves for others (stake, claims, deposits);
//! - an upgrade never executed before `voting_ends_at + unstaking_period`.
//!
//! At the end of every sequence each member unstakes everything, waits the
//! unstaking period and claims: every claim pays in full.
//!
//! The runner's seed is fixed, so every run tries the same cases; proptest
//! shrinks a failing sequence to a minimal one. More cases:
//! `PROPTEST_CASES=2048 cargo test -p depin-testing --test invariants --release`.

use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, BankMsg, Binary, CosmosMsg, Decimal, Uint128, WasmMsg,
};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Executor};
use depin_interface::dao::{self, DaoConfigUpdate, Vote};
use depin_interface::escrow::{
    self, BatchItem, BillingMode, ChargeResponse, ChargeStatus, ChargesResponse, OpenLeaseMsg,
};
use depin_interface::registry::{self, Price, RegisterMsg, RegistryConfigUpdate, Service};
use depin_interface::{token, UncheckedDenom};
use depin_testing::escrow::{batch_results, lease_id_of};
use depin_testing::registry::register_msg;
use depin_testing::scenario::{is_bank_refusal, typed_error};
use depin_testing::shared::{pubkey, signing_key, wasm_execute};
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
use k256::ecdsa::SigningKey;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Fixed seed: every run explores the same cases.
const SEED: [u8; 32] = *b"depin-suite-invariants-seed-0001";
/// Cases when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 256;
const MAX_ACTIONS: usize = 60;
const PROVIDERS: usize = 3;
const CONSUMERS: usize = 2;
const MEMBERS: usize = 3;

/// Proposal index meaning "the newest proposal".
const LAST: usize = usize::MAX;

/// Price per unit in the suite token (cw20 leases).
const TOKEN_PRICE: u128 = 7;

/// Kinds of proposal [`World::proposal_msgs`] writes.
const PROPOSAL_KINDS: u8 = 7;
/// Kinds the DAO must refuse at `propose`.
const REFUSED_KINDS: [u8; 2] = [4, 5];

#[path = "invariants/actions.rs"]
mod actions;
#[path = "invariants/world.rs"]
mod world;

use actions::*;
use world::World;

/// A storage listing priced in uusdc and in the suite token.
fn listing(suite: &Suite) -> RegisterMsg {
    let mut msg = register_msg(Service::Storage, "eu-west");
    msg.prices.push(Price {
        denom: UncheckedDenom::Cw20(suite.token.to_string()),
        per_unit: Uint128::new(TOKEN_PRICE),
    });
    msg
}

/// The transactions an action runs as.
fn steps(action: &Action) -> Vec<Action> {
    match action {
        Action::Govern { kind, value } => {
            let mut steps = vec![Action::Propose {
                m: 0,
                kind: *kind,
                value: *value,
            }];
            steps.extend((0..MEMBERS).map(|m| Action::Vote {
                m,
                proposal: LAST,
                vote: 0,
            }));
            steps.push(Action::Advance {
                seconds: 86_400 + 1,
            });
            steps.push(Action::Execute { proposal: LAST });
            steps
        }
        other => vec![other.clone()],
    }
}

/// Runs one sequence, checking every invariant after every step.
fn run_sequence(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let mut world = World::new();
    world.assert_invariants();
    for (step, action) in actions.iter().flat_map(steps).enumerate() {
        let action = &action;
        let before = world.suite.state_snapshot();
        let (result, must_fail) = world.apply(action);
        if stats() {
            report(action, &result);
        }
        match result {
            Ok(res) => prop_assert!(
                !must_fail,
                "step {step}: the attack {action:?} succeeded: {res:?}"
            ),
            Err(err) => {
                prop_assert!(
                    typed_error(&err).is_some() || is_bank_refusal(&err),
                    "step {step}: {action:?} failed with an untyped error: {err:?}"
                );
                prop_assert!(
                    world.suite.state_snapshot() == before,
                    "step {step}: {action:?} failed ({}) but changed state",
                    err.root_cause()
                );
            }
        }
        world.assert_invariants();
    }
    world.everyone_leaves()?;
    if stats() {
        eprintln!(
            "SUPPLY {} of cap {:?}",
            world.suite.token_supply(),
            world.suite.token_cap()
        );
    }
    Ok(())
}

/// `INVARIANTS_STATS=1` prints each step's outcome (`STAT <action> ok|<error>`)
/// and each case's final token supply, to see what the sequences reach:
/// `INVARIANTS_STATS=1 cargo test -p depin-testing --test invariants -- --nocapture 2>&1 | grep STAT | sort | uniq -c`.
fn stats() -> bool {
    std::env::var_os("INVARIANTS_STATS").is_some()
}

fn report(action: &Action, result: &AnyResult<AppResponse>) {
    let name = format!("{action:?}");
    let name = name.split([' ', '(']).next().unwrap_or_default();
    match result {
        Ok(_) => eprintln!("STAT {name} ok"),
        Err(err) => eprintln!("STAT {name} {}", err.root_cause()),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

#[test]
fn random_action_sequences_keep_every_invariant() {
    let config = Config {
        cases: cases(),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        max_shrink_iters: 2_048,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let strategy = proptest::collection::vec(action(), 1..=MAX_ACTIONS);
    if let Err(err) = runner.run(&strategy, run_sequence) {
        panic!("{err}");
    }
}

/// The checks are not vacuous: a coin the escrow does not owe to any lease
/// (here, sent to it directly) breaks "the escrow holds exactly what its
/// leases owe".
#[test]
#[should_panic(expected = "the escrow holds exactly what its uusdc leases owe")]
fn the_invariant_check_catches_funds_no_lease_owes() {
    let mut world = World::new();
    let consumer = world.suite.consumer(0);
    let escrow_addr = world.suite.escrow.clone();
    world
        .suite
        .app
        .send_tokens(consumer, escrow_addr, &coins(1, PAY_DENOM))
        .unwrap();
    world.assert_invariants();
}
