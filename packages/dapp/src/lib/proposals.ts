// DAO proposals: the messages of the form's templates, raw JSON messages,
// validation of a whole proposal, and a one-line summary of each message.
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@cosmjs/encoding";
import { type CoinBook, formatCoin, parseUnits } from "./format";
import type { CosmosMsg, Denom, ProposalResponse } from "./types";
import {
  addressError,
  byteLength,
  type Errors,
  MAX_DESCRIPTION_LEN,
  MAX_LABEL_LEN,
  MAX_PROPOSAL_MSGS,
  parseWhole,
  textError,
  type Validated,
} from "./validate";

export interface SuiteContracts {
  dao: string;
  rewardToken: string;
  providerRegistry: string;
  billingEscrow: string;
}

export function encodeJson(value: unknown): string {
  return toBase64(toUtf8(JSON.stringify(value)));
}

export function decodeJson(base64: string): unknown {
  try {
    return JSON.parse(fromUtf8(fromBase64(base64)));
  } catch {
    return undefined;
  }
}

function execute(contract: string, msg: unknown): CosmosMsg {
  return { wasm: { execute: { contract_addr: contract, msg: encodeJson(msg), funds: [] } } };
}

export type TemplateKind = "escrow_fee" | "arbiters" | "oracles" | "min_stake" | "treasury_payment" | "raw";

export const TEMPLATE_LABELS: Record<TemplateKind, string> = {
  escrow_fee: "Escrow protocol fee",
  arbiters: "Escrow arbiters",
  oracles: "Registry oracles",
  min_stake: "Registry minimum stake",
  treasury_payment: "Treasury payment",
  raw: "Raw JSON messages",
};

/** The fields of every template, as typed (all strings). */
export interface TemplateForm {
  kind: TemplateKind;
  /** escrow_fee: percent, e.g. "1.5". */
  feePercent: string;
  /** arbiters / oracles: one address per line. */
  add: string;
  remove: string;
  /** min_stake: display units of the stake denom. */
  minStake: string;
  /** treasury_payment */
  recipient: string;
  amount: string;
  denom: string;
  /** raw: a CosmosMsg or an array of them. */
  raw: string;
}

export const EMPTY_TEMPLATE: TemplateForm = {
  kind: "escrow_fee",
  feePercent: "",
  add: "",
  remove: "",
  minStake: "",
  recipient: "",
  amount: "",
  denom: "",
  raw: "",
};

export interface TemplateContext {
  contracts: SuiteContracts;
  prefix: string;
  book: CoinBook;
  stakeDenom: Denom;
  /** Denoms a treasury payment may use: native denoms and the suite token's address. */
  paymentDenoms: string[];
}

function addresses(text: string, prefix: string, errors: Errors, field: string): string[] {
  const list = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of list) {
    const e = addressError(a, prefix);
    if (e) {
      errors[field] = e;
      break;
    }
  }
  return list;
}

