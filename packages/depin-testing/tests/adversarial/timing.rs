//! Timing attacks: voting twice by moving stake, withdrawing before a slash, reporting after a close, executing twice.

use super::*;

#[test]
fn double_vote_by_moving_stake() {
    let mut suite = SuiteBuilder::new().build();
    let (m0, m1, m2, attacker) = (
        suite.member(0),
        suite.member(1),
        suite.member(2),
        suite.actors.attacker.clone(),
    );
    suite.stake(&m0, 100_000).unwrap();
    suite.stake(&m1, 100_000).unwrap();
    suite.advance(5);
    // Same block as the proposal: m2 stakes just before it is created. Power
    // is read at the start of the proposal's block, so this stake never counts.
    suite.stake(&m2, 300_000).unwrap();
    let fee_update = wasm_execute(
        &suite.escrow.clone(),
        &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
            fee_bps: Some(9_000),
            ..Default::default()
        }),
    );
    let id = Suite::proposal_id(
        &suite
            .propose(&m0, "raise the fee", vec![fee_update])
            .unwrap(),
    );
    assert_eq!(suite.proposal(id).total_power.u128(), 200_000);
    suite.advance(5);

    suite.vote(&m0, id, Vote::No).unwrap();
    // Vote twice with the same stake.
    let err = dao_error(suite.vote(&m0, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::AlreadyVoted { .. }),
        "{err}"
    );
    // Stake added after the start (same block) carries no power on this proposal.
    let err = dao_error(suite.vote(&m2, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::NoVotingPower { .. }),
        "{err}"
    );
    // Move stake: m0 unstakes (its power on the proposal stays what it was),
    // m2 hands liquid tokens to the attacker, who stakes and tries to vote.
    suite.unstake(&m0, 100_000).unwrap();
    let token_addr = suite.token.clone();
    suite
        .app
        .execute_contract(
            m2.clone(),
            token_addr,
            &token::ExecuteMsg::Transfer {
                recipient: attacker.to_string(),
                amount: Uint128::new(500_000),
            },
            &[],
        )
        .unwrap();
    suite.stake(&attacker, 500_000).unwrap();
    suite.advance(5);
    let err = dao_error(suite.vote(&attacker, id, Vote::Yes).unwrap_err());
    assert!(
        matches!(err, depin_dao::ContractError::NoVotingPower { .. }),
        "{err}"
    );
    let err = dao_error(suite.vote(&m0, id, Vote::Yes).unwrap_err());
    assert!(matches!(err, depin_dao::ContractError::AlreadyVoted { .. }));
    suite.vote(&m1, id, Vote::Yes).unwrap();

    let p = suite.proposal(id);
    assert_eq!(
        (p.tally.yes.u128(), p.tally.no.u128(), p.total_power.u128()),
        (100_000, 100_000, 200_000)
    );
    // yes 100 000 is not > 50 % of 200 000: the proposal fails, the fee stays.
    suite.advance(dao_voting_period(&suite));
    let status = suite.proposal(id).status;
    assert_eq!(status, ProposalStatus::Rejected);
    assert_eq!(suite.escrow_config().fee_bps, 250);
    // Today's power: m1 100 000 + m2 300 000 + attacker 500 000 (m0 unstaked).
    assert_eq!(suite.total_power(None), 900_000);
}

