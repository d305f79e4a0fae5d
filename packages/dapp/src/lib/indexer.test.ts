import { describe, expect, test } from "vitest";
import { allRows, IndexerError, indexerDenomKey, indexerPage } from "./indexer";

/** A fake indexer: `pages` by the `after` cursor ("" for the first), as the real one answers. */
function serve(pages: Record<string, { rows: unknown[]; next: string | null }>) {
  const urls: string[] = [];
  const fetchImpl = async (url: string) => {
    urls.push(url);
    const after = new URL(url).searchParams.get("after") ?? "";
    const page = pages[after];
    return { ok: !!page, status: page ? 200 : 400, json: async () => page ?? { error: "after is not a cursor of this list" } };
  };
  return { urls, fetchImpl };
}

describe("the indexer's API", () => {
  test("follows the cursor to the end", async () => {
    const { urls, fetchImpl } = serve({ "": { rows: [1, 2], next: "2" }, "2": { rows: [3], next: null } });
    expect(await allRows("http://i", "/network/stake", 100, fetchImpl)).toEqual({ rows: [1, 2, 3], truncated: false });
    expect(urls).toEqual(["http://i/network/stake?limit=100", "http://i/network/stake?limit=98&after=2"]);
  });
  test("stops at the cap and says so", async () => {
    const { fetchImpl } = serve({ "": { rows: [1, 2], next: "2" }, "2": { rows: [3], next: null } });
    expect(await allRows("http://i", "/x", 2, fetchImpl)).toEqual({ rows: [1, 2], truncated: true });
  });
  test("errors in words: refused, down, not an indexer", async () => {
    const { fetchImpl } = serve({});
    await expect(indexerPage("http://i", "/x", { after: "zz" }, fetchImpl)).rejects.toThrow(
      "The indexer refused /x (HTTP 400): after is not a cursor of this list.",
    );
    const down = async () => {
      throw new TypeError("Failed to fetch");
    };
    await expect(indexerPage("http://i", "/x", {}, down)).rejects.toBeInstanceOf(IndexerError);
    await expect(indexerPage("http://i", "/x", {}, down)).rejects.toThrow(/^The indexer at http:\/\/i did not answer/);
    const other = async () => ({ ok: true, status: 200, json: async () => ({ hello: 1 }) });
    await expect(indexerPage("http://i", "/x", {}, other)).rejects.toThrow("is not a list of rows: is http://i a DePIN indexer?");
  });
  test("denoms as the dApp keys them", () => {
    expect(indexerDenomKey("native:uusdc")).toBe("uusdc");
    expect(indexerDenomKey("cw20:wasm1abc")).toBe("wasm1abc");
    expect(indexerDenomKey("uusdc")).toBe("uusdc");
  });
});
