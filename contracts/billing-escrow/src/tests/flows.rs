//! Lease flows and validation against a mock registry.

use super::*;

#[test]
fn open_checks_the_registry_listing() {
    let mut t = setup();
    let consumer = t.consumer.clone();
    let open = |provider: &Addr, max: Option<u128>| {
        ExecuteMsg::OpenLease(OpenLeaseMsg {
            provider: provider.to_string(),
            billing: BillingMode::Metered {},
            max_price_per_unit: max.map(Uint128::new),
        })
    };
    let unknown = t.deps.api.addr_make("unknown");
    let inactive = t.deps.api.addr_make("inactive");
    let provider = t.provider.clone();
    assert!(matches!(
        t.exec(&consumer, &[coin(10, PAY)], open(&unknown, None)),
        Err(ContractError::ProviderNotFound { .. })
    ));
    assert!(matches!(
        t.exec(&consumer, &[coin(10, PAY)], open(&inactive, None)),
        Err(ContractError::ProviderNotActive { .. })
    ));
    assert_eq!(
        t.exec(
            &consumer,
            &[coin(10, PAY)],
            open(&provider, Some(PRICE - 1))
        ),
        Err(ContractError::PriceAboveMax {
            price: Uint128::new(PRICE),
            max: Uint128::new(PRICE - 1)
        })
    );
    assert_eq!(
        t.exec(&provider, &[coin(10, PAY)], open(&provider, None)),
        Err(ContractError::SelfLease {})
    );
    assert!(matches!(
        t.exec(&consumer, &[coin(10, "uother")], open(&provider, None)),
        Err(ContractError::DenomNotAccepted { .. })
    ));
    assert!(matches!(
        t.exec(
            &consumer,
            &[coin(10, PAY), coin(10, "uother")],
            open(&provider, None)
        ),
        Err(ContractError::Payment(_))
    ));
    assert!(matches!(
        t.exec(&consumer, &[], open(&provider, None)),
        Err(ContractError::Payment(_))
    ));
    let res = t.exec(&consumer, &[coin(10, PAY)], open(&provider, Some(PRICE)));
    assert!(res.is_ok());
    assert_eq!(t.lease(1).price_per_unit, Uint128::new(PRICE));
}

#[test]
fn receipts_pubkey_must_be_compressed_secp256k1() {
    let mut t = setup();
    let consumer = t.consumer.clone();
    for key in [vec![0x02; 32], vec![0x04; 33], vec![0x02; 65], vec![]] {
        let res = t.exec(
            &consumer,
            &[coin(10, PAY)],
            ExecuteMsg::OpenLease(OpenLeaseMsg {
                provider: t.provider.to_string(),
                billing: BillingMode::Receipts {
                    consumer_pubkey: key.clone().into(),
                },
                max_price_per_unit: None,
            }),
        );
        assert_eq!(res, Err(ContractError::InvalidPubkey { len: key.len() }));
    }
}

