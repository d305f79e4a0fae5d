//! The decoder on real blocks: `block` and `block_results` responses recorded
//! (`depin-indexer record`) from a wasmd v0.70.3 devnet running the suite, the
//! deploy demo and e2e/activity.cjs. Expected rows are the values the
//! contracts emitted in those blocks (checked against the chain's own queries
//! by the e2e test's reconciliation).

use std::path::PathBuf;

use depin_indexer::decode::{decode_block, BlockResponse, BlockResults, Suite};
use depin_indexer::rows::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(name: &str) -> serde_json::Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn deployment() -> serde_json::Value {
    read("deployment.json")
}

fn suite() -> Suite {
    serde_json::from_value(deployment()["addresses"].clone()).unwrap()
}

fn account(name: &str) -> String {
    deployment()["accounts"][name].as_str().unwrap().to_string()
}

/// The recorded `result`s of a height.
fn raw(height: u64) -> (serde_json::Value, serde_json::Value) {
    (
        read(&format!("block-{height}.json"))["result"].clone(),
        read(&format!("block_results-{height}.json"))["result"].clone(),
    )
}

fn decode_raw(suite: &Suite, block: &serde_json::Value, results: &serde_json::Value) -> Vec<Row> {
    let block: BlockResponse = serde_json::from_value(block.clone()).unwrap();
    let results: BlockResults = serde_json::from_value(results.clone()).unwrap();
    decode_block(suite, &block, &results).unwrap().rows
}

fn rows_at(height: u64) -> Vec<Row> {
    let (block, results) = raw(height);
    decode_raw(&suite(), &block, &results)
}

fn heights() -> Vec<u64> {
    let mut heights: Vec<u64> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_prefix("block-")?
                .strip_suffix(".json")?
                .parse()
                .ok()
        })
        .collect();
    heights.sort_unstable();
    heights
}

macro_rules! only {
    ($rows:expr, $variant:ident) => {
        $rows
            .iter()
            .filter_map(|r| match r {
                Row::$variant(x) => Some(x.clone()),
                _ => None,
            })
            .collect::<Vec<$variant>>()
    };
}

const ORACLE: &str = "wasm1zpda8lht4l5044j0c6q0n626gf3v6sumzw60n6";
const PROVIDER2: &str = "wasm15gc2x0l6dp255dz4sx23q4nt382we7echu9mhd";
const PROVIDER3: &str = "wasm17pu8uyr99nzlfglufj5u5g0hyf2qfgjn7mdxck";

#[test]
fn every_row_carries_its_block_height_time_and_transaction() {
    let heights = heights();
    assert!(heights.len() >= 25, "fixtures: {heights:?}");
    for height in heights {
        let (block, _) = raw(height);
        let time = block["block"]["header"]["time"]
            .as_str()
            .unwrap()
            .to_string();
        let rows = rows_at(height);
        for (seq, row) in rows.iter().enumerate() {
            let at = row.at();
            assert_eq!(
                (at.height, &at.block_time, at.seq),
                (height, &time, seq as u32)
            );
            let hash = at
                .tx_hash
                .as_deref()
                .expect("suite events come from transactions here");
            assert!(
                hash.len() == 64
                    && hash
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
            );
            assert_eq!(at.id(), (height * 1_000_000 + seq as u64) as i64);
        }
    }
}

#[test]
fn register_gives_a_registration_its_stake_and_a_provider_event() {
    let rows = rows_at(23);
    let provider1 = account("provider1");
    let registration = &only!(rows, Registration)[0];
    assert_eq!(
        (
            registration.provider.as_str(),
            registration.service.as_str(),
            registration.region.as_str()
        ),
        (provider1.as_str(), "storage", "eu-west")
    );
    assert_eq!(
        (registration.amount, registration.stake),
        (5_000_000, 5_000_000)
    );
    // The tx hash is CometBFT's (the chain's /tx?hash= finds it).
    assert_eq!(
        registration.at.tx_hash.as_deref(),
        Some("EA478860B65648B5D60EBCDAA3D1E18A1B6F1FC5994C59085208908EC4CC1C9B")
    );
    let stake = &only!(rows, StakeChange)[0];
    assert_eq!(
        (stake.action.as_str(), stake.amount, stake.stake),
        ("register", 5_000_000, 5_000_000)
    );
    let event = &only!(rows, ProviderEvent)[0];
    assert_eq!(event.action, "register");
    let attributes: serde_json::Value = serde_json::from_str(&event.attributes).unwrap();
    assert_eq!(attributes["region"], "eu-west");
    assert!(attributes.get("_contract_address").is_none());
}

