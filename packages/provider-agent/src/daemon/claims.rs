//! The claims loop: rewards above their threshold, matured stake claims
//! above theirs, and the unjail once a jail is over.

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
    claim_rewards(agent, &record).await?;
    claim_stake(agent, &tip).await?;
    if matches!(record.status, registry::ProviderStatus::Jailed { .. }) {
        unjail(agent, &record, &tip).await?;
    }
    Ok(())
}

async fn claim_rewards(agent: &Agent, record: &ProviderResponse) -> Result<()> {
    let threshold = agent.config.policy.claim_rewards_threshold;
    if !policy::worth_claiming(record.pending_rewards, threshold) {
        return Ok(());
    }
    let msg = registry::ExecuteMsg::ClaimRewards {};
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
