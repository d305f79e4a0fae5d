//! The claims loop: the records of the providers that named the operator
//! (one paged query), each one's liveness as the registry counts it
//! (metrics) and the agent key it holds (a committed rotation is followed);
//! a warning for a configured provider that has not named the operator;
//! and one `claim_rewards {providers}` for the fleet once its providers'
//! pending rewards sum to the threshold (minted to each provider).

use std::collections::BTreeMap;
use std::sync::Arc;

use cosmwasm_std::Uint128;
use depin_interface::registry::{self, ProviderResponse};
use depin_interface::MAX_BATCH_ITEMS;

use super::shared::{Fleet, Member};
use crate::chain::Committed;
use crate::clock::now_secs;
use crate::error::Result;
use crate::metrics::as_u64;
use crate::policy;
use crate::queue::Call;
use crate::tx_kind::TxKind;

pub async fn run(fleet: Arc<Fleet>) {
    loop {
        if let Err(e) = pass(&fleet).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "claims pass interrupted");
        }
        let period = fleet.config.fleet.tick_seconds.saturating_mul(3);
        if !fleet.shutdown.pause(period).await {
            return;
        }
    }
}

pub async fn pass(fleet: &Fleet) -> Result<()> {
    let serving = fleet.serving().await?;
    let served = fleet
        .members
        .iter()
        .filter(|m| serving.contains_key(&m.address))
        .count();
    fleet
        .metrics
        .fleet_serving
        .set(i64::try_from(served).unwrap_or(i64::MAX));
    for member in &fleet.members {
        match serving.get(&member.address) {
            Some(record) => liveness(fleet, member, record),
            None => {
                if let Some(unlogged) = member.serve_warnings.allow(now_secs()) {
                    tracing::warn!(provider = %member.address, operator = %fleet.operator, unlogged,
                        "this provider has not named the fleet's operator (or is not registered): its leases are not billed and its rewards not claimed by this fleet (run `depin-provider fleet set-operator`); its liveness challenges are answered");
                }
            }
        }
    }
    let strangers: Vec<&String> = serving
        .keys()
        .filter(|a| !fleet.members.iter().any(|m| &m.address == *a))
        .collect();
    if !strangers.is_empty() {
        if let Some(unlogged) = fleet.warnings.allow(now_secs()) {
            tracing::warn!(providers = ?strangers, unlogged, "providers name this fleet's operator but are not in its config: nothing is done for them (add them with `depin-provider fleet add-provider`)");
        }
    }
    claim(fleet, &serving).await
}

/// The registry's liveness counts into the metrics; the agent key it holds
/// followed (a rotation committed), or a warning when it is not this fleet's.
fn liveness(fleet: &Fleet, member: &Member, record: &ProviderResponse) {
    fleet
        .metrics
        .fleet_liveness(&member.address, &record.reputation);
    let followed = match &record.agent_pubkey {
        Some(key) => member.prover.follow(key.as_slice()),
        None => Ok(false),
    };
    let warn = match followed {
        Ok(true) => return,
        Ok(false) if record.agent_pubkey.is_none() => "the registry holds no agent key for this provider: oracles cannot prove it live (`depin-provider fleet set-operator` sends the fleet's)".to_string(),
        Ok(false) => "the registry holds another agent key for this provider than the fleet's: its answers to oracles do not count (`depin-provider fleet set-operator` sends the fleet's)".to_string(),
        Err(e) => format!("the agent key file cannot be read: {e}"),
    };
    if let Some(unlogged) = member.key_warnings.allow(now_secs()) {
        tracing::warn!(provider = %member.address, unlogged, "{warn}");
    }
}

/// The providers to claim for (those of the config with pending rewards)
/// when their pending rewards sum to the threshold; none otherwise.
pub fn claimants(
    members: &[&str],
    serving: &BTreeMap<String, ProviderResponse>,
    threshold: Uint128,
) -> Vec<String> {
    let pending: Vec<(&str, Uint128)> = members
        .iter()
        .filter_map(|m| serving.get(*m).map(|r| (*m, r.pending_rewards)))
        .filter(|(_, p)| !p.is_zero())
        .collect();
    let total = pending
        .iter()
        .fold(Uint128::zero(), |sum, (_, p)| sum.saturating_add(*p));
    if !policy::worth_claiming(total, threshold) {
        return vec![];
    }
    pending.into_iter().map(|(m, _)| m.to_string()).collect()
}

/// What a committed `claim_rewards` minted to each provider: the registry's
/// `provider` attribute and the `amount` after it (a cw20 mint's own
/// `amount` follows a `to`, not a `provider`).
pub fn minted(c: &Committed) -> Vec<(String, u128)> {
    let mut out = Vec::new();
    let mut provider: Option<&str> = None;
    for (kind, key, value) in &c.events {
        if kind != "wasm" {
            continue;
        }
        match key.as_str() {
            "provider" => provider = Some(value),
            "amount" => {
                if let (Some(p), Ok(amount)) = (provider.take(), value.parse::<u128>()) {
                    out.push((p.to_string(), amount));
                }
            }
            "_contract_address" => provider = None,
            _ => {}
        }
    }
    out
}

async fn claim(fleet: &Fleet, serving: &BTreeMap<String, ProviderResponse>) -> Result<()> {
    let members: Vec<&str> = fleet.members.iter().map(|m| m.address.as_str()).collect();
    let threshold = fleet.config.policy.claim_rewards_threshold;
    let claimants = claimants(&members, serving, threshold);
    for chunk in claimants.chunks(MAX_BATCH_ITEMS) {
        let msg = registry::ExecuteMsg::ClaimRewards {
            providers: Some(chunk.to_vec()),
        };
        let calls = vec![Call::new(&fleet.config.chain.registry, &msg)?];
        match fleet
            .outbox
            .send(TxKind::ClaimRewards, None, 0, calls)
            .await
        {
            Ok(c) => {
                let minted = minted(&c);
                let total: u128 = minted.iter().map(|(_, a)| *a).sum();
                fleet.metrics.rewards_claimed.inc_by(as_u64(total));
                for (provider, amount) in &minted {
                    tracing::debug!(%provider, amount, "rewards minted");
                }
                tracing::info!(providers = minted.len(), amount = total, gas_used = c.gas_used,
                    hash = %c.hash, "rewards claimed for the fleet");
            }
            Err(e) => {
                tracing::warn!(kind = "claim_rewards", class = e.class().as_str(), error = %e, "not sent")
            }
        }
    }
    Ok(())
}
