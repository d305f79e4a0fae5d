//! One function per measured operation, grouped per contract into a scenario
//! that builds the state each operation needs at a given network size.
//! Each figure is one entry point call of one contract: submessages it
//! returns are not executed, and queries to other contracts are answered by
//! the harness with the bytes the real contract returns.

use anyhow::{Context, Result};
use cosmwasm_std::{coins, to_json_binary, Addr, Coin, MemoryStorage, Uint128};
use depin_interface::token::{Cw20Coin, ExecuteMsg as TokenMsg, InstantiateMsg, MinterResponse};
use serde::Serialize;

use crate::chain::{info, Chain};
use crate::seed;
use crate::vm::{Code, Gas, Vm};

pub const STAKE_DENOM: &str = "ustake";
pub const PAY_DENOM: &str = "uusdc";

/// What each contract's operations run on, for the report.
pub const SCENARIOS: &[(&str, &str)] = &[
    (TOKEN, "N holders seeded in cw20-base's `BALANCES`; alice transfers to bob (both holding), sends to the DAO with a `stake` hook, the registry (minter) mints to alice. The cw20-base baseline gets the same state and messages."),
    (REGISTRY, "N active providers seeded (listing with its seven indexes and an agent key, reputation, reward index settled to the current epoch, totals); a new provider registers with native stake and an agent key, bonds, sends a heartbeat (the registry has an oracle, so it proves nothing), unbonds part (a claim), is proven by the oracle in its epoch and the next, claims those two epochs of rewards (the token's real `token_info`/`minter` answers) and the DAO slashes 10 % with a jail. Then 200 more agent-keyed providers are seeded and the oracle sends one `prove_liveness` batch of 1, 10, 100 and 200 (the most a message takes) of them, each batch the first of a new epoch (so it also records the epoch's accumulator start and proof count; its providers were last settled when seeded, up to four epochs before, so each settlement also reads the starts of the epochs between), every entry a fresh nonce signed by the agent key (k256, RFC 6979) and verified on chain."),
    (ESCROW, "N open metered leases seeded; a consumer opens a metered lease (the registry's real `provider` answer), the provider reports usage, anyone settles after the dispute window, the provider redeems a consumer-signed receipt (k256, RFC 6979) after min(N, 1,000) receipts already redeemed on that lease, and the consumer closes the metered lease."),
    (DAO, "The DAO bootstraps for real (instantiate and its three replies), then N stakers (snapshotted) and N proposals are seeded; the token delivers a `stake` hook, the staker proposes a bank payment the next block, votes the block after, and anyone executes after the voting period and timelock."),
];

/// One measured call.
#[derive(Clone, Debug)]
pub struct Figure {
    pub contract: &'static str,
    pub op: &'static str,
    pub n: u64,
    pub gas: Gas,
}

/// The contracts of one run, by the id the VM knows them under.
pub struct World<'a> {
    pub vm: &'a mut Vm,
    pub chain: Chain,
    /// Existing providers, leases, stakers, proposals and holders.
    pub n: u64,
    pub figures: Vec<Figure>,
}

/// The wasm ids (also the names their addresses are made from).
pub const TOKEN: &str = "depin-reward-token";
pub const BASELINE: &str = "cw20-base";
pub const REGISTRY: &str = "depin-provider-registry";
pub const ESCROW: &str = "depin-billing-escrow";
pub const DAO: &str = "depin-dao";

