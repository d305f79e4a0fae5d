//! Running one action of a sequence.

use super::*;

impl World {
    /// Runs one action; returns its result and whether it must fail.
    pub fn apply(&mut self, action: &Action) -> (AnyResult<AppResponse>, bool) {
        match action.clone() {
            a @ (Action::Register { .. }
            | Action::Bond { .. }
            | Action::Unbond { .. }
            | Action::ClaimUnbonded { .. }
            | Action::Deregister { .. }
            | Action::Heartbeat { .. }
            | Action::Unjail { .. }
            | Action::ClaimRewards { .. }
            | Action::SlashByDao { .. }) => self.provider_action(a),
            a @ (Action::OpenMetered { .. }
            | Action::OpenStreaming { .. }
            | Action::OpenReceipts { .. }
            | Action::OpenCw20 { .. }) => self.open_lease(a),
            a @ (Action::Accept { .. }
            | Action::Report { .. }
            | Action::Redeem { .. }
            | Action::Dispute { .. }
            | Action::Resolve { .. }) => self.lease_action(a),
            a @ (Action::Settle { .. } | Action::Close { .. } | Action::TopUp { .. }) => {
                self.lease_payment(a)
            }
            Action::Batch { picks, by_operator } => (self.batch(&picks, by_operator), false),
            Action::SetOperator { p, on } => {
                let provider = self.suite.provider(p);
                let operator = on.then(|| self.suite.actors.guardian.clone());
                (self.suite.set_operator(&provider, operator.as_ref()), false)
            }
            a @ (Action::Stake { .. }
            | Action::Unstake { .. }
            | Action::ClaimUnstaked { .. }
            | Action::Propose { .. }
            | Action::Vote { .. }
            | Action::Execute { .. }) => self.member_action(a),
            Action::Govern { .. } => unreachable!("expanded by `steps`"),
            Action::Advance { seconds } => {
                self.suite.advance(seconds);
                (Ok(AppResponse::default()), false)
            }
            Action::Prove { mask, previous } => (self.prove(mask, previous), false),
            Action::SwapRegistrysEscrow => {
                let dao = self.suite.dao.clone();
                let current = self.suite.registry_config().billing_escrow;
                let to = if current.as_ref() == Some(&self.suite.escrow) {
                    self.second_escrow.clone()
                } else {
                    self.suite.escrow.clone()
                };
                let update = RegistryConfigUpdate {
                    billing_escrow: Some(to.to_string()),
                    ..Default::default()
                };
                (self.suite.update_registry_config(&dao, update), false)
            }
            Action::SwapEscrowsRegistry => {
                let dao = self.suite.dao.clone();
                let current = self.suite.escrow_config().registry;
                let to = if current == self.suite.registry {
                    self.suite.actors.guardian.clone()
                } else {
                    self.suite.registry.clone()
                };
                let update = escrow::EscrowConfigUpdate {
                    registry: Some(to.to_string()),
                    ..Default::default()
                };
                (self.suite.update_escrow_config(&dao, update), false)
            }
            Action::DonateToDao { m, amount } => {
                let (member, token, dao) = (
                    self.suite.member(m),
                    self.suite.token.clone(),
                    self.suite.dao.clone(),
                );
                let msg = token::ExecuteMsg::Transfer {
                    recipient: dao.to_string(),
                    amount: Uint128::new(amount),
                };
                (
                    self.suite.app.execute_contract(member, token, &msg, &[]),
                    false,
                )
            }
            Action::Attack(attack) => (self.attack(&attack), true),
        }
    }