#[test]
fn bond_and_unbond_give_stake_changes_with_the_stake_after() {
    let bond = &only!(rows_at(122), StakeChange)[0];
    assert_eq!(
        (
            bond.provider.as_str(),
            bond.action.as_str(),
            bond.amount,
            bond.stake
        ),
        (PROVIDER2, "bond", 500_000, 3_500_000)
    );
    let unbond = &only!(rows_at(123), StakeChange)[0];
    assert_eq!(
        (
            unbond.provider.as_str(),
            unbond.action.as_str(),
            unbond.amount,
            unbond.stake
        ),
        (PROVIDER3, "unbond", 250_000, 2_750_000)
    );
    assert!(unbond
        .release_at_ns
        .is_some_and(|ns| ns > 1_700_000_000_000_000_000));
}

#[test]
fn a_redeemed_receipt_is_a_receipt_a_payment_with_fee_and_recorded_usage() {
    let rows = rows_at(27);
    let receipt = &only!(rows, ReceiptRedeemed)[0];
    assert_eq!(
        (
            receipt.lease_id,
            receipt.cumulative_units,
            receipt.units,
            receipt.amount,
            receipt.fee,
            receipt.batch
        ),
        (1, Some(1000), 1000, 10_000, Some(100), false)
    );
    let payment = &only!(rows, Payment)[0];
    assert_eq!(
        (
            payment.kind.as_str(),
            payment.units,
            payment.amount,
            payment.fee,
            payment.provider_amount
        ),
        ("redeem_receipt", Some(1000), 10_000, Some(100), Some(9_900))
    );
    // The escrow's record_usage submessage, seen as the registry's event.
    let usage = &only!(rows, UsageRecord)[0];
    assert_eq!(
        (
            usage.provider.as_deref(),
            usage.epoch,
            usage.units,
            usage.weighted_fees,
            usage.batch
        ),
        (
            Some(account("provider1").as_str()),
            0,
            1000,
            Some(100),
            false
        )
    );
}

#[test]
fn leases_open_and_charges_settle_with_their_fee() {
    let lease = &only!(rows_at(26), Lease)[0];
    assert_eq!(
        (
            lease.lease_id,
            lease.billing.as_str(),
            lease.denom.as_str(),
            lease.deposit,
            lease.price_per_unit
        ),
        (1, "receipts", "native:uusdc", 1_000_000, 10)
    );
    assert_eq!(lease.consumer, account("consumer1"));
    let settle = &only!(rows_at(74), Payment)[0];
    assert_eq!(
        (
            settle.lease_id,
            settle.kind.as_str(),
            settle.units,
            settle.amount,
            settle.fee,
            settle.provider_amount
        ),
        (2, "settle", Some(5000), 50_000, Some(500), Some(49_500))
    );
}

#[test]
fn prove_liveness_gives_one_row_per_provider_proven() {
    let rows = rows_at(146);
    let batch = &only!(rows, LivenessBatch)[0];
    assert_eq!(
        (
            batch.oracle.as_str(),
            batch.epoch,
            batch.proven,
            batch.duplicates,
            batch.rejected
        ),
        (ORACLE, 5, 2, 0, 0)
    );
    let proven: Vec<_> = only!(rows, Liveness)
        .into_iter()
        .map(|l| (l.provider, l.epoch, l.source, l.oracle))
        .collect();
    assert_eq!(
        proven,
        vec![
            (PROVIDER2.into(), 5, "oracle".into(), Some(ORACLE.into())),
            (PROVIDER3.into(), 5, "oracle".into(), Some(ORACLE.into())),
        ]
    );
    let single = only!(rows_at(96), Liveness);
    assert_eq!((single.len(), single[0].epoch), (1, 2));
}

