//! `depin-provider run`: one task per loop (heartbeat, leases, claims,
//! metering, HTTP), all sharing one signing queue, the SQLite store and the
//! metrics; SIGTERM stops every loop between transactions.

use std::sync::Arc;
use std::time::Duration;

use cosmwasm_std::Uint128;
use depin_interface::escrow::{
    self, BillingMode, LeaseResponse, LeaseState, LeasesResponse, SettleableResponse,
};
use depin_interface::registry::{self, ClaimsResponse, ConfigResponse, ProviderResponse};
use rand::Rng;
use tokio::sync::{watch, Mutex};

use crate::chain::{Chain, Committed};
use crate::config::Config;
use crate::error::{AgentError, ErrorClass, Result};
use crate::keys::Key;
use crate::metrics::{as_i64, as_u64, Metrics};
use crate::policy;
use crate::queue::{Call, QueueSettings, Signed, SigningQueue};
use crate::store::{PendingTx, Store, TxLogEntry};

pub struct Agent {
    pub config: Config,
    pub chain: Chain,
    pub store: Store,
    pub metrics: Arc<Metrics>,
    pub queue: Mutex<SigningQueue<Chain>>,
    /// The provider the contracts see as the sender.
    pub provider: String,
    pub shutdown: watch::Receiver<bool>,
    gas_low: std::sync::atomic::AtomicBool,
}

/// How long a per-lease action the chain refused finally is not decided again
/// while the lease is unchanged (a refusal in simulation costs no fee).
pub const FINAL_HOLD_SECONDS: u64 = 60;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The queue settings a config gives.
pub fn queue_settings(config: &Config, hot: &str) -> QueueSettings {
    let mut settings = QueueSettings::new(
        &config.chain.chain_id,
        config.chain.gas_price,
        &config.chain.gas_denom,
    );
    settings.gas_adjustment = config.chain.gas_adjustment;
    let provider = config.keys.provider.trim();
    if !provider.is_empty() && provider != hot {
        settings.acting_for = Some(provider.to_string());
        if config.keys.fee_grant {
            settings.fee_granter = Some(provider.to_string());
        }
    }
    settings.gas_floor = config.policy.gas_floor.u128();
    settings
}

impl Agent {
    pub fn new(config: Config, shutdown: watch::Receiver<bool>) -> Result<Agent> {
        let key = Key::from_file(&config.keys.hot_mnemonic_file, &config.chain.prefix)?;
        let chain = Chain::new(&config.chain.rpc)?;
        let store = Store::open(&config.agent.state)?;
        let metrics = Arc::new(Metrics::new());
        let settings = queue_settings(&config, &key.address);
        let queue = SigningQueue::new(chain.clone(), key, settings, metrics.clone());
        let provider = queue.sender().to_string();
        Ok(Agent {
            config,
            chain,
            store,
            metrics,
            queue: Mutex::new(queue),
            provider,
            shutdown,
            gas_low: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Sleeps, or returns false at once when the agent is stopping.
    async fn pause(&self, seconds: u64) -> bool {
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(seconds)) => !self.stopping(),
            _ = shutdown.changed() => false,
        }
    }

    /// Sends one transaction through the queue. A usage report is recorded in
    /// SQLite (hash, units, timeout height) before each broadcast and resolved
    /// from the chain's answer; every outcome is logged to `tx_log`.
    async fn send(
        &self,
        kind: &str,
        lease_id: Option<u64>,
        units: u128,
        calls: Vec<Call>,
    ) -> Result<Committed> {
        let mut queue = self.queue.lock().await;
        let store = &self.store;
        let mut last: Option<PendingTx> = None;
        let tracked = kind == "report_usage";
        let mut record = |signed: &Signed| -> Result<()> {
            if let (true, Some(lease)) = (tracked, lease_id) {
                // A re-signed attempt replaces one the chain refused outright.
                if let Some(previous) = last.take() {
                    store.resolve_tx(&previous, false, now_secs())?;
                }
                let pending = PendingTx {
                    kind: kind.to_string(),
                    lease_id: lease,
                    units,
                    tx_hash: signed.hash.clone(),
                    timeout_height: signed.timeout_height,
                };
                store.begin_tx(&pending)?;
                last = Some(pending);
            }
            Ok(())
        };
        let result = queue.submit(kind, &calls, &mut record).await;
        drop(queue);
        match &result {
            Ok(c) => {
                self.store.log_tx(
                    &TxLogEntry {
                        tx_hash: &c.hash,
                        kind,
                        lease_id,
                        height: Some(c.height),
                        code: 0,
                        log: &c.log,
                    },
                    now_secs(),
                )?;
                if let Some(p) = &last {
                    self.store.resolve_tx(p, true, now_secs())?;
                }
                self.set_gas_low(false);
            }
            Err(AgentError::Chain { failure }) => {
                let hash = last.as_ref().map(|p| p.tx_hash.clone()).unwrap_or_default();
                self.store.log_tx(
                    &TxLogEntry {
                        tx_hash: &hash,
                        kind,
                        lease_id,
                        height: None,
                        code: failure.code,
                        log: &failure.log,
                    },
                    now_secs(),
                )?;
                if let Some(p) = &last {
                    self.store.resolve_tx(p, false, now_secs())?;
                }
            }
            Err(AgentError::NotIncluded { .. }) => {
                if let Some(p) = &last {
                    self.store.resolve_tx(p, false, now_secs())?;
                }
            }
            Err(e @ AgentError::GasLow { .. }) => {
                if !self.gas_low.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    tracing::warn!(error = %e, "gas balance under the floor: sending stopped until it is topped up");
                }
            }
            // Unknown fate (node unreachable): the record stays and is resolved later.
            Err(_) => {}
        }
        result
    }

