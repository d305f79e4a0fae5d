//! Hostile contracts and messages: re-entrancy when paid, failing submessages, oversized and deeply nested messages.

use super::*;

/// Test contract standing in for a provider's own code: it registers as a
/// provider, drives its leases, and tries to call the escrow again whenever
/// it gets control (cw20 hook; the reply to its own `settle`).
mod malicious {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub struct InstantiateMsg {
        pub escrow: String,
        pub registry: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub enum ExecuteMsg {
        /// Registers this contract as a provider with the attached stake.
        Register(RegisterMsg),
        /// Forwards a message to the escrow (report usage, close).
        Escrow(escrow::ExecuteMsg),
        /// Settles `lease_id`; when control comes back (reply), records what
        /// it sees and settles the same lease again.
        SettleTwice { lease_id: u64 },
        /// cw20 hook: if any token ever calls it, it re-enters the escrow.
        Receive(Cw20ReceiveMsg),
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    pub enum QueryMsg {
        State {},
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
    pub struct State {
        pub escrow: String,
        pub registry: String,
        pub lease_id: u64,
        /// Times a cw20 hook was called on it.
        pub hooks: u32,
        /// The lease as the escrow reported it when control came back.
        pub seen_paid: Option<Uint128>,
        pub seen_reserved: Option<Uint128>,
        /// The outcome of the second settle.
        pub second_settle: Option<String>,
    }

    const KEY: &[u8] = b"state";
    const FIRST: u64 = 1;
    const SECOND: u64 = 2;

    fn load(deps: Deps) -> StdResult<State> {
        from_json(deps.storage.get(KEY).unwrap_or_default())
    }

    fn save(deps: DepsMut, state: &State) -> StdResult<()> {
        deps.storage.set(KEY, &to_json_vec(state)?);
        Ok(())
    }

    fn settle_msg(state: &State, lease_id: u64) -> StdResult<WasmMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: state.escrow.clone(),
            msg: to_json_binary(&escrow::ExecuteMsg::Settle { lease_id })?,
            funds: vec![],
        })
    }

    pub fn instantiate(
        deps: DepsMut,
        _env: Env,
        _info: MessageInfo,
        msg: InstantiateMsg,
    ) -> StdResult<Response> {
        save(
            deps,
            &State {
                escrow: msg.escrow,
                registry: msg.registry,
                ..State::default()
            },
        )?;
        Ok(Response::new())
    }

    pub fn execute(
        mut deps: DepsMut,
        _env: Env,
        info: MessageInfo,
        msg: ExecuteMsg,
    ) -> StdResult<Response> {
        let mut state = load(deps.as_ref())?;
        match msg {
            ExecuteMsg::Register(register) => Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: state.registry,
                msg: to_json_binary(&registry::ExecuteMsg::Register(register))?,
                funds: info.funds,
            })),
            ExecuteMsg::Escrow(msg) => Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: state.escrow,
                msg: to_json_binary(&msg)?,
                funds: vec![],
            })),
            ExecuteMsg::SettleTwice { lease_id } => {
                state.lease_id = lease_id;
                let msg = settle_msg(&state, lease_id)?;
                save(deps.branch(), &state)?;
                Ok(Response::new().add_submessage(SubMsg::reply_always(msg, FIRST)))
            }
            ExecuteMsg::Receive(_) => {
                // Paid with a hook: re-enter at once, settling and closing again.
                state.hooks += 1;
                let lease_id = state.lease_id;
                let settle = settle_msg(&state, lease_id)?;
                let escrow_addr = state.escrow.clone();
                save(deps, &state)?;
                Ok(Response::new()
                    .add_message(settle)
                    .add_message(WasmMsg::Execute {
                        contract_addr: escrow_addr,
                        msg: to_json_binary(&escrow::ExecuteMsg::CloseLease { lease_id })?,
                        funds: vec![],
                    }))
            }
        }
    }

    pub fn reply(deps: DepsMut, _env: Env, reply: Reply) -> StdResult<Response> {
        let mut state = load(deps.as_ref())?;
        match reply.id {
            FIRST => {
                if let SubMsgResult::Err(err) = reply.result {
                    return Err(StdError::generic_err(format!("first settle failed: {err}")));
                }
                let lease: LeaseResponse = deps.querier.query_wasm_smart(
                    &state.escrow,
                    &escrow::QueryMsg::Lease {
                        lease_id: state.lease_id,
                    },
                )?;
                state.seen_paid = Some(lease.paid);
                state.seen_reserved = Some(lease.reserved);
                let again = settle_msg(&state, state.lease_id)?;
                save(deps, &state)?;
                Ok(Response::new().add_submessage(SubMsg::reply_always(again, SECOND)))
            }
            SECOND => {
                state.second_settle = Some(match reply.result {
                    SubMsgResult::Ok(_) => "ok".to_string(),
                    SubMsgResult::Err(err) => err,
                });
                save(deps, &state)?;
                Ok(Response::new())
            }
            id => Err(StdError::generic_err(format!("unknown reply {id}"))),
        }
    }

    pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
        match msg {
            QueryMsg::State {} => to_json_binary(&load(deps)?),
        }
    }

    pub fn contract() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(execute, instantiate, query).with_reply(reply))
    }
}

