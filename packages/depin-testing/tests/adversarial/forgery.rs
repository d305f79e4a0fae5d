//! Forged inputs: cw20 hooks from a fake token, upper-case address twins, replayed receipts.

use super::*;

/// A suite staked in the suite token (so the registry's cw20 hook is live),
/// provider 0 registered with 5 000 and priced in the suite token, and a
/// fake token the attacker holds.
fn token_staked_suite() -> (Suite, Addr, Addr) {
    let mut suite = SuiteBuilder {
        cw20_stake: true,
        ..SuiteBuilder::new()
    }
    .build();
    let provider = registered(&mut suite, 0, 5_000);
    let prices = vec![Price {
        denom: UncheckedDenom::Cw20(suite.token.to_string()),
        per_unit: Uint128::new(DEFAULT_PRICE),
    }];
    suite
        .registry_execute(
            &provider,
            &registry::ExecuteMsg::UpdateProvider(registry::UpdateProviderMsg {
                prices: prices.into(),
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
    let fake = fake_token(&mut suite);
    (suite, provider, fake)
}

/// Nobody gained power, stake or deposits from a forged hook.
fn assert_nothing_credited(suite: &Suite, provider: &Addr) {
    let (member, attacker) = (suite.member(0), suite.actors.attacker.clone());
    assert_eq!(suite.voting_power(&member, None), 0);
    assert_eq!(suite.voting_power(&attacker, None), 0);
    assert_eq!(suite.provider_info(provider).stake.u128(), 5_000);
    assert_eq!(suite.token_balance(&suite.registry), 5_000);
    assert_eq!(suite.token_balance(&suite.escrow), 0);
}

#[test]
fn forged_cw20_hook_from_a_fake_token() {
    let (mut suite, provider, fake) = token_staked_suite();
    let (registry_addr, escrow_addr, dao_addr) = (
        suite.registry.clone(),
        suite.escrow.clone(),
        suite.dao.clone(),
    );
    // 1. Fake tokens as stake: the registry accepts hooks from its stake token only.
    let err = refused(&mut suite, ErrorSource::Registry, |s| {
        send_fake(
            s,
            &fake,
            &registry_addr,
            1_000_000,
            &registry::ReceiveMsg::Register(register_msg(Service::Gpu, "us-east")),
        )
    });
    assert!(err.contains("is not the stake token"), "{err}");
    // 2. Fake tokens as a lease deposit (the provider prices in the suite token).
    refused(&mut suite, ErrorSource::Escrow, |s| {
        send_fake(
            s,
            &fake,
            &escrow_addr,
            1_000_000,
            &escrow::ReceiveMsg::OpenLease(OpenLeaseMsg {
                provider: provider.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            }),
        )
    });
    // 3. Fake tokens as DAO stake (voting power for free).
    refused(&mut suite, ErrorSource::Dao, |s| {
        send_fake(s, &fake, &dao_addr, 1_000_000, &dao::ReceiveMsg::Stake {})
    });
    assert_nothing_credited(&suite, &provider);
}

/// No token at all: the attacker calls `receive` itself, claiming to be a
/// member who sent real suite tokens.
#[test]
fn forged_receive_without_a_token() {
    let (mut suite, provider, _) = token_staked_suite();
    let (attacker, dao_addr, member) = (
        suite.actors.attacker.clone(),
        suite.dao.clone(),
        suite.member(0),
    );
    let forged = |msg: Binary| Cw20ReceiveMsg {
        sender: member.to_string(),
        amount: Uint128::new(1_000_000),
        msg,
    };
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &attacker,
            &registry::ExecuteMsg::Receive(forged(
                to_json_binary(&registry::ReceiveMsg::Bond {}).unwrap(),
            )),
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.escrow_execute(
            &attacker,
            &escrow::ExecuteMsg::Receive(forged(
                to_json_binary(&escrow::ReceiveMsg::TopUp { lease_id: 1 }).unwrap(),
            )),
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.app.execute_contract(
            attacker.clone(),
            dao_addr.clone(),
            &dao::ExecuteMsg::Receive(forged(to_json_binary(&dao::ReceiveMsg::Stake {}).unwrap())),
            &[],
        )
    });
    assert_nothing_credited(&suite, &provider);
}

#[test]
fn uppercase_twin_of_a_registered_address() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let twin = uppercase(&provider);
    assert_ne!(twin, provider.as_str());
    let (consumer, oracle, dao_addr) = (
        suite.consumer(0),
        suite.actors.oracle.clone(),
        suite.dao.clone(),
    );

    // A lease with the twin: it would bypass the provider's own record.
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.open_lease_with(
            &consumer,
            OpenLeaseMsg {
                provider: twin.clone(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            },
            &coins(10_000, PAY_DENOM),
        )
    });
    // An attestation, a slash and a usage record for the twin (each from the
    // one sender allowed to send it): none may create a second record.
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &oracle,
            &registry::ExecuteMsg::Attest {
                provider: twin.clone(),
                score: Some(100),
                capacity: None,
            },
            &[],
        )
    });
    refused(&mut suite, ErrorSource::Registry, |s| {
        s.registry_execute(
            &dao_addr,
            &registry::ExecuteMsg::Slash {
                provider: twin.clone(),
                fraction: Decimal::percent(50),
                reason: "twin".into(),
                jail_seconds: None,
            },
            &[],
        )
    });
    // Suite tokens sent to the twin would be lost to a key nobody controls.
    let member = suite.member(0);
    let token_addr = suite.token.clone();
    refused(&mut suite, ErrorSource::Token, |s| {
        s.app.execute_contract(
            member.clone(),
            token_addr.clone(),
            &token::ExecuteMsg::Transfer {
                recipient: twin.clone(),
                amount: Uint128::new(1),
            },
            &[],
        )
    });
    // A DAO member's twin has no voting power to borrow, and queries refuse it.
    assert!(suite.try_provider_info(&twin).is_err());
    let power: StdResult<dao::VotingPowerResponse> = suite.app.wrap().query_wasm_smart(
        &dao_addr,
        &dao::QueryMsg::VotingPower {
            address: uppercase(&member),
            height: None,
        },
    );
    assert!(power.is_err());
    // The real record is untouched.
    let info = suite.provider_info(&provider);
    assert_eq!(info.stake.u128(), 2_000);
    assert_eq!(info.reputation.attested_score, None);
    assert_eq!(suite.registry_stats().providers, 1);
}

