//! The reward token: exactly the cw20 interface and cw20-base's instantiate message.

use cosmwasm_schema::cw_serde;

pub use cw20::{Cw20Coin, Cw20ReceiveMsg, MinterResponse};
pub use cw20_base::msg::{ExecuteMsg, InstantiateMarketingInfo, InstantiateMsg, QueryMsg};

/// Migrations carry no parameters; the version in cw2 decides what runs.
#[cw_serde]
pub struct MigrateMsg {}
