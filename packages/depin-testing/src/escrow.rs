//! Helpers for the escrow contract (one method per action).

use cosmwasm_std::{coin, Addr, Binary, Decimal, Uint128};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Executor};
use depin_interface::escrow::{
    BatchItem, BatchItemResult, BatchResponse, BillingMode, ChargeResponse, ChargesResponse,
    ConfigResponse, EscrowConfigUpdate, ExecuteMsg, LeaseResponse, LeasesResponse, OpenLeaseMsg,
    QueryMsg, ReceiveMsg, SettleableResponse,
};
use depin_interface::registry::{self, Capacity, Price, RegisterMsg, Service};
use depin_interface::UncheckedDenom;

use crate::suite::{Suite, PAY_DENOM, STAKE_DENOM};

/// The `lease_id` attribute of an `open_lease` response.
pub fn lease_id_of(res: &AppResponse) -> u64 {
    attribute(res, "lease_id")
        .and_then(|id| id.parse().ok())
        .expect("open_lease emits lease_id")
}

/// The first value of attribute `key` in any event of `res`.
pub fn attribute(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

impl Suite {
    /// Registers `provider` in the registry with the minimum native stake and
    /// `prices` (denom, per unit). For escrow tests; the registry helpers in
    /// `registry.rs` are the general ones.
    pub fn register_provider_for_escrow_tests(
        &mut self,
        provider: &Addr,
        prices: Vec<(UncheckedDenom, u128)>,
    ) -> AnyResult<AppResponse> {
        let stake = self.params.min_stake.u128();
        let registry_addr = self.registry.clone();
        self.app.execute_contract(
            provider.clone(),
            registry_addr,
            &registry::ExecuteMsg::Register(RegisterMsg {
                service: Service::Compute,
                endpoint: "https://provider.example".into(),
                region: "eu-west".into(),
                capacity: Capacity {
                    amount: Uint128::new(64),
                    unit: "vCPU".into(),
                },
                prices: prices
                    .into_iter()
                    .map(|(denom, per_unit)| Price {
                        denom,
                        per_unit: Uint128::new(per_unit),
                    })
                    .collect(),
                metadata_uri: None,
                agent_pubkey: None,
            }),
            &[coin(stake, STAKE_DENOM)],
        )
    }

    /// Executes `msg` on the escrow as `sender` with native `funds`.
    pub fn escrow_execute(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> AnyResult<AppResponse> {
        let escrow = self.escrow.clone();
        self.app
            .execute_contract(sender.clone(), escrow, msg, funds)
    }

    /// Opens a lease paid with `deposit` of the native pay denom.
    pub fn open_lease(
        &mut self,
        consumer: &Addr,
        provider: &Addr,
        billing: BillingMode,
        deposit: u128,
    ) -> AnyResult<AppResponse> {
        self.open_lease_with(
            consumer,
            OpenLeaseMsg {
                provider: provider.to_string(),
                billing,
                max_price_per_unit: None,
            },
            &[coin(deposit, PAY_DENOM)],
        )
    }

    pub fn open_lease_with(
        &mut self,
        consumer: &Addr,
        msg: OpenLeaseMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(consumer, &ExecuteMsg::OpenLease(msg), funds)
    }

    /// Opens a lease paid in the suite token through cw20 `send`.
    pub fn open_lease_cw20(
        &mut self,
        consumer: &Addr,
        msg: OpenLeaseMsg,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let escrow = self.escrow.clone();
        self.send_tokens(consumer, &escrow, amount, &ReceiveMsg::OpenLease(msg))
    }

    pub fn accept_lease(&mut self, provider: &Addr, lease_id: u64) -> AnyResult<AppResponse> {
        self.escrow_execute(provider, &ExecuteMsg::AcceptLease { lease_id }, &[])
    }

    /// Tops up with `amount` of the native pay denom.
    pub fn top_up(&mut self, sender: &Addr, lease_id: u64, amount: u128) -> AnyResult<AppResponse> {
        self.escrow_execute(
            sender,
            &ExecuteMsg::TopUp { lease_id },
            &[coin(amount, PAY_DENOM)],
        )
    }

    /// Tops up with `amount` suite tokens through cw20 `send`.
    pub fn top_up_cw20(
        &mut self,
        sender: &Addr,
        lease_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let escrow = self.escrow.clone();
        self.send_tokens(sender, &escrow, amount, &ReceiveMsg::TopUp { lease_id })
    }

    pub fn report_usage(
        &mut self,
        provider: &Addr,
        lease_id: u64,
        units: u128,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(
            provider,
            &ExecuteMsg::ReportUsage {
                lease_id,
                units: Uint128::new(units),
                billed_before: None,
            },
            &[],
        )
    }

    /// `report_usage` built on `billed_before`, the lease's count of units reported so far.
    pub fn report_usage_after(
        &mut self,
        provider: &Addr,
        lease_id: u64,
        units: u128,
        billed_before: u128,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(
            provider,
            &ExecuteMsg::ReportUsage {
                lease_id,
                units: Uint128::new(units),
                billed_before: Some(Uint128::new(billed_before)),
            },
            &[],
        )
    }

    pub fn redeem_receipt(
        &mut self,
        provider: &Addr,
        lease_id: u64,
        cumulative_units: u128,
        signature: Binary,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(
            provider,
            &ExecuteMsg::RedeemReceipt {
                lease_id,
                cumulative_units: Uint128::new(cumulative_units),
                signature,
            },
            &[],
        )
    }

    /// An escrow `batch` of `items` sent by `sender` (a provider or an operator).
    pub fn batch(&mut self, sender: &Addr, items: Vec<BatchItem>) -> AnyResult<AppResponse> {
        self.escrow_execute(sender, &ExecuteMsg::Batch { items }, &[])
    }

    pub fn dispute(
        &mut self,
        consumer: &Addr,
        lease_id: u64,
        charge_id: u64,
        reason: &str,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(
            consumer,
            &ExecuteMsg::Dispute {
                lease_id,
                charge_id,
                reason: reason.into(),
            },
            &[],
        )
    }

    pub fn resolve_dispute(
        &mut self,
        sender: &Addr,
        lease_id: u64,
        charge_id: u64,
        uphold: bool,
        slash_fraction: Option<Decimal>,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(
            sender,
            &ExecuteMsg::ResolveDispute {
                lease_id,
                charge_id,
                uphold,
                slash_fraction,
            },
            &[],
        )
    }

    pub fn settle(&mut self, sender: &Addr, lease_id: u64) -> AnyResult<AppResponse> {
        self.escrow_execute(sender, &ExecuteMsg::Settle { lease_id }, &[])
    }

    pub fn close_lease(&mut self, sender: &Addr, lease_id: u64) -> AnyResult<AppResponse> {
        self.escrow_execute(sender, &ExecuteMsg::CloseLease { lease_id }, &[])
    }

    /// A second escrow instance (same code, the DAO as admin, no arbiters or
    /// denoms), for tests that point the registry at another escrow.
    pub fn instantiate_second_escrow(&mut self) -> Addr {
        let dao = self.dao.clone();
        self.app
            .instantiate_contract(
                self.codes.escrow,
                dao.clone(),
                &depin_interface::escrow::InstantiateMsg {
                    dao: dao.to_string(),
                    registry: self.registry.to_string(),
                    treasury: None,
                    fee_bps: 250,
                    dispute_window: 3_600,
                    accepted_denoms: vec![],
                    arbiters: None,
                    min_close_grace: None,
                },
                &[],
                "second escrow",
                Some(dao.to_string()),
            )
            .expect("instantiating a second escrow")
    }

    pub fn update_escrow_config(
        &mut self,
        sender: &Addr,
        update: EscrowConfigUpdate,
    ) -> AnyResult<AppResponse> {
        self.escrow_execute(sender, &ExecuteMsg::UpdateConfig(update), &[])
    }

    pub fn escrow_config(&self) -> ConfigResponse {
        self.escrow_query(&QueryMsg::Config {})
    }

    /// The lease, after checking `deposited = paid + reserved + available + refunded`.
    pub fn lease(&self, lease_id: u64) -> LeaseResponse {
        let lease: LeaseResponse = self.escrow_query(&QueryMsg::Lease { lease_id });
        assert_eq!(
            lease.deposited,
            lease.paid + lease.reserved + lease.available + lease.refunded,
            "lease {lease_id}: deposited = paid + reserved + available + refunded"
        );
        lease
    }

    pub fn leases_by_consumer(
        &self,
        consumer: &Addr,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<LeaseResponse> {
        let res: LeasesResponse = self.escrow_query(&QueryMsg::LeasesByConsumer {
            consumer: consumer.to_string(),
            start_after,
            limit,
        });
        res.leases
    }

    pub fn leases_by_provider(
        &self,
        provider: &Addr,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<LeaseResponse> {
        let res: LeasesResponse = self.escrow_query(&QueryMsg::LeasesByProvider {
            provider: provider.to_string(),
            start_after,
            limit,
        });
        res.leases
    }

    pub fn charges(
        &self,
        lease_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<ChargeResponse> {
        let res: ChargesResponse = self.escrow_query(&QueryMsg::Charges {
            lease_id,
            start_after,
            limit,
        });
        res.charges
    }

    pub fn settleable(&self, lease_id: u64) -> SettleableResponse {
        self.escrow_query(&QueryMsg::Settleable { lease_id })
    }

    fn escrow_query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.escrow, msg)
            .expect("escrow query")
    }
}

/// The escrow's typed error behind a failed execution.
/// The per-item results of a `batch` response.
pub fn batch_results(res: &AppResponse) -> Vec<BatchItemResult> {
    let data = res.data.as_ref().expect("batch sets its response data");
    cosmwasm_std::from_json::<BatchResponse>(data)
        .expect("batch data is a BatchResponse")
        .items
}

/// A `batch` item reporting `units` on `lease_id` (optionally on `billed_before`).
pub fn report_item(lease_id: u64, units: u128, billed_before: Option<u128>) -> BatchItem {
    BatchItem::ReportUsage {
        lease_id,
        units: Uint128::new(units),
        billed_before: billed_before.map(Uint128::new),
    }
}

pub fn escrow_error(result: AnyResult<AppResponse>) -> depin_billing_escrow::ContractError {
    match result {
        Ok(res) => panic!("expected an escrow error, got {res:?}"),
        Err(err) => crate::shared::contract_error(err),
    }
}

/// `[(native pay denom, per_unit)]`, the usual provider price list in escrow tests.
pub fn pay_price(per_unit: u128) -> Vec<(UncheckedDenom, u128)> {
    vec![(UncheckedDenom::Native(PAY_DENOM.into()), per_unit)]
}
