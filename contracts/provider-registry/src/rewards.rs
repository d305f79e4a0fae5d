//! Reward arithmetic, pure and storage-free.
//!
//! Epoch `k` (counted from `genesis_time`) emits
//! `emission_per_epoch >> (k / halving_epochs)`. Its usage pool is
//! `floor(emission × usage_share)`; its stake pool is the rest, streamed
//! evenly over the epoch's seconds through a reward-per-stake accumulator.
//! Every division rounds down, so the registry never owes more than it emits.

use cosmwasm_std::{Decimal, Decimal256, StdError, StdResult, Uint128, Uint256};
use depin_interface::registry::UsageWeight;
use depin_interface::DenomAmount;

/// The emission halves this many times at most before it is zero.
const MAX_ERAS: u64 = 128;

/// A math error (overflow, division by zero) as a `StdError`.
fn math(e: impl std::fmt::Display) -> StdError {
    StdError::generic_err(e.to_string())
}

/// The emission schedule, fixed at instantiation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    pub epoch_seconds: u64,
    pub emission_per_epoch: Uint128,
    pub halving_epochs: u64,
    pub usage_share: Decimal,
}

impl Schedule {
    fn era(&self, epoch: u64) -> u64 {
        epoch.checked_div(self.halving_epochs).unwrap_or(0)
    }

    /// Tokens epoch `epoch` emits in all.
    pub fn emission(&self, epoch: u64) -> Uint128 {
        let era = self.era(epoch);
        if era >= MAX_ERAS {
            Uint128::zero()
        } else {
            self.emission_per_epoch >> (era as u32)
        }
    }

    /// The usage part of epoch `epoch`: `floor(emission × usage_share)`.
    pub fn usage_pool(&self, epoch: u64) -> Uint128 {
        self.emission(epoch).mul_floor(self.usage_share)
    }

    /// The stake part of epoch `epoch`: the emission minus the usage pool.
    pub fn stake_pool(&self, epoch: u64) -> Uint128 {
        // usage_pool ≤ emission because usage_share ≤ 1.
        self.emission(epoch).saturating_sub(self.usage_pool(epoch))
    }

    /// The epoch containing `seconds` since genesis.
    pub fn epoch_at(&self, seconds: u64) -> u64 {
        seconds.checked_div(self.epoch_seconds).unwrap_or(0)
    }

    /// Stake-part emission over `[from, to)` (seconds since genesis) times
    /// `epoch_seconds`: the sum of `stake_pool × seconds` over each halving
    /// era crossed. At most [`MAX_ERAS`] + 1 iterations, whatever the span.
    pub fn stake_emission_scaled(&self, from: u64, to: u64) -> StdResult<Uint256> {
        let mut total = Uint256::zero();
        let mut t = from;
        while t < to {
            let epoch = self.epoch_at(t);
            let era = self.era(epoch);
            if era >= MAX_ERAS {
                break;
            }
            let end = if self.halving_epochs == 0 {
                to
            } else {
                // First second of the next era, in u128 so it cannot overflow.
                let next = u128::from(era + 1)
                    * u128::from(self.halving_epochs)
                    * u128::from(self.epoch_seconds);
                u64::try_from(next).map_or(to, |n| n.min(to))
            };
            let seconds = Uint256::from(end - t);
            total =
                total.checked_add(Uint256::from(self.stake_pool(epoch)).checked_mul(seconds)?)?;
            t = end;
        }
        Ok(total)
    }

    /// The accumulator after `[from, to)` with `total_active_stake` staked
    /// throughout: `acc + floor(stake emission / total_active_stake)` (to 18
    /// decimals). Time with no active stake emits nothing.
    pub fn advance(
        &self,
        acc: Decimal256,
        from: u64,
        to: u64,
        total_active_stake: Uint128,
    ) -> StdResult<Decimal256> {
        if to <= from || total_active_stake.is_zero() || self.epoch_seconds == 0 {
            return Ok(acc);
        }
        let numerator = self.stake_emission_scaled(from, to)?;
        let denominator =
            Uint256::from(total_active_stake).checked_mul(Uint256::from(self.epoch_seconds))?;
        let delta = Decimal256::checked_from_ratio(numerator, denominator).map_err(math)?;
        Ok(acc.checked_add(delta)?)
    }
}

/// Stake rewards of `stake` between two accumulator values, rounded down.
pub fn stake_reward(stake: Uint128, acc: Decimal256, index: Decimal256) -> StdResult<Uint128> {
    let diff = acc.checked_sub(index)?;
    let reward = Uint256::from(stake).checked_mul_floor(diff).map_err(math)?;
    Ok(Uint128::try_from(reward)?)
}

/// A provider's share of an ended epoch's usage pool:
/// `floor(pool × weight / total)`; 0 when nothing was recorded.
pub fn usage_reward(pool: Uint128, weight: Uint128, total: Uint128) -> StdResult<Uint128> {
    if total.is_zero() {
        return Ok(Uint128::zero());
    }
    pool.checked_multiply_ratio(weight, total).map_err(math)
}

