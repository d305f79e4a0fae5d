//! Helpers for the reward token.

use cosmwasm_std::{to_json_binary, Addr, Uint128};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Executor};
use depin_interface::token;

use crate::suite::Suite;

impl Suite {
    /// Suite-token balance of `addr`.
    pub fn token_balance(&self, addr: &Addr) -> u128 {
        let res: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.token,
                &token::QueryMsg::Balance {
                    address: addr.to_string(),
                },
            )
            .expect("balance query");
        res.balance.u128()
    }

    pub fn token_supply(&self) -> u128 {
        let res: cw20::TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &token::QueryMsg::TokenInfo {})
            .expect("token info query");
        res.total_supply.u128()
    }

    /// `sender` sends `amount` suite tokens to `contract` with the hook message `msg`.
    pub fn send_tokens<M: serde::Serialize>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        amount: u128,
        msg: &M,
    ) -> AnyResult<AppResponse> {
        let token = self.token.clone();
        self.app.execute_contract(
            sender.clone(),
            token,
            &token::ExecuteMsg::Send {
                contract: contract.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(msg).expect("serializing a hook message"),
            },
            &[],
        )
    }
}
