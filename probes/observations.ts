/**
 * What each check kind observes, as one type per kind. A reader of results (metrics, the Influx sink,
 * the ETP view) names the kind it reads and gets that probe's own type, so `tsc` fails the reader when a
 * probe changes what it observes, instead of the reader quietly finding nothing.
 */
import type { z } from 'zod';
import { PROBES, type CheckKind } from './registry.ts';
import type { Observations } from './types.ts';

/** The observation of a check kind: `ObservationOf<'ntp'>` is what the ntp probe puts in `observations`. */
export type ObservationOf<K extends CheckKind> = z.output<(typeof PROBES)[K]['observation']>;

/** A result as it travels (JSON through Redis) or is stored: its kind, when recorded, and its observations as JSON. */
export interface ObservedResult {
  kind?: string | undefined;
  observations?: Observations | null | undefined;
}

/**
 * The observations of a result of `kind`, parsed with that kind's schema, or with `part` — a `pick` of it
 * holding what the reader needs. Undefined when the result is of another kind or its observations do not
 * parse (a failed run that measured nothing). A result without a recorded kind (stored rows, results
 * queued before the kind was recorded) is judged by the schema alone.
 */
export function observationOf<K extends CheckKind>(r: ObservedResult, kind: K): ObservationOf<K> | undefined;
export function observationOf<K extends CheckKind, T extends Partial<ObservationOf<K>>>(
  r: ObservedResult,
  kind: K,
  part: z.ZodType<T>,
): T | undefined;
export function observationOf(r: ObservedResult, kind: CheckKind, part?: z.ZodType): unknown {
  if (r.kind !== undefined && r.kind !== kind) return undefined;
  if (r.observations === undefined || r.observations === null) return undefined;
  const parsed = (part ?? PROBES[kind].observation).safeParse(r.observations);
  return parsed.success ? parsed.data : undefined;
}
