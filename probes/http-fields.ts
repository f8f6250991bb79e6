import { z } from 'zod';
import { DEFAULT_EXPECT_STATUS, expectStatusSchema } from './http-status.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The request half of a check, shared by the `http` and `json-api` kinds. */
export const httpRequestFields = {
  /** An http:// or https:// URL. */
  url: z.url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'required' : 'expected an http:// or https:// URL') }),
  /** @default "GET" */
  method: z.enum(METHODS).default('GET'),
  /** Request headers, sent as written. @default {} */
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** `200`, `[200, 204]`, `"2xx"` or `"200-299"`. @default "200-399" */
  expectStatus: expectStatusSchema.default(DEFAULT_EXPECT_STATUS),
  /** @default true */
  followRedirects: z.boolean().default(true),
  /** @default 10 */
  maxRedirects: z.number().int().min(0).max(30).default(10),
  /** Accept any certificate (self-signed, expired, wrong host). Use the `tls` kind to watch certificates. @default false */
  insecureSkipVerify: z.boolean().default(false),
  /**
   * Reuse a kept-alive connection to the same origin (shared by all checks of this kuzet) when one is
   * free, for at most 10 s per connection, so a run costs no TCP or TLS set-up; `false` opens a new
   * connection every run, so each run also times and tests connection set-up. @default true
   */
  reuseConnections: z.boolean().default(true),
};
