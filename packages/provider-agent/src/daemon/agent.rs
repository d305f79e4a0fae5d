//! What every loop of the running agent shares: the config, the chain, the
//! SQLite store, the metrics, the outbox (the one way a transaction leaves),
//! who it acts for, and the stop flag; plus the queries more than one loop makes.

use std::sync::Arc;

use depin_interface::escrow::{self, LeaseResponse};
use depin_interface::registry::{self, ProviderResponse};

use super::outbox::Outbox;
use crate::agent_key::AgentKey;
use crate::chain::Chain;
use crate::challenge::{Domain, Prover};
use crate::config::Config;
use crate::epoch::EpochClock;
use crate::error::Result;
use crate::keys::Key;
use crate::metrics::Metrics;
use crate::queue::{Call, QueueSettings, SigningQueue};
use crate::server::{ServerState, CHALLENGES_PER_SECOND, REJECTION_WARN_SECONDS};
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::throttle::{RateLimit, Throttle};

pub struct Agent {
    pub config: Config,
    pub chain: Chain,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    pub outbox: Outbox,
    /// The provider the contracts see as the sender.
    pub provider: String,
    /// The hot key that signs.
    pub hot: String,
    pub shutdown: Shutdown,
    /// Answers oracles' liveness challenges with the agent key.
    pub prover: Arc<Prover>,
    /// Warnings about the agent key on chain: one per period.
    pub key_warnings: Throttle,
}

/// Seconds between two warnings that the registry does not hold the agent key.
const KEY_WARN_SECONDS: u64 = 300;

impl Agent {
    /// `clock`: the registry's epochs (its config, read at start).
    pub fn new(config: Config, shutdown: Shutdown, clock: EpochClock) -> Result<Agent> {
        let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
        let key_file = config.keys.agent_key_path();
        let agent_key = AgentKey::load_or_create(&key_file)?;
        let chain = Chain::new(&config.chain.rpc)?;
        let store = Arc::new(Store::open(&config.agent.state)?);
        let metrics = Arc::new(Metrics::new());
        let settings = QueueSettings::hot_key(&config, &key.address);
        let queue = SigningQueue::new(chain.clone(), key, settings, metrics.clone());
        let (provider, hot) = (queue.sender().to_string(), queue.address().to_string());
        let outbox = Outbox::new(queue, chain.clone(), store.clone(), metrics.clone());
        let domain = Domain {
            chain_id: config.chain.chain_id.clone(),
            registry: config.chain.registry.clone(),
        };
        let prover = Prover::new(agent_key, key_file, domain, provider.clone(), clock);
        Ok(Agent {
            config,
            chain,
            store,
            metrics,
            outbox,
            provider,
            hot,
            shutdown,
            prover: Arc::new(prover),
            key_warnings: Throttle::new(KEY_WARN_SECONDS),
        })
    }

    /// The part of the agent the HTTP servers see.
    pub fn server_state(&self) -> ServerState {
        ServerState {
            chain: self.chain.clone(),
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            escrow: self.config.chain.escrow.clone(),
            chain_id: self.config.chain.chain_id.clone(),
            provider: self.provider.clone(),
            shutdown: self.shutdown.clone(),
            rejections: Arc::new(Throttle::new(REJECTION_WARN_SECONDS)),
            prover: self.prover.clone(),
            challenges: Arc::new(RateLimit::new(CHALLENGES_PER_SECOND)),
        }
    }

    pub async fn lease(&self, lease_id: u64) -> Result<LeaseResponse> {
        self.chain
            .smart(
                &self.config.chain.escrow,
                &escrow::QueryMsg::Lease { lease_id },
            )
            .await
    }

    pub async fn provider_record(&self) -> Result<ProviderResponse> {
        self.chain
            .smart(
                &self.config.chain.registry,
                &registry::QueryMsg::Provider {
                    address: self.provider.clone(),
                },
            )
            .await
    }

    pub fn escrow_call(&self, msg: &escrow::ExecuteMsg) -> Result<Vec<Call>> {
        Ok(vec![Call::new(&self.config.chain.escrow, msg)?])
    }

    pub fn registry_call(&self, msg: &registry::ExecuteMsg) -> Result<Vec<Call>> {
        Ok(vec![Call::new(&self.config.chain.registry, msg)?])
    }
}
