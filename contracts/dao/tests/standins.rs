//! The DAO on its own in cw-multi-test: the real reward token, and stand-ins
//! for the registry and the escrow that accept every message. The suite's
//! integration tests (packages/depin-testing/tests/dao_*.rs) use the real ones.

use cosmwasm_std::{
    to_json_binary, BankMsg, Binary, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    StdResult, Uint128,
};
use cw_multi_test::{App, ContractWrapper, Executor};
use depin_interface::dao::{
    self, DaoConfig, EscrowParams, ProposalStatus, ProposeMsg, ReceiveMsg, RegistryParams,
    SuiteInstantiate, SuiteResponse, TokenParams, Vote,
};
use depin_interface::registry::RewardParams;
use depin_interface::token;

#[derive(serde::Deserialize)]
struct Anything {}

fn ok_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Anything) -> StdResult<Response> {
    Ok(Response::new())
}
fn ok_execute(_: DepsMut, _: Env, _: MessageInfo, _: Anything) -> StdResult<Response> {
    Ok(Response::new())
}
fn no_query(_: Deps, _: Env, _: Anything) -> StdResult<Binary> {
    to_json_binary(&Empty {})
}

struct Env_ {
    app: App,
    dao: cosmwasm_std::Addr,
    suite: SuiteResponse,
    members: Vec<cosmwasm_std::Addr>,
}

fn setup() -> Env_ {
    let mut app = App::default();
    let token_code = app.store_code(Box::new(
        ContractWrapper::new(
            depin_reward_token::contract::execute,
            depin_reward_token::contract::instantiate,
            depin_reward_token::contract::query,
        )
        .with_migrate(depin_reward_token::contract::migrate),
    ));
    let standin = app.store_code(Box::new(ContractWrapper::new(
        ok_execute,
        ok_instantiate,
        no_query,
    )));
    let dao_code = app.store_code(Box::new(
        ContractWrapper::new(
            depin_dao::contract::execute,
            depin_dao::contract::instantiate,
            depin_dao::contract::query,
        )
        .with_reply(depin_dao::contract::reply)
        .with_migrate(depin_dao::contract::migrate),
    ));
    let members: Vec<_> = (0..3)
        .map(|i| app.api().addr_make(&format!("m{i}")))
        .collect();
    let msg = dao::InstantiateMsg {
        config: DaoConfig {
            voting_period: 100,
            threshold: Decimal::percent(50),
            quorum: Decimal::percent(40),
            veto_threshold: Decimal::permille(334),
            proposal_deposit: Uint128::new(10),
            unstaking_period: 50,
            timelock: 20,
            guardian: None,
        },
        suite: SuiteInstantiate {
            token_code_id: token_code,
            registry_code_id: standin,
            escrow_code_id: standin,
            token: TokenParams {
                name: "Suite".into(),
                symbol: "SUITE".into(),
                decimals: 6,
                initial_balances: members
                    .iter()
                    .map(|m| token::Cw20Coin {
                        address: m.to_string(),
                        amount: Uint128::new(1_000),
                    })
                    .collect(),
                cap: None,
                marketing: None,
            },
            registry: RegistryParams {
                stake_denom: None,
                min_stake: Uint128::new(1),
                // dispute window 1 + voting 100 + timelock 20.
                unbonding_period: 121,
                max_slash: Decimal::percent(10),
                oracles: vec![],
                rewards: RewardParams {
                    epoch_seconds: 1,
                    emission_per_epoch: Uint128::new(1),
                    // No cap: emission must halve.
                    halving_epochs: 1,
                    usage_share: Decimal::zero(),
                    usage_weights: vec![],
                },
            },
            escrow: EscrowParams {
                fee_bps: 0,
                dispute_window: 1,
                accepted_denoms: vec![],
                arbiters: None,
                accept_suite_token: None,
                min_close_grace: None,
            },
        },
    };
    let creator = app.api().addr_make("creator");
    let dao = app
        .instantiate_contract(dao_code, creator, &msg, &[], "dao", None)
        .unwrap();
    let suite: SuiteResponse = app
        .wrap()
        .query_wasm_smart(&dao, &dao::QueryMsg::Suite {})
        .unwrap();
    Env_ {
        app,
        dao,
        suite,
        members,
    }
}

impl Env_ {
    fn send(&mut self, who: usize, amount: u128, msg: &ReceiveMsg) -> anyhow_free::R {
        let sender = self.members[who].clone();
        self.app.execute_contract(
            sender,
            self.suite.token.clone(),
            &token::ExecuteMsg::Send {
                contract: self.dao.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(msg).unwrap(),
            },
            &[],
        )
    }
    fn exec(&mut self, who: usize, msg: &dao::ExecuteMsg) -> anyhow_free::R {
        let sender = self.members[who].clone();
        self.app
            .execute_contract(sender, self.dao.clone(), msg, &[])
    }
    fn next_block(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.height += 1;
            b.time = b.time.plus_seconds(seconds);
        });
    }
    fn proposal(&self, id: u64) -> dao::ProposalResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.dao, &dao::QueryMsg::Proposal { proposal_id: id })
            .unwrap()
    }
    fn balance(&self, who: &cosmwasm_std::Addr) -> u128 {
        let res: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.suite.token,
                &token::QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        res.balance.u128()
    }
}

