//! Replies: a failed `record_usage` is recorded and never blocks the payment.

use cosmwasm_std::{DepsMut, Env, Reply, Response, SubMsgResult};

use crate::error::ContractError;

/// Reply id of the `record_usage` submessage sent to the registry on every payment.
pub const REPLY_RECORD_USAGE: u64 = 1;

pub fn reply(_deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        REPLY_RECORD_USAGE => {
            let mut response = Response::new().add_attribute("action", "record_usage_failed");
            if let Ok(bytes) = <[u8; 8]>::try_from(msg.payload.as_slice()) {
                response =
                    response.add_attribute("lease_id", u64::from_be_bytes(bytes).to_string());
            }
            let error = match msg.result {
                SubMsgResult::Err(error) => error,
                SubMsgResult::Ok(_) => "none".to_string(),
            };
            Ok(response.add_attribute("record_usage_error", error))
        }
        id => Err(ContractError::UnknownReplyId { id }),
    }
}
