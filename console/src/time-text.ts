/** Times as the console shows and reads them. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** A `datetime-local` input's value (local time, to the second) as ISO 8601 UTC, or null when empty or not a time. */
export function isoFromLocalInput(local: string): string | null {
  if (!local.trim()) return null;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** A time as a `datetime-local` value with seconds, in the browser's time zone. */
export function localInputValue(time: Date): string {
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

/** An API time (ISO 8601) for a table cell: `2026-12-01 05:49:34 UTC`; `empty` when there is none. */
export function shownTime(iso: string | null | undefined, empty = ''): string {
  if (!iso) return empty;
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
