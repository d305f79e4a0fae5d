// Every transaction the dApp sends goes through useTx: it runs the call, shows
// "Sending…", then the outcome in words (errorToSentence for failures, never a
// stack trace), and refreshes every chain read afterwards.

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { errorToSentence } from "../lib/errors";
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

/** The first value of a wasm event attribute of a transaction. */
export function wasmAttribute(result: TxResult, key: string): string | undefined {
  return result.events
    .filter((e) => e.type === "wasm")
    .flatMap((e) => e.attributes)
    .find((a) => a.key === key)?.value;
}

export function useTx() {
  const { account } = useChain();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ kind: "idle" });
  const run = useCallback(
    async (
      label: string,
      call: (account: Account) => Promise<TxResult>,
      done?: (result: TxResult) => string | void,
    ): Promise<TxResult | null> => {
      if (!account) {
        setState({ kind: "error", message: "Connect a wallet first." });
        return null;
      }
      setState({ kind: "pending", label });
      try {
        const result = await call(account);
        const message = done?.(result) || `${label}: done.`;
        setState({ kind: "done", message, hash: result.transactionHash });
        await queryClient.invalidateQueries();
        return result;
      } catch (err) {
        setState({ kind: "error", message: errorToSentence(err) });
        return null;
      }
    },
    [account, queryClient],
  );
  const fail = useCallback((message: string) => setState({ kind: "error", message }), []);
  return { state, run, fail, pending: state.kind === "pending", reset: () => setState({ kind: "idle" }) };
}
