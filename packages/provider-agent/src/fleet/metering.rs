//! The metering loop: once a second, the lines each provider's service
//! appended to its usage file are counted into SQLite (see
//! [`crate::metering`]); each file's offset is kept under its provider.

use std::sync::Arc;

use super::shared::Fleet;
use crate::metering::ingest_file_of;

pub async fn run(fleet: Arc<Fleet>) {
    if fleet.members.iter().all(|m| m.usage_file.is_none()) {
        return;
    }
    loop {
        for member in &fleet.members {
            let Some(path) = &member.usage_file else {
                continue;
            };
            match ingest_file_of(path, &fleet.store, &member.address) {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(provider = %member.address, lines = n, "usage recorded from the file")
                }
                Err(e) => {
                    tracing::warn!(provider = %member.address, file = %path.display(), error = %e, "usage file not read")
                }
            }
        }
        if !fleet.shutdown.pause(1).await {
            return;
        }
    }
}
