// A lease as both parties see it: the list of a party's leases, each lease's
// parties, billing, funds, what settle would pay now, and its charges.
import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { Fragment, type ReactNode } from "react";
import { useChain } from "../chain/ChainProvider";
import { leaseFee } from "../chain/gas";
import { type Tx, type TxResult, wasmAttribute } from "../chain/tx";
import { formatCoin, formatTimestamp, timeLeft } from "../lib/format";
import { disputable, leaseMode, settleReadiness } from "../lib/leases";
import type { ChargeResponse, LeaseResponse, LeasesResponse } from "../lib/types";
import { escrowQueries } from "../queries/escrow";
import { changedBy } from "../queries/keys";
import { href } from "../router";
import { LeaseAlerts } from "./Alerts";
import { LeaseHistory, ShowHistory } from "./History";
import { Pager, type PagerState } from "./Pager";
import { Address, Fact, Facts, QueryError, Section, useNow } from "./ui";

/** How many leases a page of "Your leases" shows. */
export const LEASE_PAGE_SIZE = 10;

/** A page of one party's leases (from usePager and the party's leases query); `children` renders each lease. */
export function LeaseList({
  page,
  pager,
  children,
}: {
  page: UseQueryResult<LeasesResponse>;
  pager: PagerState<number>;
  children: (lease: LeaseResponse) => ReactNode;
}) {
  const leases = page.data?.leases ?? [];
  return (
    <Section title="Your leases">
      {page.error && <QueryError error={page.error} />}
      {page.data && leases.length === 0 && <p>No leases yet.</p>}
      {leases.map((lease) => (
        <Fragment key={lease.lease_id}>{children(lease)}</Fragment>
      ))}
      <Pager pager={pager} items={leases} pageSize={LEASE_PAGE_SIZE} cursorOf={(lease) => lease.lease_id} />
    </Section>
  );
}

/** A lease card: its heading, facts and settle preview, then what the party may do (`children`). */
export function LeaseCard({ lease, party, children }: { lease: LeaseResponse; party: "provider" | "consumer"; children: ReactNode }) {
  return (
    <article className="lease" data-testid={`${party}-lease`} data-lease={lease.lease_id} aria-label={`Lease ${lease.lease_id}`}>
      <h3>
        Lease {lease.lease_id} · {leaseMode(lease.billing)} · <span data-testid="lease-state">{lease.state}</span>
      </h3>
      <LeaseFacts lease={lease} />
      <LeaseAlerts lease={lease} party={party} />
      <SettleablePreview lease={lease} />
      {children}
      <ShowHistory label="spending chart">
        <LeaseHistory lease={lease} />
      </ShowHistory>
    </article>
  );
}

export function LeaseFacts({ lease }: { lease: LeaseResponse }) {
  const { book } = useChain();
  const denom = lease.denom;
  const billing =
    "streaming" in lease.billing
      ? `streaming at ${formatCoin(book, lease.billing.streaming.rate_per_second, denom)} per second`
      : leaseMode(lease.billing);
  return (
    <Facts>
      <Fact term="Provider">
        <Address address={lease.provider} href={href(`/providers/${lease.provider}`)} />
      </Fact>
      <Fact term="Consumer">
        <Address address={lease.consumer} />
      </Fact>
      <Fact term="Billing">{billing}</Fact>
      <Fact term="Price">{`${formatCoin(book, lease.price_per_unit, denom)} per unit`}</Fact>
      <Fact term="Deposited">
        <span data-testid="lease-deposited">{formatCoin(book, lease.deposited, denom)}</span>
      </Fact>
      <Fact term="Paid">
        <span data-testid="lease-paid">{formatCoin(book, lease.paid, denom)}</span>
      </Fact>
      <Fact term="Reserved (charged, not paid)">{formatCoin(book, lease.reserved, denom)}</Fact>
      <Fact term="Available">
        <span data-testid="lease-available">{formatCoin(book, lease.available, denom)}</span>
      </Fact>
      <Fact term="Refunded">{formatCoin(book, lease.refunded, denom)}</Fact>
      <Fact term="Units billed">
        <span data-testid="lease-units">{lease.units}</span>
      </Fact>
      <Fact term="Opened">{formatTimestamp(lease.opened_at)}</Fact>
      {lease.started_at && <Fact term="Started">{formatTimestamp(lease.started_at)}</Fact>}
      {lease.close_after && <Fact term="Closes after">{`${formatTimestamp(lease.close_after)} (the provider's final-billing grace)`}</Fact>}
      {lease.closed_at && <Fact term="Closed">{formatTimestamp(lease.closed_at)}</Fact>}
    </Facts>
  );
}