/** The messages one template adds to a proposal. */
export function templateMsgs(form: TemplateForm, ctx: TemplateContext): Validated<CosmosMsg[]> {
  const errors: Errors = {};
  const c = ctx.contracts;
  switch (form.kind) {
    case "escrow_fee": {
      const bps = parseUnits(form.feePercent, 2);
      if (bps === null || bps > 10000n)
        return { ok: false, errors: { feePercent: "The fee is a percentage from 0 to 100 with at most two decimals." } };
      return { ok: true, value: [execute(c.billingEscrow, { update_config: { fee_bps: Number(bps) } })] };
    }
    case "arbiters":
    case "oracles": {
      const add = addresses(form.add, ctx.prefix, errors, "add");
      const remove = addresses(form.remove, ctx.prefix, errors, "remove");
      if (!add.length && !remove.length && !errors.add && !errors.remove) errors.add = "Add or remove at least one address.";
      if (Object.keys(errors).length) return { ok: false, errors };
      const update =
        form.kind === "arbiters"
          ? { add_arbiters: add.length ? add : null, remove_arbiters: remove.length ? remove : null }
          : { add_oracles: add.length ? add : null, remove_oracles: remove.length ? remove : null };
      const contract = form.kind === "arbiters" ? c.billingEscrow : c.providerRegistry;
      return { ok: true, value: [execute(contract, { update_config: stripNulls(update) })] };
    }
    case "min_stake": {
      const meta = ctx.book["native" in ctx.stakeDenom ? ctx.stakeDenom.native : ctx.stakeDenom.cw20];
      const amount = parseUnits(form.minStake, meta?.decimals ?? 0);
      if (amount === null) return { ok: false, errors: { minStake: "The minimum stake must be an amount such as 1.5." } };
      return { ok: true, value: [execute(c.providerRegistry, { update_config: { min_stake: amount.toString() } })] };
    }
    case "treasury_payment": {
      const e = addressError(form.recipient, ctx.prefix, "The recipient");
      if (e) errors.recipient = e;
      if (!ctx.paymentDenoms.includes(form.denom)) errors.denom = "Choose what to pay.";
      const meta = ctx.book[form.denom];
      const amount = parseUnits(form.amount, meta?.decimals ?? 0);
      if (amount === null || amount === 0n) errors.amount = "The amount must be greater than zero.";
      if (Object.keys(errors).length || amount === null) return { ok: false, errors };
      const recipient = form.recipient.trim();
      if (form.denom === c.rewardToken) {
        return { ok: true, value: [execute(c.rewardToken, { transfer: { recipient, amount: amount.toString() } })] };
      }
      return {
        ok: true,
        value: [{ bank: { send: { to_address: recipient, amount: [{ denom: form.denom, amount: amount.toString() }] } } }],
      };
    }
    case "raw":
      return parseRawMsgs(form.raw);
  }
}

function stripNulls<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as Partial<T>;
}

const MSG_KINDS = ["bank", "wasm", "staking", "distribution", "ibc", "gov", "stargate", "any", "custom"];

/**
 * Raw messages as JSON: one CosmosMsg or an array. A wasm execute's `msg` may
 * be written as JSON (it is base64-encoded here). Only the JSON shape is
 * checked: the DAO itself judges what a message may do, and its refusal is
 * shown in words.
 */
export function parseRawMsgs(text: string): Validated<CosmosMsg[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: { raw: `The messages are not valid JSON (${err instanceof Error ? err.message : "parse error"}).` } };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0) return { ok: false, errors: { raw: "Give at least one message." } };
  const out: CosmosMsg[] = [];
  for (const [i, m] of list.entries()) {
    if (!m || typeof m !== "object" || Array.isArray(m)) return { ok: false, errors: { raw: `Message ${i} is not a JSON object.` } };
    const keys = Object.keys(m);
    if (keys.length !== 1 || !MSG_KINDS.includes(keys[0])) {
      return { ok: false, errors: { raw: `Message ${i} must have exactly one of ${MSG_KINDS.join(", ")} as its key.` } };
    }
    const msg = structuredClone(m) as Record<string, Record<string, Record<string, unknown>>>;
    for (const variant of ["execute", "migrate", "instantiate", "instantiate2"]) {
      const inner = msg.wasm?.[variant];
      if (inner && typeof inner.msg === "object" && inner.msg !== null) inner.msg = encodeJson(inner.msg);
      if (inner && (variant === "execute" || variant.startsWith("instantiate")) && inner.funds === undefined) inner.funds = [];
    }
    out.push(msg as unknown as CosmosMsg);
  }
  return { ok: true, value: out };
}

export interface ProposalForm {
  title: string;
  description: string;
}

/** The propose message: title, description and 1–32 messages. */
export function validateProposal(
  form: ProposalForm,
  msgs: CosmosMsg[],
): Validated<{ title: string; description: string; msgs: CosmosMsg[] }> {
  const errors: Errors = {};
  const t = textError("The title", form.title, MAX_LABEL_LEN);
  if (t) errors.title = t;
  const d = textError("The description", form.description, MAX_DESCRIPTION_LEN);
  if (d) errors.description = d;
  if (msgs.length === 0) errors.msgs = "Add at least one message from a template or as raw JSON.";
  if (msgs.length > MAX_PROPOSAL_MSGS) errors.msgs = `A proposal carries at most ${MAX_PROPOSAL_MSGS} messages.`;
  return Object.keys(errors).length
    ? { ok: false, errors }
    : { ok: true, value: { title: form.title.trim(), description: form.description.trim(), msgs } };
}

