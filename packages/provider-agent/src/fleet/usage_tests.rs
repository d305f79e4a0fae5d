//! Rounds of the usage loop against a fake node that reads the batches it is
//! sent: only the providers that named the operator are billed, every lease's
//! duty goes in one batch, a stale report takes the chain's count and reports
//! the rest next round, another refusal is not sent again for its lease state.

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cosmrs::proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountResponse};
use cosmrs::proto::cosmos::bank::v1beta1::QueryBalanceResponse;
use cosmrs::proto::cosmos::base::abci::v1beta1::{GasInfo, TxMsgData};
use cosmrs::proto::cosmos::tx::v1beta1::SimulateResponse;
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgExecuteContractResponse, QuerySmartContractStateRequest,
    QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::{Message, Name};
use cosmwasm_std::Uint128;
use depin_interface::escrow::{
    BatchItem, BatchItemResult, BatchResponse, BillingMode, ExecuteMsg, LeaseResponse, LeaseState,
};
use serde_json::{json, Value};

use super::super::tests::{fleet_config, record};
use super::*;
use crate::epoch::EpochClock;
use crate::receipts::tests::lease;
use crate::testing::{fake_node, status};

const SERVED: &str = "wasm1provider";
const NOT_SERVED: &str = "wasm1other";

/// The batches the node was sent, as their items.
type Sent = Arc<Mutex<Vec<Vec<BatchItem>>>>;

fn answer(bytes: Vec<u8>) -> Value {
    json!({"response": {"code": 0, "value": B64.encode(bytes)}})
}

