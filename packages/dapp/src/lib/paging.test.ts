import { describe, expect, test } from "vitest";
import { currentCursor, cursorsFor, firstPage, nextPage, previousPage } from "./paging";

describe("page cursors", () => {
  test("walk forward with the last item of each page and back again", () => {
    const first = firstPage<number>("all");
    expect(currentCursor(first)).toBeUndefined();
    const second = nextPage(first, 10);
    const third = nextPage(second, 20);
    expect(currentCursor(third)).toBe(20);
    expect(third.stack).toHaveLength(3);
    expect(currentCursor(previousPage(third))).toBe(10);
    expect(currentCursor(previousPage(previousPage(third)))).toBeUndefined();
  });
  test("stay on the first page when going back from it", () => {
    const first = firstPage<string>("all");
    expect(previousPage(first)).toBe(first);
  });
  test("start over when the list changes", () => {
    const deep = nextPage(firstPage<string>('{"region":"eu"}'), "cosmos1abc");
    expect(cursorsFor(deep, '{"region":"eu"}')).toBe(deep);
    const other = cursorsFor(deep, '{"region":"us"}');
    expect(other).toEqual({ listKey: '{"region":"us"}', stack: [undefined] });
  });
});
