//! Unit tests with mock deps and a mock registry.

mod cost;
mod disputes;
mod fees;
mod flows;
mod receipts;

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{
    coin, from_json, to_json_binary, Addr, ContractResult, CosmosMsg, Decimal, Empty, Env,
    MemoryStorage, OwnedDeps, QuerierResult, SystemError, SystemResult, Timestamp, Uint128,
    WasmMsg, WasmQuery,
};
use depin_interface::escrow::{
    BillingMode, ChargeStatus, ChargesResponse, ExecuteMsg, InstantiateMsg, LeaseResponse,
    LeaseState, OpenLeaseMsg, QueryMsg, SettleableResponse,
};
use depin_interface::registry::{
    self, Capacity, Price, ProviderResponse, ProviderStatus, Reputation, Service,
};
use depin_interface::{Denom, UncheckedDenom};

use crate::contract::{execute, instantiate, query};
use crate::error::ContractError;

type Deps = OwnedDeps<MemoryStorage, MockApi, MockQuerier, Empty>;

const PAY: &str = "uusdc";
const PRICE: u128 = 7;
const FEE_BPS: u16 = 250;
const WINDOW: u64 = 100;

struct T {
    deps: Deps,
    env: Env,
    dao: Addr,
    consumer: Addr,
    provider: Addr,
    registry: Addr,
}

fn provider_record(address: Addr, status: ProviderStatus) -> ProviderResponse {
    ProviderResponse {
        address,
        service: Service::Compute,
        endpoint: "https://p".into(),
        region: "eu".into(),
        capacity: Capacity {
            amount: Uint128::new(1),
            unit: "vCPU".into(),
        },
        prices: vec![Price {
            denom: Denom::Native(PAY.into()),
            per_unit: Uint128::new(PRICE),
        }],
        metadata_uri: None,
        status,
        stake: Uint128::new(1_000),
        unbonding: Uint128::zero(),
        registered_at: Timestamp::from_seconds(0),
        reputation: Reputation::default(),
        agent_pubkey: None,
        operator: None,
        pending_rewards: Uint128::zero(),
        unproven_rewards: Uint128::zero(),
        open_disputes: 0,
    }
}

fn setup() -> T {
    let mut deps = mock_dependencies();
    let api = deps.api;
    let dao = api.addr_make("dao");
    let registry = api.addr_make("registry");
    let consumer = api.addr_make("consumer");
    let provider = api.addr_make("provider");
    let inactive = api.addr_make("inactive");
    let (active_addr, inactive_addr) = (provider.clone(), inactive.clone());
    deps.querier
        .update_wasm(move |q: &WasmQuery| -> QuerierResult {
            let WasmQuery::Smart { msg, .. } = q else {
                return SystemResult::Err(SystemError::Unknown {});
            };
            let Ok(registry::QueryMsg::Provider { address }) = from_json(msg) else {
                return SystemResult::Err(SystemError::Unknown {});
            };
            let record = if address == active_addr.as_str() {
                provider_record(active_addr.clone(), ProviderStatus::Active)
            } else if address == inactive_addr.as_str() {
                provider_record(inactive_addr.clone(), ProviderStatus::Inactive)
            } else {
                return SystemResult::Ok(ContractResult::Err("provider not found".into()));
            };
            SystemResult::Ok(ContractResult::Ok(to_json_binary(&record).unwrap()))
        });
    let env = mock_env();
    instantiate(
        deps.as_mut(),
        env.clone(),
        message_info(&dao, &[]),
        InstantiateMsg {
            dao: dao.to_string(),
            registry: registry.to_string(),
            treasury: None,
            fee_bps: FEE_BPS,
            dispute_window: WINDOW,
            accepted_denoms: vec![UncheckedDenom::Native(PAY.into())],
            arbiters: None,
            min_close_grace: None,
        },
    )
    .unwrap();
    T {
        deps,
        env,
        dao,
        consumer,
        provider,
        registry,
    }
}

impl T {
    fn exec(
        &mut self,
        sender: &Addr,
        funds: &[cosmwasm_std::Coin],
        msg: ExecuteMsg,
    ) -> Result<cosmwasm_std::Response, ContractError> {
        execute(
            self.deps.as_mut(),
            self.env.clone(),
            message_info(sender, funds),
            msg,
        )
    }

