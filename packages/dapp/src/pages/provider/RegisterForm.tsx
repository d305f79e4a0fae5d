// Registration with stake: native funds or a cw20 send with the {"register"} hook, whichever the registry's stake denom is.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, useTx } from "../../chain/tx";
import { Field, Section, TxStatus } from "../../components/ui";
import { coinMeta, denomKey, formatCoin } from "../../lib/format";
import type { RegistryConfig } from "../../lib/types";
import { SERVICES } from "../../lib/types";
import { type Errors, type RegisterForm as RegisterFields, validateRegister } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";
import { registryQueries } from "../../queries/registry";
import { ListingFields } from "./ListingFields";

const EMPTY_FORM: RegisterFields = {
  service: "storage",
  otherService: "",
  endpoint: "",
  region: "",
  capacityAmount: "",
  capacityUnit: "GiB",
  prices: [{ denom: "", perUnit: "" }],
  metadataUri: "",
  stake: "",
  agentKey: "",
};

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
  const registry = useQuery(registryQueries.config(reader));
  const escrow = useQuery(escrowQueries.config(reader));
  const balance = useBalance(registry.data?.stake_denom, account.address);
  const tx = useTx();
  const [form, setForm] = useState<RegisterFields>(EMPTY_FORM);
  const [errors, setErrors] = useState<Errors>({});
  if (!registry.data || !escrow.data) {
    return (
      <Section title="Register as a provider">
        <p>Loading…</p>
      </Section>
    );
  }
  const { stake_denom: stakeDenom, min_stake: minStake } = registry.data;
  const accepted = escrow.data.accepted_denoms;
  // A new price row pays in the first accepted denom until another is chosen.
  const prices = form.prices.map((row) => ({ ...row, denom: row.denom || (accepted[0] ? denomKey(accepted[0]) : "") }));

  const submit = () => {
    const context = { acceptedDenoms: accepted, book, stakeDenom, minStake: BigInt(minStake), bonded, balance: balance ?? 0n };
    const checked = validateRegister({ ...form, prices }, context);
    if (!checked.ok) {
      setErrors(checked.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    setErrors({});
    const { msg, stake } = checked.value;
    void tx.run({
      label: "Register",
      send: (sender) =>
        payWith(sender, stakeDenom, stake, reader.q.providerRegistry.contractAddress, { register: msg }, (funds) =>
          sender.clients.providerRegistry.register(
            { ...msg, metadataUri: msg.metadata_uri ?? undefined, agentPubkey: msg.agent_pubkey ?? undefined },
            GAS,
            undefined,
            funds,
          ),
        ),
      changes: changedBy.provider(reader.keys, account.address),
      done: () => {
        // The form gives way to the dashboard once the registry knows the provider: the page keeps the outcome.
        const message = `Registered with ${formatCoin(book, stake, stakeDenom)} staked.`;
        onRegistered(message);
        return message;
      },
    });
  };

  return (
    <Section title="Register as a provider">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ServiceFields form={form} onChange={setForm} errors={errors} />
        <ListingFields form={{ ...form, prices }} onChange={setForm} errors={errors} accepted={accepted} book={book} />
        <Field
          label={`Stake (${coinMeta(book, stakeDenom).symbol})`}
          error={errors.stake}
          hint={<StakeHint registry={registry.data} balance={balance} bonded={bonded} />}
        >
          <input name="stake" value={form.stake} onChange={(e) => setForm({ ...form, stake: e.target.value })} />
        </Field>
        <Field
          label="Agent key (optional)"
          error={errors.agentKey}
          hint="Your provider agent's public key (hex or base64): stake rewards are credited only for the epochs an oracle proves you live in, which needs it. It can be set later."
        >
          <input name="agentKey" className="mono" value={form.agentKey} onChange={(e) => setForm({ ...form, agentKey: e.target.value })} />
        </Field>
        <button type="submit" disabled={tx.pending}>
          Register and stake
        </button>
      </form>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function ServiceFields({ form, onChange, errors }: { form: RegisterFields; onChange: (form: RegisterFields) => void; errors: Errors }) {
  return (
    <>
      <Field label="Service" error={errors.service}>
        <select name="service" value={form.service} onChange={(e) => onChange({ ...form, service: e.target.value })}>
          {SERVICES.map((service) => (
            <option key={service} value={service}>
              {service}
            </option>
          ))}
          <option value="other">other…</option>
        </select>
      </Field>
      {form.service === "other" && (
        <Field label="Service name" error={errors.otherService}>
          <input name="otherService" value={form.otherService} onChange={(e) => onChange({ ...form, otherService: e.target.value })} />
        </Field>
      )}
    </>
  );
}

function StakeHint({ registry, balance, bonded }: { registry: RegistryConfig; balance: bigint | undefined; bonded: bigint }) {
  const { book } = useChain();
  const denom = registry.stake_denom;
  return (
    <>
      Minimum stake {formatCoin(book, registry.min_stake, denom)}; balance {balance === undefined ? "…" : formatCoin(book, balance, denom)}
      {bonded > 0n ? `; ${formatCoin(book, bonded, denom)} still bonded counts` : ""}. Unbonding takes {registry.unbonding_period} s.
    </>
  );
}
