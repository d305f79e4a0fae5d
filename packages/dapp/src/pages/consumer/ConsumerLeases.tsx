// The consumer's leases: what settle would pay, charges with their dispute deadlines and disputes, top up, settle, close, and receipts signed in the browser.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { streamingFee } from "../../chain/gas";
import { GAS, useTx } from "../../chain/tx";
import { Charges, LeaseFacts, SettleablePreview } from "../../components/LeaseView";
import { Field, QueryError, Section, TxStatus } from "../../components/ui";
import { coinMeta, formatCoin } from "../../lib/format";
import { leaseActions, leaseMode } from "../../lib/leases";
import { makeReceipt, type SignedReceipt, sessionKeyFor, validateCumulative } from "../../lib/receipts";
import type { LeaseResponse } from "../../lib/types";
import { type Errors, validateDisputeReason, validateTopUp } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";

const PAGE = 10;

export function ConsumerLeases({ account }: { account: Account }) {
  const { reader } = useChain();
  const [stack, setStack] = useState<(number | undefined)[]>([undefined]);
  const page = useQuery(escrowQueries.leasesByConsumer(reader, account.address, { startAfter: stack[stack.length - 1], limit: PAGE }));
  const leases = page.data?.leases ?? [];
  return (
    <Section title="Your leases">
      {page.error && <QueryError error={page.error} />}
      {page.data && leases.length === 0 && <p>No leases yet.</p>}
      {leases.map((l) => (
        <ConsumerLease key={l.lease_id} lease={l} account={account} />
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

function ConsumerLease({ lease, account }: { lease: LeaseResponse; account: Account }) {
  const { book, config } = useChain();
  const tx = useTx();
  const id = lease.lease_id;
  const mode = leaseMode(lease.billing);
  const actions = leaseActions(lease, "consumer");
  const escrow = config.addresses.billingEscrow;
  const gasPrice = `${config.gasPrice}${config.feeDenom}`;
  // Streaming leases accrue between simulation and execution: simulate here and add headroom (chain/gas.ts).
  const fee = (a: Account, msg: Record<string, unknown>, funds: { denom: string; amount: string }[] = []) =>
    mode === "streaming" ? streamingFee(a, gasPrice, escrow, msg, funds) : Promise.resolve(GAS);
  const balance = useBalance(lease.denom, account.address);
  const [topUp, setTopUp] = useState("");
  const [disputing, setDisputing] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Errors>({});

  const doTopUp = () => {
    const v = validateTopUp(topUp, lease, book, balance ?? 0n);
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    void tx.run(`Top up lease ${id}`, (a) =>
      payWith(
        a,
        lease.denom,
        v.value,
        escrow,
        { top_up: { lease_id: id } },
        async (funds) =>
          a.clients.billingEscrow.topUp({ leaseId: id }, await fee(a, { top_up: { lease_id: id } }, funds), undefined, funds),
        async (send) => (mode === "streaming" && "cw20" in lease.denom ? streamingFee(a, gasPrice, lease.denom.cw20, send) : GAS),
      ),
    );
  };
  const doDispute = () => {
    const v = validateDisputeReason(reason);
    if (!v.ok || disputing === null) return setErrors(v.ok ? {} : v.errors);
    setErrors({});
    const chargeId = disputing;
    void tx.run(
      `Dispute charge ${chargeId}`,
      (a) => a.clients.billingEscrow.dispute({ leaseId: id, chargeId, reason: v.value }, GAS),
      () => {
        setDisputing(null);
        return `Charge ${chargeId} is disputed: it is not paid until the DAO or an arbiter resolves it, and the provider's stake is held meanwhile.`;
      },
    );
  };

  return (
    <article className="lease" data-testid="consumer-lease" data-lease={id} aria-label={`Lease ${id}`}>
      <h3>
        Lease {id} · {mode} · <span data-testid="lease-state">{lease.state}</span>
      </h3>
      <LeaseFacts lease={lease} />
      <SettleablePreview lease={lease} />
      <Charges lease={lease} onDispute={mode === "metered" ? (c) => setDisputing(c) : undefined} />
      {disputing !== null && (
        <div className="row">
          <Field label={`Reason for disputing charge ${disputing}`} error={errors.reason}>
            <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button onClick={doDispute} disabled={tx.pending}>
            Send dispute
          </button>
          <button className="link" onClick={() => setDisputing(null)}>
            cancel
          </button>
        </div>
      )}
      <div className="actions">
        {actions.topUp && (
          <>
            <Field label={`Top up (${coinMeta(book, lease.denom).symbol})`} error={errors.amount}>
              <input name="topUp" value={topUp} onChange={(e) => setTopUp(e.target.value)} />
            </Field>
            <button onClick={doTopUp} disabled={tx.pending}>
              Top up
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
              void tx.run(
                `Close lease ${id}`,
                async (a) => a.clients.billingEscrow.closeLease({ leaseId: id }, await fee(a, { close_lease: { lease_id: id } })),
                () =>
                  mode === "streaming" || lease.state === "pending"
                    ? `Lease ${id} closed; the rest of the deposit is refunded.`
                    : `Lease ${id} is closing: the provider has one dispute window (${lease.dispute_window} s) to bill final usage, then the rest is refunded (a later settle completes it).`,
              )
            }
            disabled={tx.pending}
          >
            Close
          </button>
        )}
      </div>
      {actions.sign && "receipts" in lease.billing && <ReceiptSigner lease={lease} pubkey={lease.billing.receipts.consumer_pubkey} />}
      <TxStatus state={tx.state} />
    </article>
  );
}

function ReceiptSigner({ lease, pubkey }: { lease: LeaseResponse; pubkey: string }) {
  const { config, book } = useChain();
  const key = sessionKeyFor(localStorage, config.chainId, config.addresses.billingEscrow, pubkey);
  const [units, setUnits] = useState("");
  const [signed, setSigned] = useState<SignedReceipt | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  if (!key)
    return <p className="warn">This lease's session key is not in this browser: receipts can only be signed where the lease was opened.</p>;
  const json = signed ? JSON.stringify(signed, null, 2) : "";
  return (
    <div className="receipts">
      <h4>Sign a usage receipt</h4>
      <p className="hint">
        Receipts are cumulative: sign the total units used so far. {lease.units} units are redeemed; the provider is paid (total − redeemed)
        × {formatCoin(book, lease.price_per_unit, lease.denom)}.
      </p>
      <div className="row">
        <Field label="Cumulative units" error={error}>
          <input name="cumulative" value={units} inputMode="numeric" onChange={(e) => setUnits(e.target.value)} />
        </Field>
        <button
          onClick={() => {
            const v = validateCumulative(units, BigInt(lease.units));
            if (!v.ok) return setError(v.errors.cumulative);
            setError(undefined);
            setCopied(false);
            setSigned(makeReceipt(key, config.chainId, config.addresses.billingEscrow, lease.lease_id, v.value));
          }}
        >
          Sign receipt
        </button>
      </div>
      {signed && (
        <>
          <textarea readOnly rows={8} value={json} data-testid="signed-receipt" aria-label="Signed receipt" />
          <button
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(json);
                setCopied(true);
              } catch {
                setError("The browser did not allow copying: select the text and copy it.");
              }
            }}
          >
            Copy
          </button>{" "}
          <a
            download={`receipt-lease-${lease.lease_id}-${signed.cumulative_units}.json`}
            href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
          >
            Download
          </a>
          {copied && <span role="status"> Copied.</span>}
        </>
      )}
    </div>
  );
}
