//! What every loop of the running agent shares: the config, the chain, the
//! SQLite store, the metrics, the outbox (the one way a transaction leaves),
//! who it acts for, and the stop flag; plus the queries more than one loop makes.

use std::sync::Arc;

use depin_interface::escrow::{self, LeaseResponse};
use depin_interface::registry::{self, ProviderResponse};

use super::outbox::Outbox;
use crate::chain::Chain;
use crate::config::Config;
use crate::error::Result;
use crate::keys::Key;
use crate::metrics::Metrics;
use crate::queue::{Call, QueueSettings, SigningQueue};
use crate::server::{ServerState, REJECTION_WARN_SECONDS};
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::throttle::Throttle;

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
}

impl Agent {
    pub fn new(config: Config, shutdown: Shutdown) -> Result<Agent> {
        let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
        let chain = Chain::new(&config.chain.rpc)?;
        let store = Arc::new(Store::open(&config.agent.state)?);
        let metrics = Arc::new(Metrics::new());
        let settings = QueueSettings::hot_key(&config, &key.address);
        let queue = SigningQueue::new(chain.clone(), key, settings, metrics.clone());
        let (provider, hot) = (queue.sender().to_string(), queue.address().to_string());
        let outbox = Outbox::new(queue, chain.clone(), store.clone(), metrics.clone());
        Ok(Agent {
            config,
            chain,
            store,
            metrics,
            outbox,
            provider,
            hot,
            shutdown,
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
