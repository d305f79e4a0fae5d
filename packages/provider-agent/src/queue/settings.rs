//! How a queue signs and pays, built in one place for every signer: the
//! agent's hot key, the provider's own key (grant, register) and a consumer.

use std::time::Duration;

use crate::config::{ChainConfig, Config};

#[derive(Debug, Clone)]
pub struct QueueSettings {
    pub chain_id: String,
    pub gas_price: f64,
    pub gas_denom: String,
    pub gas_adjustment: f64,
    /// The provider the hot key executes for through authz (MsgExec); None: direct.
    pub acting_for: Option<String>,
    /// Fees paid through this account's fee grant.
    pub fee_granter: Option<String>,
    /// Stop sending while the fee payer holds less than this.
    pub gas_floor: u128,
    /// Blocks a transaction stays valid (timeout height = tip + this).
    pub timeout_blocks: u64,
    /// Tries for sequence and transient errors before giving up.
    pub max_attempts: u32,
    /// Pause between retries and between polls for inclusion.
    pub retry_pause: Duration,
    pub poll_pause: Duration,
}

impl QueueSettings {
    /// A key signing for itself, without a gas floor (the consumer's CLI).
    pub fn new(chain_id: &str, gas_price: f64, gas_denom: &str) -> QueueSettings {
        QueueSettings {
            chain_id: chain_id.into(),
            gas_price,
            gas_denom: gas_denom.into(),
            gas_adjustment: 1.4,
            acting_for: None,
            fee_granter: None,
            gas_floor: 0,
            timeout_blocks: 40,
            max_attempts: 6,
            retry_pause: Duration::from_millis(800),
            poll_pause: Duration::from_millis(300),
        }
    }

    /// A key signing for itself on the config's chain (the provider's key).
    pub fn own_key(chain: &ChainConfig) -> QueueSettings {
        let mut settings = QueueSettings::new(&chain.chain_id, chain.gas_price, &chain.gas_denom);
        settings.gas_adjustment = chain.gas_adjustment;
        settings
    }

    /// The agent's hot key `hot`: it acts for `keys.provider` through authz
    /// (unless that is empty or the hot key itself), pays from the provider's
    /// fee grant when `keys.fee_grant`, and stops under the policy's gas floor.
    pub fn hot_key(config: &Config, hot: &str) -> QueueSettings {
        QueueSettings::granted(
            &config.chain,
            hot,
            &config.keys.provider,
            config.keys.fee_grant,
            config.policy.gas_floor.u128(),
        )
    }

    /// A hot key `hot` acting for `granter` through authz (unless that is
    /// empty or the hot key itself), paying from its fee grant when
    /// `fee_grant`, stopping under `gas_floor` (the agent's and the oracle's).
    pub fn granted(
        chain: &ChainConfig,
        hot: &str,
        granter: &str,
        fee_grant: bool,
        gas_floor: u128,
    ) -> QueueSettings {
        let mut settings = QueueSettings::own_key(chain);
        let granter = granter.trim();
        if !granter.is_empty() && granter != hot {
            settings.acting_for = Some(granter.to_string());
            if fee_grant {
                settings.fee_granter = Some(granter.to_string());
            }
        }
        settings.gas_floor = gas_floor;
        settings
    }
}

/// Fee for a gas limit: ceil(gas × price), at least 1.
pub fn fee_amount(gas_limit: u64, gas_price: f64) -> u128 {
    let fee = (gas_limit as f64 * gas_price).ceil();
    if fee.is_finite() && fee >= 1.0 {
        fee as u128
    } else {
        1
    }
}

/// Gas limit from a simulation: ceil(simulated × adjustment), at least simulated + 1.
pub fn gas_limit(simulated: u64, adjustment: f64) -> u64 {
    let adjusted = (simulated as f64 * adjustment).ceil();
    let adjusted = if adjusted.is_finite() && adjusted < u64::MAX as f64 {
        adjusted as u64
    } else {
        u64::MAX
    };
    adjusted.max(simulated.saturating_add(1))
}
