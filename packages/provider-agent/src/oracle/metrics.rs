//! The oracle's Prometheus metrics (`depin_oracle_*`), with the signing
//! queue's transactions, errors and gas balance among them.

use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::metrics::{Metrics, OutcomeLabel};

pub struct OracleMetrics {
    /// Challenges by outcome: answered, or the miss (unreachable, timeout, …).
    pub challenges: Family<OutcomeLabel, Counter>,
    /// (provider, epoch) given up after every attempt, by the last miss.
    pub missed: Family<OutcomeLabel, Counter>,
    /// Batch entries by the chain's verdict: proven, duplicate, rejected.
    pub proofs: Family<OutcomeLabel, Counter>,
    /// Batches by outcome: committed, refused, expired.
    pub batches: Family<OutcomeLabel, Counter>,
    /// The registry's current epoch (block time).
    pub epoch: Gauge,
    /// Providers active in the registry at the last pass.
    pub providers: Gauge,
    /// The signing queue's own metrics (transactions, errors, gas).
    pub queue: Arc<Metrics>,
    registry: Registry,
}

fn inc(family: &Family<OutcomeLabel, Counter>, outcome: &str, by: u64) {
    family
        .get_or_create(&OutcomeLabel {
            outcome: outcome.into(),
        })
        .inc_by(by);
}

fn get(family: &Family<OutcomeLabel, Counter>, outcome: &str) -> u64 {
    family
        .get_or_create(&OutcomeLabel {
            outcome: outcome.into(),
        })
        .get()
}

impl OracleMetrics {
    pub fn new() -> OracleMetrics {
        let queue = Arc::new(Metrics::new());
        let mut r = Registry::with_prefix("depin_oracle");
        let (challenges, missed, proofs, batches) = Default::default();
        let (epoch, providers) = (Gauge::default(), Gauge::default());
        r.register(
            "challenges",
            "Liveness challenges by outcome",
            Family::clone(&challenges),
        );
        r.register(
            "missed",
            "Providers not proven for an epoch after every attempt, by the last miss",
            Family::clone(&missed),
        );
        r.register(
            "proofs",
            "Batch entries by the chain's verdict (proven, duplicate, rejected)",
            Family::clone(&proofs),
        );
        r.register(
            "batches",
            "prove_liveness batches by outcome (committed, refused, expired)",
            Family::clone(&batches),
        );
        r.register("epoch", "The registry's current epoch", epoch.clone());
        r.register(
            "providers",
            "Active providers at the last pass",
            providers.clone(),
        );
        r.register(
            "txs",
            "Transactions committed with code 0, by kind",
            queue.txs.clone(),
        );
        r.register("errors", "Errors by class", queue.errors.clone());
        r.register(
            "gas_balance",
            "Fee payer balance in the gas denom",
            queue.gas_balance.clone(),
        );
        r.register(
            "gas_low",
            "1 while sending is paused below the gas floor",
            queue.gas_low.clone(),
        );
        OracleMetrics {
            challenges,
            missed,
            proofs,
            batches,
            epoch,
            providers,
            queue,
            registry: r,
        }
    }

    pub fn challenge(&self, outcome: &str) {
        inc(&self.challenges, outcome, 1);
    }

    pub fn miss(&self, reason: &str) {
        inc(&self.missed, reason, 1);
    }

    pub fn proofs(&self, verdict: &str, count: u64) {
        inc(&self.proofs, verdict, count);
    }

    pub fn batch(&self, outcome: &str) {
        inc(&self.batches, outcome, 1);
    }

    pub fn proof_count(&self, verdict: &str) -> u64 {
        get(&self.proofs, verdict)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for OracleMetrics {
    fn default() -> Self {
        OracleMetrics::new()
    }
}
