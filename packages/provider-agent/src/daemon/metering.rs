//! The metering loop: once a second, the lines the provider's service
//! appended to the usage file are counted into SQLite (see [`crate::metering`]).

use std::sync::Arc;

use super::agent::Agent;
use crate::metering::ingest_file;

pub async fn run(agent: Arc<Agent>) {
    let Some(path) = agent.config.agent.usage_file.clone() else {
        return;
    };
    loop {
        match ingest_file(&path, &agent.store) {
            Ok(0) => {}
            Ok(n) => tracing::info!(lines = n, "usage recorded from the file"),
            Err(e) => tracing::warn!(error = %e, "usage file not read"),
        }
        if !agent.shutdown.pause(1).await {
            return;
        }
    }
}
