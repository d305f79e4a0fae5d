//! The authorisation a provider gives its hot key: one authz grant of
//! `ContractExecutionAuthorization` on the registry and the escrow, each
//! limited by `AcceptedMessageKeysFilter` to the messages the agent sends and
//! by a call budget (no funds), plus a fee grant restricted to `MsgExec`.

use cosmrs::proto::cosmos::authz::v1beta1::{Grant, MsgGrant};
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::feegrant::v1beta1::{
    AllowedMsgAllowance, BasicAllowance, MsgGrantAllowance,
};
use cosmrs::proto::cosmwasm::wasm::v1::{
    AcceptedMessageKeysFilter, ContractExecutionAuthorization, ContractGrant, MaxCallsLimit,
};
use cosmrs::proto::prost::{Message, Name};
use cosmrs::Any;

/// Registry messages the agent sends for the provider.
pub const REGISTRY_KEYS: [&str; 4] = ["heartbeat", "claim_rewards", "claim", "unjail"];
/// Escrow messages the agent sends for the provider.
pub const ESCROW_KEYS: [&str; 4] = ["accept_lease", "report_usage", "redeem_receipt", "settle"];

fn any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn contract_grant(contract: &str, keys: &[&str], calls: u64) -> ContractGrant {
    ContractGrant {
        contract: contract.to_string(),
        limit: Some(any(&MaxCallsLimit { remaining: calls })),
        filter: Some(any(&AcceptedMessageKeysFilter {
            keys: keys.iter().map(|k| k.to_string()).collect(),
        })),
    }
}

/// The authz grant (both contracts in one authorization: a second grant of
/// the same message type would replace the first).
pub fn authz_grant(
    provider: &str,
    hot: &str,
    registry: &str,
    escrow: &str,
    calls: u64,
    expires_unix: i64,
) -> Any {
    let authorization = ContractExecutionAuthorization {
        grants: vec![
            contract_grant(registry, &REGISTRY_KEYS, calls),
            contract_grant(escrow, &ESCROW_KEYS, calls),
        ],
    };
    any(&MsgGrant {
        granter: provider.to_string(),
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

/// The same two grants with wasmd's CLI, for a provider whose key lives in
/// wasmd's keyring (or on a Ledger): printed by `depin-provider init`.
pub fn wasmd_commands(hot: &str, registry: &str, escrow: &str) -> String {
    format!(
        r#"# 1. authz: both contracts in ONE authorization (a second `grant` of the same type replaces the first)
EXP=$(( $(date +%s) + 365*86400 ))
wasmd tx wasm grant contract {hot} execution {registry} --allow-msg-keys {rk} \
  --max-calls 100000000 --no-token-transfer --expiration $EXP --from provider --generate-only > registry.json
wasmd tx wasm grant contract {hot} execution {escrow} --allow-msg-keys {ek} \
  --max-calls 100000000 --no-token-transfer --expiration $EXP --from provider --generate-only > escrow.json
jq -s '.[0].body.messages[0].grant.authorization.grants += .[1].body.messages[0].grant.authorization.grants | .[0]' \
  registry.json escrow.json > grant.json
wasmd tx sign grant.json --from provider --chain-id <chain-id> > grant.signed.json && wasmd tx broadcast grant.signed.json
# 2. fee grant: the provider pays the hot key's fees, for MsgExec only
wasmd tx feegrant grant provider {hot} --allowed-messages /cosmos.authz.v1beta1.MsgExec --spend-limit 50000000ustake \
  --gas-prices 0.025ustake --chain-id <chain-id>
"#,
        rk = REGISTRY_KEYS.join(","),
        ek = ESCROW_KEYS.join(","),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(keys, ESCROW_KEYS);
        // Nothing that moves the provider's stake: no unbond, deregister, bond, update_provider.
        for key in [
            "unbond",
            "deregister",
            "bond",
            "update_provider",
            "close_lease",
        ] {
            assert!(!REGISTRY_KEYS.contains(&key) && !ESCROW_KEYS.contains(&key));
        }
    }
}
