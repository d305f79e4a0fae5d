// Paging through a query that takes `start_after`: the cursors of the pages
// seen so far, kept as a stack (the last one is the current page's), and
// reset when the list asked for changes (another filter or page size).

export interface PageCursors<Cursor> {
  /** What the pages are of (a filter as text); other cursors mean nothing for another list. */
  listKey: string;
  /** start_after of every page from the first (undefined) to the current one. */
  stack: (Cursor | undefined)[];
}

export function firstPage<Cursor>(listKey: string): PageCursors<Cursor> {
  return { listKey, stack: [undefined] };
}

/** The cursors for `listKey`: the ones kept when they are of that list, else its first page. */
export function cursorsFor<Cursor>(cursors: PageCursors<Cursor>, listKey: string): PageCursors<Cursor> {
  return cursors.listKey === listKey ? cursors : firstPage(listKey);
}

export function nextPage<Cursor>(cursors: PageCursors<Cursor>, lastOnPage: Cursor): PageCursors<Cursor> {
  return { listKey: cursors.listKey, stack: [...cursors.stack, lastOnPage] };
}

export function previousPage<Cursor>(cursors: PageCursors<Cursor>): PageCursors<Cursor> {
  return cursors.stack.length > 1 ? { listKey: cursors.listKey, stack: cursors.stack.slice(0, -1) } : cursors;
}

/** The start_after of the current page. */
export function currentCursor<Cursor>(cursors: PageCursors<Cursor>): Cursor | undefined {
  return cursors.stack[cursors.stack.length - 1];
}