fn hex_bytes(params: &Value, key: &str) -> Vec<u8> {
    let hex = params[key].as_str().unwrap_or_default();
    (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The items of a signed batch transaction.
fn items_of(tx: &[u8]) -> Vec<BatchItem> {
    let tx = cosmrs::Tx::from_bytes(tx).unwrap();
    let any = &tx.body.messages[0];
    let exec = MsgExecuteContract::decode(any.value.as_slice()).unwrap();
    match serde_json::from_slice(&exec.msg).unwrap() {
        ExecuteMsg::Batch { items } => items,
        other => panic!("not a batch: {other:?}"),
    }
}

/// The escrow's answer to each item: lease 2's report is stale unless it
/// builds on 12, lease 5's is refused (closing), the rest goes through.
fn results(items: &[BatchItem]) -> BatchResponse {
    let items = items
        .iter()
        .map(|item| {
            let error = match item {
                BatchItem::ReportUsage {
                    lease_id: 2,
                    billed_before,
                    ..
                } if *billed_before != Some(Uint128::new(12)) => Some(format!(
                    "report_usage on lease 2 builds on {} units reported, but the lease has 12",
                    billed_before.unwrap_or_default()
                )),
                BatchItem::ReportUsage { lease_id: 5, .. } => {
                    Some("lease 5 is Closing; report_usage is not possible in that state".into())
                }
                _ => None,
            };
            BatchItemResult {
                lease_id: item.lease_id(),
                charge_id: None,
                units: Uint128::zero(),
                paid: Uint128::new(if error.is_none() { 7 } else { 0 }),
                error,
            }
        })
        .collect();
    BatchResponse { items }
}

fn metered(id: u64, reported_units: u128, reserved: u128) -> LeaseResponse {
    let mut l = lease(id, BillingMode::Metered {}, LeaseState::Open);
    l.reported_units = Uint128::new(reported_units);
    l.reserved = Uint128::new(reserved);
    l
}

/// A node whose registry names SERVED (only) in the operator's fleet and
/// whose escrow holds SERVED's leases 1-5 (lease 2: 5 units reported in the
/// list, 12 when read alone) and NOT_SERVED's lease 9.
async fn node(sent: Sent, asked: Arc<Mutex<Vec<String>>>) -> String {
    let txs: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    fake_node(move |method, params| match method {
        "status" => Some(status("testing")),
        "abci_query" => {
            let path = params["path"].as_str().unwrap_or_default();
            let data = hex_bytes(params, "data");
            Some(match path {
                "/cosmwasm.wasm.v1.Query/SmartContractState" => {
                    let request = QuerySmartContractStateRequest::decode(data.as_slice()).ok()?;
                    let query: Value = serde_json::from_slice(&request.query_data).ok()?;
                    let (name, args) = query.as_object()?.iter().next()?;
                    asked.lock().unwrap().push(format!(
                        "{name}:{}",
                        args["provider"].as_str().unwrap_or_default()
                    ));
                    let reply = match name.as_str() {
                        "providers_by_operator" => json!({"providers": [record(SERVED, 0)]}),
                        "leases_by_provider" if args["provider"] == SERVED => {
                            let closed = lease(3, BillingMode::Metered {}, LeaseState::Closed);
                            json!({"leases": [metered(1, 0, 0), metered(2, 5, 0), closed, metered(4, 0, 3000), metered(5, 0, 0)]})
                        }
                        "leases_by_provider" => json!({"leases": [metered(9, 0, 0)]}),
                        "lease" => json!(metered(2, 12, 0)),
                        "settleable" => json!({"lease_id": args["lease_id"], "amount": "20000",
                            "fee": "200", "provider_amount": "19800", "units": "200"}),
                        _ => return None,
                    };
                    let data = serde_json::to_vec(&reply).ok()?;
                    answer(QuerySmartContractStateResponse { data }.encode_to_vec())
                }
                "/cosmos.auth.v1beta1.Query/Account" => {
                    let account = BaseAccount {
                        address: String::new(),
                        pub_key: None,
                        account_number: 9,
                        sequence: txs.lock().unwrap().len() as u64,
                    };
                    let any = cosmrs::Any {
                        type_url: BaseAccount::type_url(),
                        value: account.encode_to_vec(),
                    };
                    answer(QueryAccountResponse { account: Some(any) }.encode_to_vec())
                }
                "/cosmos.bank.v1beta1.Query/Balance" => answer(
                    QueryBalanceResponse {
                        balance: Some(cosmrs::proto::cosmos::base::v1beta1::Coin {
                            denom: "ustake".into(),
                            amount: "1000000000".into(),
                        }),
                    }
                    .encode_to_vec(),
                ),
                "/cosmos.tx.v1beta1.Service/Simulate" => {
                    #[allow(deprecated)]
                    let response = SimulateResponse {
                        gas_info: Some(GasInfo {
                            gas_wanted: 0,
                            gas_used: 100_000,
                        }),
                        result: None,
                    };
                    answer(response.encode_to_vec())
                }
                _ => return None,
            })
        }
        "broadcast_tx_sync" => {
            let tx = B64.decode(params["tx"].as_str()?).ok()?;
            sent.lock().unwrap().push(items_of(&tx));
            txs.lock().unwrap().push(tx);
            Some(json!({"code": 0, "hash": ""}))
        }
        "tx" => {
            let hash = B64.decode(params["hash"].as_str()?).ok()?;
            let txs = txs.lock().unwrap();
            let tx = txs.iter().find(|tx| {
                use sha2::{Digest, Sha256};
                Sha256::digest(tx)[..] == hash[..]
            })?;
            let execute = MsgExecuteContractResponse {
                data: serde_json::to_vec(&results(&items_of(tx))).ok()?,
            };
            #[allow(deprecated)]
            let data = TxMsgData {
                data: vec![],
                msg_responses: vec![cosmrs::Any {
                    type_url: MsgExecuteContractResponse::type_url(),
                    value: execute.encode_to_vec(),
                }],
            };
            Some(json!({"height": "11", "tx_result": {"code": 0, "gas_used": "300000",
                "gas_wanted": "400000", "data": B64.encode(data.encode_to_vec())}}))
        }
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_round_bills_every_served_lease_in_one_batch_and_reads_each_items_answer() {
    let dir = tempfile::tempdir().unwrap();
    let sent: Sent = Arc::default();
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let rpc = node(sent.clone(), asked.clone()).await;
    let mut config = fleet_config(dir.path(), &rpc, &[SERVED, NOT_SERVED]);
    // A contract address the signer takes (bech32).
    config.chain.escrow = "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht".into();
    let (_stop, shutdown) = crate::shutdown::Shutdown::channel();
    let fleet = Fleet::new(config, shutdown, EpochClock::new(0, 5).unwrap()).unwrap();
    fleet.store.add_usage(1, 30, None, 0).unwrap();
    fleet.store.add_usage(2, 20, None, 0).unwrap();
    fleet.store.add_usage(5, 10, None, 0).unwrap();
    fleet.store.add_usage(9, 10, None, 0).unwrap();

    round(&fleet).await.unwrap();
    let report = |lease_id, units, before| BatchItem::ReportUsage {
        lease_id,
        units: Uint128::new(units),
        billed_before: Some(Uint128::new(before)),
    };
    // One batch: lease 2 builds on the chain's 5 (more than this state's 0),
    // lease 4 has nothing to report and is settled, the closed lease 3 and
    // the lease of a provider that did not name the operator are left alone.
    assert_eq!(
        sent.lock().unwrap().clone(),
        vec![vec![
            report(1, 30, 0),
            report(2, 15, 5),
            BatchItem::Settle { lease_id: 4 },
            report(5, 10, 0),
        ]]
    );
    assert!(!asked
        .lock()
        .unwrap()
        .contains(&format!("leases_by_provider:{NOT_SERVED}")));
    assert_eq!(fleet.store.usage(1).unwrap().reported, 30);
    // Stale: the chain's count (12, read again) is taken.
    assert_eq!(fleet.store.usage(2).unwrap().reported, 12);
    assert_eq!(fleet.store.usage(5).unwrap().reported, 0);
    assert_eq!(fleet.store.usage(9).unwrap().reported, 0);
    assert!(fleet.store.pending_batches().unwrap().is_empty());
    let done = |kind: TxKind, outcome: &str| {
        fleet
            .metrics
            .batch_items
            .get_or_create(&crate::metrics::ItemLabel {
                kind: kind.as_str().into(),
                outcome: outcome.into(),
            })
            .get()
    };
    assert_eq!(done(TxKind::ReportUsage, "done"), 1);
    assert_eq!(done(TxKind::ReportUsage, "refused"), 2);
    assert_eq!(done(TxKind::Settle, "done"), 1);
    assert_eq!(fleet.metrics.usage_reported_units.get(), 30);

    // The next round: lease 2 reports the rest on the chain's count; the
    // refused report on lease 5 is not sent again while the lease is unchanged.
    round(&fleet).await.unwrap();
    assert_eq!(
        sent.lock().unwrap()[1],
        vec![report(2, 8, 12), BatchItem::Settle { lease_id: 4 }]
    );
    assert_eq!(fleet.store.usage(2).unwrap().reported, 20);
}