    fn set_gas_low(&self, low: bool) {
        if self.gas_low.swap(low, std::sync::atomic::Ordering::SeqCst) && !low {
            tracing::info!("gas balance back above the floor: sending resumed");
        }
    }

    /// Resolves recorded transactions from the chain: committed ones count once,
    /// ones past their timeout height without a block are forgotten.
    pub async fn reconcile(&self) -> Result<()> {
        let pending = self.store.pending_txs()?;
        if pending.is_empty() {
            return Ok(());
        }
        let tip = self.chain.tip().await?;
        for p in pending {
            match self.chain.tx(&p.tx_hash).await? {
                Some(c) => {
                    tracing::info!(hash = %p.tx_hash, lease_id = p.lease_id, code = c.code, "resolved a recorded transaction from the chain");
                    self.store.log_tx(
                        &TxLogEntry {
                            tx_hash: &c.hash,
                            kind: &p.kind,
                            lease_id: Some(p.lease_id),
                            height: Some(c.height),
                            code: c.code,
                            log: &c.log,
                        },
                        now_secs(),
                    )?;
                    self.store.resolve_tx(&p, c.code == 0, now_secs())?;
                    if c.code == 0 && p.kind == "report_usage" {
                        self.metrics.usage_reported_units.inc_by(as_u64(p.units));
                    }
                }
                None if tip.height > p.timeout_height => {
                    tracing::info!(hash = %p.tx_hash, lease_id = p.lease_id, "recorded transaction expired unincluded");
                    self.store.resolve_tx(&p, false, now_secs())?;
                }
                None => {}
            }
        }
        Ok(())
    }

    async fn lease(&self, lease_id: u64) -> Result<LeaseResponse> {
        self.chain
            .smart(
                &self.config.chain.escrow,
                &escrow::QueryMsg::Lease { lease_id },
            )
            .await
    }

    /// The provider's leases after its closed prefix (see [`Store::closed_through`]),
    /// in id order; moves the prefix past the leading leases that are closed.
    async fn leases(&self) -> Result<Vec<LeaseResponse>> {
        let known = self.store.closed_through()?;
        let (mut start_after, mut closed_through, mut prefix) = (known, known, true);
        let mut out = Vec::new();
        loop {
            let page: LeasesResponse = self
                .chain
                .smart(
                    &self.config.chain.escrow,
                    &escrow::QueryMsg::LeasesByProvider {
                        provider: self.provider.clone(),
                        start_after,
                        limit: Some(100),
                    },
                )
                .await?;
            let n = page.leases.len();
            start_after = page.leases.last().map(|l| l.lease_id).or(start_after);
            for lease in &page.leases {
                // A closed lease stays closed: nothing is left to report, redeem or settle.
                prefix = prefix && lease.state == LeaseState::Closed;
                if prefix {
                    closed_through = Some(lease.lease_id);
                }
            }
            out.extend(page.leases);
            if n < 100 {
                break;
            }
        }
        if let Some(id) = closed_through.filter(|_| closed_through != known) {
            self.store.set_closed_through(id)?;
        }
        Ok(out)
    }