impl World<'_> {
    pub fn addr(&self, name: &str) -> Addr {
        self.chain.addr(name)
    }

    /// Runs an execute and records its gas as `contract`'s `op`.
    fn measure(
        &mut self,
        contract: &'static str,
        op: &'static str,
        sender: &Addr,
        funds: &[Coin],
        msg: &impl Serialize,
    ) -> Result<()> {
        let gas = self.run(contract, sender, funds, msg)?;
        let n = self.n;
        self.figures.push(Figure {
            contract,
            op,
            n,
            gas,
        });
        Ok(())
    }

    /// Runs an execute that prepares state (not recorded).
    fn run(
        &mut self,
        contract: &str,
        sender: &Addr,
        funds: &[Coin],
        msg: &impl Serialize,
    ) -> Result<Gas> {
        let env = self.chain.env(&self.addr(contract));
        self.vm.execute(contract, &env, &info(sender, funds), msg)
    }

    fn instantiate(&mut self, contract: &str, code: &Code, msg: &impl Serialize) -> Result<()> {
        self.vm.contract(contract, code)?;
        let env = self.chain.env(&self.addr(contract));
        let creator = self.addr("creator");
        self.vm
            .instantiate(contract, &env, &info(&creator, &[]), msg)?;
        Ok(())
    }

    /// Copies the contract's storage out, applies `f`, and copies it back.
    fn seed(
        &mut self,
        contract: &str,
        f: impl FnOnce(&mut MemoryStorage, &Chain) -> Result<()>,
    ) -> Result<()> {
        let path = self.vm.export(contract)?;
        let mut storage = seed::load(&path)?;
        f(&mut storage, &self.chain).with_context(|| format!("seeding {contract}"))?;
        seed::save(&storage, &path)?;
        self.vm.import(contract, &path)
    }

    /// Makes the harness answer `msg` sent to `contract` exactly as the
    /// contract (running in the VM now) answers it.
    #[allow(dead_code)]
    fn answer_from<R: serde::de::DeserializeOwned>(
        &mut self,
        contract: &str,
        msg: &impl Serialize,
    ) -> Result<()> {
        let addr = self.addr(contract);
        let response = self.vm.query::<R>(contract, &self.chain.env(&addr), msg)?;
        self.vm.answer(&addr, msg, &response)
    }
}

/// transfer, send and mint on a cw20 (`contract` is the reward token or the
/// cw20-base baseline; both get the same messages and the same state).
pub fn token(w: &mut World, contract: &'static str, code: &Code) -> Result<()> {
    let (alice, bob, minter) = (w.addr("alice"), w.addr("bob"), w.addr(REGISTRY));
    let msg = InstantiateMsg {
        name: "DePIN Reward".into(),
        symbol: "DPIN".into(),
        decimals: 6,
        initial_balances: vec![
            Cw20Coin {
                address: alice.to_string(),
                amount: Uint128::new(1_000_000_000_000),
            },
            Cw20Coin {
                address: bob.to_string(),
                amount: Uint128::new(1_000_000),
            },
        ],
        mint: Some(MinterResponse {
            minter: minter.to_string(),
            cap: Some(Uint128::new(10u128.pow(18))),
        }),
        marketing: None,
    };
    w.instantiate(contract, code, &msg)?;
    let n = w.n;
    w.seed(contract, |s, chain| seed::token_holders(s, chain, n))?;
    w.chain.advance(6);
    let amount = Uint128::new(1_000);
    let transfer = TokenMsg::Transfer {
        recipient: bob.to_string(),
        amount,
    };
    w.measure(contract, "transfer", &alice, &[], &transfer)?;
    let send = TokenMsg::Send {
        contract: w.addr(DAO).to_string(),
        amount,
        msg: to_json_binary(&serde_json::json!({ "stake": {} }))?,
    };
    w.measure(contract, "send", &alice, &[], &send)?;
    let mint = TokenMsg::Mint {
        recipient: alice.to_string(),
        amount,
    };
    w.measure(contract, "mint", &minter, &[], &mint)?;
    Ok(())
}

/// Native funds helper.
pub fn funds(amount: u128, denom: &str) -> Vec<Coin> {
    coins(amount, denom)
}

