//! The DAO governs the suite: each action runs stake → propose → vote →
//! timelock → execute (`Suite::pass_proposal`).

use cosmwasm_std::{coin, to_json_binary, BankMsg, Decimal, Uint128, WasmMsg};
use cw_multi_test::Executor;
use depin_interface::dao::{self, ProposalStatus};
use depin_interface::registry::{self, Capacity, Price, RegisterMsg, Service};
use depin_interface::{escrow, token, UncheckedDenom};
use depin_testing::shared::wasm_execute;
use depin_testing::{contracts, Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};

/// Provider 0 registers with `stake` native ustake.
fn register_provider(suite: &mut Suite, stake: u128) -> cosmwasm_std::Addr {
    let provider = suite.provider(0);
    let registry_addr = suite.registry.clone();
    suite
        .app
        .execute_contract(
            provider.clone(),
            registry_addr,
            &registry::ExecuteMsg::Register(RegisterMsg {
                service: Service::Storage,
                endpoint: "https://provider0.example".into(),
                region: "eu-west".into(),
                capacity: Capacity {
                    amount: Uint128::new(1_000),
                    unit: "GiB".into(),
                },
                prices: vec![Price {
                    denom: UncheckedDenom::Native(PAY_DENOM.into()),
                    per_unit: Uint128::new(10),
                }],
                metadata_uri: None,
                agent_pubkey: None,
            }),
            &[coin(stake, STAKE_DENOM)],
        )
        .unwrap();
    provider
}

fn provider_record(suite: &Suite, provider: &cosmwasm_std::Addr) -> registry::ProviderResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.registry,
            &registry::QueryMsg::Provider {
                address: provider.to_string(),
            },
        )
        .unwrap()
}

fn assert_executed(suite: &Suite, id: u64) {
    let p = suite.proposal(id);
    assert_eq!(
        p.status,
        ProposalStatus::Executed,
        "error: {:?}",
        p.execution_error
    );
}

#[test]
fn the_dao_slashes_a_provider_by_proposal() {
    let mut suite = SuiteBuilder::new().build();
    let provider = register_provider(&mut suite, 10_000);
    let slash = wasm_execute(
        &suite.registry,
        &registry::ExecuteMsg::Slash {
            provider: provider.to_string(),
            fraction: Decimal::percent(30),
            reason: "failed audit".into(),
            jail_seconds: None,
        },
    );
    let id = suite.pass_proposal(vec![slash]);
    assert_executed(&suite, id);
    // 30 % of 10_000 = 3_000 (exact), paid to the DAO.
    assert_eq!(
        provider_record(&suite, &provider).stake,
        Uint128::new(7_000)
    );
    assert_eq!(suite.native_balance(&suite.dao.clone(), STAKE_DENOM), 3_000);
}

#[test]
fn the_dao_changes_the_escrow_fee_by_proposal() {
    let mut suite = SuiteBuilder::new().build();
    let update = wasm_execute(
        &suite.escrow,
        &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
            fee_bps: Some(500),
            ..Default::default()
        }),
    );
    let id = suite.pass_proposal(vec![update]);
    assert_executed(&suite, id);
    let config: escrow::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.escrow, &escrow::QueryMsg::Config {})
        .unwrap();
    assert_eq!(config.fee_bps, 500);
}

#[test]
fn the_dao_adds_an_oracle_by_proposal_and_the_oracle_can_attest() {
    let mut suite = SuiteBuilder::new().build();
    let provider = register_provider(&mut suite, 10_000);
    let new_oracle = suite.app.api().addr_make("new-oracle");
    let update = wasm_execute(
        &suite.registry,
        &registry::ExecuteMsg::UpdateConfig(registry::RegistryConfigUpdate {
            add_oracles: Some(vec![new_oracle.to_string()]),
            ..Default::default()
        }),
    );
    let id = suite.pass_proposal(vec![update]);
    assert_executed(&suite, id);
    let config: registry::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.registry, &registry::QueryMsg::Config {})
        .unwrap();
    assert!(config.oracles.contains(&new_oracle));
    assert!(config.oracles.contains(&suite.actors.oracle));
    let registry_addr = suite.registry.clone();
    suite
        .app
        .execute_contract(
            new_oracle,
            registry_addr,
            &registry::ExecuteMsg::Attest {
                provider: provider.to_string(),
                score: Some(90),
                capacity: None,
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        provider_record(&suite, &provider).reputation.attested_score,
        Some(90)
    );
}

#[test]
fn the_dao_spends_treasury_funds_by_proposal() {
    let mut suite = SuiteBuilder::new().build();
    let (funder, recipient) = (suite.consumer(0), suite.consumer(1));
    let dao_addr = suite.dao.clone();
    // The treasury: 7_000 uusdc and 50_000 suite tokens.
    suite
        .app
        .send_tokens(funder.clone(), dao_addr.clone(), &[coin(7_000, PAY_DENOM)])
        .unwrap();
    let token_addr = suite.token.clone();
    let member = suite.member(2);
    suite
        .app
        .execute_contract(
            member,
            token_addr.clone(),
            &token::ExecuteMsg::Transfer {
                recipient: dao_addr.to_string(),
                amount: Uint128::new(50_000),
            },
            &[],
        )
        .unwrap();
    let native_before = suite.native_balance(&recipient, PAY_DENOM);
    let spend = vec![
        BankMsg::Send {
            to_address: recipient.to_string(),
            amount: vec![coin(6_500, PAY_DENOM)],
        }
        .into(),
        wasm_execute(
            &token_addr,
            &token::ExecuteMsg::Transfer {
                recipient: recipient.to_string(),
                amount: Uint128::new(20_000),
            },
        ),
    ];
    let id = suite.pass_proposal(spend);
    assert_executed(&suite, id);
    assert_eq!(
        suite.native_balance(&recipient, PAY_DENOM),
        native_before + 6_500
    );
    assert_eq!(suite.native_balance(&dao_addr, PAY_DENOM), 500);
    assert_eq!(suite.token_balance(&recipient), 20_000);
    // 3 × 100_000 staked + 50_000 treasury − 20_000 spent; the deposit was refunded.
    assert_eq!(suite.token_balance(&dao_addr), 330_000);
}