#[test]
fn settling_many_matured_charges_is_one_seek_and_skips_disputes() {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 1_000_000);
    // 200 charges of 3 units at t0 (21 each, exact fee 0.525; the fees of
    // charges 1..=k add up to ceil(0.525 k)), 100 more and one of 1000 units
    // (7000, exact fee 175) at t0 + 50.
    for _ in 0..200 {
        t.report(lease_id, 3).unwrap();
    }
    t.advance(50);
    for _ in 0..100 {
        t.report(lease_id, 3).unwrap();
    }
    t.report(lease_id, 1_000).unwrap();
    for charge_id in [5, 301] {
        t.dispute(lease_id, charge_id).unwrap();
    }
    t.lease(lease_id);
    assert_eq!(t.settleable(lease_id).amount, Uint128::zero());
    let anyone = t.deps.api.addr_make("anyone");
    assert_eq!(
        t.exec(&anyone, &[], ExecuteMsg::Settle { lease_id }),
        Err(ContractError::NothingToSettle { lease_id })
    );
    // t0 + 100: the first 200 matured; charge 5 (fee ceil(2.625) − ceil(2.1)
    // = 0) is disputed → 199 × 21, fee ceil(105) − 0 = 105.
    t.advance(WINDOW - 50);
    let due = t.settleable(lease_id);
    assert_eq!(due.amount, Uint128::new(199 * 21));
    assert_eq!(due.fee, Uint128::new(105));
    assert_eq!(due.units, Uint128::new(199 * 3));
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(paid_to(&res, &t.provider), 199 * 21 - 105);
    assert_eq!(paid_to(&res, &t.dao), 105);
    // t0 + 150: the next 100 matured (fee ceil(157.5) − 105 = 53); 301 is disputed.
    t.advance(50);
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(paid_to(&res, &t.provider), 100 * 21 - 53);
    assert_eq!(paid_to(&res, &t.dao), 53);
    let lease = t.lease(lease_id);
    assert_eq!(lease.paid, Uint128::new(299 * 21));
    assert_eq!(lease.reserved, Uint128::new(21 + 7_000));
    // Uphold the big one: payable at the next settle with its fee,
    // ceil(157.5 + 175) − 158 = 175.
    let dao = t.dao.clone();
    t.exec(
        &dao,
        &[],
        ExecuteMsg::ResolveDispute {
            lease_id,
            charge_id: 301,
            uphold: true,
            slash_fraction: None,
        },
    )
    .unwrap();
    // Void charge 5 with a slash: back to available, slash message to the registry.
    let res = t
        .exec(
            &dao,
            &[],
            ExecuteMsg::ResolveDispute {
                lease_id,
                charge_id: 5,
                uphold: false,
                slash_fraction: Some(Decimal::percent(5)),
            },
        )
        .unwrap();
    assert!(matches!(
        &res.messages[0].msg,
        CosmosMsg::Wasm(WasmMsg::Execute { .. })
    ));
    let due = t.settleable(lease_id);
    assert_eq!(
        (due.amount.u128(), due.fee.u128(), due.units.u128()),
        (7_000, 175, 1_000)
    );
    let res = t
        .exec(&anyone, &[], ExecuteMsg::Settle { lease_id })
        .unwrap();
    assert_eq!(paid_to(&res, &t.dao), 175);
    assert_eq!(paid_to(&res, &t.provider), 7_000 - 175);
    let lease = t.lease(lease_id);
    assert_eq!(lease.reserved, Uint128::zero());
    assert_eq!(lease.available, Uint128::new(1_000_000 - 299 * 21 - 7_000));
    let charges: ChargesResponse = from_json(
        query(
            t.deps.as_ref(),
            t.env.clone(),
            QueryMsg::Charges {
                lease_id,
                start_after: Some(3),
                limit: Some(3),
            },
        )
        .unwrap(),
    )
    .unwrap();
    let statuses: Vec<_> = charges
        .charges
        .iter()
        .map(|c| (c.charge_id, c.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (4, ChargeStatus::Paid),
            (5, ChargeStatus::Voided),
            (6, ChargeStatus::Paid)
        ]
    );
}

#[test]
fn streaming_accrual_stops_at_the_deposit_and_closes() {
    let mut t = setup();
    // 3 per second, deposit 100: 33 whole seconds (99), 1 left over.
    let lease_id = t.open(
        BillingMode::Streaming {
            rate_per_second: Uint128::new(3),
        },
        100,
    );
    assert_eq!(t.lease(lease_id).state, LeaseState::Pending);
    let provider = t.provider.clone();
    t.exec(&provider, &[], ExecuteMsg::AcceptLease { lease_id })
        .unwrap();
    t.advance(10);
    assert_eq!(t.lease(lease_id).reserved, Uint128::new(30));
    t.advance(1_000);
    let lease = t.lease(lease_id);
    assert_eq!((lease.reserved.u128(), lease.available.u128()), (99, 1));
    let res = t
        .exec(&provider, &[], ExecuteMsg::CloseLease { lease_id })
        .unwrap();
    // fee ceil(99 × 250 / 10000) = ceil(2.475) = 3.
    assert_eq!(paid_to(&res, &t.dao), 3);
    assert_eq!(paid_to(&res, &t.provider), 96);
    assert_eq!(paid_to(&res, &t.consumer), 1);
    let lease = t.lease(lease_id);
    assert_eq!(lease.state, LeaseState::Closed);
    assert_eq!(lease.units, Uint128::new(33));
}

