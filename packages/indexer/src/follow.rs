//! Following the chain: blocks are fetched ahead concurrently (a bounded
//! window, in order), decoded, and written in groups of those already
//! fetched — one transaction per group together with the height it reaches.
//! Any failure of the node or of PostgreSQL drops the pipeline and starts
//! again from the height the database holds, so nothing is written twice or
//! skipped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use crate::db;
use crate::decode::{decode_block, DecodedBlock, Suite};
use crate::error::Error;
use crate::rpc::Rpc;

/// How the follower runs.
#[derive(Debug, Clone)]
pub struct FollowConfig {
    pub database_url: String,
    pub from_height: u64,
    /// Blocks fetched ahead concurrently.
    pub window: usize,
    /// Most blocks written in one transaction.
    pub max_group: usize,
    /// Pause between polls of the node at the tip.
    pub poll: Duration,
    /// Stop once this height is written (tests); `None` follows forever.
    pub stop_at: Option<u64>,
}

/// Runs until `stop_at` (or forever), retrying transient failures; the
/// pause doubles up to 5 s while nothing is written and starts again at
/// 200 ms once blocks are written again.
pub async fn run(rpc: Rpc, suite: Arc<Suite>, config: FollowConfig) -> Result<(), Error> {
    const FIRST: Duration = Duration::from_millis(200);
    let mut backoff = FIRST;
    let mut written = 0u64;
    loop {
        let before = written;
        match follow_once(&rpc, &suite, &config, &mut written).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_transient() => {
                if written != before {
                    backoff = FIRST;
                }
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// A block and its results, decoded. The node reports a height in `status`
/// a moment before its results are stored ("could not find results for
/// height"), so RPC failures are retried here a few times, briefly, before
/// the pipeline gives up and starts again.
async fn fetch(rpc: &Rpc, suite: &Suite, height: u64) -> Result<DecodedBlock, Error> {
    let mut attempt = 0u64;
    loop {
        match tokio::try_join!(rpc.block(height), rpc.block_results(height)) {
            Ok((block, results)) => return Ok(decode_block(suite, &block, &results)?),
            Err(e) if e.is_transient() && attempt < 10 => {
                attempt = attempt.saturating_add(1);
                tracing::debug!(height, attempt, error = %e, "fetch retried");
                tokio::time::sleep(Duration::from_millis(50u64.saturating_mul(attempt))).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Catch-up and follow progress, logged every few seconds.
struct Progress {
    since: Instant,
    blocks: u64,
    rows: u64,
    last_log: Instant,
}

async fn follow_once(
    rpc: &Rpc,
    suite: &Suite,
    config: &FollowConfig,
    written: &mut u64,
) -> Result<(), Error> {
    let mut client = db::connect(&config.database_url).await?;
    let mut next = match db::cursor(&client).await? {
        Some((height, registry)) => {
            if registry != suite.provider_registry {
                return Err(Error::Other(format!(
                    "the database indexes the suite of registry {registry}, not {}",
                    suite.provider_registry
                )));
            }
            same_chain(rpc, &client, height).await?;
            height.saturating_add(1)
        }
        None => config.from_height.max(1),
    };
    tracing::info!(height = next, "starting");
    let mut progress = Progress {
        since: Instant::now(),
        blocks: 0,
        rows: 0,
        last_log: Instant::now(),
    };
    loop {
        if config.stop_at.is_some_and(|stop| next > stop) {
            log_progress(&progress, next, true);
            return Ok(());
        }
        let mut tip = rpc.latest_height().await?;
        if let Some(stop) = config.stop_at {
            tip = tip.min(stop);
        }
        if next > tip {
            tokio::time::sleep(config.poll).await;
            continue;
        }
        let mut blocks = stream::iter(next..=tip)
            .map(|height| fetch(rpc, suite, height))
            .buffered(config.window.max(1))
            .ready_chunks(config.max_group.max(1));
        while let Some(group) = blocks.next().await {
            let group = group.into_iter().collect::<Result<Vec<_>, _>>()?;
            for warning in group.iter().flat_map(|b| b.warnings.iter()) {
                tracing::warn!(warning = %warning, "rows not itemised");
            }
            let rows = db::write_blocks(&mut client, &suite.provider_registry, &group).await?;
            *written = written.saturating_add(group.len() as u64);
            progress.blocks = progress.blocks.saturating_add(group.len() as u64);
            progress.rows = progress.rows.saturating_add(rows);
            if let Some(last) = group.last() {
                next = last.height.saturating_add(1);
                tracing::debug!(height = last.height, blocks = group.len(), rows, "written");
            }
            if progress.last_log.elapsed() >= Duration::from_secs(5) {
                log_progress(&progress, next, false);
                progress.last_log = Instant::now();
            }
        }
    }
}

/// The block the database ends with is the chain's block at that height
/// (not a chain reset under the same addresses, nor a fork).
async fn same_chain(rpc: &Rpc, client: &tokio_postgres::Client, height: u64) -> Result<(), Error> {
    let Some(row) = client
        .query_opt(
            "SELECT hash FROM blocks WHERE height = $1",
            &[&db::sql_int(height)],
        )
        .await?
    else {
        return Ok(());
    };
    let indexed: String = row.get(0);
    let chain = rpc.block(height).await?.block_id.hash;
    if indexed != chain {
        return Err(Error::Other(format!(
            "block {height} is {chain} on the chain but {indexed} in the database: another chain (reset or fork); index it into a fresh database"
        )));
    }
    Ok(())
}

fn log_progress(progress: &Progress, next: u64, done: bool) {
    let secs = progress.since.elapsed().as_secs_f64().max(1e-3);
    tracing::info!(
        height = next.saturating_sub(1),
        blocks = progress.blocks,
        rows = progress.rows,
        seconds = format!("{secs:.2}"),
        blocks_per_s = format!("{:.1}", progress.blocks as f64 / secs),
        rows_per_s = format!("{:.1}", progress.rows as f64 / secs),
        done,
        "progress"
    );
}