/// register, bond, heartbeat, unbond, claim_rewards and slash of one provider
/// among `n` seeded active providers; also registers the escrow's provider
/// and teaches the harness the registry's answer about it.
#[cfg(feature = "registry")]
pub fn registry(w: &mut World, code: &Code) -> Result<()> {
    use cosmwasm_std::Decimal;
    use depin_interface::registry::{ExecuteMsg, ProviderResponse, QueryMsg};

    let (x, p, dao) = (w.addr("provider-x"), w.addr("provider-p"), w.addr(DAO));
    let oracle = w.addr("oracle");
    let key = agents::key();
    let agent_pubkey = agents::pubkey(&key);
    let msg = registry_instantiate_msg(w);
    w.instantiate(REGISTRY, code, &msg)?;
    let n = w.n;
    w.seed(REGISTRY, |s, chain| {
        seed::providers(s, chain, ("provider", n), PAY_DENOM, &agent_pubkey)
    })?;
    w.chain.advance(6);
    let register = ExecuteMsg::Register(register_msg(&agent_pubkey));
    let stake = funds(2_000_000, STAKE_DENOM);
    w.measure(REGISTRY, "register", &x, &stake, &register)?;
    w.run(REGISTRY, &p, &stake, &register)?;
    w.chain.advance(6);
    w.measure(
        REGISTRY,
        "bond",
        &x,
        &funds(1_000_000, STAKE_DENOM),
        &ExecuteMsg::Bond {},
    )?;
    w.chain.advance(6);
    w.measure(REGISTRY, "heartbeat", &x, &[], &ExecuteMsg::Heartbeat {})?;
    w.chain.advance(6);
    let unbond = ExecuteMsg::Unbond {
        amount: Uint128::new(500_000),
    };
    w.measure(REGISTRY, "unbond", &x, &[], &unbond)?;
    // Proven in this epoch and the next; the claim, an epoch later, is paid both.
    for advance in [0, 86_400] {
        w.chain.advance(advance);
        let epoch = current_epoch(w)?;
        let prove = agents::prove(w, &key, epoch, std::slice::from_ref(&x))?;
        w.run(REGISTRY, &oracle, &[], &prove)?;
    }
    w.chain.advance(86_400);
    // With the token's real answers about supply and cap.
    w.answer_from::<cw20::TokenInfoResponse>(TOKEN, &cw20::Cw20QueryMsg::TokenInfo {})?;
    w.answer_from::<Option<MinterResponse>>(TOKEN, &cw20::Cw20QueryMsg::Minter {})?;
    w.measure(
        REGISTRY,
        "claim_rewards",
        &x,
        &[],
        &ExecuteMsg::ClaimRewards { providers: None },
    )?;
    w.chain.advance(6);
    let slash = ExecuteMsg::Slash {
        provider: x.to_string(),
        fraction: Decimal::percent(10),
        reason: "missed heartbeats".into(),
        jail_seconds: Some(3_600),
    };
    w.measure(REGISTRY, "slash", &dao, &[], &slash)?;
    w.answer_from::<ProviderResponse>(
        REGISTRY,
        &QueryMsg::Provider {
            address: p.to_string(),
        },
    )?;
    prove_liveness(w, &key, &agent_pubkey)?;
    fleet(w, &key, &agent_pubkey)
}

/// A fleet: `claimer-{i}` providers seeded with the operator `fleet-operator`,
/// proven in one epoch (unmeasured batches); the epoch after, the operator
/// claims for 1, 10, 100 and 200 of them (disjoint, each with a proven
/// epoch to claim), then the escrow records usage batches of each size.
#[cfg(feature = "registry")]
fn fleet(
    w: &mut World,
    key: &k256::ecdsa::SigningKey,
    agent_pubkey: &cosmwasm_std::Binary,
) -> Result<()> {
    use depin_interface::registry::{ExecuteMsg, UsageRecord};
    use depin_interface::{UncheckedDenom, UncheckedDenomAmount};

    let total: usize = FLEET_CLAIMS.iter().map(|(size, _)| size).sum();
    w.seed(REGISTRY, |s, chain| {
        seed::providers(s, chain, ("claimer", total as u64), PAY_DENOM, agent_pubkey)?;
        seed::operators(s, chain, ("claimer", total as u64), "fleet-operator")
    })?;
    let claimers: Vec<Addr> = (0..total)
        .map(|i| w.addr(&format!("claimer-{i}")))
        .collect();
    w.chain.advance(6);
    let (oracle, operator) = (w.addr("oracle"), w.addr("fleet-operator"));
    let epoch = current_epoch(w)?;
    for chunk in claimers.chunks(depin_interface::liveness::MAX_LIVENESS_PROOFS) {
        let prove = agents::prove(w, key, epoch, chunk)?;
        w.run(REGISTRY, &oracle, &[], &prove)?;
    }
    w.chain.advance(86_400);
    let mut rest = &claimers[..];
    for &(size, op) in FLEET_CLAIMS {
        let (these, after) = rest.split_at(size);
        rest = after;
        let claim = ExecuteMsg::ClaimRewards {
            providers: Some(these.iter().map(|a| a.to_string()).collect()),
        };
        w.chain.advance(6);
        w.measure(REGISTRY, op, &operator, &[], &claim)?;
    }
    let escrow = w.addr(ESCROW);
    let in_pay = |amount: u128| {
        vec![UncheckedDenomAmount {
            denom: UncheckedDenom::Native(PAY_DENOM.into()),
            amount: Uint128::new(amount),
        }]
    };
    for &(size, op) in USAGE_BATCHES {
        let entries = claimers[..size]
            .iter()
            .map(|provider| UsageRecord {
                provider: provider.to_string(),
                units: Uint128::new(1_000),
                revenue: in_pay(10_000),
                fees: in_pay(100),
                payments: 1,
            })
            .collect();
        w.chain.advance(6);
        w.measure(
            REGISTRY,
            op,
            &escrow,
            &[],
            &ExecuteMsg::RecordUsageBatch { entries },
        )?;
    }
    Ok(())
}

