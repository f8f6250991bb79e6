import { z } from 'zod';
import { errorOutcome, roundMs } from './classify.ts';
import { setMeasuredOffset } from './ntp/clock.ts';
import {
  DEFAULT_NTP_SERVER,
  SntpReplyError,
  formatServer,
  parseServer,
  querySntp,
  type SntpMeasurement,
  type SntpRejection,
} from './ntp/sntp.ts';
import type { Probe, ProbeOutcome } from './types.ts';

export const ntpSchema = z
  .strictObject({
    /** `host`, `host:port`, `[v6]:port`. ETP servers must follow ntp.nic.kz (000 App.3, requirement 5). @default "ntp.nic.kz" (port 123) */
    server: z
      .string()
      .refine(
        (s) => parseServer(s) !== undefined,
        'expected a host with an optional port, like "ntp.nic.kz", "10.0.0.2:123" or "[::1]:123"',
      )
      .default(DEFAULT_NTP_SERVER),
    /** |offset| above this is a warning (observations.level = "warn"); the check still passes. @default 100 */
    warnMs: z.number().positive().default(100),
    /** |offset| above this fails the check. @default 500 */
    failMs: z.number().positive().default(500),
    /** Use this server's offset to correct kuzet's own clock (see ntp/clock.ts). Turn off for servers that are watched, not trusted. @default true */
    correctClock: z.boolean().default(true),
  })
  .refine((c) => c.warnMs <= c.failMs, { path: ['warnMs'], message: 'must not exceed failMs' });
export type NtpConfig = z.output<typeof ntpSchema>;

const NTP_LEVELS = ['ok', 'warn', 'fail'] as const;
const SNTP_REJECTIONS = [
  'short-packet',
  'bad-mode',
  'bad-version',
  'kiss-of-death',
  'unsynchronized',
  'bad-stratum',
  'bad-origin',
  'zero-timestamp',
] as const satisfies readonly SntpRejection[];

/** One SNTP exchange's numbers; `kuzet ntp` prints the first five. `level` is the thresholds' verdict. */
export const ntpMeasurementObservation = z.object({
  server: z.string(),
  offsetMs: z.number(),
  delayMs: z.number(),
  stratum: z.number().int(),
  refId: z.string(),
  address: z.string(),
  leap: z.number().int(),
  rootDelayMs: z.number(),
  rootDispersionMs: z.number(),
  level: z.enum(NTP_LEVELS).optional(),
});
/** No usable answer: the server asked, and why its reply was refused (absent when none came). */
export const ntpFailureObservation = z.object({ server: z.string(), rejected: z.enum(SNTP_REJECTIONS).optional() });
export const ntpObservation = z.union([ntpMeasurementObservation, ntpFailureObservation]);
export type NtpMeasurementObservation = z.output<typeof ntpMeasurementObservation>;
export type NtpObservation = z.output<typeof ntpObservation>;

/** The numbers a result carries; `kuzet ntp` prints the first five. */
export function ntpObservations(m: SntpMeasurement, level?: (typeof NTP_LEVELS)[number]): NtpMeasurementObservation {
  return {
    server: m.server,
    offsetMs: roundMs(m.offsetMs),
    delayMs: roundMs(m.delayMs),
    stratum: m.stratum,
    refId: m.refId,
    address: m.address,
    leap: m.leap,
    rootDelayMs: roundMs(m.rootDelayMs),
    rootDispersionMs: roundMs(m.rootDispersionMs),
    ...(level ? { level } : {}),
  };
}

/** Measures kuzet's clock against an NTP server with one SNTP exchange (RFC 4330). */
export const ntpProbe: Probe<typeof ntpSchema, NtpObservation> = {
  kind: 'ntp',
  schema: ntpSchema,
  observation: ntpObservation,
  async run(config, ctx) {
    const server = parseServer(config.server);
    if (!server) return { ok: false, errorKind: 'internal', message: `invalid server ${config.server}` }; // the schema refused it already
    let m: SntpMeasurement;
    try {
      m = await querySntp(server, { signal: ctx.signal });
    } catch (err) {
      return ntpFailure(err, formatServer(server), ctx.signal);
    }
    if (config.correctClock) setMeasuredOffset(m.offsetMs, new Date(m.at), m.server);
    return judge(config, m);
  },
};

/** Applies the thresholds to a measurement. */
export function judge(config: Pick<NtpConfig, 'warnMs' | 'failMs'>, m: SntpMeasurement): ProbeOutcome<NtpObservation> {
  const abs = Math.abs(m.offsetMs);
  const level = abs > config.failMs ? 'fail' : abs > config.warnMs ? 'warn' : 'ok';
  const observations = ntpObservations(m, level);
  const latencyMs = roundMs(m.delayMs);
  const text = `offset ${signed(m.offsetMs)} ms, delay ${roundMs(m.delayMs)} ms, stratum ${m.stratum}, ref ${m.refId}`;
  if (level === 'fail')
    return {
      ok: false,
      errorKind: 'assertion',
      message: `${m.server}: ${text}: |offset| above ${config.failMs} ms`,
      latencyMs,
      observations,
    };
  return {
    ok: true,
    message: `${m.server}: ${text}${level === 'warn' ? ` (warning: |offset| above ${config.warnMs} ms)` : ''}`,
    latencyMs,
    observations,
  };
}

function ntpFailure(err: unknown, server: string, signal: AbortSignal): ProbeOutcome<NtpObservation> {
  if (err instanceof SntpReplyError && !signal.aborted)
    return { ok: false, errorKind: 'assertion', message: `${server}: ${err.message}`, observations: { server, rejected: err.code } };
  const outcome = errorOutcome(err, signal, { server });
  return { ...outcome, message: `${server}: ${outcome.message}` };
}

function signed(ms: number): string {
  const r = roundMs(ms);
  return r > 0 ? `+${r}` : String(r);
}
