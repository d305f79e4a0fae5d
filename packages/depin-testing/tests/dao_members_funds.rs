//! Members' funds: no proposal, whatever its votes, reaches what the DAO holds
//! for others (stake, unpaid claims, open deposits). One test per route.
//!
//! Default suite: three members stake 100_000 each (total 300_000); voting
//! period 3 days, timelock 1 day, unstaking period 14 days, deposit 1_000.
//! Members 0 and 1 (200_000 of 300_000) vote yes: the proposal passes as soon
//! as they voted, since member 2's 100_000 can no longer change the outcome.

use cosmwasm_std::{
    to_json_binary, Addr, Binary, CosmosMsg, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    StdResult, Timestamp, Uint128, WasmMsg,
};
use cw_multi_test::error::AnyError;
use cw_multi_test::{Contract, ContractWrapper, Executor};
use depin_dao::error::MessageRefusal;
use depin_dao::ContractError;
use depin_interface::dao::{self, DaoConfigUpdate, ProposalStatus, Vote};
use depin_interface::token;
use depin_testing::dao::{DAO_MEMBER_STAKE, DAO_TIMELOCK, DAO_UNSTAKING_PERIOD, DAO_VOTING_PERIOD};
use depin_testing::shared::dao_error;
use depin_testing::shared::wasm_execute;
use depin_testing::{Suite, SuiteBuilder};

fn now(suite: &Suite) -> Timestamp {
    suite.app.block_info().time
}

/// Members staked; member 0 proposes `msgs`, members 0 and 1 vote yes.
fn proposed_and_passed(suite: &mut Suite, msgs: Vec<CosmosMsg>) -> Result<u64, AnyError> {
    suite.stake_members();
    let proposer = suite.member(0);
    let id = Suite::proposal_id(&suite.propose(&proposer, "take it all", msgs)?);
    for m in 0..2 {
        let member = suite.member(m);
        suite.vote(&member, id, Vote::Yes).unwrap();
    }
    assert_eq!(suite.proposal(id).status, ProposalStatus::Passed);
    Ok(id)
}

/// What a proposal's refusal at `propose` must look like: message `index`
/// refused for `reason`, and nothing changed.
fn assert_refused_at_propose(
    suite: &mut Suite,
    msgs: Vec<CosmosMsg>,
    index: usize,
    reason: MessageRefusal,
) {
    suite.stake_members();
    let before = suite.state_snapshot();
    let proposer = suite.member(0);
    let err = suite
        .propose(&proposer, "take it all", msgs)
        .expect_err("the proposal was accepted");
    assert_eq!(
        dao_error(err),
        ContractError::MessageRefused { index, reason }
    );
    assert!(
        suite.state_snapshot() == before,
        "a refused proposal changed state"
    );
}

/// Member 2 unstakes everything, waits the unstaking period and claims:
/// it must get its whole 100_000 back.
fn third_member_leaves_whole(suite: &mut Suite) {
    let m2 = suite.member(2);
    let before = suite.token_balance(&m2);
    suite.unstake(&m2, DAO_MEMBER_STAKE).unwrap();
    suite.advance(DAO_UNSTAKING_PERIOD);
    suite.claim_unstaked(&m2).unwrap();
    assert_eq!(suite.token_balance(&m2), before + DAO_MEMBER_STAKE);
}

// ---------------------------------------------------------------------------
// (a) An allowance on the suite token.

