import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MS_PER_MINUTE, formatAstana } from '../../core/time.ts';
import { computeExtensions, type DeadlinesRequest, type DeadlinesResult } from './deadlines.ts';
import { rulesCalendar, rulesDeadlines, rulesLeadTime, rulesSla, AUDIENCES, SLA_TIMER_IDS } from './index.ts';
import { DEADLINE_KINDS, LEVELS, POLICIES, PROCUREMENT_METHODS, type DeadlineKind, type ProcurementFacts } from './policies/index.ts';

const DAY_MIN = 1440;
const FROM = Date.UTC(2024, 2, 1);
const TO = Date.UTC(2027, 10, 1);

const minuteInstant = fc.integer({ min: FROM / MS_PER_MINUTE, max: TO / MS_PER_MINUTE }).map((m) => m * MS_PER_MINUTE);
const offsetMinutes = fc.integer({ min: -3 * DAY_MIN, max: 7 * DAY_MIN });

const procurementAt = (s: number) =>
  fc.record(
    {
      method: fc.constantFrom(...PROCUREMENT_METHODS),
      module: fc.constantFrom('auctions', 'tenders', undefined),
      affected: fc.constantFrom(true, false, undefined),
      appealed: fc.constantFrom(true, false, undefined),
      protocolFormedAt: fc.option(
        offsetMinutes.map((o) => s + o * MS_PER_MINUTE),
        { nil: undefined },
      ),
      unscrupulousAnnulledAt: fc.option(
        fc.integer({ min: 0, max: 3 * DAY_MIN }).map((o) => s + o * MS_PER_MINUTE),
        { nil: undefined, freq: 4 },
      ),
      resultsAffected: fc.constantFrom(true, undefined),
      listedUnreliable: fc.constantFrom(true, undefined),
      deadlines: fc.record(
        Object.fromEntries(
          DEADLINE_KINDS.map((k) => [
            k,
            fc.option(
              offsetMinutes.map((o) => s + o * MS_PER_MINUTE),
              { nil: undefined },
            ),
          ]),
        ) as Record<DeadlineKind, fc.Arbitrary<number | undefined>>,
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['method', 'deadlines'] },
  );

/** A request (incident or maintenance) and how many more minutes a longer failure lasts. */
const scenario = minuteInstant.chain((s) =>
  fc.record({
    s: fc.constant(s),
    duration: fc.integer({ min: 0, max: 4 * DAY_MIN }),
    extra: fc.integer({ min: 0, max: 3 * DAY_MIN }),
    policy: fc.constantFrom('portal-692' as const, 'energy-366' as const),
    kind: fc.constantFrom('incident', 'incident', 'incident', 'maintenance'),
    level: fc.constantFrom(...LEVELS),
    module: fc.constantFrom('auctions', undefined),
    decryptionFailure: fc.boolean(),
    forceMajeure: fc.constantFrom(false, false, false, true),
    procurements: fc.array(procurementAt(s), { minLength: 1, maxLength: 8 }),
    tariffs: fc.array(
      fc.record({ offset: fc.integer({ min: -3, max: 7 }), of: fc.option(fc.array(fc.nat(7), { maxLength: 3 }), { nil: undefined }) }),
      { maxLength: 3 },
    ),
    /** Minutes from S to the receipt, and from the receipt to the confirmation or refutation. */
    received: fc.integer({ min: 0, max: 120 }),
    analysis: fc.integer({ min: 0, max: 600 }),
    refuted: fc.constantFrom(false, false, false, true),
  }),
);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function request(x: Scenario, duration: number): DeadlinesRequest {
  const end = x.s + duration * MS_PER_MINUTE;
  const procurements: ProcurementFacts[] = x.procurements.map((p, i) => {
    const d = { ...p.deadlines };
    if (d.acceptanceStart !== undefined && d.acceptanceEnd !== undefined && d.acceptanceEnd < d.acceptanceStart) delete d.acceptanceStart;
    return { ...p, id: `P${i}`, deadlines: d };
  });
  const sDay = Math.floor((x.s + 5 * 3_600_000) / 86_400_000);
  return {
    policy: x.policy,
    ...(x.kind === 'incident' ? { incident: incidentOf(x, end) } : { maintenance: { startsAt: x.s, endsAt: end } }),
    procurements,
    tariffs: x.tariffs.map((t, i) => ({
      id: `T${i}`,
      validUntil: sDay + t.offset,
      procurements: t.of?.filter((n) => n < procurements.length).map((n) => `P${n}`),
    })),
  };
}

function incidentOf(x: Scenario, end: number): NonNullable<DeadlinesRequest['incident']> {
  const receivedAt = x.s + x.received * MS_PER_MINUTE;
  const decidedAt = receivedAt + x.analysis * MS_PER_MINUTE;
  const common = { startedAt: x.s, receivedAt, module: x.module, decryptionFailure: x.decryptionFailure, forceMajeure: x.forceMajeure };
  return x.refuted ? { ...common, refutedAt: decidedAt } : { ...common, level: x.level, confirmedAt: decidedAt, resolvedAt: end };
}

/** The deadline in force after the extensions: extended, or the original. */
function effective(req: DeadlinesRequest, res: DeadlinesResult): Map<string, number | undefined> {
  const m = new Map<string, number | undefined>();
  for (const p of req.procurements) for (const k of DEADLINE_KINDS) m.set(`${p.id}.${k}`, p.deadlines[k]);
  for (const e of res.extensions) m.set(`${e.subject}.${e.deadline}`, e.extended);
  for (const t of req.tariffs) m.set(`tariff.${t.id}`, t.validUntil);
  for (const t of res.tariffs) m.set(`tariff.${t.id}`, t.extendedUntil);
  return m;
}

describe('properties of the deadline extensions', () => {
  it('no deadline moves earlier', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const req = request(x, x.duration);
        const res = computeExtensions(req);
        for (const e of res.extensions) if (e.original !== null) assert.ok(e.extended > e.original, JSON.stringify(e));
        for (const t of res.tariffs) assert.ok(t.extendedUntil > t.validUntil);
      }),
      { numRuns: 1000 },
    );
  });

  it('every extension, tariff, annulment and duty cites a rule id of its policy', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const req = request(x, x.duration);
        const res = computeExtensions(req);
        const ext = POLICIES[req.policy].extension;
        const ids = new Set([
          ...(ext?.rules ?? []).map((r) => r.id),
          ...(ext?.tariffRules ?? []).map((r) => r.id),
          ...(ext?.analysisRule ? [ext.analysisRule.id] : []),
          ...(ext?.annulmentRules ?? []).map((r) => r.id),
          ...(ext?.dutyRules ?? []).map((r) => r.id),
        ]);
        for (const c of [...res.extensions, ...res.tariffs, ...res.annulments, ...res.duties])
          assert.ok(ids.has(c.rule), JSON.stringify(c));
        if (req.incident?.refutedAt !== undefined) {
          for (const e of res.extensions) assert.equal(e.rule, 'EX-ANALYSIS');
          assert.deepEqual([res.tariffs, res.annulments, res.duties], [[], [], []]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a longer failure never gives an earlier deadline', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const shortReq = request(x, x.duration);
        const longReq = request(x, x.duration + x.extra);
        const short = effective(shortReq, computeExtensions(shortReq));
        const long = effective(longReq, computeExtensions(longReq));
        for (const [key, a] of short) {
          const b = long.get(key);
          // EX-TARIFF follows the procurements' extensions, falling back to ceilDays(D) when none moved
          // (docs/rules.md §5): a longer failure that first moves a deadline by less than D can give a
          // tariff fewer days. Tariffs are checked never to move earlier above.
          if (a === undefined || key.startsWith('tariff.')) continue;
          assert.ok(
            b !== undefined && b >= a,
            `${key}: ${formatAstana(a)} with ${x.duration} min, ${b === undefined ? 'none' : formatAstana(b)} with ${x.duration + x.extra} min`,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('results do not depend on the host time zone', () => {
  const zones = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham', 'Asia/Almaty'];
  const iso = (ms: number) => new Date(ms).toISOString();

  function underEachZone<T>(fn: () => T): T[] {
    const saved = process.env.TZ;
    try {
      return zones.map((tz) => {
        process.env.TZ = tz;
        return fn();
      });
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }

  it('the zone really changes for local-time Date methods (the check is not vacuous)', () => {
    const offsets = underEachZone(() => new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset());
    assert.ok(new Set(offsets).size > 1, String(offsets));
  });

  it('entry points give the same JSON under any TZ', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.constantFrom(...SLA_TIMER_IDS),
        fc.constantFrom(...AUDIENCES),
        fc.integer({ min: -10, max: 10 }),
        (x, timer, audience, days) => {
          const req = request(x, x.duration);
          const json = {
            policy: req.policy,
            ...(req.incident
              ? {
                  incident: Object.fromEntries(
                    Object.entries(req.incident)
                      .filter(([, v]) => v !== undefined)
                      .map(([k, v]) => [k, k.endsWith('At') ? iso(v as number) : v]),
                  ),
                }
              : { maintenance: { startsAt: iso(x.s), endsAt: iso(x.s + x.duration * MS_PER_MINUTE) } }),
            procurements: req.procurements.map((p) => ({
              ...p,
              protocolFormedAt: p.protocolFormedAt === undefined ? undefined : iso(p.protocolFormedAt),
              unscrupulousAnnulledAt: p.unscrupulousAnnulledAt === undefined ? undefined : iso(p.unscrupulousAnnulledAt),
              deadlines: Object.fromEntries(
                Object.entries(p.deadlines)
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => [k, iso(v as number)]),
              ),
            })),
          };
          const from = iso(x.s);
          const results = underEachZone(() =>
            JSON.stringify([
              rulesDeadlines(JSON.parse(JSON.stringify(json))),
              rulesSla({ timer, from }),
              rulesLeadTime({ audience, start: from }),
              rulesCalendar({ op: 'add-working-days', at: from, days }),
              rulesCalendar({ op: 'info', date: from.slice(0, 10) }),
            ]),
          );
          for (const r of results) assert.equal(r, results[0]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
