// The suite's deployment parameters (deploy/params/*.json): the DAO's
// InstantiateMsg without the code ids, read from a file and checked offline
// against every rule the contracts enforce at instantiate, so a bad value
// fails here with a sentence naming the field and nothing is uploaded.
//
// The rules mirror contracts/dao/src/execute/config.rs (fractions, threshold
// < 1, governance liveness: quorum and threshold ≤ 2/3, veto threshold ≥ 1/3,
// governance periods ≤ 90 days, deposit ≤ the initial supply; guardian needs a
// timelock, unbonding ≥ dispute window + voting period + timelock, unbounded
// emission), contracts/provider-registry
// (min_stake > 0, emission ceiling, oracles, usage weights),
// contracts/billing-escrow (fee_bps ≤ 10000, dispute window ≤ 366 days, list
// limits), depin-interface's denom and period rules and cw20-base's token
// rules (name, symbol, decimals, duplicate balances, supply ≤ cap). Keys
// starting with "//" are comments and are dropped; any other unknown key is
// an error (the contracts refuse unknown fields too).
import { readFileSync } from "node:fs";
import { fromBech32 } from "@cosmjs/encoding";
import type { SuiteParams } from "../src";

/** depin-interface's MAX_PERIOD: 10 years, the longest period any contract accepts. */
export const MAX_PERIOD = 10 * 365 * 86_400;
/** The DAO's MAX_GOVERNANCE_PERIOD: 90 days, the longest voting period, timelock or unstaking period. */
export const MAX_GOVERNANCE_PERIOD = 90 * 86_400;
/** billing-escrow's MAX_DISPUTE_WINDOW: 366 days. */
export const MAX_DISPUTE_WINDOW = 366 * 86_400;
export const MAX_FEE_BPS = 10_000;
export const MAX_ORACLES = 32;
export const MAX_USAGE_WEIGHTS = 16;
export const MAX_ACCEPTED_DENOMS = 16;
export const MAX_ARBITERS = 32;
const UINT128_MAX = (1n << 128n) - 1n;
/** cosmwasm Decimal: 18 fractional digits. */
const DECIMAL_ONE = 10n ** 18n;

/** Every problem found in a params file, one sentence each. */
export class ParamsError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `${source}: ${problems.length} invalid parameter${problems.length === 1 ? "" : "s"}, nothing was sent:\n  - ${problems.join("\n  - ")}`,
    );
  }
}

type Json = Record<string, unknown>;

/** Collects problems while walking the params. */
class Checker {
  readonly problems: string[] = [];
  constructor(readonly prefix: string) {}

  fail(message: string): undefined {
    this.problems.push(message);
    return undefined;
  }

