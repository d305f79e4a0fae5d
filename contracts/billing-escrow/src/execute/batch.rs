//! `batch`: many leases' billing in one message, for a provider or the
//! operator of a fleet of providers.

use cosmwasm_std::{
    to_json_binary, Addr, Binary, DepsMut, Env, Event, MessageInfo, Response, Uint128,
};
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
use crate::state::{Config, CONFIG};
use crate::sums::ChargeTotals;

/// Each item is checked on the lease as stored (by the same checks as the
/// single message) before anything of it is written, so a refused item
/// changes nothing and its error is listed in the response; the others go
/// through, in order. A usage report also pays what has matured on its
/// lease, with the lease written once. Storage reads and writes per item are
/// those of the single message; the config, the sender's operator rights per
/// provider and the payments are handled once per batch.
pub fn batch(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    items: Vec<BatchItem>,
) -> Result<Response, ContractError> {
    if items.is_empty() {
        return Err(ValidationError::Empty { field: "items" }.into());
    }
    validate_len("items", items.len(), MAX_BATCH_ITEMS)?;
    let config = CONFIG.load(deps.storage)?;
    let mut run = Run {
        billers: Billers::new(deps.querier, config.registry.clone()),
        config,
        env,
        sender: info.sender,
        payouts: Payouts::default(),
    };
    let mut results = Vec::with_capacity(items.len());
    let mut events = Vec::with_capacity(items.len());
    for item in items {
        let kind = item.kind();
        let lease_id = item.lease_id();
        let outcome = match item {
            BatchItem::ReportUsage {
                units,
                billed_before,
                ..
            } => run.report(&mut deps, lease_id, units, billed_before)?,
            BatchItem::RedeemReceipt {
                cumulative_units,
                signature,
                ..
            } => run.redeem(&mut deps, lease_id, cumulative_units, &signature)?,
            BatchItem::Settle { .. } => run.settle(&mut deps, lease_id)?,
        };
        let done = match outcome {
            Ok(done) => done,
            Err(refusal) => Done::refused(lease_id, &refusal),
        };
        events.push(done.event(kind));
        results.push(done.result);
    }
    let refused = results.iter().filter(|r| r.error.is_some()).count();
    let msgs = run
        .payouts
        .into_msgs(&run.config.treasury, &run.config.registry)?;
    Ok(Response::new()
        .set_data(to_json_binary(&BatchResponse { items: results })?)
        .add_attribute("action", "batch")
        .add_attribute("items", events.len().to_string())
        .add_attribute("refused", refused.to_string())
        .add_events(events)
        .add_submessages(msgs))
}

/// One batch in progress: what is read once, and the payments so far.
struct Run<'a> {
    config: Config,
    env: Env,
    sender: Addr,
    billers: Billers<'a>,
    payouts: Payouts,
}

/// An item done, or why it was refused (nothing of it written). The outer
/// error (storage, arithmetic while writing) fails the whole batch.
type Outcome = Result<Result<Done, ContractError>, ContractError>;

/// One item's result, and what its event tells besides: the protocol fee
/// taken out of `paid` and, for a usage report, the new charge's amount.
struct Done {
    result: BatchItemResult,
    /// The fee of this very payment (`due.fee`, through the lease's carry):
    /// [`Payouts`] sums exactly these, so the items' fees add up to the
    /// batch's fee transfers.
    fee: Uint128,
    charged: Option<Uint128>,
}

impl Done {
    fn paid(lease_id: u64, charge_id: Option<u64>, due: ChargeTotals) -> Done {
        Done {
            result: BatchItemResult {
                lease_id,
                charge_id,
                units: due.units,
                paid: due.amount,
                error: None,
            },
            fee: due.fee,
            charged: None,
        }
    }

    fn refused(lease_id: u64, refusal: &ContractError) -> Done {
        Done {
            result: BatchItemResult {
                lease_id,
                charge_id: None,
                units: Uint128::zero(),
                paid: Uint128::zero(),
                error: Some(refusal.to_string()),
            },
            fee: Uint128::zero(),
            charged: None,
        }
    }

    /// The item's `wasm-batch_item` event, for indexers: `kind`, `lease_id`,
    /// `charge_id` (reports), then `units`, `paid` (gross), `fee` (the part
    /// of `paid` that went to the treasury; the provider got `paid − fee`)
    /// and `charged` (reports: the new charge's amount), or `error`.
    fn event(&self, kind: &'static str) -> Event {
        let result = &self.result;
        let mut event = Event::new("batch_item")
            .add_attribute("kind", kind)
            .add_attribute("lease_id", result.lease_id.to_string());
        if let Some(charge_id) = result.charge_id {
            event = event.add_attribute("charge_id", charge_id.to_string());
        }
        if let Some(error) = &result.error {
            return event.add_attribute("error", error);
        }
        event = event
            .add_attribute("units", result.units)
            .add_attribute("paid", result.paid)
            .add_attribute("fee", self.fee);
        match self.charged {
            Some(charged) => event.add_attribute("charged", charged),
            None => event,
        }
    }
}

