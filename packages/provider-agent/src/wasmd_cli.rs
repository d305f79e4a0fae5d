//! The grants with wasmd's CLI, for a provider whose key lives in a wasmd
//! keyring (or on a Ledger): one block of commands over shell variables,
//! printed by `depin-provider init` with the variables set, shown in the
//! README word for word (a test checks it) and run from the README by
//! `scripts/agent.sh e2e` on a devnet. And a fleet provider's commands
//! (register, name the operator), the same way.

/// The commands, over `$HOT $REGISTRY $ESCROW $CHAIN_ID $NODE $KEYRING`: the
/// provider's key imported, then ONE transaction signed by it with the authz
/// grant on both contracts (a second `grant contract` would replace the first:
/// authz keeps one authorization per message type) and the fee grant.
pub const GRANT_COMMANDS: &str = r#"wasmd keys add provider --recover $KEYRING   # once: the provider's key (asks for its mnemonic)
EXP=$(( $(date +%s) + 365*86400 ))
wasmd tx wasm grant contract $HOT execution $REGISTRY --allow-msg-keys heartbeat,claim_rewards,claim,unjail \
  --max-calls 100000000 --no-token-transfer --expiration $EXP \
  --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE --generate-only > registry.json
wasmd tx wasm grant contract $HOT execution $ESCROW --allow-msg-keys accept_lease,report_usage,redeem_receipt,settle \
  --max-calls 100000000 --no-token-transfer --expiration $EXP \
  --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE --generate-only > escrow.json
wasmd tx feegrant grant provider $HOT --allowed-messages /cosmos.authz.v1beta1.MsgExec --spend-limit 50000000ustake \
  $KEYRING --chain-id $CHAIN_ID --node $NODE --generate-only > feegrant.json
jq -s '.[0].body.messages[0].grant.authorization.grants += .[1].body.messages[0].grant.authorization.grants
       | .[0].body.messages += .[2].body.messages | .[0]
       | .auth_info.fee.amount = [{"denom":"ustake","amount":"15000"}] | .auth_info.fee.gas_limit = "600000"' \
  registry.json escrow.json feegrant.json > grant.json
wasmd tx sign grant.json --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE > grant.signed.json
wasmd tx broadcast grant.signed.json --node $NODE
"#;

/// The variables for [`GRANT_COMMANDS`], then the commands.
pub fn commands(hot: &str, registry: &str, escrow: &str, chain_id: &str, node: &str) -> String {
    format!(
        "HOT={hot}\nREGISTRY={registry}\nESCROW={escrow}\nCHAIN_ID={chain_id}\nNODE={node}\n\
         KEYRING=\"--keyring-backend os\"   # where wasmd keeps the provider's key (os, file, test; or --ledger)\n\
         {GRANT_COMMANDS}"
    )
}

/// A fleet provider registers with wasmd's CLI, over `$REGISTRY $ENDPOINT
/// $AGENT_PUBKEY $CHAIN_ID $NODE $KEYRING`: its endpoint is its routes on the
/// fleet agent and its agent key the one the fleet holds for it (both
/// printed by `depin-provider fleet add-provider`); the stake goes with it.
/// The transaction is waited for (the next one from the key needs it).
pub const FLEET_REGISTER_COMMAND: &str = r#"TX=$(wasmd tx wasm execute $REGISTRY "{\"register\":{\"service\":\"storage\",\"endpoint\":\"$ENDPOINT\",\"region\":\"eu-west\",\"capacity\":{\"amount\":\"1000\",\"unit\":\"GiB\"},\"prices\":[{\"denom\":{\"native\":\"uusdc\"},\"per_unit\":\"10\"}],\"agent_pubkey\":\"$AGENT_PUBKEY\"}}" \
  --amount 5000000ustake --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE \
  --gas auto --gas-adjustment 1.5 --gas-prices 0.025ustake -y -o json | jq -r .txhash)
wasmd query wait-tx $TX --node $NODE -o json | jq -c '{code, height}'
"#;

/// A provider names the fleet's operator with wasmd's CLI, over `$REGISTRY
/// $OPERATOR $CHAIN_ID $NODE $KEYRING` (`depin-provider fleet set-operator
/// --print` prints it with the variables set).
pub const SET_OPERATOR_COMMAND: &str = r#"TX=$(wasmd tx wasm execute $REGISTRY "{\"set_operator\":{\"operator\":\"$OPERATOR\"}}" \
  --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE \
  --gas auto --gas-adjustment 1.5 --gas-prices 0.025ustake -y -o json | jq -r .txhash)
