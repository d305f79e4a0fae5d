//! `batch`: many leases' billing in one message, for a provider or the
//! operator of a fleet of providers.

use cosmwasm_std::{to_json_binary, DepsMut, Env, Event, MessageInfo, Response, Uint128};
use depin_interface::escrow::{BatchItem, BatchItemResult, BatchResponse};
use depin_interface::validation::validate_len;
use depin_interface::{ValidationError, MAX_BATCH_ITEMS};

use crate::error::ContractError;
use crate::execute::metered::{check_report, write_charge};
use crate::execute::receipts::check_redeem;
use crate::execute::settle::{check_settle, write_settle};
use crate::leases::{save_lease, Billers};
use crate::payments::Payouts;
use crate::settlement::{remove_passed_disputes, settle_lease};
use crate::state::CONFIG;

/// Each item is checked on the lease as stored (by the same checks as the
/// single message) before anything of it is written, so a refused item
/// changes nothing and its error is listed in the response; the others go
/// through, in order. A usage report also pays what has matured on its
/// lease, with the lease written once. Storage reads and writes per item are
/// those of the single message; the config, the sender's operator rights per
/// provider and the payments are handled once per batch.
pub fn batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    items: Vec<BatchItem>,
) -> Result<Response, ContractError> {
    if items.is_empty() {
        return Err(ValidationError::Empty { field: "items" }.into());
    }
    validate_len("items", items.len(), MAX_BATCH_ITEMS)?;
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time;
    let mut billers = Billers::new(deps.querier, config.registry.clone());
    let mut payouts = Payouts::default();
    let mut results = Vec::with_capacity(items.len());
    let mut events = Vec::with_capacity(items.len());
    for item in items {
        let lease_id = item.lease_id();
        let mut result = BatchItemResult {
            lease_id,
            charge_id: None,
            units: Uint128::zero(),
            paid: Uint128::zero(),
            error: None,
        };
        let kind = item.kind();
        // `check_*` only reads: its error refuses this item alone. An error
        // while writing a checked item (storage, arithmetic) fails the batch.
        match item {
            BatchItem::ReportUsage {
                units,
                billed_before,
                ..
            } => match check_report(
                deps.storage,
                &mut billers,
                (&config, now, &info.sender),
                lease_id,
                units,
                billed_before,
            ) {
                Ok(report) => {
                    write_charge(deps.storage, lease_id, &report)?;
                    let mut lease = report.lease;
                    // Settlement at the report: what has matured is paid now.
                    let settled =
                        settle_lease(deps.storage, lease_id, &mut lease, now, config.fee_bps)?;
                    remove_passed_disputes(deps.storage, lease_id, &settled.settlement);
                    save_lease(deps.storage, lease_id, &lease)?;
                    payouts.add(&lease, settled.settlement.due)?;
                    result.charge_id = Some(report.charge_id);
                    result.units = units;
                    result.paid = settled.settlement.due.amount;
                }
                Err(error) => result.error = Some(error.to_string()),
            },
            BatchItem::RedeemReceipt {
                cumulative_units,
                signature,
                ..
            } => match check_redeem(
                deps.as_ref(),
                &env,
                &mut billers,
                (&config, &info.sender),
                lease_id,
                cumulative_units,
                &signature,
            ) {
                Ok(redemption) => {
                    save_lease(deps.storage, lease_id, &redemption.lease)?;
                    payouts.add(&redemption.lease, redemption.due)?;
                    result.units = redemption.due.units;
                    result.paid = redemption.due.amount;
                }
                Err(error) => result.error = Some(error.to_string()),
            },
            BatchItem::Settle { .. } => {
                match check_settle(deps.storage, lease_id, now, config.fee_bps) {
                    Ok((mut lease, settled)) => {
                        write_settle(
                            deps.storage,
                            lease_id,
                            &mut lease,
                            &settled,
                            (now, payouts.refunds()),
                        )?;
                        payouts.add(&lease, settled.settlement.due)?;
                        result.units = settled.settlement.due.units;
                        result.paid = settled.settlement.due.amount;
                    }
                    Err(error) => result.error = Some(error.to_string()),
                }
            }
        }
        events.push(item_event(kind, &result));
        results.push(result);
    }
    let refused = results.iter().filter(|r| r.error.is_some()).count();
    let msgs = payouts.into_msgs(&config.treasury, &config.registry)?;
    Ok(Response::new()
        .set_data(to_json_binary(&BatchResponse { items: results })?)
        .add_attribute("action", "batch")
        .add_attribute("items", events.len().to_string())
        .add_attribute("refused", refused.to_string())
        .add_events(events)
        .add_submessages(msgs))
}

/// One `wasm-batch_item` event per item, for indexers.
fn item_event(kind: &'static str, result: &BatchItemResult) -> Event {
    let mut event = Event::new("batch_item")
        .add_attribute("kind", kind)
        .add_attribute("lease_id", result.lease_id.to_string());
    if let Some(charge_id) = result.charge_id {
        event = event.add_attribute("charge_id", charge_id.to_string());
    }
    match &result.error {
        Some(error) => event.add_attribute("error", error),
        None => event
            .add_attribute("units", result.units)
            .add_attribute("paid", result.paid),
    }
}
