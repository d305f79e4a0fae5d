//! Random action sequences against the whole suite, with the accounting
//! invariants checked after every step.
//!
//! Each case builds a fresh suite (two providers registered, members staked)
//! and runs up to [`MAX_ACTIONS`] random actions: every provider, consumer,
//! member and DAO action (amounts sometimes `u128::MAX`), whole governance
//! rounds, time jumps (past dispute windows, epochs, halvings, unbonding
//! periods, the token cap), and attacks by the attacker (wrong senders, forged
//! hooks, forged funds and receipts, and proposals that would reach members'
//! funds: an allowance on the suite token, a token admin change or
//! migration, an `any` message; and upgrades of the DAO, registry and escrow,
//! voted by a majority and executed when possible). After every transaction:
//! - no action panicked, and every failure is a typed error;
//! - a failed action (every attack must fail) changed no state at all: the
//!   whole chain storage is byte-for-byte what it was;
//! - native funds are conserved and held only by actors and contracts; the
//!   escrow holds exactly what its leases still owe (available + reserved)
//!   per denom; the registry holds exactly the bonded stake plus pending
//!   claims; the token's supply is the sum of balances, within the cap, and
//!   the initial supply plus rewards minted; the DAO's total power is the sum
//!   of stakes, all held by the DAO ([`Suite::assert_invariants`]); the DAO
//!   holds every token it reserves for others (stake, claims, deposits);
//! - an upgrade never executed before `voting_ends_at + unstaking_period`.
//!
//! At the end of every sequence each member unstakes everything, waits the
//! unstaking period and claims: every claim pays in full.
//!
//! The runner's seed is fixed, so every run tries the same cases; proptest
//! shrinks a failing sequence to a minimal one. More cases:
//! `PROPTEST_CASES=2048 cargo test -p depin-testing --test invariants --release`.

use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, BankMsg, Binary, CosmosMsg, Decimal, Uint128, WasmMsg,
};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Executor};
use depin_interface::dao::{self, Vote};
use depin_interface::escrow::{
    self, BillingMode, ChargeResponse, ChargeStatus, ChargesResponse, OpenLeaseMsg,
};
use depin_interface::receipt::receipt_digest;
use depin_interface::registry::{self, Price, RegisterMsg, Service};
use depin_interface::{token, UncheckedDenom};
use depin_testing::escrow::lease_id_of;
use depin_testing::registry::register_msg;
use depin_testing::scenario::{is_bank_refusal, typed_error};
use depin_testing::suite::INITIAL_NATIVE;
use depin_testing::{Suite, SuiteBuilder, PAY_DENOM, STAKE_DENOM};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Fixed seed: every run explores the same cases.
const SEED: [u8; 32] = *b"depin-suite-invariants-seed-0001";
/// Cases when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 256;
const MAX_ACTIONS: usize = 60;
const PROVIDERS: usize = 3;
const CONSUMERS: usize = 2;
const MEMBERS: usize = 3;

/// Proposal index meaning "the newest proposal".
const LAST: usize = usize::MAX;

/// Price per unit in the suite token (cw20 leases).
const TOKEN_PRICE: u128 = 7;

/// Kinds of proposal [`World::proposal_msgs`] writes.
const PROPOSAL_KINDS: u8 = 7;
/// Kinds the DAO must refuse at `propose`.
const REFUSED_KINDS: [u8; 2] = [4, 5];

