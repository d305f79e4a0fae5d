//! Helpers every integration test file needs: typed errors behind a failed
//! execution, receipt keys and signatures, the protocol fee and a wasm
//! message for proposals. One copy here instead of one per test file.

use cosmwasm_std::{Addr, Binary, CosmosMsg};
use cw_multi_test::error::AnyError;
use depin_interface::receipt::receipt_digest;
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use serde::Serialize;

use crate::suite::Suite;

/// The contract error of type `E` behind a failed execution; panics if the
/// failure is anything else.
pub fn contract_error<E>(err: AnyError) -> E
where
    E: std::fmt::Display + std::fmt::Debug + Send + Sync + 'static,
{
    err.downcast::<E>()
        .unwrap_or_else(|e| panic!("not a {}: {e:?}", std::any::type_name::<E>()))
}

/// The registry's typed error behind a failed execution.
pub fn registry_error(err: AnyError) -> depin_provider_registry::ContractError {
    contract_error(err)
}

/// The DAO's typed error behind a failed execution.
pub fn dao_error(err: AnyError) -> depin_dao::ContractError {
    contract_error(err)
}

/// The protocol fee the escrow takes on `amount` at `fee_bps`:
/// `ceil(amount × fee_bps / 10000)`, rounded up as the escrow rounds it.
pub fn protocol_fee(amount: u128, fee_bps: u128) -> u128 {
    (amount * fee_bps).div_ceil(10_000)
}

/// A deterministic consumer key.
pub fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).expect("a valid secp256k1 scalar")
}

/// The 33-byte compressed public key a receipts lease carries.
pub fn pubkey(key: &SigningKey) -> Binary {
    Binary::from(key.verifying_key().to_encoded_point(true).as_bytes())
}

/// Signs a receipt for `lease_id` on `chain_id` and `escrow`.
pub fn sign_receipt(
    key: &SigningKey,
    chain_id: &str,
    escrow: &str,
    lease_id: u64,
    units: u128,
) -> Binary {
    let digest = receipt_digest(chain_id, escrow, lease_id, units);
    let signature: Signature = key.sign_prehash(&digest).expect("signing a receipt");
    Binary::from(&signature.to_bytes()[..])
}

impl Suite {
    /// A cw20 that is not the suite's (another instance of the same code),
    /// `amount` of it held by `holder`.
    pub fn fake_token(&mut self, holder: &Addr, amount: u128) -> Addr {
        self.instantiate_other(
            crate::contracts::reward_token(),
            &depin_interface::token::InstantiateMsg {
                name: "Fake".into(),
                symbol: "FAKE".into(),
                decimals: 6,
                initial_balances: vec![depin_interface::token::Cw20Coin {
                    address: holder.to_string(),
                    amount: cosmwasm_std::Uint128::new(amount),
                }],
                mint: None,
                marketing: None,
            },
            "fake-token",
        )
    }

    /// Signs a receipt for `lease_id` on this suite's chain and escrow.
    pub fn sign_receipt(&self, key: &SigningKey, lease_id: u64, units: u128) -> Binary {
        let chain_id = self.app.block_info().chain_id;
        sign_receipt(key, &chain_id, self.escrow.as_str(), lease_id, units)
    }
}

/// `msg` to `contract` without funds, as a proposal carries it.
pub fn wasm_execute<M: Serialize>(contract: &Addr, msg: &M) -> CosmosMsg {
    cosmwasm_std::wasm_execute(contract, msg, vec![])
        .expect("serializing a message")
        .into()
}
