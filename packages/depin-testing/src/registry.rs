//! Helpers for the registry contract (one method per action).
//!
//! Stake helpers (`register`, `bond`) pay in whichever denom the suite stakes:
//! native `ustake`, or the suite token through a cw20 `send` when the suite was
//! built with `cw20_stake: true`.

use cosmwasm_std::{coins, Addr, Coin, Decimal, Uint128};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, Executor};
use depin_interface::registry::{
    Capacity, ClaimsResponse, ConfigResponse, EpochUsageResponse, ExecuteMsg,
    PendingRewardsResponse, Price, ProviderResponse, ProvidersResponse, QueryMsg, ReceiveMsg,
    RegisterMsg, RegistryConfigUpdate, Service, StatsResponse, StatusFilter, UpdateProviderMsg,
};
use depin_interface::{UncheckedDenom, UncheckedDenomAmount};

use crate::liveness::agent_pubkey;
use crate::suite::{Suite, PAY_DENOM, STAKE_DENOM};

/// Price per unit every default listing asks, in `uusdc`.
pub const DEFAULT_PRICE: u128 = 10;

/// A valid listing: `service` in `region`, priced [`DEFAULT_PRICE`] uusdc per GiB.
pub fn register_msg(service: Service, region: &str) -> RegisterMsg {
    RegisterMsg {
        service,
        endpoint: "https://node.example.org".into(),
        region: region.into(),
        capacity: Capacity {
            amount: Uint128::new(1_000),
            unit: "GiB".into(),
        },
        prices: vec![Price {
            denom: UncheckedDenom::Native(PAY_DENOM.into()),
            per_unit: Uint128::new(DEFAULT_PRICE),
        }],
        metadata_uri: None,
        agent_pubkey: None,
    }
}

/// `amount` in the native pay denom, as `record_usage` revenue or fees.
pub fn pay_revenue(amount: u128) -> Vec<UncheckedDenomAmount> {
    vec![UncheckedDenomAmount {
        denom: UncheckedDenom::Native(PAY_DENOM.into()),
        amount: Uint128::new(amount),
    }]
}

impl Suite {
    /// Any registry message from any sender with any native funds.
    pub fn registry_execute(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        let registry = self.registry.clone();
        self.app
            .execute_contract(sender.clone(), registry, msg, funds)
    }

    /// Pays `amount` of stake with `msg` (native funds, or a cw20 send of `hook`).
    fn stake_with(
        &mut self,
        provider: &Addr,
        amount: u128,
        msg: ExecuteMsg,
        hook: ReceiveMsg,
    ) -> AnyResult<AppResponse> {
        if self.params.cw20_stake {
            let registry = self.registry.clone();
            self.send_tokens(provider, &registry, amount, &hook)
        } else {
            self.registry_execute(provider, &msg, &coins(amount, STAKE_DENOM))
        }
    }

    /// Registers `provider` with `msg` and `stake` attached; a listing
    /// without an agent key gets the provider's [`agent_pubkey`]. Once
    /// registered, the provider is live (see `SuiteBuilder::auto_prove`).
    pub fn register_with(
        &mut self,
        provider: &Addr,
        mut msg: RegisterMsg,
        stake: u128,
    ) -> AnyResult<AppResponse> {
        msg.agent_pubkey = msg.agent_pubkey.or_else(|| Some(agent_pubkey(provider)));
        let res = self.stake_with(
            provider,
            stake,
            ExecuteMsg::Register(msg.clone()),
            ReceiveMsg::Register(msg),
        )?;
        if !self.live.contains(provider) {
            self.live.push(provider.clone());
        }
        Ok(res)
    }

    /// Registers `provider` as a storage provider in `eu-west` with `stake`.
    pub fn register(&mut self, provider: &Addr, stake: u128) -> AnyResult<AppResponse> {
        self.register_with(provider, register_msg(Service::Storage, "eu-west"), stake)
    }

    pub fn bond(&mut self, provider: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.stake_with(provider, amount, ExecuteMsg::Bond {}, ReceiveMsg::Bond {})
    }

    pub fn unbond(&mut self, provider: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.registry_execute(
            provider,
            &ExecuteMsg::Unbond {
                amount: Uint128::new(amount),
            },
            &[],
        )
    }

    /// Pays the provider's matured unbonding claims.
    pub fn claim_unbonded(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(provider, &ExecuteMsg::Claim {}, &[])
    }

    pub fn deregister(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(provider, &ExecuteMsg::Deregister {}, &[])
    }

    pub fn heartbeat(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(provider, &ExecuteMsg::Heartbeat {}, &[])
    }

    pub fn update_provider(
        &mut self,
        provider: &Addr,
        region: Option<&str>,
        endpoint: Option<&str>,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(
            provider,
            &ExecuteMsg::UpdateProvider(UpdateProviderMsg {
                endpoint: endpoint.map(Into::into),
                region: region.map(Into::into),
                ..UpdateProviderMsg::default()
            }),
            &[],
        )
    }