fn malicious_state(suite: &Suite, contract: &Addr) -> malicious::State {
    suite
        .app
        .wrap()
        .query_wasm_smart(contract, &malicious::QueryMsg::State {})
        .unwrap()
}

/// The malicious contract, registered as a provider with 1 000 ustake and a
/// price in uusdc and in the suite token.
fn evil_provider(suite: &mut Suite) -> Addr {
    let msg = malicious::InstantiateMsg {
        escrow: suite.escrow.to_string(),
        registry: suite.registry.to_string(),
    };
    let evil = suite.instantiate_other(malicious::contract(), &msg, "evil-provider");
    let attacker = suite.actors.attacker.clone();
    let mut listing = register_msg(Service::Bandwidth, "eu-west");
    listing.prices.push(Price {
        denom: UncheckedDenom::Cw20(suite.token.to_string()),
        per_unit: Uint128::new(DEFAULT_PRICE),
    });
    suite
        .app
        .execute_contract(
            attacker,
            evil.clone(),
            &malicious::ExecuteMsg::Register(listing),
            &coins(1_000, STAKE_DENOM),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&evil).stake.u128(), 1_000);
    evil
}

/// A native and a cw20 metered lease of 10 000 with `evil`, each billed 100
/// units (1 000) by `evil`: `[native, cw20]`.
fn leases_billed_by(suite: &mut Suite, evil: &Addr) -> [u64; 2] {
    let consumer = suite.consumer(0);
    let native_lease = open_metered(suite, &consumer, evil, 10_000);
    // cw20 lease: a member pays 10 000 suite tokens through `send`.
    let member = suite.member(0);
    let res = suite
        .open_lease_cw20(
            &member,
            OpenLeaseMsg {
                provider: evil.to_string(),
                billing: BillingMode::Metered {},
                max_price_per_unit: None,
            },
            10_000,
        )
        .unwrap();
    let leases = [native_lease, lease_id_of(&res)];
    let attacker = suite.actors.attacker.clone();
    for lease_id in leases {
        suite
            .app
            .execute_contract(
                attacker.clone(),
                evil.clone(),
                &malicious::ExecuteMsg::Escrow(escrow::ExecuteMsg::ReportUsage {
                    lease_id,
                    units: Uint128::new(100),
                    billed_before: None,
                }),
                &[],
            )
            .unwrap();
    }
    leases
}