  /** An object with these keys (required ones must be present); "//" keys are dropped. */
  object(path: string, value: unknown, required: string[], optional: string[] = []): Json | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.fail(`${path} must be an object`);
    }
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith("//")) continue;
      if (!required.includes(key) && !optional.includes(key)) {
        this.fail(`${path}.${key} is not a parameter (expected ${[...required, ...optional].join(", ")})`);
        continue;
      }
      out[key] = v;
    }
    for (const key of required) {
      if (!(key in out)) this.fail(`${path}.${key} is missing`);
    }
    return out;
  }

  /** A whole number of the u64 range that JSON carries exactly (seconds, ids). */
  integer(path: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      return this.fail(`${path} must be a whole number ≥ 0 (a JSON number), not ${JSON.stringify(value)}`);
    }
    if (value > max) return this.fail(`${path} is ${value}; the most is ${max}`);
    return value;
  }

  /** A period in seconds: ≤ 10 years, and > 0 when `positive`. */
  period(path: string, value: unknown, positive: boolean, max = MAX_PERIOD): number | undefined {
    const n = this.integer(path, value);
    if (n === undefined) return undefined;
    if (positive && n === 0) return this.fail(`${path} must be greater than 0 seconds`);
    if (n > max) return this.fail(`${path} is ${n} seconds${days(n)}; the most is ${max}${days(max)}`);
    return n;
  }

  /** A Uint128 as a decimal string. */
  uint128(path: string, value: unknown): bigint | undefined {
    if (typeof value !== "string" || !/^[0-9]+$/.test(value)) {
      return this.fail(`${path} must be a whole number written as a string (e.g. "1000000"), not ${JSON.stringify(value)}`);
    }
    const n = BigInt(value);
    if (n > UINT128_MAX) return this.fail(`${path} is ${value}, above the largest Uint128 (2^128 − 1)`);
    return n;
  }

  /** A cosmwasm Decimal string, as 10^-18 units. */
  decimal(path: string, value: unknown): bigint | undefined {
    if (typeof value !== "string" || !/^[0-9]+(\.[0-9]{1,18})?$/.test(value)) {
      return this.fail(`${path} must be a decimal written as a string with at most 18 decimals (e.g. "0.5"), not ${JSON.stringify(value)}`);
    }
    const [whole, fraction = ""] = value.split(".");
    const atomics = BigInt(whole) * DECIMAL_ONE + BigInt(fraction.padEnd(18, "0"));
    if (atomics > UINT128_MAX) return this.fail(`${path} is ${value}, above the largest Decimal`);
    return atomics;
  }

  /** A fraction in [0, 1], or (0, 1] when `positive`. */
  fraction(path: string, value: unknown, positive: boolean): bigint | undefined {
    const d = this.decimal(path, value);
    if (d === undefined) return undefined;
    if (d > DECIMAL_ONE || (positive && d === 0n)) {
      return this.fail(`${path} is ${String(value)}; it must be a fraction ${positive ? "above 0 and at most 1" : "between 0 and 1"}`);
    }
    return d;
  }

  /** An account address of this network (its bech32 prefix, lower case). */
  address(path: string, value: unknown): string | undefined {
    if (typeof value !== "string") return this.fail(`${path} must be an address string, not ${JSON.stringify(value)}`);
    let decoded: { prefix: string; data: Uint8Array };
    try {
      decoded = fromBech32(value);
    } catch {
      return this.fail(`${path} is not a bech32 address: ${JSON.stringify(value)}`);
    }
    if (decoded.prefix !== this.prefix) {
      return this.fail(`${path} is an address of prefix "${decoded.prefix}"; this network's prefix is "${this.prefix}" (${value})`);
    }
    if (value !== value.toLowerCase()) return this.fail(`${path} must be written in lower case (${value})`);
    if (decoded.data.length !== 20 && decoded.data.length !== 32) {
      return this.fail(`${path} holds ${decoded.data.length} bytes; an account or contract address holds 20 or 32 (${value})`);
    }
    return value;
  }

  /** {"native": denom} or {"cw20": address}; returns a key for duplicate checks. */
  denom(path: string, value: unknown): string | undefined {
    const o = this.object(path, value, [], ["native", "cw20"]);
    if (!o) return undefined;
    const keys = Object.keys(o);
    if (keys.length !== 1) return this.fail(`${path} must be either {"native": "<denom>"} or {"cw20": "<address>"}`);
    if ("cw20" in o) {
      const a = this.address(`${path}.cw20`, o.cw20);
      return a === undefined ? undefined : `cw20:${a}`;
    }
    const d = o.native;
    if (typeof d !== "string" || d.length < 3 || d.length > 128 || !/^[A-Za-z][A-Za-z0-9/:._-]*$/.test(d)) {
      return this.fail(
        `${path}.native is not a valid denom: ${JSON.stringify(d)} (3 to 128 characters, a letter first, then letters, digits, / : . _ -)`,
      );
    }
    return `native:${d}`;
  }

  /** A list of at most `max` entries. */
  list(path: string, value: unknown, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(`${path} must be a list`);
    if (value.length > max) return this.fail(`${path} has ${value.length} entries; the limit is ${max}`);
    return value;
  }
}

/** " (3 days)" or " (6 h)" for round periods, "" otherwise. */
function days(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0) return ` (${seconds / 86_400} days)`;
  if (seconds > 0 && seconds % 3_600 === 0) return ` (${seconds / 3_600} h)`;
  return "";
}

/** The largest `emission_per_epoch` the registry accepts (Schedule::max_emission_per_epoch). */
export function maxEmissionPerEpoch(epochSeconds: number, halvingEpochs: number): bigint {
  const horizon = BigInt(Math.ceil(MAX_PERIOD / Math.max(epochSeconds, 1)));
  const epochs = halvingEpochs === 0 ? horizon : BigInt(halvingEpochs) * 2n < horizon ? BigInt(halvingEpochs) * 2n : horizon;
  return UINT128_MAX / (epochs > 0n ? epochs : 1n);
}

/** One object of the params, checked for its keys; undefined when it or its parent is not an object. */
type Section = Json | undefined;