    pub fn attest(
        &mut self,
        sender: &Addr,
        provider: &Addr,
        score: Option<u8>,
        capacity: Option<Capacity>,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::Attest {
                provider: provider.to_string(),
                score,
                capacity,
            },
            &[],
        )
    }

    /// `record_usage` with no protocol fee: reputation only, no usage weight.
    pub fn record_usage(
        &mut self,
        sender: &Addr,
        provider: &Addr,
        units: u128,
        revenue: Vec<UncheckedDenomAmount>,
    ) -> AnyResult<AppResponse> {
        self.record_usage_with_fees(sender, provider, units, revenue, vec![])
    }

    /// `record_usage` as the escrow sends it: gross `revenue` (reputation) and
    /// the protocol `fees` usage rewards are weighed by.
    pub fn record_usage_with_fees(
        &mut self,
        sender: &Addr,
        provider: &Addr,
        units: u128,
        revenue: Vec<UncheckedDenomAmount>,
        fees: Vec<UncheckedDenomAmount>,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::RecordUsage {
                provider: provider.to_string(),
                units: Uint128::new(units),
                revenue,
                fees,
            },
            &[],
        )
    }

    /// Anyone: applies the current `min_stake` to `provider`.
    pub fn refresh(&mut self, sender: &Addr, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::Refresh {
                provider: provider.to_string(),
            },
            &[],
        )
    }

    /// The escrow's `dispute_opened` for `provider`, sent by `sender`.
    pub fn dispute_opened(&mut self, sender: &Addr, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::DisputeOpened {
                provider: provider.to_string(),
            },
            &[],
        )
    }

    /// The escrow's `dispute_resolved` for `provider`, sent by `sender`.
    pub fn dispute_resolved(&mut self, sender: &Addr, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::DisputeResolved {
                provider: provider.to_string(),
            },
            &[],
        )
    }

    /// Replaces `addr`'s native balances with `amount` of `ustake` (for stakes
    /// larger than the actors' initial funds, such as an 18-decimal whale).
    pub fn set_stake_balance(&mut self, addr: &Addr, amount: u128) {
        self.app.init_modules(|router, _, storage| {
            router
                .bank
                .init_balance(storage, addr, coins(amount, STAKE_DENOM))
                .expect("setting a native balance")
        });
    }

    pub fn slash(
        &mut self,
        sender: &Addr,
        provider: &Addr,
        fraction: Decimal,
        jail_seconds: Option<u64>,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(
            sender,
            &ExecuteMsg::Slash {
                provider: provider.to_string(),
                fraction,
                reason: "test".into(),
                jail_seconds,
            },
            &[],
        )
    }

    pub fn unjail(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(provider, &ExecuteMsg::Unjail {}, &[])
    }

    pub fn claim_rewards(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        self.registry_execute(provider, &ExecuteMsg::ClaimRewards { providers: None }, &[])
    }

    /// `claim_rewards` for a list of providers (a fleet's), sent by `sender`.
    pub fn claim_rewards_for(
        &mut self,
        sender: &Addr,
        providers: &[&Addr],
    ) -> AnyResult<AppResponse> {
        let providers = providers.iter().map(|p| p.to_string()).collect();
        let msg = ExecuteMsg::ClaimRewards {
            providers: Some(providers),
        };
        self.registry_execute(sender, &msg, &[])
    }

    /// The provider names `operator` (or removes its operator with `None`).
    pub fn set_operator(
        &mut self,
        provider: &Addr,
        operator: Option<&Addr>,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::SetOperator {
            operator: operator.map(|o| o.to_string()),
        };
        self.registry_execute(provider, &msg, &[])
    }

    /// The addresses of the providers that named `operator`, in order.
    pub fn fleet_of(&self, operator: &Addr) -> Vec<Addr> {
        let page: ProvidersResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &QueryMsg::ProvidersByOperator {
                    operator: operator.to_string(),
                    start_after: None,
                    limit: Some(100),
                },
            )
            .expect("providers_by_operator query");
        page.providers.into_iter().map(|p| p.address).collect()
    }

    pub fn update_registry_config(
        &mut self,
        sender: &Addr,
        update: RegistryConfigUpdate,
    ) -> AnyResult<AppResponse> {
        self.registry_execute(sender, &ExecuteMsg::UpdateConfig(update), &[])
    }

    pub fn registry_config(&self) -> ConfigResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &QueryMsg::Config {})
            .expect("registry config query")
    }

    /// The provider record, or the query error (unknown or invalid address).
    pub fn try_provider_info(&self, provider: &str) -> AnyResult<ProviderResponse> {
        Ok(self.app.wrap().query_wasm_smart(
            &self.registry,
            &QueryMsg::Provider {
                address: provider.into(),
            },
        )?)
    }

    pub fn provider_info(&self, provider: &Addr) -> ProviderResponse {
        self.try_provider_info(provider.as_str())
            .expect("provider query")
    }

    pub fn providers_page(
        &self,
        service: Option<Service>,
        region: Option<&str>,
        status: Option<StatusFilter>,
        start_after: Option<&Addr>,
        limit: Option<u32>,
    ) -> Vec<Addr> {
        let res: ProvidersResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &QueryMsg::Providers {
                    service,
                    region: region.map(Into::into),
                    status,
                    start_after: start_after.map(|a| a.to_string()),
                    limit,
                },
            )
            .expect("providers query");
        res.providers.into_iter().map(|p| p.address).collect()
    }

    pub fn pending_rewards(&self, provider: &Addr) -> u128 {
        let res: PendingRewardsResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &QueryMsg::PendingRewards {
                    address: provider.to_string(),
                },
            )
            .expect("pending rewards query");
        res.pending_rewards.u128()
    }

    pub fn registry_claims(&self, provider: &Addr) -> ClaimsResponse {
        self.app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &QueryMsg::Claims {
                    address: provider.to_string(),
                },
            )
            .expect("claims query")
    }

    pub fn epoch_usage(&self, epoch: u64) -> EpochUsageResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &QueryMsg::EpochUsage { epoch })
            .expect("epoch_usage query")
    }

    pub fn registry_stats(&self) -> StatsResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &QueryMsg::Stats {})
            .expect("stats query")
    }

    /// The stake balance of `addr` in whatever denom the registry stakes.
    pub fn stake_balance(&self, addr: &Addr) -> u128 {
        if self.params.cw20_stake {
            self.token_balance(addr)
        } else {
            self.native_balance(addr, STAKE_DENOM)
        }
    }
}
