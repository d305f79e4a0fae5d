// The one pager of the dApp: usePager keeps the start_after cursors of a
// paginated query (lib/paging.ts), Pager shows page number, Previous and Next.
import { type ReactNode, useState } from "react";
import { currentCursor, cursorsFor, firstPage, nextPage, type PageCursors, previousPage } from "../lib/paging";

export interface PagerState<Cursor> {
  /** start_after for the current page's query. */
  startAfter: Cursor | undefined;
  /** 1 for the first page. */
  pageNumber: number;
  previous(): void;
  next(lastOnPage: Cursor): void;
}

/** Cursors of a paginated list; they start over whenever `listKey` (the filter, page size…) changes. */
export function usePager<Cursor>(listKey = ""): PagerState<Cursor> {
  const [stored, setStored] = useState<PageCursors<Cursor>>(() => firstPage(listKey));
  const cursors = cursorsFor(stored, listKey);
  return {
    startAfter: currentCursor(cursors),
    pageNumber: cursors.stack.length,
    previous: () => setStored(previousPage(cursors)),
    next: (lastOnPage) => setStored(nextPage(cursors, lastOnPage)),
  };
}

export function Pager<Item, Cursor>({
  pager,
  items,
  pageSize,
  cursorOf,
  children,
}: {
  pager: PagerState<Cursor>;
  /** The current page's items: a full page means there may be a next one. */
  items: readonly Item[];
  pageSize: number;
  /** The start_after value an item stands for (its address or id). */
  cursorOf: (item: Item) => Cursor;
  /** More controls on the pager's line (a page size). */
  children?: ReactNode;
}) {
  const last = items.at(-1);
  return (
    <div className="pager">
      <button type="button" disabled={pager.pageNumber <= 1} onClick={pager.previous}>
        Previous page
      </button>
      <span data-testid="page-number">page {pager.pageNumber}</span>
      <button
        type="button"
        disabled={items.length < pageSize || last === undefined}
        onClick={() => last !== undefined && pager.next(cursorOf(last))}
      >
        Next page
      </button>
      {children}
    </div>
  );
}