#[test]
fn claim_rewards_gives_a_row_per_provider_and_the_token_mints() {
    let rows = rows_at(98);
    let claim = &only!(rows, RewardClaim)[0];
    assert_eq!(
        (claim.provider.as_str(), claim.amount, claim.forfeited),
        (account("provider1").as_str(), 600_600, 0)
    );
    let mint = &only!(rows, TokenMint)[0];
    assert_eq!(
        (mint.recipient.as_str(), mint.amount),
        (account("provider1").as_str(), 600_600)
    );
    // claim_rewards {providers: [provider2]}
    let listed = only!(rows_at(175), RewardClaim);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].provider.as_str(), listed[0].amount),
        (PROVIDER2, 154_910)
    );
}

#[test]
fn a_dispute_voided_with_a_slash_gives_dispute_slash_stake_and_status_rows() {
    let opened = &only!(rows_at(140), Dispute)[0];
    assert_eq!(
        (
            opened.lease_id,
            opened.charge_id,
            opened.action.as_str(),
            opened.amount,
            opened.uphold
        ),
        (3, 1, "dispute", 700, None)
    );
    let rows = rows_at(142);
    let resolved = &only!(rows, Dispute)[0];
    assert_eq!(
        (
            resolved.action.as_str(),
            resolved.uphold,
            resolved.slash_fraction.as_deref()
        ),
        ("resolve_dispute", Some(false), Some("0.01"))
    );
    let slash = &only!(rows, Slash)[0];
    assert_eq!(
        (
            slash.provider.as_str(),
            slash.by.as_str(),
            slash.fraction.as_str(),
            slash.bonded_slashed,
            slash.amount,
            slash.stake
        ),
        (
            PROVIDER2,
            "billing_escrow",
            "0.01",
            35_000,
            35_000,
            3_465_000
        )
    );
    let stake = &only!(rows, StakeChange)[0];
    assert_eq!(
        (stake.action.as_str(), stake.amount, stake.stake),
        ("slash", 35_000, 3_465_000)
    );
    let status = &only!(rows, ProviderStatus)[0];
    assert_eq!(
        (status.status.as_str(), status.action.as_str()),
        ("active", "slash")
    );
}

#[test]
fn a_batch_gives_one_row_per_item() {
    // Batch of report_usage on ten leases: ten charges (the recorded escrow predates `charged`: no amount).
    let charges = only!(rows_at(147), Charge);
    assert_eq!(charges.len(), 10);
    assert!(charges
        .iter()
        .all(|c| c.batch && c.units == 10 && c.amount.is_none()));
    assert_eq!(
        charges.iter().map(|c| c.lease_id).collect::<Vec<_>>(),
        (3..=12).collect::<Vec<_>>()
    );
    // A batch redeem_receipt item and a refused settle item; the registry's record_usage_batch totals.
    let rows = rows_at(145);
    let receipt = &only!(rows, ReceiptRedeemed)[0];
    assert_eq!(
        (
            receipt.lease_id,
            receipt.units,
            receipt.amount,
            receipt.batch
        ),
        (13, 500, 3_500, true)
    );
    let payment = &only!(rows, Payment)[0];
    assert_eq!(
        (
            payment.kind.as_str(),
            payment.units,
            payment.amount,
            payment.fee
        ),
        ("redeem_receipt", Some(500), 3_500, None)
    );
    let refusal = &only!(rows, BatchRefusal)[0];
    assert_eq!(
        (
            refusal.lease_id,
            refusal.kind.as_str(),
            refusal.error.as_str()
        ),
        (999_999, "settle", "lease 999999 not found")
    );
    let usage = &only!(rows, UsageRecord)[0];
    assert_eq!(
        (
            usage.provider.as_deref(),
            usage.units,
            usage.batch,
            usage.recorded
        ),
        (None, 500, true, 1)
    );
    // Later reports pay what matured: a payment row per lease paid.
    let payments = only!(rows_at(229), Payment);
    assert!(payments.len() >= 9, "{payments:?}");
    assert!(payments
        .iter()
        .all(|p| p.batch && p.kind == "report_usage" && p.amount == 2_730));
}

