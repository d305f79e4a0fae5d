// The provider's leases: accept streaming leases, report metered usage, redeem receipts (pasted or uploaded JSON), settle, close.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { leaseFee } from "../../chain/gas";
import { GAS, type Tx, useTx, wasmAttribute } from "../../chain/tx";
import { Charges, LEASE_PAGE_SIZE, LeaseCard, LeaseList, SettleButton } from "../../components/LeaseView";
import { usePager } from "../../components/Pager";
import { Field, TxStatus } from "../../components/ui";
import { formatCoin } from "../../lib/format";
import { leaseActions } from "../../lib/leases";
import { parseReceipt } from "../../lib/receipts";
import { isRecentRepeat, type LastSent } from "../../lib/repeat";
import type { LeaseResponse } from "../../lib/types";
import { validateUsage } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";

export function ProviderLeases({ account }: { account: Account }) {
  const { reader } = useChain();
  const pager = usePager<number>();
  const page = useQuery(escrowQueries.leasesByProvider(reader, account.address, { startAfter: pager.startAfter, limit: LEASE_PAGE_SIZE }));
  return (
    <LeaseList page={page} pager={pager}>
      {(lease) => <ProviderLease lease={lease} />}
    </LeaseList>
  );
}

function ProviderLease({ lease }: { lease: LeaseResponse }) {
  const { config, reader } = useChain();
  const tx = useTx();
  const actions = leaseActions(lease, "provider");
  const leaseId = lease.lease_id;
  const changes = changedBy.lease(reader.keys, leaseId, lease.provider);
  const close = () =>
    tx.run({
      label: `Close lease ${leaseId}`,
      send: async (account) =>
        account.clients.billingEscrow.closeLease(
          { leaseId },
          await leaseFee(config, lease, account, { close_lease: { lease_id: leaseId } }),
        ),
      changes,
    });
  const accept = () =>
    tx.run({ label: `Accept lease ${leaseId}`, send: (account) => account.clients.billingEscrow.acceptLease({ leaseId }, GAS), changes });
  return (
    <LeaseCard lease={lease} party="provider">
      <Charges lease={lease} />
      <div className="actions">
        {actions.accept && (
          <button type="button" onClick={() => void accept()} disabled={tx.pending}>
            Accept
          </button>
        )}
        {actions.report && <UsageReport lease={lease} tx={tx} />}
        {actions.settle && <SettleButton lease={lease} tx={tx} />}
        {actions.close && (
          <button type="button" className="danger" onClick={() => void close()} disabled={tx.pending}>
            Close (refunds the consumer now)
          </button>
        )}
      </div>
      {actions.redeem && <ReceiptRedeemer lease={lease} tx={tx} />}
      <TxStatus state={tx.state} />
    </LeaseCard>
  );
}

/** Metered billing: the provider reports the units used; each report is a charge the consumer may dispute. */
function UsageReport({ lease, tx }: { lease: LeaseResponse; tx: Tx }) {
  const { book, reader } = useChain();
  const [units, setUnits] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [lastSent, setLastSent] = useState<LastSent | null>(null);
  const [repeat, setRepeat] = useState<bigint | null>(null);
  const leaseId = lease.lease_id;
  const send = (value: bigint) => {
    setRepeat(null);
    const cost = formatCoin(book, value * BigInt(lease.price_per_unit), lease.denom);
    void tx
      .run({
        label: `Report usage on lease ${leaseId}`,
        // Built on the count this page shows: a report sent meanwhile (another tab, the agent) makes the chain refuse it instead of charging twice.
        send: (account) =>
          account.clients.billingEscrow.reportUsage({ leaseId, units: value.toString(), billedBefore: lease.reported_units }, GAS),
        changes: changedBy.lease(reader.keys, leaseId, lease.provider),
        done: () => `Reported ${value} units (${cost}) on lease ${leaseId}; the consumer may dispute it during the dispute window.`,
      })
      .then((result) => {
        if (!result) return;
        setUnits("");
        setLastSent({ what: value.toString(), atMs: Date.now() });
      });
  };
  const report = () => {
    const usage = validateUsage(units, lease, book);
    if (!usage.ok) {
      tx.reset();
      return setError(usage.errors.units);
    }
    setError(undefined);
    // The same report moments after one landed is most likely a second click: ask first.
    if (isRecentRepeat(lastSent, usage.value.toString(), Date.now())) return setRepeat(usage.value);
    send(usage.value);
  };
  return (
    <>
      <Field label="Units used" error={error}>
        <input name="units" value={units} inputMode="numeric" readOnly={tx.pending} onChange={(e) => setUnits(e.target.value)} />
      </Field>
      <button type="button" onClick={report} disabled={tx.pending || repeat !== null}>
        Report usage
      </button>
      {repeat !== null && (
        <div className="confirm" role="alertdialog" aria-label="Report the same usage again?">
          <p>
            You reported {repeat.toString()} units on lease {leaseId} less than a minute ago. Report the same usage again, as a second
            charge?
          </p>
          <button type="button" onClick={() => send(repeat)}>
            Report again
          </button>{" "}
          <button type="button" className="link" onClick={() => setRepeat(null)}>
            Cancel
          </button>
        </div>
      )}
    </>
  );
}

/** Receipts billing: the provider pastes or uploads a receipt the consumer signed, checked here before it is sent. */
function ReceiptRedeemer({ lease, tx }: { lease: LeaseResponse; tx: Tx }) {
  const { config, reader } = useChain();
  const [receipt, setReceipt] = useState("");
  const [error, setError] = useState<string | undefined>();
  const leaseId = lease.lease_id;
  const redeem = () => {
    if (!("receipts" in lease.billing)) return;
    const parsed = parseReceipt(receipt, {
      chainId: config.chainId,
      escrow: config.addresses.billingEscrow,
      leases: new Map([[leaseId, { pubkey: lease.billing.receipts.consumer_pubkey, redeemed: BigInt(lease.units) }]]),
    });
    if (!parsed.ok) {
      tx.reset();
      return setError(parsed.errors.receipt);
    }
    setError(undefined);
    const { cumulative_units: cumulativeUnits, signature } = parsed.value;
    void tx
      .run({
        label: `Redeem receipt on lease ${leaseId}`,
        send: (account) => account.clients.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits, signature }, GAS),
        changes: changedBy.lease(reader.keys, leaseId, lease.provider),
        done: (result) => {
          const paid = wasmAttribute(result, "units");
          const outstanding = wasmAttribute(result, "units_outstanding");
          const rest = outstanding && outstanding !== "0" ? `; ${outstanding} units stay redeemable after a top-up` : "";
          return `Redeemed ${paid ?? "?"} units on lease ${leaseId}${rest}.`;
        },
      })
      .then((result) => result && setReceipt(""));
  };
  return (
    <div className="redeem">
      <Field label="Receipt (JSON from the consumer)" error={error}>
        <textarea
          name="receipt"
          rows={4}
          value={receipt}
          onChange={(e) => setReceipt(e.target.value)}
          placeholder='{"lease_id": 1, "cumulative_units": "1000", "signature": "…"}'
        />
      </Field>
      <input
        type="file"
        accept="application/json,.json"
        aria-label="Upload receipt"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) setReceipt(await file.text());
        }}
      />
      <button type="button" onClick={redeem} disabled={tx.pending}>
        Redeem receipt
      </button>
    </div>
  );
}