/** The params' objects. */
function sections(c: Checker, raw: unknown): Record<"cfg" | "token" | "registry" | "rewards" | "escrow", Section> {
  const root = c.object("params", raw, ["config", "suite"]);
  const cfg =
    root &&
    c.object(
      "config",
      root.config,
      ["voting_period", "threshold", "quorum", "veto_threshold", "proposal_deposit", "unstaking_period", "timelock"],
      ["guardian"],
    );
  const suite = root && c.object("suite", root.suite, ["token", "registry", "escrow"]);
  const token = suite && c.object("suite.token", suite.token, ["name", "symbol", "decimals", "initial_balances"], ["cap", "marketing"]);
  const registry =
    suite &&
    c.object("suite.registry", suite.registry, ["min_stake", "unbonding_period", "max_slash", "oracles", "rewards"], ["stake_denom"]);
  const rewards =
    registry &&
    c.object("suite.registry.rewards", registry.rewards, [
      "epoch_seconds",
      "emission_per_epoch",
      "halving_epochs",
      "usage_share",
      "usage_weights",
    ]);
  const escrow =
    suite &&
    c.object(
      "suite.escrow",
      suite.escrow,
      ["fee_bps", "dispute_window", "accepted_denoms"],
      ["arbiters", "accept_suite_token", "min_close_grace"],
    );
  return { token, registry, rewards, escrow, cfg };
}

/** The DAO's config: fractions, governance liveness, periods and the guardian's timelock. */
function checkDaoConfig(c: Checker, cfg: Json): { deposit?: bigint; votingPeriod?: number; timelock?: number } {
  const threshold = c.fraction("config.threshold", cfg.threshold, true);
  if (threshold === DECIMAL_ONE)
    c.fail(`config.threshold is 1: "more than 100 % yes" can never pass, not even a fix; use a value below 1 (e.g. "0.5")`);
  const quorum = c.fraction("config.quorum", cfg.quorum, true);
  const veto = c.fraction("config.veto_threshold", cfg.veto_threshold, true);
  // Governance can always undo itself: stakers holding more than 2/3 of the
  // power pass any proposal, however the rest vote (the DAO's check_liveness).
  const locks = "could lock governance: stakers holding more than two thirds of the power must always be able to pass a proposal";
  if (threshold !== undefined && threshold !== DECIMAL_ONE && 3n * threshold > 2n * DECIMAL_ONE)
    c.fail(`config.threshold ${cfg.threshold} ${locks}; use at most 2/3 (e.g. "0.5")`);
  if (quorum !== undefined && 3n * quorum > 2n * DECIMAL_ONE)
    c.fail(`config.quorum ${cfg.quorum} ${locks}; use at most 2/3 (e.g. "0.334")`);
  if (veto !== undefined && 3n * veto < DECIMAL_ONE)
    c.fail(`config.veto_threshold ${cfg.veto_threshold} ${locks}; use at least 1/3 (e.g. "0.334")`);
  const deposit = c.uint128("config.proposal_deposit", cfg.proposal_deposit);
  const votingPeriod = c.period("config.voting_period", cfg.voting_period, true);
  const unstaking = c.period("config.unstaking_period", cfg.unstaking_period, true);
  const timelock = c.period("config.timelock", cfg.timelock, false);
  for (const [field, period] of [
    ["voting_period", votingPeriod],
    ["unstaking_period", unstaking],
    ["timelock", timelock],
  ] as const) {
    if (period !== undefined && period > MAX_GOVERNANCE_PERIOD) {
      c.fail(
        `config.${field} is ${period} s${days(period)}: governance must be able to undo a config within a vote and at most 90 days; use at most ${MAX_GOVERNANCE_PERIOD}`,
      );
    }
  }
  if (cfg.guardian !== undefined && cfg.guardian !== null) {
    c.address("config.guardian", cfg.guardian);
    if (timelock === 0) {
      c.fail(
        "config.guardian is set but config.timelock is 0: a guardian vetoes only during the timelock, so it needs one > 0 (or remove the guardian)",
      );
    }
  }
  return { deposit, votingPeriod, timelock };
}

