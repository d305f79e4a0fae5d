//! Opening, accepting, topping up and closing leases.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, StdError, StdResult, Uint128};
use depin_interface::escrow::{BillingMode, LeaseState, OpenLeaseMsg};
use depin_interface::registry::{self, Price, ProviderStatus};
use depin_interface::{Denom, ValidationError};

use crate::error::ContractError;
use crate::leases::{
    insert_lease, load_lease, require_provider, require_state, save_lease, wrong_mode,
};
use crate::settlement::{accrue, complete_close, nothing_pending, settle_due};
use crate::state::{
    Billing, Lease, MeteredBilling, ReceiptsBilling, StreamingBilling, CONFIG, LEASE_COUNT,
};

/// A deposit as the handlers take it: its denom and a positive amount.
pub type Deposit = (Denom, Uint128);

/// Length of a compressed secp256k1 public key.
pub const COMPRESSED_PUBKEY_LEN: usize = 33;

/// Opens a lease for `consumer` with `deposit` (native funds or a cw20 hook).
///
/// The provider must be `active` in the registry and list a price in the
/// deposit's denom; the lease keeps that price. Streaming leases start
/// `pending`: their `rate_per_second` is the consumer's offer, which the
/// provider agrees to with `accept_lease` (a streaming unit is one second; the
/// listed price is kept for reference and still bounded by `max_price_per_unit`).
pub fn open(
    deps: DepsMut,
    env: Env,
    consumer: Addr,
    (denom, amount): Deposit,
    msg: OpenLeaseMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if !config.accepted_denoms.contains(&denom) {
        return Err(ContractError::DenomNotAccepted {
            denom: denom.to_string(),
        });
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let provider = deps.api.addr_validate(&msg.provider)?;
    if provider == consumer {
        return Err(ContractError::SelfLease {});
    }
    let price_per_unit = listed_price(deps.as_ref(), &config.registry, &provider, &denom)?;
    if let Some(max) = msg.max_price_per_unit {
        if price_per_unit > max {
            return Err(ContractError::PriceAboveMax {
                price: price_per_unit,
                max,
            });
        }
    }
    let now = env.block.time;
    let (billing, state) = new_billing(msg.billing)?;
    let lease_id = LEASE_COUNT.update(deps.storage, |count| -> StdResult<u64> {
        count
            .checked_add(1)
            .ok_or_else(|| StdError::generic_err("lease ids exhausted"))
    })?;
    let mode = billing.mode_name();
    let lease = Lease {
        consumer,
        provider,
        denom,
        price_per_unit,
        dispute_window: config.dispute_window,
        state,
        deposited: amount,
        paid: Uint128::zero(),
        reserved: Uint128::zero(),
        available: amount,
        refunded: Uint128::zero(),
        units: Uint128::zero(),
        opened_at: now,
        started_at: (state == LeaseState::Open).then_some(now),
        closed_at: None,
        last_settled_at: None,
        close_after: None,
        billing,
        fee_carry: 0,
    };
    insert_lease(deps.storage, lease_id, &lease)?;
    Ok(Response::new()
        .add_attribute("action", "open_lease")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("consumer", lease.consumer)
        .add_attribute("provider", lease.provider)
        .add_attribute("billing", mode)
        .add_attribute("denom", lease.denom.to_string())
        .add_attribute("amount", amount)
        .add_attribute("price_per_unit", price_per_unit))
}

/// A new lease's billing state and its first lease state: metered and
/// receipts leases open at once; a streaming lease waits `pending` for the
/// provider to accept the consumer's rate.
fn new_billing(mode: BillingMode) -> Result<(Billing, LeaseState), ContractError> {
    Ok(match mode {
        BillingMode::Metered {} => (
            Billing::Metered(MeteredBilling {
                next_charge_id: 1,
                ..MeteredBilling::default()
            }),
            LeaseState::Open,
        ),
        BillingMode::Streaming { rate_per_second } => {
            if rate_per_second.is_zero() {
                return Err(ValidationError::MustBePositive {
                    field: "rate_per_second",
                }
                .into());
            }
            let stream = StreamingBilling {
                rate_per_second,
                accrued_until: None,
                unsettled_seconds: Uint128::zero(),
            };
            (Billing::Streaming(stream), LeaseState::Pending)
        }
        BillingMode::Receipts { consumer_pubkey } => {
            let len = consumer_pubkey.len();
            if len != COMPRESSED_PUBKEY_LEN || !matches!(consumer_pubkey[0], 0x02 | 0x03) {
                return Err(ContractError::InvalidPubkey { len });
            }
            let receipts = ReceiptsBilling {
                consumer_pubkey,
                redeemed_units: Uint128::zero(),
            };
            (Billing::Receipts(receipts), LeaseState::Open)
        }
    })
}

/// The part of the registry's `ProviderResponse` the escrow reads. The other
/// fields are skipped while parsing: a full `ProviderResponse` parser pushes
/// one wasm function past the VM's limit of 100 locals, and this way new
/// fields in the registry's answer never break the escrow.
#[derive(serde::Deserialize)]
struct ProviderListing {
    status: ProviderStatus,
    prices: Vec<Price>,
}

/// The provider's price in `denom`, read from the registry's
/// `provider {address}` answer; the provider must be active.
fn listed_price(
    deps: cosmwasm_std::Deps,
    registry_addr: &Addr,
    provider: &Addr,
    denom: &Denom,
) -> Result<Uint128, ContractError> {
    let record: ProviderListing = deps
        .querier
        .query_wasm_smart(
            registry_addr,
            &registry::QueryMsg::Provider {
                address: provider.to_string(),
            },
        )
        .map_err(|_| ContractError::ProviderNotFound {
            address: provider.to_string(),
        })?;
    if record.status != ProviderStatus::Active {
        return Err(ContractError::ProviderNotActive {
            provider: provider.clone(),
            status: cosmwasm_std::to_json_string(&record.status)?,
        });
    }
    record
        .prices
        .iter()
        .find(|price| price.denom == *denom)
        .map(|price| price.per_unit)
        .ok_or_else(|| ContractError::NoPriceInDenom {
            provider: provider.clone(),
            denom: denom.to_string(),
        })
}

/// The provider accepts a pending streaming lease; accrual starts now.
pub fn accept(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    require_provider(lease_id, &lease, &info.sender, "accept_lease")?;
    let Billing::Streaming(stream) = &mut lease.billing else {
        return Err(wrong_mode(
            lease_id,
            &lease,
            BillingMode::STREAMING,
            "accept_lease",
        ));
    };
    if lease.state != LeaseState::Pending {
        return Err(ContractError::WrongState {
            lease_id,
            state: lease.state,
            action: "accept_lease",
        });
    }
    stream.accrued_until = Some(env.block.time);
    lease.state = LeaseState::Open;
    lease.started_at = Some(env.block.time);
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(Response::new()
        .add_attribute("action", "accept_lease")
        .add_attribute("lease_id", lease_id.to_string()))
}

/// Anyone adds funds in the lease's denom to a pending or open lease.
/// A streaming lease is billed up to now first, so time after its deposit
/// ran out is never billed from the new funds.
pub fn top_up(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    lease_id: u64,
    (denom, amount): Deposit,
) -> Result<Response, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    require_state(
        lease_id,
        &lease,
        &[LeaseState::Pending, LeaseState::Open],
        "top_up",
    )?;
    if denom != lease.denom {
        return Err(ContractError::WrongDenom {
            lease_id,
            expected: lease.denom.to_string(),
            got: denom.to_string(),
        });
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    accrue(&mut lease, env.block.time)?;
    lease.deposited = lease.deposited.checked_add(amount)?;
    lease.available = lease.available.checked_add(amount)?;
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(Response::new()
        .add_attribute("action", "top_up")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("sender", sender)
        .add_attribute("amount", amount)
        .add_attribute("available", lease.available))
}

/// The consumer or the provider closes a lease: accrual stops, what is due is
/// paid, and the rest is refunded to the consumer once nothing is pending
/// (otherwise the lease is `closing` and a later `settle` completes it).
///
/// A pending streaming lease is refunded whole (the provider declining it,
/// or the consumer withdrawing). When the consumer closes a metered or receipts
/// lease, the provider keeps the lease's dispute window, and at least the
/// config's `min_close_grace`, to report its final usage or redeem its last
/// receipts: otherwise a consumer could close just before each report (or,
/// with a window of 0, before any redemption) and never pay for the end.
pub fn close(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lease_id: u64,
) -> Result<Response, ContractError> {
    let mut lease = load_lease(deps.storage, lease_id)?;
    if info.sender != lease.consumer && info.sender != lease.provider {
        return Err(ContractError::NotLeaseParty {
            lease_id,
            party: "consumer or the provider",
            action: "close_lease",
        });
    }
    require_state(
        lease_id,
        &lease,
        &[LeaseState::Pending, LeaseState::Open],
        "close_lease",
    )?;
    let now = env.block.time;
    let config = CONFIG.load(deps.storage)?;
    let (due, mut msgs, _) = settle_due(deps.storage, lease_id, &mut lease, now, &config)?;
    lease.state = LeaseState::Closing;
    if matches!(lease.billing, Billing::Metered(_) | Billing::Receipts(_))
        && info.sender == lease.consumer
    {
        // Never less than `min_close_grace`: with a dispute window of 0 the
        // close used to refund at once, before the provider could redeem.
        let grace = lease.dispute_window.max(config.min_close_grace);
        lease.close_after = Some(now.plus_seconds(grace));
    }
    let mut response = Response::new()
        .add_attribute("action", "close_lease")
        .add_attribute("lease_id", lease_id.to_string())
        .add_attribute("amount", due.amount)
        .add_attribute("fee", due.fee)
        .add_attribute("units", due.units);
    if nothing_pending(&lease, now) {
        let refund = complete_close(&mut lease, now, &mut msgs)?;
        response = response.add_attribute("refunded", refund);
    }
    response = response.add_attribute("state", lease.state.as_str());
    save_lease(deps.storage, lease_id, &lease)?;
    Ok(response.add_submessages(msgs))
}