/// Revenue weighted by the denom weights: `Σ floor(amount × weight)`;
/// unlisted denoms weigh 0.
pub fn weighted_revenue(revenue: &[DenomAmount], weights: &[UsageWeight]) -> StdResult<Uint128> {
    let mut total = Uint128::zero();
    for entry in revenue {
        if let Some(w) = weights.iter().find(|w| w.denom == entry.denom) {
            total = total.checked_add(entry.amount.checked_mul_floor(w.weight).map_err(math)?)?;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use depin_interface::Denom;

    fn schedule(halving: u64) -> Schedule {
        Schedule {
            epoch_seconds: 100,
            emission_per_epoch: Uint128::new(1_000_000),
            halving_epochs: halving,
            usage_share: Decimal::percent(40),
        }
    }

    #[test]
    fn emission_halves_every_era_and_ends() {
        let s = schedule(2);
        assert_eq!(s.emission(0), Uint128::new(1_000_000));
        assert_eq!(s.emission(1), Uint128::new(1_000_000));
        assert_eq!(s.emission(2), Uint128::new(500_000));
        assert_eq!(s.emission(5), Uint128::new(250_000));
        assert_eq!(s.emission(2 * 128), Uint128::zero());
        assert_eq!(s.emission(u64::MAX), Uint128::zero());
        assert_eq!(schedule(0).emission(u64::MAX), Uint128::new(1_000_000));
    }

    #[test]
    fn pools_split_the_emission() {
        let s = schedule(0);
        assert_eq!(s.usage_pool(0), Uint128::new(400_000));
        assert_eq!(s.stake_pool(0), Uint128::new(600_000));
        let odd = Schedule {
            emission_per_epoch: Uint128::new(7),
            usage_share: Decimal::percent(50),
            ..s
        };
        // floor(3.5) = 3 to usage, 4 to stake: nothing lost.
        assert_eq!(odd.usage_pool(0) + odd.stake_pool(0), Uint128::new(7));
    }

    #[test]
    fn stake_emission_crosses_eras() {
        let s = schedule(1);
        // Half of epoch 0 (600k/2) + all of epoch 1 (300k) + half of epoch 2 (150k/2).
        let scaled = s.stake_emission_scaled(50, 250).unwrap();
        assert_eq!(
            scaled,
            Uint256::from(300_000u128 * 100 + 300_000 * 100 + 75_000 * 100)
        );
        // Far in the future nothing is emitted and the loop is bounded.
        assert_eq!(
            s.stake_emission_scaled(200 * 100, u64::MAX).unwrap(),
            Uint256::zero()
        );
    }

    #[test]
    fn accumulator_splits_pro_rata_and_rounds_down() {
        let s = schedule(0);
        let acc = s
            .advance(Decimal256::zero(), 0, 100, Uint128::new(4_000))
            .unwrap();
        assert_eq!(acc, Decimal256::from_ratio(600_000u128, 4_000u128));
        let a = stake_reward(Uint128::new(1_000), acc, Decimal256::zero()).unwrap();
        let b = stake_reward(Uint128::new(3_000), acc, Decimal256::zero()).unwrap();
        assert_eq!((a.u128(), b.u128()), (150_000, 450_000));
        // Three equal stakes: 200_000 each, nothing over-paid.
        let acc = s
            .advance(Decimal256::zero(), 0, 100, Uint128::new(3))
            .unwrap();
        assert_eq!(
            stake_reward(Uint128::one(), acc, Decimal256::zero()).unwrap(),
            Uint128::new(200_000)
        );
        // No stake: nothing emitted.
        assert_eq!(s.advance(acc, 100, 200, Uint128::zero()).unwrap(), acc);
    }

    #[test]
    fn usage_reward_is_pro_rata_and_zero_without_usage() {
        let pool = Uint128::new(400_000);
        assert_eq!(
            usage_reward(pool, Uint128::new(1), Uint128::new(3)).unwrap(),
            Uint128::new(133_333)
        );
        assert_eq!(
            usage_reward(pool, Uint128::zero(), Uint128::zero()).unwrap(),
            Uint128::zero()
        );
    }

    #[test]
    fn revenue_is_weighted_per_denom() {
        let usdc = Denom::Native("uusdc".into());
        let atom = Denom::Native("uatom".into());
        let weights = vec![UsageWeight {
            denom: usdc.clone(),
            weight: Decimal::percent(150),
        }];
        let revenue = vec![
            DenomAmount {
                denom: usdc,
                amount: Uint128::new(11),
            },
            DenomAmount {
                denom: atom,
                amount: Uint128::new(1_000),
            },
        ];
        // floor(11 × 1.5) = 16; uatom is unlisted and weighs 0.
        assert_eq!(
            weighted_revenue(&revenue, &weights).unwrap(),
            Uint128::new(16)
        );
    }
}
