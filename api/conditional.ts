/**
 * Conditional GET (RFC 9110 §13): whether a client's cached copy is still the current one, so the
 * answer is 304 Not Modified without a body. Pure: request header values and the resource's
 * validators in, a verdict out.
 *
 * Not the `fresh` package Koa uses: it also checks `If-Modified-Since` when `If-None-Match` is
 * present (RFC 9110 §13.1.3: a recipient MUST ignore it then), refuses every request that says
 * `Cache-Control: no-cache` (a directive for caches, not a reason for the origin to resend the
 * bytes), and reads HTTP-dates with `Date.parse`, which takes an asctime date in the host's zone.
 */

export interface Validators {
  /** The current entity tag, `"…"` or `W/"…"`. */
  etag: string;
  /** When the representation last changed. */
  lastModified: Date;
}

export interface Preconditions {
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
}

/** The opaque part of an entity tag (`W/"x"` and `"x"` give `"x"`): weak comparison looks at nothing else (RFC 9110 §8.8.3.2). */
const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

const ENTITY_TAG = /[ \t]*((?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")[ \t]*(?:,|$)/y;

/**
 * The entity tags of an `If-None-Match` value: `'*'` for any, a list of tags, or undefined when the
 * value is not valid (RFC 9110 §8.8.3, §13.1.2); empty list elements (`a, , b`) are allowed (§5.6.1).
 */
export function parseEntityTags(value: string): '*' | string[] | undefined {
  if (value.trim() === '*') return '*';
  const tags: string[] = [];
  let i = 0;
  while (i < value.length) {
    const empty = /[ \t]*,/y;
    empty.lastIndex = i;
    if (empty.test(value)) {
      i = empty.lastIndex;
      continue;
    }
    if (/^[ \t]*$/.test(value.slice(i))) break;
    ENTITY_TAG.lastIndex = i;
    const m = ENTITY_TAG.exec(value);
    if (!m) return undefined;
    tags.push(m[1] as string);
    i = ENTITY_TAG.lastIndex;
  }
  return tags.length > 0 ? tags : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function utc(year: number, month: string, day: number, h: string, m: string, s: string): number | undefined {
  const mon = MONTHS.indexOf(month);
  const [hh, mm, ss] = [Number(h), Number(m), Number(s)];
  if (mon < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return undefined;
  const ms = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59));
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/**
 * An HTTP-date in any of its three forms (RFC 9110 §5.6.7: a recipient MUST accept all three), as
 * epoch ms; undefined when the value is none of them. A two-digit RFC 850 year more than 50 years
 * in the future is taken as the past century, as §5.6.7 says.
 */
export function parseHttpDate(value: string, nowMs = Date.now()): number | undefined {
  const v = value.trim();
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = RFC850.exec(v);
  if (m) {
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(v);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!);
  return undefined;
}

/**
 * Whether a GET or HEAD may be answered 304 (RFC 9110 §13.2.2, steps 3–4): `If-None-Match` decides
 * when present — `*` or any listed tag equal to the current one by weak comparison; else a valid
 * `If-Modified-Since` not earlier than the last change (compared in whole seconds, the precision of
 * an HTTP-date). An invalid `If-None-Match` matches nothing; an invalid date is ignored (§13.1.3).
 */
export function notModified(p: Preconditions, v: Validators): boolean {
  if (p.ifNoneMatch !== undefined && p.ifNoneMatch !== '') {
    const tags = parseEntityTags(p.ifNoneMatch);
    if (tags === undefined) return false;
    if (tags === '*') return true;
    const current = opaque(v.etag);
    return tags.some((t) => opaque(t) === current);
  }
  if (p.ifModifiedSince === undefined || p.ifModifiedSince === '') return false;
  const since = parseHttpDate(p.ifModifiedSince);
  if (since === undefined) return false;
  return Math.floor(v.lastModified.getTime() / 1000) * 1000 <= since;
}
