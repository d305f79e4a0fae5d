// Choose a provider and open a metered, streaming or receipts lease, with the price guard set from the price shown.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, useTx, wasmAttribute } from "../../chain/tx";
import { Field, Section, TxStatus, useNow } from "../../components/ui";
import { priceGuardRefusal } from "../../lib/errors";
import { coinMeta, denomKey, formatCoin, formatProviderStatus, serviceLabel, shortAddress } from "../../lib/format";
import { generateSessionKey, type SessionKey, storeSessionKey } from "../../lib/receipts";
import type { Denom, ProviderResponse } from "../../lib/types";
import { addressError, type Errors, type LeaseMode, type OpenLeaseForm, validateOpenLease } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";
import { registryQueries } from "../../queries/registry";
import { navigate, type Route } from "../../router";
import { announceSessionKeys } from "./ReceiptSigner";

type Price = ProviderResponse["prices"][number];

const choose = (address: string) => navigate("/consumer", { provider: address || undefined });

export function OpenLease({ account, route }: { account: Account; route: Route }) {
  const { reader } = useChain();
  const chosen = route.params.get("provider") ?? "";
  const provider = useQuery(registryQueries.provider(reader, chosen));
  return (
    <Section title="Open a lease">
      <ProviderChooser chosen={chosen} />
      {chosen && provider.data === null && <p role="alert">{chosen} is not a registered provider.</p>}
      {provider.data && (
        <LeaseForm key={provider.data.address} account={account} provider={provider.data} refetchProvider={() => void provider.refetch()} />
      )}
    </Section>
  );
}

