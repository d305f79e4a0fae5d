// The listing fields shared by registration and update: endpoint, region, capacity, prices, metadata.
import { Field } from "../../components/ui";
import { type CoinBook, coinMeta, denomKey } from "../../lib/format";
import type { Denom } from "../../lib/types";
import type { Errors, ListingForm, PriceRow } from "../../lib/validate";

export function ListingFields<Form extends ListingForm>({
  form,
  onChange,
  errors,
  accepted,
  book,
}: {
  form: Form;
  onChange: (form: Form) => void;
  errors: Errors;
  accepted: Denom[];
  book: CoinBook;
}) {
  const setField = (field: keyof ListingForm) => (e: { target: { value: string } }) => onChange({ ...form, [field]: e.target.value });
  const setPrices = (prices: PriceRow[]) => onChange({ ...form, prices });
  return (
    <>
      <Field label="Endpoint" error={errors.endpoint}>
        <input name="endpoint" value={form.endpoint} placeholder="https://node.example.com" onChange={setField("endpoint")} />
      </Field>
      <Field label="Region" error={errors.region}>
        <input name="region" value={form.region} placeholder="eu-west" onChange={setField("region")} />
      </Field>
      <div className="row">
        <Field label="Capacity" error={errors.capacityAmount}>
          <input name="capacityAmount" value={form.capacityAmount} inputMode="numeric" onChange={setField("capacityAmount")} />
        </Field>
        <Field label="Unit" error={errors.capacityUnit}>
          <input name="capacityUnit" value={form.capacityUnit} placeholder="GiB" onChange={setField("capacityUnit")} />
        </Field>
      </div>
      <PriceFields unit={form.capacityUnit} prices={form.prices} onChange={setPrices} errors={errors} accepted={accepted} book={book} />
      <Field label="Metadata URI (optional)" error={errors.metadataUri}>
        <input name="metadataUri" value={form.metadataUri} onChange={setField("metadataUri")} />
      </Field>
    </>
  );
}

/** The price rows: a price per unit in each accepted denom the provider lists. */
function PriceFields({
  unit,
  prices,
  onChange,
  errors,
  accepted,
  book,
}: {
  unit: string;
  prices: PriceRow[];
  onChange: (prices: PriceRow[]) => void;
  errors: Errors;
  accepted: Denom[];
  book: CoinBook;
}) {
  const setPrice = (index: number, patch: Partial<PriceRow>) =>
    onChange(prices.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset>
      <legend>Prices per {unit || "unit"}</legend>
      {prices.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a price row is its position: its field names and errors are price0, price1…
        <div className="row" key={i}>
          <Field label={`Price ${i + 1}`} error={errors[`price${i}`]}>
            <input
              name={`price${i}`}
              value={row.perUnit}
              placeholder="0.00001"
              onChange={(e) => setPrice(i, { perUnit: e.target.value })}
            />
          </Field>
          <Field label="Denom">
            <select name={`priceDenom${i}`} value={row.denom} onChange={(e) => setPrice(i, { denom: e.target.value })}>
              {accepted.map((denom) => (
                <option key={denomKey(denom)} value={denomKey(denom)}>
                  {coinMeta(book, denom).symbol}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" className="link" onClick={() => onChange(prices.filter((_, position) => position !== i))}>
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
        onClick={() => onChange([...prices, { denom: accepted[0] ? denomKey(accepted[0]) : "", perUnit: "" }])}
      >
        add a price
      </button>
    </fieldset>
  );
}
