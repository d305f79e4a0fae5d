// Every transaction the dApp sends goes through useTx: it runs the call, shows
// "Sending…", then the outcome in words (errorToSentence for failures, never a
// stack trace), and refreshes what the transaction changed: the reads it names
// (queries/keys.ts changedBy) and the sender's balances (every transaction pays a fee).
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { errorToSentence } from "../lib/errors";
import type { QueryKey } from "../queries/keys";
import { type Account, useChain } from "./ChainProvider";

export interface TxResult {
  transactionHash: string;
  events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[];
}

/** Gas: simulate × 1.5 (the chain's state may move between simulation and execution: reward epochs, matured charges). */
export const GAS = 1.5;

export type TxState =
  | { kind: "idle" }
  | { kind: "pending"; label: string }
  | { kind: "done"; message: string; hash: string }
  | { kind: "error"; message: string };

/** One transaction: what it is called, how it is sent, what it changes, and what to say when it lands. */
export interface TxRequest {
  label: string;
  send: (account: Account) => Promise<TxResult>;
  /** The query key prefixes the transaction changes (the sender's balances are always refreshed). */
  changes: QueryKey[];
  /** The sentence shown once it lands (default "<label>: done."). */
  done?: (result: TxResult) => string | undefined;
  /** A sentence of its own for a failure this transaction knows better (default errorToSentence). */
  explain?: (err: unknown) => string | undefined;
}

/** The first value of a wasm event attribute of a transaction. */
export function wasmAttribute(result: TxResult, key: string): string | undefined {
  return result.events
    .filter((event) => event.type === "wasm")
    .flatMap((event) => event.attributes)
    .find((attribute) => attribute.key === key)?.value;
}

export function useTx() {
  const { account, reader } = useChain();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ kind: "idle" });
  const run = useCallback(
    async (request: TxRequest): Promise<TxResult | null> => {
      if (!account) {
        setState({ kind: "error", message: "Connect a wallet first." });
        return null;
      }
      setState({ kind: "pending", label: request.label });
      try {
        const result = await request.send(account);
        const message = request.done?.(result) || `${request.label}: done.`;
        setState({ kind: "done", message, hash: result.transactionHash });
        const changed = [...request.changes, reader.keys.balances(account.address)];
        await Promise.all(changed.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
        return result;
      } catch (err) {
        setState({ kind: "error", message: request.explain?.(err) ?? errorToSentence(err) });
        return null;
      }
    },
    [account, reader, queryClient],
  );
  const fail = useCallback((message: string) => setState({ kind: "error", message }), []);
  // A form that finds an error before sending clears the last outcome: no green "done" beside a new red error.
  const reset = useCallback(() => setState({ kind: "idle" }), []);
  return { state, run, fail, pending: state.kind === "pending", reset };
}
export type Tx = ReturnType<typeof useTx>;
