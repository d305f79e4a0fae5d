pub mod contract;
pub mod error;

pub use error::ContractError;