impl Run<'_> {
    /// A usage report, then the settlement of what has matured on its lease
    /// (the lease written once).
    fn report(
        &mut self,
        deps: &mut DepsMut,
        lease_id: u64,
        units: Uint128,
        billed_before: Option<Uint128>,
    ) -> Outcome {
        let now = self.env.block.time;
        let checked = check_report(
            deps.storage,
            &mut self.billers,
            (&self.config, now, &self.sender),
            lease_id,
            units,
            billed_before,
        );
        let report = match checked {
            Ok(report) => report,
            Err(refusal) => return Ok(Err(refusal)),
        };
        write_charge(deps.storage, lease_id, &report)?;
        let mut lease = report.lease;
        let settled = settle_lease(deps.storage, lease_id, &mut lease, now, self.config.fee_bps)?;
        remove_passed_disputes(deps.storage, lease_id, &settled.settlement);
        save_lease(deps.storage, lease_id, &lease)?;
        let due = settled.settlement.due;
        self.payouts.add(&lease, due)?;
        let mut done = Done::paid(lease_id, Some(report.charge_id), due);
        done.result.units = units;
        done.charged = Some(report.charge.amount);
        Ok(Ok(done))
    }

    fn redeem(
        &mut self,
        deps: &mut DepsMut,
        lease_id: u64,
        cumulative_units: Uint128,
        signature: &Binary,
    ) -> Outcome {
        let checked = check_redeem(
            deps.as_ref(),
            &self.env,
            &mut self.billers,
            (&self.config, &self.sender),
            lease_id,
            cumulative_units,
            signature,
        );
        let redemption = match checked {
            Ok(redemption) => redemption,
            Err(refusal) => return Ok(Err(refusal)),
        };
        save_lease(deps.storage, lease_id, &redemption.lease)?;
        self.payouts.add(&redemption.lease, redemption.due)?;
        Ok(Ok(Done::paid(lease_id, None, redemption.due)))
    }

    fn settle(&mut self, deps: &mut DepsMut, lease_id: u64) -> Outcome {
        let now = self.env.block.time;
        let (mut lease, settled) =
            match check_settle(deps.storage, lease_id, now, self.config.fee_bps) {
                Ok(checked) => checked,
                Err(refusal) => return Ok(Err(refusal)),
            };
        let refunds = self.payouts.refunds();
        write_settle(deps.storage, lease_id, &mut lease, &settled, (now, refunds))?;
        let due = settled.settlement.due;
        self.payouts.add(&lease, due)?;
        Ok(Ok(Done::paid(lease_id, None, due)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(event: &Event) -> Vec<(&str, &str)> {
        event
            .attributes
            .iter()
            .map(|a| (a.key.as_str(), a.value.as_str()))
            .collect()
    }

    #[test]
    fn a_paid_item_tells_its_fee_and_a_report_its_charge() {
        let due = ChargeTotals::new(Uint128::new(7_007), Uint128::new(176), Uint128::new(1_001));
        let mut report = Done::paid(4, Some(9), due);
        report.result.units = Uint128::new(30);
        report.charged = Some(Uint128::new(210));
        assert_eq!(
            attributes(&report.event("report_usage")),
            [
                ("kind", "report_usage"),
                ("lease_id", "4"),
                ("charge_id", "9"),
                ("units", "30"),
                ("paid", "7007"),
                ("fee", "176"),
                ("charged", "210"),
            ]
        );
        let settle = Done::paid(5, None, ChargeTotals::default());
        assert_eq!(
            attributes(&settle.event("settle")),
            [
                ("kind", "settle"),
                ("lease_id", "5"),
                ("units", "0"),
                ("paid", "0"),
                ("fee", "0"),
            ]
        );
    }

    #[test]
    fn a_refused_item_tells_only_its_error() {
        let refusal = ContractError::NothingToSettle { lease_id: 5 };
        let done = Done::refused(5, &refusal);
        assert_eq!(
            attributes(&done.event("settle")),
            [
                ("kind", "settle"),
                ("lease_id", "5"),
                ("error", refusal.to_string().as_str()),
            ]
        );
    }
}
