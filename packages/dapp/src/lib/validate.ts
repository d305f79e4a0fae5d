// Validation of everything a person types, before anything is signed: plain
// functions that return either the exact message to send or one sentence per
// field that is wrong. The limits are the contracts' (packages/depin-interface).
import { fromBech32 } from "@cosmjs/encoding";
import { type CoinBook, coinMeta, denomKey, formatCoin, parseUnits, statusKind } from "./format";
import { parseAgentKey } from "./liveness";
import type { BillingMode, Denom, LeaseResponse, OpenLeaseMsg, ProviderResponse, RegisterMsg, Service } from "./types";
import { SERVICES } from "./types";

export const MAX_TEXT_LEN = 512;
export const MAX_LABEL_LEN = 64;
export const MAX_URI_LEN = 256;
export const MAX_DESCRIPTION_LEN = 8192;
export const MAX_PRICES = 16;
export const MAX_PROPOSAL_MSGS = 32;
export const U128_MAX = (1n << 128n) - 1n;

export type Errors = Record<string, string>;
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: Errors };

function result<T>(errors: Errors, value: () => T): Validated<T> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value() };
}

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** A required text field within the contract's byte limit; null when fine, else the sentence. */
export function textError(label: string, value: string, max: number, required = true): string | null {
  if (!value.trim()) return required ? `${label} is required.` : null;
  if (byteLength(value) > max) return `${label} is ${byteLength(value)} bytes long; the limit is ${max}.`;
  return null;
}

/** A bech32 account or contract address with the chain's prefix. */
export function addressError(value: string, prefix: string, label = "The address"): string | null {
  const v = value.trim();
  if (!v) return `${label} is required.`;
  try {
    const { prefix: p } = fromBech32(v);
    if (p !== prefix) return `${label} must start with ${prefix}1 (it starts with ${p}1).`;
    if (v !== v.toLowerCase()) return `${label} must be written in lower case.`;
    return null;
  } catch {
    return `${label} "${v}" is not a valid ${prefix} address.`;
  }
}

/** A whole number of units (u128), at least `min`. */
export function parseWhole(text: string, min = 1n): bigint | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = BigInt(t);
  return n < min || n > U128_MAX ? null : n;
}

export interface AmountRules {
  /** The smallest accepted amount in base units (default 1). */
  min?: bigint;
  /** The largest (e.g. a balance), with what it is. */
  max?: { amount: bigint; what: string };
}

export type CheckedAmount = { ok: true; value: bigint } | { ok: false; error: string };

