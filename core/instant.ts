/**
 * Strict ISO 8601 instants for query strings: a calendar date that exists, a time, and an explicit
 * offset (`Z` or `±hh:mm`). `Date.parse` accepts `2026-02-30` (as March 2) and reads a time without
 * an offset in the host's zone; an instant that means different things on different servers is refused.
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Epoch ms of `text`, or the reason it is not a strict instant. */
export function parseInstant(text: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const m = INSTANT.exec(text);
  if (!m) return { ok: false, reason: 'not an ISO 8601 date-time with an offset (e.g. 2026-03-26T09:00:00+05:00)' };
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = mo >= 1 && mo <= 12 ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
  if (d < 1 || d > daysInMonth) return { ok: false, reason: `no such date: ${m[1]}-${m[2]}-${m[3]}` };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: `no such time of day: ${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''}` };
  if (m[9] && (Number(m[10]) > 14 || Number(m[11]) > 59)) return { ok: false, reason: `no such offset: ${m[8]}` };
  return { ok: true, ms: Date.parse(text) };
}
