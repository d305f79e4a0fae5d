// Choose a provider and open a metered, streaming or receipts lease, with the price guard set from the price shown.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, useTx, wasmAttribute } from "../../chain/tx";
import { Field, Section, TxStatus, useNow } from "../../components/ui";
import { coinMeta, denomKey, formatCoin, formatProviderStatus, serviceLabel, shortAddress } from "../../lib/format";
import { createSessionKey } from "../../lib/receipts";
import { addressError, type Errors, type LeaseMode, type OpenLeaseForm, validateOpenLease } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { registryQueries } from "../../queries/registry";
import { navigate, type Route } from "../../router";

export function OpenLease({ account, route }: { account: Account; route: Route }) {
  const { reader, book, config } = useChain();
  const now = useNow(5000);
  const chosen = route.params.get("provider") ?? "";
  const [address, setAddress] = useState(chosen);
  useEffect(() => setAddress(chosen), [chosen]);
  const active = useQuery(registryQueries.providers(reader, { status: "active", limit: 100 }));
  const provider = useQuery(registryQueries.provider(reader, chosen));
  const escrow = useQuery(escrowQueries.config(reader));
  const [form, setForm] = useState<OpenLeaseForm>({ mode: "metered", denom: "", deposit: "", rate: "" });
  const p = provider.data ?? null;
  const accepted = escrow.data?.accepted_denoms ?? [];
  const leasable = p ? p.prices.filter((x) => accepted.some((d) => denomKey(d) === denomKey(x.denom))) : [];
  const denom = form.denom || (leasable[0] ? denomKey(leasable[0].denom) : "");
  const denomObj = leasable.find((x) => denomKey(x.denom) === denom)?.denom;
  const balance = useBalance(denomObj, account.address);
  const price = leasable.find((x) => denomKey(x.denom) === denom);
  const [errors, setErrors] = useState<Errors>({});
  const tx = useTx();

  const choose = (a: string) => navigate("/consumer", { provider: a || undefined });

  const submit = async () => {
    if (!p) return;
    // A receipts lease registers a fresh session key, made and kept in this browser.
    const pubkey =
      form.mode === "receipts"
        ? createSessionKey(localStorage, config.chainId, config.addresses.billingEscrow, (n) => crypto.getRandomValues(new Uint8Array(n)))
        : undefined;
    const v = validateOpenLease(
      { ...form, denom },
      { provider: p, consumer: account.address, acceptedDenoms: accepted, book, balance: balance ?? 0n, receiptPubkey: pubkey },
    );
    if (!v.ok) {
      setErrors(v.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    setErrors({});
    const { msg, deposit, denom: d } = v.value;
    await tx.run(
      "Open lease",
      (a) =>
        payWith(a, d, deposit, config.addresses.billingEscrow, { open_lease: msg }, (funds) =>
          a.clients.billingEscrow.openLease(
            { provider: msg.provider, billing: msg.billing, maxPricePerUnit: msg.max_price_per_unit ?? undefined },
            GAS,
            undefined,
            funds,
          ),
        ),
      (r) => `Opened ${form.mode} lease ${wasmAttribute(r, "lease_id") ?? ""} with ${formatCoin(book, deposit, d)}.`,
    );
  };

  return (
    <Section title="Open a lease">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const err = address.trim() ? addressError(address, config.bech32Prefix, "The provider address") : null;
          if (err) setErrors({ address: err });
          else {
            setErrors({});
            choose(address.trim());
          }
        }}
      >
        <Field label="Active provider">
          <select aria-label="Provider" value={chosen} onChange={(e) => choose(e.target.value)}>
            <option value="">choose…</option>
            {(active.data?.providers ?? []).map((x) => (
              <option key={x.address} value={x.address}>
                {serviceLabel(x.service)} · {x.region} · {shortAddress(x.address)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="or an address" error={errors.address}>
          <input name="providerAddress" value={address} onChange={(e) => setAddress(e.target.value)} />
        </Field>
        <button type="submit">Choose</button>
      </form>
      {chosen && provider.data === null && <p role="alert">{chosen} is not a registered provider.</p>}
      {p && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p data-testid="chosen-provider">
            {serviceLabel(p.service)} in {p.region}, {formatProviderStatus(p.status, now)}, capacity {p.capacity.amount} {p.capacity.unit}.
          </p>
          {errors.provider && (
            <p className="field-error" role="alert">
              {errors.provider}
            </p>
          )}
          <Field label="Billing" error={errors.mode}>
            <select name="mode" value={form.mode} onChange={(e) => setForm({ ...form, mode: e.target.value as LeaseMode })}>
              <option value="metered">metered: the provider reports usage, you may dispute each charge</option>
              <option value="streaming">streaming: pay per second once the provider accepts</option>
              <option value="receipts">receipts: sign cumulative usage receipts in this browser</option>
            </select>
          </Field>
          <Field label="Pay in" error={errors.denom}>
            <select name="denom" value={denom} onChange={(e) => setForm({ ...form, denom: e.target.value })}>
              {leasable.map((x) => (
                <option key={denomKey(x.denom)} value={denomKey(x.denom)}>
                  {coinMeta(book, x.denom).symbol}
                </option>
              ))}
            </select>
          </Field>
          {price && (
            <p data-testid="price-guard">
              Price {formatCoin(book, price.per_unit, price.denom)} per {p.capacity.unit}. The lease is opened with{" "}
              <code>max_price_per_unit</code> = {price.per_unit} (this price): if the provider raises it before your transaction lands, the
              escrow refuses instead of charging more.
            </p>
          )}
          <Field
            label={`Deposit (${denomObj ? coinMeta(book, denomObj).symbol : ""})`}
            error={errors.deposit}
            hint={balance !== undefined && denomObj ? `Balance ${formatCoin(book, balance, denomObj)}` : undefined}
          >
            <input name="deposit" value={form.deposit} onChange={(e) => setForm({ ...form, deposit: e.target.value })} />
          </Field>
          {form.mode === "streaming" && (
            <Field label={`Rate per second (${denomObj ? coinMeta(book, denomObj).symbol : ""})`} error={errors.rate}>
              <input name="rate" value={form.rate} onChange={(e) => setForm({ ...form, rate: e.target.value })} />
            </Field>
          )}
          {form.mode === "receipts" && (
            <p className="hint">
              A session key is created in this browser for the lease; its public key goes into the lease, and the key stays in this
              browser's local storage to sign receipts.
            </p>
          )}
          <button type="submit" disabled={tx.pending}>
            Open lease
          </button>
        </form>
      )}
      <TxStatus state={tx.state} />
    </Section>
  );
}
