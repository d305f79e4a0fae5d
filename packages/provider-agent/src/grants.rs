//! The authorisation a provider gives its hot key: one authz grant of
//! `ContractExecutionAuthorization` on the registry and the escrow, each
//! limited by `AcceptedMessageKeysFilter` to the messages the agent sends and
//! by a call budget (no funds), plus a fee grant restricted to `MsgExec`.
//! An oracle gives its hot key the same on the registry, for `prove_liveness` only.

use cosmrs::proto::cosmos::authz::v1beta1::{
    Grant, MsgGrant, QueryGrantsRequest, QueryGrantsResponse,
};
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::feegrant::v1beta1::{
    AllowedMsgAllowance, BasicAllowance, MsgGrantAllowance, QueryAllowanceRequest,
};
use cosmrs::proto::cosmwasm::wasm::v1::{
    AcceptedMessageKeysFilter, ContractExecutionAuthorization, ContractGrant, MaxCallsLimit,
};
use cosmrs::proto::prost::{Message, Name};
use cosmrs::Any;

use crate::chain::Chain;
use crate::error::{AgentError, Result};
use crate::tx_kind::TxKind;

/// The message names of `kinds` (an authz filter's keys).
fn keys(kinds: &[TxKind]) -> Vec<String> {
    kinds.iter().map(|k| k.as_str().to_string()).collect()
}

fn any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn contract_grant(contract: &str, kinds: &[TxKind], calls: u64) -> ContractGrant {
    ContractGrant {
        contract: contract.to_string(),
        limit: Some(any(&MaxCallsLimit { remaining: calls })),
        filter: Some(any(&AcceptedMessageKeysFilter { keys: keys(kinds) })),
    }
}

/// A contract and the messages a grantee may execute on it.
pub type ContractKeys<'a> = (&'a str, &'a [TxKind]);

/// The contracts and messages of a provider agent's hot key.
pub fn agent_contracts<'a>(registry: &'a str, escrow: &'a str) -> [ContractKeys<'a>; 2] {
    [(registry, &TxKind::REGISTRY), (escrow, &TxKind::ESCROW)]
}

/// The contract and message of an oracle's hot key.
pub fn oracle_contracts(registry: &str) -> [ContractKeys<'_>; 1] {
    [(registry, &TxKind::ORACLE)]
}

/// The authz grant of a provider agent's hot key.
pub fn authz_grant(
    provider: &str,
    hot: &str,
    registry: &str,
    escrow: &str,
    calls: u64,
    expires_unix: i64,
) -> Any {
    let contracts = agent_contracts(registry, escrow);
    authz_grant_for(provider, hot, &contracts, calls, expires_unix)
}

