// Alerts: what needs a person's attention before it goes wrong, computed from
// the chain's current state (so they work without the indexer). Plain
// functions, unit-tested; components/Alerts.tsx reads the chain and shows them.
import { type CoinBook, formatCoin, formatDuration, formatExpiration, formatTimestamp, isPast, statusKind, timestampMs } from "./format";
import type { Claim, Denom, LeaseResponse, ProposalResponse, ProviderResponse, RegistryConfig } from "./types";

export interface Alert {
  /** Stable identity ("deposit-low:12"): the summary lists each once, tests find it by kind. */
  key: string;
  kind: "deposit-low" | "lease-closing" | "lease-closed" | "not-proven" | "missed-epoch" | "claimable" | "vote-ending";
  /** `warning`: act soon or lose something; `info`: worth knowing. */
  level: "warning" | "info";
  text: string;
  /** The page where it can be dealt with. */
  href: string;
}

const DAY_S = 86_400;
/** A closed lease stays in the summary this long. */
export const CLOSED_SHOWN_S = 7 * DAY_S;

/**
 * How many seconds a lease's free deposit lasts at its current rate: a streaming lease's rate, or
 * what a metered or receipts lease has used per second since it started. Null when it has no rate
 * yet (nothing used) or is not open.
 */
export function depositSecondsLeft(lease: LeaseResponse, nowMs: number): number | null {
  if (lease.state !== "open") return null;
  const available = BigInt(lease.available);
  if ("streaming" in lease.billing) {
    const rate = BigInt(lease.billing.streaming.rate_per_second);
    return rate > 0n ? Number(available / rate) : null;
  }
  const used = BigInt(lease.paid) + BigInt(lease.reserved);
  const since = timestampMs(lease.started_at ?? lease.opened_at);
  const elapsed = BigInt(Math.max(0, Math.floor((nowMs - since) / 1000)));
  if (used === 0n || elapsed === 0n) return null;
  return Number((available * elapsed) / used);
}

/** A lease's alerts for one of its parties: a deposit running out within a day, a close in progress or just done. */
export function leaseAlerts(lease: LeaseResponse, role: "consumer" | "provider", nowMs: number, book: CoinBook): Alert[] {
  const id = lease.lease_id;
  const href = role === "consumer" ? "#/consumer" : "#/provider";
  const alerts: Alert[] = [];
  const left = depositSecondsLeft(lease, nowMs);
  if (left !== null && left < DAY_S) {
    const rest = `${formatCoin(book, lease.available, lease.denom)} left, about ${formatDuration(left)} at its current rate`;
    alerts.push({
      key: `deposit-low:${id}`,
      kind: "deposit-low",
      level: "warning",
      text:
        role === "consumer"
          ? `Lease ${id}'s deposit runs out within a day (${rest}): top it up to keep the service.`
          : `Lease ${id}'s consumer has deposit for less than a day (${rest}): usage beyond it will not be paid.`,
      href,
    });
  }
  if (lease.state === "closing") {
    const until = lease.close_after;
    const text = !until
      ? `Lease ${id} is closing: a charge is still in its dispute window; settle completes the close once it matures.`
      : role === "provider"
        ? `The consumer closed lease ${id}: report its final usage or redeem its last receipts before ${formatTimestamp(until)}${isPast(until, nowMs) ? " (that time has passed: settle completes the close)" : ""}.`
        : `Lease ${id} is closing: the provider may bill final usage until ${formatTimestamp(until)}; then settle refunds the rest.`;
    alerts.push({
      key: `lease-closing:${id}`,
      kind: "lease-closing",
      level: role === "provider" && until ? "warning" : "info",
      text,
      href,
    });
  }
  if (lease.state === "closed" && lease.closed_at && nowMs - timestampMs(lease.closed_at) < CLOSED_SHOWN_S * 1000) {
    alerts.push({
      key: `lease-closed:${id}`,
      kind: "lease-closed",
      level: "info",
      text: `Lease ${id} closed ${formatTimestamp(lease.closed_at)}: paid ${formatCoin(book, lease.paid, lease.denom)}, refunded ${formatCoin(book, lease.refunded, lease.denom)}.`,
      href,
    });
  }
  return alerts;
}