#[test]
fn an_allowance_on_the_suite_token_is_refused_at_propose() {
    let mut suite = SuiteBuilder::new().build();
    let attacker = suite.actors.attacker.clone();
    let allowance = wasm_execute(
        &suite.token,
        &token::ExecuteMsg::IncreaseAllowance {
            spender: attacker.to_string(),
            amount: Uint128::new(300_000),
            expires: None,
        },
    );
    // A harmless first message: the refusal names the allowance's index.
    let harmless = wasm_execute(
        &suite.token,
        &token::ExecuteMsg::DecreaseAllowance {
            spender: attacker.to_string(),
            amount: Uint128::new(1),
            expires: None,
        },
    );
    assert_refused_at_propose(
        &mut suite,
        vec![harmless, allowance],
        1,
        MessageRefusal::StandingAllowance {},
    );
    // Nothing to spend: the attacker's transfer_from fails, member 2 leaves whole.
    let (dao, token_addr) = (suite.dao.clone(), suite.token.clone());
    assert!(suite
        .app
        .execute_contract(
            attacker.clone(),
            token_addr,
            &token::ExecuteMsg::TransferFrom {
                owner: dao.to_string(),
                recipient: attacker.to_string(),
                amount: Uint128::new(300_000),
            },
            &[],
        )
        .is_err());
    assert_eq!(suite.token_balance(&attacker), 0);
    third_member_leaves_whole(&mut suite);
}

#[test]
fn decrease_allowance_transfer_send_and_burn_stay_allowed() {
    let mut suite = SuiteBuilder::new().build();
    let attacker = suite.actors.attacker.clone();
    let msgs = vec![
        wasm_execute(
            &suite.token,
            &token::ExecuteMsg::DecreaseAllowance {
                spender: attacker.to_string(),
                amount: Uint128::new(1),
                expires: None,
            },
        ),
        wasm_execute(
            &suite.token,
            &token::ExecuteMsg::Transfer {
                recipient: attacker.to_string(),
                amount: Uint128::new(1),
            },
        ),
        wasm_execute(
            &suite.token,
            &token::ExecuteMsg::Burn {
                amount: Uint128::new(1),
            },
        ),
    ];
    let id = proposed_and_passed(&mut suite, msgs).unwrap();
    // Accepted; spending members' stake still fails at execution (check_reserves).
    suite.advance(DAO_TIMELOCK);
    let anyone = suite.actors.attacker.clone();
    suite.execute_proposal(&anyone, id).unwrap();
    assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
    assert_eq!(suite.token_balance(&attacker), 0);
}

// ---------------------------------------------------------------------------
// (b) The token's admin and code.

#[test]
fn the_token_has_no_wasm_admin_after_bootstrap() {
    let suite = SuiteBuilder::new().build();
    let info = suite
        .app
        .wrap()
        .query_wasm_contract_info(&suite.token)
        .unwrap();
    assert_eq!(info.admin, None);
}

#[test]
fn an_admin_change_migration_or_admin_clearing_of_the_token_is_refused_at_propose() {
    let mut suite = SuiteBuilder::new().build();
    let attacker = suite.actors.attacker.clone();
    let drainer = suite.app.store_code(token_drainer());
    let token_addr = suite.token.to_string();
    let cases: [(CosmosMsg, &str); 3] = [
        (
            WasmMsg::UpdateAdmin {
                contract_addr: token_addr.clone(),
                admin: attacker.to_string(),
            }
            .into(),
            "an admin change",
        ),
        (
            WasmMsg::Migrate {
                contract_addr: token_addr.clone(),
                new_code_id: drainer,
                msg: to_json_binary(&Drain {
                    token: None,
                    victim: suite.dao.to_string(),
                    to: attacker.to_string(),
                })
                .unwrap(),
            }
            .into(),
            "a migration",
        ),
        (
            WasmMsg::ClearAdmin {
                contract_addr: token_addr,
            }
            .into(),
            "clearing the admin",
        ),
    ];
    for (msg, action) in cases {
        assert_refused_at_propose(
            &mut suite,
            vec![msg],
            0,
            MessageRefusal::ImmutableToken { action },
        );
    }
    // A token address not written in its normalized form is refused too.
    let upper = suite.token.to_string().to_uppercase();
    assert_refused_at_propose(
        &mut suite,
        vec![wasm_execute(
            &Addr::unchecked(upper.clone()),
            &token::ExecuteMsg::IncreaseAllowance {
                spender: attacker.to_string(),
                amount: Uint128::new(1),
                expires: None,
            },
        )],
        0,
        MessageRefusal::InvalidAddress { address: upper },
    );
    third_member_leaves_whole(&mut suite);
}