    /// A provider's action, or the DAO's slash.
    fn provider_action(&mut self, action: Action) -> (AnyResult<AppResponse>, bool) {
        let dao_addr = self.suite.dao.clone();
        let s = &mut self.suite;
        let result = match action {
            Action::Register { p, stake } => {
                let provider = s.provider(p);
                let msg = listing(s);
                s.register_with(&provider, msg, stake)
            }
            Action::Bond { p, amount } => {
                let provider = s.provider(p);
                s.bond(&provider, amount)
            }
            Action::Unbond { p, amount } => {
                let provider = s.provider(p);
                s.unbond(&provider, amount)
            }
            Action::ClaimUnbonded { p } => {
                let provider = s.provider(p);
                s.claim_unbonded(&provider)
            }
            Action::Deregister { p } => {
                let provider = s.provider(p);
                s.deregister(&provider)
            }
            Action::Heartbeat { p } => {
                let provider = s.provider(p);
                s.heartbeat(&provider)
            }
            Action::Unjail { p } => {
                let provider = s.provider(p);
                s.unjail(&provider)
            }
            Action::ClaimRewards { p } => {
                let provider = s.provider(p);
                s.claim_rewards(&provider)
            }
            Action::SlashByDao { p, percent, jail } => {
                let provider = s.provider(p);
                s.slash(
                    &dao_addr,
                    &provider,
                    Decimal::percent(percent),
                    jail.then_some(3_600),
                )
            }
            _ => unreachable!("not a provider action"),
        };
        (result, false)
    }

    /// A consumer (or member, in the suite token) opens a lease.
    fn open_lease(&mut self, action: Action) -> (AnyResult<AppResponse>, bool) {
        let s = &mut self.suite;
        match action {
            Action::OpenMetered { c, p, deposit } => {
                let consumer = self.suite.consumer(c);
                (
                    self.open(consumer, p, BillingMode::Metered {}, deposit, None),
                    false,
                )
            }
            Action::OpenStreaming {
                c,
                p,
                rate,
                deposit,
            } => {
                let consumer = self.suite.consumer(c);
                let billing = BillingMode::Streaming {
                    rate_per_second: Uint128::new(rate),
                };
                (self.open(consumer, p, billing, deposit, None), false)
            }
            Action::OpenReceipts { c, p, deposit } => {
                let consumer = self.suite.consumer(c);
                let key = self.consumer_keys[c].clone();
                let billing = BillingMode::Receipts {
                    consumer_pubkey: pubkey(&key),
                };
                (self.open(consumer, p, billing, deposit, Some(key)), false)
            }
            Action::OpenCw20 { m, p, deposit } => {
                let (member, provider) = (s.member(m), s.provider(p));
                let res = s.open_lease_cw20(
                    &member,
                    OpenLeaseMsg {
                        provider: provider.to_string(),
                        billing: BillingMode::Metered {},
                        max_price_per_unit: None,
                    },
                    deposit,
                );
                if let Ok(res) = &res {
                    self.leases.push(Lease {
                        id: lease_id_of(res),
                        kind: Kind::Metered,
                        consumer: member,
                        provider,
                        key: None,
                        signed: 0,
                    });
                }
                (res, false)
            }
            _ => unreachable!("not a lease opening"),
        }
    }