#[test]
fn lease_changes_are_lease_events() {
    let top_up = &only!(rows_at(143), LeaseEvent)[0];
    assert_eq!(
        (top_up.lease_id, top_up.action.as_str(), top_up.amount),
        (Some(4), "top_up", Some(1_000))
    );
    let close = &only!(rows_at(174), LeaseEvent)[0];
    assert_eq!(
        (
            close.lease_id,
            close.action.as_str(),
            close.state.as_deref(),
            close.refunded
        ),
        (Some(12), "close_lease", Some("closing"), None)
    );
}

#[test]
fn dao_stakes_proposals_votes_and_executions() {
    let stake = &only!(rows_at(99), DaoStake)[0];
    assert_eq!(
        (
            stake.staker.as_str(),
            stake.action.as_str(),
            stake.amount,
            stake.staked,
            stake.total_staked
        ),
        (
            account("member1").as_str(),
            "stake",
            100_000_000,
            Some(100_000_000),
            Some(100_000_000)
        )
    );
    let unstake = &only!(rows_at(177), DaoStake)[0];
    assert_eq!(
        (unstake.action.as_str(), unstake.amount, unstake.staked),
        ("unstake", 1_000_000, Some(99_000_000))
    );
    let proposal = &only!(rows_at(103), Proposal)[0];
    assert_eq!(
        (proposal.proposal_id, proposal.deposit, proposal.total_power),
        (1, 0, 200_000_000)
    );
    let vote = &only!(rows_at(107), Vote)[0];
    assert_eq!(
        (
            vote.proposal_id,
            vote.voter.as_str(),
            vote.vote.as_str(),
            vote.power,
            vote.status.as_str()
        ),
        (1, account("member2").as_str(), "yes", 100_000_000, "passed")
    );
    let no = &only!(rows_at(181), Vote)[0];
    assert_eq!(
        (
            no.proposal_id,
            no.vote.as_str(),
            no.power,
            no.status.as_str()
        ),
        (2, "no", 99_000_000, "open")
    );
    let execute = &only!(rows_at(108), ProposalEvent)[0];
    assert_eq!(
        (
            execute.proposal_id,
            execute.action.as_str(),
            execute.deposit_refunded
        ),
        (1, "execute", Some(false))
    );
}

#[test]
fn a_failed_transaction_contributes_nothing() {
    let (block, results) = raw(125);
    assert_ne!(
        results["txs_results"][0]["code"], 0,
        "block 125 holds the failed unbond"
    );
    assert!(decode_raw(&suite(), &block, &results).is_empty());
    // Even carrying a suite event (a successful unbond's, block 123), a failed transaction counts for nothing…
    let (_, unbond) = raw(123);
    let mut forged = results.clone();
    forged["txs_results"][0]["events"] = unbond["txs_results"][0]["events"].clone();
    assert!(decode_raw(&suite(), &block, &forged).is_empty());
    // …while the same events in a successful one are rows.
    forged["txs_results"][0]["code"] = 0.into();
    assert_eq!(
        only!(decode_raw(&suite(), &block, &forged), StakeChange).len(),
        1
    );
}

#[test]
fn events_of_other_contracts_are_ignored() {
    let strangers = Suite {
        dao: "wasm1other0".into(),
        reward_token: "wasm1other1".into(),
        provider_registry: "wasm1other2".into(),
        billing_escrow: "wasm1other3".into(),
    };
    for height in heights() {
        let (block, results) = raw(height);
        assert!(
            decode_raw(&strangers, &block, &results).is_empty(),
            "height {height}"
        );
    }
    // Another registry: the escrow's rows stay, the registry's go.
    let other_registry = Suite {
        provider_registry: "wasm1other2".into(),
        ..suite()
    };
    let (block, results) = raw(27);
    let rows = decode_raw(&other_registry, &block, &results);
    assert_eq!(only!(rows, ReceiptRedeemed).len(), 1);
    assert_eq!(only!(rows, Payment).len(), 1);
    assert!(only!(rows, UsageRecord).is_empty());
}

#[test]
fn a_block_and_results_of_different_heights_are_refused() {
    let (block, _) = raw(23);
    let (_, results) = raw(26);
    let block: BlockResponse = serde_json::from_value(block).unwrap();
    let results: BlockResults = serde_json::from_value(results).unwrap();
    assert!(decode_block(&suite(), &block, &results).is_err());
}
