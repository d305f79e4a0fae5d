//! Prometheus metrics (text exposition on GET /metrics, 127.0.0.1 only).

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClassLabel {
    pub class: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ItemLabel {
    pub kind: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProviderLabel {
    pub provider: String,
}

/// Every metric the agent exports. Amounts are in the smallest unit of their denom.
#[derive(Default)]
pub struct Metrics {
    pub heartbeats: Counter,
    pub usage_reported_units: Counter,
    pub receipts_accepted: Counter,
    pub receipts_rejected: Counter,
    pub receipt_units_held: Gauge,
    pub receipt_units_redeemed: Gauge,
    pub settled_amount: Counter,
    pub rewards_claimed: Counter,
    pub stake_claimed: Counter,
    pub leases_accepted: Counter,
    pub txs: Family<KindLabel, Counter>,
    pub errors: Family<ClassLabel, Counter>,
    pub gas_balance: Gauge,
    pub gas_low: Gauge,
    /// Outcomes the chain gave that could not be written to the state file.
    pub state_errors: Counter,
    /// Liveness challenges by outcome: answered, refused, rate_limited.
    pub challenges: Family<OutcomeLabel, Counter>,
    /// The registry's view of the provider's liveness (-1: never proven).
    pub last_proven_epoch: Gauge,
    pub proven_epochs: Gauge,
    pub missed_epochs: Gauge,
    /// A fleet's batch items by kind (report_usage, redeem_receipt, settle)
    /// and outcome (done, refused).
    pub batch_items: Family<ItemLabel, Counter>,
    /// A fleet's providers: configured, and serving (they named its operator).
    pub fleet_providers: Gauge,
    pub fleet_serving: Gauge,
    /// A fleet's providers' liveness as the registry counts it (-1: never proven).
    pub fleet_last_proven_epoch: Family<ProviderLabel, Gauge>,
    pub fleet_proven_epochs: Family<ProviderLabel, Gauge>,
    pub fleet_missed_epochs: Family<ProviderLabel, Gauge>,
    registry: Option<Registry>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics::default();
        let mut r = Registry::with_prefix("depin_agent");
        r.register("heartbeats", "Heartbeats committed", m.heartbeats.clone());
        r.register(
            "usage_reported_units",
            "Usage units committed in reports",
            m.usage_reported_units.clone(),
        );
        r.register(
            "receipts_accepted",
            "Receipts accepted from consumers",
            m.receipts_accepted.clone(),
        );
        r.register(
            "state_write_errors",
            "Transaction outcomes on chain (committed or refused) the state file could not record",
            m.state_errors.clone(),
        );
        r.register(
            "receipts_rejected",
            "Receipts refused (signature, lease, units)",
            m.receipts_rejected.clone(),
        );
        r.register(
            "receipt_units_held",
            "Receipt units held (all leases)",
            m.receipt_units_held.clone(),
        );
        r.register(
            "receipt_units_redeemed",
            "Receipt units redeemed on chain (all leases)",
            m.receipt_units_redeemed.clone(),
        );
        r.register(
            "settled_amount",
            "Amount paid by settles the agent sent (gross, lease denom)",
            m.settled_amount.clone(),
        );
        r.register(
            "rewards_claimed",
            "Reward token units claimed",
            m.rewards_claimed.clone(),
        );
        r.register(
            "stake_claimed",
            "Matured stake claimed",
            m.stake_claimed.clone(),
        );
        r.register(
            "leases_accepted",
            "Streaming leases accepted",
            m.leases_accepted.clone(),
        );
        r.register(
            "txs",
            "Transactions committed with code 0, by kind",
            m.txs.clone(),
        );
        r.register(
            "errors",
            "Errors by class (sequence, retryable, insufficient_funds, final)",
            m.errors.clone(),
        );
        r.register(
            "gas_balance",
            "Fee payer balance in the gas denom",
            m.gas_balance.clone(),
        );
        r.register(
            "gas_low",
            "1 while sending is paused below the gas floor",
            m.gas_low.clone(),
        );
        r.register(
            "liveness_challenges",
            "Oracles' liveness challenges by outcome (answered, refused, rate_limited)",
            m.challenges.clone(),
        );
        r.register(
            "last_proven_epoch",
            "Last epoch the registry counts the provider proven live in (-1: never)",
            m.last_proven_epoch.clone(),
        );
        r.register(
            "proven_epochs",
            "Epochs the registry counts the provider proven live in",
            m.proven_epochs.clone(),
        );
        r.register(
            "missed_epochs",
            "Epochs the provider was active in and not proven (stake reward not minted)",
            m.missed_epochs.clone(),
        );
        m.last_proven_epoch.set(-1);
        m.registry = Some(r);
        m
    }

    /// The metrics of a fleet agent: the agent's, plus the batch items and
    /// the fleet's providers (their liveness labelled by provider).
    pub fn fleet() -> Metrics {
        let mut m = Metrics::new();
        let Some(r) = m.registry.as_mut() else {
            return m;
        };
        r.register(
            "batch_items",
            "Items of the fleet's escrow batches by kind and outcome (done, refused)",
            m.batch_items.clone(),
        );
        r.register(
            "fleet_providers",
            "Providers in the fleet's config",
            m.fleet_providers.clone(),
        );
        r.register(
            "fleet_serving",
            "Providers of the fleet that named its operator (their leases are billed, their rewards claimed)",
            m.fleet_serving.clone(),
        );
        r.register(
            "fleet_last_proven_epoch",
            "Last epoch the registry counts the provider proven live in (-1: never)",
            m.fleet_last_proven_epoch.clone(),
        );
        r.register(
            "fleet_proven_epochs",
            "Epochs the registry counts the provider proven live in",
            m.fleet_proven_epochs.clone(),
        );
        r.register(
            "fleet_missed_epochs",
            "Epochs the provider was active in and not proven",
            m.fleet_missed_epochs.clone(),
        );
        m
    }

    /// One batch item's outcome.
    pub fn batch_item(&self, kind: crate::tx_kind::TxKind, outcome: &str) {
        self.batch_items
            .get_or_create(&ItemLabel {
                kind: kind.as_str().into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    /// A fleet provider's liveness as the registry reports it.
    pub fn fleet_liveness(
        &self,
        provider: &str,
        reputation: &depin_interface::registry::Reputation,
    ) {
        let label = ProviderLabel {
            provider: provider.into(),
        };
        let epoch = reputation
            .last_proven_epoch
            .map_or(-1, |e| i64::try_from(e).unwrap_or(i64::MAX));
        self.fleet_last_proven_epoch
            .get_or_create(&label)
            .set(epoch);
        self.fleet_proven_epochs
            .get_or_create(&label)
            .set(i64::try_from(reputation.proven_epochs).unwrap_or(i64::MAX));
        self.fleet_missed_epochs
            .get_or_create(&label)
            .set(i64::try_from(reputation.missed_epochs).unwrap_or(i64::MAX));
    }

    pub fn error(&self, class: crate::error::ErrorClass) {
        self.errors
            .get_or_create(&ClassLabel {
                class: class.as_str().into(),
            })
            .inc();
    }

    pub fn tx(&self, kind: crate::tx_kind::TxKind) {
        self.txs
            .get_or_create(&KindLabel {
                kind: kind.as_str().into(),
            })
            .inc();
    }

    pub fn challenge(&self, outcome: &str) {
        self.challenges
            .get_or_create(&OutcomeLabel {
                outcome: outcome.into(),
            })
            .inc();
    }

    pub fn challenge_count(&self, outcome: &str) -> u64 {
        self.challenges
            .get_or_create(&OutcomeLabel {
                outcome: outcome.into(),
            })
            .get()
    }

    /// The provider's liveness as the registry reports it.
    pub fn liveness(&self, reputation: &depin_interface::registry::Reputation) {
        let epoch = reputation
            .last_proven_epoch
            .map_or(-1, |e| i64::try_from(e).unwrap_or(i64::MAX));
        self.last_proven_epoch.set(epoch);
        self.proven_epochs
            .set(i64::try_from(reputation.proven_epochs).unwrap_or(i64::MAX));
        self.missed_epochs
            .set(i64::try_from(reputation.missed_epochs).unwrap_or(i64::MAX));
    }

    pub fn error_count(&self, class: crate::error::ErrorClass) -> u64 {
        self.errors
            .get_or_create(&ClassLabel {
                class: class.as_str().into(),
            })
            .get()
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(registry) = &self.registry {
            if encode(&mut out, registry).is_err() {
                out.clear();
            }
        }
        out
    }
}

/// Saturating conversion for counters and gauges.
pub fn as_u64(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

pub fn as_i64(value: u128) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorClass;

    #[test]
    fn rendered_metrics_carry_the_counts() {
        let m = Metrics::new();
        m.heartbeats.inc();
        m.error(ErrorClass::Final);
        m.error(ErrorClass::Final);
        m.tx(crate::tx_kind::TxKind::Heartbeat);
        let text = m.render();
        assert!(text.contains("depin_agent_heartbeats_total 1"), "{text}");
        assert!(
            text.contains("depin_agent_errors_total{class=\"final\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("depin_agent_txs_total{kind=\"heartbeat\"} 1"),
            "{text}"
        );
    }
}
