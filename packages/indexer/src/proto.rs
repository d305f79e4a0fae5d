//! The protobuf the indexer reads and writes, through cosmos-sdk-proto's
//! generated types: a transaction's result data (`TxMsgData` →
//! `MsgExecuteContractResponse`, also inside an authz `MsgExecResponse`) and
//! the smart query's request and response.

use cosmos_sdk_proto::cosmos::authz::v1beta1::MsgExecResponse;
use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    MsgExecuteContractResponse, QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use prost::Message;

use crate::error::DecodeError;

const EXECUTE_RESPONSE: &str = "/cosmwasm.wasm.v1.MsgExecuteContractResponse";
const AUTHZ_EXEC_RESPONSE: &str = "/cosmos.authz.v1beta1.MsgExecResponse";

fn decode<M: Message + Default>(bytes: &[u8], what: &'static str) -> Result<M, DecodeError> {
    M::decode(bytes).map_err(|_| DecodeError::Protobuf(what))
}

/// The contract data returned by each message of a transaction (indexed like
/// the events' `msg_index`): a `MsgExecuteContract` gives one payload, an
/// authz `MsgExec` one per wrapped message (payloads of other messages are
/// skipped).
pub fn execute_data(tx_data: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, DecodeError> {
    let msg_data: TxMsgData = decode(tx_data, "TxMsgData")?;
    let mut per_msg = Vec::with_capacity(msg_data.msg_responses.len());
    for any in msg_data.msg_responses {
        let mut payloads = vec![];
        if any.type_url == EXECUTE_RESPONSE {
            let response: MsgExecuteContractResponse =
                decode(&any.value, "MsgExecuteContractResponse")?;
            payloads.push(response.data);
        } else if any.type_url == AUTHZ_EXEC_RESPONSE {
            let exec: MsgExecResponse = decode(&any.value, "MsgExecResponse")?;
            for result in exec.results {
                let response: MsgExecuteContractResponse =
                    decode(&result, "MsgExecuteContractResponse in MsgExecResponse")?;
                payloads.push(response.data);
            }
        }
        per_msg.push(payloads);
    }
    Ok(per_msg)
}

/// The `abci_query` data of a smart query.
pub fn smart_query_request(contract: &str, query: &serde_json::Value) -> Vec<u8> {
    QuerySmartContractStateRequest {
        address: contract.to_string(),
        query_data: query.to_string().into_bytes(),
    }
    .encode_to_vec()
}

/// The contract's JSON answer in a smart query's `abci_query` value.
pub fn smart_query_data(value: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let response: QuerySmartContractStateResponse =
        decode(value, "QuerySmartContractStateResponse")?;
    Ok(response.data)
}

#[cfg(test)]
mod tests {
    use cosmos_sdk_proto::Any;

    use super::*;

    fn any(type_url: &str, value: Vec<u8>) -> Any {
        Any {
            type_url: type_url.to_string(),
            value,
        }
    }

    fn execute_response(data: &[u8]) -> Vec<u8> {
        MsgExecuteContractResponse {
            data: data.to_vec(),
        }
        .encode_to_vec()
    }

    #[test]
    fn execute_data_reads_direct_and_authz_responses() {
        let exec = MsgExecResponse {
            results: vec![
                execute_response(b"{\"b\":2}"),
                execute_response(b"{\"c\":3}"),
            ],
        };
        #[allow(deprecated)]
        let tx = TxMsgData {
            data: vec![],
            msg_responses: vec![
                any(EXECUTE_RESPONSE, execute_response(b"{\"a\":1}")),
                any("/cosmos.bank.v1beta1.MsgSendResponse", vec![]),
                any(AUTHZ_EXEC_RESPONSE, exec.encode_to_vec()),
            ],
        };
        let data = execute_data(&tx.encode_to_vec()).unwrap();
        assert_eq!(data.len(), 3);
        assert_eq!(data[0], vec![b"{\"a\":1}".to_vec()]);
        assert!(data[1].is_empty());
        assert_eq!(data[2], vec![b"{\"b\":2}".to_vec(), b"{\"c\":3}".to_vec()]);
    }

    #[test]
    fn malformed_data_is_an_error_not_a_panic() {
        assert!(execute_data(&[0x12, 0xff]).is_err());
        assert!(smart_query_data(&[0x0a, 0x05, 0x01]).is_err());
    }

    #[test]
    fn smart_query_round_trips() {
        let query = serde_json::json!({"config": {}});
        let request = QuerySmartContractStateRequest::decode(
            smart_query_request("wasm1contract", &query).as_slice(),
        )
        .unwrap();
        assert_eq!(request.address, "wasm1contract");
        assert_eq!(request.query_data, br#"{"config":{}}"#.to_vec());
        let response = QuerySmartContractStateResponse {
            data: b"{}".to_vec(),
        }
        .encode_to_vec();
        assert_eq!(smart_query_data(&response).unwrap(), b"{}".to_vec());
    }
}
