// Registration with stake: native funds or a cw20 send with the {"register"} hook, whichever the registry's stake denom is.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, useTx } from "../../chain/tx";
import { Field, Section, TxStatus } from "../../components/ui";
import { coinMeta, denomKey, formatCoin } from "../../lib/format";
import { SERVICES } from "../../lib/types";
import { type Errors, type RegisterForm as Form, validateRegister } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { registryQueries } from "../../queries/registry";
import { ListingFields } from "./ListingFields";

export function RegisterForm({
  account,
  bonded,
  onRegistered,
}: {
  account: Account;
  bonded: bigint;
  onRegistered: (message: string) => void;
}) {
  const { reader, book } = useChain();
  const cfg = useQuery(registryQueries.config(reader));
  const escrow = useQuery(escrowQueries.config(reader));
  const balance = useBalance(cfg.data?.stake_denom, account.address);
  const tx = useTx();
  const accepted = escrow.data?.accepted_denoms ?? [];
  const [form, setForm] = useState<Form>({
    service: "storage",
    otherService: "",
    endpoint: "",
    region: "",
    capacityAmount: "",
    capacityUnit: "GiB",
    prices: [{ denom: "", perUnit: "" }],
    metadataUri: "",
    stake: "",
  });
  const [errors, setErrors] = useState<Errors>({});
  if (!cfg.data || !escrow.data)
    return (
      <Section title="Register as a provider">
        <p>Loading…</p>
      </Section>
    );
  const stakeDenom = cfg.data.stake_denom;
  const prices = form.prices.map((p) => ({ ...p, denom: p.denom || denomKey(accepted[0]) }));

  const submit = async () => {
    const v = validateRegister(
      { ...form, prices },
      { acceptedDenoms: accepted, book, stakeDenom, minStake: BigInt(cfg.data!.min_stake), bonded, balance: balance ?? 0n },
    );
    if (!v.ok) {
      setErrors(v.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    setErrors({});
    const { msg, stake } = v.value;
    await tx.run(
      "Register",
      (a) =>
        payWith(a, stakeDenom, stake, reader.q.providerRegistry.contractAddress, { register: msg }, (funds) =>
          a.clients.providerRegistry.register({ ...msg, metadataUri: msg.metadata_uri ?? undefined }, GAS, undefined, funds),
        ),
      () => {
        // The form gives way to the dashboard once the registry knows the provider: the page keeps the outcome.
        const message = `Registered with ${formatCoin(book, stake, stakeDenom)} staked.`;
        onRegistered(message);
        return message;
      },
    );
  };

  return (
    <Section title="Register as a provider">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Service" error={errors.service}>
          <select name="service" value={form.service} onChange={(e) => setForm({ ...form, service: e.target.value })}>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="other">other…</option>
          </select>
        </Field>
        {form.service === "other" && (
          <Field label="Service name" error={errors.otherService}>
            <input name="otherService" value={form.otherService} onChange={(e) => setForm({ ...form, otherService: e.target.value })} />
          </Field>
        )}
        <ListingFields form={{ ...form, prices }} set={setForm} errors={errors} accepted={accepted} book={book} />
        <Field
          label={`Stake (${coinMeta(book, stakeDenom).symbol})`}
          error={errors.stake}
          hint={
            <>
              Minimum stake {formatCoin(book, cfg.data.min_stake, stakeDenom)}; balance{" "}
              {balance === undefined ? "…" : formatCoin(book, balance, stakeDenom)}
              {bonded > 0n ? `; ${formatCoin(book, bonded, stakeDenom)} still bonded counts` : ""}. Unbonding takes{" "}
              {cfg.data.unbonding_period} s.
            </>
          }
        >
          <input name="stake" value={form.stake} onChange={(e) => setForm({ ...form, stake: e.target.value })} />
        </Field>
        <button type="submit" disabled={tx.pending}>
          Register and stake
        </button>
      </form>
      <TxStatus state={tx.state} />
    </Section>
  );
}