/// The authz grant (every contract in one authorization: a second grant of
/// the same message type would replace the first).
pub fn authz_grant_for(
    granter: &str,
    hot: &str,
    contracts: &[ContractKeys<'_>],
    calls: u64,
    expires_unix: i64,
) -> Any {
    let authorization = ContractExecutionAuthorization {
        grants: contracts
            .iter()
            .map(|(contract, kinds)| contract_grant(contract, kinds, calls))
            .collect(),
    };
    any(&MsgGrant {
        granter: granter.to_string(),
        grantee: hot.to_string(),
        grant: Some(Grant {
            authorization: Some(any(&authorization)),
            expiration: Some(cosmrs::proto::Timestamp {
                seconds: expires_unix,
                nanos: 0,
            }),
        }),
    })
}

/// The fee grant: the provider pays the hot key's fees for `MsgExec` only, up to `spend_limit`.
pub fn fee_grant(provider: &str, hot: &str, spend_limit: Option<(String, u128)>) -> Any {
    let basic = BasicAllowance {
        spend_limit: spend_limit
            .map(|(denom, amount)| {
                vec![Coin {
                    denom,
                    amount: amount.to_string(),
                }]
            })
            .unwrap_or_default(),
        expiration: None,
    };
    let allowed = AllowedMsgAllowance {
        allowance: Some(any(&basic)),
        allowed_messages: vec!["/cosmos.authz.v1beta1.MsgExec".into()],
    };
    any(&MsgGrantAllowance {
        granter: provider.to_string(),
        grantee: hot.to_string(),
        allowance: Some(any(&allowed)),
    })
}

/// The message keys the provider's authz grants the hot key on each contract.
pub fn decode_contract_grants(grants: &[Grant]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for grant in grants {
        let Some(auth) = &grant.authorization else {
            continue;
        };
        if auth.type_url != ContractExecutionAuthorization::type_url() {
            continue;
        }
        let Ok(auth) = ContractExecutionAuthorization::decode(auth.value.as_slice()) else {
            continue;
        };
        for g in auth.grants {
            let keys = g
                .filter
                .filter(|f| f.type_url == AcceptedMessageKeysFilter::type_url())
                .and_then(|f| AcceptedMessageKeysFilter::decode(f.value.as_slice()).ok())
                .map(|f| f.keys)
                .unwrap_or_default();
            out.push((g.contract, keys));
        }
    }
    out
}

/// What is missing for the agent to send as `provider` from `hot`: an empty
/// list when the authz grant covers every message on both contracts and a fee
/// grant exists (when fees come from it).
pub async fn missing(
    chain: &Chain,
    provider: &str,
    hot: &str,
    registry: &str,
    escrow: &str,
    fee_grant: bool,
) -> Result<Vec<String>> {
    let contracts = agent_contracts(registry, escrow);
    missing_for(chain, provider, hot, &contracts, fee_grant).await
}

/// What is missing for `hot` to send as `granter`: every message of
/// `contracts` not in its authz grant, and the fee grant (when fees come from it).
pub async fn missing_for(
    chain: &Chain,
    granter: &str,
    hot: &str,
    contracts: &[ContractKeys<'_>],
    fee_grant: bool,
) -> Result<Vec<String>> {
    let provider = granter;
    let request = QueryGrantsRequest {
        granter: provider.into(),
        grantee: hot.into(),
        msg_type_url: "/cosmwasm.wasm.v1.MsgExecuteContract".into(),
        pagination: None,
    };
    let path = "/cosmos.authz.v1beta1.Query/Grants";
    let grants = match chain.abci_query(path, request.encode_to_vec()).await {
        Ok(bytes) => {
            QueryGrantsResponse::decode(bytes.as_slice())
                .map_err(|e| AgentError::Decode(format!("{path}: {e}")))?
                .grants
        }
        Err(AgentError::Chain { .. }) => vec![],
        Err(e) => return Err(e),
    };
    let granted = decode_contract_grants(&grants);
    let mut missing = Vec::new();
    for (contract, kinds) in contracts {
        let allowed = granted.iter().find(|(c, _)| c == contract).map(|(_, k)| k);
        for kind in kinds.iter() {
            if !allowed.is_some_and(|a| a.iter().any(|k| k == kind.as_str())) {
                missing.push(format!("authz: {kind} on {contract}"));
            }
        }
    }
    if fee_grant {
        let request = QueryAllowanceRequest {
            granter: provider.into(),
            grantee: hot.into(),
        };
        if let Err(AgentError::Chain { .. }) = chain
            .abci_query(
                "/cosmos.feegrant.v1beta1.Query/Allowance",
                request.encode_to_vec(),
            )
            .await
        {
            missing.push(format!("fee grant from {provider}"));
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant_of(msg: &Any) -> Grant {
        MsgGrant::decode(msg.value.as_slice())
            .unwrap()
            .grant
            .unwrap()
    }

    #[test]
    fn one_authorization_covers_both_contracts_with_only_the_agents_messages() {
        let msg = authz_grant("wasm1p", "wasm1h", "wasm1reg", "wasm1esc", 10, 0);
        assert_eq!(msg.type_url, "/cosmos.authz.v1beta1.MsgGrant");
        let grant = MsgGrant::decode(msg.value.as_slice()).unwrap();
        let auth = grant.grant.unwrap().authorization.unwrap();
        assert_eq!(
            auth.type_url,
            "/cosmwasm.wasm.v1.ContractExecutionAuthorization"
        );
        let auth = ContractExecutionAuthorization::decode(auth.value.as_slice()).unwrap();
        let contracts: Vec<_> = auth.grants.iter().map(|g| g.contract.as_str()).collect();
        assert_eq!(contracts, vec!["wasm1reg", "wasm1esc"]);
        let filter = auth.grants[1].filter.clone().unwrap();
        let keys = AcceptedMessageKeysFilter::decode(filter.value.as_slice())
            .unwrap()
            .keys;
        assert_eq!(
            keys,
            ["accept_lease", "report_usage", "redeem_receipt", "settle"]
        );
        let decoded = decode_contract_grants(&[grant_of(&msg)]);
        assert_eq!(
            decoded[0],
            (
                "wasm1reg".to_string(),
                vec!["heartbeat", "claim_rewards", "claim", "unjail"]
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>()
            )
        );
        // The oracle's hot key: prove_liveness on the registry, nothing else.
        let oracle = authz_grant_for("wasm1o", "wasm1h", &oracle_contracts("wasm1reg"), 10, 0);
        assert_eq!(
            decode_contract_grants(&[grant_of(&oracle)]),
            vec![("wasm1reg".to_string(), vec!["prove_liveness".to_string()])]
        );
        // Nothing that moves the provider's stake: no unbond, deregister, bond, update_provider.
        for key in [
            "unbond",
            "deregister",
            "bond",
            "update_provider",
            "close_lease",
        ] {
            assert!(key
                .parse::<TxKind>()
                .map_or(true, |kind| !TxKind::REGISTRY.contains(&kind)
                    && !TxKind::ESCROW.contains(&kind)));
        }
    }
}
