//! The claims loop: rewards above their threshold, matured stake claims
//! above theirs, and the unjail once a jail is over; on the way, the
//! provider's liveness as the registry counts it (metrics) and the agent key
//! it holds (a committed rotation is followed).

use std::sync::Arc;

use depin_interface::registry::{self, ClaimsResponse, ConfigResponse, ProviderResponse};

use super::agent::Agent;
use crate::chain::{Committed, Tip};
use crate::error::Result;
use crate::metrics::as_u64;
use crate::policy;
use crate::tx_kind::TxKind;

pub async fn run(agent: Arc<Agent>) {
    loop {
        if let Err(e) = pass(&agent).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "claims pass interrupted");
        }
        let period = agent.config.agent.tick_seconds.saturating_mul(3);
        if !agent.shutdown.pause(period).await {
            return;
        }
    }
}

/// Rewards, matured stake claims and the jail.
pub async fn pass(agent: &Agent) -> Result<()> {
    let record = agent.provider_record().await?;
    let tip = agent.chain.tip().await?;
    liveness(agent, &record);
    claim_rewards(agent, &record).await?;
    claim_stake(agent, &tip).await?;
    if matches!(record.status, registry::ProviderStatus::Jailed { .. }) {
        unjail(agent, &record, &tip).await?;
    }
    Ok(())
}

/// The registry's liveness counts into the metrics; the agent key it holds
/// followed (a rotation committed), or a warning when it is not this agent's.
fn liveness(agent: &Agent, record: &ProviderResponse) {
    agent.metrics.liveness(&record.reputation);
    let followed = match &record.agent_pubkey {
        Some(key) => agent.prover.follow(key.as_slice()),
        None => Ok(false),
    };
    let warn = match followed {
        Ok(true) => return,
        Ok(false) if record.agent_pubkey.is_none() => "the registry holds no agent key for this provider: oracles cannot prove it live and its stake rewards are not credited (run `depin-provider rotate-agent-key`)".to_string(),
        Ok(false) => "the registry holds another agent key than this agent's: its answers to oracles do not count (run `depin-provider rotate-agent-key`)".to_string(),
        Err(e) => format!("the agent key file cannot be read: {e}"),
    };
    if let Some(unlogged) = agent.key_warnings.allow(crate::clock::now_secs()) {
        tracing::warn!(unlogged, "{warn}");
    }
}

async fn claim_rewards(agent: &Agent, record: &ProviderResponse) -> Result<()> {
    let threshold = agent.config.policy.claim_rewards_threshold;
    if !policy::worth_claiming(record.pending_rewards, threshold) {
        return Ok(());
    }
    let msg = registry::ExecuteMsg::ClaimRewards { providers: None };
    if let Ok(c) = send_logged(agent, TxKind::ClaimRewards, &msg).await {
        let minted = c
            .attribute("wasm", "amount")
            .and_then(|a| a.parse().ok())
            .unwrap_or(record.pending_rewards.u128());
        agent.metrics.rewards_claimed.inc_by(as_u64(minted));
        tracing::info!(amount = minted, "rewards claimed");
    }
    Ok(())
}

async fn claim_stake(agent: &Agent, tip: &Tip) -> Result<()> {
    let claims: ClaimsResponse = agent
        .chain
        .smart(
            &agent.config.chain.registry,
            &registry::QueryMsg::Claims {
                address: agent.provider.clone(),
            },
        )
        .await?;
    let matured = policy::matured_claims(&claims.claims, tip.height, tip.time_nanos);
    if !policy::worth_claiming(matured, agent.config.policy.claim_stake_threshold) {
        return Ok(());
    }
    let msg = registry::ExecuteMsg::Claim {};
    if send_logged(agent, TxKind::Claim, &msg).await.is_ok() {
        agent.metrics.stake_claimed.inc_by(as_u64(matured.u128()));
        tracing::info!(amount = %matured, "matured stake claimed");
    }
    Ok(())
}

async fn unjail(agent: &Agent, record: &ProviderResponse, tip: &Tip) -> Result<()> {
    let config: ConfigResponse = agent
        .chain
        .smart(&agent.config.chain.registry, &registry::QueryMsg::Config {})
        .await?;
    if !policy::should_unjail(
        &agent.config.policy,
        &record.status,
        record.stake,
        config.min_stake,
        tip.seconds(),
    ) {
        return Ok(());
    }
    let msg = registry::ExecuteMsg::Unjail {};
    if send_logged(agent, TxKind::Unjail, &msg).await.is_ok() {
        tracing::info!("unjailed");
    }
    Ok(())
}

/// Sends a registry message; a failure is logged and the pass goes on.
async fn send_logged(agent: &Agent, kind: TxKind, msg: &registry::ExecuteMsg) -> Result<Committed> {
    let calls = agent.registry_call(msg)?;
    let result = agent.outbox.send(kind, None, 0, calls).await;
    if let Err(e) = &result {
        tracing::warn!(kind = kind.as_str(), class = e.class().as_str(), error = %e, "not sent");
    }
    result
}
