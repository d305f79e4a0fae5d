//! The world a sequence runs in: the suite, the leases and proposals it
//! created, the invariants checked after every step, and the members' exit
//! at the end. Running an action is in `apply.rs`, an attack in `attack.rs`.

use super::*;

#[path = "apply.rs"]
mod apply;
#[path = "attack.rs"]
mod attack;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Metered,
    Streaming,
    Receipts,
}

/// What the test remembers about a lease (the chain holds the rest).
#[derive(Clone, Debug)]
pub struct Lease {
    id: u64,
    kind: Kind,
    consumer: Addr,
    provider: Addr,
    /// Receipts leases: the consumer's key and the units signed so far.
    key: Option<SigningKey>,
    signed: u128,
}

pub struct World {
    pub suite: Suite,
    /// A second escrow the DAO may point the registry at.
    second_escrow: Addr,
    leases: Vec<Lease>,
    proposals: Vec<u64>,
    consumer_keys: Vec<SigningKey>,
    attacker_key: SigningKey,
    native_supply: u128,
    /// Everyone who may hold DAO stake.
    stakers: Vec<Addr>,
}

impl World {
    pub fn new() -> Self {
        let mut params = SuiteBuilder {
            providers: PROVIDERS,
            consumers: CONSUMERS,
            members: MEMBERS,
            ..SuiteBuilder::new()
        };
        params.rewards.halving_epochs = 2;
        // Proofs are the sequence's own `Prove` actions.
        params.auto_prove = false;
        // 6 000 000 tokens exist at genesis; the cap leaves room for 3 000 000
        // in rewards, three days' emission: long time jumps hit it.
        params.token_cap = Some(Uint128::new(9_000_000));
        let mut suite = params.build();
        // A running network to start from: two providers registered (the
        // third registers during the sequence), every member staked.
        for (p, stake) in [(0, 5_000), (1, 10_000)] {
            let provider = suite.provider(p);
            let msg = listing(&suite);
            suite.register_with(&provider, msg, stake).unwrap();
        }
        for member in suite.actors.members.clone() {
            suite.stake(&member, 50_000).unwrap();
        }
        suite.advance(5);
        let a = &suite.actors;
        let funded = (a.providers.len() + a.consumers.len() + a.members.len() + 4) as u128;
        // Only members stake (the attacker tries, and must fail).
        let stakers = a.members.iter().chain([&a.attacker]).cloned().collect();
        let second_escrow = suite.instantiate_second_escrow();
        World {
            second_escrow,
            leases: vec![],
            proposals: vec![],
            consumer_keys: (0..CONSUMERS).map(|i| signing_key(i as u8 + 1)).collect(),
            attacker_key: signing_key(0xAA),
            native_supply: funded * INITIAL_NATIVE,
            stakers,
            suite,
        }
    }

    pub fn assert_invariants(&self) {
        self.suite.assert_invariants(
            &[
                (PAY_DENOM, self.native_supply),
                (STAKE_DENOM, self.native_supply),
            ],
            &self.suite.actors.providers,
            &self.stakers,
            &[],
        );
        // What the DAO holds for others: stake + unpaid claims + open deposits.
        let reserved: Uint128 = self
            .suite
            .app
            .wrap()
            .query_wasm_raw(&self.suite.dao, b"rs".to_vec())
            .unwrap()
            .map(|raw| cosmwasm_std::from_json(raw).unwrap())
            .unwrap_or_default();
        let claims: u128 = self
            .suite
            .actors
            .members
            .iter()
            .flat_map(|m| self.suite.dao_claims(m).claims)
            .map(|c| c.amount.u128())
            .sum();
        let staked = self.suite.total_power(None);
        assert!(
            reserved.u128() >= staked + claims,
            "the DAO reserves every stake and claim ({reserved} < {staked} + {claims})"
        );
        let dao_balance = self.suite.token_balance(&self.suite.dao);
        assert!(
            dao_balance >= reserved.u128(),
            "the DAO holds every token it reserves ({dao_balance} < {reserved})"
        );
    }

    /// Every member leaves: unstakes all, waits the unstaking period, claims.
    /// Each claim must pay exactly what the member had staked or claimed.
    pub fn everyone_leaves(&mut self) -> Result<(), TestCaseError> {
        let s = &mut self.suite;
        let members = s.actors.members.clone();
        let mut owed = vec![];
        for member in &members {
            let staked = s.voting_power(member, None);
            if staked > 0 {
                s.unstake(member, staked).unwrap();
            }
            let claims: u128 = s
                .dao_claims(member)
                .claims
                .iter()
                .map(|c| c.amount.u128())
                .sum();
            owed.push((member.clone(), claims, s.token_balance(member)));
        }
        let unstaking = s.dao_config().unstaking_period;
        s.advance(unstaking + 1);
        for (member, claims, before) in owed {
            if claims == 0 {
                continue;
            }
            let res = s.claim_unstaked(&member);
            prop_assert!(res.is_ok(), "{member} could not claim {claims}: {res:?}");
            prop_assert_eq!(s.token_balance(&member), before + claims);
        }
        self.assert_invariants();
        Ok(())
    }

    fn lease(&self, i: usize) -> Option<Lease> {
        if self.leases.is_empty() {
            None
        } else {
            Some(self.leases[i % self.leases.len()].clone())
        }
    }

    /// The `i`-th lease billed `kind` (any lease when there is none), so
    /// most actions meet a lease they apply to and some do not.
    fn lease_of(&self, i: usize, kind: Kind) -> Option<(usize, Lease)> {
        let of_kind: Vec<usize> = (0..self.leases.len())
            .filter(|&j| self.leases[j].kind == kind)
            .collect();
        if of_kind.is_empty() || i % 4 == 3 {
            self.lease(i).map(|l| (i % self.leases.len(), l))
        } else {
            let j = of_kind[i % of_kind.len()];
            Some((j, self.leases[j].clone()))
        }
    }

