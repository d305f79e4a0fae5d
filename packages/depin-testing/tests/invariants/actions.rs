//! The actions a sequence is made of, the attacks among them, and their
//! proptest strategies.

use super::*;

#[derive(Clone, Debug)]
pub enum Action {
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
    /// The oracle proves the providers whose bit is set in `mask` for the
    /// current epoch (or the previous one); bit 7 adds a forged entry (the
    /// attacker's signature for provider 0), which must be rejected alone.
    Prove {
        mask: u8,
        previous: bool,
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
    /// An escrow `batch` of picks (kind 0 report, 1 redeem, 2 settle; a
    /// lease; units), sent by the first pick's provider or by the fleet
    /// operator: items of other providers' leases must be refused alone.
    Batch {
        picks: Vec<(u8, usize, u128)>,
        by_operator: bool,
    },
    /// Provider `p` names the fleet operator, or removes it.
    SetOperator {
        p: usize,
        on: bool,
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
    /// The DAO points the registry at the other escrow (a second instance),
    /// and back the next time: old leases' disputes must still resolve.
    SwapRegistrysEscrow,
    /// The DAO points the escrow at another registry (an outside address), and
    /// back the next time: held stake must still be slashed and released.
    SwapEscrowsRegistry,
    /// A member gives suite tokens to the DAO's treasury.
    DonateToDao {
        m: usize,
        amount: u128,
    },
    Attack(Attack),
}

/// Actions that must fail, whatever the state.
#[derive(Clone, Debug)]
pub enum Attack {
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
    /// The DAO (`from` 0, its treasury) or the escrow (1, cw20 deposits) stakes
    /// or proposes in the DAO.
    SuiteStakes {
        from: u8,
        propose: bool,
    },
    /// The DAO sets one parameter to a value that could lock governance.
    LockGovernance {
        field: u8,
    },
}

pub fn action() -> impl Strategy<Value = Action> {
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
        4 => (any::<u8>(), any::<bool>())
            .prop_map(|(mask, previous)| Action::Prove { mask, previous }),
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
        3 => (prop::collection::vec((0u8..3, lease.clone(), amount(0..2_000)), 1..6), any::<bool>())
            .prop_map(|(picks, by_operator)| Action::Batch { picks, by_operator }),
        1 => (p.clone(), any::<bool>()).prop_map(|(p, on)| Action::SetOperator { p, on }),
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
        1 => Just(Action::SwapRegistrysEscrow),
        1 => Just(Action::SwapEscrowsRegistry),
        1 => (m.clone(), 1u128..100_000).prop_map(|(m, amount)| Action::DonateToDao { m, amount }),
        6 => attack().prop_map(Action::Attack),
    ]
}

/// Mostly `range`, sometimes an extreme value (overflow must be a typed error).
pub fn amount(range: std::ops::Range<u128>) -> impl Strategy<Value = u128> {
    prop_oneof![
        12 => range,
        1 => Just(u128::MAX),
        1 => Just(u128::MAX / 7),
    ]
}

pub fn attack() -> impl Strategy<Value = Attack> {
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
        (0u8..2, any::<bool>()).prop_map(|(from, propose)| Attack::SuiteStakes { from, propose }),
        (0u8..7).prop_map(|field| Attack::LockGovernance { field }),
    ]
}