#[test]
fn malicious_provider_cannot_reenter_escrow_when_paid() {
    let mut suite = SuiteBuilder::new().build();
    let evil = evil_provider(&mut suite);
    let attacker = suite.actors.attacker.clone();
    // Each lease: 100 units × 10 = 1 000, fee 25, provider 975.
    let [native_lease, cw20_lease] = leases_billed_by(&mut suite, &evil);
    let window = suite.params.dispute_window;
    suite.advance(window + 1);
    let dao_addr = suite.dao.clone();
    let dao_native = suite.native_balance(&dao_addr, PAY_DENOM);
    let dao_tokens = suite.token_balance(&dao_addr);

    for lease_id in [native_lease, cw20_lease] {
        suite
            .app
            .execute_contract(
                attacker.clone(),
                evil.clone(),
                &malicious::ExecuteMsg::SettleTwice { lease_id },
                &[],
            )
            .unwrap();
        let state = malicious_state(&suite, &evil);
        // Paid with a bank send or a cw20 transfer: no hook ever ran.
        assert_eq!(state.hooks, 0, "the escrow paid through a hook");
        // When control came back in the same transaction, the lease already
        // recorded the payment…
        assert_eq!(state.seen_paid, Some(Uint128::new(1_000)));
        assert_eq!(state.seen_reserved, Some(Uint128::zero()));
        // …so the second settle found nothing to pay.
        let second = state.second_settle.unwrap();
        assert!(second.contains("nothing to settle"), "{second}");
        let lease = suite.lease(lease_id);
        assert_eq!(
            (
                lease.paid.u128(),
                lease.available.u128(),
                lease.reserved.u128()
            ),
            (1_000, 9_000, 0)
        );
    }
    // Paid exactly once in each denom.
    let fee = protocol_fee(1_000, FEE_BPS);
    assert_eq!(suite.native_balance(&evil, PAY_DENOM), 1_000 - fee);
    assert_eq!(suite.token_balance(&evil), 1_000 - fee);
    assert_eq!(suite.native_balance(&dao_addr, PAY_DENOM), dao_native + fee);
    assert_eq!(suite.token_balance(&dao_addr), dao_tokens + fee);
    assert_eq!(
        suite.native_balance(&suite.escrow.clone(), PAY_DENOM),
        9_000
    );
    assert_eq!(suite.token_balance(&suite.escrow.clone()), 9_000);

    // Had the escrow paid through a hook, this is what would have run: the
    // hook re-enters the escrow (settle, then close). Called directly, the
    // escrow refuses it (nothing is due on the lease any more), so the
    // whole call fails and changes nothing.
    let hook = malicious::ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: attacker.to_string(),
        amount: Uint128::new(1),
        msg: Binary::default(),
    });
    let before = suite.state_snapshot();
    let err = suite
        .app
        .execute_contract(attacker.clone(), evil.clone(), &hook, &[])
        .unwrap_err();
    assert_eq!(typed_error(&err), Some(ErrorSource::Escrow), "{err:?}");
    assert!(suite.state_snapshot() == before);
}

#[test]
fn failing_submessage_in_settlement() {
    let mut suite = SuiteBuilder::new().build();
    let provider = registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 10_000);
    suite.report_usage(&provider, lease_id, 300).unwrap();
    // The DAO points the registry at another escrow: this escrow's
    // `record_usage` now fails in the registry.
    let (dao_addr, other) = (suite.dao.clone(), suite.actors.guardian.clone());
    suite
        .update_registry_config(
            &dao_addr,
            registry::RegistryConfigUpdate {
                billing_escrow: Some(other.to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    let window = suite.params.dispute_window;
    suite.advance(window + 1);
    let provider_before = suite.native_balance(&provider, PAY_DENOM);
    let dao_before = suite.native_balance(&dao_addr, PAY_DENOM);
    let attacker = suite.actors.attacker.clone();
    let res = suite.settle(&attacker, lease_id).unwrap();
    // The failure is recorded and the payment went through: 3 000, fee 75.
    assert!(attribute(&res, "record_usage_error").is_some());
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|a| a.value == "record_usage_failed"));
    assert_eq!(
        suite.native_balance(&provider, PAY_DENOM),
        provider_before + 3_000 - protocol_fee(3_000, FEE_BPS)
    );
    assert_eq!(
        suite.native_balance(&dao_addr, PAY_DENOM),
        dao_before + protocol_fee(3_000, FEE_BPS)
    );
    let lease = suite.lease(lease_id);
    assert_eq!((lease.paid.u128(), lease.available.u128()), (3_000, 7_000));
    // Nothing reached the registry.
    let rep = suite.provider_info(&provider).reputation;
    assert_eq!((rep.usage_units.u128(), rep.leases_settled), (0, 0));
}

#[test]
fn failing_submessage_in_proposal_execution() {
    let mut suite = SuiteBuilder::new().build();
    let (escrow_addr, registry_addr) = (suite.escrow.clone(), suite.registry.clone());
    let nobody = suite.actors.attacker.clone();
    let msgs = vec![
        // Would succeed on its own…
        wasm_execute(
            &escrow_addr,
            &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                fee_bps: Some(1_000),
                ..Default::default()
            }),
        ),
        // …but this one fails: the attacker is no provider.
        wasm_execute(
            &registry_addr,
            &registry::ExecuteMsg::Slash {
                provider: nobody.to_string(),
                fraction: Decimal::percent(10),
                reason: "not a provider".into(),
                jail_seconds: None,
            },
        ),
    ];
    let proposer = suite.member(0);
    let tokens_before = suite.token_balance(&proposer);
    let id = suite.pass_proposal(msgs);
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(
        p.execution_error
            .as_deref()
            .is_some_and(|e| e.contains("not a registered provider")),
        "{:?}",
        p.execution_error
    );
    // All or nothing: the fee change was rolled back with the failing slash.
    assert_eq!(suite.escrow_config().fee_bps, 250);
    // The proposal failed in execution, not in the vote: the deposit went back.
    // (The proposer staked DAO_MEMBER_STAKE in pass_proposal.)
    assert!(p.deposit_refunded);
    assert_eq!(
        suite.token_balance(&proposer),
        tokens_before - depin_testing::dao::DAO_MEMBER_STAKE
    );
    // And it cannot be retried.
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.execute_proposal(&nobody, id)
    });
}

