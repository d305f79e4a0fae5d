//! Building and signing a transaction: contract calls as messages (wrapped
//! in `MsgExec` when the key acts for the provider), the fee, the signature.

use cosmrs::cosmwasm::MsgExecuteContract;
use cosmrs::proto::cosmos::authz::v1beta1::MsgExec;
use cosmrs::proto::prost::Message;
use cosmrs::tx::{Body, Fee, Msg, SignDoc, SignerInfo};
use cosmrs::{AccountId, Any, Coin, Denom};

use super::settings::{fee_amount, QueueSettings};
use crate::error::{AgentError, Result};
use crate::keys::Key;

/// One contract execution.
#[derive(Debug, Clone)]
pub struct Call {
    pub contract: String,
    pub msg: Vec<u8>,
    pub funds: Vec<(String, u128)>,
}

impl Call {
    pub fn new<M: serde::Serialize>(contract: &str, msg: &M) -> Result<Call> {
        Ok(Call {
            contract: contract.to_string(),
            msg: serde_json::to_vec(msg)?,
            funds: vec![],
        })
    }
}

/// A signed transaction about to be broadcast, for the caller to record first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub hash: String,
    pub timeout_height: u64,
}

fn key_err(e: cosmrs::ErrorReport) -> AgentError {
    AgentError::Key(e.to_string())
}

/// The account the contracts see as the sender.
pub fn sender<'a>(key: &'a Key, settings: &'a QueueSettings) -> &'a str {
    settings.acting_for.as_deref().unwrap_or(&key.address)
}

/// The calls as messages from [`sender`], in one `MsgExec` when acting for another.
pub fn messages(key: &Key, settings: &QueueSettings, calls: &[Call]) -> Result<Vec<Any>> {
    let sender: AccountId = sender(key, settings).parse().map_err(key_err)?;
    let mut inner = Vec::with_capacity(calls.len());
    for call in calls {
        let funds = call
            .funds
            .iter()
            .map(|(denom, amount)| {
                Ok(Coin {
                    denom: denom.parse::<Denom>().map_err(key_err)?,
                    amount: *amount,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let msg = MsgExecuteContract {
            sender: sender.clone(),
            contract: call.contract.parse().map_err(key_err)?,
            msg: call.msg.clone(),
            funds,
        };
        inner.push(msg.to_any().map_err(key_err)?);
    }
    if settings.acting_for.is_none() {
        return Ok(inner);
    }
    let exec = MsgExec {
        grantee: key.address.clone(),
        msgs: inner,
    };
    Ok(vec![Any {
        type_url: "/cosmos.authz.v1beta1.MsgExec".into(),
        value: exec.encode_to_vec(),
    }])
}

/// Signed transaction bytes for `account` = (number, sequence).
pub fn sign(
    key: &Key,
    settings: &QueueSettings,
    msgs: &[Any],
    account: (u64, u64),
    gas: u64,
    timeout_height: u64,
) -> Result<Vec<u8>> {
    let height =
        u32::try_from(timeout_height).map_err(|_| AgentError::Overflow("timeout height"))?;
    let body = Body::new(msgs.to_vec(), "depin-provider", height);
    let granter = match &settings.fee_granter {
        Some(g) => Some(g.parse::<AccountId>().map_err(key_err)?),
        None => None,
    };
    let fee = Fee {
        amount: vec![Coin {
            denom: settings.gas_denom.parse().map_err(key_err)?,
            amount: fee_amount(gas, settings.gas_price),
        }],
        gas_limit: gas,
        payer: None,
        granter,
    };
    let auth_info =
        SignerInfo::single_direct(Some(key.signing_key.public_key()), account.1).auth_info(fee);
    let chain_id: cosmrs::tendermint::chain::Id = settings
        .chain_id
        .parse()
        .map_err(|e: cosmrs::tendermint::Error| AgentError::Config(e.to_string()))?;
    let doc = SignDoc::new(&body, &auth_info, &chain_id, account.0).map_err(key_err)?;
    let raw = doc.sign(&key.signing_key).map_err(key_err)?;
    raw.to_bytes().map_err(key_err)
}

/// A transaction's hash as the chain names it: upper-case hex of its SHA-256.
pub fn tx_hash(tx: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(tx)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}
