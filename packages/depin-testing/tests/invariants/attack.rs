//! Running one attack: each must fail with a typed error and change nothing.

use super::*;

impl World {
    pub fn attack(&mut self, attack: &Attack) -> AnyResult<AppResponse> {
        match attack.clone() {
            a @ (Attack::SlashAsAttacker { .. }
            | Attack::RecordUsage { .. }
            | Attack::ForgedFunds { .. }
            | Attack::ClaimOthersRewards) => self.registry_attack(a),
            a @ (Attack::ResolveAsAttacker { .. }
            | Attack::ReportAsAttacker { .. }
            | Attack::CloseAsAttacker { .. }
            | Attack::SettleWithFunds { .. }
            | Attack::TopUpWrongDenom { .. }
            | Attack::ForgedReceipt { .. }) => self.escrow_attack(a),
            a @ (Attack::ForgedHook { .. } | Attack::UpdateConfig { .. }) => self.forgery_attack(a),
            a @ (Attack::Mint { .. }
            | Attack::Dispatch { .. }
            | Attack::VoteWithoutStake { .. }
            | Attack::StealTokens { .. }
            | Attack::SpendDaoAllowance { .. }
            | Attack::ProposeUninspectable { .. }) => self.dao_attack(a),
            a @ (Attack::SuiteStakes { .. } | Attack::LockGovernance { .. }) => {
                self.governance_lock_attack(a)
            }
        }
    }

    /// Ways a passed proposal could leave governance unable to undo it (the
    /// DAO's own calls, as if a proposal executed them).
    fn governance_lock_attack(&mut self, attack: Attack) -> AnyResult<AppResponse> {
        let dao = self.suite.dao.clone();
        match attack {
            Attack::SuiteStakes { from, propose } => {
                let holder = if from == 0 {
                    dao.clone()
                } else {
                    self.suite.escrow.clone()
                };
                // One token when the holder has any, so only the DAO's rule refuses it.
                let amount = if propose {
                    self.suite.dao_config().proposal_deposit.u128()
                } else {
                    1
                };
                if propose {
                    let msg =
                        dao::ReceiveMsg::Propose(depin_testing::dao::propose_msg("lock", vec![]));
                    self.suite.send_tokens(&holder, &dao, amount, &msg)
                } else {
                    self.suite
                        .send_tokens(&holder, &dao, amount, &dao::ReceiveMsg::Stake {})
                }
            }
            Attack::LockGovernance { field } => {
                let over = 90 * 86_400 + 1;
                let supply = Uint128::new(self.suite.token_supply());
                let update = match field {
                    0 => DaoConfigUpdate {
                        quorum: Some(Decimal::one()),
                        ..Default::default()
                    },
                    1 => DaoConfigUpdate {
                        threshold: Some(Decimal::percent(90)),
                        ..Default::default()
                    },
                    2 => DaoConfigUpdate {
                        veto_threshold: Some(Decimal::raw(1)),
                        ..Default::default()
                    },
                    3 => DaoConfigUpdate {
                        voting_period: Some(over),
                        ..Default::default()
                    },
                    4 => DaoConfigUpdate {
                        timelock: Some(over),
                        ..Default::default()
                    },
                    5 => DaoConfigUpdate {
                        unstaking_period: Some(over),
                        ..Default::default()
                    },
                    _ => DaoConfigUpdate {
                        proposal_deposit: Some(supply + Uint128::one()),
                        ..Default::default()
                    },
                };
                self.suite.update_dao_config(&dao, update)
            }
            other => unreachable!("not a governance lock attack: {other:?}"),
        }
    }

