/**
 * The clock, NTP and freshness evidence of `GET /api/v1/etps/:id` (ETP_TIME_RULE): the latest result
 * of each clock-offset (`http-date`), `freshness` and `ntp` check, how many runs an offset has stayed
 * beyond its threshold, and the incident open on its module.
 */
import type { KuzetConfig } from '../core/config.ts';
import type { Queryable } from '../core/db.ts';
import { freshnessAgeObservation, httpDateMeasurementObservation, ntpMeasurementObservation, observationOf } from '../probes/index.ts';
import { failingRuns, latestResults, openIncidentOf } from './evidence.repo.ts';
import { ETP_TIME_RULE } from './time-sync.ts';

type ConfigSystem = KuzetConfig['systems'][string];
interface CheckRef {
  key: string;
  system: string;
  target: ConfigSystem['targets'][number];
  check: ConfigSystem['targets'][number]['checks'][number];
}
type Latest = Awaited<ReturnType<typeof latestResults>>[number];

/** What the evidence shows of each kind's observation, picked from the probe's own schema; a field a run did not measure is null. */
const CLOCK = httpDateMeasurementObservation.pick({ offsetMs: true, uncertaintyMs: true, kuzetClockCorrectionMs: true }).partial();
const NTP = ntpMeasurementObservation.pick({ server: true, offsetMs: true, delayMs: true, stratum: true, refId: true }).partial();
const FRESHNESS = freshnessAgeObservation.pick({ timestamp: true, ageSeconds: true, maxAgeSeconds: true }).partial();

function checksOf(cfg: KuzetConfig): CheckRef[] {
  return Object.entries(cfg.systems).flatMap(([system, sys]) =>
    sys.targets.flatMap((t) => t.checks.map((c) => ({ key: `${system}/${t.id}/${c.id}`, system, target: t, check: c }))),
  );
}

async function clockOffsetOf(db: Queryable, etpId: string, c: CheckRef, r: Latest | undefined, runsToOpen: number) {
  const runs = r ? await failingRuns(db, c.key) : 0;
  const module = c.target.module ?? c.target.id;
  const incident = await openIncidentOf(db, etpId, module);
  const clock = r ? observationOf(r, 'http-date', CLOCK) : undefined;
  return {
    check: c.key,
    at: r?.at ?? null,
    ok: r?.ok ?? null,
    offsetMs: clock?.offsetMs ?? null,
    uncertaintyMs: clock?.uncertaintyMs ?? null,
    kuzetClockCorrectionMs: clock?.kuzetClockCorrectionMs ?? null,
    maxOffsetMs: (c.check.settings.maxOffsetMs as number | undefined) ?? null,
    message: r?.message ?? null,
    runsBeyondThreshold: runs,
    runsToOpenIncident: runsToOpen,
    incident,
    rule: ETP_TIME_RULE.id,
  };
}

function ntpOf(c: CheckRef, r: Latest | undefined) {
  const o = (r && observationOf(r, 'ntp', NTP)) ?? {};
  return {
    check: c.key,
    at: r?.at ?? null,
    ok: r?.ok ?? null,
    server: o.server ?? (c.check.settings.server as string | undefined) ?? null,
    offsetMs: o.offsetMs ?? null,
    delayMs: o.delayMs ?? null,
    stratum: o.stratum ?? null,
    refId: o.refId ?? null,
    message: r?.message ?? null,
  };
}

function freshnessOf(c: CheckRef, r: Latest | undefined) {
  const o = (r && observationOf(r, 'freshness', FRESHNESS)) ?? {};
  return {
    check: c.key,
    service: c.target.service ?? null,
    at: r?.at ?? null,
    ok: r?.ok ?? null,
    timestamp: o.timestamp ?? null,
    ageSeconds: o.ageSeconds ?? null,
    maxAgeSeconds: o.maxAgeSeconds ?? null,
    message: r?.message ?? null,
  };
}

/** The ETP's own clock-offset and freshness checks and every NTP check, each with its latest result. */
export async function timeEvidence(db: Queryable, cfg: KuzetConfig, etpId: string, runsToOpen: number) {
  const checks = checksOf(cfg);
  const own = checks.filter((c) => c.system === etpId);
  const dateChecks = own.filter((c) => c.check.type === 'http-date');
  const freshChecks = own.filter((c) => c.check.type === 'freshness');
  const ntpChecks = checks.filter((c) => c.check.type === 'ntp');
  const latest = new Map(
    (
      await latestResults(
        db,
        [...dateChecks, ...freshChecks, ...ntpChecks].map((c) => c.key),
      )
    ).map((r) => [r.key, r]),
  );
  const clockOffset = [];
  for (const c of dateChecks) clockOffset.push(await clockOffsetOf(db, etpId, c, latest.get(c.key), runsToOpen));
  return {
    rule: ETP_TIME_RULE,
    clockOffset,
    ntp: ntpChecks.map((c) => ntpOf(c, latest.get(c.key))),
    freshness: freshChecks.map((c) => freshnessOf(c, latest.get(c.key))),
  };
}
