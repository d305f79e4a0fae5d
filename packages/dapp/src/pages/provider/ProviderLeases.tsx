// The provider's leases: accept streaming leases, report metered usage, redeem receipts (pasted or uploaded JSON), settle, close.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { streamingFee } from "../../chain/gas";
import { GAS, useTx } from "../../chain/tx";
import { Charges, LeaseFacts, SettleablePreview } from "../../components/LeaseView";
import { Field, QueryError, Section, TxStatus } from "../../components/ui";
import { formatCoin } from "../../lib/format";
import { leaseActions, leaseMode } from "../../lib/leases";
import { parseReceipt } from "../../lib/receipts";
import type { LeaseResponse } from "../../lib/types";
import { type Errors, validateUsage } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";

const PAGE = 10;

export function ProviderLeases({ account }: { account: Account }) {
  const { reader } = useChain();
  const [stack, setStack] = useState<(number | undefined)[]>([undefined]);
  const page = useQuery(escrowQueries.leasesByProvider(reader, account.address, { startAfter: stack[stack.length - 1], limit: PAGE }));
  const leases = page.data?.leases ?? [];
  return (
    <Section title="Your leases">
      {page.error && <QueryError error={page.error} />}
      {page.data && leases.length === 0 && <p>No leases yet.</p>}
      {leases.map((l) => (
        <ProviderLease key={l.lease_id} lease={l} />
      ))}
      <div className="pager">
        <button disabled={stack.length <= 1} onClick={() => setStack(stack.slice(0, -1))}>
          Previous page
        </button>
        <button disabled={leases.length < PAGE} onClick={() => setStack([...stack, leases[leases.length - 1].lease_id])}>
          Next page
        </button>
      </div>
    </Section>
  );
}

function ProviderLease({ lease }: { lease: LeaseResponse }) {
  const { book, config } = useChain();
  const tx = useTx();
  const actions = leaseActions(lease, "provider");
  const mode = leaseMode(lease.billing);
  // Streaming leases accrue between simulation and execution: simulate here and add headroom (chain/gas.ts).
  const fee = (a: Account, msg: Record<string, unknown>) =>
    mode === "streaming"
      ? streamingFee(a, `${config.gasPrice}${config.feeDenom}`, config.addresses.billingEscrow, msg)
      : Promise.resolve(GAS);
  const [units, setUnits] = useState("");
  const [receipt, setReceipt] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const id = lease.lease_id;

  const report = () => {
    const v = validateUsage(units, lease, book);
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    void tx.run(
      `Report usage on lease ${id}`,
      (a) => a.clients.billingEscrow.reportUsage({ leaseId: id, units: v.value.toString() }, GAS),
      () =>
        `Reported ${v.value} units (${formatCoin(book, v.value * BigInt(lease.price_per_unit), lease.denom)}) on lease ${id}; the consumer may dispute it during the dispute window.`,
    );
  };
  const redeem = () => {
    if (!("receipts" in lease.billing)) return;
    const v = parseReceipt(receipt, {
      chainId: config.chainId,
      escrow: config.addresses.billingEscrow,
      leases: new Map([[id, { pubkey: lease.billing.receipts.consumer_pubkey, redeemed: BigInt(lease.units) }]]),
    });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    const r = v.value;
    void tx.run(
      `Redeem receipt on lease ${id}`,
      (a) => a.clients.billingEscrow.redeemReceipt({ leaseId: id, cumulativeUnits: r.cumulative_units, signature: r.signature }, GAS),
      (res) => {
        const paid = res.events
          .filter((e) => e.type === "wasm")
          .flatMap((e) => e.attributes)
          .find((x) => x.key === "units")?.value;
        const outstanding = res.events
          .filter((e) => e.type === "wasm")
          .flatMap((e) => e.attributes)
          .find((x) => x.key === "units_outstanding")?.value;
        return `Redeemed ${paid ?? "?"} units on lease ${id}${outstanding && outstanding !== "0" ? `; ${outstanding} units stay redeemable after a top-up` : ""}.`;
      },
    );
  };

  return (
    <article className="lease" data-testid="provider-lease" data-lease={id} aria-label={`Lease ${id}`}>
      <h3>
        Lease {id} · {mode} · <span data-testid="lease-state">{lease.state}</span>
      </h3>
      <LeaseFacts lease={lease} />
      <SettleablePreview lease={lease} />
      <Charges lease={lease} />
      <div className="actions">
        {actions.accept && (
          <button onClick={() => void tx.run(`Accept lease ${id}`, (a) => a.clients.billingEscrow.acceptLease({ leaseId: id }, GAS))}>
            Accept
          </button>
        )}
        {actions.report && (
          <>
            <Field label="Units used" error={errors.units}>
              <input name="units" value={units} inputMode="numeric" onChange={(e) => setUnits(e.target.value)} />
            </Field>
            <button onClick={report} disabled={tx.pending}>
              Report usage
            </button>
          </>
        )}
        {actions.settle && (
          <button
            onClick={() =>
              void tx.run(`Settle lease ${id}`, async (a) =>
                a.clients.billingEscrow.settle({ leaseId: id }, await fee(a, { settle: { lease_id: id } })),
              )
            }
            disabled={tx.pending}
          >
            Settle
          </button>
        )}
        {actions.close && (
          <button
            className="danger"
            onClick={() =>
              void tx.run(`Close lease ${id}`, async (a) =>
                a.clients.billingEscrow.closeLease({ leaseId: id }, await fee(a, { close_lease: { lease_id: id } })),
              )
            }
            disabled={tx.pending}
          >
            Close (refunds the consumer now)
          </button>
        )}
      </div>
      {actions.redeem && (
        <div className="redeem">
          <Field label="Receipt (JSON from the consumer)" error={errors.receipt}>
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
              const f = e.target.files?.[0];
              if (f) setReceipt(await f.text());
            }}
          />
          <button onClick={redeem} disabled={tx.pending}>
            Redeem receipt
          </button>
        </div>
      )}
      <TxStatus state={tx.state} />
    </article>
  );
}