/** The start of `epoch` in milliseconds. */
function epochStartMs(registry: RegistryConfig, epoch: number): number {
  return timestampMs(registry.genesis_time) + epoch * registry.epoch_seconds * 1000;
}

/**
 * A provider's proof of service: not proven yet in the current epoch (rewards of an unproven epoch
 * are forfeited), or the previous epoch missed. Only for an active provider with an agent key;
 * without a key no oracle can prove it at all.
 */
export function livenessAlerts(provider: ProviderResponse, registry: RegistryConfig, currentEpoch: number, href: string): Alert[] {
  if (statusKind(provider.status) !== "active") return [];
  const who = `Provider ${provider.address}`;
  if (!provider.agent_pubkey)
    return [
      {
        key: `not-proven:${provider.address}`,
        kind: "not-proven",
        level: "warning",
        text: `${who} has no agent key: no oracle can prove its service, so it earns no stake rewards.`,
        href,
      },
    ];
  const alerts: Alert[] = [];
  const last = provider.reputation.last_proven_epoch ?? null;
  const registeredMs = timestampMs(provider.registered_at);
  const previous = currentEpoch - 1;
  if (previous >= 0 && registeredMs <= epochStartMs(registry, previous) && (last === null || last < previous))
    alerts.push({
      key: `missed-epoch:${provider.address}`,
      kind: "missed-epoch",
      level: "warning",
      text: `${who} missed epoch ${previous}: no oracle proved it live (last proven: ${last === null ? "never" : `epoch ${last}`}). Check its agent.`,
      href,
    });
  if (last !== currentEpoch)
    alerts.push({
      key: `not-proven:${provider.address}`,
      kind: "not-proven",
      level: "info",
      text: `${who} is not proven yet in epoch ${currentEpoch} (it ends ${formatTimestamp(`${BigInt(epochStartMs(registry, currentEpoch + 1)) * 1_000_000n}`)}).`,
      href,
    });
  return alerts;
}

/** The claims that have matured, summed: what `claim` would pay now. */
export function maturedClaims(claims: Claim[], nowMs: number): bigint {
  return claims.filter((claim) => formatExpiration(claim.release_at, nowMs).matured).reduce((sum, claim) => sum + BigInt(claim.amount), 0n);
}

/** Something to claim: a provider's rewards or unbonded stake, a member's unstaked tokens. */
export function claimAlert(
  what: "rewards" | "stake" | "unstaked",
  amount: bigint,
  denom: Denom | string,
  book: CoinBook,
  href: string,
): Alert[] {
  if (amount <= 0n) return [];
  const words = { rewards: "Rewards", stake: "Unbonded stake", unstaked: "Unstaked DAO tokens" }[what];
  return [
    { key: `claimable:${what}`, kind: "claimable", level: "info", text: `${words} to claim: ${formatCoin(book, amount, denom)}.`, href },
  ];
}

/** An open proposal whose vote ends within a day, that the member (with voting power) has not voted on. */
export function voteAlert(proposal: ProposalResponse, voted: boolean, power: bigint, nowMs: number): Alert[] {
  const ends = proposal.voting_ends_at;
  if (proposal.status !== "open" || voted || power <= 0n || isPast(ends, nowMs)) return [];
  const left = (timestampMs(ends) - nowMs) / 1000;
  if (left >= DAY_S) return [];
  return [
    {
      key: `vote-ending:${proposal.id}`,
      kind: "vote-ending",
      level: "warning",
      text: `Proposal ${proposal.id} (“${proposal.title}”) closes in ${formatDuration(left)} and you have not voted.`,
      href: "#/dao",
    },
  ];
}

/** Warnings first, then the rest, each once. */
export function sortAlerts(alerts: Alert[]): Alert[] {
  const seen = new Set<string>();
  return alerts
    .filter((alert) => !seen.has(alert.key) && seen.add(alert.key))
    .sort((a, b) => (a.level === b.level ? 0 : a.level === "warning" ? -1 : 1));
}
