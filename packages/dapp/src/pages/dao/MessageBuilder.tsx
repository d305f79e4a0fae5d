// The messages of a new proposal, built from templates (escrow fee, arbiters, registry oracles,
// min_stake, a treasury payment) or written as raw JSON, checked before they join the draft.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { Field } from "../../components/ui";
import { coinMeta, formatCoin } from "../../lib/format";
import { EMPTY_TEMPLATE, TEMPLATE_LABELS, type TemplateForm, type TemplateKind, templateMsgs } from "../../lib/proposals";
import type { CosmosMsg, RegistryConfig } from "../../lib/types";
import type { Errors } from "../../lib/validate";
import { registryQueries } from "../../queries/registry";

const RAW_HINT =
  'A wasm execute "msg" may be written as JSON; it is base64-encoded for you. Example: {"wasm":{"execute":{"contract_addr":"…","msg":{"update_config":{}}}}}';

export function MessageBuilder({ onAdd }: { onAdd: (msgs: CosmosMsg[]) => void }) {
  const { reader, book, config } = useChain();
  const registry = useQuery(registryQueries.config(reader));
  const [template, setTemplate] = useState<TemplateForm>(EMPTY_TEMPLATE);
  const [errors, setErrors] = useState<Errors>({});
  if (!registry.data) return null;
  const paymentDenoms = [...config.coins.map((coin) => coin.denom), config.addresses.rewardToken];
  const context = { contracts: config.addresses, prefix: config.bech32Prefix, book, stakeDenom: registry.data.stake_denom, paymentDenoms };
  const add = () => {
    const built = templateMsgs({ ...template, denom: template.denom || paymentDenoms[0] }, context);
    if (!built.ok) return setErrors(built.errors);
    setErrors({});
    onAdd(built.value);
    setTemplate({ ...EMPTY_TEMPLATE, kind: template.kind });
  };
  return (
    <fieldset>
      <legend>Add a message</legend>
      <Field label="Template">
        <select
          name="template"
          value={template.kind}
          onChange={(e) => {
            setErrors({});
            setTemplate({ ...EMPTY_TEMPLATE, kind: e.target.value as TemplateKind });
          }}
        >
          {(Object.keys(TEMPLATE_LABELS) as TemplateKind[]).map((kind) => (
            <option key={kind} value={kind}>
              {TEMPLATE_LABELS[kind]}
            </option>
          ))}
        </select>
      </Field>
      <TemplateFields
        template={template}
        onChange={(patch) => setTemplate({ ...template, ...patch })}
        errors={errors}
        registry={registry.data}
        paymentDenoms={paymentDenoms}
      />
      <button type="button" onClick={add}>
        Add message
      </button>
    </fieldset>
  );
}

/** The fields of the chosen template. */
function TemplateFields({
  template,
  onChange,
  errors,
  registry,
  paymentDenoms,
}: {
  template: TemplateForm;
  onChange: (patch: Partial<TemplateForm>) => void;
  errors: Errors;
  registry: RegistryConfig;
  paymentDenoms: string[];
}) {
  const { book } = useChain();
  const input = (field: Exclude<keyof TemplateForm, "kind">) => ({
    name: field,
    value: template[field],
    onChange: (e: { target: { value: string } }) => onChange({ [field]: e.target.value }),
  });
  switch (template.kind) {
    case "escrow_fee":
      return (
        <Field label="New protocol fee (%)" error={errors.feePercent}>
          <input {...input("feePercent")} />
        </Field>
      );
    case "arbiters":
    case "oracles":
      return (
        <>
          <Field label={`Add ${template.kind} (addresses, one per line)`} error={errors.add}>
            <textarea rows={2} {...input("add")} />
          </Field>
          <Field label={`Remove ${template.kind}`} error={errors.remove}>
            <textarea rows={2} {...input("remove")} />
          </Field>
        </>
      );
    case "min_stake":
      return (
        <Field
          label={`New minimum stake (${coinMeta(book, registry.stake_denom).symbol})`}
          error={errors.minStake}
          hint={`Now ${formatCoin(book, registry.min_stake, registry.stake_denom)}. Providers below it read inactive at once.`}
        >
          <input {...input("minStake")} />
        </Field>
      );
    case "treasury_payment":
      return (
        <>
          <Field label="Recipient" error={errors.recipient}>
            <input {...input("recipient")} />
          </Field>
          <div className="row">
            <Field label="Amount" error={errors.amount}>
              <input {...input("amount")} />
            </Field>
            <Field label="Denom" error={errors.denom}>
              <select name="paymentDenom" value={template.denom || paymentDenoms[0]} onChange={(e) => onChange({ denom: e.target.value })}>
                {paymentDenoms.map((denom) => (
                  <option key={denom} value={denom}>
                    {coinMeta(book, denom).symbol}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </>
      );
    case "raw":
      return (
        <Field label="Messages (JSON: one CosmosMsg or an array)" error={errors.raw} hint={RAW_HINT}>
          <textarea rows={6} {...input("raw")} />
        </Field>
      );
  }
}
