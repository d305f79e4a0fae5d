//! The agent's one clock: local Unix seconds, for what it records (when a
//! receipt arrived, when an action was blocked, a grant's expiry). Decisions
//! about leases use the chain's block time instead ([`crate::chain::Tip`]).

/// Seconds since the Unix epoch (0 on a clock set before 1970).
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
