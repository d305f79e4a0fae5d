// Sending the same thing twice by accident: a transaction identical to one that landed
// moments ago is asked about first ("report the same usage again?").

/** How long an identical repeat is asked about: a minute. */
export const REPEAT_WINDOW_MS = 60_000;

/** What was last sent from a form: what it was (a key such as "lease 3: 100 units") and when it landed. */
export interface LastSent {
  what: string;
  atMs: number;
}

/** True when `what` is what landed less than `windowMs` ago (so the person confirms before it is sent again). */
export function isRecentRepeat(last: LastSent | null, what: string, nowMs: number, windowMs = REPEAT_WINDOW_MS): boolean {
  return last !== null && last.what === what && nowMs - last.atMs < windowMs;
}