#[derive(Clone, Debug)]
enum Action {
    Register {
        p: usize,
        stake: u128,
    },
    Bond {
        p: usize,
        amount: u128,
    },
    Unbond {
        p: usize,
        amount: u128,
    },
    ClaimUnbonded {
        p: usize,
    },
    Deregister {
        p: usize,
    },
    Heartbeat {
        p: usize,
    },
    Unjail {
        p: usize,
    },
    ClaimRewards {
        p: usize,
    },
    /// The DAO's own call (as if a proposal executed it).
    SlashByDao {
        p: usize,
        percent: u64,
        jail: bool,
    },
    OpenMetered {
        c: usize,
        p: usize,
        deposit: u128,
    },
    OpenStreaming {
        c: usize,
        p: usize,
        rate: u128,
        deposit: u128,
    },
    OpenReceipts {
        c: usize,
        p: usize,
        deposit: u128,
    },
    /// A member pays a metered lease in the suite token (cw20 `send`).
    OpenCw20 {
        m: usize,
        p: usize,
        deposit: u128,
    },
    Accept {
        lease: usize,
    },
    Report {
        lease: usize,
        units: u128,
    },
    Redeem {
        lease: usize,
        units: u128,
    },
    Dispute {
        lease: usize,
        charge: usize,
    },
    Resolve {
        lease: usize,
        charge: usize,
        uphold: bool,
        slash_percent: u64,
        by_dao: bool,
    },
    Settle {
        lease: usize,
    },
    Close {
        lease: usize,
        by_provider: bool,
    },
    TopUp {
        lease: usize,
        amount: u128,
    },
    Stake {
        m: usize,
        amount: u128,
    },
    Unstake {
        m: usize,
        amount: u128,
    },
    ClaimUnstaked {
        m: usize,
    },
    /// Kinds 4 and 5 (an allowance, a token admin change or migration) must
    /// be refused; kind 6 is an upgrade that waits out the exit window.
    Propose {
        m: usize,
        kind: u8,
        value: u64,
    },
    Vote {
        m: usize,
        proposal: usize,
        vote: u8,
    },
    Execute {
        proposal: usize,
    },
    /// Governance in one go, run as its separate transactions: member 0
    /// proposes, every member votes yes, the timelock passes, anyone executes.
    Govern {
        kind: u8,
        value: u64,
    },
    Advance {
        seconds: u64,
    },
    Attack(Attack),
}