/// The measured fleet claims (`claim_rewards {providers}` by the operator).
pub const FLEET_CLAIMS: &[(usize, &str)] = &[
    (1, "claim_rewards (fleet of 1)"),
    (10, "claim_rewards (fleet of 10)"),
    (100, "claim_rewards (fleet of 100)"),
    (
        depin_interface::MAX_BATCH_ITEMS,
        "claim_rewards (fleet of 200)",
    ),
];

/// The measured `record_usage_batch` sizes (the escrow's, one per batch it pays).
pub const USAGE_BATCHES: &[(usize, &str)] = &[
    (1, "record_usage_batch (1 provider)"),
    (10, "record_usage_batch (10 providers)"),
    (100, "record_usage_batch (100 providers)"),
    (
        depin_interface::MAX_BATCH_ITEMS,
        "record_usage_batch (200 providers)",
    ),
];

/// The measured escrow `batch` sizes: usage reports, each paying the lease's matured charge.
pub const REPORT_BATCHES: &[(usize, &str)] = &[
    (1, "batch (1 report)"),
    (10, "batch (10 reports)"),
    (100, "batch (100 reports)"),
    (depin_interface::MAX_BATCH_ITEMS, "batch (200 reports)"),
];

/// Measured sizes of one batched message and their operation names.
pub type BatchSizes = &'static [(usize, &'static str)];

/// Every batched message (contract, what an item is) with its measured
/// sizes: the report's per-item table.
pub const BATCHED: &[(&str, &str, BatchSizes)] = &[
    (REGISTRY, "prove_liveness (per proof)", PROOF_BATCHES),
    (
        REGISTRY,
        "claim_rewards for a fleet (per provider)",
        FLEET_CLAIMS,
    ),
    (REGISTRY, "record_usage_batch (per provider)", USAGE_BATCHES),
    (
        ESCROW,
        "batch of usage reports, each paying a matured charge (per lease)",
        REPORT_BATCHES,
    ),
];

/// The registry's current epoch, as it computes it.
#[cfg(feature = "registry")]
fn current_epoch(w: &mut World) -> Result<u64> {
    use depin_interface::registry::{QueryMsg, StatsResponse};
    let env = w.chain.env(&w.addr(REGISTRY));
    let data =
        w.vm.query::<StatsResponse>(REGISTRY, &env, &QueryMsg::Stats {})?;
    Ok(cosmwasm_std::from_json::<StatsResponse>(&data)?.current_epoch)
}

/// `prove_liveness` batches of each size in [`PROOF_BATCHES`], each the
/// first batch of a new epoch, over `prover-{i}` providers seeded now (in
/// the block of the last execute, so the accumulator is up to date).
#[cfg(feature = "registry")]
fn prove_liveness(
    w: &mut World,
    key: &k256::ecdsa::SigningKey,
    agent_pubkey: &cosmwasm_std::Binary,
) -> Result<()> {
    let most = PROOF_BATCHES
        .iter()
        .map(|(size, _)| *size)
        .max()
        .unwrap_or(0);
    w.seed(REGISTRY, |s, chain| {
        seed::providers(s, chain, ("prover", most as u64), PAY_DENOM, agent_pubkey)
    })?;
    let oracle = w.addr("oracle");
    let provers: Vec<Addr> = (0..most).map(|i| w.addr(&format!("prover-{i}"))).collect();
    for &(size, op) in PROOF_BATCHES {
        w.chain.advance(86_400);
        let epoch = current_epoch(w)?;
        let prove = agents::prove(w, key, epoch, &provers[..size])?;
        w.measure(REGISTRY, op, &oracle, &[], &prove)?;
    }
    Ok(())
}