    /// Attacks on the registry: slashing, usage, funds, rewards.
    fn registry_attack(&mut self, attack: Attack) -> AnyResult<AppResponse> {
        let attacker = self.suite.actors.attacker.clone();
        match attack {
            Attack::SlashAsAttacker { p } => {
                let provider = self.suite.provider(p);
                self.suite
                    .slash(&attacker, &provider, Decimal::percent(100), None)
            }
            Attack::RecordUsage { p } => {
                let provider = self.suite.provider(p);
                self.suite.record_usage(
                    &attacker,
                    &provider,
                    1_000_000,
                    depin_testing::registry::pay_revenue(1_000_000_000),
                )
            }
            Attack::ForgedFunds { p } => {
                // More uusdc than the attacker holds.
                let provider = self.suite.provider(p);
                self.suite.open_lease(
                    &attacker,
                    &provider,
                    BillingMode::Metered {},
                    2 * INITIAL_NATIVE,
                )
            }
            Attack::ClaimOthersRewards => self.suite.claim_rewards(&attacker),
            _ => unreachable!("not a registry attack"),
        }
    }

    /// Attacks on leases the sequence opened.
    fn escrow_attack(&mut self, attack: Attack) -> AnyResult<AppResponse> {
        let attacker = self.suite.actors.attacker.clone();
        match attack {
            Attack::ResolveAsAttacker { lease, charge } => {
                let id = self.lease_id(lease);
                let charge_id = self.disputed_or(id, charge);
                self.suite
                    .resolve_dispute(&attacker, id, charge_id, true, None)
            }
            Attack::ReportAsAttacker { lease } => {
                let id = self.lease_id(lease);
                self.suite.report_usage(&attacker, id, 1)
            }
            Attack::CloseAsAttacker { lease } => {
                let id = self.lease_id(lease);
                self.suite.close_lease(&attacker, id)
            }
            Attack::SettleWithFunds { lease } => {
                // Funds attached to a message that takes none.
                let id = self.lease_id(lease);
                self.suite.escrow_execute(
                    &attacker,
                    &escrow::ExecuteMsg::Settle { lease_id: id },
                    &coins(1, PAY_DENOM),
                )
            }
            Attack::TopUpWrongDenom { lease } => {
                let id = self.lease_id(lease);
                self.suite.escrow_execute(
                    &attacker,
                    &escrow::ExecuteMsg::TopUp { lease_id: id },
                    &[coin(100, STAKE_DENOM)],
                )
            }
            Attack::ForgedReceipt { lease, units } => {
                // The provider redeems a receipt the attacker signed.
                let Some(l) = self.lease(lease) else {
                    let provider = self.suite.provider(0);
                    let sig = self.suite.sign_receipt(&self.attacker_key, 1, units);
                    return self.suite.redeem_receipt(&provider, 1, units, sig);
                };
                let cumulative = l.signed.saturating_add(units);
                let sig = self
                    .suite
                    .sign_receipt(&self.attacker_key, l.id, cumulative);
                self.suite
                    .redeem_receipt(&l.provider, l.id, cumulative, sig)
            }
            _ => unreachable!("not a escrow attack"),
        }
    }