/** An active provider from the list, or any address typed in. */
function ProviderChooser({ chosen }: { chosen: string }) {
  const { reader, config } = useChain();
  const active = useQuery(registryQueries.providers(reader, { status: "active", limit: 100 }));
  const [address, setAddress] = useState(chosen);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setAddress(chosen), [chosen]);
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        const problem = address.trim() ? addressError(address, config.bech32Prefix, "The provider address") : null;
        setError(problem ?? undefined);
        if (!problem) choose(address.trim());
      }}
    >
      <Field label="Active provider">
        <select aria-label="Provider" value={chosen} onChange={(e) => choose(e.target.value)}>
          <option value="">choose…</option>
          {(active.data?.providers ?? []).map((provider) => (
            <option key={provider.address} value={provider.address}>
              {serviceLabel(provider.service)} · {provider.region} · {shortAddress(provider.address)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="or an address" error={error}>
        <input name="providerAddress" value={address} onChange={(e) => setAddress(e.target.value)} />
      </Field>
      <button type="submit">Choose</button>
    </form>
  );
}

/**
 * A receipts lease's session key: made in memory (one per form, reused after a failed attempt) and
 * written to local storage only once its lease exists, so a refused form or signature leaves nothing.
 */
function useSessionKey() {
  const { config } = useChain();
  const key = useRef<SessionKey | null>(null);
  return {
    current: (): SessionKey => {
      key.current ??= generateSessionKey((length) => crypto.getRandomValues(new Uint8Array(length)));
      return key.current;
    },
    keep: (leaseId: number) => {
      if (key.current) {
        storeSessionKey(localStorage, config.chainId, config.addresses.billingEscrow, key.current, leaseId);
        announceSessionKeys();
      }
      key.current = null;
    },
  };
}

function LeaseForm({ account, provider, refetchProvider }: { account: Account; provider: ProviderResponse; refetchProvider: () => void }) {
  const { reader, book, config } = useChain();
  const now = useNow(5000);
  const escrow = useQuery(escrowQueries.config(reader));
  const [form, setForm] = useState<OpenLeaseForm>({ mode: "metered", denom: "", deposit: "", rate: "" });
  const [errors, setErrors] = useState<Errors>({});
  const tx = useTx();
  const accepted = escrow.data?.accepted_denoms ?? [];
  const leasable = provider.prices.filter((price) => accepted.some((denom) => denomKey(denom) === denomKey(price.denom)));
  const price = leasable.find((candidate) => denomKey(candidate.denom) === form.denom) ?? leasable[0];
  const balance = useBalance(price?.denom, account.address);

  const sessionKey = useSessionKey();
  /** The price guard's refusal in display units (the provider changed the price meanwhile); the new price is fetched. */
  const explain = (err: unknown): string | undefined => {
    const refusal = price && priceGuardRefusal(err, (amount) => formatCoin(book, amount, price.denom), provider.capacity.unit);
    if (refusal) refetchProvider();
    return refusal || undefined;
  };

  const submit = () => {
    const key = form.mode === "receipts" ? sessionKey.current() : undefined;
    const context = {
      provider,
      consumer: account.address,
      acceptedDenoms: accepted,
      book,
      balance: balance ?? 0n,
      receiptPubkey: key?.pubkey,
    };
    const checked = validateOpenLease({ ...form, denom: price ? denomKey(price.denom) : "" }, context);
    if (!checked.ok) {
      setErrors(checked.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    setErrors({});
    const { msg, deposit, denom } = checked.value;
    const openLease = { provider: msg.provider, billing: msg.billing, maxPricePerUnit: msg.max_price_per_unit ?? undefined };
    void tx
      .run({
        label: "Open lease",
        send: (sender) =>
          payWith(sender, denom, deposit, config.addresses.billingEscrow, { open_lease: msg }, (funds) =>
            sender.clients.billingEscrow.openLease(openLease, GAS, undefined, funds),
          ),
        changes: changedBy.newLease(reader.keys),
        done: (result) => `Opened ${form.mode} lease ${wasmAttribute(result, "lease_id") ?? ""} with ${formatCoin(book, deposit, denom)}.`,
        explain,
      })
      .then((result) => {
        if (!result) return;
        if (key) sessionKey.keep(Number(wasmAttribute(result, "lease_id")));
        setForm({ ...form, deposit: "", rate: "" });
      });
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p data-testid="chosen-provider">
        {serviceLabel(provider.service)} in {provider.region}, {formatProviderStatus(provider.status, now)}, capacity{" "}
        {provider.capacity.amount} {provider.capacity.unit}.
      </p>
      {errors.provider && (
        <p className="field-error" role="alert">
          {errors.provider}
        </p>
      )}
      <LeaseTerms form={form} setForm={setForm} errors={errors} provider={provider} leasable={leasable} price={price} balance={balance} />
      <button type="submit" disabled={tx.pending}>
        Open lease
      </button>
      <TxStatus state={tx.state} />
    </form>
  );
}

/** Billing mode, denom (with the price guard it sets), deposit and, for streaming, the rate. */
function LeaseTerms({
  form,
  setForm,
  errors,
  provider,
  leasable,
  price,
  balance,
}: {
  form: OpenLeaseForm;
  setForm: (form: OpenLeaseForm) => void;
  errors: Errors;
  provider: ProviderResponse;
  leasable: Price[];
  /** The price in the chosen denom (the first leasable one until another is chosen). */
  price: Price | undefined;
  balance: bigint | undefined;
}) {
  const { book } = useChain();
  const denom: Denom | undefined = price?.denom;
  const symbol = denom ? coinMeta(book, denom).symbol : "";
  return (
    <>
      <Field label="Billing" error={errors.mode}>
        <select name="mode" value={form.mode} onChange={(e) => setForm({ ...form, mode: e.target.value as LeaseMode })}>
          <option value="metered">metered: the provider reports usage, you may dispute each charge</option>
          <option value="streaming">streaming: pay per second once the provider accepts</option>
          <option value="receipts">receipts: sign cumulative usage receipts in this browser</option>
        </select>
      </Field>
      <Field label="Pay in" error={errors.denom}>
        <select name="denom" value={denom ? denomKey(denom) : ""} onChange={(e) => setForm({ ...form, denom: e.target.value })}>
          {leasable.map((option) => (
            <option key={denomKey(option.denom)} value={denomKey(option.denom)}>
              {coinMeta(book, option.denom).symbol}
            </option>
          ))}
        </select>
      </Field>
      {price && (
        <p data-testid="price-guard">
          Price {formatCoin(book, price.per_unit, price.denom)} per {provider.capacity.unit}. The lease is opened with this price as its
          limit (<code>max_price_per_unit</code>): if the provider raises it before your transaction lands, the escrow refuses instead of
          charging more.
        </p>
      )}
      <Field
        label={`Deposit (${symbol})`}
        error={errors.deposit}
        hint={balance !== undefined && denom ? `Balance ${formatCoin(book, balance, denom)}` : undefined}
      >
        <input name="deposit" value={form.deposit} onChange={(e) => setForm({ ...form, deposit: e.target.value })} />
      </Field>
      {form.mode === "streaming" && (
        <Field label={`Rate per second (${symbol})`} error={errors.rate}>
          <input name="rate" value={form.rate} onChange={(e) => setForm({ ...form, rate: e.target.value })} />
        </Field>
      )}
      {form.mode === "receipts" && (
        <p className="hint">
          A session key is created in this browser for the lease; its public key goes into the lease, and once the lease is open the key is
          kept in this browser's local storage to sign receipts.
        </p>
      )}
    </>
  );
}
