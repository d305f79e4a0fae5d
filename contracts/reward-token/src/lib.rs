//! The suite's cw20 reward token: cw20-base's own functions behind cw2 and a
//! forward-only `migrate`. The provider registry is its only minter.

pub mod contract;
pub mod error;

pub use error::ContractError;