/// Actions that must fail, whatever the state.
#[derive(Clone, Debug)]
enum Attack {
    SlashAsAttacker {
        p: usize,
    },
    RecordUsage {
        p: usize,
    },
    ResolveAsAttacker {
        lease: usize,
        charge: usize,
    },
    ReportAsAttacker {
        lease: usize,
    },
    CloseAsAttacker {
        lease: usize,
    },
    SettleWithFunds {
        lease: usize,
    },
    ForgedHook {
        target: u8,
        amount: u128,
    },
    ForgedFunds {
        p: usize,
    },
    TopUpWrongDenom {
        lease: usize,
    },
    UpdateConfig {
        target: u8,
    },
    Mint {
        amount: u128,
    },
    Dispatch {
        proposal: usize,
    },
    VoteWithoutStake {
        proposal: usize,
    },
    ForgedReceipt {
        lease: usize,
        units: u128,
    },
    StealTokens {
        m: usize,
        amount: u128,
    },
    ClaimOthersRewards,
    /// Spends an allowance on the DAO's tokens (none may ever exist).
    SpendDaoAllowance {
        amount: u128,
    },
    /// A member proposes an authz grant as an `any` or `stargate` message.
    ProposeUninspectable {
        m: usize,
        stargate: bool,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let p = 0..PROVIDERS;
    let c = 0..CONSUMERS;
    let m = 0..MEMBERS;
    let lease = 0usize..8;
    prop_oneof![
        3 => (p.clone(), prop_oneof![0u128..3_000, 1_000u128..20_000])
            .prop_map(|(p, stake)| Action::Register { p, stake }),
        1 => (p.clone(), 0u128..5_000).prop_map(|(p, amount)| Action::Bond { p, amount }),
        1 => (p.clone(), amount(0..8_000)).prop_map(|(p, amount)| Action::Unbond { p, amount }),
        1 => p.clone().prop_map(|p| Action::ClaimUnbonded { p }),
        1 => p.clone().prop_map(|p| Action::Deregister { p }),
        1 => p.clone().prop_map(|p| Action::Heartbeat { p }),
        1 => p.clone().prop_map(|p| Action::Unjail { p }),
        2 => p.clone().prop_map(|p| Action::ClaimRewards { p }),
        1 => (p.clone(), 0u64..=100, any::<bool>())
            .prop_map(|(p, percent, jail)| Action::SlashByDao { p, percent, jail }),
        3 => (c.clone(), p.clone(), 0u128..50_000)
            .prop_map(|(c, p, deposit)| Action::OpenMetered { c, p, deposit }),
        2 => (c.clone(), p.clone(), amount(0..5), 0u128..50_000)
            .prop_map(|(c, p, rate, deposit)| Action::OpenStreaming { c, p, rate, deposit }),
        2 => (c.clone(), p.clone(), 0u128..50_000)
            .prop_map(|(c, p, deposit)| Action::OpenReceipts { c, p, deposit }),
        1 => (m.clone(), p.clone(), 0u128..50_000)
            .prop_map(|(m, p, deposit)| Action::OpenCw20 { m, p, deposit }),
        2 => lease.clone().prop_map(|lease| Action::Accept { lease }),
        4 => (lease.clone(), amount(0..2_000)).prop_map(|(lease, units)| Action::Report { lease, units }),
        3 => (lease.clone(), amount(0..2_000)).prop_map(|(lease, units)| Action::Redeem { lease, units }),
        2 => (lease.clone(), 0usize..4).prop_map(|(lease, charge)| Action::Dispute { lease, charge }),
        2 => (lease.clone(), 0usize..4, any::<bool>(), 0u64..15, any::<bool>()).prop_map(
            |(lease, charge, uphold, slash_percent, by_dao)| Action::Resolve {
                lease, charge, uphold, slash_percent, by_dao
            }
        ),
        3 => lease.clone().prop_map(|lease| Action::Settle { lease }),
        2 => (lease.clone(), any::<bool>())
            .prop_map(|(lease, by_provider)| Action::Close { lease, by_provider }),
        1 => (lease.clone(), amount(0..10_000)).prop_map(|(lease, amount)| Action::TopUp { lease, amount }),
        2 => (m.clone(), 0u128..200_000).prop_map(|(m, amount)| Action::Stake { m, amount }),
        1 => (m.clone(), 0u128..60_000).prop_map(|(m, amount)| Action::Unstake { m, amount }),
        1 => m.clone().prop_map(|m| Action::ClaimUnstaked { m }),
        2 => (m.clone(), 0u8..PROPOSAL_KINDS, 0u64..12_000)
            .prop_map(|(m, kind, value)| Action::Propose { m, kind, value }),
        3 => (m.clone(), 0usize..4, 0u8..4)
            .prop_map(|(m, proposal, vote)| Action::Vote { m, proposal, vote }),
        2 => (0usize..4).prop_map(|proposal| Action::Execute { proposal }),
        2 => (0u8..PROPOSAL_KINDS, 0u64..12_000).prop_map(|(kind, value)| Action::Govern { kind, value }),
        5 => prop_oneof![
            1u64..600,
            Just(3_601u64),
            Just(86_400u64),
            Just(4 * 86_400u64 + 1),
            Just(15 * 86_400u64),
        ]
        .prop_map(|seconds| Action::Advance { seconds }),
        6 => attack().prop_map(Action::Attack),
    ]
}

/// Mostly `range`, sometimes an extreme value (overflow must be a typed error).
fn amount(range: std::ops::Range<u128>) -> impl Strategy<Value = u128> {
    prop_oneof![
        12 => range,
        1 => Just(u128::MAX),
        1 => Just(u128::MAX / 7),
    ]
}

fn attack() -> impl Strategy<Value = Attack> {
    let p = 0..PROVIDERS;
    let lease = 0usize..8;
    prop_oneof![
        p.clone().prop_map(|p| Attack::SlashAsAttacker { p }),
        p.clone().prop_map(|p| Attack::RecordUsage { p }),
        (lease.clone(), 0usize..4)
            .prop_map(|(lease, charge)| Attack::ResolveAsAttacker { lease, charge }),
        lease
            .clone()
            .prop_map(|lease| Attack::ReportAsAttacker { lease }),
        lease
            .clone()
            .prop_map(|lease| Attack::CloseAsAttacker { lease }),
        lease
            .clone()
            .prop_map(|lease| Attack::SettleWithFunds { lease }),
        (0u8..3, 1u128..1_000_000)
            .prop_map(|(target, amount)| Attack::ForgedHook { target, amount }),
        p.clone().prop_map(|p| Attack::ForgedFunds { p }),
        lease
            .clone()
            .prop_map(|lease| Attack::TopUpWrongDenom { lease }),
        (0u8..3).prop_map(|target| Attack::UpdateConfig { target }),
        (1u128..1_000_000).prop_map(|amount| Attack::Mint { amount }),
        (0usize..4).prop_map(|proposal| Attack::Dispatch { proposal }),
        (0usize..4).prop_map(|proposal| Attack::VoteWithoutStake { proposal }),
        (lease.clone(), 1u128..1_000)
            .prop_map(|(lease, units)| Attack::ForgedReceipt { lease, units }),
        (0..MEMBERS, 1u128..1_000).prop_map(|(m, amount)| Attack::StealTokens { m, amount }),
        Just(Attack::ClaimOthersRewards),
        (1u128..1_000_000).prop_map(|amount| Attack::SpendDaoAllowance { amount }),
        (0..MEMBERS, any::<bool>())
            .prop_map(|(m, stargate)| Attack::ProposeUninspectable { m, stargate }),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Metered,
    Streaming,
    Receipts,
}

/// What the test remembers about a lease (the chain holds the rest).
#[derive(Clone, Debug)]
struct Lease {
    id: u64,
    kind: Kind,
    consumer: Addr,
    provider: Addr,
    /// Receipts leases: the consumer's key and the units signed so far.
    key: Option<SigningKey>,
    signed: u128,
}

struct World {
    suite: Suite,
    leases: Vec<Lease>,
    proposals: Vec<u64>,
    consumer_keys: Vec<SigningKey>,
    attacker_key: SigningKey,
    native_supply: u128,
    /// Everyone who may hold DAO stake.
    stakers: Vec<Addr>,
}

impl World {
    fn new() -> Self {
        let mut params = SuiteBuilder {
            providers: PROVIDERS,
            consumers: CONSUMERS,
            members: MEMBERS,
            ..SuiteBuilder::new()
        };
        params.rewards.halving_epochs = 2;
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
        World {
            leases: vec![],
            proposals: vec![],
            consumer_keys: (0..CONSUMERS)
                .map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32].into()).unwrap())
                .collect(),
            attacker_key: SigningKey::from_bytes(&[0xAA; 32].into()).unwrap(),
            native_supply: funded * INITIAL_NATIVE,
            stakers,
            suite,
        }
    }

    fn assert_invariants(&self) {
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
    fn everyone_leaves(&mut self) -> Result<(), TestCaseError> {
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
        let wasm = |contract: &Addr, msg: Binary| -> CosmosMsg {
            WasmMsg::Execute {
                contract_addr: contract.to_string(),
                msg,
                funds: vec![],
            }
            .into()
        };
        match kind {
            // A fee change (above 10 000 bps: fails in execution).
            0 => vec![wasm(
                &s.escrow,
                to_json_binary(&escrow::ExecuteMsg::UpdateConfig(
                    escrow::EscrowConfigUpdate {
                        fee_bps: Some((value % 11_000) as u16),
                        ..Default::default()
                    },
                ))
                .unwrap(),
            )],
            // A slash (fails when the provider is not registered).
            1 => vec![wasm(
                &s.registry,
                to_json_binary(&registry::ExecuteMsg::Slash {
                    provider: s.provider(value as usize % PROVIDERS).to_string(),
                    fraction: Decimal::percent(value % 101),
                    reason: "proposal".into(),
                    jail_seconds: None,
                })
                .unwrap(),
            )],
            // Spending fees from the treasury (fails when it holds less).
            2 => vec![BankMsg::Send {
                to_address: s.member(0).to_string(),
                amount: coins(u128::from(value) + 1, PAY_DENOM),
            }
            .into()],
            // An allowance for the attacker on the DAO's tokens: refused.
            4 => vec![wasm(
                &s.token,
                to_json_binary(&token::ExecuteMsg::IncreaseAllowance {
                    spender: s.actors.attacker.to_string(),
                    amount: Uint128::new(u128::from(value) + 1),
                    expires: None,
                })
                .unwrap(),
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
            _ => vec![wasm(
                &s.token,
                to_json_binary(&token::ExecuteMsg::Transfer {
                    recipient: s.actors.attacker.to_string(),
                    amount: Uint128::new(u128::from(value) + 1),
                })
                .unwrap(),
            )],
        }
    }

    /// Runs one action; returns its result and whether it must fail.
    fn apply(&mut self, action: &Action) -> (AnyResult<AppResponse>, bool) {
        let attacker = self.suite.actors.attacker.clone();
        let dao_addr = self.suite.dao.clone();
        let s = &mut self.suite;
        let result = match action.clone() {
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
            Action::OpenMetered { c, p, deposit } => {
                let consumer = self.suite.consumer(c);
                return (
                    self.open(consumer, p, BillingMode::Metered {}, deposit, None),
                    false,
                );
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
                return (self.open(consumer, p, billing, deposit, None), false);
            }
            Action::OpenReceipts { c, p, deposit } => {
                let consumer = self.suite.consumer(c);
                let key = self.consumer_keys[c].clone();
                let billing = BillingMode::Receipts {
                    consumer_pubkey: Binary::from(
                        key.verifying_key().to_encoded_point(true).as_bytes(),
                    ),
                };
                return (self.open(consumer, p, billing, deposit, Some(key)), false);
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
                return (res, false);
            }
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
                let signature = sign(&self.suite, &key, l.id, cumulative);
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
            Action::Govern { .. } => unreachable!("expanded by `steps`"),
            Action::Advance { seconds } => {
                s.advance(seconds);
                return (Ok(AppResponse::default()), false);
            }
            Action::Attack(attack) => return (self.attack(&attack), true),
        };
        (result, false)
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

    fn attack(&mut self, attack: &Attack) -> AnyResult<AppResponse> {
        let attacker = self.suite.actors.attacker.clone();
        let (dao_addr, token_addr) = (self.suite.dao.clone(), self.suite.token.clone());
        match attack.clone() {
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
            Attack::TopUpWrongDenom { lease } => {
                let id = self.lease_id(lease);
                self.suite.escrow_execute(
                    &attacker,
                    &escrow::ExecuteMsg::TopUp { lease_id: id },
                    &[coin(100, STAKE_DENOM)],
                )
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
            Attack::ForgedReceipt { lease, units } => {
                // The provider redeems a receipt the attacker signed.
                let Some(l) = self.lease(lease) else {
                    let provider = self.suite.provider(0);
                    let sig = sign(&self.suite, &self.attacker_key, 1, units);
                    return self.suite.redeem_receipt(&provider, 1, units, sig);
                };
                let cumulative = l.signed.saturating_add(units);
                let sig = sign(&self.suite, &self.attacker_key, l.id, cumulative);
                self.suite
                    .redeem_receipt(&l.provider, l.id, cumulative, sig)
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
            Attack::ClaimOthersRewards => self.suite.claim_rewards(&attacker),
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
        }
    }
}

/// A storage listing priced in uusdc and in the suite token.
fn listing(suite: &Suite) -> RegisterMsg {
    let mut msg = register_msg(Service::Storage, "eu-west");
    msg.prices.push(Price {
        denom: UncheckedDenom::Cw20(suite.token.to_string()),
        per_unit: Uint128::new(TOKEN_PRICE),
    });
    msg
}

fn sign(suite: &Suite, key: &SigningKey, lease_id: u64, units: u128) -> Binary {
    let chain_id = suite.app.block_info().chain_id;
    let digest = receipt_digest(&chain_id, suite.escrow.as_str(), lease_id, units);
    let signature: Signature = key.sign_prehash(&digest).unwrap();
    Binary::from(&signature.to_bytes()[..])
}

/// The transactions an action runs as.
fn steps(action: &Action) -> Vec<Action> {
    match action {
        Action::Govern { kind, value } => {
            let mut steps = vec![Action::Propose {
                m: 0,
                kind: *kind,
                value: *value,
            }];
            steps.extend((0..MEMBERS).map(|m| Action::Vote {
                m,
                proposal: LAST,
                vote: 0,
            }));
            steps.push(Action::Advance {
                seconds: 86_400 + 1,
            });
            steps.push(Action::Execute { proposal: LAST });
            steps
        }
        other => vec![other.clone()],
    }
}

/// Runs one sequence, checking every invariant after every step.
fn run_sequence(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let mut world = World::new();
    world.assert_invariants();
    for (step, action) in actions.iter().flat_map(steps).enumerate() {
        let action = &action;
        let before = world.suite.state_snapshot();
        let (result, must_fail) = world.apply(action);
        if stats() {
            report(action, &result);
        }
        match result {
            Ok(res) => prop_assert!(
                !must_fail,
                "step {step}: the attack {action:?} succeeded: {res:?}"
            ),
            Err(err) => {
                prop_assert!(
                    typed_error(&err).is_some() || is_bank_refusal(&err),
                    "step {step}: {action:?} failed with an untyped error: {err:?}"
                );
                prop_assert!(
                    world.suite.state_snapshot() == before,
                    "step {step}: {action:?} failed ({}) but changed state",
                    err.root_cause()
                );
            }
        }
        world.assert_invariants();
    }
    world.everyone_leaves()?;
    if stats() {
        eprintln!(
            "SUPPLY {} of cap {:?}",
            world.suite.token_supply(),
            world.suite.token_cap()
        );
    }
    Ok(())
}

/// `INVARIANTS_STATS=1` prints each step's outcome (`STAT <action> ok|<error>`)
/// and each case's final token supply, to see what the sequences reach:
/// `INVARIANTS_STATS=1 cargo test -p depin-testing --test invariants -- --nocapture 2>&1 | grep STAT | sort | uniq -c`.
fn stats() -> bool {
    std::env::var_os("INVARIANTS_STATS").is_some()
}

fn report(action: &Action, result: &AnyResult<AppResponse>) {
    let name = format!("{action:?}");
    let name = name.split([' ', '(']).next().unwrap_or_default();
    match result {
        Ok(_) => eprintln!("STAT {name} ok"),
        Err(err) => eprintln!("STAT {name} {}", err.root_cause()),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

#[test]
fn random_action_sequences_keep_every_invariant() {
    let config = Config {
        cases: cases(),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        max_shrink_iters: 2_048,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let strategy = proptest::collection::vec(action(), 1..=MAX_ACTIONS);
    if let Err(err) = runner.run(&strategy, run_sequence) {
        panic!("{err}");
    }
}

/// The checks are not vacuous: a coin the escrow does not owe to any lease
/// (here, sent to it directly) breaks "the escrow holds exactly what its
/// leases owe".
#[test]
#[should_panic(expected = "the escrow holds exactly what its uusdc leases owe")]
fn the_invariant_check_catches_funds_no_lease_owes() {
    let mut world = World::new();
    let consumer = world.suite.consumer(0);
    let escrow_addr = world.suite.escrow.clone();
    world
        .suite
        .app
        .send_tokens(consumer, escrow_addr, &coins(1, PAY_DENOM))
        .unwrap();
    world.assert_invariants();
}