// ---------------------------------------------------------------------------
// (c) Upgrades of the DAO itself wait out the exit window.

/// Member 2 unstakes 5 seconds before voting ends (its vote would still
/// count); the DAO upgrade is executable only once its claim matured.
fn dao_upgrade_waits_for_the_exit_window(
    msg: impl FnOnce(&Suite, u64) -> CosmosMsg,
    admin_route: bool,
) {
    let mut suite = SuiteBuilder::new().build();
    let attacker = suite.actors.attacker.clone();
    let drainer = suite.app.store_code(dao_drainer());
    let msgs = vec![msg(&suite, drainer)];
    let id = proposed_and_passed(&mut suite, msgs).unwrap();
    let p = suite.proposal(id);
    let voting_ends_at = p.voting_ends_at;
    // 3 days of voting + 14 days of unstaking, beyond the 1-day timelock.
    let exit_at = voting_ends_at.plus_seconds(DAO_UNSTAKING_PERIOD);
    assert!(p.upgrade);
    assert_eq!(p.executable_at, Some(exit_at));
    assert_eq!(
        exit_at.seconds() - now(&suite).seconds(),
        DAO_VOTING_PERIOD + DAO_UNSTAKING_PERIOD
    );

    suite.advance(DAO_VOTING_PERIOD - 5);
    let m2 = suite.member(2);
    suite.unstake(&m2, DAO_MEMBER_STAKE).unwrap();
    let m2_before = suite.token_balance(&m2);
    // Past the timelock, before the window: refused with the time it opens.
    let err = suite.execute_proposal(&attacker, id).unwrap_err();
    assert_eq!(
        dao_error(err),
        ContractError::TimelockNotOver {
            proposal_id: id,
            executable_at: exit_at,
            now: now(&suite),
        }
    );
    suite.advance(DAO_UNSTAKING_PERIOD);
    assert!(now(&suite) < exit_at);
    let err = suite.execute_proposal(&attacker, id).unwrap_err();
    assert!(matches!(
        dao_error(err),
        ContractError::TimelockNotOver { .. }
    ));
    suite.claim_unstaked(&m2).unwrap();
    assert_eq!(suite.token_balance(&m2), m2_before + DAO_MEMBER_STAKE);

    // Once the window is over, the upgrade runs; only the stake of the members
    // who stayed (and voted for it) is left to the new code.
    suite.advance(exit_at.seconds() - now(&suite).seconds());
    suite.execute_proposal(&attacker, id).unwrap();
    assert_eq!(
        suite.proposal_status_raw(id),
        "executed",
        "the upgrade ran after the window"
    );
    if admin_route {
        // The new admin migrates the DAO outside governance.
        let dao_addr = suite.dao.clone();
        suite
            .app
            .migrate_contract(
                attacker.clone(),
                dao_addr.clone(),
                &Drain {
                    token: Some(suite.token.to_string()),
                    victim: dao_addr.to_string(),
                    to: attacker.to_string(),
                },
                drainer,
            )
            .unwrap();
    }
    assert_eq!(suite.token_balance(&attacker), 2 * DAO_MEMBER_STAKE);
}

#[test]
fn a_migration_of_the_dao_waits_until_a_member_leaving_during_the_vote_has_claimed() {
    dao_upgrade_waits_for_the_exit_window(
        |suite, drainer| {
            WasmMsg::Migrate {
                contract_addr: suite.dao.to_string(),
                new_code_id: drainer,
                msg: to_json_binary(&Drain {
                    token: Some(suite.token.to_string()),
                    victim: suite.dao.to_string(),
                    to: suite.actors.attacker.to_string(),
                })
                .unwrap(),
            }
            .into()
        },
        false,
    );
}

#[test]
fn an_admin_change_of_the_dao_waits_until_a_member_leaving_during_the_vote_has_claimed() {
    dao_upgrade_waits_for_the_exit_window(
        |suite, _| {
            WasmMsg::UpdateAdmin {
                contract_addr: suite.dao.to_string(),
                admin: suite.actors.attacker.to_string(),
            }
            .into()
        },
        true,
    );
}