#[test]
fn receipt_replay() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let key = signing_key(7);
    let lease_a = open_receipts(&mut suite, &consumer, &provider, &key);
    let lease_b = open_receipts(&mut suite, &consumer, &provider, &key);
    let chain_id = suite.app.block_info().chain_id;
    let escrow_addr = suite.escrow.to_string();
    let receipt = sign_receipt(&key, &chain_id, &escrow_addr, lease_a, 100);
    let provider_before = suite.native_balance(&provider, PAY_DENOM);
    suite
        .redeem_receipt(&provider, lease_a, 100, receipt.clone())
        .unwrap();
    // 100 × 10 = 1 000 paid: 25 fee, 975 to the provider.
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_before + 1_000 - protocol_fee(1_000, FEE_BPS)
    );

    // The same receipt again, on the same lease.
    let err = refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_a, 100, receipt.clone())
    });
    assert!(err.contains("does not increase"), "{err}");
    // The same receipt on another lease of the same consumer and key.
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, receipt.clone())
    });
    // A receipt signed for another chain, or another escrow contract.
    let other_chain = sign_receipt(&key, "another-chain", &escrow_addr, lease_b, 100);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, other_chain.clone())
    });
    let other_escrow = sign_receipt(&key, &chain_id, suite.registry.as_str(), lease_b, 100);
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_b, 100, other_escrow.clone())
    });
    // A receipt for more units than signed (the signature covers the units).
    refused(&mut suite, ErrorSource::Escrow, |s| {
        s.redeem_receipt(&provider, lease_a, 200, receipt.clone())
    });
    let (a, b) = (suite.lease(lease_a), suite.lease(lease_b));
    assert_eq!((a.paid.u128(), a.units.u128()), (1_000, 100));
    assert_eq!((b.paid.u128(), b.units.u128()), (0, 0));
}
