//! Deployment through the DAO, and helpers for every DAO action.

use cosmwasm_std::{coin, Addr, CosmosMsg, Decimal, Uint128, WasmMsg};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{App, AppBuilder, AppResponse, Executor};
use depin_interface::dao::{
    self, DaoConfig, EscrowParams, ProposalResponse, ProposalStatus, ProposeMsg, ReceiveMsg,
    RegistryParams, SuiteInstantiate, SuiteResponse, TokenParams, Vote,
};
use depin_interface::{token, UncheckedDenom};

use crate::suite::{
    store_codes, Actors, CodeIds, Suite, SuiteBuilder, INITIAL_MEMBER_TOKENS, INITIAL_NATIVE,
    PAY_DENOM, STAKE_DENOM,
};

/// Seconds a proposal is open: 3 days.
pub const DAO_VOTING_PERIOD: u64 = 3 * 86_400;
/// x/gov-like defaults: threshold 50 %, quorum 33.4 %, veto 33.4 %.
pub const DAO_THRESHOLD: Decimal = Decimal::percent(50);
pub const DAO_QUORUM: Decimal = Decimal::permille(334);
pub const DAO_VETO_THRESHOLD: Decimal = Decimal::permille(334);
/// Suite tokens a proposal locks.
pub const DAO_PROPOSAL_DEPOSIT: u128 = 1_000;
/// Seconds from `unstake` to a payable claim: 14 days.
pub const DAO_UNSTAKING_PERIOD: u64 = 14 * 86_400;
/// Seconds from passing to the earliest `execute`: 1 day.
pub const DAO_TIMELOCK: u64 = 86_400;
/// Suite tokens each member stakes in [`Suite::pass_proposal`].
pub const DAO_MEMBER_STAKE: u128 = 100_000;

/// The DAO config the suite deploys with (guardian: `actors.guardian`).
pub fn dao_config(actors: &Actors) -> DaoConfig<String> {
    DaoConfig {
        voting_period: DAO_VOTING_PERIOD,
        threshold: DAO_THRESHOLD,
        quorum: DAO_QUORUM,
        veto_threshold: DAO_VETO_THRESHOLD,
        proposal_deposit: Uint128::new(DAO_PROPOSAL_DEPOSIT),
        unstaking_period: DAO_UNSTAKING_PERIOD,
        timelock: DAO_TIMELOCK,
        guardian: Some(actors.guardian.to_string()),
    }
}

