// The listing fields shared by registration and update: endpoint, region, capacity, prices, metadata.
import { Field } from "../../components/ui";
import { type CoinBook, coinMeta, denomKey } from "../../lib/format";
import type { Denom } from "../../lib/types";
import type { Errors, ListingForm } from "../../lib/validate";

export function ListingFields<F extends ListingForm>(props: {
  form: F;
  set: (f: F) => void;
  errors: Errors;
  accepted: Denom[];
  book: CoinBook;
}) {
  const { form, set, errors, accepted, book } = props;
  const setPrice = (i: number, patch: Partial<F["prices"][number]>) =>
    set({ ...form, prices: form.prices.map((p, j) => (i === j ? { ...p, ...patch } : p)) });
  return (
    <>
      <Field label="Endpoint" error={errors.endpoint}>
        <input
          name="endpoint"
          value={form.endpoint}
          placeholder="https://node.example.com"
          onChange={(e) => set({ ...form, endpoint: e.target.value })}
        />
      </Field>
      <Field label="Region" error={errors.region}>
        <input name="region" value={form.region} placeholder="eu-west" onChange={(e) => set({ ...form, region: e.target.value })} />
      </Field>
      <div className="row">
        <Field label="Capacity" error={errors.capacityAmount}>
          <input
            name="capacityAmount"
            value={form.capacityAmount}
            inputMode="numeric"
            onChange={(e) => set({ ...form, capacityAmount: e.target.value })}
          />
        </Field>
        <Field label="Unit" error={errors.capacityUnit}>
          <input
            name="capacityUnit"
            value={form.capacityUnit}
            placeholder="GiB"
            onChange={(e) => set({ ...form, capacityUnit: e.target.value })}
          />
        </Field>
      </div>
      <fieldset>
        <legend>Prices per {form.capacityUnit || "unit"}</legend>
        {form.prices.map((p, i) => (
          <div className="row" key={i}>
            <Field label={`Price ${i + 1}`} error={errors[`price${i}`]}>
              <input
                name={`price${i}`}
                value={p.perUnit}
                placeholder="0.00001"
                onChange={(e) => setPrice(i, { perUnit: e.target.value } as Partial<F["prices"][number]>)}
              />
            </Field>
            <Field label="Denom">
              <select
                name={`priceDenom${i}`}
                value={p.denom}
                onChange={(e) => setPrice(i, { denom: e.target.value } as Partial<F["prices"][number]>)}
              >
                {accepted.map((d) => (
                  <option key={denomKey(d)} value={denomKey(d)}>
                    {coinMeta(book, d).symbol}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" className="link" onClick={() => set({ ...form, prices: form.prices.filter((_, j) => j !== i) })}>
              remove
            </button>
          </div>
        ))}
        {errors.prices && (
          <span className="field-error" role="alert">
            {errors.prices}
          </span>
        )}
        <button
          type="button"
          className="link"
          onClick={() => set({ ...form, prices: [...form.prices, { denom: accepted[0] ? denomKey(accepted[0]) : "", perUnit: "" }] })}
        >
          add a price
        </button>
      </fieldset>
      <Field label="Metadata URI (optional)" error={errors.metadataUri}>
        <input name="metadataUri" value={form.metadataUri} onChange={(e) => set({ ...form, metadataUri: e.target.value })} />
      </Field>
    </>
  );
}