export function SettleablePreview({ lease }: { lease: LeaseResponse }) {
  const { reader, book } = useChain();
  const settleable = useQuery({ ...escrowQueries.settleable(reader, lease.lease_id), enabled: lease.state !== "closed" });
  if (lease.state === "closed" || !settleable.data) return null;
  const { amount, units, provider_amount, fee } = settleable.data;
  const denom = lease.denom;
  if (BigInt(amount) === 0n) return <p data-testid="settleable">Nothing to settle now (settle would pay 0).</p>;
  return (
    <p data-testid="settleable">
      Settle now would pay <strong>{formatCoin(book, amount, denom)}</strong> for {units} units: {formatCoin(book, provider_amount, denom)}{" "}
      to the provider and a {formatCoin(book, fee, denom)} fee to the treasury.
    </p>
  );
}

/** What a settle paid, in words (the preview said what it would pay). */
function settledMessage(book: ReturnType<typeof useChain>["book"], lease: LeaseResponse, result: TxResult): string {
  const id = lease.lease_id;
  const amount = wasmAttribute(result, "amount") ?? "0";
  const refunded = wasmAttribute(result, "refunded");
  const closed = refunded !== undefined ? `; the lease is closed and ${formatCoin(book, refunded, lease.denom)} refunded` : "";
  if (BigInt(amount) === 0n) return `Settled lease ${id}: nothing was due${closed}.`;
  const providerAmount = wasmAttribute(result, "provider_amount") ?? "0";
  const fee = wasmAttribute(result, "fee") ?? "0";
  return `Settled lease ${id}: paid ${formatCoin(book, amount, lease.denom)} for ${wasmAttribute(result, "units") ?? "?"} units (${formatCoin(book, providerAmount, lease.denom)} to the provider, a ${formatCoin(book, fee, lease.denom)} fee)${closed}.`;
}

/** Settle, enabled only when the escrow would do something; otherwise disabled, saying from when it can. */
export function SettleButton({ lease, tx }: { lease: LeaseResponse; tx: Tx }) {
  const { reader, book, config } = useChain();
  const now = useNow();
  const settleable = useQuery(escrowQueries.settleable(reader, lease.lease_id));
  const charges = useQuery(escrowQueries.charges(reader, lease.lease_id));
  const leaseId = lease.lease_id;
  const readiness = settleable.data
    ? settleReadiness(lease, BigInt(settleable.data.amount), charges.data?.charges ?? [], now)
    : { ready: false as const, reason: "checking what is due" };
  const settle = () =>
    tx.run({
      label: `Settle lease ${leaseId}`,
      send: async (account) =>
        account.clients.billingEscrow.settle({ leaseId }, await leaseFee(config, lease, account, { settle: { lease_id: leaseId } })),
      changes: changedBy.lease(reader.keys, leaseId, lease.provider),
      done: (result) => settledMessage(book, lease, result),
    });
  const hintId = `settle-hint-${leaseId}`;
  return (
    <>
      <button
        type="button"
        onClick={() => void settle()}
        disabled={tx.pending || !readiness.ready}
        aria-describedby={readiness.ready ? undefined : hintId}
      >
        Settle
      </button>
      {!readiness.ready && (
        <span className="hint" id={hintId} data-testid="settle-hint">
          {readiness.after ? `Payable after ${formatTimestamp(readiness.after)}` : "Nothing to settle"}: {readiness.reason}.
        </span>
      )}
    </>
  );
}

export function Charges({ lease, onDispute }: { lease: LeaseResponse; onDispute?: (chargeId: number) => void }) {
  const { reader } = useChain();
  const now = useNow();
  const charges = useQuery(escrowQueries.charges(reader, lease.lease_id));
  const list = charges.data?.charges ?? [];
  if (list.length === 0) return null;
  return (
    <div className="table-scroll">
      <table data-testid="charges">
        <thead>
          <tr>
            <th>Charge</th>
            <th>Units</th>
            <th>Amount</th>
            <th>Status</th>
            <th>Dispute deadline</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((charge) => (
            <ChargeRow key={charge.charge_id} charge={charge} lease={lease} now={now} onDispute={onDispute} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChargeRow({
  charge,
  lease,
  now,
  onDispute,
}: {
  charge: ChargeResponse;
  lease: LeaseResponse;
  now: number;
  onDispute?: (chargeId: number) => void;
}) {
  const { book } = useChain();
  const open = disputable(charge, now);
  const deadline = timeLeft(charge.disputable_until, now);
  return (
    <tr data-testid="charge-row" data-charge={charge.charge_id}>
      <td>{charge.charge_id}</td>
      <td>{charge.units}</td>
      <td>
        {formatCoin(book, charge.amount, lease.denom)} (fee {charge.fee_bps / 100} %)
      </td>
      <td>
        {charge.status}
        {charge.dispute_reason ? `: “${charge.dispute_reason}”` : ""}
      </td>
      <td>
        {formatTimestamp(charge.disputable_until)} ({open ? `disputable ${deadline}` : deadline})
      </td>
      <td>
        {onDispute && open && (
          <button type="button" onClick={() => onDispute(charge.charge_id)}>
            Dispute
          </button>
        )}
      </td>
    </tr>
  );
}
