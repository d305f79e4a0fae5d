//! What every loop of the fleet agent shares: the config, the chain, the
//! SQLite store, the metrics, the outbox (the operator's one signing queue),
//! the providers it serves (each with its agent key) and the stop flag; plus
//! the query more than one loop makes (the providers that named the operator).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use depin_interface::registry::{self, ProviderResponse, ProvidersResponse};

use super::config::FleetConfig;
use crate::agent_key::AgentKey;
use crate::chain::Chain;
use crate::challenge::{Domain, Prover};
use crate::daemon::outbox::Outbox;
use crate::epoch::EpochClock;
use crate::error::Result;
use crate::keys::Key;
use crate::metrics::Metrics;
use crate::queue::{QueueSettings, SigningQueue};
use crate::server::{ServerState, CHALLENGES_PER_SECOND, REJECTION_WARN_SECONDS};
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::throttle::{RateLimit, Throttle};

/// Seconds between two warnings about one provider (not served, agent key).
pub const WARN_SECONDS: u64 = 300;

/// Providers read per page of `providers_by_operator`.
const PAGE: u32 = 30;

/// One provider the fleet serves.
pub struct Member {
    pub address: String,
    /// Answers oracles' challenges for it with its agent key.
    pub prover: Arc<Prover>,
    pub usage_file: Option<PathBuf>,
    /// Warnings that it does not name the operator, and about its agent
    /// key: one of each per period.
    pub serve_warnings: Throttle,
    pub key_warnings: Throttle,
    /// Its HTTP API (receipts, usage, liveness) as the single agent's.
    pub server: ServerState,
}

pub struct Fleet {
    pub config: FleetConfig,
    pub chain: Chain,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    pub outbox: Outbox,
    /// The operator: the hot key that signs, the address the providers name.
    pub operator: String,
    pub members: Vec<Member>,
    pub shutdown: Shutdown,
    /// Warnings about the fleet as a whole: one per period.
    pub warnings: Throttle,
    /// Gas per item of the last batch committed (0: none yet): a batch that
    /// surely fits the budget is not simulated once more to size it.
    pub gas_per_item: AtomicU64,
}

/// The operator's queue: its hot key signing for itself and paying its own
/// fees (the operator is a contract-level grant: no authz, no fee grant).
pub fn operator_settings(config: &FleetConfig, hot: &str) -> QueueSettings {
    QueueSettings::granted(
        &config.chain,
        hot,
        "",
        false,
        config.policy.gas_floor.u128(),
    )
}

impl Fleet {
    /// `clock`: the registry's epochs (its config, read at start).
    pub fn new(config: FleetConfig, shutdown: Shutdown, clock: EpochClock) -> Result<Fleet> {
        let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
        let chain = Chain::new(&config.chain.rpc)?;
        let store = Arc::new(Store::open(&config.fleet.state)?);
        let metrics = Arc::new(Metrics::fleet());
        let settings = operator_settings(&config, &key.address);
        let queue = SigningQueue::new(chain.clone(), key, settings, metrics.clone());
        let operator = queue.address().to_string();
        let outbox = Outbox::new(queue, chain.clone(), store.clone(), metrics.clone());
        let domain = Domain {
            chain_id: config.chain.chain_id.clone(),
            registry: config.chain.registry.clone(),
        };
        let mut members = Vec::with_capacity(config.providers.len());
        for p in &config.providers {
            let key = AgentKey::load_or_create(&p.agent_key_file)?;
            let prover = Arc::new(Prover::new(
                key,
                p.agent_key_file.clone(),
                domain.clone(),
                p.address.clone(),
                clock,
            ));
            let server = ServerState {
                chain: chain.clone(),
                store: store.clone(),
                metrics: metrics.clone(),
                escrow: config.chain.escrow.clone(),
                chain_id: config.chain.chain_id.clone(),
                provider: p.address.clone(),
                shutdown: shutdown.clone(),
                rejections: Arc::new(Throttle::new(REJECTION_WARN_SECONDS)),
                prover: prover.clone(),
                challenges: Arc::new(RateLimit::new(CHALLENGES_PER_SECOND)),
            };
            members.push(Member {
                address: p.address.clone(),
                prover,
                usage_file: p.usage_file.clone(),
                serve_warnings: Throttle::new(WARN_SECONDS),
                key_warnings: Throttle::new(WARN_SECONDS),
                server,
            });
        }
        metrics
            .fleet_providers
            .set(i64::try_from(members.len()).unwrap_or(i64::MAX));
        Ok(Fleet {
            config,
            chain,
            store,
            metrics,
            outbox,
            operator,
            members,
            shutdown,
            warnings: Throttle::new(WARN_SECONDS),
            gas_per_item: AtomicU64::new(0),
        })
    }

    /// The providers that named this fleet's operator, by address (the
    /// registry's fleet index; their records as `provider` answers them).
    pub async fn serving(&self) -> Result<BTreeMap<String, ProviderResponse>> {
        providers_by_operator(&self.chain, &self.config.chain.registry, &self.operator).await
    }
}

/// Every provider that names `operator`, paged.
pub async fn providers_by_operator(
    chain: &Chain,
    registry: &str,
    operator: &str,
) -> Result<BTreeMap<String, ProviderResponse>> {
    let mut out = BTreeMap::new();
    let mut start_after: Option<String> = None;
    loop {
        let page: ProvidersResponse = chain
            .smart(
                registry,
                &registry::QueryMsg::ProvidersByOperator {
                    operator: operator.to_string(),
                    start_after: start_after.clone(),
                    limit: Some(PAGE),
                },
            )
            .await?;
        let n = page.providers.len();
        start_after = page.providers.last().map(|p| p.address.to_string());
        out.extend(
            page.providers
                .into_iter()
                .map(|p| (p.address.to_string(), p)),
        );
        if u32::try_from(n).is_ok_and(|n| n < PAGE) || start_after.is_none() {
            return Ok(out);
        }
    }
}
