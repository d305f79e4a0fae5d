//! Validation helpers every contract applies the same way.

use cosmwasm_std::{Decimal, StdError};
use thiserror::Error;

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
    fn fractions_stop_at_one() {
        assert!(validate_fraction("f", Decimal::one()).is_ok());
        assert!(validate_fraction("f", Decimal::zero()).is_ok());
        assert!(validate_fraction("f", Decimal::percent(101)).is_err());
    }
}
