//! From a block and its results (CometBFT `block` and `block_results`) to
//! the typed rows of the suite's events. Pure: no I/O, so recorded blocks
//! test it.
//!
//! Only `wasm` and `wasm-*` events whose `_contract_address` is one of the
//! suite's four contracts count; a failed transaction (code ≠ 0) contributes
//! nothing (its events are not state); block events (`finalize_block_events`)
//! count like transaction events, with no transaction hash.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::DecodeError;
use crate::proto;
use crate::rows::*;

/// `result` of CometBFT's `block`.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockResponse {
    pub block_id: BlockId,
    pub block: Block,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlockId {
    pub hash: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Block {
    pub header: Header,
    pub data: BlockData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    pub height: String,
    pub time: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlockData {
    #[serde(default)]
    pub txs: Option<Vec<String>>,
}

/// `result` of CometBFT's `block_results` (0.38: `finalize_block_events`).
#[derive(Debug, Clone, Deserialize)]
pub struct BlockResults {
    pub height: String,
    #[serde(default)]
    pub txs_results: Option<Vec<TxResult>>,
    #[serde(default)]
    pub finalize_block_events: Option<Vec<AbciEvent>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TxResult {
    #[serde(default)]
    pub code: u32,
    #[serde(default)]
    pub data: Option<String>,
    #[serde(default)]
    pub events: Vec<AbciEvent>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AbciEvent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Attribute {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// The suite's contract addresses (the deployment file's `addresses`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suite {
    pub dao: String,
    pub reward_token: String,
    pub provider_registry: String,
    pub billing_escrow: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Registry,
    Escrow,
    Dao,
    Token,
}

impl Suite {
    fn role(&self, address: &str) -> Option<Role> {
        if address == self.provider_registry {
            Some(Role::Registry)
        } else if address == self.billing_escrow {
            Some(Role::Escrow)
        } else if address == self.dao {
            Some(Role::Dao)
        } else if address == self.reward_token {
            Some(Role::Token)
        } else {
            None
        }
    }
}

/// A decoded block: its header facts and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBlock {
    pub height: u64,
    pub time: String,
    pub hash: String,
    pub txs: u64,
    pub rows: Vec<Row>,
    /// What could not be read item by item (logged by the follower).
    pub warnings: Vec<String>,
}

/// Decodes one block. Errors only on a malformed response or a suite event
/// missing what its contract always emits.
pub fn decode_block(
    suite: &Suite,
    block: &BlockResponse,
    results: &BlockResults,
) -> Result<DecodedBlock, DecodeError> {
    let height = parse_height(&block.block.header.height)?;
    let block_err = |what: String| DecodeError::Block { height, what };
    if parse_height(&results.height)? != height {
        return Err(block_err(format!(
            "block_results is for height {}",
            results.height
        )));
    }
    let txs = block.block.data.txs.as_deref().unwrap_or_default();
    let tx_results = results.txs_results.as_deref().unwrap_or_default();
    if txs.len() != tx_results.len() {
        return Err(block_err(format!(
            "{} transactions but {} results",
            txs.len(),
            tx_results.len()
        )));
    }
    let mut out = Rows {
        height,
        time: block.block.header.time.clone(),
        tx_hash: None,
        seq: 0,
        rows: vec![],
        warnings: vec![],
    };
    for (tx, result) in txs.iter().zip(tx_results) {
        if result.code != 0 {
            continue;
        }
        let bytes = BASE64
            .decode(tx)
            .map_err(|e| block_err(format!("transaction is not base64: {e}")))?;
        out.tx_hash = Some(hex::encode_upper(Sha256::digest(&bytes)));
        let data = match result.data.as_deref() {
            Some(data) if !data.is_empty() => {
                let raw = BASE64
                    .decode(data)
                    .map_err(|e| block_err(format!("transaction data is not base64: {e}")))?;
                proto::execute_data(&raw)?
            }
            _ => vec![],
        };
        let mut tx = TxContext::new(data);
        for event in &result.events {
            decode_event(suite, &mut out, &mut tx, event)?;
        }
    }
    out.tx_hash = None;
    let mut none = TxContext::new(vec![]);
    for event in results.finalize_block_events.as_deref().unwrap_or_default() {
        decode_event(suite, &mut out, &mut none, event)?;
    }
    if out.seq >= MAX_ROWS_PER_BLOCK {
        return Err(block_err(format!(
            "{} rows: more than the id leaves room for",
            out.seq
        )));
    }
    Ok(DecodedBlock {
        height,
        time: out.time,
        hash: block.block_id.hash.clone(),
        txs: txs.len() as u64,
        rows: out.rows,
        warnings: out.warnings,
    })
}

fn parse_height(text: &str) -> Result<u64, DecodeError> {
    text.parse().map_err(|_| DecodeError::Block {
        height: 0,
        what: format!("height {text:?} is not a number"),
    })
}

/// The rows so far, and where the next one comes from.
struct Rows {
    height: u64,
    time: String,
    tx_hash: Option<String>,
    seq: u32,
    rows: Vec<Row>,
    warnings: Vec<String>,
}

impl Rows {
    fn at(&mut self) -> At {
        let at = At {
            height: self.height,
            block_time: self.time.clone(),
            tx_hash: self.tx_hash.clone(),
            seq: self.seq,
        };
        self.seq = self.seq.saturating_add(1);
        at
    }

    fn push(&mut self, row: impl Into<Row>) {
        self.rows.push(row.into());
    }
}

/// A transaction's contract data per message, handed out in order to the
/// `prove_liveness` events that need it.
struct TxContext {
    data: Vec<Vec<Vec<u8>>>,
}

impl TxContext {
    fn new(data: Vec<Vec<Vec<u8>>>) -> Self {
        TxContext { data }
    }

    /// The next payload of message `msg_index` that is a `prove_liveness` result.
    fn take_liveness(&mut self, msg_index: usize) -> Option<LivenessData> {
        let payloads = self.data.get_mut(msg_index)?;
        while !payloads.is_empty() {
            let payload = payloads.remove(0);
            if let Ok(parsed) = serde_json::from_slice::<LivenessData>(&payload) {
                return Some(parsed);
            }
        }
        None
    }
}

/// The registry's `ProveLivenessResponse` (the fields the indexer reads).
#[derive(Deserialize)]
struct LivenessData {
    epoch: u64,
    proven: Vec<String>,
}

/// One suite event's attributes.
struct Event<'a> {
    height: u64,
    kind: &'a str,
    contract: &'a str,
    attributes: &'a [Attribute],
}

impl<'a> Event<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.as_deref().unwrap_or_default())
    }

    fn problem(&self, key: &str, problem: impl Into<String>) -> DecodeError {
        DecodeError::Attribute {
            height: self.height,
            event: format!("{}/{}", self.kind, self.get("action").unwrap_or_default()),
            contract: self.contract.to_string(),
            key: key.to_string(),
            problem: problem.into(),
        }
    }

    fn text(&self, key: &str) -> Result<String, DecodeError> {
        self.get(key)
            .map(str::to_string)
            .ok_or_else(|| self.problem(key, "is missing"))
    }

    fn number<T: std::str::FromStr>(&self, key: &str, value: &str) -> Result<T, DecodeError> {
        value
            .parse()
            .map_err(|_| self.problem(key, format!("{value:?} is not a number")))
    }

    fn u64(&self, key: &str) -> Result<u64, DecodeError> {
        self.number(key, &self.text(key)?)
    }

    fn u128(&self, key: &str) -> Result<u128, DecodeError> {
        self.number(key, &self.text(key)?)
    }

    fn opt_u64(&self, key: &str) -> Result<Option<u64>, DecodeError> {
        self.get(key).map(|v| self.number(key, v)).transpose()
    }

    fn opt_u128(&self, key: &str) -> Result<Option<u128>, DecodeError> {
        self.get(key).map(|v| self.number(key, v)).transpose()
    }

    fn opt_text(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, DecodeError> {
        self.get(key)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(self.problem(key, format!("{other:?} is not a boolean"))),
            })
            .transpose()
    }

    fn msg_index(&self) -> usize {
        self.get("msg_index")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// The contract's own attributes as a JSON object (repeated keys keep the last).
    fn json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .attributes
            .iter()
            .filter(|a| a.key != "_contract_address" && a.key != "msg_index")
            .map(|a| {
                let value = a.value.clone().unwrap_or_default();
                (a.key.clone(), serde_json::Value::String(value))
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }
}

fn decode_event(
    suite: &Suite,
    out: &mut Rows,
    tx: &mut TxContext,
    event: &AbciEvent,
) -> Result<(), DecodeError> {
    if event.kind != "wasm" && !event.kind.starts_with("wasm-") {
        return Ok(());
    }
    let Some(contract) = event
        .attributes
        .iter()
        .find(|a| a.key == "_contract_address")
        .and_then(|a| a.value.as_deref())
    else {
        return Ok(());
    };
    let Some(role) = suite.role(contract) else {
        return Ok(());
    };
    let ev = Event {
        height: out.height,
        kind: &event.kind,
        contract,
        attributes: &event.attributes,
    };
    match (role, event.kind.as_str()) {
        (Role::Registry, "wasm") => registry(out, tx, &ev),
        (Role::Escrow, "wasm") => escrow(out, &ev),
        (Role::Escrow, "wasm-batch_item") => batch_item(out, &ev),
        (Role::Dao, "wasm") => dao(out, &ev),
        (Role::Token, "wasm") => token(out, &ev),
        _ => Ok(()),
    }
}

/// Registry actions about one provider, recorded in `provider_events`.
const PROVIDER_ACTIONS: &[&str] = &[
    "register",
    "update_provider",
    "refresh",
    "deregister",
    "bond",
    "unbond",
    "claim",
    "slash",
    "unjail",
    "heartbeat",
    "attest",
    "set_operator",
    "dispute_opened",
    "dispute_resolved",
];

fn registry(out: &mut Rows, tx: &mut TxContext, ev: &Event) -> Result<(), DecodeError> {
    let action = ev.get("action").unwrap_or_default();
    if PROVIDER_ACTIONS.contains(&action) {
        let row = ProviderEvent {
            at: out.at(),
            provider: ev.text("provider")?,
            action: action.to_string(),
            attributes: ev.json(),
        };
        out.push(row);
    }
    match action {
        "register" => {
            let provider = ev.text("provider")?;
            let (amount, stake) = (ev.u128("amount")?, ev.u128("stake")?);
            let row = Registration {
                at: out.at(),
                provider: provider.clone(),
                service: ev.text("service")?,
                region: ev.text("region")?,
                amount,
                stake,
            };
            out.push(row);
            let row = StakeChange {
                at: out.at(),
                provider,
                action: action.into(),
                amount,
                stake,
                release_at_ns: None,
            };
            out.push(row);
        }
        "bond" | "unbond" => {
            let row = StakeChange {
                at: out.at(),
                provider: ev.text("provider")?,
                action: action.into(),
                amount: ev.u128("amount")?,
                stake: ev.u128("stake")?,
                release_at_ns: ev.opt_u64("release_at")?,
            };
            out.push(row);
        }
        "deregister" => {
            let provider = ev.text("provider")?;
            let row = StakeChange {
                at: out.at(),
                provider: provider.clone(),
                action: action.into(),
                amount: ev.u128("amount")?,
                stake: 0,
                release_at_ns: ev.opt_u64("release_at")?,
            };
            out.push(row);
            let row = ProviderStatus {
                at: out.at(),
                provider,
                status: "exiting".into(),
                action: action.into(),
            };
            out.push(row);
        }
        "claim" => {
            let row = StakeClaim {
                at: out.at(),
                provider: ev.text("provider")?,
                amount: ev.u128("amount")?,
            };
            out.push(row);
        }
        "refresh" | "unjail" => {
            let row = ProviderStatus {
                at: out.at(),
                provider: ev.text("provider")?,
                status: ev.text("status")?,
                action: action.into(),
            };
            out.push(row);
        }
        "slash" => slash(out, ev)?,
        "heartbeat" => {
            if let Some(epoch) = ev.opt_u64("proven_epoch")? {
                let row = Liveness {
                    at: out.at(),
                    provider: ev.text("provider")?,
                    epoch,
                    source: "heartbeat".into(),
                    oracle: None,
                };
                out.push(row);
            }
        }
        "prove_liveness" => prove_liveness(out, tx, ev)?,
        "record_usage" => {
            let row = UsageRecord {
                at: out.at(),
                provider: Some(ev.text("provider")?),
                epoch: ev.u64("epoch")?,
                units: ev.u128("units")?,
                weighted_fees: ev.opt_u128("weighted_fees")?,
                batch: false,
                recorded: 1,
            };
            out.push(row);
        }
        "record_usage_batch" => {
            let row = UsageRecord {
                at: out.at(),
                provider: None,
                epoch: ev.u64("epoch")?,
                units: ev.u128("units")?,
                weighted_fees: None,
                batch: true,
                recorded: ev.u64("recorded")?,
            };
            out.push(row);
        }
        "claim_rewards" => claim_rewards(out, ev)?,
        _ => {}
    }
    Ok(())
}

fn slash(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    let provider = ev.text("provider")?;
    let (stake, status) = (ev.u128("stake")?, ev.text("status")?);
    let bonded_slashed = ev.u128("bonded_slashed")?;
    let row = Slash {
        at: out.at(),
        provider: provider.clone(),
        by: ev.text("by")?,
        fraction: ev.text("fraction")?,
        bonded_slashed,
        unbonding_slashed: ev.u128("unbonding_slashed")?,
        amount: ev.u128("amount")?,
        stake,
        status: status.clone(),
        reason: ev.text("reason")?,
    };
    out.push(row);
    let row = StakeChange {
        at: out.at(),
        provider: provider.clone(),
        action: "slash".into(),
        amount: bonded_slashed,
        stake,
        release_at_ns: None,
    };
    out.push(row);
    let row = ProviderStatus {
        at: out.at(),
        provider,
        status,
        action: "slash".into(),
    };
    out.push(row);
    Ok(())
}

/// One row per provider newly proven, read from the message's result data
/// (the attributes carry only the counts).
fn prove_liveness(out: &mut Rows, tx: &mut TxContext, ev: &Event) -> Result<(), DecodeError> {
    let oracle = ev.text("oracle")?;
    let epoch = ev.u64("epoch")?;
    let proven = ev.u64("proven")?;
    let row = LivenessBatch {
        at: out.at(),
        oracle: oracle.clone(),
        epoch,
        proven,
        duplicates: ev.u64("duplicates")?,
        rejected: ev.u64("rejected")?,
    };
    out.push(row);
    if proven == 0 {
        return Ok(());
    }
    let data = tx
        .take_liveness(ev.msg_index())
        .filter(|data| data.epoch == epoch && data.proven.len() as u64 == proven);
    let Some(data) = data else {
        // Sent by a contract (a DAO proposal): its data is not in the transaction.
        out.warnings.push(format!(
            "prove_liveness of {oracle} for epoch {epoch} in tx {}: {proven} proven, no result data to name them",
            out.tx_hash.as_deref().unwrap_or("(block event)")
        ));
        return Ok(());
    };
    for provider in data.proven {
        let row = Liveness {
            at: out.at(),
            provider,
            epoch,
            source: "oracle".into(),
            oracle: Some(oracle.clone()),
        };
        out.push(row);
    }
    Ok(())
}

/// `claim_rewards` lists `provider`, `amount`, `forfeited` once per provider paid.
fn claim_rewards(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    let mut current: Option<(String, Option<u128>, Option<u128>)> = None;
    let mut claims = vec![];
    for attribute in ev.attributes {
        let value = attribute.value.as_deref().unwrap_or_default();
        match attribute.key.as_str() {
            "provider" => {
                claims.extend(current.take());
                current = Some((value.to_string(), None, None));
            }
            "amount" => {
                if let Some(claim) = current.as_mut() {
                    claim.1 = Some(ev.number("amount", value)?);
                }
            }
            "forfeited" => {
                if let Some(claim) = current.as_mut() {
                    claim.2 = Some(ev.number("forfeited", value)?);
                }
            }
            _ => {}
        }
    }
    claims.extend(current);
    for (provider, amount, forfeited) in claims {
        let row = RewardClaim {
            at: out.at(),
            provider,
            amount: amount.ok_or_else(|| ev.problem("amount", "is missing for a provider"))?,
            forfeited: forfeited.unwrap_or_default(),
        };
        out.push(row);
    }
    Ok(())
}

fn escrow(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    let action = ev.get("action").unwrap_or_default();
    match action {
        "open_lease" => {
            let row = Lease {
                at: out.at(),
                lease_id: ev.u64("lease_id")?,
                consumer: ev.text("consumer")?,
                provider: ev.text("provider")?,
                billing: ev.text("billing")?,
                denom: ev.text("denom")?,
                deposit: ev.u128("amount")?,
                price_per_unit: ev.u128("price_per_unit")?,
            };
            out.push(row);
        }
        "accept_lease" | "top_up" => {
            let row = LeaseEvent {
                at: out.at(),
                lease_id: Some(ev.u64("lease_id")?),
                action: action.into(),
                amount: ev.opt_u128("amount")?,
                refunded: None,
                state: (action == "accept_lease").then(|| "open".to_string()),
                error: None,
            };
            out.push(row);
        }
        "report_usage" => {
            let row = Charge {
                at: out.at(),
                lease_id: ev.u64("lease_id")?,
                charge_id: ev.u64("charge_id")?,
                units: ev.u128("units")?,
                amount: Some(ev.u128("amount")?),
                fee: ev.opt_u128("fee")?,
                disputable_until_s: ev.opt_u64("disputable_until")?,
                batch: false,
            };
            out.push(row);
        }
        "redeem_receipt" => {
            let lease_id = ev.u64("lease_id")?;
            let (units, amount, fee) = (ev.u128("units")?, ev.u128("amount")?, ev.u128("fee")?);
            let row = ReceiptRedeemed {
                at: out.at(),
                lease_id,
                cumulative_units: Some(ev.u128("cumulative_units")?),
                units,
                amount,
                fee: Some(fee),
                batch: false,
            };
            out.push(row);
            payment(out, ev, lease_id, action, (Some(units), amount, Some(fee)))?;
        }
        "settle" | "close_lease" => {
            let lease_id = ev.u64("lease_id")?;
            let (units, amount, fee) = (ev.u128("units")?, ev.u128("amount")?, ev.u128("fee")?);
            if amount > 0 {
                payment(out, ev, lease_id, action, (Some(units), amount, Some(fee)))?;
            }
            let refunded = ev.opt_u128("refunded")?;
            if action == "close_lease" || refunded.is_some() {
                let row = LeaseEvent {
                    at: out.at(),
                    lease_id: Some(lease_id),
                    action: action.into(),
                    amount: Some(amount),
                    refunded,
                    state: ev.opt_text("state"),
                    error: None,
                };
                out.push(row);
            }
        }
        "dispute" | "resolve_dispute" => {
            let row = Dispute {
                at: out.at(),
                lease_id: ev.u64("lease_id")?,
                charge_id: ev.u64("charge_id")?,
                action: action.into(),
                amount: ev.u128("amount")?,
                uphold: ev.opt_bool("uphold")?,
                slash_fraction: ev.opt_text("slash_fraction"),
            };
            out.push(row);
        }
        "record_usage_failed" => {
            let row = LeaseEvent {
                at: out.at(),
                lease_id: ev.opt_u64("lease_id")?,
                action: action.into(),
                amount: None,
                refunded: None,
                state: None,
                error: ev.opt_text("record_usage_error"),
            };
            out.push(row);
        }
        _ => {}
    }
    Ok(())
}

fn payment(
    out: &mut Rows,
    ev: &Event,
    lease_id: u64,
    kind: &str,
    (units, amount, fee): (Option<u128>, u128, Option<u128>),
) -> Result<(), DecodeError> {
    let provider_amount = provider_amount(ev, amount, fee)?;
    let row = Payment {
        at: out.at(),
        lease_id,
        kind: kind.into(),
        units,
        amount,
        fee,
        provider_amount,
        batch: false,
    };
    out.push(row);
    Ok(())
}

/// What the provider got of a payment of `amount` of which `fee` went to
/// the treasury (none when the fee is not known).
fn provider_amount(
    ev: &Event,
    amount: u128,
    fee: Option<u128>,
) -> Result<Option<u128>, DecodeError> {
    fee.map(|fee| {
        amount
            .checked_sub(fee)
            .ok_or_else(|| ev.problem("fee", "is larger than the amount"))
    })
    .transpose()
}

/// One `wasm-batch_item` event of an escrow `batch`: the item's rows.
/// `fee` (the part of `paid` that went to the treasury) and `charged` (a
/// report's new charge) are read when present; batches of escrows before
/// them leave those columns null.
fn batch_item(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    let kind = ev.text("kind")?;
    let lease_id = ev.u64("lease_id")?;
    if let Some(error) = ev.opt_text("error") {
        let row = BatchRefusal {
            at: out.at(),
            lease_id,
            kind,
            error,
        };
        out.push(row);
        return Ok(());
    }
    let (units, paid, fee) = (ev.u128("units")?, ev.u128("paid")?, ev.opt_u128("fee")?);
    let provider_amount = provider_amount(ev, paid, fee)?;
    let paid_row = |out: &mut Rows, units: Option<u128>| {
        let row = Payment {
            at: out.at(),
            lease_id,
            kind: kind.clone(),
            units,
            amount: paid,
            fee,
            provider_amount,
            batch: true,
        };
        out.push(row);
    };
    match kind.as_str() {
        "report_usage" => {
            let row = Charge {
                at: out.at(),
                lease_id,
                charge_id: ev.u64("charge_id")?,
                units,
                amount: ev.opt_u128("charged")?,
                fee: None,
                disputable_until_s: None,
                batch: true,
            };
            out.push(row);
            if paid > 0 {
                // What matured on the lease was paid with the report; its units are not emitted.
                paid_row(out, None);
            }
        }
        "redeem_receipt" => {
            let row = ReceiptRedeemed {
                at: out.at(),
                lease_id,
                cumulative_units: None,
                units,
                amount: paid,
                fee,
                batch: true,
            };
            out.push(row);
            paid_row(out, Some(units));
        }
        "settle" if paid > 0 => paid_row(out, Some(units)),
        _ => {}
    }
    Ok(())
}

fn dao(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    let action = ev.get("action").unwrap_or_default();
    match action {
        "stake" | "unstake" | "claim" => {
            let row = DaoStake {
                at: out.at(),
                staker: ev.text("staker")?,
                action: action.into(),
                amount: ev.u128("amount")?,
                staked: ev.opt_u128("staked")?,
                total_staked: ev.opt_u128("total_staked")?,
                release_at_ns: ev.opt_u64("release_at")?,
            };
            out.push(row);
        }
        "propose" => {
            let row = Proposal {
                at: out.at(),
                proposal_id: ev.u64("proposal_id")?,
                proposer: ev.text("proposer")?,
                deposit: ev.u128("deposit")?,
                total_power: ev.u128("total_power")?,
                voting_ends_at_ns: ev.u64("voting_ends_at")?,
            };
            out.push(row);
        }
        "vote" => {
            let row = Vote {
                at: out.at(),
                proposal_id: ev.u64("proposal_id")?,
                voter: ev.text("voter")?,
                vote: ev.text("vote")?,
                power: ev.u128("power")?,
                status: ev.text("status")?,
            };
            out.push(row);
        }
        "execute" | "execution_failed" | "veto" | "close" => {
            let row = ProposalEvent {
                at: out.at(),
                proposal_id: ev.u64("proposal_id")?,
                action: action.into(),
                outcome: ev.opt_text("outcome"),
                deposit_refunded: ev.opt_bool("deposit_refunded")?,
                error: ev.opt_text("error"),
            };
            out.push(row);
        }
        _ => {}
    }
    Ok(())
}

fn token(out: &mut Rows, ev: &Event) -> Result<(), DecodeError> {
    if ev.get("action") == Some("mint") {
        let row = TokenMint {
            at: out.at(),
            recipient: ev.text("to")?,
            amount: ev.u128("amount")?,
        };
        out.push(row);
    }
    Ok(())
}
