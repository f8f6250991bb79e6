import type { z } from 'zod';

/** Why a check failed. An expected failure is data with one of these kinds; a throw from a probe is a bug (`internal`). */
export const ERROR_KINDS = ['dns', 'connect', 'timeout', 'tls', 'http-status', 'assertion', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What the runner hands a probe for one run. The runner owns the timeout: `signal` aborts when it passes. */
export interface ProbeContext {
  signal: AbortSignal;
  timeoutMs: number;
  region: string;
}

/** What a probe returns. `latencyMs` may be set by the probe (e.g. time to first byte); else the runner measures it. */
export interface ProbeOutcome {
  ok: boolean;
  errorKind?: ErrorKind;
  message: string;
  latencyMs?: number;
  /** Free-form measurements (status code, days to expiry, resolved addresses …). */
  observations?: Record<string, unknown>;
}

/**
 * One check kind. `schema` validates the kind-specific fields of a check in kuzet.yaml (strict; defaults applied).
 * A new kind is one file `probes/<kind>.probe.ts` plus one line in `probes/registry.ts`.
 */
export interface Probe<S extends z.ZodObject = z.ZodObject> {
  kind: string;
  schema: S;
  /** The check's timeout when the config gives none (default 10 s); a browser journey needs longer. */
  defaultTimeoutMs?: number;
  run(config: z.output<S>, ctx: ProbeContext): Promise<ProbeOutcome>;
}

/** One result of one run of one check, as stored, exported and shown. */
export interface CheckResult {
  system: string;
  target: string;
  check: string;
  region: string;
  ok: boolean;
  latencyMs: number;
  errorKind: ErrorKind | null;
  message: string;
  at: Date;
  observations?: Record<string, unknown>;
}
