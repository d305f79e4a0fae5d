//! The liveness loop: a heartbeat on a jittered interval, so the registry
//! counts the provider as alive.

use std::sync::Arc;

use rand::Rng;

use super::agent::Agent;
use crate::chain::Committed;
use crate::error::Result;
use crate::policy;
use crate::tx_kind::TxKind;

pub async fn run(agent: Arc<Agent>) {
    loop {
        if let Err(e) = heartbeat(&agent).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "no heartbeat committed");
        }
        let unit: f64 = rand::thread_rng().gen();
        let delay = policy::heartbeat_delay(&agent.config.policy, unit);
        if !agent.shutdown.pause(delay).await {
            return;
        }
    }
}

pub async fn heartbeat(agent: &Agent) -> Result<Committed> {
    let calls = agent.registry_call(&depin_interface::registry::ExecuteMsg::Heartbeat {})?;
    let c = agent.outbox.send(TxKind::Heartbeat, None, 0, calls).await?;
    agent.metrics.heartbeats.inc();
    tracing::info!(height = c.height, gas_used = c.gas_used, "heartbeat");
    Ok(c)
}
