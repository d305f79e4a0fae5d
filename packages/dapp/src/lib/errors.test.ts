import { describe, expect, test } from "vitest";
import { contractError, errorToSentence, isNotFound, priceGuardRefusal } from "./errors";

// Messages as CosmJS 0.38 and wasmd v0.60.8 produce them (captured from the devnet).
const SIMULATE =
  "Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: no claim has matured yet: execute wasm contract failed [CosmWasm/wasmd/x/wasm/keeper/keeper.go:444] with gas used: '102980': unknown request";
const REFUSED =
  "Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: message 0 of the proposal is refused: an allowance on the suite token: a standing allowance could later be spent from members' stake: execute wasm contract failed [CosmWasm/wasmd/x/wasm/keeper/keeper.go:444] with gas used: '116652': unknown request";
const NOT_FOUND =
  "Query failed with (6): type: depin_provider_registry::state::Provider; key: [00, 03] not found: query wasm contract failed: unknown request";

describe("errorToSentence", () => {
  test("gives the contract's own words", () => {
    expect(errorToSentence(new Error(SIMULATE))).toBe("The contract refused: no claim has matured yet.");
  });
  test("shows the DAO's refusal of a message that could reach members' funds", () => {
    expect(errorToSentence(new Error(REFUSED))).toBe(
      "The contract refused: message 0 of the proposal is refused: an allowance on the suite token: a standing allowance could later be spent from members' stake.",
    );
  });
  test("explains an account number a signing library cannot encode (wasmd v0.70's 64-bit numbers)", () => {
    // The dApp's own signing (direct, and amino through src/chain/amino.ts) takes any uint64; a wallet's library may not.
    expect(errorToSentence(new Error("Input number is not a safe integer: number can only safely store up to 53 bits"))).toMatch(
      /above 2\^53.*nothing was sent/,
    );
    // CosmJS's makeSignDoc (amino) on such a number.
    expect(errorToSentence(new Error("Input not in int53 range: 9223372036978233000"))).toMatch(/above 2\^53/);
  });
  test("passes an amino refusal on in its own words", () => {
    const refusal =
      "The text contains a line or paragraph separator character (U+2028 or U+2029), which a Ledger (amino JSON signing) cannot sign for this chain: nothing was sent. Remove it and send again.";
    expect(errorToSentence(Object.assign(new Error(refusal), { name: "AminoRefusal" }))).toBe(refusal);
  });
  test("explains fees, funds, rejections and the network", () => {
    expect(
      errorToSentence(
        new Error(
          "Broadcasting transaction failed with code 13 (codespace: sdk). Log: insufficient fees; got:  required: 7500ustake: insufficient fee",
        ),
      ),
    ).toBe("The transaction fee was too low: the chain wants 7500ustake.");
    expect(
      errorToSentence(
        new Error(
          "Query failed with (6): rpc error: code = Unknown desc = spendable balance 10uusdc is smaller than 1000000uusdc: insufficient funds",
        ),
      ),
    ).toBe("Not enough funds: the account can spend 10uusdc but the transaction needs 1000000uusdc.");
    expect(errorToSentence(new Error("Request rejected"))).toBe("The wallet did not sign: the request was rejected.");
    expect(errorToSentence(new TypeError("Failed to fetch"))).toBe("Cannot reach the chain's RPC endpoint: is the node running?");
    expect(
      errorToSentence(new Error("Account 'wasm1abc' does not exist on chain. Send some tokens there before trying to query sequence.")),
    ).toMatch(/^Account wasm1abc does not exist on chain yet/);
  });
  test("never shows a stack trace", () => {
    const err = new Error("something odd");
    err.stack = "Error: something odd\n    at foo (bar.ts:1:2)";
    expect(errorToSentence(err)).toBe("Something odd.");
    expect(errorToSentence("line one\n    at x (y.js:1:1)")).toBe("Line one.");
    expect(errorToSentence(undefined)).toMatch(/^Something went wrong/);
  });
  test("explains a message the contract cannot parse", () => {
    expect(
      errorToSentence(
        new Error(
          "Query failed with (6): Error parsing into type depin_interface::registry::QueryMsg: unknown variant `x`, expected one of `config`: query wasm contract failed: unknown request",
        ),
      ),
    ).toBe("The contract did not understand the message (unknown variant `x`, expected one of `config`).");
  });
});

describe("contractError / isNotFound", () => {
  test("extracts the contract's text", () => {
    expect(contractError(SIMULATE)).toBe("no claim has matured yet");
    expect(contractError("plain")).toBeNull();
  });
  test("recognises a missing record", () => {
    expect(isNotFound(new Error(NOT_FOUND))).toBe(true);
    expect(isNotFound(new Error(SIMULATE))).toBe(false);
  });
});

describe("a usage report built on a stale count", () => {
  test("says another report landed and nothing was charged", () => {
    const refused = new Error(
      SIMULATE.replace("no claim has matured yet", "report_usage on lease 7 builds on 100 units reported, but the lease has 200"),
    );
    expect(errorToSentence(refused)).toBe(
      "Another usage report on lease 7 landed after this page read it (the lease now counts 200 units reported, the page knew 100): nothing was charged. Check the lease's charges, then report again if this usage is new.",
    );
  });
});

describe("the price guard's refusal", () => {
  test("names both prices in display units; other errors are not it", () => {
    const refused = new Error(
      SIMULATE.replace("no claim has matured yet", "the provider's price 30 per unit is above max_price_per_unit 20"),
    );
    const usdc = (amount: string) => `${Number(amount) / 1e6} USDC`;
    expect(priceGuardRefusal(refused, usdc, "GiB")).toBe(
      "The provider's price is now 0.00003 USDC per GiB, above the 0.00002 USDC per GiB you accepted: nothing was sent. The new price is shown above; open the lease again to accept it.",
    );
    expect(priceGuardRefusal(new Error(SIMULATE), usdc, "GiB")).toBeNull();
  });
});