#[test]
fn unknown_reply_ids_are_errors() {
    let mut t = setup();
    #[allow(deprecated)]
    let msg = cosmwasm_std::Reply {
        id: 99,
        payload: Default::default(),
        gas_used: 0,
        result: cosmwasm_std::SubMsgResult::Err("x".into()),
    };
    assert_eq!(
        crate::contract::reply(t.deps.as_mut(), t.env.clone(), msg),
        Err(ContractError::UnknownReplyId { id: 99 })
    );
}

#[test]
fn instantiate_and_update_config_validate_their_numbers() {
    let mut deps = mock_dependencies();
    let dao = deps.api.addr_make("dao");
    let msg = |fee_bps, dispute_window| InstantiateMsg {
        dao: dao.to_string(),
        registry: dao.to_string(),
        treasury: None,
        fee_bps,
        dispute_window,
        accepted_denoms: vec![UncheckedDenom::Native(PAY.into())],
        arbiters: Some(vec!["not an address".into()]),
        min_close_grace: None,
    };
    let info = message_info(&dao, &[]);
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg(10_001, 0)),
        Err(ContractError::FeeTooHigh {
            fee_bps: 10_001,
            max: 10_000
        })
    );
    assert!(matches!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg(0, u64::MAX)),
        Err(ContractError::DisputeWindowTooLong { .. })
    ));
    assert!(matches!(
        instantiate(deps.as_mut(), mock_env(), info, msg(0, 0)),
        Err(ContractError::Std(_))
    ));

    let mut t = setup();
    let dao = t.dao.clone();
    let update = |window| {
        ExecuteMsg::UpdateConfig(depin_interface::escrow::EscrowConfigUpdate {
            dispute_window: Some(window),
            add_denoms: Some(vec![UncheckedDenom::Native("bad denom".into())]),
            ..Default::default()
        })
    };
    assert!(matches!(
        t.exec(&dao, &[], update(u64::MAX)),
        Err(ContractError::DisputeWindowTooLong { .. })
    ));
    assert!(matches!(
        t.exec(&dao, &[], update(5)),
        Err(ContractError::Validation(_))
    ));
    // A lease keeps the window it opened with.
    let lease_id = t.open(BillingMode::Metered {}, 100);
    t.exec(
        &dao,
        &[],
        ExecuteMsg::UpdateConfig(depin_interface::escrow::EscrowConfigUpdate {
            dispute_window: Some(5),
            ..Default::default()
        }),
    )
    .unwrap();
    assert_eq!(t.lease(lease_id).dispute_window, WINDOW);
}

#[test]
fn migrate_only_moves_forward() {
    let mut t = setup();
    cw2::set_contract_version(
        &mut t.deps.storage,
        crate::contract::CONTRACT_NAME,
        "99.0.0",
    )
    .unwrap();
    assert!(matches!(
        crate::contract::migrate(
            t.deps.as_mut(),
            t.env.clone(),
            depin_interface::escrow::MigrateMsg {}
        ),
        Err(ContractError::Migration(_))
    ));
    cw2::set_contract_version(&mut t.deps.storage, crate::contract::CONTRACT_NAME, "0.0.1")
        .unwrap();
    crate::contract::migrate(
        t.deps.as_mut(),
        t.env.clone(),
        depin_interface::escrow::MigrateMsg {},
    )
    .unwrap();
}