    /// An action by a party of a lease the sequence opened.
    fn lease_action(&mut self, action: Action) -> (AnyResult<AppResponse>, bool) {
        let dao_addr = self.suite.dao.clone();
        let result = match action {
            Action::Accept { lease } => match self.lease_of(lease, Kind::Streaming) {
                Some((_, l)) => self.suite.accept_lease(&l.provider, l.id),
                None => return (Ok(AppResponse::default()), false),
            },
            Action::Report { lease, units } => match self.lease_of(lease, Kind::Metered) {
                Some((_, l)) => self.suite.report_usage(&l.provider, l.id, units),
                None => return (Ok(AppResponse::default()), false),
            },
            Action::Redeem { lease, units } => {
                let Some((i, l)) = self.lease_of(lease, Kind::Receipts) else {
                    return (Ok(AppResponse::default()), false);
                };
                // A metered or streaming lease gets a receipt from consumer 0's key.
                let key = l
                    .key
                    .clone()
                    .unwrap_or_else(|| self.consumer_keys[0].clone());
                let cumulative = l.signed.saturating_add(units);
                let signature = self.suite.sign_receipt(&key, l.id, cumulative);
                let res = self
                    .suite
                    .redeem_receipt(&l.provider, l.id, cumulative, signature);
                if res.is_ok() {
                    self.leases[i].signed = cumulative;
                }
                res
            }
            Action::Dispute { lease, charge } => match self.lease_of(lease, Kind::Metered) {
                Some((_, l)) => {
                    let charge_id = self.charge_id(l.id, charge);
                    self.suite.dispute(&l.consumer, l.id, charge_id, "bad")
                }
                None => return (Ok(AppResponse::default()), false),
            },
            Action::Resolve {
                lease,
                charge,
                uphold,
                slash_percent,
                by_dao,
            } => match self.lease_of(lease, Kind::Metered) {
                Some((_, l)) => {
                    let charge_id = self.disputed_or(l.id, charge);
                    let sender = if by_dao {
                        dao_addr
                    } else {
                        self.suite.actors.arbiter.clone()
                    };
                    let slash = (slash_percent > 0).then(|| Decimal::percent(slash_percent));
                    self.suite
                        .resolve_dispute(&sender, l.id, charge_id, uphold, slash)
                }
                None => return (Ok(AppResponse::default()), false),
            },
            _ => unreachable!("not a lease action"),
        };
        (result, false)
    }

    /// An escrow `batch` over the sequence's leases: receipts are signed by
    /// the lease's consumer key (consumer 0's for other modes), and a
    /// receipts lease's signed count moves only when its item went through.
    fn batch(&mut self, picks: &[(u8, usize, u128)], by_operator: bool) -> AnyResult<AppResponse> {
        let mut items = vec![];
        let mut redeemed = vec![];
        let mut sender = self.suite.actors.guardian.clone();
        for (n, &(kind, lease, units)) in picks.iter().enumerate() {
            let Some((i, l)) = self.lease_of(
                lease,
                [Kind::Metered, Kind::Receipts, Kind::Metered][kind as usize % 3],
            ) else {
                continue;
            };
            if n == 0 && !by_operator {
                sender = l.provider.clone();
            }
            items.push(match kind {
                0 => BatchItem::ReportUsage {
                    lease_id: l.id,
                    units: Uint128::new(units),
                    billed_before: None,
                },
                1 => {
                    let key = l
                        .key
                        .clone()
                        .unwrap_or_else(|| self.consumer_keys[0].clone());
                    // Receipts earlier in this batch for the same lease build on each other.
                    let signed = redeemed
                        .iter()
                        .rev()
                        .find(|(j, _, _)| *j == i)
                        .map_or(l.signed, |(_, _, c)| *c);
                    let cumulative = signed.saturating_add(units);
                    redeemed.push((i, items.len(), cumulative));
                    BatchItem::RedeemReceipt {
                        lease_id: l.id,
                        cumulative_units: Uint128::new(cumulative),
                        signature: self.suite.sign_receipt(&key, l.id, cumulative),
                    }
                }
                _ => BatchItem::Settle { lease_id: l.id },
            });
        }
        if items.is_empty() {
            return Ok(AppResponse::default());
        }
        let res = self.suite.batch(&sender, items)?;
        let results = batch_results(&res);
        for (i, item, cumulative) in redeemed {
            if results[item].error.is_none() {
                self.leases[i].signed = cumulative;
            }
        }
        Ok(res)
    }

