//! The registry's epochs (`genesis_time`, `epoch_seconds` of its config, read
//! once at start): which epoch a moment falls in, as the contract computes it.

use depin_interface::registry::{ConfigResponse, QueryMsg};

use crate::chain::Chain;
use crate::error::{AgentError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochClock {
    /// Epoch 0 starts here (Unix seconds).
    pub genesis: u64,
    pub epoch_seconds: u64,
}

impl EpochClock {
    pub fn new(genesis: u64, epoch_seconds: u64) -> Result<EpochClock> {
        if epoch_seconds == 0 {
            return Err(AgentError::Config(
                "the registry's epoch_seconds is 0".into(),
            ));
        }
        Ok(EpochClock {
            genesis,
            epoch_seconds,
        })
    }

    pub fn of(config: &ConfigResponse) -> Result<EpochClock> {
        EpochClock::new(config.genesis_time.seconds(), config.epoch_seconds)
    }

    /// The epochs of the registry at `registry`, from its config.
    pub async fn read(chain: &Chain, registry: &str) -> Result<EpochClock> {
        let config: ConfigResponse = chain.smart(registry, &QueryMsg::Config {}).await?;
        EpochClock::of(&config)
    }

    /// The epoch `now` (Unix seconds) falls in; 0 before genesis.
    pub fn epoch_at(&self, now: u64) -> u64 {
        now.saturating_sub(self.genesis) / self.epoch_seconds
    }

    /// When `epoch` starts (Unix seconds).
    pub fn start_of(&self, epoch: u64) -> u64 {
        self.genesis
            .saturating_add(epoch.saturating_mul(self.epoch_seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_count_from_genesis_as_the_contract_does() {
        let clock = EpochClock::new(1000, 5).unwrap();
        assert_eq!(clock.epoch_at(999), 0);
        assert_eq!(clock.epoch_at(1004), 0);
        assert_eq!(clock.epoch_at(1005), 1);
        assert_eq!(clock.start_of(3), 1015);
        assert!(EpochClock::new(1000, 0).is_err());
    }
}