#[test]
fn oversized_messages() {
    let mut suite = SuiteBuilder::new().build();
    let provider = suite.provider(0);
    // A 1 MiB endpoint.
    let huge = "x".repeat(1 << 20);
    let msg = RegisterMsg {
        endpoint: huge.clone(),
        ..register_msg(Service::Storage, "eu-west")
    };
    let before = suite.state_snapshot();
    let err = registry_error(suite.register_with(&provider, msg, 2_000).unwrap_err());
    assert_eq!(
        err,
        depin_provider_registry::ContractError::Validation(ValidationError::TooLong {
            field: "endpoint",
            len: 1 << 20,
            max: 256,
        })
    );
    assert!(suite.state_snapshot() == before);
    // A 1 MiB dispute reason and a 1 MiB proposal description.
    registered(&mut suite, 0, 2_000);
    let consumer = suite.consumer(0);
    let lease_id = open_metered(&mut suite, &consumer, &provider, 10_000);
    let charge_id = charge_id_of(&suite.report_usage(&provider, lease_id, 1).unwrap());
    let err = escrow_error(suite.dispute(&consumer, lease_id, charge_id, &huge));
    assert!(
        matches!(
            err,
            depin_billing_escrow::ContractError::Validation(ValidationError::TooLong { .. })
        ),
        "{err}"
    );
    let member = suite.member(0);
    suite.stake(&member, 10_000).unwrap();
    suite.advance(5);
    let dao_addr = suite.dao.clone();
    refused(&mut suite, ErrorSource::Dao, |s| {
        s.send_tokens(
            &member,
            &dao_addr,
            depin_testing::dao::DAO_PROPOSAL_DEPOSIT,
            &dao::ReceiveMsg::Propose(dao::ProposeMsg {
                title: "t".into(),
                description: huge.clone(),
                msgs: vec![],
            }),
        )
    });
}

/// 10 000 levels of nesting, as raw JSON to every contract: a typed parse
/// error (serde-json-wasm gives up at depth 128), never a stack overflow.
#[test]
fn deeply_nested_messages() {
    let mut suite = SuiteBuilder::new().build();
    let arrays = "[".repeat(10_000) + &"]".repeat(10_000);
    let objects = "{\"settle\":".repeat(10_000) + "{}" + &"}".repeat(10_000);
    let in_enum = format!(
        "{{\"register\":{{\"service\":{{\"other\":{}}}}}}}",
        "[".repeat(10_000)
    );
    let targets = [
        suite.escrow.clone(),
        suite.registry.clone(),
        suite.dao.clone(),
        suite.token.clone(),
    ];
    let attacker = suite.actors.attacker.clone();
    for raw in [&arrays, &objects, &in_enum] {
        for target in &targets {
            let before = suite.state_snapshot();
            let err = suite
                .app
                .execute(
                    attacker.clone(),
                    WasmMsg::Execute {
                        contract_addr: target.to_string(),
                        msg: Binary::from(raw.as_bytes()),
                        funds: vec![],
                    }
                    .into(),
                )
                .unwrap_err();
            // The error names the parse failure (its context repeats the
            // whole message, so only the root cause is shown on failure).
            assert_eq!(
                typed_error(&err),
                Some(ErrorSource::Std),
                "{}",
                err.root_cause()
            );
            assert!(
                err.root_cause()
                    .to_string()
                    .starts_with("Error parsing into type"),
                "{target}: {}",
                err.root_cause()
            );
            assert!(suite.state_snapshot() == before);
        }
    }
    // And as a query.
    let res: StdResult<Binary> = suite
        .app
        .wrap()
        .query(&QueryRequest::Wasm(WasmQuery::Smart {
            contract_addr: targets[0].to_string(),
            msg: Binary::from(arrays.as_bytes()),
        }));
    assert!(res.is_err());
}