/** A positive amount typed in display units of `denom`, as base units. */
export function validateAmount(text: string, denom: Denom | string, book: CoinBook, rules: AmountRules = {}): CheckedAmount {
  const meta = coinMeta(book, denom);
  if (!text.trim()) return { ok: false, error: `Enter an amount of ${meta.symbol}.` };
  const value = parseUnits(text, meta.decimals);
  if (value === null) {
    return { ok: false, error: `"${text.trim()}" is not an amount of ${meta.symbol} (a number with at most ${meta.decimals} decimals).` };
  }
  const min = rules.min ?? 1n;
  if (value < min)
    return {
      ok: false,
      error: min === 1n ? "The amount must be greater than zero." : `The amount must be at least ${formatCoin(book, min, denom)}.`,
    };
  if (value > U128_MAX) return { ok: false, error: "The amount is too large." };
  if (rules.max && value > rules.max.amount) {
    return { ok: false, error: `The amount is more than ${rules.max.what} (${formatCoin(book, rules.max.amount, denom)}).` };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------- provider

export interface PriceRow {
  denom: string;
  perUnit: string;
}

export interface ListingForm {
  endpoint: string;
  region: string;
  capacityAmount: string;
  capacityUnit: string;
  prices: PriceRow[];
  metadataUri: string;
}

export interface RegisterForm extends ListingForm {
  service: string;
  otherService: string;
  stake: string;
  /** The agent's public key, hex or base64; empty registers without one (set it later with update_provider). */
  agentKey?: string;
}

export interface ListingContext {
  /** The escrow's accepted denoms: a price in another denom could never be leased. */
  acceptedDenoms: Denom[];
  book: CoinBook;
}

export interface RegisterContext extends ListingContext {
  stakeDenom: Denom;
  minStake: bigint;
  /** Stake the address still has bonded (an exiting provider registering again). */
  bonded: bigint;
  balance: bigint;
}

function validateListingFields(form: ListingForm, ctx: ListingContext, errors: Errors) {
  const endpoint = textError("The endpoint", form.endpoint, MAX_URI_LEN);
  if (endpoint) errors.endpoint = endpoint;
  else if (!/^(https?|wss?|tcp|grpc):\/\/\S+$/.test(form.endpoint.trim()))
    errors.endpoint = "The endpoint must be a URL such as https://node.example.com.";
  const region = textError("The region", form.region, MAX_LABEL_LEN);
  if (region) errors.region = region;
  const capacity = parseWhole(form.capacityAmount, 0n);
  if (capacity === null) errors.capacityAmount = "The capacity must be a whole number.";
  const unit = textError("The capacity unit", form.capacityUnit, MAX_LABEL_LEN);
  if (unit) errors.capacityUnit = unit;
  const metadata = textError("The metadata URI", form.metadataUri, MAX_URI_LEN, false);
  if (metadata) errors.metadataUri = metadata;
  if (form.prices.length === 0) errors.prices = "List at least one price: consumers pay in a denom the provider prices.";
  if (form.prices.length > MAX_PRICES) errors.prices = `At most ${MAX_PRICES} prices.`;
  const seen = new Set<string>();
  const accepted = new Set(ctx.acceptedDenoms.map(denomKey));
  const prices: RegisterMsg["prices"] = [];
  form.prices.forEach((row, i) => {
    if (!accepted.has(row.denom)) {
      errors[`price${i}`] = `${coinMeta(ctx.book, row.denom).symbol} is not accepted by the escrow.`;
      return;
    }
    if (seen.has(row.denom)) {
      errors[`price${i}`] = `${coinMeta(ctx.book, row.denom).symbol} is listed twice.`;
      return;
    }
    seen.add(row.denom);
    const denom = ctx.acceptedDenoms.find((candidate) => denomKey(candidate) === row.denom);
    if (!denom) return;
    const amount = validateAmount(row.perUnit, denom, ctx.book);
    if (!amount.ok) errors[`price${i}`] = `Price: ${amount.error}`;
    else prices.push({ denom: "native" in denom ? { native: denom.native } : { cw20: denom.cw20 }, per_unit: amount.value.toString() });
  });
  return {
    endpoint: form.endpoint.trim(),
    region: form.region.trim(),
    capacity: { amount: (capacity ?? 0n).toString(), unit: form.capacityUnit.trim() },
    prices,
    metadata_uri: form.metadataUri.trim() || null,
  };
}

export function serviceOf(form: Pick<RegisterForm, "service" | "otherService">, errors: Errors): Service {
  if ((SERVICES as readonly string[]).includes(form.service)) return form.service as Service;
  if (form.service === "other") {
    const e = textError("The service name", form.otherService, MAX_LABEL_LEN);
    if (e) errors.otherService = e;
    return { other: form.otherService.trim() };
  }
  errors.service = "Choose a service.";
  return "storage";
}

/** The register message and the stake to attach. */
export function validateRegister(form: RegisterForm, ctx: RegisterContext): Validated<{ msg: RegisterMsg; stake: bigint }> {
  const errors: Errors = {};
  const service = serviceOf(form, errors);
  const listing = validateListingFields(form, ctx, errors);
  const stake = validateAmount(form.stake, ctx.stakeDenom, ctx.book, { max: { amount: ctx.balance, what: "your balance" } });
  if (!stake.ok) {
    errors.stake = stake.error;
    return { ok: false, errors };
  }
  if (ctx.bonded + stake.value < ctx.minStake) {
    errors.stake = `The stake must be at least the minimum stake of ${formatCoin(ctx.book, ctx.minStake - ctx.bonded, ctx.stakeDenom)}${ctx.bonded ? " more" : ""}.`;
  }
  let agentPubkey: string | undefined;
  if (form.agentKey?.trim()) {
    const key = parseAgentKey(form.agentKey);
    if (key.ok) agentPubkey = key.value;
    else errors.agentKey = key.error;
  }
  return result(errors, () => ({
    msg: { service, ...listing, ...(agentPubkey ? { agent_pubkey: agentPubkey } : {}) },
    stake: stake.value,
  }));
}

/** The update_provider message (every listing field). */
export function validateListing(form: ListingForm, ctx: ListingContext): Validated<ReturnType<typeof validateListingFields>> {
  const errors: Errors = {};
  const listing = validateListingFields(form, ctx, errors);
  return result(errors, () => listing);
}

/** Units of usage to report on a metered lease: whole, positive, and covered by the lease's free funds. */
export function validateUsage(text: string, lease: LeaseResponse, book: CoinBook): Validated<bigint> {
  const units = parseWhole(text);
  if (units === null) return { ok: false, errors: { units: "Units must be a whole number greater than zero." } };
  const charge = units * BigInt(lease.price_per_unit);
  if (charge > BigInt(lease.available)) {
    return {
      ok: false,
      errors: {
        units: `${units} units cost ${formatCoin(book, charge, lease.denom)}, more than the ${formatCoin(book, lease.available, lease.denom)} available on the lease.`,
      },
    };
  }
  return { ok: true, value: units };
}

/** The reason of a dispute. */
export function validateDisputeReason(reason: string): Validated<string> {
  const e = textError("The reason", reason, MAX_TEXT_LEN);
  return e ? { ok: false, errors: { reason: e } } : { ok: true, value: reason.trim() };
}

// ---------------------------------------------------------------- consumer

export type LeaseMode = "metered" | "streaming" | "receipts";

export interface OpenLeaseForm {
  mode: LeaseMode;
  denom: string;
  deposit: string;
  /** Streaming only: display units of the denom per second. */
  rate: string;
}

export interface OpenLeaseContext {
  provider: ProviderResponse;
  consumer: string;
  acceptedDenoms: Denom[];
  book: CoinBook;
  balance: bigint;
  /** Receipts only: the session key's compressed public key, base64. */
  receiptPubkey?: string;
}

/** The open_lease message (the price guard set to the price shown) and the deposit coin. */
export function validateOpenLease(
  form: OpenLeaseForm,
  ctx: OpenLeaseContext,
): Validated<{ msg: OpenLeaseMsg; deposit: bigint; denom: Denom }> {
  const errors: Errors = {};
  const provider = ctx.provider;
  if (statusKind(provider.status) !== "active")
    errors.provider = `The provider is ${statusKind(provider.status)}; only active providers can be leased.`;
  if (provider.address === ctx.consumer) errors.provider = "A provider cannot lease from itself.";
  const price = provider.prices.find((candidate) => denomKey(candidate.denom) === form.denom);
  const denom = ctx.acceptedDenoms.find((candidate) => denomKey(candidate) === form.denom);
  if (!denom) errors.denom = "Choose a denom the escrow accepts.";
  else if (!price) errors.denom = `The provider lists no price in ${coinMeta(ctx.book, form.denom).symbol}.`;
  const deposit = denom ? validateAmount(form.deposit, denom, ctx.book, { max: { amount: ctx.balance, what: "your balance" } }) : undefined;
  if (deposit && !deposit.ok) errors.deposit = deposit.error;
  const billing = billingOf(form, denom, ctx, errors);
  if (!denom || !price || !deposit?.ok || !billing) return { ok: false, errors };
  return result(errors, () => ({
    msg: { provider: provider.address, billing, max_price_per_unit: price.per_unit },
    deposit: deposit.value,
    denom,
  }));
}

/** The billing mode of the form; undefined (with the reason in `errors`) when it is not usable. */
function billingOf(form: OpenLeaseForm, denom: Denom | undefined, ctx: OpenLeaseContext, errors: Errors): BillingMode | undefined {
  switch (form.mode) {
    case "metered":
      return { metered: {} };
    case "streaming": {
      if (!denom) return undefined;
      const rate = validateAmount(form.rate, denom, ctx.book);
      if (rate.ok) return { streaming: { rate_per_second: rate.value.toString() } };
      errors.rate = `Rate per second: ${rate.error}`;
      return undefined;
    }
    case "receipts":
      if (ctx.receiptPubkey) return { receipts: { consumer_pubkey: ctx.receiptPubkey } };
      errors.mode = "No session key for receipts: the browser could not create one.";
      return undefined;
    default:
      errors.mode = "Choose metered, streaming or receipts billing.";
      return undefined;
  }
}

/** A top-up in the lease's denom. */
export function validateTopUp(text: string, lease: LeaseResponse, book: CoinBook, balance: bigint): Validated<bigint> {
  const amount = validateAmount(text, lease.denom, book, { max: { amount: balance, what: "your balance" } });
  return amount.ok ? { ok: true, value: amount.value } : { ok: false, errors: { amount: amount.error } };
}
