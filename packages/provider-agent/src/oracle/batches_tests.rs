//! Batches against a scripted chain: sized by simulated gas, filed from the
//! response data, resolved after a restart from the recorded hash, never sent twice.

use cosmrs::proto::cosmos::authz::v1beta1::MsgExecResponse;
use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmwasm::wasm::v1::MsgExecuteContractResponse;
use cosmrs::Any;
use cosmwasm_std::Addr;
use depin_interface::registry::{ProofRejection, RejectedProof};

use super::*;
use crate::queue::tests::{queue, Script};

fn answered(store: &OracleStore, epoch: u64, n: usize) -> Vec<String> {
    let providers: Vec<String> = (0..n).map(|i| format!("wasm1provider{i:03}")).collect();
    for p in &providers {
        store
            .record_answer(p, epoch, &[7; 32], &[1; 64], 0)
            .unwrap();
    }
    providers
}

fn submitter(
    script: &Arc<Script>,
    store: &Arc<OracleStore>,
    budget: u64,
) -> Submitter<Arc<Script>> {
    Submitter::new(
        queue(script),
        script.clone(),
        store.clone(),
        Arc::new(OracleMetrics::new()),
        "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht".into(),
        budget,
    )
}

/// The data of a committed `MsgExec` whose contract answered `response`.
fn exec_data(response: &ProveLivenessResponse) -> Vec<u8> {
    let execute = MsgExecuteContractResponse {
        data: serde_json::to_vec(response).unwrap(),
    };
    let exec = MsgExecResponse {
        results: vec![execute.encode_to_vec()],
    };
    #[allow(deprecated)]
    TxMsgData {
        data: vec![],
        msg_responses: vec![Any {
            type_url: MsgExecResponse::type_url(),
            value: exec.encode_to_vec(),
        }],
    }
    .encode_to_vec()
}

#[test]
fn proofs_that_do_not_fit_the_gas_budget_are_cut_proportionally() {
    assert_eq!(fit(10, 1_000, 1_000), 10);
    assert_eq!(fit(10, 2_000, 1_000), 5);
    // Rounded down, and always at least one fewer.
    assert_eq!(fit(10, 1_001, 1_000), 9);
    assert_eq!(fit(3, 1_500, 1_000), 2);
    assert_eq!(fit(1, 2_000, 1_000), 0);
}

#[test]
fn the_registrys_response_is_read_from_the_transactions_data() {
    let response = ProveLivenessResponse {
        epoch: 4,
        proven: vec![Addr::unchecked("a")],
        duplicates: vec![Addr::unchecked("b")],
        rejected: vec![RejectedProof {
            provider: "c".into(),
            reason: ProofRejection::NoAgentKey,
        }],
    };
    let read = response_of(&exec_data(&response)).unwrap();
    assert_eq!(read, response);
    assert_eq!(
        verdicts(&read),
        vec![
            ("a".to_string(), Verdict::Proven),
            ("b".to_string(), Verdict::Duplicate),
            ("c".to_string(), Verdict::Rejected("no_agent_key".into())),
        ]
    );
    // Sent directly (no MsgExec).
    #[allow(deprecated)]
    let direct = TxMsgData {
        data: vec![],
        msg_responses: vec![Any {
            type_url: MsgExecuteContractResponse::type_url(),
            value: MsgExecuteContractResponse {
                data: serde_json::to_vec(&response).unwrap(),
            }
            .encode_to_vec(),
        }],
    };
    assert_eq!(response_of(&direct.encode_to_vec()).unwrap(), response);
    assert_eq!(response_of(b"garbage"), None);
}

