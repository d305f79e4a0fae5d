//! What a transaction does, named once: the contract message it executes
//! (agent and CLIs) or the chain message (grants). `as_str` is the name the
//! contracts, the authz filter, the metrics and the SQLite state all use.

use std::fmt;
use std::str::FromStr;

use crate::error::AgentError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxKind {
    // Registry messages the agent sends for the provider.
    Heartbeat,
    ClaimRewards,
    Claim,
    Unjail,
    // Escrow messages the agent sends for the provider.
    AcceptLease,
    ReportUsage,
    RedeemReceipt,
    Settle,
    // Sent by a fleet's operator key for the providers that named it.
    Batch,
    // Sent by an oracle's hot key for the oracle.
    ProveLiveness,
    // Sent by the provider's own key (CLI).
    Grant,
    Register,
    UpdateProvider,
    SetOperator,
    // Sent by a consumer (CLI).
    OpenLease,
    CloseLease,
}

impl TxKind {
    /// Registry messages the hot key may send (its authz filter).
    pub const REGISTRY: [TxKind; 4] = [
        TxKind::Heartbeat,
        TxKind::ClaimRewards,
        TxKind::Claim,
        TxKind::Unjail,
    ];
    /// Escrow messages the hot key may send (its authz filter).
    pub const ESCROW: [TxKind; 4] = [
        TxKind::AcceptLease,
        TxKind::ReportUsage,
        TxKind::RedeemReceipt,
        TxKind::Settle,
    ];
    /// Registry messages an oracle's hot key may send (its authz filter).
    pub const ORACLE: [TxKind; 1] = [TxKind::ProveLiveness];
    const ALL: [TxKind; 16] = [
        TxKind::Heartbeat,
        TxKind::ClaimRewards,
        TxKind::Claim,
        TxKind::Unjail,
        TxKind::AcceptLease,
        TxKind::ReportUsage,
        TxKind::RedeemReceipt,
        TxKind::Settle,
        TxKind::Batch,
        TxKind::ProveLiveness,
        TxKind::Grant,
        TxKind::Register,
        TxKind::UpdateProvider,
        TxKind::SetOperator,
        TxKind::OpenLease,
        TxKind::CloseLease,
    ];

    /// The message name (snake_case, as in the contracts' JSON); stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            TxKind::Heartbeat => "heartbeat",
            TxKind::ClaimRewards => "claim_rewards",
            TxKind::Claim => "claim",
            TxKind::Unjail => "unjail",
            TxKind::AcceptLease => "accept_lease",
            TxKind::ReportUsage => "report_usage",
            TxKind::RedeemReceipt => "redeem_receipt",
            TxKind::Settle => "settle",
            TxKind::Batch => "batch",
            TxKind::ProveLiveness => "prove_liveness",
            TxKind::Grant => "grant",
            TxKind::Register => "register",
            TxKind::UpdateProvider => "update_provider",
            TxKind::SetOperator => "set_operator",
            TxKind::OpenLease => "open_lease",
            TxKind::CloseLease => "close_lease",
        }
    }

    /// Recorded in SQLite before its broadcast and resolved from the chain
    /// after a restart: a usage report must never count twice or be lost
    /// (a batch is recorded item by item: it carries reports).
    pub fn is_tracked(self) -> bool {
        matches!(self, TxKind::ReportUsage | TxKind::Batch)
    }
}

impl fmt::Display for TxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TxKind {
    type Err = AgentError;

    fn from_str(name: &str) -> Result<TxKind, AgentError> {
        TxKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| AgentError::Decode(format!("unknown transaction kind {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in TxKind::ALL {
            assert_eq!(kind.as_str().parse::<TxKind>().unwrap(), kind);
        }
        // The names state files written before the enum hold.
        assert_eq!(
            "report_usage".parse::<TxKind>().unwrap(),
            TxKind::ReportUsage
        );
        assert!("unbond".parse::<TxKind>().is_err());
    }

    #[test]
    fn only_usage_reports_and_batches_are_tracked() {
        let tracked: Vec<_> = TxKind::ALL.into_iter().filter(|k| k.is_tracked()).collect();
        assert_eq!(tracked, vec![TxKind::ReportUsage, TxKind::Batch]);
    }
}
