//! Reward arithmetic, pure and storage-free.
//!
//! Epoch `k` (counted from `genesis_time`) emits
//! `emission_per_epoch >> (k / halving_epochs)`. Its usage pool is
//! `floor(emission × usage_share)`; its stake pool `P` is the rest, streamed
//! evenly over the epoch's seconds through a reward-per-stake accumulator.
//!
//! Exactness. The accumulator counts reward per unit of active stake in units
//! of 10^-38 token ([`SCALE`]). Advancing it over a span with total active
//! stake `S` divides `Σ P × seconds × SCALE + carry` by `S × epoch_seconds`
//! (in 512 bits) and stores the remainder as the next `carry`: nothing is
//! floored per step or per second, so with `S` constant the accumulator after
//! any number of steps equals `floor(P × t × SCALE / (S × epoch_seconds))`
//! exactly. Each provider likewise keeps the fraction of a token below
//! `SCALE` it has not been paid. Its payout therefore never falls more than
//! `1 + s_i / SCALE` short of the exact share, whatever the number of steps:
//! for any stake below 10^38 (10^20 tokens of 18 decimals)
//! `floor(P × t × s_i / (S × epoch_seconds)) − 1 ≤ paid ≤ floor(…)`, and a
//! share that is a whole number with a decimal denominator (S × epoch_seconds
//! dividing P × t × 10^38) is paid exactly.
//!
//! Bound. Every quantity stays in its type when the total emission of the
//! schedule fits a `Uint128` (see [`Schedule::max_emission_per_epoch`]): the
//! accumulator is at most `total emission × SCALE / 1 < 2^128 × 10^38 <
//! 2^256` even with a single unit staked, and every accrual and the minted
//! total are at most the total emission.

use cosmwasm_std::{Decimal, StdError, StdResult, Uint128, Uint256, Uint512};
use depin_interface::registry::UsageWeight;
use depin_interface::DenomAmount;

/// The emission halves this many times at most before it is zero.
const MAX_ERAS: u64 = 128;

/// The accumulator's fixed-point scale: 10^38. A provider's rounding loss
/// `s_i / SCALE` stays below one unit for any stake below 10^38, and
/// `u128::MAX × SCALE < 2^256`, so the accumulator fits whenever the total
/// emission fits a `Uint128`. Decimal, so shares that are whole numbers for
/// decimal stakes and periods stay exact.
pub const SCALE: u128 = 100_000_000_000_000_000_000_000_000_000_000_000_000;

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

/// The accumulator and the undistributed remainder of its last division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Accumulator {
    /// Stake reward per unit of active stake since genesis, × `SCALE`.
    pub per_stake: Uint256,
    /// Numerator left over by the last division (`< S × epoch_seconds`), in
    /// units of token × epoch_seconds × `SCALE`: carried into the next step.
    pub carry: Uint256,
}

impl Schedule {
    fn era(&self, epoch: u64) -> u64 {
        epoch.checked_div(self.halving_epochs).unwrap_or(0)
    }