    fn open(&mut self, billing: BillingMode, deposit: u128) -> u64 {
        let consumer = self.consumer.clone();
        let res = self
            .exec(
                &consumer,
                &[coin(deposit, PAY)],
                ExecuteMsg::OpenLease(OpenLeaseMsg {
                    provider: self.provider.to_string(),
                    billing,
                    max_price_per_unit: None,
                }),
            )
            .unwrap();
        let id = res.attributes.iter().find(|a| a.key == "lease_id").unwrap();
        id.value.parse().unwrap()
    }

    fn lease(&self, lease_id: u64) -> LeaseResponse {
        let lease: LeaseResponse = from_json(
            query(
                self.deps.as_ref(),
                self.env.clone(),
                QueryMsg::Lease { lease_id },
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            lease.deposited,
            lease.paid + lease.reserved + lease.available + lease.refunded,
            "deposited = paid + reserved + available + refunded"
        );
        lease
    }

    fn settleable(&self, lease_id: u64) -> SettleableResponse {
        from_json(
            query(
                self.deps.as_ref(),
                self.env.clone(),
                QueryMsg::Settleable { lease_id },
            )
            .unwrap(),
        )
        .unwrap()
    }

    /// The lease's consumer disputes a charge.
    fn dispute(
        &mut self,
        lease_id: u64,
        charge_id: u64,
    ) -> Result<cosmwasm_std::Response, ContractError> {
        let consumer = self.consumer.clone();
        self.exec(
            &consumer,
            &[],
            ExecuteMsg::Dispute {
                lease_id,
                charge_id,
                reason: "not delivered".into(),
            },
        )
    }

    fn report(
        &mut self,
        lease_id: u64,
        units: u128,
    ) -> Result<cosmwasm_std::Response, ContractError> {
        let provider = self.provider.clone();
        self.exec(
            &provider,
            &[],
            ExecuteMsg::ReportUsage {
                lease_id,
                units: Uint128::new(units),
                billed_before: None,
            },
        )
    }

    fn advance(&mut self, seconds: u64) {
        self.env.block.time = self.env.block.time.plus_seconds(seconds);
        self.env.block.height += 1;
    }
}

fn paid_to(res: &cosmwasm_std::Response, to: &Addr) -> u128 {
    res.messages
        .iter()
        .filter_map(|m| match &m.msg {
            CosmosMsg::Bank(cosmwasm_std::BankMsg::Send { to_address, amount })
                if to_address == to.as_str() =>
            {
                Some(amount[0].amount.u128())
            }
            _ => None,
        })
        .sum()
}

/// The registry messages of `res`, in order, with how each was sent.
fn registry_msgs(
    res: &cosmwasm_std::Response,
    registry: &Addr,
) -> Vec<(registry::ExecuteMsg, cosmwasm_std::ReplyOn)> {
    res.messages
        .iter()
        .filter_map(|m| match &m.msg {
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr, msg, ..
            }) if contract_addr == registry.as_str() => {
                Some((from_json(msg).unwrap(), m.reply_on.clone()))
            }
            _ => None,
        })
        .collect()
}

/// `(revenue, fees)` of the one `record_usage` in `res`, in the pay denom.
fn recorded_usage(res: &cosmwasm_std::Response, registry: &Addr) -> (u128, u128) {
    let sum = |list: &[depin_interface::UncheckedDenomAmount]| -> u128 {
        assert!(list
            .iter()
            .all(|d| d.denom == UncheckedDenom::Native(PAY.into())));
        list.iter().map(|d| d.amount.u128()).sum()
    };
    let records: Vec<_> = registry_msgs(res, registry)
        .into_iter()
        .filter_map(|(msg, _)| match msg {
            registry::ExecuteMsg::RecordUsage { revenue, fees, .. } => {
                Some((sum(&revenue), sum(&fees)))
            }
            _ => None,
        })
        .collect();
    assert_eq!(records.len(), 1, "one record_usage per payment");
    records[0]
}
