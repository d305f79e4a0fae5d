//! Fleets in the registry: a provider names an operator (`set_operator`),
//! the operator's fleet is listed (`providers_by_operator`) and claims
//! rewards for all of it at once (`claim_rewards {providers}`), and the
//! escrow records a batch's usage with one `record_usage_batch`.

use cosmwasm_std::{Addr, Uint128};
use depin_interface::registry::{ExecuteMsg, UsageRecord};
use depin_interface::{ValidationError, MAX_BATCH_ITEMS};
use depin_provider_registry::ContractError;
use depin_testing::escrow::attribute;
use depin_testing::registry::pay_revenue;
use depin_testing::shared::registry_error;
use depin_testing::{Suite, SuiteBuilder};

const EPOCH: u64 = 86_400;
/// The stake part of an epoch's emission (1_000_000 × 60 %).
const STAKE_PART: u128 = 600_000;

/// Providers 0–2 registered with equal stake; the guardian is the operator.
fn fleet() -> (Suite, Addr) {
    let mut s = SuiteBuilder::default().build();
    for i in 0..3 {
        let p = s.provider(i);
        s.register(&p, 1_000).unwrap();
    }
    let operator = s.actors.guardian.clone();
    (s, operator)
}

#[test]
fn a_provider_names_and_removes_its_operator_and_the_fleet_is_listed() {
    let (mut s, operator) = fleet();
    let (p0, p1, p2) = (s.provider(0), s.provider(1), s.provider(2));
    assert!(s.fleet_of(&operator).is_empty());
    let res = s.set_operator(&p1, Some(&operator)).unwrap();
    assert_eq!(attribute(&res, "operator"), Some(operator.to_string()));
    s.set_operator(&p0, Some(&operator)).unwrap();
    let mut expected = vec![p0.clone(), p1.clone()];
    expected.sort();
    assert_eq!(s.fleet_of(&operator), expected);
    assert_eq!(s.provider_info(&p0).operator, Some(operator.clone()));
    assert_eq!(s.provider_info(&p2).operator, None);
    // Moving to another operator leaves the first fleet.
    let other = s.actors.arbiter.clone();
    s.set_operator(&p0, Some(&other)).unwrap();
    assert_eq!(s.fleet_of(&operator), vec![p1.clone()]);
    assert_eq!(s.fleet_of(&other), vec![p0.clone()]);
    // Removing it.
    s.set_operator(&p1, None).unwrap();
    assert!(s.fleet_of(&operator).is_empty());
    assert_eq!(s.provider_info(&p1).operator, None);
}

#[test]
fn set_operator_needs_a_registered_provider_another_address_and_no_funds() {
    let (mut s, operator) = fleet();
    let stranger = s.consumer(0);
    assert_eq!(
        registry_error(s.set_operator(&stranger, Some(&operator)).unwrap_err()),
        ContractError::ProviderNotFound {
            address: stranger.to_string()
        }
    );
    let p0 = s.provider(0);
    assert_eq!(
        registry_error(s.set_operator(&p0, Some(&p0)).unwrap_err()),
        ContractError::SelfOperator {}
    );
    let bad = ExecuteMsg::SetOperator {
        operator: Some("not an address".into()),
    };
    assert!(matches!(
        registry_error(s.registry_execute(&p0, &bad, &[]).unwrap_err()),
        ContractError::Std(_)
    ));
    let msg = ExecuteMsg::SetOperator {
        operator: Some(operator.to_string()),
    };
    let funds = [cosmwasm_std::coin(1, depin_testing::suite::STAKE_DENOM)];
    assert!(matches!(
        registry_error(s.registry_execute(&p0, &msg, &funds).unwrap_err()),
        ContractError::Payment(_)
    ));
    assert_eq!(s.provider_info(&p0).operator, None);
}

#[test]
fn the_operator_claims_for_its_fleet_and_each_provider_receives_its_own() {
    let (mut s, operator) = fleet();
    let (p0, p1, p2) = (s.provider(0), s.provider(1), s.provider(2));
    s.set_operator(&p0, Some(&operator)).unwrap();
    s.set_operator(&p1, Some(&operator)).unwrap();
    s.advance(EPOCH);
    let share = STAKE_PART / 3;
    let balances = |s: &Suite| [&p0, &p1, &operator].map(|a| s.token_balance(a));
    let before = balances(&s);
    // Listed twice: claimed once.
    s.claim_rewards_for(&operator, &[&p0, &p1, &p0]).unwrap();
    let after = balances(&s);
    assert_eq!(after[0] - before[0], share);
    assert_eq!(after[1] - before[1], share);
    assert_eq!(after[2], before[2], "the operator receives nothing");
    assert_eq!(s.pending_rewards(&p0), 0);
    assert_eq!(s.registry_stats().rewards_minted.u128(), 2 * share);
    // Nothing left for anyone listed: refused as a whole.
    assert_eq!(
        registry_error(s.claim_rewards_for(&operator, &[&p0, &p1]).unwrap_err()),
        ContractError::NoRewards {}
    );
    // p2 never named the operator: the whole claim is refused, nothing minted.
    s.advance(EPOCH);
    assert_eq!(
        registry_error(s.claim_rewards_for(&operator, &[&p0, &p2]).unwrap_err()),
        ContractError::NotOperator {
            sender: operator.to_string(),
            provider: p2.to_string()
        }
    );
    assert_eq!(s.pending_rewards(&p0), share);
    // A provider may list itself; with nothing pending it is skipped.
    s.claim_rewards(&p1).unwrap();
    s.claim_rewards_for(&p1, &[&p1]).unwrap_err();
    let res = s.claim_rewards_for(&operator, &[&p1, &p0]).unwrap();
    assert_eq!(attribute(&res, "provider"), Some(p0.to_string()));
    assert_eq!(s.pending_rewards(&p0), 0);
}