wasmd query wait-tx $TX --node $NODE -o json | jq -c '{code, height}'
"#;

/// A registered provider moving into a fleet lists the fleet's endpoint and
/// agent key for it, over `$REGISTRY $ENDPOINT $AGENT_PUBKEY $CHAIN_ID $NODE $KEYRING`.
pub const UPDATE_PROVIDER_COMMAND: &str = r#"TX=$(wasmd tx wasm execute $REGISTRY "{\"update_provider\":{\"endpoint\":\"$ENDPOINT\",\"agent_pubkey\":\"$AGENT_PUBKEY\"}}" \
  --from provider $KEYRING --chain-id $CHAIN_ID --node $NODE \
  --gas auto --gas-adjustment 1.5 --gas-prices 0.025ustake -y -o json | jq -r .txhash)
wasmd query wait-tx $TX --node $NODE -o json | jq -c '{code, height}'
"#;

/// What `fleet set-operator --print` prints: the variables, the
/// `update_provider` command when the registry lists another endpoint or
/// agent key for the provider (`update`: the fleet's), then `set_operator`.
pub fn set_operator_commands(
    registry: &str,
    operator: &str,
    chain_id: &str,
    node: &str,
    update: Option<(&str, &str)>,
) -> String {
    let mut out = format!(
        "REGISTRY={registry}\nOPERATOR={operator}\nCHAIN_ID={chain_id}\nNODE={node}\n\
         KEYRING=\"--keyring-backend os\"   # where wasmd keeps the provider's key, named `provider` (os, file, test; or --ledger)\n"
    );
    if let Some((endpoint, agent_pubkey)) = update {
        out.push_str(&format!(
            "ENDPOINT={endpoint}\nAGENT_PUBKEY={agent_pubkey}\n{UPDATE_PROVIDER_COMMAND}"
        ));
    }
    out.push_str(SET_OPERATOR_COMMAND);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx_kind::TxKind;

    #[test]
    fn the_readme_shows_the_commands_init_prints() {
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(GRANT_COMMANDS),
            "README.md must hold wasmd_cli::GRANT_COMMANDS word for word"
        );
    }

    #[test]
    fn the_readme_shows_the_fleet_commands() {
        let readme = include_str!("../README.md");
        for (name, text) in [
            ("FLEET_REGISTER_COMMAND", FLEET_REGISTER_COMMAND),
            ("SET_OPERATOR_COMMAND", SET_OPERATOR_COMMAND),
            ("UPDATE_PROVIDER_COMMAND", UPDATE_PROVIDER_COMMAND),
        ] {
            assert!(
                readme.contains(text),
                "README.md must hold wasmd_cli::{name} word for word"
            );
        }
        let printed = set_operator_commands("wasm1reg", "wasm1op", "testing", "http://n:1", None);
        assert!(printed.contains("OPERATOR=wasm1op\n") && printed.ends_with(SET_OPERATOR_COMMAND));
        assert!(!printed.contains("update_provider"));
        let moving = set_operator_commands(
            "wasm1reg",
            "wasm1op",
            "testing",
            "http://n:1",
            Some(("https://f/providers/wasm1p", "A0Jz")),
        );
        assert!(moving.contains("ENDPOINT=https://f/providers/wasm1p\nAGENT_PUBKEY=A0Jz\n"));
        assert!(
            moving.find("update_provider") < moving.find("set_operator"),
            "the endpoint and key first, then the operator"
        );
    }

    #[test]
    fn the_commands_grant_the_keys_the_agent_sends() {
        for kinds in [&TxKind::REGISTRY[..], &TxKind::ESCROW[..]] {
            let keys: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            assert!(
                GRANT_COMMANDS.contains(&format!("--allow-msg-keys {} ", keys.join(","))),
                "{keys:?}"
            );
        }
        let printed = commands("wasm1hot", "wasm1reg", "wasm1esc", "testing", "http://n:1");
        assert!(printed.contains("CHAIN_ID=testing\nNODE=http://n:1\n"));
        assert!(!printed.contains("<chain-id>"));
    }
}