#[test]
fn the_guardian_can_veto_an_upgrade_during_the_whole_exit_window() {
    let mut suite = SuiteBuilder::new().build();
    let msg = WasmMsg::UpdateAdmin {
        contract_addr: suite.dao.to_string(),
        admin: suite.actors.attacker.to_string(),
    }
    .into();
    let id = proposed_and_passed(&mut suite, vec![msg]).unwrap();
    let exit_at = suite.proposal(id).executable_at.unwrap();
    // One second before the window ends: long past the 1-day timelock.
    suite.advance(exit_at.seconds() - now(&suite).seconds() - 1);
    let guardian = suite.actors.guardian.clone();
    suite.veto_proposal(&guardian, id).unwrap();
    assert_eq!(suite.proposal(id).status, ProposalStatus::Vetoed);
}

#[test]
fn lowering_the_unstaking_period_keeps_upgrades_behind_claims_made_under_the_longer_one() {
    let mut suite = SuiteBuilder::new().build();
    suite.stake_members();
    // Member 2 starts leaving with half its stake under the 14-day period.
    let m2 = suite.member(2);
    suite.unstake(&m2, DAO_MEMBER_STAKE / 2).unwrap();
    let claim_matures = now(&suite).plus_seconds(DAO_UNSTAKING_PERIOD);
    // A proposal lowers the unstaking period to 1 day.
    let lower = wasm_execute(
        &suite.dao,
        &dao::ExecuteMsg::UpdateConfig(DaoConfigUpdate {
            unstaking_period: Some(86_400),
            ..Default::default()
        }),
    );
    let id = suite.pass_proposal(vec![lower]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::Executed);
    let floor = now(&suite).plus_seconds(DAO_UNSTAKING_PERIOD);
    // An upgrade proposed now would otherwise wait only 3 + 1 days.
    let upgrade = WasmMsg::UpdateAdmin {
        contract_addr: suite.dao.to_string(),
        admin: suite.actors.attacker.to_string(),
    }
    .into();
    let proposer = suite.member(0);
    let id = Suite::proposal_id(&suite.propose(&proposer, "upgrade", vec![upgrade]).unwrap());
    for m in 0..2 {
        let member = suite.member(m);
        suite.vote(&member, id, Vote::Yes).unwrap();
    }
    let p = suite.proposal(id);
    assert!(p.voting_ends_at.plus_seconds(86_400) < floor);
    assert_eq!(p.executable_at, Some(floor));
    assert!(claim_matures <= floor);
}

// ---------------------------------------------------------------------------
// (d) Messages the DAO cannot inspect.

/// A proposal whose only message is `raw` (JSON), sent with the deposit
/// through the token's `send`, since this build's `CosmosMsg` has no
/// `stargate` or `any` variant to write it with.
fn propose_raw(suite: &mut Suite, raw: &str) -> Result<cw_multi_test::AppResponse, AnyError> {
    suite.stake_members();
    let hook = format!(
        r#"{{"propose":{{"title":"grant","description":"an authz grant","msgs":[{raw}]}}}}"#
    );
    let (member, token_addr, dao_addr) = (suite.member(0), suite.token.clone(), suite.dao.clone());
    suite.app.execute_contract(
        member,
        token_addr,
        &token::ExecuteMsg::Send {
            contract: dao_addr.to_string(),
            amount: Uint128::new(1_000),
            msg: Binary::from(hook.into_bytes()),
        },
        &[],
    )
}

