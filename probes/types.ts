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

/** Observations as they travel and are stored (JSON): read them back through `observationOf` and the kind's schema. */
export type Observations = Record<string, unknown>;

/**
 * What a probe returns. `latencyMs` may be set by the probe (e.g. time to first byte); else the runner measures it.
 * `O` is what the kind observes (its `<kind>Observation` schema's type: status code, days to expiry, clock offset …).
 */
export interface ProbeOutcome<O extends Observations = Observations> {
  ok: boolean;
  errorKind?: ErrorKind;
  message: string;
  latencyMs?: number;
  observations?: O | undefined;
}

/**
 * One check kind. `schema` validates the kind-specific fields of a check in kuzet.yaml (strict; defaults applied).
 * A new kind is one file `probes/<kind>.probe.ts` plus one line in `probes/registry.ts`.
 */
export interface Probe<S extends z.ZodObject = z.ZodObject, O extends Observations = Observations> {
  kind: string;
  schema: S;
  /** What `run` puts in `observations`, as a schema: consumers import its type, stored results are parsed with it. */
  observation: z.ZodType<O>;
  /** The check's timeout when the config gives none (default 10 s); a browser journey needs longer. */
  defaultTimeoutMs?: number;
  run(config: z.output<S>, ctx: ProbeContext): Promise<ProbeOutcome<O>>;
}

/** One result of one run of one check, as stored, exported and shown. */
export interface CheckResult {
  system: string;
  target: string;
  check: string;
  region: string;
  /** The check kind that produced it, so readers narrow `observations` by kind; absent in results made before it was recorded. */
  kind?: string | undefined;
  ok: boolean;
  latencyMs: number;
  errorKind: ErrorKind | null;
  message: string;
  at: Date;
  /** The kind's observation (see `ObservationOf`), as JSON: read it through `observationOf`. */
  observations?: Observations;
}
