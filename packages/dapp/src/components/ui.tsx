// Small shared pieces: form fields with their error, the outcome of a
// transaction, a connect prompt, a ticking clock and a query's error in words.
import { type ReactNode, useEffect, useState } from "react";
import { useChain } from "../chain/ChainProvider";
import type { TxState } from "../chain/tx";
import { errorToSentence } from "../lib/errors";

export function Field(props: { label: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint && <span className="hint">{props.hint}</span>}
      {props.error && (
        <span className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </label>
  );
}

export function TxStatus({ state }: { state: TxState }) {
  if (state.kind === "idle") return null;
  if (state.kind === "pending")
    return (
      <p className="tx pending" role="status">
        {state.label}: waiting for the wallet and the chain…
      </p>
    );
  if (state.kind === "done")
    return (
      <p className="tx done" role="status">
        {state.message}
      </p>
    );
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
      <button onClick={() => void connect()} disabled={connecting}>
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

/** The current time in milliseconds, re-rendering every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function Section(props: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-label={props.title} id={props.id}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function Dl({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="dl">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