#[test]
fn withdraw_before_slash() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 10_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 50_000);
    let res = suite.report_usage(&provider, lease_id, 1_000).unwrap();
    let charge_id = charge_id_of(&res);
    suite
        .dispute(&consumer, lease_id, charge_id, "never delivered")
        .unwrap();
    // Seeing the dispute coming, the provider unbonds everything at once.
    suite.unbond(&provider, 10_000).unwrap();
    assert_eq!(suite.provider_info(&provider).stake.u128(), 0);
    // The arbiter voids the charge and slashes 10 % (the escrow's max):
    // the pending claim is cut by floor(10 000 × 10 %) = 1 000.
    let arbiter = suite.actors.arbiter.clone();
    let dao_addr = suite.dao.clone();
    let dao_stake_before = suite.native_balance(&dao_addr, STAKE_DENOM);
    suite
        .resolve_dispute(
            &arbiter,
            lease_id,
            charge_id,
            false,
            Some(Decimal::percent(10)),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&provider).unbonding.u128(), 9_000);
    // The DAO slashes again, 50 %, directly (its own call): floor(9 000 / 2).
    suite
        .slash(&dao_addr, &provider, Decimal::percent(50), None)
        .unwrap();
    assert_eq!(suite.provider_info(&provider).unbonding.u128(), 4_500);
    assert_eq!(
        suite.native_balance(&dao_addr, STAKE_DENOM),
        dao_stake_before + 1_000 + 4_500
    );
    // Claiming early pays nothing; after the unbonding period only what is left.
    let before = suite.native_balance(&provider, STAKE_DENOM);
    assert!(suite.claim_unbonded(&provider).is_err());
    let period = suite.params.unbonding_period;
    suite.advance(period);
    suite.claim_unbonded(&provider).unwrap();
    assert_eq!(suite.native_balance(&provider, STAKE_DENOM), before + 4_500);
    assert_eq!(
        suite.native_balance(&suite.registry.clone(), STAKE_DENOM),
        0
    );
    // The voided charge went back to the deposit; nothing was paid.
    let lease = suite.lease(lease_id);
    assert_eq!(
        (
            lease.paid.u128(),
            lease.available.u128(),
            lease.reserved.u128()
        ),
        (0, 50_000, 0)
    );
}

#[test]
fn report_after_close() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let consumer_before = suite.native_balance(&consumer, PAY_DENOM);

    // A: closed by the consumer with nothing pending → `closing` for the
    // provider's final-usage grace (the dispute window); once it is over,
    // `settle` completes the close, everything is refunded and a report is
    // refused.
    let window = suite.params.dispute_window;
    let lease_a = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.close_lease(&consumer, lease_a).unwrap();
    assert_eq!(suite.lease(lease_a).state, LeaseState::Closing);
    suite.advance(window);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_a, 100)
    });
    let attacker = suite.actors.attacker.clone();
    suite.settle(&attacker, lease_a).unwrap();
    assert_eq!(suite.lease(lease_a).state, LeaseState::Closed);
    let err = refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_a, 100)
    });
    assert!(err.contains("Closed"), "{err}");
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), consumer_before);

    // B: closed by the provider while a charge sits in its window → closing;
    // reporting more usage is refused there too.
    let lease_b = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.report_usage(&provider, lease_b, 100).unwrap();
    suite.close_lease(&provider, lease_b).unwrap();
    assert_eq!(suite.lease(lease_b).state, LeaseState::Closing);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_b, 100)
    });
    // After the window, settling pays the one charge and refunds the rest.
    suite.advance(window + 1);
    suite.settle(&attacker, lease_b).unwrap();
    let lease = suite.lease(lease_b);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!((lease.paid.u128(), lease.refunded.u128()), (1_000, 9_000));
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.report_usage(&provider, lease_b, 1)
    });
    assert_eq!(
        suite.native_balance(&consumer, PAY_DENOM),
        consumer_before - 1_000
    );
}

#[test]
fn re_executing_a_proposal() {
    let mut suite = SuiteBuilder::new().build();
    let escrow_addr = suite.escrow.clone();
    let fee_update = |bps: u16| {
        wasm_execute(
            &escrow_addr,
            &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                fee_bps: Some(bps),
                ..Default::default()
            }),
        )
    };
    let id = suite.pass_proposal(vec![fee_update(400)]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(suite.escrow_config().fee_bps, 400);
    // The DAO changes the fee again by itself (as if another proposal passed).
    let dao_addr = suite.dao.clone();
    suite
        .update_escrow_config(
            &dao_addr,
            escrow::EscrowConfigUpdate {
                fee_bps: Some(300),
                ..Default::default()
            },
        )
        .unwrap();
    let attacker = suite.actors.attacker.clone();
    // Re-executing would set the fee back to 400.
    let err = refused(&mut suite, ErrorSource::Dao, |s| {
        s.execute_proposal(&attacker, id)
    });
    assert!(err.contains("already executed"), "{err}");
    // Calling the internal dispatch directly, as anyone.
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.app.execute_contract(
            attacker.clone(),
            dao_addr.clone(),
            &dao::ExecuteMsg::Dispatch { proposal_id: id },
            &[],
        )
    });
    assert_eq!(suite.escrow_config().fee_bps, 300);
}