function contractName(address: string, c: SuiteContracts): string {
  if (address === c.billingEscrow) return "escrow";
  if (address === c.providerRegistry) return "registry";
  if (address === c.rewardToken) return "token";
  if (address === c.dao) return "DAO";
  return address;
}

/** One line per message: "escrow: update_config {"fee_bps":150}". */
export function describeMsg(msg: CosmosMsg, c: SuiteContracts, book: CoinBook): string {
  if ("bank" in msg) {
    if ("send" in msg.bank)
      return `pay ${msg.bank.send.amount.map((a) => formatCoin(book, a.amount, a.denom)).join(", ")} to ${msg.bank.send.to_address}`;
    return `burn ${msg.bank.burn.amount.map((a) => formatCoin(book, a.amount, a.denom)).join(", ")}`;
  }
  if ("wasm" in msg) {
    const w = msg.wasm;
    if ("execute" in w) {
      const inner = decodeJson(w.execute.msg);
      if (w.execute.contract_addr === c.rewardToken && inner && typeof inner === "object" && "transfer" in inner) {
        const t = (inner as { transfer: { recipient: string; amount: string } }).transfer;
        return `pay ${formatCoin(book, t.amount, c.rewardToken)} to ${t.recipient}`;
      }
      return `${contractName(w.execute.contract_addr, c)}: ${JSON.stringify(inner)}`;
    }
    if ("migrate" in w) return `upgrade ${contractName(w.migrate.contract_addr, c)} to code ${w.migrate.new_code_id}`;
    if ("update_admin" in w) return `change the admin of ${contractName(w.update_admin.contract_addr, c)} to ${w.update_admin.admin}`;
    if ("clear_admin" in w) return `clear the admin of ${contractName(w.clear_admin.contract_addr, c)}`;
    if ("instantiate" in w) return `instantiate code ${w.instantiate.code_id} (${w.instantiate.label})`;
    if ("instantiate2" in w) return `instantiate code ${w.instantiate2.code_id} (${w.instantiate2.label})`;
  }
  return JSON.stringify(msg);
}

export interface TallyView {
  yes: bigint;
  no: bigint;
  abstain: bigint;
  noWithVeto: bigint;
  turnout: bigint;
  total: bigint;
}

export function tallyOf(p: ProposalResponse): TallyView {
  const yes = BigInt(p.tally.yes);
  const no = BigInt(p.tally.no);
  const abstain = BigInt(p.tally.abstain);
  const noWithVeto = BigInt(p.tally.no_with_veto);
  return { yes, no, abstain, noWithVeto, turnout: yes + no + abstain + noWithVeto, total: BigInt(p.total_power) };
}

/** What can be done with a proposal now, for the buttons shown. */
export function proposalActions(p: ProposalResponse, nowMs: number, opts: { hasPower: boolean; voted: boolean; isGuardian: boolean }) {
  const votingOpen = p.status === "open" && Number(BigInt(p.voting_ends_at) / 1_000_000n) > nowMs;
  const executableAt = p.executable_at ? Number(BigInt(p.executable_at) / 1_000_000n) : null;
  return {
    vote: votingOpen && opts.hasPower && !opts.voted,
    execute: p.status === "passed" && (executableAt === null || executableAt <= nowMs),
    waiting: p.status === "passed" && executableAt !== null && executableAt > nowMs,
    close: p.status === "rejected",
    // The guardian vetoes a passed proposal while it waits: its timelock, or an upgrade's whole exit window.
    veto: opts.isGuardian && p.status === "passed" && executableAt !== null && executableAt > nowMs,
  };
}

/** byteLength re-exported for the form's counters. */
export { byteLength };

/** Parses a proposal id from text. */
export function parseProposalId(text: string): number | null {
  const n = parseWhole(text);
  return n === null || n > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(n);
}