#[tokio::test]
async fn answers_above_the_gas_budget_go_in_several_batches_each_within_it() {
    let script = Arc::new(Script::default());
    *script.gas_per_byte.lock().unwrap() = 100;
    let store = Arc::new(OracleStore::in_memory().unwrap());
    let providers = answered(&store, 5, 12);
    // A proof is ~200 bytes of the transaction (20,000 gas here): one fits 300,000
    // with the 1.4 adjustment, twelve (~520,000) do not.
    let submitter = submitter(&script, &store, 300_000);
    let batches = submitter.submit(5).await.unwrap();
    assert!(batches >= 2, "{batches} batch(es)");
    assert_eq!(script.sent.lock().unwrap().len(), batches);
    let outcomes = store.epoch_outcomes(5).unwrap();
    assert_eq!(outcomes.len(), providers.len());
    assert!(
        outcomes.iter().all(|(_, state, _)| state == "proven"),
        "{outcomes:?}"
    );
    // Nothing left: a second submit sends nothing.
    assert_eq!(submitter.submit(5).await.unwrap(), 0);
    assert_eq!(script.sent.lock().unwrap().len(), batches);
}

#[tokio::test]
async fn each_entry_is_filed_as_the_chain_judged_it() {
    let script = Arc::new(Script::default());
    let store = Arc::new(OracleStore::in_memory().unwrap());
    let providers = answered(&store, 5, 2);
    *script.data.lock().unwrap() = exec_data(&ProveLivenessResponse {
        epoch: 5,
        proven: vec![Addr::unchecked(&providers[0])],
        duplicates: vec![],
        rejected: vec![RejectedProof {
            provider: providers[1].clone(),
            reason: ProofRejection::BadSignature,
        }],
    });
    let submitter = submitter(&script, &store, 10_000_000);
    assert_eq!(submitter.submit(5).await.unwrap(), 1);
    let outcomes = store.epoch_outcomes(5).unwrap();
    assert_eq!(outcomes[0].1, "proven");
    assert_eq!(
        (outcomes[1].1.as_str(), outcomes[1].2.as_str()),
        ("rejected", "bad_signature")
    );
    assert_eq!(submitter.metrics.proof_count("rejected"), 1);
}

#[tokio::test]
async fn after_a_restart_a_recorded_batch_is_resolved_from_the_chain_never_sent_twice() {
    let script = Arc::new(Script::default());
    let store = Arc::new(OracleStore::in_memory().unwrap());
    answered(&store, 5, 3);
    // A previous run recorded three batches and died: one committed on chain, one
    // past its timeout height (the tip is 10) unincluded, one maybe still in a mempool.
    let one = |p: usize| vec![format!("wasm1provider{p:03}")];
    let committed = store.open_batch(5, &one(0), 0).unwrap();
    store.batch_signed(committed, "C0FFEE", 50).unwrap();
    script.sent.lock().unwrap().push("C0FFEE".into());
    let expired = store.open_batch(5, &one(1), 0).unwrap();
    store.batch_signed(expired, "DEAD01", 5).unwrap();
    let pending = store.open_batch(5, &one(2), 0).unwrap();
    store.batch_signed(pending, "BEEF02", 50).unwrap();

    let submitter = submitter(&script, &store, 10_000_000);
    submitter.reconcile().await.unwrap();
    let states: Vec<String> = store
        .epoch_outcomes(5)
        .unwrap()
        .into_iter()
        .map(|o| o.1)
        .collect();
    assert_eq!(states, vec!["proven", "answered", "submitted"]);
    // Only the expired batch's proof is sent again; the pending one waits for its fate.
    assert_eq!(submitter.submit(5).await.unwrap(), 1);
    assert_eq!(script.sent.lock().unwrap().len(), 2);
    assert_eq!(store.open_batches().unwrap().len(), 1);
    assert_eq!(store.epoch_outcomes(5).unwrap()[1].1, "proven");
}

#[tokio::test]
async fn a_batch_killed_before_its_signature_gives_its_proofs_back() {
    let script = Arc::new(Script::default());
    let store = Arc::new(OracleStore::in_memory().unwrap());
    answered(&store, 5, 1);
    store
        .open_batch(5, &["wasm1provider000".to_string()], 0)
        .unwrap();
    let submitter = submitter(&script, &store, 10_000_000);
    submitter.reconcile().await.unwrap();
    assert_eq!(store.answered(5, 10).unwrap().len(), 1);
    assert_eq!(submitter.submit(5).await.unwrap(), 1);
}
