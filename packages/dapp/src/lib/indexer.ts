// The indexer's history API (packages/indexer): pages of rows as JSON,
// checked before use, and errors in words. Every list is `{rows, next}`, paged
// by a cursor; `allRows` follows the cursor to the end, within a cap.

export interface IndexerPage<Row> {
  rows: Row[];
  next: string | null;
}

/** Pages of the largest size the API serves. */
export const INDEXER_PAGE = 1000;
/** `allRows` stops here: 50 pages, more history than any chart draws (27 years of days). */
export const MAX_HISTORY_ROWS = 50 * INDEXER_PAGE;

export class IndexerError extends Error {}

type Fetch = (url: string) => Promise<Pick<Response, "ok" | "status" | "json">>;

/** One page of `path` (e.g. "/providers/wasm1…/earnings"). */
export async function indexerPage<Row>(
  base: string,
  path: string,
  page: { limit?: number; after?: string } = {},
  fetchImpl: Fetch = (url) => fetch(url),
): Promise<IndexerPage<Row>> {
  const query = new URLSearchParams({ limit: String(page.limit ?? INDEXER_PAGE) });
  if (page.after !== undefined) query.set("after", page.after);
  const url = `${base}${path}?${query}`;
  let response: Awaited<ReturnType<Fetch>>;
  try {
    response = await fetchImpl(url);
  } catch {
    throw new IndexerError(`The indexer at ${base} did not answer: history cannot be shown. The chain's own figures above are current.`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new IndexerError(`The indexer at ${base} answered ${path} with something other than JSON (HTTP ${response.status}).`);
  }
  if (!response.ok) {
    const reason = (body as { error?: unknown })?.error;
    throw new IndexerError(`The indexer refused ${path} (HTTP ${response.status})${typeof reason === "string" ? `: ${reason}` : ""}.`);
  }
  const { rows, next } = (body ?? {}) as { rows?: unknown; next?: unknown };
  if (!Array.isArray(rows) || !(next === null || typeof next === "string"))
    throw new IndexerError(`The indexer's answer to ${path} is not a list of rows: is ${base} a DePIN indexer?`);
  return { rows: rows as Row[], next };
}

/** Every row of `path`, page after page, up to `cap` rows (`truncated` says whether more exist). */
export async function allRows<Row>(
  base: string,
  path: string,
  cap = MAX_HISTORY_ROWS,
  fetchImpl?: Fetch,
): Promise<{ rows: Row[]; truncated: boolean }> {
  const rows: Row[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await indexerPage<Row>(base, path, { limit: Math.min(INDEXER_PAGE, cap - rows.length), after }, fetchImpl);
    rows.push(...page.rows);
    if (page.next === null) return { rows, truncated: false };
    if (rows.length >= cap) return { rows, truncated: true };
    after = page.next;
  }
}

/** The indexer's denom ("native:uusdc", "cw20:wasm1…") as the dApp's denom key ("uusdc", "wasm1…"). */
export function indexerDenomKey(denom: string): string {
  const m = /^(?:native|cw20):(.+)$/.exec(denom);
  return m ? m[1] : denom;
}

// Rows of the endpoints the dApp draws (packages/indexer/README.md, "HTTP API").
export interface EarningsRow {
  day: string;
  denom: string;
  payments: number;
  gross: string;
  fee: string;
  net: string;
  payments_without_fee: number;
}
export interface RewardsRow {
  day: string;
  claims: number;
  rewards: string;
  forfeited: string;
}
export interface UsageRow {
  day: string;
  payments: number;
  units_paid: string;
  charges: number;
  units_charged: string;
  units_recorded: string;
}
export interface LivenessRow {
  epoch: number;
  source: string;
  proven_at: string;
}
export interface StakeRow {
  day: string;
  changes: number;
  stake: string;
}
export interface NetworkProvidersRow {
  day: string;
  registered: number;
  providers: number;
}
export interface NetworkStakeRow {
  day: string;
  total_stake: string;
}
export interface NetworkUsageRow {
  day: string;
  denom: string;
  gross: string;
}
export interface NetworkEmissionRow {
  day: string;
  minted: string;
}
export interface PaymentRow {
  block_time: string;
  kind: string;
  amount: string;
  fee: string | null;
}
export interface VoteRow {
  block_time: string;
  voter: string;
  vote: string;
  power: string;
}