    /// A lease id for attacks: a known lease, or one that does not exist.
    fn lease_id(&self, i: usize) -> u64 {
        self.lease(i).map_or(i as u64 + 1, |l| l.id)
    }

    /// The `i`-th proposal ([`LAST`]: the newest), or one that does not exist.
    fn proposal_id(&self, i: usize) -> u64 {
        if i == LAST {
            self.proposals.last().copied().unwrap_or(1)
        } else if self.proposals.is_empty() {
            i as u64 + 1
        } else {
            self.proposals[i % self.proposals.len()]
        }
    }

    /// The id of the `i`-th charge of the lease (or one past the last).
    fn charge_id(&self, lease_id: u64, i: usize) -> u64 {
        let charges = self.charges(lease_id);
        if charges.is_empty() {
            i as u64
        } else {
            charges[i % charges.len()].charge_id
        }
    }

    fn open(
        &mut self,
        consumer: Addr,
        p: usize,
        billing: BillingMode,
        deposit: u128,
        key: Option<SigningKey>,
    ) -> AnyResult<AppResponse> {
        let provider = self.suite.provider(p);
        let kind = match billing {
            BillingMode::Metered {} => Kind::Metered,
            BillingMode::Streaming { .. } => Kind::Streaming,
            BillingMode::Receipts { .. } => Kind::Receipts,
        };
        let res = self
            .suite
            .open_lease(&consumer, &provider, billing, deposit);
        if let Ok(res) = &res {
            self.leases.push(Lease {
                id: lease_id_of(res),
                kind,
                consumer,
                provider,
                key,
                signed: 0,
            });
        }
        res
    }

    fn proposal_msgs(&self, kind: u8, value: u64) -> Vec<CosmosMsg> {
        let s = &self.suite;
        match kind {
            // A fee change (above 10 000 bps: fails in execution).
            0 => vec![wasm_execute(
                &s.escrow,
                &escrow::ExecuteMsg::UpdateConfig(escrow::EscrowConfigUpdate {
                    fee_bps: Some((value % 11_000) as u16),
                    ..Default::default()
                }),
            )],
            // A slash (fails when the provider is not registered).
            1 => vec![wasm_execute(
                &s.registry,
                &registry::ExecuteMsg::Slash {
                    provider: s.provider(value as usize % PROVIDERS).to_string(),
                    fraction: Decimal::percent(value % 101),
                    reason: "proposal".into(),
                    jail_seconds: None,
                },
            )],
            // Spending fees from the treasury (fails when it holds less).
            2 => vec![BankMsg::Send {
                to_address: s.member(0).to_string(),
                amount: coins(u128::from(value) + 1, PAY_DENOM),
            }
            .into()],
            // An allowance for the attacker on the DAO's tokens: refused.
            4 => vec![wasm_execute(
                &s.token,
                &token::ExecuteMsg::IncreaseAllowance {
                    spender: s.actors.attacker.to_string(),
                    amount: Uint128::new(u128::from(value) + 1),
                    expires: None,
                },
            )],
            // The token's admin or code: refused (the token is immutable).
            5 => vec![match value % 3 {
                0 => WasmMsg::UpdateAdmin {
                    contract_addr: s.token.to_string(),
                    admin: s.actors.attacker.to_string(),
                },
                1 => WasmMsg::Migrate {
                    contract_addr: s.token.to_string(),
                    new_code_id: s.codes.token,
                    msg: to_json_binary(&token::MigrateMsg {}).unwrap(),
                },
                _ => WasmMsg::ClearAdmin {
                    contract_addr: s.token.to_string(),
                },
            }
            .into()],
            // An upgrade (same code, or the DAO's admin to itself): accepted,
            // executable only after the exit window.
            6 => {
                let migrate = |contract: &Addr, new_code_id: u64| WasmMsg::Migrate {
                    contract_addr: contract.to_string(),
                    new_code_id,
                    msg: to_json_binary(&dao::MigrateMsg {}).unwrap(),
                };
                vec![match value % 4 {
                    0 => migrate(&s.dao, s.codes.dao),
                    1 => WasmMsg::UpdateAdmin {
                        contract_addr: s.dao.to_string(),
                        admin: s.dao.to_string(),
                    },
                    2 => migrate(&s.registry, s.codes.registry),
                    _ => migrate(&s.escrow, s.codes.escrow),
                }
                .into()]
            }
            // Spending members' stake: the DAO's reserve check refuses it.
            _ => vec![wasm_execute(
                &s.token,
                &token::ExecuteMsg::Transfer {
                    recipient: s.actors.attacker.to_string(),
                    amount: Uint128::new(u128::from(value) + 1),
                },
            )],
        }
    }

    /// The lease's charges (none for an unknown lease).
    fn charges(&self, lease_id: u64) -> Vec<ChargeResponse> {
        let res: Result<ChargesResponse, _> = self.suite.app.wrap().query_wasm_smart(
            &self.suite.escrow,
            &escrow::QueryMsg::Charges {
                lease_id,
                start_after: None,
                limit: Some(100),
            },
        );
        res.map(|r| r.charges).unwrap_or_default()
    }

    /// A disputed charge of the lease if there is one, else the `i`-th.
    fn disputed_or(&self, lease_id: u64, i: usize) -> u64 {
        self.charges(lease_id)
            .iter()
            .find(|c| c.status == ChargeStatus::Disputed)
            .map_or_else(|| self.charge_id(lease_id, i), |c| c.charge_id)
    }
}
