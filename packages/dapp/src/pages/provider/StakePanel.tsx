// The provider's stake: bond and unbond, the unbonding claims and their claim, and deregistration.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, type Tx, useTx, wasmAttribute } from "../../chain/tx";
import { Field, Section, TxStatus, useNow } from "../../components/ui";
import { coinMeta, formatCoin, formatExpiration, formatTimestamp, statusKind } from "../../lib/format";
import type { ProviderResponse, RegistryConfig } from "../../lib/types";
import { validateAmount } from "../../lib/validate";
import { changedBy } from "../../queries/keys";
import { registryQueries } from "../../queries/registry";

export function StakePanel({ account, provider, registry }: { account: Account; provider: ProviderResponse; registry: RegistryConfig }) {
  const { book } = useChain();
  const balance = useBalance(registry.stake_denom, account.address);
  const tx = useTx();
  const denom = registry.stake_denom;
  return (
    <Section title="Stake">
      <p>
        Bonded <strong>{formatCoin(book, provider.stake, denom)}</strong>; wallet balance{" "}
        {balance === undefined ? "…" : formatCoin(book, balance, denom)}; unbonding takes {registry.unbonding_period} s.
      </p>
      <BondFields provider={provider} registry={registry} balance={balance} tx={tx} />
      <UnbondingClaims account={account} provider={provider} registry={registry} tx={tx} />
      <TxStatus state={tx.state} />
    </Section>
  );
}

function BondFields({
  provider,
  registry,
  balance,
  tx,
}: {
  provider: ProviderResponse;
  registry: RegistryConfig;
  balance: bigint | undefined;
  tx: Tx;
}) {
  const { reader, book } = useChain();
  const [bond, setBond] = useState("");
  const [unbond, setUnbond] = useState("");
  const [errors, setErrors] = useState<{ bond?: string; unbond?: string }>({});
  const denom = registry.stake_denom;
  const symbol = coinMeta(book, denom).symbol;
  const changes = changedBy.provider(reader.keys, provider.address);
  const sendBond = () => {
    const amount = validateAmount(bond, denom, book, { max: { amount: balance ?? 0n, what: "your balance" } });
    if (!amount.ok) {
      tx.reset();
      return setErrors({ bond: amount.error });
    }
    setErrors({});
    void tx
      .run({
        label: "Bond",
        send: (sender) =>
          payWith(sender, denom, amount.value, reader.q.providerRegistry.contractAddress, { bond: {} }, (funds) =>
            sender.clients.providerRegistry.bond(GAS, undefined, funds),
          ),
        changes,
        done: () => `Bonded ${formatCoin(book, amount.value, denom)}.`,
      })
      .then((result) => result && setBond(""));
  };
  const sendUnbond = () => {
    const amount = validateAmount(unbond, denom, book, { max: { amount: BigInt(provider.stake), what: "your bonded stake" } });
    if (!amount.ok) {
      tx.reset();
      return setErrors({ unbond: amount.error });
    }
    setErrors({});
    void tx
      .run({
        label: "Unbond",
        send: (sender) => sender.clients.providerRegistry.unbond({ amount: amount.value.toString() }, GAS),
        changes,
        done: (result) => {
          const release = wasmAttribute(result, "release_at");
          return `Unbonding ${formatCoin(book, amount.value, denom)}${release && /^\d+$/.test(release) ? `, released ${formatTimestamp(release)}` : ""}.`;
        },
      })
      .then((result) => result && setUnbond(""));
  };
  return (
    <div className="row">
      <Field label={`Bond (${symbol})`} error={errors.bond}>
        <input name="bond" value={bond} readOnly={tx.pending} onChange={(e) => setBond(e.target.value)} />
      </Field>
      <button type="button" onClick={sendBond} disabled={tx.pending || statusKind(provider.status) === "exiting"}>
        Bond
      </button>
      <Field label={`Unbond (${symbol})`} error={errors.unbond}>
        <input name="unbond" value={unbond} readOnly={tx.pending} onChange={(e) => setUnbond(e.target.value)} />
      </Field>
      <button type="button" onClick={sendUnbond} disabled={tx.pending}>
        Unbond
      </button>
    </div>
  );
}

function UnbondingClaims({
  account,
  provider,
  registry,
  tx,
}: {
  account: Account;
  provider: ProviderResponse;
  registry: RegistryConfig;
  tx: Tx;
}) {
  const { reader, book } = useChain();
  const now = useNow();
  const claims = useQuery(registryQueries.claims(reader, account.address));
  const denom = registry.stake_denom;
  const list = claims.data?.claims ?? [];
  const matured = list.filter((claim) => formatExpiration(claim.release_at, now).matured);
  const maturedTotal = matured.reduce((sum, claim) => sum + BigInt(claim.amount), 0n);
  const kind = statusKind(provider.status);
  const changes = changedBy.provider(reader.keys, provider.address);
  const claim = () => tx.run({ label: "Claim unbonded stake", send: (sender) => sender.clients.providerRegistry.claim(GAS), changes });
  const deregister = () => {
    if (!window.confirm("Deregister? All your stake starts unbonding and you stop being leasable.")) return;
    void tx.run({ label: "Deregister", send: (sender) => sender.clients.providerRegistry.deregister(GAS), changes });
  };
  return (
    <>
      <h3>Unbonding claims</h3>
      {claims.data && list.length === 0 && <p>No unbonding claims.</p>}
      {list.length > 0 && (
        <table data-testid="unbonding-claims">
          <thead>
            <tr>
              <th>Amount</th>
              <th>Released</th>
            </tr>
          </thead>
          <tbody>
            {list.map((item, i) => {
              const release = formatExpiration(item.release_at, now);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the chain's claims list has no id; two claims may share amount and release time
                <tr key={i} className={release.matured ? "matured" : ""}>
                  <td>{formatCoin(book, item.amount, denom)}</td>
                  <td>{release.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {provider.open_disputes > 0 && (
        <p className="warn">
          {provider.open_disputes} open dispute(s) on your charges hold your stake: claiming waits until they are resolved.
        </p>
      )}
      <button type="button" onClick={() => void claim()} disabled={tx.pending || matured.length === 0}>
        Claim matured stake{matured.length ? ` (${formatCoin(book, maturedTotal, denom)})` : ""}
      </button>{" "}
      <button
        type="button"
        className="danger"
        disabled={tx.pending || kind === "exiting" || kind === "jailed"}
        title={kind === "jailed" ? "A jailed provider cannot deregister" : undefined}
        onClick={deregister}
      >
        Deregister
      </button>
    </>
  );
}