/// The one DAO instantiate that creates the whole suite from `params`.
pub fn dao_instantiate_msg(
    codes: &CodeIds,
    actors: &Actors,
    params: &SuiteBuilder,
) -> dao::InstantiateMsg {
    dao::InstantiateMsg {
        config: dao_config(actors),
        suite: SuiteInstantiate {
            token_code_id: codes.token,
            registry_code_id: codes.registry,
            escrow_code_id: codes.escrow,
            token: TokenParams {
                name: "DePIN Reward".into(),
                symbol: "DPIN".into(),
                decimals: 6,
                initial_balances: actors
                    .members
                    .iter()
                    .chain(&actors.providers)
                    .map(|a| token::Cw20Coin {
                        address: a.to_string(),
                        amount: Uint128::new(INITIAL_MEMBER_TOKENS),
                    })
                    .collect(),
                cap: params.token_cap,
                marketing: None,
            },
            registry: RegistryParams {
                // None: the suite's own token, filled in by the DAO.
                stake_denom: (!params.cw20_stake)
                    .then(|| UncheckedDenom::Native(STAKE_DENOM.into())),
                min_stake: params.min_stake,
                unbonding_period: params.unbonding_period,
                max_slash: params.max_slash,
                oracles: vec![actors.oracle.to_string()],
                rewards: params.rewards.clone(),
            },
            escrow: EscrowParams {
                fee_bps: params.fee_bps,
                dispute_window: params.dispute_window,
                accepted_denoms: vec![UncheckedDenom::Native(PAY_DENOM.into())],
                arbiters: Some(vec![actors.arbiter.to_string()]),
                // The suite token, whose address the DAO fills in.
                accept_suite_token: Some(true),
                min_close_grace: None,
            },
        },
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn build(self) -> Suite {
        let mut app = AppBuilder::new().build(|_, _, _| {});
        let api = *app.api();
        let named = |prefix: &str, n: usize| -> Vec<Addr> {
            (0..n)
                .map(|i| api.addr_make(&format!("{prefix}{i}")))
                .collect()
        };
        let actors = Actors {
            providers: named("provider", self.providers),
            consumers: named("consumer", self.consumers),
            members: named("member", self.members),
            oracle: api.addr_make("oracle"),
            arbiter: api.addr_make("arbiter"),
            guardian: api.addr_make("guardian"),
            attacker: api.addr_make("attacker"),
            deployer: api.addr_make("deployer"),
        };
        app.init_modules(|router, _, storage| {
            let everyone = actors
                .providers
                .iter()
                .chain(&actors.consumers)
                .chain(&actors.members)
                .chain([
                    &actors.oracle,
                    &actors.arbiter,
                    &actors.guardian,
                    &actors.attacker,
                ]);
            for addr in everyone {
                router
                    .bank
                    .init_balance(
                        storage,
                        addr,
                        vec![
                            coin(INITIAL_NATIVE, PAY_DENOM),
                            coin(INITIAL_NATIVE, STAKE_DENOM),
                        ],
                    )
                    .expect("funding actors");
            }
        });
        let mut suite = deploy(app, actors, self);
        suite.app.update_block(|b| b.height += 1);
        suite
    }
}

/// Deploys the suite with one DAO instantiate: the DAO creates token,
/// registry and escrow, owns them and is their wasm admin (and its own).
pub fn deploy(mut app: App, actors: Actors, params: SuiteBuilder) -> Suite {
    let codes = store_codes(&mut app);
    let msg = dao_instantiate_msg(&codes, &actors, &params);
    let dao = app
        .instantiate_contract(
            codes.dao,
            actors.deployer.clone(),
            &msg,
            &[],
            "depin-dao",
            Some(actors.deployer.to_string()),
        )
        .expect("instantiating the DAO and its suite");
    // The DAO becomes its own wasm admin: its upgrades go through proposals too.
    app.execute(
        actors.deployer.clone(),
        WasmMsg::UpdateAdmin {
            contract_addr: dao.to_string(),
            admin: dao.to_string(),
        }
        .into(),
    )
    .expect("making the DAO its own admin");
    let suite: SuiteResponse = app
        .wrap()
        .query_wasm_smart(&dao, &dao::QueryMsg::Suite {})
        .expect("suite query");
    Suite {
        app,
        actors,
        dao,
        token: suite.token,
        registry: suite.registry,
        escrow: suite.escrow,
        codes,
        params,
        live: vec![],
    }
}

impl Suite {
    fn dao_execute(&mut self, sender: &Addr, msg: &dao::ExecuteMsg) -> AnyResult<AppResponse> {
        let dao = self.dao.clone();
        self.app.execute_contract(sender.clone(), dao, msg, &[])
    }

    /// `member` stakes `amount` suite tokens (cw20 `send` `{"stake":{}}`).
    pub fn stake(&mut self, member: &Addr, amount: u128) -> AnyResult<AppResponse> {
        let dao = self.dao.clone();
        self.send_tokens(member, &dao, amount, &ReceiveMsg::Stake {})
    }

    pub fn unstake(&mut self, member: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.dao_execute(
            member,
            &dao::ExecuteMsg::Unstake {
                amount: Uint128::new(amount),
            },
        )
    }

    /// Pays `member`'s matured DAO claims.
    pub fn claim_unstaked(&mut self, member: &Addr) -> AnyResult<AppResponse> {
        self.dao_execute(member, &dao::ExecuteMsg::Claim {})
    }

    /// `proposer` proposes `msgs` with the configured deposit (cw20 `send`).
    pub fn propose(
        &mut self,
        proposer: &Addr,
        title: &str,
        msgs: Vec<CosmosMsg>,
    ) -> AnyResult<AppResponse> {
        let deposit = self.dao_config().proposal_deposit.u128();
        self.propose_with_deposit(proposer, title, msgs, deposit)
    }

    /// Like [`Suite::propose`] with an explicit deposit amount.
    pub fn propose_with_deposit(
        &mut self,
        proposer: &Addr,
        title: &str,
        msgs: Vec<CosmosMsg>,
        deposit: u128,
    ) -> AnyResult<AppResponse> {
        let dao = self.dao.clone();
        self.send_tokens(
            proposer,
            &dao,
            deposit,
            &ReceiveMsg::Propose(propose_msg(title, msgs)),
        )
    }

    /// `propose` without a deposit (allowed only when the deposit is zero).
    pub fn propose_direct(
        &mut self,
        proposer: &Addr,
        title: &str,
        msgs: Vec<CosmosMsg>,
    ) -> AnyResult<AppResponse> {
        self.dao_execute(
            proposer,
            &dao::ExecuteMsg::Propose(propose_msg(title, msgs)),
        )
    }

    pub fn vote(&mut self, voter: &Addr, proposal_id: u64, vote: Vote) -> AnyResult<AppResponse> {
        self.dao_execute(voter, &dao::ExecuteMsg::Vote { proposal_id, vote })
    }

    pub fn execute_proposal(&mut self, sender: &Addr, proposal_id: u64) -> AnyResult<AppResponse> {
        self.dao_execute(sender, &dao::ExecuteMsg::Execute { proposal_id })
    }

    pub fn close_proposal(&mut self, sender: &Addr, proposal_id: u64) -> AnyResult<AppResponse> {
        self.dao_execute(sender, &dao::ExecuteMsg::Close { proposal_id })
    }

    pub fn veto_proposal(&mut self, sender: &Addr, proposal_id: u64) -> AnyResult<AppResponse> {
        self.dao_execute(sender, &dao::ExecuteMsg::Veto { proposal_id })
    }

    pub fn update_dao_config(
        &mut self,
        sender: &Addr,
        update: dao::DaoConfigUpdate,
    ) -> AnyResult<AppResponse> {
        self.dao_execute(sender, &dao::ExecuteMsg::UpdateConfig(update))
    }

    pub fn dao_config(&self) -> DaoConfig {
        self.app
            .wrap()
            .query_wasm_smart(&self.dao, &dao::QueryMsg::Config {})
            .expect("dao config query")
    }

    pub fn proposal(&self, proposal_id: u64) -> ProposalResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.dao, &dao::QueryMsg::Proposal { proposal_id })
            .expect("proposal query")
    }

    /// Staked power of `addr` at the start of block `height` (None: now).
    pub fn voting_power(&self, addr: &Addr, height: Option<u64>) -> u128 {
        let res: dao::VotingPowerResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.dao,
                &dao::QueryMsg::VotingPower {
                    address: addr.to_string(),
                    height,
                },
            )
            .expect("voting power query");
        res.power.u128()
    }

    pub fn total_power(&self, height: Option<u64>) -> u128 {
        let res: dao::TotalPowerResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.dao, &dao::QueryMsg::TotalPower { height })
            .expect("total power query");
        res.power.u128()
    }

    pub fn dao_claims(&self, addr: &Addr) -> dao::ClaimsResponse {
        self.app
            .wrap()
            .query_wasm_smart(
                &self.dao,
                &dao::QueryMsg::Claims {
                    address: addr.to_string(),
                },
            )
            .expect("claims query")
    }

    /// Id of the proposal a `propose` response created.
    pub fn proposal_id(res: &AppResponse) -> u64 {
        res.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "proposal_id")
            .and_then(|a| a.value.parse().ok())
            .expect("a proposal_id attribute")
    }

    /// Every member stakes [`DAO_MEMBER_STAKE`] (once) and a block passes.
    pub fn stake_members(&mut self) {
        for member in self.actors.members.clone() {
            if self.voting_power(&member, None) == 0 {
                self.stake(&member, DAO_MEMBER_STAKE)
                    .expect("a member staking");
            }
        }
        self.advance(5);
    }

    /// stake → propose → members vote yes until it passes → timelock → execute.
    /// Returns the proposal id; the proposal is `executed` or `execution_failed`.
    pub fn pass_proposal(&mut self, msgs: Vec<CosmosMsg>) -> u64 {
        self.stake_members();
        let proposer = self.member(0);
        let res = self
            .propose(&proposer, "governance action", msgs)
            .expect("proposing");
        let id = Self::proposal_id(&res);
        // Voting stops once the outcome can no longer change.
        for member in self.actors.members.clone() {
            if self.proposal(id).status != ProposalStatus::Open {
                break;
            }
            self.vote(&member, id, Vote::Yes).expect("voting yes");
        }
        let now = self.app.block_info().time;
        let executable_at = self
            .proposal(id)
            .executable_at
            .expect("every member voted yes: passed");
        self.advance(executable_at.seconds().saturating_sub(now.seconds()));
        let executor = self.actors.attacker.clone();
        self.execute_proposal(&executor, id).expect("executing");
        id
    }
}

pub fn propose_msg(title: &str, msgs: Vec<CosmosMsg>) -> ProposeMsg {
    ProposeMsg {
        title: title.into(),
        description: format!("{title}: a proposal made by a test"),
        msgs,
    }
}
