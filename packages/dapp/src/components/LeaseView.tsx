// A lease as both parties see it: parties, billing, funds, what settle would pay now, and its charges.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../chain/ChainProvider";
import { formatCoin, formatTimestamp, shortAddress, timeLeft } from "../lib/format";
import { leaseMode } from "../lib/leases";
import type { LeaseResponse } from "../lib/types";
import { escrowQueries } from "../queries/escrow";
import { href } from "../router";
import { Dl, useNow } from "./ui";

export function LeaseFacts({ lease }: { lease: LeaseResponse }) {
  const { book } = useChain();
  const mode = leaseMode(lease.billing);
  const d = lease.denom;
  const rows: [string, React.ReactNode][] = [
    [
      "Provider",
      <a href={href(`/providers/${lease.provider}`)} title={lease.provider}>
        {shortAddress(lease.provider)}
      </a>,
    ],
    ["Consumer", <span title={lease.consumer}>{shortAddress(lease.consumer)}</span>],
    [
      "Billing",
      mode === "streaming" && "streaming" in lease.billing
        ? `streaming at ${formatCoin(book, lease.billing.streaming.rate_per_second, d)} per second`
        : mode,
    ],
    ["Price", `${formatCoin(book, lease.price_per_unit, d)} per unit`],
    ["Deposited", <span data-testid="lease-deposited">{formatCoin(book, lease.deposited, d)}</span>],
    ["Paid", <span data-testid="lease-paid">{formatCoin(book, lease.paid, d)}</span>],
    ["Reserved (charged, not paid)", formatCoin(book, lease.reserved, d)],
    ["Available", <span data-testid="lease-available">{formatCoin(book, lease.available, d)}</span>],
    ["Refunded", formatCoin(book, lease.refunded, d)],
    ["Units billed", <span data-testid="lease-units">{lease.units}</span>],
    ["Opened", formatTimestamp(lease.opened_at)],
  ];
  if (lease.started_at) rows.push(["Started", formatTimestamp(lease.started_at)]);
  if (lease.close_after) rows.push(["Closes after", formatTimestamp(lease.close_after) + " (the provider's final-billing grace)"]);
  if (lease.closed_at) rows.push(["Closed", formatTimestamp(lease.closed_at)]);
  return <Dl rows={rows} />;
}

export function SettleablePreview({ lease }: { lease: LeaseResponse }) {
  const { reader, book } = useChain();
  const s = useQuery({ ...escrowQueries.settleable(reader, lease.lease_id), enabled: lease.state !== "closed" });
  if (lease.state === "closed" || !s.data) return null;
  const d = lease.denom;
  if (BigInt(s.data.amount) === 0n) return <p data-testid="settleable">Nothing to settle now (settle would pay 0).</p>;
  return (
    <p data-testid="settleable">
      Settle now would pay <strong>{formatCoin(book, s.data.amount, d)}</strong> for {s.data.units} units:{" "}
      {formatCoin(book, s.data.provider_amount, d)} to the provider and a {formatCoin(book, s.data.fee, d)} fee to the treasury.
    </p>
  );
}

export function Charges({ lease, onDispute }: { lease: LeaseResponse; onDispute?: (chargeId: number) => void }) {
  const { reader, book } = useChain();
  const now = useNow();
  const charges = useQuery(escrowQueries.charges(reader, lease.lease_id));
  const list = charges.data?.charges ?? [];
  if (list.length === 0) return null;
  return (
    <table data-testid="charges">
      <thead>
        <tr>
          <th>Charge</th>
          <th>Units</th>
          <th>Amount</th>
          <th>Status</th>
          <th>Dispute deadline</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {list.map((c) => {
          const open = c.status === "pending" && BigInt(c.disputable_until) / 1_000_000n > BigInt(now);
          return (
            <tr key={c.charge_id} data-testid="charge-row" data-charge={c.charge_id}>
              <td>{c.charge_id}</td>
              <td>{c.units}</td>
              <td>
                {formatCoin(book, c.amount, lease.denom)} (fee {c.fee_bps / 100} %)
              </td>
              <td>
                {c.status}
                {c.dispute_reason ? `: “${c.dispute_reason}”` : ""}
              </td>
              <td>
                {formatTimestamp(c.disputable_until)} (
                {open ? `disputable ${timeLeft(c.disputable_until, now)}` : timeLeft(c.disputable_until, now)})
              </td>
              <td>{onDispute && open && <button onClick={() => onDispute(c.charge_id)}>Dispute</button>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