#[test]
fn the_dao_migrates_registry_escrow_and_itself_by_proposal_after_the_exit_window() {
    let mut suite = SuiteBuilder::new().build();
    let new_codes = [
        (
            suite.registry.clone(),
            suite.app.store_code(contracts::provider_registry()),
        ),
        (
            suite.escrow.clone(),
            suite.app.store_code(contracts::billing_escrow()),
        ),
        (suite.dao.clone(), suite.app.store_code(contracts::dao())),
    ];
    let msgs = new_codes
        .iter()
        .map(|(contract, code_id)| {
            WasmMsg::Migrate {
                contract_addr: contract.to_string(),
                new_code_id: *code_id,
                msg: to_json_binary(&dao::MigrateMsg {}).unwrap(),
            }
            .into()
        })
        .collect();
    let proposed_at = suite.app.block_info().time.plus_seconds(5);
    // `pass_proposal` waits until `executable_at`: for an upgrade, the end of
    // voting (3 days) + the unstaking period (14 days), beyond the timelock.
    let id = suite.pass_proposal(msgs);
    assert_executed(&suite, id);
    let p = suite.proposal(id);
    assert!(p.upgrade);
    assert_eq!(p.voting_ends_at, proposed_at.plus_seconds(3 * 86_400));
    assert_eq!(
        p.executable_at,
        Some(p.voting_ends_at.plus_seconds(14 * 86_400))
    );
    assert_eq!(suite.app.block_info().time, p.executable_at.unwrap());
    for (contract, code_id) in new_codes {
        let info = suite
            .app
            .wrap()
            .query_wasm_contract_info(&contract)
            .unwrap();
        assert_eq!(info.code_id, code_id, "{contract}");
        assert_eq!(info.admin, Some(suite.dao.clone()));
    }
    // Still working after the upgrade.
    assert_eq!(suite.dao_config().proposal_deposit.u128(), 1_000);
}

#[test]
fn the_token_cannot_be_migrated_even_by_a_unanimous_dao() {
    let mut suite = SuiteBuilder::new().build();
    let code_id = suite.app.store_code(contracts::reward_token());
    let token_addr = suite.token.clone();
    suite.stake_members();
    let proposer = suite.member(0);
    let err = suite
        .propose(
            &proposer,
            "migrate the token",
            vec![WasmMsg::Migrate {
                contract_addr: token_addr.to_string(),
                new_code_id: code_id,
                msg: to_json_binary(&token::MigrateMsg {}).unwrap(),
            }
            .into()],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<depin_dao::ContractError>().unwrap(),
        depin_dao::ContractError::MessageRefused {
            index: 0,
            reason: depin_dao::error::MessageRefusal::ImmutableToken {
                action: "a migration"
            },
        }
    );
    // And no admin could do it outside governance either.
    let dao_addr = suite.dao.clone();
    assert!(suite
        .app
        .migrate_contract(dao_addr, token_addr.clone(), &token::MigrateMsg {}, code_id)
        .is_err());
    let info = suite
        .app
        .wrap()
        .query_wasm_contract_info(&token_addr)
        .unwrap();
    assert_eq!(info.admin, None);
}

#[test]
fn a_proposal_cannot_spend_members_stake_only_the_treasury() {
    let mut suite = SuiteBuilder::new().build();
    let (dao_addr, token_addr) = (suite.dao.clone(), suite.token.clone());
    let thief = suite.actors.attacker.clone();
    let take = |amount: u128| {
        wasm_execute(
            &token_addr,
            &token::ExecuteMsg::Transfer {
                recipient: thief.to_string(),
                amount: Uint128::new(amount),
            },
        )
    };
    // The DAO holds only the members' 300_000 stake: not one token is treasury.
    let id = suite.pass_proposal(vec![take(1)]);
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(p.execution_error.is_some());
    assert_eq!(suite.token_balance(&dao_addr), 300_000);
    assert_eq!(suite.token_balance(&thief), 0);

    // 5_000 given to the treasury can be spent, exactly.
    let giver = suite.member(1);
    suite
        .app
        .execute_contract(
            giver,
            token_addr.clone(),
            &token::ExecuteMsg::Transfer {
                recipient: dao_addr.to_string(),
                amount: Uint128::new(5_000),
            },
            &[],
        )
        .unwrap();
    let id = suite.pass_proposal(vec![take(5_001)]);
    assert_eq!(suite.proposal(id).status, ProposalStatus::ExecutionFailed);
    let id = suite.pass_proposal(vec![take(5_000)]);
    assert_executed(&suite, id);
    assert_eq!(suite.token_balance(&thief), 5_000);
    assert_eq!(suite.token_balance(&dao_addr), 300_000);
}