    /// Tokens epoch `epoch` emits in all.
    pub fn emission(&self, epoch: u64) -> Uint128 {
        // `era < MAX_ERAS = 128`, so the shift fits a `u32` and a `Uint128`.
        match u32::try_from(self.era(epoch)) {
            Ok(era) if u64::from(era) < MAX_ERAS => self.emission_per_epoch >> era,
            _ => Uint128::zero(),
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

    /// The largest `emission_per_epoch` the reward arithmetic carries for this
    /// schedule's epoch length and halving: the total emission must fit a
    /// `Uint128` (the accruals, `rewards_minted`, and the accumulator, which
    /// is at most total emission × 10^38 < 2^256 with one unit staked).
    /// The horizon is [`depin_interface::validation::MAX_PERIOD`] (10 years), or the whole
    /// schedule when it halves sooner: with halving every era of
    /// `halving_epochs` epochs emits half the one before, so the total is
    /// below `E × 2 × halving_epochs`; over the horizon it is at most
    /// `E × ceil(MAX_PERIOD / epoch_seconds)`. The bound is `u128::MAX`
    /// divided by the smaller of the two epoch counts, rounded down. Past the
    /// horizon a schedule that still emits may overflow; the commit path then
    /// forfeits the accrual instead of failing, so stake stays withdrawable.
    pub fn max_emission_per_epoch(&self) -> Uint128 {
        let horizon = depin_interface::validation::MAX_PERIOD.div_ceil(self.epoch_seconds.max(1));
        let epochs = if self.halving_epochs == 0 {
            horizon
        } else {
            self.halving_epochs.saturating_mul(2).min(horizon)
        };
        Uint128::MAX
            .checked_div(Uint128::from(epochs.max(1)))
            .unwrap_or_default()
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
    /// throughout: `(Σ P × seconds × SCALE + carry) / (S × epoch_seconds)` is
    /// added and its remainder becomes the new carry, so splitting a span in
    /// any number of steps gives exactly the same accumulator. Time with no
    /// active stake emits nothing (the carry waits for the next staker).
    pub fn advance(
        &self,
        acc: Accumulator,
        from: u64,
        to: u64,
        total_active_stake: Uint128,
    ) -> StdResult<Accumulator> {
        if to <= from || total_active_stake.is_zero() || self.epoch_seconds == 0 {
            return Ok(acc);
        }
        let emitted = self.stake_emission_scaled(from, to)?;
        let numerator = emitted
            .full_mul(Uint256::from(SCALE))
            .checked_add(Uint512::from(acc.carry))?;
        let denominator = Uint512::from(
            Uint256::from(total_active_stake).checked_mul(Uint256::from(self.epoch_seconds))?,
        );
        let delta = numerator.checked_div(denominator).map_err(math)?;
        let carry = numerator.checked_rem(denominator).map_err(math)?;
        Ok(Accumulator {
            per_stake: acc
                .per_stake
                .checked_add(Uint256::try_from(delta).map_err(math)?)?,
            carry: Uint256::try_from(carry).map_err(math)?,
        })
    }
}

/// Stake rewards of `stake` held between accumulator values `index` and
/// `acc`, plus the provider's carried `fraction` (units of 1/[`SCALE`] token):
/// returns `(whole tokens, new fraction)`, the fraction below one token kept
/// for the next settlement so repeated settlements lose nothing.
pub fn stake_reward(
    stake: Uint128,
    acc: Uint256,
    index: Uint256,
    fraction: Uint128,
) -> StdResult<(Uint128, Uint128)> {
    let diff = acc.checked_sub(index)?;
    let scaled = Uint256::from(stake)
        .full_mul(diff)
        .checked_add(Uint512::from(fraction))?;
    let scale = Uint512::from(SCALE);
    let whole = scaled.checked_div(scale).map_err(math)?;
    let rest = scaled.checked_rem(scale).map_err(math)?;
    let whole = Uint128::try_from(Uint256::try_from(whole).map_err(math)?)?;
    let rest = Uint128::try_from(Uint256::try_from(rest).map_err(math)?)?;
    Ok((whole, rest))
}

/// Stake rewards of `stake` between accumulator values `from` and `to`, in
/// units of 1/[`SCALE`] token (0 when `to` is not above `from`). Below
/// 2^256 whenever `stake` is at most the active stake the accumulator was
/// divided by, which it always is.
pub fn stake_earned(stake: Uint128, from: Uint256, to: Uint256) -> StdResult<Uint256> {
    let diff = to.saturating_sub(from);
    Uint256::try_from(Uint256::from(stake).full_mul(diff)).map_err(math)
}

/// `scaled` (units of 1/[`SCALE`] token) as whole tokens and the fraction
/// left below one token.
pub fn split_scaled(scaled: Uint256) -> StdResult<(Uint128, Uint128)> {
    let scale = Uint256::from(SCALE);
    let whole = Uint128::try_from(scaled.checked_div(scale).map_err(math)?)?;
    let rest = Uint128::try_from(scaled.checked_rem(scale).map_err(math)?)?;
    Ok((whole, rest))
}

/// A provider's usage reward for an ended epoch: its pro-rata share of the
/// pool, `floor(pool × weight / total)`, capped at its own weighted fee
/// `weight` (so self-dealing never earns more than the fee it paid, valued
/// at the usage weights); 0 when nothing was recorded. The part of the pool
/// the cap leaves is not minted.
pub fn usage_reward(pool: Uint128, weight: Uint128, total: Uint128) -> StdResult<Uint128> {
    if total.is_zero() {
        return Ok(Uint128::zero());
    }
    let share = pool.checked_multiply_ratio(weight, total).map_err(math)?;
    Ok(share.min(weight))
}

/// Protocol fees weighted by the denom weights (reward-token units per fee
/// unit): `Σ floor(amount × weight)`; unlisted denoms weigh 0.
pub fn weighted_fees(fees: &[DenomAmount], weights: &[UsageWeight]) -> StdResult<Uint128> {
    let mut total = Uint128::zero();
    for entry in fees {
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
            .advance(Accumulator::default(), 0, 100, Uint128::new(4_000))
            .unwrap();
        // 600_000 / 4_000 = 150 per unit, exactly: no carry.
        assert_eq!(acc.per_stake, Uint256::from(150u32) * Uint256::from(SCALE));
        assert_eq!(acc.carry, Uint256::zero());
        let zero = Uint256::zero();
        let a = stake_reward(Uint128::new(1_000), acc.per_stake, zero, Uint128::zero()).unwrap();
        let b = stake_reward(Uint128::new(3_000), acc.per_stake, zero, Uint128::zero()).unwrap();
        assert_eq!((a.0.u128(), b.0.u128()), (150_000, 450_000));
        assert_eq!((a.1, b.1), (Uint128::zero(), Uint128::zero()));
        // Three units: 200_000 each, nothing over-paid.
        let acc = s
            .advance(Accumulator::default(), 0, 100, Uint128::new(3))
            .unwrap();
        let one = stake_reward(Uint128::one(), acc.per_stake, zero, Uint128::zero()).unwrap();
        assert_eq!(one.0, Uint128::new(200_000));
        // No stake: nothing emitted, the carry waits.
        assert_eq!(s.advance(acc, 100, 200, Uint128::zero()).unwrap(), acc);
    }

    /// A deterministic pseudo-random sequence (64-bit LCG, Knuth's constants).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % below
        }
    }

    /// Providers with fixed stakes; at each step time passes, the global
    /// accumulator advances (someone touched the registry) and a random
    /// subset settles. Returns what each was paid and the elapsed seconds.
    fn run(
        s: &Schedule,
        stakes: &[Uint128],
        steps: usize,
        max_step: u64,
        rng: &mut Lcg,
    ) -> (Vec<Uint128>, u64) {
        let total: Uint128 = stakes.iter().copied().sum();
        let mut acc = Accumulator::default();
        let mut index = vec![Uint256::zero(); stakes.len()];
        let mut fraction = vec![Uint128::zero(); stakes.len()];
        let mut paid = vec![Uint128::zero(); stakes.len()];
        let mut settle = |i: usize, acc: &Accumulator, index: &mut [Uint256]| {
            let (whole, rest) =
                stake_reward(stakes[i], acc.per_stake, index[i], fraction[i]).expect("no overflow");
            paid[i] += whole;
            fraction[i] = rest;
            index[i] = acc.per_stake;
        };
        let mut t = 0u64;
        for _ in 0..steps {
            let next = t + 1 + rng.next(max_step);
            acc = s.advance(acc, t, next, total).expect("no overflow");
            t = next;
            for i in 0..stakes.len() {
                if rng.next(3) == 0 {
                    settle(i, &acc, &mut index);
                }
            }
        }
        for i in 0..stakes.len() {
            settle(i, &acc, &mut index);
        }
        (paid, t)
    }

    /// The closed form: floor(stake pool emitted × s_i / S), i.e.
    /// floor(Σ P × seconds × s_i / (S × epoch_seconds)).
    fn closed_form(s: &Schedule, stake: Uint128, total: Uint128, seconds: u64) -> Uint128 {
        let emitted = s.stake_emission_scaled(0, seconds).unwrap();
        let exact = emitted.full_mul(Uint256::from(stake))
            / Uint512::from(
                Uint256::from(total)
                    .checked_mul(Uint256::from(s.epoch_seconds))
                    .unwrap(),
            );
        Uint128::try_from(Uint256::try_from(exact).unwrap()).unwrap()
    }

    #[test]
    fn any_sequence_of_steps_pays_the_closed_form_within_one_unit() {
        let e18 = 1_000_000_000_000_000_000u128;
        let schedules = [
            schedule(0),
            schedule(3),
            Schedule {
                epoch_seconds: 86_400,
                emission_per_epoch: Uint128::new(1_000_000_000_000),
                halving_epochs: 0,
                usage_share: Decimal::percent(40),
            },
            Schedule {
                epoch_seconds: 7,
                emission_per_epoch: Uint128::new(999_999_937),
                halving_epochs: 5,
                usage_share: Decimal::permille(333),
            },
        ];
        let stake_sets: [Vec<u128>; 4] = [
            vec![1, 2, 3],
            vec![e18, 100_000_000 * e18],
            vec![7, 1_000, 999_983, 123_456_789_012_345],
            vec![SCALE - 1, 1, SCALE / 3],
        ];
        let mut rng = Lcg(42);
        for s in &schedules {
            for stakes in &stake_sets {
                let stakes: Vec<Uint128> = stakes.iter().map(|&x| Uint128::new(x)).collect();
                let total: Uint128 = stakes.iter().copied().sum();
                for (steps, max_step) in [(1, 1_000), (100, 5), (300, 97), (40, 10_000)] {
                    let (paid, seconds) = run(s, &stakes, steps, max_step, &mut rng);
                    let mut sum = Uint128::zero();
                    for (i, stake) in stakes.iter().enumerate() {
                        let exact = closed_form(s, *stake, total, seconds);
                        assert!(
                            paid[i] <= exact && exact <= paid[i] + Uint128::one(),
                            "{s:?} stakes {stakes:?} steps {steps}: provider {i} paid {} vs {exact}",
                            paid[i]
                        );
                        sum += paid[i];
                    }
                    // Never more than the stake pool emitted.
                    assert!(sum <= closed_form(s, total, total, seconds));
                }
            }
        }
    }

    #[test]
    fn touching_every_five_seconds_loses_nothing() {
        // The griefing case of the audit: 18-decimal stake, a whale with 1e26
        // and a toucher with 1e18, epochs of 86_400 s emitting 1e12 (stake
        // pool P = 1e12 − floor(1e12 × 40 %) = 6e11), 100 touches 5 s apart.
        // Rounding the accumulator to 18 decimals per step, each step added
        // floor(6e11 × 5 / 86_400 / (1e26 + 1e18) × 1e18) = 0: the whale got 0.
        let s = Schedule {
            epoch_seconds: 86_400,
            emission_per_epoch: Uint128::new(1_000_000_000_000),
            halving_epochs: 0,
            usage_share: Decimal::percent(40),
        };
        let whale = Uint128::new(100_000_000 * 1_000_000_000_000_000_000);
        let toucher = Uint128::new(1_000_000_000_000_000_000);
        let total = whale + toucher;
        let mut acc = Accumulator::default();
        let mut index = Uint256::zero();
        let mut fraction = Uint128::zero();
        let mut toucher_paid = Uint128::zero();
        for step in 0..100u64 {
            acc = s.advance(acc, step * 5, step * 5 + 5, total).unwrap();
            let (whole, rest) = stake_reward(toucher, acc.per_stake, index, fraction).unwrap();
            toucher_paid += whole;
            (index, fraction) = (acc.per_stake, rest);
        }
        let (whale_paid, _) =
            stake_reward(whale, acc.per_stake, Uint256::zero(), Uint128::zero()).unwrap();
        // floor(6e11 × 500 × 1e26 / (86_400 × (1e26 + 1e18))) = floor(3_472_222_187.5…)
        assert_eq!(closed_form(&s, whale, total, 500).u128(), 3_472_222_187);
        assert_eq!(whale_paid.u128(), 3_472_222_187);
        // floor(6e11 × 500 × 1e18 / (86_400 × (1e26 + 1e18))) = floor(34.72…)
        assert_eq!(closed_form(&s, toucher, total, 500).u128(), 34);
        assert_eq!(toucher_paid.u128(), 34);
    }

    #[test]
    fn changing_stakes_stay_within_one_unit_of_the_piecewise_share() {
        // Stakes change between intervals; the exact share is
        // Σ_j s_ij × N_j / (S_j × epoch_seconds), computed here with 2^128
        // extra bits per interval (each interval's floor loses < 2^-128).
        // The carry of an interval may reach the next interval's stakers.
        let s = schedule(2);
        let mut rng = Lcg(7);
        let mut stakes = [Uint128::new(5_000), Uint128::new(1), Uint128::new(777_777)];
        let mut acc = Accumulator::default();
        let mut index = [Uint256::zero(); 3];
        let mut fraction = [Uint128::zero(); 3];
        let mut paid = [Uint128::zero(); 3];
        let mut exact = [Uint512::zero(); 3];
        let mut t = 0u64;
        for _ in 0..200 {
            let total: Uint128 = stakes.iter().copied().sum();
            let next = t + 1 + rng.next(60);
            let emitted = Uint512::from(s.stake_emission_scaled(t, next).unwrap());
            let d = Uint512::from(total.u128()) * Uint512::from(s.epoch_seconds);
            for i in 0..3 {
                exact[i] += ((emitted * Uint512::from(stakes[i].u128())) << 128) / d;
            }
            acc = s.advance(acc, t, next, total).unwrap();
            t = next;
            // One provider settles and changes its stake (the commit path).
            let i = rng.next(3) as usize;
            let (whole, rest) =
                stake_reward(stakes[i], acc.per_stake, index[i], fraction[i]).unwrap();
            paid[i] += whole;
            (index[i], fraction[i]) = (acc.per_stake, rest);
            stakes[i] = Uint128::new(1 + u128::from(rng.next(1_000_000)));
        }
        for i in 0..3 {
            let (whole, _) = stake_reward(stakes[i], acc.per_stake, index[i], fraction[i]).unwrap();
            paid[i] += whole;
            let exact = Uint128::try_from(Uint256::try_from(exact[i] >> 128).unwrap()).unwrap();
            // The carry of one interval may reach the next interval's
            // stakers, so a provider can also get a fraction above its share.
            assert!(
                paid[i] <= exact + Uint128::one() && exact <= paid[i] + Uint128::one(),
                "provider {i} paid {} vs {exact}",
                paid[i]
            );
        }
    }

    #[test]
    fn emission_bound_follows_the_schedule() {
        // No halving: 10 years of 100 s epochs = 3_153_600 epochs.
        let s = schedule(0);
        assert_eq!(
            s.max_emission_per_epoch(),
            Uint128::new(u128::MAX / 3_153_600)
        );
        // Halving every 3 epochs: the whole schedule emits < E × 6.
        assert_eq!(
            schedule(3).max_emission_per_epoch(),
            Uint128::new(u128::MAX / 6)
        );
        // At the bound the accumulator still fits with a single unit staked
        // over the whole horizon.
        let top = Schedule {
            emission_per_epoch: schedule(3).max_emission_per_epoch(),
            ..schedule(3)
        };
        let acc = top
            .advance(Accumulator::default(), 0, 129 * 300, Uint128::one())
            .unwrap();
        let (all, _) = stake_reward(
            Uint128::one(),
            acc.per_stake,
            Uint256::zero(),
            Uint128::zero(),
        )
        .unwrap();
        assert!(all <= Uint128::MAX);
    }

    #[test]
    fn usage_reward_is_pro_rata_capped_at_the_weighted_fee() {
        let pool = Uint128::new(400_000);
        // floor(400_000 × 1 / 3) = 133_333, capped at the provider's weight 1.
        assert_eq!(
            usage_reward(pool, Uint128::new(1), Uint128::new(3)).unwrap(),
            Uint128::new(1)
        );
        // Weights 300_000 of 900_000: floor(400_000 / 3) = 133_333 < 300_000.
        assert_eq!(
            usage_reward(pool, Uint128::new(300_000), Uint128::new(900_000)).unwrap(),
            Uint128::new(133_333)
        );
        assert_eq!(
            usage_reward(pool, Uint128::zero(), Uint128::zero()).unwrap(),
            Uint128::zero()
        );
    }

    #[test]
    fn fees_are_weighted_per_denom() {
        let usdc = Denom::Native("uusdc".into());
        let atom = Denom::Native("uatom".into());
        let weights = vec![UsageWeight {
            denom: usdc.clone(),
            weight: Decimal::percent(150),
        }];
        let fees = vec![
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
        assert_eq!(weighted_fees(&fees, &weights).unwrap(), Uint128::new(16));
    }
}
