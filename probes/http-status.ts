import { z } from 'zod';
import type { HttpResponse } from './http-client.ts';

const STATUS_PATTERN = /^(?:[1-5]xx|[1-5]\d\d-[1-5]\d\d)$/;
const STATUS_HINT = 'expected a status like 200, [200, 204], "2xx" or "200-299"';

const statusCode = z.number({ error: STATUS_HINT }).int(STATUS_HINT).min(100, STATUS_HINT).max(599, STATUS_HINT);
const statusText = z
  .string()
  .regex(STATUS_PATTERN, STATUS_HINT)
  .refine((s) => !s.includes('-') || Number(s.slice(0, 3)) <= Number(s.slice(4)), 'the range start is above its end');

/**
 * Which HTTP statuses count as up: one code (`200`), a list (`[200, 204]`), a class (`"2xx"`) or a range
 * (`"200-299"`). Kept as written (no transform) so a parsed config parses again to itself.
 */
export const expectStatusSchema = z.union([statusCode, z.array(statusCode).min(1), statusText], { error: STATUS_HINT });
export type ExpectStatus = z.output<typeof expectStatusSchema>;

/** Redirects are followed before the status is checked, so the default admits only what a browser would show. */
export const DEFAULT_EXPECT_STATUS = '200-399';

export function statusMatches(expect: ExpectStatus, status: number): boolean {
  if (typeof expect === 'number') return status === expect;
  if (Array.isArray(expect)) return expect.includes(status);
  if (expect.endsWith('xx')) return Math.floor(status / 100) === Number(expect[0]);
  const [from, to] = expect.split('-').map(Number) as [number, number];
  return status >= from && status <= to;
}

export function describeExpectStatus(expect: ExpectStatus): string {
  if (Array.isArray(expect)) return expect.length === 1 ? String(expect[0]) : `one of ${expect.join(', ')}`;
  return String(expect);
}

/** Why the response's status fails the check, or undefined when it passes. */
export function checkStatus(expect: ExpectStatus, maxRedirects: number, res: HttpResponse): string | undefined {
  if (res.redirectLimitHit) return `more than ${maxRedirects} redirects (last: ${res.status} to ${res.headers.location})`;
  if (statusMatches(expect, res.status)) return undefined;
  return `expected status ${describeExpectStatus(expect)}, got ${res.status}`;
}
