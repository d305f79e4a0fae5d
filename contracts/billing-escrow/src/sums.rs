//! Pure arithmetic: running totals, the fee split and streaming accrual.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{OverflowError, StdError, Uint128, Uint256};

use crate::error::ContractError;

/// Basis points in one whole.
pub const BPS_DENOMINATOR: u128 = 10_000;

/// Amount, fee and units of a set of charges, summed.
#[cw_serde]
#[derive(Default, Copy)]
pub struct ChargeTotals {
    /// Stored under short names, as `state::Lease` is.
    #[serde(rename = "a", alias = "amount")]
    pub amount: Uint128,
    #[serde(rename = "f", alias = "fee")]
    pub fee: Uint128,
    #[serde(rename = "u", alias = "units")]
    pub units: Uint128,
}

impl ChargeTotals {
    pub fn new(amount: Uint128, fee: Uint128, units: Uint128) -> Self {
        ChargeTotals { amount, fee, units }
    }

    pub fn checked_add(self, other: ChargeTotals) -> Result<ChargeTotals, OverflowError> {
        Ok(ChargeTotals {
            amount: self.amount.checked_add(other.amount)?,
            fee: self.fee.checked_add(other.fee)?,
            units: self.units.checked_add(other.units)?,
        })
    }

    pub fn checked_sub(self, other: ChargeTotals) -> Result<ChargeTotals, OverflowError> {
        Ok(ChargeTotals {
            amount: self.amount.checked_sub(other.amount)?,
            fee: self.fee.checked_sub(other.fee)?,
            units: self.units.checked_sub(other.units)?,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero() && self.units.is_zero()
    }

    /// What goes to the provider: the amount less the fee.
    pub fn provider_amount(&self) -> Result<Uint128, OverflowError> {
        self.amount.checked_sub(self.fee)
    }
}

/// The protocol fee on `amount`: `ceil(amount × fee_bps / 10000)`, rounded
/// up. With `fee_bps ≤ 10000` the fee never exceeds `amount`, so the escrow
/// stays solvent. A lease's payments take theirs through [`fee_with_carry`].
pub fn fee_of(amount: Uint128, fee_bps: u16) -> Result<Uint128, ContractError> {
    Ok(amount.checked_mul_ceil((Uint128::from(fee_bps), Uint128::new(BPS_DENOMINATOR)))?)
}

/// The protocol fee of one of a lease's payments, so that the fees of any
/// split of its payments add up to the fee of their sum rounded up once,
/// whoever splits them and however often (a stranger settling a stream every
/// second, a provider reporting usage in small charges).
///
/// `carry` is what the lease's earlier fees took above their exact value, in
/// ten-thousandths of a unit (always below 10000). This payment's fee is its
/// exact fee less that credit, rounded up, and the new carry what that
/// rounding took: `fee × 10000 = amount × fee_bps − carry + new_carry`. Summed
/// over the payments, `Σ fee × 10000 = Σ amount × fee_bps + final carry`, i.e.
/// the fee of the sum, rounded up; each fee is at most [`fee_of`] its amount.
pub fn fee_with_carry(
    amount: Uint128,
    fee_bps: u16,
    carry: u16,
) -> Result<(Uint128, u16), ContractError> {
    let exact = Uint256::from(amount).checked_mul(Uint256::from(fee_bps))?;
    let owed = exact.saturating_sub(Uint256::from(carry));
    let denominator = Uint256::from(BPS_DENOMINATOR);
    let fee = owed
        .checked_add(denominator - Uint256::one())?
        .checked_div(denominator)
        .map_err(StdError::from)?;
    let new_carry = Uint256::from(carry)
        .checked_add(fee.checked_mul(denominator)?)?
        .checked_sub(exact)?;
    let new_carry = u16::try_from(Uint128::try_from(new_carry).map_err(StdError::from)?.u128())
        .map_err(|_| StdError::generic_err("fee carry out of range"))?;
    Ok((Uint128::try_from(fee).map_err(StdError::from)?, new_carry))
}

/// ChargeTotals of one charge or payment of `amount` for `units` at
/// `fee_bps`, its fee taken through the lease's `carry` (updated).
pub fn priced(
    amount: Uint128,
    units: Uint128,
    fee_bps: u16,
    carry: &mut u16,
) -> Result<ChargeTotals, ContractError> {
    let (fee, new_carry) = fee_with_carry(amount, fee_bps, *carry)?;
    *carry = new_carry;
    Ok(ChargeTotals::new(amount, fee, units))
}

/// Whole units of `owed` that `available` pays at `price` each, and their
/// cost: `units = min(owed, floor(available / price))` (every owed unit when
/// the price is zero), `amount = units × price`. A partial payment leaves the
/// rest owed; it never pays a fraction of a unit.
pub fn covered_units(
    owed: Uint128,
    price: Uint128,
    available: Uint128,
) -> Result<(Uint128, Uint128), ContractError> {
    if price.is_zero() {
        return Ok((owed, Uint128::zero()));
    }
    let affordable = available.checked_div(price).map_err(StdError::from)?;
    let units = owed.min(affordable);
    Ok((units, units.checked_mul(price)?))
}

/// Streaming accrual over `elapsed` seconds at `rate` per second, never past
/// `available`: bills whole seconds only, `min(elapsed, floor(available / rate))`,
/// and returns `(seconds, seconds × rate)`. Time beyond the deposit is not billed.
pub fn stream_accrual(
    rate: Uint128,
    elapsed: u64,
    available: Uint128,
) -> Result<(Uint128, Uint128), ContractError> {
    if rate.is_zero() {
        return Ok((Uint128::zero(), Uint128::zero()));
    }
    let affordable = available.checked_div(rate).map_err(StdError::from)?;
    let seconds = Uint128::from(elapsed).min(affordable);
    Ok((seconds, seconds.checked_mul(rate)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_rounds_up() {
        // ceil(999 × 250 / 10000) = ceil(24.975) = 25.
        assert_eq!(fee_of(Uint128::new(999), 250).unwrap(), Uint128::new(25));
        assert_eq!(fee_of(Uint128::new(1_000), 250).unwrap(), Uint128::new(25));
        // ceil(39 × 250 / 10000) = ceil(0.975) = 1.
        assert_eq!(fee_of(Uint128::new(39), 250).unwrap(), Uint128::one());
        assert_eq!(fee_of(Uint128::new(1), 1).unwrap(), Uint128::one());
        assert_eq!(fee_of(Uint128::zero(), 250).unwrap(), Uint128::zero());
        assert_eq!(fee_of(Uint128::new(7), 10_000).unwrap(), Uint128::new(7));
        assert_eq!(fee_of(Uint128::MAX, 10_000).unwrap(), Uint128::MAX);
        assert_eq!(fee_of(Uint128::MAX, 0).unwrap(), Uint128::zero());
    }

    #[test]
    fn splitting_never_lowers_the_fee() {
        // n payments of `part` pay at least the fee of their sum rounded down.
        for (part, n, bps) in [(30u128, 100u128, 250u16), (7, 1_000, 250), (1, 10, 1)] {
            let split = fee_of(Uint128::new(part), bps).unwrap().u128() * n;
            let floor_of_sum = part * n * u128::from(bps) / 10_000;
            assert!(split >= floor_of_sum, "{part} × {n} at {bps}");
        }
        // 100 × 30 at 250 bps: 1 each, 100 in all (the sum's exact fee is 75).
        assert_eq!(fee_of(Uint128::new(30), 250).unwrap(), Uint128::one());
    }

    #[test]
    fn fees_with_a_carry_add_up_to_the_fee_of_the_sum() {
        // 100 payments of 30 at 250 bps: 75 in all, the fee of 3,000.
        let mut carry = 0;
        let mut fees = 0;
        for _ in 0..100 {
            let (fee, next) = fee_with_carry(Uint128::new(30), 250, carry).unwrap();
            assert!(next < 10_000 && fee <= fee_of(Uint128::new(30), 250).unwrap());
            fees += fee.u128();
            carry = next;
        }
        assert_eq!((fees, carry), (75, 0));
        // 1 at 250 bps: the first pays 1 (ceil 0.025), the next 39 pay nothing.
        let (fee, carry) = fee_with_carry(Uint128::one(), 250, 0).unwrap();
        assert_eq!((fee.u128(), carry), (1, 9_750));
        let (fee, carry) = fee_with_carry(Uint128::new(39), 250, carry).unwrap();
        assert_eq!((fee.u128(), carry), (0, 0));
        // The extremes: no overflow, never above the amount.
        assert_eq!(
            fee_with_carry(Uint128::MAX, 10_000, 0).unwrap(),
            (Uint128::MAX, 0)
        );
        assert_eq!(
            fee_with_carry(Uint128::MAX, 10_000, 9_999).unwrap(),
            (Uint128::MAX, 9_999)
        );
        assert_eq!(
            fee_with_carry(Uint128::zero(), 250, 500).unwrap(),
            (Uint128::zero(), 500)
        );
        assert_eq!(
            fee_with_carry(Uint128::new(7), 0, 0).unwrap(),
            (Uint128::zero(), 0)
        );
    }

    #[test]
    fn a_payment_covers_whole_units_only() {
        let (owed, price) = (Uint128::new(143), Uint128::new(7));
        // floor(1000 / 7) = 142 units, 994.
        assert_eq!(
            covered_units(owed, price, Uint128::new(1_000)).unwrap(),
            (Uint128::new(142), Uint128::new(994))
        );
        assert_eq!(
            covered_units(owed, price, Uint128::new(1_001)).unwrap(),
            (owed, Uint128::new(1_001))
        );
        assert_eq!(
            covered_units(owed, price, Uint128::new(6)).unwrap(),
            (Uint128::zero(), Uint128::zero())
        );
        assert_eq!(
            covered_units(owed, Uint128::zero(), Uint128::zero()).unwrap(),
            (owed, Uint128::zero())
        );
        assert_eq!(
            covered_units(Uint128::MAX, Uint128::one(), Uint128::MAX).unwrap(),
            (Uint128::MAX, Uint128::MAX)
        );
    }

    #[test]
    fn sums_add_and_subtract_checked() {
        let a = ChargeTotals::new(Uint128::new(10), Uint128::new(1), Uint128::new(2));
        let b = ChargeTotals::new(Uint128::new(4), Uint128::new(1), Uint128::new(1));
        assert_eq!(
            a.checked_add(b).unwrap(),
            ChargeTotals::new(Uint128::new(14), Uint128::new(2), Uint128::new(3))
        );
        assert_eq!(
            a.checked_sub(b).unwrap(),
            ChargeTotals::new(Uint128::new(6), Uint128::zero(), Uint128::new(1))
        );
        assert!(b.checked_sub(a).is_err());
        assert!(
            ChargeTotals::new(Uint128::MAX, Uint128::zero(), Uint128::zero())
                .checked_add(b)
                .is_err()
        );
        assert_eq!(a.provider_amount().unwrap(), Uint128::new(9));
    }

    #[test]
    fn streaming_stops_at_the_deposit() {
        let rate = Uint128::new(3);
        // 10 s at 3/s with 100 available: 30.
        assert_eq!(
            stream_accrual(rate, 10, Uint128::new(100)).unwrap(),
            (Uint128::new(10), Uint128::new(30))
        );
        // 100 s but only 100 available: 33 whole seconds, 99 billed, 1 left.
        assert_eq!(
            stream_accrual(rate, 100, Uint128::new(100)).unwrap(),
            (Uint128::new(33), Uint128::new(99))
        );
        assert_eq!(
            stream_accrual(rate, 100, Uint128::new(2)).unwrap(),
            (Uint128::zero(), Uint128::zero())
        );
        assert_eq!(
            stream_accrual(Uint128::MAX, u64::MAX, Uint128::MAX).unwrap(),
            (Uint128::one(), Uint128::MAX)
        );
        assert_eq!(
            stream_accrual(Uint128::zero(), 5, Uint128::new(5)).unwrap(),
            (Uint128::zero(), Uint128::zero())
        );
    }
}