/** The token: cw20-base's rules, the supply under the cap, and a proposal deposit someone can pay. */
function checkToken(c: Checker, token: Json, deposit: bigint | undefined): void {
  const name = token.name;
  if (typeof name !== "string" || Buffer.byteLength(name, "utf8") < 3 || Buffer.byteLength(name, "utf8") > 50) {
    c.fail(`suite.token.name must be 3 to 50 bytes of text, not ${JSON.stringify(name)}`);
  }
  const symbol = token.symbol;
  if (typeof symbol !== "string" || !/^[A-Za-z-]{3,12}$/.test(symbol)) {
    c.fail(`suite.token.symbol must be 3 to 12 letters or '-', not ${JSON.stringify(symbol)}`);
  }
  c.integer("suite.token.decimals", token.decimals, 18);
  const cap = token.cap !== undefined && token.cap !== null ? c.uint128("suite.token.cap", token.cap) : undefined;
  let supply = 0n;
  const seen = new Set<string>();
  const balances = c.list("suite.token.initial_balances", token.initial_balances, Number.MAX_SAFE_INTEGER) ?? [];
  balances.forEach((entry, i) => {
    const path = `suite.token.initial_balances[${i}]`;
    const b = c.object(path, entry, ["address", "amount"]);
    if (!b) return;
    const address = c.address(`${path}.address`, b.address);
    if (address !== undefined) {
      if (seen.has(address))
        c.fail(`${path}.address ${address} appears twice in suite.token.initial_balances (cw20 refuses duplicate balances)`);
      seen.add(address);
    }
    supply += c.uint128(`${path}.amount`, b.amount) ?? 0n;
  });
  if (cap !== undefined && supply > cap) {
    c.fail(`suite.token.initial_balances add up to ${supply}, above suite.token.cap ${cap}`);
  }
  if (deposit !== undefined && deposit > supply) {
    c.fail(
      `config.proposal_deposit ${deposit} is above the ${supply} tokens suite.token.initial_balances create: nobody could ever propose`,
    );
  }
  if (token.marketing !== undefined && token.marketing !== null) {
    const m = c.object("suite.token.marketing", token.marketing, [], ["project", "description", "marketing", "logo"]);
    if (m && m.marketing !== undefined && m.marketing !== null) c.address("suite.token.marketing.marketing", m.marketing);
  }
}

/** The registry; returns its unbonding period. */
function checkRegistry(c: Checker, registry: Json): number | undefined {
  if (registry.stake_denom !== undefined && registry.stake_denom !== null) c.denom("suite.registry.stake_denom", registry.stake_denom);
  const minStake = c.uint128("suite.registry.min_stake", registry.min_stake);
  if (minStake === 0n) c.fail("suite.registry.min_stake must be greater than 0");
  const unbonding = c.period("suite.registry.unbonding_period", registry.unbonding_period, true);
  c.fraction("suite.registry.max_slash", registry.max_slash, false);
  const oracles = c.list("suite.registry.oracles", registry.oracles, Number.MAX_SAFE_INTEGER) ?? [];
  const unique = new Set(oracles.map((o, i) => c.address(`suite.registry.oracles[${i}]`, o)));
  if (unique.size > MAX_ORACLES) c.fail(`suite.registry.oracles has ${unique.size} distinct entries; the limit is ${MAX_ORACLES}`);
  return unbonding;
}

/** The registry's rewards: emission within a Uint128 over the horizon, usage weights once per denom. */
function checkRewards(c: Checker, rewards: Json): { emission?: bigint; halving?: number } {
  const epoch = c.period("suite.registry.rewards.epoch_seconds", rewards.epoch_seconds, true);
  const emission = c.uint128("suite.registry.rewards.emission_per_epoch", rewards.emission_per_epoch);
  const halving = c.integer("suite.registry.rewards.halving_epochs", rewards.halving_epochs);
  c.fraction("suite.registry.rewards.usage_share", rewards.usage_share, false);
  if (epoch !== undefined && emission !== undefined && halving !== undefined) {
    const max = maxEmissionPerEpoch(epoch, halving);
    if (emission > max) {
      c.fail(
        `suite.registry.rewards.emission_per_epoch ${emission} is above ${max}, the most whose whole emission over 10 years (or two halvings) fits a Uint128`,
      );
    }
  }
  const weights = c.list("suite.registry.rewards.usage_weights", rewards.usage_weights, MAX_USAGE_WEIGHTS) ?? [];
  const denoms = new Set<string>();
  weights.forEach((entry, i) => {
    const path = `suite.registry.rewards.usage_weights[${i}]`;
    const w = c.object(path, entry, ["denom", "weight"]);
    if (!w) return;
    const key = c.denom(`${path}.denom`, w.denom);
    c.decimal(`${path}.weight`, w.weight);
    if (key !== undefined) {
      if (denoms.has(key)) c.fail(`${path}.denom ${key} has a weight already (each denom once)`);
      denoms.add(key);
    }
  });
  return { emission, halving };
}