    fn escrow_call(&self, msg: &escrow::ExecuteMsg) -> Result<Vec<Call>> {
        Ok(vec![Call::new(&self.config.chain.escrow, msg)?])
    }

    fn registry_call(&self, msg: &registry::ExecuteMsg) -> Result<Vec<Call>> {
        Ok(vec![Call::new(&self.config.chain.registry, msg)?])
    }

    /// Sends a per-lease action unless the chain refused it finally for this
    /// very lease state; a final refusal blocks it until the lease changes.
    async fn lease_action(
        &self,
        action: &str,
        lease: &LeaseResponse,
        units: u128,
        msg: escrow::ExecuteMsg,
    ) -> Result<Option<Committed>> {
        // The lease as it is and what is asked: new usage or a higher receipt is a new request.
        let fingerprint = format!("{}/{units}", policy::fingerprint(lease));
        if self.store.is_blocked(
            action,
            lease.lease_id,
            &fingerprint,
            now_secs(),
            FINAL_HOLD_SECONDS,
        )? {
            return Ok(None);
        }
        match self
            .send(action, Some(lease.lease_id), units, self.escrow_call(&msg)?)
            .await
        {
            Ok(c) => Ok(Some(c)),
            Err(e) if e.class() == ErrorClass::Final => {
                tracing::warn!(action, lease_id = lease.lease_id, error = %e, "final error: not sent again for this lease state");
                self.store.block(
                    action,
                    lease.lease_id,
                    &fingerprint,
                    &e.to_string(),
                    now_secs(),
                )?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// One pass over the leases: accept, report, redeem, settle.
    pub async fn leases_pass(&self) -> Result<()> {
        self.reconcile().await?;
        let now = self.chain.tip().await?.seconds();
        let leases = self.leases().await?;
        let mut streaming = u32::try_from(
            leases
                .iter()
                .filter(|l| {
                    matches!(l.billing, BillingMode::Streaming { .. })
                        && l.state == LeaseState::Open
                })
                .count(),
        )
        .unwrap_or(u32::MAX);
        for lease in leases {
            if self.stopping() {
                break;
            }
            if lease.state == LeaseState::Closed {
                // What the chain paid is final: the store's totals (the metrics) keep it.
                if self.store.receipt(lease.lease_id)?.is_some() {
                    self.store
                        .set_redeemed(lease.lease_id, lease.units.u128())?;
                }
                continue;
            }
            let id = lease.lease_id;
            match &lease.billing {
                BillingMode::Streaming { .. } if lease.state == LeaseState::Pending => {
                    if policy::accept_streaming(
                        &self.config.policy,
                        &lease,
                        &self.config.service.price_denom,
                        streaming,
                    ) && self
                        .lease_action(
                            "accept_lease",
                            &lease,
                            0,
                            escrow::ExecuteMsg::AcceptLease { lease_id: id },
                        )
                        .await?
                        .is_some()
                    {
                        streaming = streaming.saturating_add(1);
                        self.metrics.leases_accepted.inc();
                        tracing::info!(lease_id = id, "streaming lease accepted");
                    }
                    continue;
                }
                BillingMode::Metered {} => {
                    if !self.store.has_pending("report_usage", id)? {
                        let usage = self.store.usage(id)?;
                        if let Some(units) =
                            policy::report_units(&self.config.policy, &lease, &usage, now)
                        {
                            let msg = escrow::ExecuteMsg::ReportUsage {
                                lease_id: id,
                                units: Uint128::new(units),
                            };
                            if self
                                .lease_action("report_usage", &lease, units, msg)
                                .await?
                                .is_some()
                            {
                                self.metrics.usage_reported_units.inc_by(as_u64(units));
                                tracing::info!(lease_id = id, units, "usage reported");
                            }
                        }
                    }
                }
                BillingMode::Receipts { .. } => {
                    if let Some(held) = self.store.receipt(id)? {
                        let mut redeemed = lease.units.u128();
                        if let Some(units) =
                            policy::redeem_units(&self.config.policy, &lease, &held, now)
                        {
                            let msg = escrow::ExecuteMsg::RedeemReceipt {
                                lease_id: id,
                                cumulative_units: Uint128::new(units),
                                signature: held.signature.clone().into(),
                            };
                            if self
                                .lease_action("redeem_receipt", &lease, units, msg)
                                .await?
                                .is_some()
                            {
                                redeemed = self
                                    .lease(id)
                                    .await
                                    .map(|l| l.units.u128())
                                    .unwrap_or(redeemed);
                                tracing::info!(lease_id = id, units = redeemed, "receipt redeemed");
                            }
                        }
                        self.store.set_redeemed(id, redeemed)?;
                    }
                }
                BillingMode::Streaming { .. } => {}
            }
            // Settle with the lease as it is now (a report or redemption may have changed it).
            let lease = self.lease(id).await?;
            let settleable: SettleableResponse = self
                .chain
                .smart(
                    &self.config.chain.escrow,
                    &escrow::QueryMsg::Settleable { lease_id: id },
                )
                .await?;
            if policy::should_settle(&self.config.policy, &lease, &settleable, now)
                && self
                    .lease_action(
                        "settle",
                        &lease,
                        0,
                        escrow::ExecuteMsg::Settle { lease_id: id },
                    )
                    .await?
                    .is_some()
            {
                self.metrics
                    .settled_amount
                    .inc_by(as_u64(settleable.amount.u128()));
                tracing::info!(lease_id = id, amount = %settleable.amount, "settled");
            }
        }
        // Over every receipts lease the agent ever held, closed prefix included.
        let (held_total, redeemed_total) = self.store.receipt_totals()?;
        self.metrics.receipt_units_held.set(as_i64(held_total));
        self.metrics
            .receipt_units_redeemed
            .set(as_i64(redeemed_total));
        Ok(())
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

    /// Rewards, matured stake claims and the jail.
    pub async fn claims_pass(&self) -> Result<()> {
        let record = self.provider_record().await?;
        let tip = self.chain.tip().await?;
        let policy = &self.config.policy;
        if policy::worth_claiming(record.pending_rewards, policy.claim_rewards_threshold) {
            let msg = registry::ExecuteMsg::ClaimRewards {};
            if let Ok(c) = self
                .send_logged("claim_rewards", self.registry_call(&msg)?)
                .await
            {
                let minted = c
                    .attribute("wasm", "amount")
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(record.pending_rewards.u128());
                self.metrics.rewards_claimed.inc_by(as_u64(minted));
                tracing::info!(amount = minted, "rewards claimed");
            }
        }
        let claims: ClaimsResponse = self
            .chain
            .smart(
                &self.config.chain.registry,
                &registry::QueryMsg::Claims {
                    address: self.provider.clone(),
                },
            )
            .await?;
        let matured = policy::matured_claims(&claims.claims, tip.height, tip.time_nanos);
        if policy::worth_claiming(matured, policy.claim_stake_threshold) {
            let msg = registry::ExecuteMsg::Claim {};
            if self
                .send_logged("claim", self.registry_call(&msg)?)
                .await
                .is_ok()
            {
                self.metrics.stake_claimed.inc_by(as_u64(matured.u128()));
                tracing::info!(amount = %matured, "matured stake claimed");
            }
        }
        if matches!(record.status, registry::ProviderStatus::Jailed { .. }) {
            let config: ConfigResponse = self
                .chain
                .smart(&self.config.chain.registry, &registry::QueryMsg::Config {})
                .await?;
            if policy::should_unjail(
                policy,
                &record.status,
                record.stake,
                config.min_stake,
                tip.seconds(),
            ) {
                let msg = registry::ExecuteMsg::Unjail {};
                if self
                    .send_logged("unjail", self.registry_call(&msg)?)
                    .await
                    .is_ok()
                {
                    tracing::info!("unjailed");
                }
            }
        }
        Ok(())
    }

    /// Sends and swallows the error after logging (the loop goes on).
    async fn send_logged(&self, kind: &str, calls: Vec<Call>) -> Result<Committed> {
        let result = self.send(kind, None, 0, calls).await;
        if let Err(e) = &result {
            tracing::warn!(kind, class = e.class().as_str(), error = %e, "not sent");
        }
        result
    }

    pub async fn heartbeat(&self) -> Result<Committed> {
        let c = self
            .send(
                "heartbeat",
                None,
                0,
                self.registry_call(&registry::ExecuteMsg::Heartbeat {})?,
            )
            .await?;
        self.metrics.heartbeats.inc();
        tracing::info!(height = c.height, gas_used = c.gas_used, "heartbeat");
        Ok(c)
    }

    async fn heartbeat_loop(self: Arc<Self>) {
        loop {
            if let Err(e) = self.heartbeat().await {
                tracing::warn!(class = e.class().as_str(), error = %e, "heartbeat not sent");
            }
            let unit: f64 = rand::thread_rng().gen();
            if !self
                .pause(policy::heartbeat_delay(&self.config.policy, unit))
                .await
            {
                return;
            }
        }
    }

    async fn leases_loop(self: Arc<Self>) {
        loop {
            if let Err(e) = self.leases_pass().await {
                tracing::warn!(class = e.class().as_str(), error = %e, "lease pass interrupted");
            }
            if !self.pause(self.config.agent.tick_seconds).await {
                return;
            }
        }
    }

    async fn claims_loop(self: Arc<Self>) {
        loop {
            if let Err(e) = self.claims_pass().await {
                tracing::warn!(class = e.class().as_str(), error = %e, "claims pass interrupted");
            }
            if !self
                .pause(self.config.agent.tick_seconds.saturating_mul(3))
                .await
            {
                return;
            }
        }
    }

    async fn metering_loop(self: Arc<Self>) {
        let Some(path) = self.config.agent.usage_file.clone() else {
            return;
        };
        loop {
            match crate::metering::ingest_file(&path, &self.store) {
                Ok(0) => {}
                Ok(n) => tracing::info!(lines = n, "usage recorded from the file"),
                Err(e) => tracing::warn!(error = %e, "usage file not read"),
            }
            if !self.pause(1).await {
                return;
            }
        }
    }

    /// Runs every loop and both servers until SIGTERM/SIGINT (through `shutdown`).
    pub async fn run(self: Arc<Self>) -> Result<()> {
        // Anything recorded by a previous run is resolved before anything new is sent.
        if let Err(e) = self.reconcile().await {
            tracing::warn!(error = %e, "recorded transactions not resolved yet (node unreachable?)");
        }
        let hot = self.queue.lock().await.address().to_string();
        if hot != self.provider {
            match crate::grants::missing(
                &self.chain,
                &self.provider,
                &hot,
                &self.config.chain.registry,
                &self.config.chain.escrow,
                self.config.keys.fee_grant,
            )
            .await
            {
                Ok(missing) if missing.is_empty() => {
                    tracing::info!(%hot, "authz and fee grants in place")
                }
                Ok(missing) => {
                    tracing::warn!(%hot, ?missing, "grants missing: those transactions will fail (depin-provider grant, or the wasmd commands in the README)")
                }
                Err(e) => tracing::warn!(error = %e, "grants not checked (node unreachable?)"),
            }
        }
        let api = tokio::net::TcpListener::bind(&self.config.agent.listen).await?;
        let metrics = tokio::net::TcpListener::bind(&self.config.agent.metrics).await?;
        tracing::info!(
            provider = %self.provider, listen = %self.config.agent.listen,
            metrics = %self.config.agent.metrics, "agent running"
        );
        let tasks = vec![
            tokio::spawn(crate::server::serve_api(self.clone(), api)),
            tokio::spawn(crate::server::serve_metrics(self.clone(), metrics)),
            tokio::spawn(self.clone().heartbeat_loop()),
            tokio::spawn(self.clone().leases_loop()),
            tokio::spawn(self.clone().claims_loop()),
            tokio::spawn(self.clone().metering_loop()),
        ];
        for task in tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "task ended abnormally");
            }
        }
        tracing::info!("agent stopped; state saved");
        Ok(())
    }
}

/// Waits for SIGTERM or SIGINT and flips the shutdown flag.
pub async fn signals(tx: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stop requested: finishing the transaction in flight");
    let _ = tx.send(true);
}
