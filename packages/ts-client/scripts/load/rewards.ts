// The registry's rewards in closed form (docs/economics.md), for the check
// against the chain at one block: a provider's stake reward for epoch k is
// its share s / S of the epoch's stake pool over the seconds it was bonded in
// k (S, the total active stake, changes only when a provider registers, at
// its block's second), credited only if it was proven for k, still held while
// k's proof window is open, forfeited after; its usage reward for an ended
// epoch k is min(floor(usage_pool × w / W), w), w its fees paid in k and W
// every provider's. Sums are exact fractions (bigint); the chain floors once
// when it credits and once more for the held part, so what it shows is the
// closed form or one or two units less.
import type { ProviderRegistryTypes } from "../../src";
import type { Epochs } from "./epochs";

/** A non-negative fraction n / d. */
interface Fraction {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function add(x: Fraction, n: bigint, d: bigint): Fraction {
  const num = x.n * d + n * x.d;
  const den = x.d * d;
  const g = gcd(num, den);
  return g > 1n ? { n: num / g, d: den / g } : { n: num, d: den };
}

/** floor(amount × decimal) for a cosmwasm Decimal string ("0.5"). */
export function mulDecimalFloor(amount: bigint, decimal: string): bigint {
  const [whole, frac = ""] = decimal.split(".");
  const scale = 10n ** BigInt(frac.length);
  return (amount * (BigInt(whole || "0") * scale + BigInt(frac || "0"))) / scale;
}

/** The registry's emission schedule (rewards.rs `Schedule`). */
export class Schedule {
  private readonly emission: bigint;
  private readonly halving: number;
  private readonly usageShare: string;
  constructor(config: Pick<ProviderRegistryTypes.ConfigResponse, "emission_per_epoch" | "halving_epochs" | "usage_share">) {
    this.emission = BigInt(config.emission_per_epoch);
    this.halving = config.halving_epochs;
    this.usageShare = config.usage_share;
  }
  emitted(epoch: number): bigint {
    const halvings = this.halving > 0 ? Math.floor(epoch / this.halving) : 0;
    return halvings >= 128 ? 0n : this.emission >> BigInt(halvings);
  }
  usagePool(epoch: number): bigint {
    return mulDecimalFloor(this.emitted(epoch), this.usageShare);
  }
  stakePool(epoch: number): bigint {
    return this.emitted(epoch) - this.usagePool(epoch);
  }
}

/** Total active stake from a second on: a step function, built from the registrations' block times. */
export class StakeTimeline {
  private readonly steps: { fromS: number; total: bigint }[];
  constructor(before: bigint, joins: { atS: number; stake: bigint }[]) {
    const sorted = [...joins].sort((a, b) => a.atS - b.atS);
    this.steps = [{ fromS: 0, total: before }];
    for (const j of sorted) {
      const last = this.steps[this.steps.length - 1];
      if (last.fromS === j.atS) last.total += j.stake;
      else this.steps.push({ fromS: j.atS, total: last.total + j.stake });
    }
  }
  /** [from, to) cut where the total changes, with the total in each piece. */
  pieces(fromS: number, toS: number): { fromS: number; toS: number; total: bigint }[] {
    const out: { fromS: number; toS: number; total: bigint }[] = [];
    this.steps.forEach((step, i) => {
      const end = this.steps[i + 1]?.fromS ?? Number.POSITIVE_INFINITY;
      const a = Math.max(fromS, step.fromS);
      const b = Math.min(toS, end);
      if (b > a) out.push({ fromS: a, toS: b, total: step.total });
    });
    return out;
  }
}

/** One provider's rewards as the closed form gives them at `nowS`. */
export interface ExpectedRewards {
  /** Stake rewards: proven epochs, and the epochs still in their proof window (whole and fractional part). */
  stake: bigint;
  /** Usage rewards of ended epochs. */
  usage: bigint;
  /** Epochs whose stake part was forfeited (never proven, window closed). */
  forfeitedEpochs: number;
}

/**
 * The closed form for a provider bonded with `stake` from `joinedS` to `nowS`, proven in `proven`,
 * with `fees` paid per epoch (its usage weight, weight 1), against every provider's fees per epoch.
 */
export function expectedRewards(
  at: { epochs: Epochs; schedule: Schedule; timeline: StakeTimeline; nowS: number },
  provider: { stake: bigint; joinedS: number; proven: ReadonlySet<number>; fees: ReadonlyMap<number, bigint> },
  totalFees: ReadonlyMap<number, bigint>,
): ExpectedRewards {
  const { epochs, schedule, timeline, nowS } = at;
  const current = epochs.at(nowS);
  let stake: Fraction = { n: 0n, d: 1n };
  let forfeitedEpochs = 0;
  const T = BigInt(epochs.seconds);
  for (let k = epochs.at(provider.joinedS); k <= current; k++) {
    const counted = provider.proven.has(k) || k + 1 >= current;
    const from = Math.max(epochs.startOf(k), provider.joinedS);
    const to = Math.min(epochs.startOf(k + 1), nowS);
    if (to <= from) continue;
    if (!counted) {
      forfeitedEpochs++;
      continue;
    }
    const pool = schedule.stakePool(k);
    for (const piece of timeline.pieces(from, to))
      if (piece.total > 0n) stake = add(stake, pool * BigInt(piece.toS - piece.fromS) * provider.stake, piece.total * T);
  }
  let usage = 0n;
  for (const [k, w] of provider.fees) {
    const total = totalFees.get(k) ?? 0n;
    if (k >= current || w === 0n || total === 0n) continue;
    const share = (schedule.usagePool(k) * w) / total;
    usage += share < w ? share : w;
  }
  return { stake: stake.n / stake.d, usage, forfeitedEpochs };
}
