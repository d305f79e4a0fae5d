// The consumer's leases: what settle would pay, charges with their dispute deadlines and disputes, top up, settle, close.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { leaseFee, streamingFee } from "../../chain/gas";
import { GAS, type Tx, useTx } from "../../chain/tx";
import { Charges, LEASE_PAGE_SIZE, LeaseCard, LeaseList, SettleButton } from "../../components/LeaseView";
import { usePager } from "../../components/Pager";
import { Field, TxStatus } from "../../components/ui";
import { coinMeta, formatCoin } from "../../lib/format";
import { leaseActions, leaseMode } from "../../lib/leases";
import type { LeaseResponse } from "../../lib/types";
import { validateDisputeReason, validateTopUp } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";
import { ClosedLeaseKey, ReceiptSigner } from "./ReceiptSigner";

export function ConsumerLeases({ account }: { account: Account }) {
  const { reader } = useChain();
  const pager = usePager<number>();
  const page = useQuery(escrowQueries.leasesByConsumer(reader, account.address, { startAfter: pager.startAfter, limit: LEASE_PAGE_SIZE }));
  return (
    <LeaseList page={page} pager={pager}>
      {(lease) => <ConsumerLease lease={lease} account={account} />}
    </LeaseList>
  );
}

/** What the consumer is told once a close lands: at once for streaming and pending leases, after the provider's grace otherwise. */
function closedMessage(lease: LeaseResponse): string {
  if (leaseMode(lease.billing) === "streaming" || lease.state === "pending")
    return `Lease ${lease.lease_id} closed; the rest of the deposit is refunded.`;
  return `Lease ${lease.lease_id} is closing: the provider has one dispute window (${lease.dispute_window} s) to bill final usage, then the rest is refunded (a later settle completes it).`;
}

function ConsumerLease({ lease, account }: { lease: LeaseResponse; account: Account }) {
  const { config, reader } = useChain();
  const tx = useTx();
  const [disputing, setDisputing] = useState<number | null>(null);
  const actions = leaseActions(lease, "consumer");
  const leaseId = lease.lease_id;
  const changes = changedBy.lease(reader.keys, leaseId, lease.provider);
  const close = () =>
    tx.run({
      label: `Close lease ${leaseId}`,
      send: async (sender) =>
        sender.clients.billingEscrow.closeLease({ leaseId }, await leaseFee(config, lease, sender, { close_lease: { lease_id: leaseId } })),
      changes,
      done: () => closedMessage(lease),
    });
  return (
    <LeaseCard lease={lease} party="consumer">
      <Charges lease={lease} onDispute={leaseMode(lease.billing) === "metered" ? setDisputing : undefined} />
      {disputing !== null && <DisputeForm lease={lease} chargeId={disputing} tx={tx} onClose={() => setDisputing(null)} />}
      <div className="actions">
        {actions.topUp && <TopUp lease={lease} account={account} tx={tx} />}
        {actions.settle && <SettleButton lease={lease} tx={tx} />}
        {actions.close && (
          <button type="button" className="danger" onClick={() => void close()} disabled={tx.pending}>
            Close
          </button>
        )}
      </div>
      {actions.sign && "receipts" in lease.billing && <ReceiptSigner lease={lease} pubkey={lease.billing.receipts.consumer_pubkey} />}
      {lease.state === "closed" && "receipts" in lease.billing && (
        <ClosedLeaseKey lease={lease} pubkey={lease.billing.receipts.consumer_pubkey} />
      )}
      <TxStatus state={tx.state} />
    </LeaseCard>
  );
}

function DisputeForm({ lease, chargeId, tx, onClose }: { lease: LeaseResponse; chargeId: number; tx: Tx; onClose: () => void }) {
  const { reader } = useChain();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const leaseId = lease.lease_id;
  const dispute = () => {
    const checked = validateDisputeReason(reason);
    if (!checked.ok) {
      tx.reset();
      return setError(checked.errors.reason);
    }
    setError(undefined);
    void tx.run({
      label: `Dispute charge ${chargeId}`,
      send: (sender) => sender.clients.billingEscrow.dispute({ leaseId, chargeId, reason: checked.value }, GAS),
      changes: changedBy.lease(reader.keys, leaseId, lease.provider),
      done: () => {
        onClose();
        return `Charge ${chargeId} is disputed: it is not paid until the DAO or an arbiter resolves it, and the provider's stake is held meanwhile.`;
      },
    });
  };
  return (
    <div className="row">
      <Field label={`Reason for disputing charge ${chargeId}`} error={error}>
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <button type="button" onClick={dispute} disabled={tx.pending}>
        Send dispute
      </button>
      <button type="button" className="link" onClick={onClose}>
        cancel
      </button>
    </div>
  );
}

function TopUp({ lease, account, tx }: { lease: LeaseResponse; account: Account; tx: Tx }) {
  const { book, config, reader } = useChain();
  const balance = useBalance(lease.denom, account.address);
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | undefined>();
  const leaseId = lease.lease_id;
  const topUp = () => {
    const checked = validateTopUp(amount, lease, book, balance ?? 0n);
    if (!checked.ok) {
      tx.reset();
      return setError(checked.errors.amount);
    }
    setError(undefined);
    const hook = { top_up: { lease_id: leaseId } };
    // A cw20 top-up of a streaming lease is a send to the token contract: simulated with headroom too.
    const cw20Fee = (sender: Account) => async (send: Record<string, unknown>) =>
      leaseMode(lease.billing) === "streaming" && "cw20" in lease.denom
        ? streamingFee(sender, `${config.gasPrice}${config.feeDenom}`, lease.denom.cw20, send)
        : GAS;
    void tx
      .run({
        label: `Top up lease ${leaseId}`,
        send: (sender) =>
          payWith(
            sender,
            lease.denom,
            checked.value,
            config.addresses.billingEscrow,
            hook,
            async (funds) =>
              sender.clients.billingEscrow.topUp({ leaseId }, await leaseFee(config, lease, sender, hook, funds), undefined, funds),
            cw20Fee(sender),
          ),
        changes: changedBy.lease(reader.keys, leaseId, lease.provider),
        done: () => `Topped up lease ${leaseId} with ${formatCoin(book, checked.value, lease.denom)}.`,
      })
      .then((result) => result && setAmount(""));
  };
  return (
    <>
      <Field label={`Top up (${coinMeta(book, lease.denom).symbol})`} error={error}>
        <input name="topUp" value={amount} readOnly={tx.pending} onChange={(e) => setAmount(e.target.value)} />
      </Field>
      <button type="button" onClick={topUp} disabled={tx.pending}>
        Top up
      </button>
    </>
  );
}
