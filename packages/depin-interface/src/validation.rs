//! Validation helpers every contract applies the same way.

use cosmwasm_std::{Decimal, StdError};
use thiserror::Error;

/// Longest period any contract accepts (unbonding, epochs, jail, voting,
/// unstaking, timelock): 10 years. Keeps timestamp arithmetic
/// (`plus_seconds`) and emission horizons far from overflow.
pub const MAX_PERIOD: u64 = 10 * 365 * 86_400;

/// Longest free-text field (reasons, descriptions of disputes).
pub const MAX_TEXT_LEN: usize = 512;
/// Longest short label (region, unit, service name, proposal title).
pub const MAX_LABEL_LEN: usize = 64;
/// Longest URI or endpoint.
pub const MAX_URI_LEN: usize = 256;
/// Longest proposal description.
pub const MAX_DESCRIPTION_LEN: usize = 8_192;

#[derive(Error, Debug, PartialEq)]
pub enum ValidationError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{field} is {len} bytes long; the limit is {max}")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },

    #[error("{field} must not be empty")]
    Empty { field: &'static str },

    #[error("{field} is {value}; it must be a fraction between 0 and 1")]
    FractionOutOfRange { field: &'static str, value: Decimal },

    #[error("invalid denom {denom:?}")]
    InvalidDenom { denom: String },

    #[error("{field} must be greater than zero")]
    MustBePositive { field: &'static str },

    #[error("{field} is {value} seconds; the limit is {max}")]
    PeriodTooLong {
        field: &'static str,
        value: u64,
        max: u64,
    },

    #[error("{field} has {len} entries; the limit is {max}")]
    TooManyEntries {
        field: &'static str,
        len: usize,
        max: usize,
    },
}

/// Rejects an empty string or one longer than `max` bytes.
pub fn validate_text(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::Empty { field });
    }
    if value.len() > max {
        return Err(ValidationError::TooLong {
            field,
            len: value.len(),
            max,
        });
    }
    Ok(())
}

/// Rejects a fraction above one.
pub fn validate_fraction(field: &'static str, value: Decimal) -> Result<(), ValidationError> {
    if value > Decimal::one() {
        return Err(ValidationError::FractionOutOfRange { field, value });
    }
    Ok(())
}

/// Rejects a period above [`MAX_PERIOD`].
pub fn validate_period(field: &'static str, value: u64) -> Result<(), ValidationError> {
    if value > MAX_PERIOD {
        return Err(ValidationError::PeriodTooLong {
            field,
            value,
            max: MAX_PERIOD,
        });
    }
    Ok(())
}

/// Rejects a period of 0 or above [`MAX_PERIOD`].
pub fn validate_positive_period(field: &'static str, value: u64) -> Result<(), ValidationError> {
    if value == 0 {
        return Err(ValidationError::MustBePositive { field });
    }
    validate_period(field, value)
}

/// Rejects a list longer than `max`.
pub fn validate_len(field: &'static str, len: usize, max: usize) -> Result<(), ValidationError> {
    if len > max {
        return Err(ValidationError::TooManyEntries { field, len, max });
    }
    Ok(())
}

/// The one rule for a config list changed by `add_*` and `remove_*` in the
/// same message: removals apply first, then additions (so an entry in both
/// stays), each entry is kept once, and the result holds at most `max`.
pub fn update_list<T: PartialEq>(
    field: &'static str,
    list: &mut Vec<T>,
    remove: Vec<T>,
    add: Vec<T>,
    max: usize,
) -> Result<(), ValidationError> {
    list.retain(|item| !remove.contains(item));
    for item in add {
        if !list.contains(&item) {
            list.push(item);
        }
    }
    validate_len(field, list.len(), max)
}

/// `items` once each (first occurrence kept), at most `max` of them: a list
/// as `instantiate` takes it, under the same rule as [`update_list`].
pub fn unique_list<T: PartialEq>(
    field: &'static str,
    items: Vec<T>,
    max: usize,
) -> Result<Vec<T>, ValidationError> {
    let mut list = vec![];
    update_list(field, &mut list, vec![], items, max)?;
    Ok(list)
}

/// Validates every address of a message's list.
pub fn validate_addrs(
    api: &dyn cosmwasm_std::Api,
    addrs: Vec<String>,
) -> cosmwasm_std::StdResult<Vec<cosmwasm_std::Addr>> {
    addrs.iter().map(|a| api.addr_validate(a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_and_non_empty() {
        assert!(validate_text("region", "eu-west", MAX_LABEL_LEN).is_ok());
        assert_eq!(
            validate_text("region", " ", MAX_LABEL_LEN),
            Err(ValidationError::Empty { field: "region" })
        );
        assert_eq!(
            validate_text("region", &"x".repeat(65), MAX_LABEL_LEN),
            Err(ValidationError::TooLong {
                field: "region",
                len: 65,
                max: 64
            })
        );
    }

    #[test]
    fn lists_remove_then_add_once_and_stay_bounded() {
        let mut list = vec![1, 2, 3];
        update_list("l", &mut list, vec![2, 4], vec![4, 5, 5, 1], 4).unwrap();
        assert_eq!(list, vec![1, 3, 4, 5]);
        assert_eq!(
            update_list("l", &mut list, vec![], vec![6], 4),
            Err(ValidationError::TooManyEntries {
                field: "l",
                len: 5,
                max: 4
            })
        );
    }

    #[test]
    fn periods_are_bounded() {
        assert!(validate_period("p", MAX_PERIOD).is_ok());
        assert!(validate_positive_period("p", 0).is_err());
        assert!(validate_period("p", MAX_PERIOD + 1).is_err());
    }

    #[test]
    fn fractions_stop_at_one() {
        assert!(validate_fraction("f", Decimal::one()).is_ok());
        assert!(validate_fraction("f", Decimal::zero()).is_ok());
        assert!(validate_fraction("f", Decimal::percent(101)).is_err());
    }
}