/// The measured `prove_liveness` batch sizes (up to `MAX_LIVENESS_PROOFS`) and their operation names.
pub const PROOF_BATCHES: &[(usize, &str)] = &[
    (1, "prove_liveness (1 proof)"),
    (10, "prove_liveness (10 proofs)"),
    (100, "prove_liveness (100 proofs)"),
    (
        depin_interface::liveness::MAX_LIVENESS_PROOFS,
        "prove_liveness (200 proofs)",
    ),
];

/// Agents' answers to the oracle's challenges: k256 ECDSA with RFC 6979
/// nonces over the registry's liveness digest.
#[cfg(feature = "registry")]
mod agents {
    use anyhow::Result;
    use cosmwasm_std::{Addr, Binary};
    use depin_interface::liveness::liveness_digest;
    use depin_interface::registry::{ExecuteMsg, LivenessProof};
    use k256::ecdsa::signature::hazmat::PrehashSigner;
    use k256::ecdsa::{Signature, SigningKey};

    use super::{World, REGISTRY};
    use crate::chain::CHAIN_ID;

    /// One agent key for every seeded provider (the registry does not ask
    /// them to differ; each digest names its provider).
    pub fn key() -> SigningKey {
        SigningKey::from_slice(&[9u8; 32]).expect("a fixed valid secp256k1 scalar")
    }

    pub fn pubkey(key: &SigningKey) -> Binary {
        Binary::from(key.verifying_key().to_encoded_point(true).as_bytes())
    }

