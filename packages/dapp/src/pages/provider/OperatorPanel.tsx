// The provider's operator (issue 26): the hot key of a fleet agent that may report usage, redeem
// receipts and settle this provider's leases and claim its rewards (minted to the provider), named,
// changed or removed with set_operator.
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { GAS, useTx } from "../../chain/tx";
import { Address, Fact, Facts, Field, Section, TxStatus } from "../../components/ui";
import { validateOperator } from "../../lib/fleet";
import { shortAddress } from "../../lib/format";
import type { ProviderResponse } from "../../lib/types";
import { changedBy } from "../../queries/keys";

export function OperatorPanel({ provider }: { provider: ProviderResponse }) {
  const { config, reader } = useChain();
  const tx = useTx();
  const [input, setInput] = useState("");
  const [error, setError] = useState<string | null>(null);
  const current = provider.operator ?? null;
  const changes = changedBy.provider(reader.keys, provider.address);
  const submit = () => {
    const checked = validateOperator(input, { prefix: config.bech32Prefix, provider: provider.address, current });
    if (!checked.ok) {
      setError(checked.error);
      tx.fail("Fix the operator address; nothing was sent.");
      return;
    }
    setError(null);
    const operator = checked.value;
    void tx
      .run({
        label: current ? "Change operator" : "Set operator",
        send: (sender) => sender.clients.providerRegistry.setOperator({ operator }, GAS),
        changes,
        done: () =>
          `Operator set to ${shortAddress(operator)}: it may now report usage, redeem receipts and settle your leases, and claim your rewards (minted to you).`,
      })
      .then((result) => result && setInput(""));
  };
  const remove = () => {
    setError(null);
    void tx.run({
      label: "Remove operator",
      send: (sender) => sender.clients.providerRegistry.setOperator({}, GAS),
      changes,
      done: () => "Operator removed: from now on only this wallet acts for your provider.",
    });
  };
  return (
    <Section title="Operator">
      <p className="hint">
        A fleet agent serving many providers signs with one hot key, its operator address: once you name it, it may report usage, redeem
        receipts and settle your leases, and claim your rewards, which are always minted to this address. Remove it at once if its key is
        lost.
      </p>
      <Facts>
        <Fact term="Operator">
          <span data-testid="my-operator">{current ? <Address address={current} /> : "none: only this wallet acts for your provider"}</span>
        </Fact>
      </Facts>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field
          label={current ? "New operator address" : "Operator address"}
          hint={`The fleet agent's address (${config.bech32Prefix}1…), not this provider's`}
          error={error ?? undefined}
        >
          <input
            name="operator"
            className="mono"
            value={input}
            readOnly={tx.pending}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setInput(e.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" disabled={tx.pending}>
            {current ? "Change operator" : "Set operator"}
          </button>
          {current && (
            <button type="button" className="danger" onClick={remove} disabled={tx.pending}>
              Remove operator
            </button>
          )}
        </div>
      </form>
      <TxStatus state={tx.state} />
    </Section>
  );
}
