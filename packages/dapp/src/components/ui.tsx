// Small shared pieces: form fields with their error, the outcome of a
// transaction, a connect prompt, a ticking clock, a query's error in words,
// sections and term/value lists.
import { cloneElement, type ReactElement, type ReactNode, useEffect, useId, useState } from "react";
import { useChain } from "../chain/ChainProvider";
import type { TxState } from "../chain/tx";
import { errorToSentence } from "../lib/errors";
import { shortAddress } from "../lib/format";

/** A labelled form control (one input, select or textarea) with its hint and error. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactElement<{ id?: string }>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id })}
      {hint && <span className="hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * An address shortened to fit a phone ("wasm1abcd…wxyz9"), its full form in the title and for
 * screen readers, with a button copying it.
 */
export function Address({ address, href }: { address: string; href?: string }) {
  const [copied, setCopied] = useState(false);
  const short = shortAddress(address);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // The browser refused the clipboard: the full address stays selectable in the title and the link.
    }
  };
  return (
    <span className="address" data-address-full={address}>
      {href ? (
        <a href={href} title={address}>
          {short}
        </a>
      ) : (
        <span title={address}>{short}</span>
      )}
      <button type="button" className="link copy" onClick={() => void copy()} aria-label={`Copy address ${address}`}>
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}

export function TxStatus({ state }: { state: TxState }) {
  if (state.kind === "idle") return null;
  if (state.kind === "pending") {
    return (
      <p className="tx pending" role="status">
        {state.label}: waiting for the wallet and the chain…
      </p>
    );
  }
  if (state.kind === "done") {
    return (
      <p className="tx done" role="status">
        {state.message}
      </p>
    );
  }
  return (
    <p className="tx error" role="alert">
      {state.message}
    </p>
  );
}

export function QueryError({ error }: { error: unknown }) {
  return (
    <p className="tx error" role="alert">
      {errorToSentence(error)}
    </p>
  );
}

export function ConnectPrompt({ what }: { what: string }) {
  const { connect, connecting, walletError } = useChain();
  return (
    <div className="card">
      <p>Connect a wallet to {what}.</p>
      <button type="button" onClick={() => void connect()} disabled={connecting}>
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {walletError && (
        <p className="tx error" role="alert">
          {walletError}
        </p>
      )}
    </div>
  );
}

/** The current time in milliseconds, re-rendering every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-label={title} id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A list of facts: <Facts><Fact term="Stake">5 STAKE</Fact>…</Facts>. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="dl">{children}</dl>;
}

export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** "Loading…" or the query's error in words, in a section titled `title`. */
export function Pending({ title, error }: { title: string; error?: unknown }) {
  return <Section title={title}>{error ? <QueryError error={error} /> : <p>Loading…</p>}</Section>;
}