#[test]
fn a_fleet_claim_is_bounded() {
    let (mut s, operator) = fleet();
    assert_eq!(
        registry_error(s.claim_rewards_for(&operator, &[]).unwrap_err()),
        ContractError::Validation(ValidationError::Empty { field: "providers" })
    );
    let p0 = s.provider(0);
    let many = vec![&p0; MAX_BATCH_ITEMS + 1];
    assert!(matches!(
        registry_error(s.claim_rewards_for(&p0, &many).unwrap_err()),
        ContractError::Validation(ValidationError::TooManyEntries { .. })
    ));
}

#[test]
fn a_fleet_claim_stops_at_the_token_cap_and_the_rest_keep_their_rewards() {
    let mut s = SuiteBuilder {
        // 3 members and 3 providers start with 1_000_000 tokens each.
        token_cap: Some(Uint128::new(6_000_000 + 250_000)),
        ..Default::default()
    }
    .build();
    let operator = s.actors.guardian.clone();
    let (p0, p1, p2) = (s.provider(0), s.provider(1), s.provider(2));
    for p in [&p0, &p1, &p2] {
        s.register(p, 1_000).unwrap();
        s.set_operator(p, Some(&operator)).unwrap();
    }
    s.advance(EPOCH);
    let share = STAKE_PART / 3;
    s.claim_rewards_for(&operator, &[&p0, &p1, &p2]).unwrap();
    // 200_000 to p0, the 50_000 left to p1 (the rest of its share forfeited), p2 keeps its share.
    assert_eq!(s.token_supply(), 6_250_000);
    assert_eq!(s.pending_rewards(&p0), 0);
    assert_eq!(s.pending_rewards(&p1), 0);
    assert_eq!(s.pending_rewards(&p2), share);
    assert_eq!(s.registry_stats().rewards_minted.u128(), 250_000);
}

#[test]
fn record_usage_batch_is_the_escrows_and_skips_unknown_providers() {
    let (mut s, _) = fleet();
    let (p0, p1) = (s.provider(0), s.provider(1));
    let entry = |provider: &Addr, units: u128, payments: u64| UsageRecord {
        provider: provider.to_string(),
        units: Uint128::new(units),
        revenue: pay_revenue(1_000),
        fees: pay_revenue(25),
        payments,
    };
    let stranger = s.consumer(0);
    let msg = ExecuteMsg::RecordUsageBatch {
        entries: vec![entry(&p0, 10, 1)],
    };
    assert!(matches!(
        registry_error(s.registry_execute(&stranger, &msg, &[]).unwrap_err()),
        ContractError::Unauthorized { .. }
    ));
    let escrow = s.escrow.clone();
    let msg = ExecuteMsg::RecordUsageBatch {
        entries: vec![entry(&p0, 10, 2), entry(&stranger, 5, 1), entry(&p1, 20, 1)],
    };
    let res = s.registry_execute(&escrow, &msg, &[]).unwrap();
    assert_eq!(attribute(&res, "skipped"), Some(stranger.to_string()));
    assert_eq!(attribute(&res, "recorded"), Some("2".into()));
    let rep = s.provider_info(&p0).reputation;
    assert_eq!((rep.usage_units.u128(), rep.leases_settled), (10, 2));
    assert_eq!(s.provider_info(&p1).reputation.usage_units.u128(), 20);
    // Both fees count toward the epoch's usage rewards, once each.
    assert_eq!(s.epoch_usage(s.epoch()).weighted_fees.u128(), 50);
    let too_many = ExecuteMsg::RecordUsageBatch {
        entries: vec![entry(&p0, 1, 1); MAX_BATCH_ITEMS + 1],
    };
    assert!(matches!(
        registry_error(s.registry_execute(&escrow, &too_many, &[]).unwrap_err()),
        ContractError::Validation(ValidationError::TooManyEntries { .. })
    ));
}