#[test]
fn stargate_and_any_messages_are_refused_at_propose() {
    let mut suite = SuiteBuilder::new().build();
    // An authz MsgGrant to the attacker, protobuf-encoded (its bytes do not
    // matter: the message must not even be stored).
    let grant = "CgdhdHRhY2tlcg==";
    for raw in [
        format!(
            r#"{{"stargate":{{"type_url":"/cosmos.authz.v1beta1.MsgGrant","value":"{grant}"}}}}"#
        ),
        format!(r#"{{"any":{{"type_url":"/cosmos.authz.v1beta1.MsgGrant","value":"{grant}"}}}}"#),
    ] {
        suite.stake_members();
        let before = suite.state_snapshot();
        let err = propose_raw(&mut suite, &raw).unwrap_err();
        // This build enables neither cosmwasm-std's `stargate` nor its
        // `cosmwasm_2_0` feature: such a message does not even parse. With
        // either feature on, `propose` refuses it as `MessageRefused
        // { reason: Uninspectable }` (unit tests in depin-dao's rules.rs).
        assert!(format!("{err:#}").contains("unknown variant"), "{err:#}");
        assert!(suite.state_snapshot() == before);
    }
}

// ---------------------------------------------------------------------------
// Malicious code the attacks migrate to.

#[derive(serde::Serialize, serde::Deserialize)]
struct Drain {
    /// The suite token, when the DAO itself is migrated (it moves its balance
    /// with a cw20 transfer).
    token: Option<String>,
    /// Whose balance moves (the token rewrites its own storage).
    victim: String,
    to: String,
}

#[derive(serde::Deserialize)]
struct Anything {}

fn ok_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Anything) -> StdResult<Response> {
    Ok(Response::new())
}

/// Accepts every message: `check_reserves` "passes".
fn ok_execute(_: DepsMut, _: Env, _: MessageInfo, _: Anything) -> StdResult<Response> {
    Ok(Response::new())
}

fn no_query(_: Deps, _: Env, _: Anything) -> StdResult<Binary> {
    to_json_binary(&Empty {})
}

/// The DAO's code replaced: sends its whole suite-token balance away.
fn drain_dao(deps: DepsMut, env: Env, msg: Drain) -> StdResult<Response> {
    let token_addr = msg.token.unwrap_or_default();
    let balance: cw20::BalanceResponse = deps.querier.query_wasm_smart(
        &token_addr,
        &token::QueryMsg::Balance {
            address: env.contract.address.to_string(),
        },
    )?;
    Ok(Response::new().add_message(WasmMsg::Execute {
        contract_addr: token_addr,
        msg: to_json_binary(&token::ExecuteMsg::Transfer {
            recipient: msg.to,
            amount: balance.balance,
        })?,
        funds: vec![],
    }))
}

fn dao_drainer() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(ok_execute, ok_instantiate, no_query).with_migrate(drain_dao))
}

/// The token's code replaced: rewrites the victim's balance to the attacker.
fn drain_token(deps: DepsMut, _env: Env, msg: Drain) -> StdResult<Response> {
    let victim = deps.api.addr_validate(&msg.victim)?;
    let to = deps.api.addr_validate(&msg.to)?;
    let amount = cw20_base::state::BALANCES
        .may_load(deps.storage, &victim)?
        .unwrap_or_default();
    cw20_base::state::BALANCES.remove(deps.storage, &victim);
    cw20_base::state::BALANCES.save(deps.storage, &to, &amount)?;
    Ok(Response::new())
}

fn token_drainer() -> Box<dyn Contract<Empty>> {
    use depin_reward_token::contract::{execute, instantiate, query};
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(drain_token))
}

trait RawStatus {
    fn proposal_status_raw(&self, id: u64) -> String;
}

impl RawStatus for Suite {
    /// The proposal's status, read from the DAO's storage (the DAO's code may
    /// have been replaced, and its queries with it).
    fn proposal_status_raw(&self, id: u64) -> String {
        let key = [b"\x00\x01p".as_slice(), &id.to_be_bytes()].concat();
        let raw = self
            .app
            .wrap()
            .query_wasm_raw(&self.dao, key)
            .unwrap()
            .expect("the proposal is stored");
        let v: serde_json_like::Status = cosmwasm_std::from_json(raw).unwrap();
        depin_dao_status(v.status)
    }
}

mod serde_json_like {
    #[derive(serde::Deserialize)]
    pub struct Status {
        pub status: depin_interface::dao::ProposalStatus,
    }
}

fn depin_dao_status(status: ProposalStatus) -> String {
    match status {
        ProposalStatus::Executed => "executed".into(),
        other => format!("{other:?}"),
    }
}