mod anyhow_free {
    pub type R = cw_multi_test::error::AnyResult<cw_multi_test::AppResponse>;
}

fn propose(title: &str, msgs: Vec<cosmwasm_std::CosmosMsg>) -> ReceiveMsg {
    ReceiveMsg::Propose(ProposeMsg {
        title: title.into(),
        description: "d".into(),
        msgs,
    })
}

#[test]
fn bootstrap_hands_minting_to_the_registry_and_stake_votes_execute() {
    let mut t = setup();
    let minter: token::MinterResponse = t
        .app
        .wrap()
        .query_wasm_smart(&t.suite.token, &token::QueryMsg::Minter {})
        .unwrap();
    assert_eq!(minter.minter, t.suite.registry.to_string());

    for i in 0..3 {
        t.send(i, 100, &ReceiveMsg::Stake {}).unwrap();
    }
    t.next_block(5);
    // Treasury: 50 native coins the proposal pays out.
    let dao = t.dao.clone();
    let receiver = t.app.api().addr_make("receiver");
    t.app
        .init_modules(|r, _, s| {
            r.bank
                .init_balance(s, &dao, vec![cosmwasm_std::coin(50, "ufoo")])
        })
        .unwrap();
    let pay = BankMsg::Send {
        to_address: receiver.to_string(),
        amount: vec![cosmwasm_std::coin(50, "ufoo")],
    };
    t.send(0, 10, &propose("pay", vec![pay.into()])).unwrap();
    assert_eq!(t.balance(&t.members[0].clone()), 890);
    t.exec(
        0,
        &dao::ExecuteMsg::Vote {
            proposal_id: 1,
            vote: Vote::Yes,
        },
    )
    .unwrap();
    t.exec(
        1,
        &dao::ExecuteMsg::Vote {
            proposal_id: 1,
            vote: Vote::Yes,
        },
    )
    .unwrap();
    // 200 yes of 300: even 100 more no_with_veto would be 33.3 % ≤ 33.4 %, and
    // 200 of 300 yes passes the 50 % threshold: decided, voting closes.
    assert_eq!(t.proposal(1).status, ProposalStatus::Passed);
    assert!(t
        .exec(
            2,
            &dao::ExecuteMsg::Vote {
                proposal_id: 1,
                vote: Vote::NoWithVeto,
            },
        )
        .is_err());
    let p = t.proposal(1);
    assert_eq!(p.status, ProposalStatus::Passed);
    let err = t
        .exec(0, &dao::ExecuteMsg::Execute { proposal_id: 1 })
        .unwrap_err();
    assert!(matches!(
        err.downcast_ref::<depin_dao::ContractError>(),
        Some(depin_dao::ContractError::TimelockNotOver { .. })
    ));
    t.next_block(20);
    t.exec(0, &dao::ExecuteMsg::Execute { proposal_id: 1 })
        .unwrap();
    assert_eq!(t.proposal(1).status, ProposalStatus::Executed);
    assert_eq!(
        t.app
            .wrap()
            .query_balance(&receiver, "ufoo")
            .unwrap()
            .amount
            .u128(),
        50
    );
    assert_eq!(t.balance(&t.members[0].clone()), 900);

    // The same message again: the DAO has nothing left, so it fails, and
    // execute still succeeds with the proposal marked execution_failed.
    t.send(
        0,
        10,
        &propose(
            "pay again",
            vec![BankMsg::Send {
                to_address: receiver.to_string(),
                amount: vec![cosmwasm_std::coin(50, "ufoo")],
            }
            .into()],
        ),
    )
    .unwrap();
    // Two yes votes decide it (as above).
    for i in 0..2 {
        t.exec(
            i,
            &dao::ExecuteMsg::Vote {
                proposal_id: 2,
                vote: Vote::Yes,
            },
        )
        .unwrap();
    }
    t.next_block(20);
    t.exec(1, &dao::ExecuteMsg::Execute { proposal_id: 2 })
        .unwrap();
    let p = t.proposal(2);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(p.execution_error.is_some());
    assert!(p.deposit_refunded);
    // The internal dispatch refuses everyone, the DAO's own outside an execute too.
    let err = t
        .exec(1, &dao::ExecuteMsg::Dispatch { proposal_id: 2 })
        .unwrap_err();
    assert!(matches!(
        err.downcast_ref::<depin_dao::ContractError>(),
        Some(depin_dao::ContractError::Unauthorized { .. })
    ));
    let err = t
        .app
        .execute_contract(
            dao.clone(),
            dao.clone(),
            &dao::ExecuteMsg::Dispatch { proposal_id: 2 },
            &[],
        )
        .unwrap_err();
    assert!(matches!(
        err.downcast_ref::<depin_dao::ContractError>(),
        Some(depin_dao::ContractError::NotDispatching { proposal_id: 2 })
    ));
}
