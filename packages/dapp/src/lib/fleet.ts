// Fleets (issue 26): a provider names an operator (the hot key of a fleet agent) with
// `set_operator`; the operator's fleet page lists the providers that named it and claims their
// rewards in one `claim_rewards {providers}`. Plain functions: the operator address checked
// before anything is sent, the claim's list, the page's totals, and what a claim minted.
import { fromBech32 } from "@cosmjs/encoding";
import { MAX_BATCH_ITEMS } from "@depin/ts-client";
import { shortAddress } from "./format";
import type { LeaseCount } from "./leaseCount";
import { provenInEpoch } from "./liveness";
import type { ProviderResponse } from "./types";
import { addressError } from "./validate";

/** The most providers one `claim_rewards {providers}` may list (the registry's MAX_BATCH_ITEMS). */
export const MAX_FLEET_CLAIM = MAX_BATCH_ITEMS;

/** Bytes of an account address (a key's hash) and of a contract address, the two x/wasm validates. */
const ADDRESS_BYTES = [20, 32];

export type OperatorInput = { ok: true; value: string } | { ok: false; error: string };

/**
 * The operator a provider names, typed or pasted: a bech32 address with the chain's prefix, of an
 * account or a contract, not the provider itself (the registry refuses it) nor the operator it
 * already has (nothing would change).
 */
export function validateOperator(input: string, ctx: { prefix: string; provider: string; current?: string | null }): OperatorInput {
  const value = input.trim();
  if (!value) return { ok: false, error: "Enter the address of your fleet agent's hot key." };
  const invalid = addressError(value, ctx.prefix, "The operator address");
  if (invalid) return { ok: false, error: invalid };
  const bytes = fromBech32(value).data.length;
  if (!ADDRESS_BYTES.includes(bytes)) {
    return { ok: false, error: `The operator address holds ${bytes} bytes; an account address holds 20 and a contract address 32.` };
  }
  if (value === ctx.provider) {
    return { ok: false, error: "A provider cannot name itself its operator: enter the address of your fleet agent's hot key." };
  }
  if (value === ctx.current) return { ok: false, error: `${shortAddress(value)} is already your operator: nothing to change.` };
  return { ok: true, value };
}

/** A fleet page's size when the URL names none. */
export const DEFAULT_FLEET_PAGE_SIZE = 25;

/** The page size in the URL (#/fleet?limit=25): a whole number from 1 to 100, the registry's largest page. */
export function fleetPageSize(params: URLSearchParams): number {
  const limit = Math.floor(Number(params.get("limit")));
  return limit >= 1 ? Math.min(100, limit) : DEFAULT_FLEET_PAGE_SIZE;
}

export type FleetClaim = { ok: true; providers: string[]; pending: bigint } | { ok: false; error: string };

/**
 * The providers of a fleet page a `claim_rewards {providers}` sent by `operator` claims for: those
 * with pending rewards that named `operator` (the registry refuses the whole claim for any other),
 * each once; refused in words when there is none or too many.
 */
export function fleetClaim(providers: readonly ProviderResponse[], operator: string): FleetClaim {
  const seen = new Set<string>();
  const listed: string[] = [];
  let pending = 0n;
  for (const provider of providers) {
    if (provider.operator !== operator || seen.has(provider.address) || BigInt(provider.pending_rewards) === 0n) continue;
    seen.add(provider.address);
    listed.push(provider.address);
    pending += BigInt(provider.pending_rewards);
  }
  if (listed.length === 0) return { ok: false, error: "No provider on this page has pending rewards: nothing was sent." };
  if (listed.length > MAX_FLEET_CLAIM) {
    return {
      ok: false,
      error: `${listed.length} providers have pending rewards; one claim lists at most ${MAX_FLEET_CLAIM}: show fewer per page. Nothing was sent.`,
    };
  }
  return { ok: true, providers: listed, pending };
}

export interface FleetTotals {
  providers: number;
  /** Providers proven in the current epoch; undefined until the epoch is known. */
  provenThisEpoch: number | undefined;
  pending: bigint;
  unproven: bigint;
  /** The leases of every provider of the page; undefined while any count is loading. */
  leases: LeaseCount | undefined;
}

/** The totals of a fleet page: its providers, those proven this epoch, their rewards and leases. */
export function fleetTotals(
  providers: readonly ProviderResponse[],
  leases: readonly (LeaseCount | undefined)[],
  currentEpoch: number | undefined,
): FleetTotals {
  const sum = (pick: (provider: ProviderResponse) => string) => providers.reduce((total, provider) => total + BigInt(pick(provider)), 0n);
  const counts = leases.slice(0, providers.length);
  const loaded = counts.length === providers.length && counts.every((count) => count !== undefined);
  return {
    providers: providers.length,
    provenThisEpoch:
      currentEpoch === undefined ? undefined : providers.filter((provider) => provenInEpoch(provider.reputation, currentEpoch)).length,
    pending: sum((provider) => provider.pending_rewards),
    unproven: sum((provider) => provider.unproven_rewards),
    leases: loaded
      ? counts.reduce<LeaseCount>(
          (total, count) => ({
            total: total.total + (count?.total ?? 0),
            open: total.open + (count?.open ?? 0),
            capped: total.capped || !!count?.capped,
          }),
          { total: 0, open: 0, capped: false },
        )
      : undefined,
  };
}

export interface Minted {
  provider: string;
  amount: bigint;
  forfeited: bigint;
}

type Events = readonly { type: string; attributes: readonly { key: string; value: string }[] }[];

/**
 * What a `claim_rewards` minted, provider by provider, from the registry's wasm event (its
 * `provider`, `amount`, `forfeited` attributes in that order); the token's own mint events, which
 * also carry an `amount`, are not read.
 */
export function mintedByClaim(events: Events): Minted[] {
  const claim = events.find(
    (event) => event.type === "wasm" && event.attributes.some((a) => a.key === "action" && a.value === "claim_rewards"),
  );
  if (!claim) return [];
  const minted: Minted[] = [];
  for (const { key, value } of claim.attributes) {
    const last = minted.at(-1);
    if (key === "provider") minted.push({ provider: value, amount: 0n, forfeited: 0n });
    else if (last && key === "amount" && /^\d+$/.test(value)) last.amount = BigInt(value);
    else if (last && key === "forfeited" && /^\d+$/.test(value)) last.forfeited = BigInt(value);
  }
  return minted;
}

/** A landed fleet claim in words: how much, for how many of the providers sent, minted to whom. */
export function claimMessage(minted: readonly Minted[], sent: number, format: (amount: bigint) => string): string {
  const total = minted.reduce((sum, entry) => sum + entry.amount, 0n);
  const forfeited = minted.reduce((sum, entry) => sum + entry.forfeited, 0n);
  const count = minted.length === 1 ? "1 provider" : `${minted.length} providers`;
  const skipped = sent > minted.length ? ` (${sent - minted.length} of the ${sent} listed had nothing left to claim)` : "";
  const cap = forfeited > 0n ? `; ${format(forfeited)} forfeited at the token's cap` : "";
  return `Claimed ${format(total)} for ${count}${skipped}, minted to each provider${cap}.`;
}
