/**
 * Cursor paging, the same on every list endpoint: `?limit=` (default 100, at most 1000) and
 * `?cursor=` from the previous page's `nextCursor`; the last page has no `nextCursor`.
 * A cursor is opaque to clients; a malformed one is a 400 naming `cursor`, never a database error.
 */
import type { Context } from 'koa';
import { InputError } from '../core/errors.ts';
import { queryInt, unstorableAt } from './http-util.ts';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
const BIGINT_MAX = 9_223_372_036_854_775_807n;
/** The farthest instant a Date holds (ms either side of 1970); a cursor's ms or µs position lies within it. */
const DATE_MAX_MS = 8.64e15;

export const queryLimit = (ctx: Context, fallback = DEFAULT_PAGE) => queryInt(ctx, 'limit', fallback, 1, MAX_PAGE);

function rawCursor(ctx: Context): string | undefined {
  const v = ctx.query.cursor;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > 512) throw new InputError('not a cursor from a previous page', 'cursor');
  return v;
}

/** A row id cursor (a bigint key): digits only and within PostgreSQL's bigint, else 400 (an oversized one overflowed into a 500). */
export function idCursor(ctx: Context): string | undefined {
  const v = rawCursor(ctx);
  if (v === undefined) return undefined;
  if (!/^\d{1,19}$/.test(v) || BigInt(v) > BIGINT_MAX)
    throw new InputError('not a cursor from a previous page (a row id within bigint)', 'cursor');
  return v;
}

/** An opaque cursor holding a tuple of strings and numbers (a keyset position). */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** Decodes a cursor of {@link encodeCursor}; `shape` gives the type of each part. */
export function tupleCursor<const S extends readonly ('string' | 'number')[]>(
  ctx: Context,
  shape: S,
): { [K in keyof S]: S[K] extends 'number' ? number : string } | undefined {
  const v = rawCursor(ctx);
  if (v === undefined) return undefined;
  let parts: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(v)) throw new Error('not base64url');
    parts = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('not a cursor from a previous page', 'cursor');
  }
  // A forged cursor must not reach the query as a 500: a number past Date's range makes toISOString
  // throw, and a NUL or lone surrogate is refused by PostgreSQL.
  const ok =
    Array.isArray(parts) &&
    parts.length === shape.length &&
    parts.every((p, i) =>
      shape[i] === 'number'
        ? typeof p === 'number' && Number.isSafeInteger(p) && Math.abs(p) <= DATE_MAX_MS
        : typeof p === 'string' && p.length <= 200 && !unstorableAt(p, []),
    );
  if (!ok) throw new InputError('not a cursor from a previous page', 'cursor');
  return parts as { [K in keyof S]: S[K] extends 'number' ? number : string };
}

/**
 * One page of a list already in order (small lists held in memory, such as maintenance windows):
 * the cursor is the key of the last item of the previous page.
 */
export function pageOfList<T>(ctx: Context, items: readonly T[], keyOf: (item: T) => string): { items: T[]; nextCursor?: string } {
  const limit = queryLimit(ctx);
  const after = tupleCursor(ctx, ['string'] as const);
  let start = 0;
  if (after) {
    const i = items.findIndex((x) => keyOf(x) === after[0]);
    if (i < 0) throw new InputError('not a cursor from a previous page (its item is gone; start again without a cursor)', 'cursor');
    start = i + 1;
  }
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1];
  return start + limit < items.length && last !== undefined ? { items: page, nextCursor: encodeCursor([keyOf(last)]) } : { items: page };
}

/** A repository's page (`next` is the last item's keyset position) as the API answers it. */
export function paged<T>(page: { items: T[]; next?: readonly (string | number)[] | undefined }): { items: T[]; nextCursor?: string } {
  return page.next ? { items: page.items, nextCursor: encodeCursor(page.next) } : { items: page.items };
}
