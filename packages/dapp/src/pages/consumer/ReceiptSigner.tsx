// Receipts billing on the consumer's side: cumulative usage receipts signed with the
// lease's session key (kept in this browser), then copied or downloaded for the provider.
import { useEffect, useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { Field } from "../../components/ui";
import { formatCoin } from "../../lib/format";
import { exportSessionKey, makeReceipt, removeSessionKey, type SignedReceipt, sessionKeyFor, validateCumulative } from "../../lib/receipts";
import type { LeaseResponse } from "../../lib/types";

/** The event announcing that this tab stored or removed a session key (other tabs see the "storage" event). */
const KEYS_CHANGED = "depin:receipt-keys-changed";

/** Tells the signers on the page to read the stored keys again. */
export function announceSessionKeys(): void {
  window.dispatchEvent(new Event(KEYS_CHANGED));
}

/**
 * Re-renders when the stored session keys change: a lease's key is stored once the lease exists,
 * after the leases list may already show it (a periodic refetch while the wallet waited for the
 * block), and the list's data does not change again when the key lands.
 */
function useSessionKeysChanged(): void {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const reread = () => setVersion((version) => version + 1);
    window.addEventListener(KEYS_CHANGED, reread);
    window.addEventListener("storage", reread);
    return () => {
      window.removeEventListener(KEYS_CHANGED, reread);
      window.removeEventListener("storage", reread);
    };
  }, []);
}

export function ReceiptSigner({ lease, pubkey }: { lease: LeaseResponse; pubkey: string }) {
  const { config, book } = useChain();
  useSessionKeysChanged();
  const key = sessionKeyFor(localStorage, config.chainId, config.addresses.billingEscrow, pubkey);
  const [units, setUnits] = useState("");
  const [signed, setSigned] = useState<SignedReceipt | null>(null);
  const [error, setError] = useState<string | undefined>();
  if (!key) {
    return <p className="warn">This lease's session key is not in this browser: receipts can only be signed where the lease was opened.</p>;
  }
  const sign = () => {
    const cumulative = validateCumulative(units, BigInt(lease.units));
    if (!cumulative.ok) return setError(cumulative.errors.cumulative);
    setError(undefined);
    setSigned(makeReceipt(key, config.chainId, config.addresses.billingEscrow, lease.lease_id, cumulative.value));
  };
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
        <button type="button" onClick={sign}>
          Sign receipt
        </button>
      </div>
      {/* Keyed by the receipt, so a new signature shows without the last one's "Copied." */}
      {signed && <SignedReceiptView key={signed.signature} leaseId={lease.lease_id} receipt={signed} onError={setError} />}
    </div>
  );
}

/** A closed receipts lease's session key, still in this browser: exported as a file, then removed. */
export function ClosedLeaseKey({ lease, pubkey }: { lease: LeaseResponse; pubkey: string }) {
  const { config } = useChain();
  const escrow = config.addresses.billingEscrow;
  const [removed, setRemoved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const key = removed ? null : sessionKeyFor(localStorage, config.chainId, escrow, pubkey);
  if (!key) return removed ? <p role="status">The session key of lease {lease.lease_id} is removed from this browser.</p> : null;
  const json = exportSessionKey(config.chainId, escrow, lease.lease_id, { privateKey: key, pubkey });
  const remove = () => {
    removeSessionKey(localStorage, config.chainId, escrow, pubkey);
    setRemoved(true);
  };
  return (
    <div className="receipts" data-testid="closed-lease-key">
      <p className="hint">
        This lease is closed; its receipt session key is still in this browser. Export it if you want to keep it, then remove it.
      </p>
      <a download={`session-key-lease-${lease.lease_id}.json`} href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}>
        Export key
      </a>{" "}
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={remove}>
            Remove for good
          </button>{" "}
          <button type="button" className="link" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove key
        </button>
      )}
    </div>
  );
}

function SignedReceiptView({ leaseId, receipt, onError }: { leaseId: number; receipt: SignedReceipt; onError: (message: string) => void }) {
  const [copied, setCopied] = useState(false);
  const json = JSON.stringify(receipt, null, 2);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      setCopied(true);
    } catch {
      onError("The browser did not allow copying: select the text and copy it.");
    }
  };
  return (
    <>
      <textarea readOnly rows={8} value={json} data-testid="signed-receipt" aria-label="Signed receipt" />
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>{" "}
      <a
        download={`receipt-lease-${leaseId}-${receipt.cumulative_units}.json`}
        href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
      >
        Download
      </a>
      {copied && <span role="status"> Copied.</span>}
    </>
  );
}
