// Formatting of amounts, denoms, times and statuses: plain functions, unit-tested.
import type { Denom, Expiration, ProposalStatus, ProviderStatus, Service, UncheckedDenom } from "./types";

/** Display metadata of a coin: `decimals` base units make one `symbol`. */
export interface CoinMeta {
  symbol: string;
  decimals: number;
}

/** Metadata by denom key (a native denom, or a cw20 contract address). */
export type CoinBook = Record<string, CoinMeta>;

/** The key of a denom: the native denom itself, or the cw20 contract's address. */
export function denomKey(denom: Denom | UncheckedDenom | string): string {
  if (typeof denom === "string") return denom;
  return "native" in denom ? denom.native : denom.cw20;
}

export function isCw20(denom: Denom | UncheckedDenom): boolean {
  return "cw20" in denom;
}

/** The metadata of a denom; an unknown one shows its base units under its own name. */
export function coinMeta(book: CoinBook, denom: Denom | UncheckedDenom | string): CoinMeta {
  const key = denomKey(denom);
  return book[key] ?? { symbol: key.length > 20 ? shortAddress(key) : key, decimals: 0 };
}

/** Base units as an exact decimal string with `decimals` places, trailing zeros dropped ("1500000", 6 → "1.5"). */
export function formatUnits(amount: string | bigint, decimals: number): string {
  const value = typeof amount === "bigint" ? amount : BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = abs % scale;
  let out = whole.toString();
  if (decimals > 0 && frac > 0n) out += `.${frac.toString().padStart(decimals, "0").replace(/0+$/, "")}`;
  return negative ? `-${out}` : out;
}

/** "1.5 STAKE" for 1500000 ustake. */
export function formatCoin(book: CoinBook, amount: string | bigint, denom: Denom | UncheckedDenom | string): string {
  const meta = coinMeta(book, denom);
  return `${formatUnits(amount, meta.decimals)} ${meta.symbol}`;
}

/** Parses a decimal amount typed by a person into base units; null when it is not a valid amount. */
export function parseUnits(text: string, decimals: number): bigint | null {
  const t = text.trim();
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t) ?? /^()\.(\d+)$/.exec(t);
  if (!m) return null;
  const whole = m[1] || "0";
  const frac = m[2] ?? "";
  if (frac.length > decimals) return null;
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
}

/** A contract Timestamp (nanoseconds since the epoch, as a string) in milliseconds. */
export function timestampMs(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000n);
}

/** A contract Timestamp as local date and time ("2025-11-28 23:20:05"). */
export function formatTimestamp(nanos: string): string {
  return formatDate(new Date(timestampMs(nanos)));
}

export function formatDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** A duration in words: "45 s", "2 min 5 s", "3 h 20 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86400)} d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)} h` : ""}`;
}

/** "in 25 s" before a deadline, "ended 3 s ago" after it. */
export function timeLeft(untilNanos: string, nowMs: number): string {
  const delta = (timestampMs(untilNanos) - nowMs) / 1000;
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/**
 * How long ago a past instant was: "12 s ago", "just now" within 5 s either side (the chain's block
 * time may run slightly ahead of this computer's clock, which must not read "in 0 s").
 */
export function timeAgo(nanos: string, nowMs: number): string {
  const seconds = (nowMs - timestampMs(nanos)) / 1000;
  if (seconds < 5) return "just now";
  return `${formatDuration(seconds)} ago`;
}

/** True once the instant has passed. */
export function isPast(nanos: string, nowMs: number): boolean {
  return timestampMs(nanos) <= nowMs;
}

/** When an unbonding or unstaking claim is released, in words. */
export function formatExpiration(exp: Expiration, nowMs: number): { text: string; matured: boolean } {
  if ("at_time" in exp) {
    const matured = isPast(exp.at_time, nowMs);
    return { text: `${formatTimestamp(exp.at_time)} (${matured ? "released" : timeLeft(exp.at_time, nowMs)})`, matured };
  }
  if ("at_height" in exp) return { text: `at block ${exp.at_height}`, matured: false };
  return { text: "never", matured: false };
}

export function serviceLabel(service: Service): string {
  return typeof service === "string" ? service : `other: ${service.other}`;
}

/** The status word of a provider status ("jailed" for any jail). */
export function statusKind(status: ProviderStatus): "active" | "inactive" | "jailed" | "exiting" {
  return typeof status === "string" ? status : "jailed";
}

/** A provider status in words, with the end of a jail. */
export function formatProviderStatus(status: ProviderStatus, nowMs: number): string {
  if (typeof status === "string") return status;
  const until = status.jailed.until;
  return isPast(until, nowMs)
    ? `jailed until ${formatTimestamp(until)} (may unjail now)`
    : `jailed until ${formatTimestamp(until)} (${timeLeft(until, nowMs)})`;
}

export function proposalStatusLabel(status: ProposalStatus): string {
  return status.replace(/_/g, " ");
}

export function shortAddress(address: string): string {
  return address.length > 20 ? `${address.slice(0, 10)}…${address.slice(-6)}` : address;
}

/** A Decimal string ("0.025") as a percentage ("2.5 %"). */
export function formatPercent(decimal: string): string {
  const n = Number(decimal) * 100;
  return `${Number.isInteger(n) ? n : Number(n.toFixed(4))} %`;
}

/** Basis points as a percentage: 150 → "1.5 %". */
export function formatBps(bps: number): string {
  return `${bps / 100} %`;
}

/** The emission of reward epoch `epoch`: `emission_per_epoch >> (epoch / halving_epochs)` (0 = never halves). */
export function epochEmission(emissionPerEpoch: string, halvingEpochs: number, epoch: number): bigint {
  const base = BigInt(emissionPerEpoch);
  if (halvingEpochs === 0) return base;
  const halvings = Math.floor(epoch / halvingEpochs);
  return halvings >= 128 ? 0n : base >> BigInt(halvings);
}

/** A share of a total as a percentage with one decimal ("62.5 %"); "–" for an empty total. */
export function share(part: string | bigint, total: string | bigint): string {
  const p = BigInt(part);
  const t = BigInt(total);
  if (t === 0n) return "–";
  return `${(Number((p * 1000n) / t) / 10).toFixed(1)} %`;
}

/** Base units in a denom's display units, for pre-filling a form field ("10" uusdc → "0.00001"). */
export function toDisplayUnits(book: CoinBook, amount: string | bigint, denom: Denom | UncheckedDenom | string): string {
  return formatUnits(amount, coinMeta(book, denom).decimals);
}