    /// Forged cw20 hooks and config changes by the attacker.
    fn forgery_attack(&mut self, attack: Attack) -> AnyResult<AppResponse> {
        let attacker = self.suite.actors.attacker.clone();
        let dao_addr = self.suite.dao.clone();
        match attack {
            Attack::ForgedHook { target, amount } => {
                let hook = |msg: Binary| Cw20ReceiveMsg {
                    sender: attacker.to_string(),
                    amount: Uint128::new(amount),
                    msg,
                };
                match target {
                    0 => self.suite.registry_execute(
                        &attacker,
                        &registry::ExecuteMsg::Receive(hook(
                            to_json_binary(&registry::ReceiveMsg::Register(register_msg(
                                Service::Gpu,
                                "forged",
                            )))
                            .unwrap(),
                        )),
                        &[],
                    ),
                    1 => self.suite.escrow_execute(
                        &attacker,
                        &escrow::ExecuteMsg::Receive(hook(
                            to_json_binary(&escrow::ReceiveMsg::OpenLease(OpenLeaseMsg {
                                provider: self.suite.provider(0).to_string(),
                                billing: BillingMode::Metered {},
                                max_price_per_unit: None,
                            }))
                            .unwrap(),
                        )),
                        &[],
                    ),
                    _ => self.suite.app.execute_contract(
                        attacker.clone(),
                        dao_addr,
                        &dao::ExecuteMsg::Receive(hook(
                            to_json_binary(&dao::ReceiveMsg::Stake {}).unwrap(),
                        )),
                        &[],
                    ),
                }
            }
            Attack::UpdateConfig { target } => match target {
                0 => self.suite.update_escrow_config(
                    &attacker,
                    escrow::EscrowConfigUpdate {
                        treasury: Some(attacker.to_string()),
                        ..Default::default()
                    },
                ),
                1 => self.suite.update_registry_config(
                    &attacker,
                    registry::RegistryConfigUpdate {
                        billing_escrow: Some(attacker.to_string()),
                        ..Default::default()
                    },
                ),
                _ => self.suite.update_dao_config(
                    &attacker,
                    dao::DaoConfigUpdate {
                        quorum: Some(Decimal::permille(1)),
                        ..Default::default()
                    },
                ),
            },
            _ => unreachable!("not a forgery attack"),
        }
    }

    /// Attacks on the token and the DAO's funds and proposals.
    fn dao_attack(&mut self, attack: Attack) -> AnyResult<AppResponse> {
        let attacker = self.suite.actors.attacker.clone();
        let dao_addr = self.suite.dao.clone();
        let token_addr = self.suite.token.clone();
        match attack {
            Attack::Mint { amount } => self.suite.app.execute_contract(
                attacker.clone(),
                token_addr,
                &token::ExecuteMsg::Mint {
                    recipient: attacker.to_string(),
                    amount: Uint128::new(amount),
                },
                &[],
            ),
            Attack::Dispatch { proposal } => {
                let id = self.proposal_id(proposal);
                self.suite.app.execute_contract(
                    attacker.clone(),
                    dao_addr,
                    &dao::ExecuteMsg::Dispatch { proposal_id: id },
                    &[],
                )
            }
            Attack::VoteWithoutStake { proposal } => {
                let id = self.proposal_id(proposal);
                self.suite.vote(&attacker, id, Vote::Yes)
            }
            Attack::StealTokens { m, amount } => {
                let member = self.suite.member(m);
                self.suite.app.execute_contract(
                    attacker.clone(),
                    token_addr,
                    &token::ExecuteMsg::TransferFrom {
                        owner: member.to_string(),
                        recipient: attacker.to_string(),
                        amount: Uint128::new(amount),
                    },
                    &[],
                )
            }
            // The attacker is no provider: nothing accrued to it.
            Attack::SpendDaoAllowance { amount } => self.suite.app.execute_contract(
                attacker.clone(),
                token_addr,
                &token::ExecuteMsg::TransferFrom {
                    owner: dao_addr.to_string(),
                    recipient: attacker.to_string(),
                    amount: Uint128::new(amount),
                },
                &[],
            ),
            Attack::ProposeUninspectable { m, stargate } => {
                // Written as JSON: this build's `CosmosMsg` has neither variant.
                let kind = if stargate { "stargate" } else { "any" };
                let hook = format!(
                    r#"{{"propose":{{"title":"grant","description":"authz","msgs":[{{"{kind}":{{"type_url":"/cosmos.authz.v1beta1.MsgGrant","value":"CgdhdHRhY2tlcg=="}}}}]}}}}"#
                );
                let member = self.suite.member(m);
                let deposit = self.suite.dao_config().proposal_deposit;
                self.suite.app.execute_contract(
                    member,
                    token_addr,
                    &token::ExecuteMsg::Send {
                        contract: dao_addr.to_string(),
                        amount: deposit,
                        msg: Binary::from(hook.into_bytes()),
                    },
                    &[],
                )
            }
            _ => unreachable!("not a dao attack"),
        }
    }
}
