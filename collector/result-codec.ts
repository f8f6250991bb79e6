import type { KeyedResult } from './results.repo.ts';
import type { CheckResult } from '../probes/index.ts';

/** Results travel through Redis as JSON; `at` as an ISO string. One result per stream entry (field `r`). */
export function encodeResult(key: string, r: CheckResult): string {
  return JSON.stringify({ ...r, key, at: r.at.toISOString() });
}

export function decodeResult(s: string): KeyedResult {
  const o = JSON.parse(s) as KeyedResult & { at: string };
  return { ...o, at: new Date(o.at) };
}

/** A batch's results in one stream entry (field `b`): a JSON array of what {@link encodeResult} writes. */
export function encodeBatch(items: readonly { key: string; result: CheckResult }[]): string {
  return JSON.stringify(items.map((i) => ({ ...i.result, key: i.key, at: i.result.at.toISOString() })));
}

/**
 * The results of one stream entry, each with the id the database dedupes on (migration 50): the entry
 * id for a single result, `<entry id>/<index>` inside a batch, so a replayed entry is stored once.
 */
export function decodeEntry(entryId: string, fields: readonly string[]): KeyedResult[] {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'r') return [{ ...decodeResult(fields[i + 1]!), streamId: entryId }];
    if (fields[i] === 'b') {
      const items = JSON.parse(fields[i + 1]!) as (KeyedResult & { at: string })[];
      return items.map((o, n) => ({ ...o, at: new Date(o.at), streamId: `${entryId}/${n}` }));
    }
  }
  return [];
}