    /// A `prove_liveness` of `providers` for `epoch`: per entry a 16-byte
    /// nonce and the agent's signature over the digest the registry checks
    /// (the bench's chain id and the registry's address, as in its `Env`).
    pub fn prove(
        w: &World,
        key: &SigningKey,
        epoch: u64,
        providers: &[Addr],
    ) -> Result<ExecuteMsg> {
        let registry = w.addr(REGISTRY);
        let proofs = providers
            .iter()
            .enumerate()
            .map(|(i, provider)| {
                let mut nonce = [0u8; 16];
                nonce[..8].copy_from_slice(&epoch.to_be_bytes());
                nonce[8..].copy_from_slice(&(i as u64).to_be_bytes());
                let digest = liveness_digest(
                    CHAIN_ID,
                    registry.as_str(),
                    provider.as_str(),
                    epoch,
                    &nonce,
                );
                let signature: Signature = key
                    .sign_prehash(&digest)
                    .map_err(|e| anyhow::anyhow!("signing a liveness proof: {e}"))?;
                Ok(LivenessProof {
                    provider: provider.to_string(),
                    nonce: Binary::from(nonce),
                    signature: Binary::from(signature.to_bytes().to_vec()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ExecuteMsg::ProveLiveness { epoch, proofs })
    }
}

#[cfg(feature = "registry")]
fn registry_instantiate_msg(w: &World) -> depin_interface::registry::InstantiateMsg {
    use cosmwasm_std::Decimal;
    use depin_interface::registry::{InstantiateMsg, RewardParams, UsageWeight};
    use depin_interface::UncheckedDenom;

    InstantiateMsg {
        dao: w.addr(DAO).to_string(),
        reward_token: Some(w.addr(TOKEN).to_string()),
        billing_escrow: Some(w.addr(ESCROW).to_string()),
        stake_denom: UncheckedDenom::Native(STAKE_DENOM.into()),
        min_stake: Uint128::new(1_000_000),
        unbonding_period: 14 * 86_400,
        max_slash: Decimal::percent(10),
        oracles: vec![w.addr("oracle").to_string()],
        rewards: RewardParams {
            epoch_seconds: 86_400,
            emission_per_epoch: Uint128::new(1_000_000_000),
            halving_epochs: 365,
            usage_share: Decimal::percent(20),
            usage_weights: vec![UsageWeight {
                denom: UncheckedDenom::Native(PAY_DENOM.into()),
                weight: Decimal::one(),
            }],
        },
    }
}

/// A full listing: every optional field set, as a real provider's.
#[cfg(feature = "registry")]
fn register_msg(agent_pubkey: &cosmwasm_std::Binary) -> depin_interface::registry::RegisterMsg {
    use depin_interface::registry::{Capacity, Price, RegisterMsg, Service};
    use depin_interface::UncheckedDenom;

    RegisterMsg {
        service: Service::Storage,
        endpoint: "https://provider.example.net:8443".into(),
        region: "region-3".into(),
        capacity: Capacity {
            amount: Uint128::new(10_000),
            unit: "GiB".into(),
        },
        prices: vec![Price {
            denom: UncheckedDenom::Native(PAY_DENOM.into()),
            per_unit: Uint128::new(10),
        }],
        metadata_uri: Some(
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi".into(),
        ),
        agent_pubkey: Some(agent_pubkey.clone()),
    }
}

/// open_lease, report_usage, settle, redeem_receipt and close_lease among `n`
/// seeded leases. Needs the registry scenario's answer about provider-p.
#[cfg(feature = "escrow")]
pub fn escrow(w: &mut World, code: &Code) -> Result<()> {
    use depin_interface::escrow::{BillingMode, ExecuteMsg, InstantiateMsg, OpenLeaseMsg};
    use depin_interface::UncheckedDenom;

    let (consumer, provider) = (w.addr("consumer-c"), w.addr("provider-p"));
    let msg = InstantiateMsg {
        dao: w.addr(DAO).to_string(),
        registry: w.addr(REGISTRY).to_string(),
        treasury: None,
        fee_bps: 100,
        dispute_window: 3_600,
        accepted_denoms: vec![UncheckedDenom::Native(PAY_DENOM.into())],
        arbiters: None,
        min_close_grace: None,
    };
    w.instantiate(ESCROW, code, &msg)?;
    let n = w.n;
    w.seed(ESCROW, |s, chain| {
        seed::leases(s, chain, (n, None), PAY_DENOM)
    })?;
    w.chain.advance(6);
    let deposit = funds(10_000_000, PAY_DENOM);
    let open = |billing| {
        ExecuteMsg::OpenLease(OpenLeaseMsg {
            provider: provider.to_string(),
            billing,
            max_price_per_unit: Some(Uint128::new(10)),
        })
    };
    w.measure(
        ESCROW,
        "open_lease",
        &consumer,
        &deposit,
        &open(BillingMode::Metered {}),
    )?;
    let metered = n + 1;
    w.chain.advance(6);
    // As the provider agent reports: built on the lease's count so far.
    let report = ExecuteMsg::ReportUsage {
        lease_id: metered,
        units: Uint128::new(100),
        billed_before: Some(Uint128::zero()),
    };
    w.measure(ESCROW, "report_usage", &provider, &[], &report)?;
    w.chain.advance(3_600);
    w.measure(
        ESCROW,
        "settle",
        &consumer,
        &[],
        &ExecuteMsg::Settle { lease_id: metered },
    )?;

    let key = receipts::consumer_key();
    let receipts_lease = open(BillingMode::Receipts {
        consumer_pubkey: receipts::pubkey(&key),
    });
    w.run(ESCROW, &consumer, &deposit, &receipts_lease)?;
    redeem_receipts(w, &key, &provider, n + 2)?;
    w.chain.advance(6);
    w.measure(
        ESCROW,
        "close_lease",
        &consumer,
        &[],
        &ExecuteMsg::CloseLease { lease_id: metered },
    )?;
    report_batches(w, &provider, n + 3)
}

/// 200 metered leases of `provider` seeded (ids from `first`); per size in
/// [`REPORT_BATCHES`] an unmeasured batch reports on that many of them, and
/// after the dispute window the measured batch reports again, each item
/// paying the charge that matured.
#[cfg(feature = "escrow")]
fn report_batches(w: &mut World, provider: &Addr, first: u64) -> Result<()> {
    use depin_interface::escrow::{BatchItem, ExecuteMsg};

    let most = depin_interface::MAX_BATCH_ITEMS;
    let name = "provider-p";
    w.seed(ESCROW, |s, chain| {
        seed::leases(s, chain, (most as u64, Some(name)), PAY_DENOM)
    })?;
    let mut reported = vec![0u128; most];
    for &(size, op) in REPORT_BATCHES {
        for measured in [false, true] {
            let items = (0..size)
                .map(|i| BatchItem::ReportUsage {
                    lease_id: first + i as u64,
                    units: Uint128::new(100),
                    billed_before: Some(Uint128::new(reported[i])),
                })
                .collect();
            for units in &mut reported[..size] {
                *units += 100;
            }
            let batch = ExecuteMsg::Batch { items };
            if measured {
                w.measure(ESCROW, op, provider, &[], &batch)?;
            } else {
                w.run(ESCROW, provider, &[], &batch)?;
                w.chain.advance(3_600);
            }
        }
        w.chain.advance(6);
    }
    Ok(())
}

/// min(N, 1,000) receipts redeemed on `lease` before the measured one, each a
/// real call: the measured one pays only the increase, whatever came before.
#[cfg(feature = "escrow")]
fn redeem_receipts(
    w: &mut World,
    key: &k256::ecdsa::SigningKey,
    provider: &Addr,
    lease: u64,
) -> Result<()> {
    use depin_interface::escrow::ExecuteMsg;

    let escrow = w.addr(ESCROW);
    let before = u128::from(w.n.min(MAX_PRIOR_RECEIPTS));
    for i in 1..=before + 1 {
        w.chain.advance(6);
        let units = i * 10;
        let signature = receipts::sign(key, &escrow, lease, units)?;
        let redeem = ExecuteMsg::RedeemReceipt {
            lease_id: lease,
            cumulative_units: Uint128::new(units),
            signature,
        };
        if i > before {
            w.measure(ESCROW, "redeem_receipt", provider, &[], &redeem)?;
        } else {
            w.run(ESCROW, provider, &[], &redeem)?;
        }
    }
    Ok(())
}

/// Most receipts redeemed (for real) on the lease before the measured one.
#[cfg(feature = "escrow")]
pub const MAX_PRIOR_RECEIPTS: u64 = 1_000;

/// Consumer-signed receipts: k256 ECDSA with RFC 6979 nonces over the
/// suite's receipt digest.
#[cfg(feature = "escrow")]
mod receipts {
    use anyhow::Result;
    use cosmwasm_std::{Addr, Binary};
    use k256::ecdsa::signature::hazmat::PrehashSigner;
    use k256::ecdsa::{Signature, SigningKey};

    use crate::chain::CHAIN_ID;

    pub fn consumer_key() -> SigningKey {
        SigningKey::from_slice(&[7u8; 32]).expect("a fixed valid secp256k1 scalar")
    }

    pub fn pubkey(key: &SigningKey) -> Binary {
        Binary::from(key.verifying_key().to_encoded_point(true).as_bytes())
    }

    pub fn sign(key: &SigningKey, escrow: &Addr, lease_id: u64, units: u128) -> Result<Binary> {
        let digest =
            depin_interface::receipt::receipt_digest(CHAIN_ID, escrow.as_str(), lease_id, units);
        let signature: Signature = key
            .sign_prehash(&digest)
            .map_err(|e| anyhow::anyhow!("signing a receipt: {e}"))?;
        Ok(Binary::from(
            signature.to_bytes().iter().copied().collect::<Vec<u8>>(),
        ))
    }
}

/// stake, propose, vote and execute among `n` seeded stakers and proposals.
/// The DAO's bootstrap runs for real: instantiate, then the three replies
/// (with the addresses the suite's contracts have here).
#[cfg(feature = "dao")]
pub fn dao(w: &mut World, code: &Code) -> Result<()> {
    use cosmwasm_std::{BankMsg, CosmosMsg};
    use depin_interface::dao::{ExecuteMsg, ProposeMsg, ReceiveMsg, Vote};
    use depin_interface::token::Cw20ReceiveMsg;

    let (alice, bob, token) = (w.addr("alice"), w.addr("bob"), w.addr(TOKEN));
    let msg = dao_instantiate_msg(&alice);
    w.instantiate(DAO, code, &msg)?;
    let env = w.chain.env(&w.addr(DAO));
    for (id, contract) in [(1, TOKEN), (2, REGISTRY), (3, ESCROW)] {
        let reply = instantiate_reply(id, &w.addr(contract));
        w.vm.reply(DAO, &env, &reply)?;
    }
    let n = w.n;
    w.seed(DAO, |s, chain| seed::dao_members(s, chain, n))?;
    w.chain.advance(6);
    let stake = ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: alice.to_string(),
        amount: Uint128::new(10u128.pow(12)),
        msg: to_json_binary(&ReceiveMsg::Stake {})?,
    });
    w.measure(DAO, "stake", &token, &[], &stake)?;
    w.chain.advance(6);
    let propose = ExecuteMsg::Propose(ProposeMsg {
        title: "Pay the auditors".into(),
        description: "Sends the audit fee from the treasury.".into(),
        msgs: vec![CosmosMsg::Bank(BankMsg::Send {
            to_address: bob.to_string(),
            amount: funds(1_000_000, STAKE_DENOM),
        })],
    });
    w.measure(DAO, "propose", &alice, &[], &propose)?;
    let proposal_id = n + 1;
    w.chain.advance(6);
    w.measure(
        DAO,
        "vote",
        &alice,
        &[],
        &ExecuteMsg::Vote {
            proposal_id,
            vote: Vote::Yes,
        },
    )?;
    w.chain.advance(3_600 + 600 + 6);
    w.measure(
        DAO,
        "execute",
        &bob,
        &[],
        &ExecuteMsg::Execute { proposal_id },
    )
}

/// The whole suite's parameters, as a real deployment passes them; alice holds
/// the initial supply.
#[cfg(feature = "dao")]
fn dao_instantiate_msg(alice: &Addr) -> depin_interface::dao::InstantiateMsg {
    use cosmwasm_std::Decimal;
    use depin_interface::dao::{
        DaoConfig, EscrowParams, InstantiateMsg, RegistryParams, SuiteInstantiate, TokenParams,
    };
    use depin_interface::registry::RewardParams;
    use depin_interface::UncheckedDenom;

    let config = DaoConfig {
        voting_period: 3_600,
        threshold: Decimal::percent(50),
        quorum: Decimal::percent(20),
        veto_threshold: Decimal::permille(334),
        proposal_deposit: Uint128::zero(),
        unstaking_period: 86_400,
        timelock: 600,
        guardian: None,
    };
    InstantiateMsg {
        config,
        suite: SuiteInstantiate {
            token_code_id: 1,
            registry_code_id: 2,
            escrow_code_id: 3,
            token: TokenParams {
                name: "DePIN Reward".into(),
                symbol: "DPIN".into(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(10u128.pow(13)),
                }],
                cap: Some(Uint128::new(10u128.pow(18))),
                marketing: None,
            },
            registry: RegistryParams {
                stake_denom: None,
                min_stake: Uint128::new(1_000_000),
                unbonding_period: 14 * 86_400,
                max_slash: Decimal::percent(10),
                oracles: vec![],
                rewards: RewardParams {
                    epoch_seconds: 86_400,
                    emission_per_epoch: Uint128::new(1_000_000_000),
                    halving_epochs: 365,
                    usage_share: Decimal::percent(20),
                    usage_weights: vec![],
                },
            },
            escrow: EscrowParams {
                fee_bps: 100,
                dispute_window: 3_600,
                accepted_denoms: vec![UncheckedDenom::Native(PAY_DENOM.into())],
                arbiters: None,
                accept_suite_token: None,
                min_close_grace: None,
            },
        },
    }
}

/// The reply wasmd delivers after instantiating a contract at `address`.
#[cfg(feature = "dao")]
fn instantiate_reply(id: u64, address: &Addr) -> cosmwasm_std::Reply {
    use cosmwasm_std::{Binary, MsgResponse, Reply, SubMsgResponse, SubMsgResult};
    // MsgInstantiateContractResponse { contract_address = 1; data = 2 } in protobuf.
    let addr = address.as_bytes();
    let mut value = vec![0x0a];
    let mut len = addr.len();
    while len >= 0x80 {
        value.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    value.push(len as u8);
    value.extend_from_slice(addr);
    #[allow(deprecated)]
    let response = SubMsgResponse {
        events: vec![],
        data: None,
        msg_responses: vec![MsgResponse {
            type_url: "/cosmwasm.wasm.v1.MsgInstantiateContractResponse".into(),
            value: Binary::from(value),
        }],
    };
    Reply {
        id,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Ok(response),
    }
}
