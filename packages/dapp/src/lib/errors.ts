// The one place that turns what a chain call throws (CosmJS, the node, the
// contracts, the wallet, the network) into a sentence a person can act on.
// Pages never show an Error's stack or raw message: they show errorToSentence(err).

/** Capitalises the first letter and ends with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (!trimmed) return "Something went wrong.";
  const first = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "string") return err;
  if (err && typeof err === "object" && "message" in err && typeof (err as { message: unknown }).message === "string") {
    return (err as { message: string }).message;
  }
  return "";
}

/**
 * The contract's own error text inside a node error such as
 * "… failed to execute message; message index: 0: no claim has matured yet: execute wasm contract failed […]"
 * or "Query failed with (6): <text>: query wasm contract failed: unknown request".
 */
export function contractError(message: string): string | null {
  const exec = /message index: \d+: ([\s\S]*?): execute wasm contract failed/.exec(message);
  if (exec) return exec[1];
  const query = /Query failed with \(\d+\): ([\s\S]*?): query wasm contract failed/.exec(message);
  if (query) return query[1];
  return null;
}

/** The contract's own error text in what a chain call threw, or null when the contract did not refuse. */
export function contractErrorOf(err: unknown): string | null {
  return contractError(messageOf(err));
}

/**
 * The escrow's price guard refusal ("the provider's price 30 per unit is above max_price_per_unit 20")
 * with both prices in display units (`price` formats base units), or null for any other error.
 */
export function priceGuardRefusal(err: unknown, price: (baseUnits: string) => string, unit: string): string | null {
  const guard = /the provider's price (\d+) per unit is above max_price_per_unit (\d+)/.exec(contractErrorOf(err) ?? "");
  if (!guard) return null;
  return `The provider's price is now ${price(guard[1])} per ${unit}, above the ${price(guard[2])} per ${unit} you accepted: nothing was sent. The new price is shown above; open the lease again to accept it.`;
}

/** True when a query failed because the record does not exist (e.g. an unregistered provider). */
export function isNotFound(err: unknown): boolean {
  const text = contractError(messageOf(err)) ?? messageOf(err);
  return /not found|does not exist|is not a registered provider/.test(text);
}

const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/Request rejected|rejected the request|User denied/i, () => "The wallet did not sign: the request was rejected."],
  [/insufficient fees?; got: ?(\S*) required: ([^\s:]+)/, (m) => `The transaction fee was too low: the chain wants ${m[2]}.`],
  [
    /spendable balance (\S+) is smaller than ([^\s:]+)/,
    (m) => `Not enough funds: the account can spend ${m[1]} but the transaction needs ${m[2]}.`,
  ],
  [/insufficient funds/i, () => "Not enough funds in the account for this transaction and its fee."],
  [
    /Account '?(\S+?)'? does not exist on chain/,
    (m) => `Account ${m[1]} does not exist on chain yet: it needs some tokens before it can send a transaction.`,
  ],
  [/out of gas/i, () => "The transaction ran out of gas; try again (the estimate may have been short)."],
  [
    /was submitted but was not yet found on the chain|TimeoutError/,
    () => "The transaction was sent but not seen in a block in time; check again in a moment before retrying.",
  ],
  [
    /Failed to fetch|NetworkError|ECONNREFUSED|fetch failed|Load failed/i,
    () => "Cannot reach the chain's RPC endpoint: is the node running?",
  ],
  [
    /safely store up to 53 bits|not in int53 range/i,
    () =>
      "A number in this transaction (the account number: wasmd v0.70 gives new accounts numbers above 2^53) is too large for the signing library: nothing was sent. Update the wallet, or sign with another account.",
  ],
  [/account sequence mismatch/i, () => "The wallet's transaction count was out of date; try again."],
  [/There is no chain info for|no modular chain info for/i, () => "The wallet does not know this chain yet; connect again to add it."],
  [/key doesn't exist|No wallet|Keplr is not installed/i, () => "No wallet account is available: unlock or create one in the wallet."],
  [/Error parsing into type \S+: ([^:]+)/, (m) => `The contract did not understand the message (${m[1].trim()}).`],
];

/** A sentence for any error thrown by a chain call. */
export function errorToSentence(err: unknown): string {
  const message = messageOf(err);
  const fromContract = contractError(message);
  if (fromContract) {
    // The contracts' errors are written as sentences already ("no claim has matured yet").
    const parsing = /Error parsing into type \S+: ([^:]+)/.exec(fromContract);
    if (parsing) return sentence(`The contract did not understand the message (${parsing[1].trim()})`);
    const stale = /report_usage on lease (\d+) builds on (\d+) units reported, but the lease has (\d+)/.exec(fromContract);
    if (stale)
      return `Another usage report on lease ${stale[1]} landed after this page read it (the lease now counts ${stale[3]} units reported, the page knew ${stale[2]}): nothing was charged. Check the lease's charges, then report again if this usage is new.`;
    return sentence(`The contract refused: ${fromContract}`);
  }
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  const broadcast = /Broadcasting transaction failed with code (\d+) \(codespace: (\w+)\)\. Log: ([\s\S]*)/.exec(message);
  if (broadcast) return sentence(`The chain refused the transaction: ${broadcast[3]}`);
  if (!message) return "Something went wrong, with no message from the chain or the wallet.";
  // Keep only the first line: never a stack trace.
  return sentence(message.split("\n")[0].replace(/^Error: /, ""));
}