/** The escrow; returns its dispute window. */
function checkEscrow(c: Checker, escrow: Json): number | undefined {
  c.integer("suite.escrow.fee_bps", escrow.fee_bps, MAX_FEE_BPS);
  const disputeWindow = c.period("suite.escrow.dispute_window", escrow.dispute_window, false, MAX_DISPUTE_WINDOW);
  // The provider's least grace after a consumer's close: never 0 (default one hour).
  if (escrow.min_close_grace !== undefined && escrow.min_close_grace !== null) {
    c.period("suite.escrow.min_close_grace", escrow.min_close_grace, true, MAX_DISPUTE_WINDOW);
  }
  const accepted = c.list("suite.escrow.accepted_denoms", escrow.accepted_denoms, Number.MAX_SAFE_INTEGER) ?? [];
  const keys = new Set(accepted.map((d, i) => c.denom(`suite.escrow.accepted_denoms[${i}]`, d)));
  if (keys.size > MAX_ACCEPTED_DENOMS)
    c.fail(`suite.escrow.accepted_denoms has ${keys.size} distinct denoms; the limit is ${MAX_ACCEPTED_DENOMS}`);
  if (escrow.arbiters !== undefined && escrow.arbiters !== null) {
    const arbiters = c.list("suite.escrow.arbiters", escrow.arbiters, Number.MAX_SAFE_INTEGER) ?? [];
    const unique = new Set(arbiters.map((a, i) => c.address(`suite.escrow.arbiters[${i}]`, a)));
    if (unique.size > MAX_ARBITERS) c.fail(`suite.escrow.arbiters has ${unique.size} distinct entries; the limit is ${MAX_ARBITERS}`);
  }
  if (escrow.accept_suite_token !== undefined && escrow.accept_suite_token !== null && typeof escrow.accept_suite_token !== "boolean") {
    c.fail("suite.escrow.accept_suite_token must be true, false or null");
  }
  return disputeWindow;
}

/**
 * Checks parsed params for a network whose addresses start with `prefix`;
 * returns them without comment keys, or throws a ParamsError listing every
 * problem. `source` names the file in the message.
 */
export function checkParams(raw: unknown, prefix: string, source = "params"): SuiteParams {
  const c = new Checker(prefix);
  const { cfg, token, registry, rewards, escrow } = sections(c, raw);
  const { deposit, votingPeriod, timelock } = cfg ? checkDaoConfig(c, cfg) : {};
  if (token) checkToken(c, token, deposit);
  const unbonding = registry ? checkRegistry(c, registry) : undefined;
  const { emission, halving } = rewards ? checkRewards(c, rewards) : {};
  const disputeWindow = escrow ? checkEscrow(c, escrow) : undefined;

  // Rules across contracts (the DAO's instantiate checks them).
  if (unbonding !== undefined && disputeWindow !== undefined && votingPeriod !== undefined && timelock !== undefined) {
    const required = disputeWindow + votingPeriod + timelock;
    if (unbonding < required) {
      c.fail(
        `suite.registry.unbonding_period is ${unbonding} s${days(unbonding)} but must be at least dispute_window + voting_period + timelock = ` +
          `${disputeWindow} + ${votingPeriod} + ${timelock} = ${required} s${days(required)}, so a slash voted after a lost dispute still reaches a leaving provider's stake`,
      );
    }
  }
  if (halving === 0 && token && (token.cap === undefined || token.cap === null) && emission !== undefined && emission > 0n) {
    c.fail(
      "suite.registry.rewards.halving_epochs is 0 (no halving) and suite.token.cap is not set: emission would never end; set a cap or a halving",
    );
  }

  if (c.problems.length > 0) throw new ParamsError(source, c.problems);
  return stripComments(raw) as SuiteParams;
}

/** A copy of `value` without "//" keys at any depth. */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith("//"))
        .map(([k, v]) => [k, stripComments(v)]),
    );
  }
  return value;
}

/** Reads and checks a params file (JSON). */
export function loadParams(file: string, prefix: string): SuiteParams {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read the params file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`the params file ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return checkParams(raw, prefix, file);
}