    /// Settling, closing or topping up a lease the sequence opened.
    fn lease_payment(&mut self, action: Action) -> (AnyResult<AppResponse>, bool) {
        let attacker = self.suite.actors.attacker.clone();
        let result = match action {
            Action::Settle { lease } => match self.lease(lease) {
                Some(l) => self.suite.settle(&attacker, l.id),
                None => return (Ok(AppResponse::default()), false),
            },
            Action::Close { lease, by_provider } => match self.lease(lease) {
                Some(l) => {
                    let sender = if by_provider {
                        &l.provider
                    } else {
                        &l.consumer
                    };
                    self.suite.close_lease(sender, l.id)
                }
                None => return (Ok(AppResponse::default()), false),
            },
            Action::TopUp { lease, amount } => match self.lease(lease) {
                Some(l) => {
                    if self.suite.lease(l.id).denom.is_native() {
                        self.suite.top_up(&l.consumer, l.id, amount)
                    } else {
                        self.suite.top_up_cw20(&l.consumer, l.id, amount)
                    }
                }
                None => return (Ok(AppResponse::default()), false),
            },
            _ => unreachable!("not a lease payment"),
        };
        (result, false)
    }

    /// A DAO member's action.
    fn member_action(&mut self, action: Action) -> (AnyResult<AppResponse>, bool) {
        let attacker = self.suite.actors.attacker.clone();
        let s = &mut self.suite;
        let result = match action {
            Action::Stake { m, amount } => {
                let member = s.member(m);
                s.stake(&member, amount)
            }
            Action::Unstake { m, amount } => {
                let member = s.member(m);
                s.unstake(&member, amount)
            }
            Action::ClaimUnstaked { m } => {
                let member = s.member(m);
                s.claim_unstaked(&member)
            }
            Action::Propose { m, kind, value } => {
                let member = self.suite.member(m);
                let msgs = self.proposal_msgs(kind, value);
                let res = self.suite.propose(&member, "random", msgs);
                if let Ok(res) = &res {
                    self.proposals.push(Suite::proposal_id(res));
                }
                return (res, REFUSED_KINDS.contains(&kind));
            }
            Action::Vote { m, proposal, vote } => {
                let member = s.member(m);
                let vote = [Vote::Yes, Vote::No, Vote::Abstain, Vote::NoWithVeto][vote as usize];
                let id = self.proposal_id(proposal);
                self.suite.vote(&member, id, vote)
            }
            Action::Execute { proposal } => {
                let id = self.proposal_id(proposal);
                let res = self.suite.execute_proposal(&attacker, id);
                if res.is_ok() {
                    // An upgrade runs only after every member who started
                    // leaving before voting ended could claim.
                    let p = self.suite.proposal(id);
                    let unstaking = self.suite.dao_config().unstaking_period;
                    let now = self.suite.app.block_info().time;
                    assert!(
                        !p.upgrade || now >= p.voting_ends_at.plus_seconds(unstaking),
                        "upgrade {id} executed at {now}, inside its exit window"
                    );
                    if stats() && p.upgrade {
                        eprintln!("STAT UpgradeExecuted {:?}", p.status);
                    }
                }
                res
            }
            _ => unreachable!("not a member action"),
        };
        (result, false)
    }

    /// [`Action::Prove`]: never fails; a forged entry is rejected alone.
    fn prove(&mut self, mask: u8, previous: bool) -> AnyResult<AppResponse> {
        let s = &mut self.suite;
        let epoch = if previous {
            s.epoch().saturating_sub(1)
        } else {
            s.epoch()
        };
        let mut proofs: Vec<_> = (0..PROVIDERS)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| s.liveness_proof(&s.provider(i), epoch))
            .collect();
        if mask & 0x80 != 0 {
            proofs.push(s.liveness_proof_by(&self.attacker_key, &s.provider(0), epoch));
        }
        if proofs.is_empty() {
            return Ok(AppResponse::default());
        }
        let oracle = s.actors.oracle.clone();
        let res = s.prove_liveness(&oracle, epoch, proofs)?;
        let data: registry::ProveLivenessResponse =
            cosmwasm_std::from_json(res.data.clone().unwrap_or_default())?;
        let forged = usize::from(mask & 0x80 != 0);
        assert!(
            data.rejected.len() >= forged,
            "a forged proof is rejected: {data:?}"
        );
        Ok(res)
    }
}
