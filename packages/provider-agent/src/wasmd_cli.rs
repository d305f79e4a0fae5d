//! The grants with wasmd's CLI, for a provider whose key lives in a wasmd
//! keyring (or on a Ledger): one block of commands over shell variables,
//! printed by `depin-provider init` with the variables set, shown in the
//! README word for word (a test checks it) and run from the README by
//! `scripts/agent.sh e2e` on a devnet.

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
