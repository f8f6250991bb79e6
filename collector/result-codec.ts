import type { KeyedResult } from './results.repo.ts';
import type { CheckResult } from '../probes/index.ts';

/** Results travel through Redis as JSON; `at` as an ISO string. */
export function encodeResult(key: string, r: CheckResult): string {
  return JSON.stringify({ ...r, key, at: r.at.toISOString() });
}

export function decodeResult(s: string): KeyedResult {
  const o = JSON.parse(s) as KeyedResult & { at: string };
  return { ...o, at: new Date(o.at) };
}
