//! One pass of the oracle (every `tick_seconds`): resolve recorded batches,
//! read the current epoch from the block time, then for the previous epoch
//! (while its proofs are still taken) and the current one: challenge every
//! active provider not answered yet (bounded concurrency, a few attempts
//! spread over the epoch), record each answer or miss, and submit the answers.
//! The active providers are paged at most once per attempt spacing and kept
//! between passes (a read that fails keeps the list in hand): with 10,000
//! providers a read is 100 queries, and re-reading them every pass delayed a
//! new epoch's challenges by minutes on a busy node.

use std::sync::Arc;

use depin_interface::registry::{ProvidersResponse, QueryMsg, StatusFilter};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::probe::{probe, Miss, Proof, Target};
use super::Oracle;
use crate::clock::now_secs;
use crate::error::Result;

pub async fn run(oracle: Arc<Oracle>) {
    loop {
        if let Err(e) = pass(&oracle).await {
            tracing::warn!(class = e.class().as_str(), error = %e, "oracle pass interrupted");
        }
        if !oracle
            .shutdown
            .pause(oracle.config.oracle.tick_seconds)
            .await
        {
            return;
        }
    }
}

pub async fn pass(oracle: &Oracle) -> Result<()> {
    oracle.submitter.reconcile().await?;
    let tip = oracle.chain.tip().await?;
    let current = oracle.clock.epoch_at(tip.seconds());
    oracle
        .metrics
        .epoch
        .set(i64::try_from(current).unwrap_or(i64::MAX));
    let open_from = current.saturating_sub(1);
    let late = oracle.store.close_epochs_before(open_from)?;
    if late > 0 {
        tracing::warn!(
            late,
            before = open_from,
            "answers never submitted before their epoch closed"
        );
    }
    let targets = targets(oracle).await?;
    oracle
        .metrics
        .providers
        .set(i64::try_from(targets.len()).unwrap_or(i64::MAX));
    for epoch in open_from..=current {
        challenge_all(oracle, &targets, epoch).await?;
        oracle.submitter.submit(epoch).await?;
    }
    Ok(())
}

/// Seconds a list of the active providers is kept: the spacing of a
/// provider's attempts (`epoch_seconds / attempts`), so a missed provider's
/// next attempt is made with a list (its agent key) read since the last one.
fn list_seconds(oracle: &Oracle) -> u64 {
    (oracle.clock.epoch_seconds / u64::from(oracle.config.oracle.attempts.max(1))).max(1)
}

/// Whether a list read at `read_at` (Unix seconds; `None`: never read) is
/// read again at `now`.
pub fn read_again(read_at: Option<u64>, now: u64, keep_seconds: u64) -> bool {
    match read_at {
        None => true,
        Some(at) => now >= at.saturating_add(keep_seconds),
    }
}

/// The active providers: the list in hand while it is younger than
/// [`list_seconds`], else read again; if that read fails, the list in hand
/// (warned), so one RPC timeout under load does not cost the pass.
async fn targets(oracle: &Oracle) -> Result<Arc<Vec<Target>>> {
    let now = now_secs();
    let held = oracle
        .targets
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    match &held {
        Some((at, list)) if !read_again(Some(*at), now, list_seconds(oracle)) => {
            return Ok(list.clone())
        }
        _ => {}
    }
    match active_providers(oracle).await {
        Ok(list) => {
            let list = Arc::new(list);
            *oracle
                .targets
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((now, list.clone()));
            Ok(list)
        }
        Err(e) => match held {
            Some((at, list)) => {
                tracing::warn!(error = %e, providers = list.len(), read_seconds_ago = now.saturating_sub(at),
                    "active providers not read again: challenging the list read before");
                Ok(list)
            }
            None => Err(e),
        },
    }
}

/// Every active provider, page by page.
async fn active_providers(oracle: &Oracle) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    let mut start_after = None;
    let limit = oracle.config.oracle.page_limit;
    loop {
        let query = QueryMsg::Providers {
            service: None,
            region: None,
            status: Some(StatusFilter::Active),
            start_after: start_after.clone(),
            limit: Some(limit),
        };
        let page: ProvidersResponse = oracle
            .chain
            .smart(&oracle.config.chain.registry, &query)
            .await?;
        let full = page.providers.len() >= limit as usize;
        start_after = page.providers.last().map(|p| p.address.to_string());
        out.extend(page.providers.into_iter().map(|p| Target {
            provider: p.address.to_string(),
            endpoint: p.endpoint,
            agent_key: p.agent_pubkey.map(|k| k.to_vec()),
        }));
        if !full || start_after.is_none() {
            return Ok(out);
        }
    }
}

/// The targets due a challenge for `epoch`: not answered yet, attempts
/// left, and the last attempt long enough ago (attempts spread over the epoch).
fn due(oracle: &Oracle, targets: &[Target], epoch: u64, now: u64) -> Result<Vec<Target>> {
    let attempts = oracle.config.oracle.attempts;
    let spacing = (oracle.clock.epoch_seconds / u64::from(attempts)).max(1);
    let mut out = Vec::new();
    for target in targets {
        match oracle.store.attempts(&target.provider, epoch)? {
            Some((0, _)) => out.push(target.clone()),
            Some((made, at)) if made < attempts && now >= at.saturating_add(spacing) => {
                out.push(target.clone())
            }
            _ => {}
        }
    }
    Ok(out)
}

async fn challenge_all(oracle: &Oracle, targets: &[Target], epoch: u64) -> Result<()> {
    let due = due(oracle, targets, epoch, now_secs())?;
    if due.is_empty() {
        return Ok(());
    }
    let permits = Arc::new(Semaphore::new(oracle.config.oracle.concurrency));
    let mut tasks = JoinSet::new();
    for target in due {
        let (http, domain, permits) = (oracle.http.clone(), oracle.domain.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = probe(&http, &domain, &target, epoch).await;
            (target, outcome)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((target, outcome)) => record(oracle, &target, epoch, outcome)?,
            Err(e) => tracing::error!(error = %e, "a challenge task ended abnormally"),
        }
    }
    Ok(())
}

fn record(
    oracle: &Oracle,
    target: &Target,
    epoch: u64,
    outcome: Result<Proof, Miss>,
) -> Result<()> {
    let now = now_secs();
    match outcome {
        Ok(proof) => {
            oracle.metrics.challenge("answered");
            oracle
                .store
                .record_answer(&target.provider, epoch, &proof.nonce, &proof.signature, now)
        }
        Err(miss) => {
            oracle.metrics.challenge(miss.as_str());
            let made = oracle
                .store
                .record_miss(&target.provider, epoch, &miss.describe(), now)?;
            if made >= oracle.config.oracle.attempts {
                oracle.metrics.miss(miss.as_str());
                tracing::warn!(provider = %target.provider, endpoint = %target.endpoint, epoch,
                    reason = miss.as_str(), detail = %miss.describe(), attempts = made,
                    "missed: not proven for this epoch");
            } else {
                tracing::info!(provider = %target.provider, epoch, reason = %miss.describe(), attempt = made, "challenge failed; trying again later in the epoch");
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_again;

    #[test]
    fn the_provider_list_is_read_first_then_again_only_once_it_is_older_than_the_attempt_spacing() {
        assert!(read_again(None, 1_000, 100));
        assert!(!read_again(Some(1_000), 1_000, 100));
        assert!(!read_again(Some(1_000), 1_099, 100));
        assert!(read_again(Some(1_000), 1_100, 100));
    }
}
