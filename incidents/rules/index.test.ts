import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
import { epochDay, formatEpochDay } from '../../core/time.ts';
import { CALENDAR_LAST_DATE, rulesCalendar, rulesDeadlines, rulesLeadTime, rulesSla } from './index.ts';

// The calendar's last date and the day after it, so adding a year keeps these tests true.
const LAST = CALENDAR_LAST_DATE;
const AFTER = formatEpochDay(epochDay(Number(LAST.slice(0, 4)), 12, 31) + 1);
const OUTSIDE = `${AFTER} is outside the working calendar (2024-01-01 to ${LAST}); add incidents/rules/holidays/${AFTER.slice(0, 4)}.ts (copy the newest year's file) and list it in HOLIDAY_YEARS in incidents/rules/holidays/index.ts; see README, "Working calendar"`;

/** Asserts that `fn` throws an InputError whose issues are exactly `expected` ("field: message"). */
function rejects(fn: () => unknown, ...expected: string[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.deepEqual(
      e.issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)),
      expected,
    );
    assert.equal(e.message, expected[0]);
    return true;
  });
}

describe('worked examples of the issue, through the entry points', () => {
  it('calendar next-working-day 2026-03-20 → 2026-03-26', () =>
    assert.deepEqual(rulesCalendar({ op: 'next-working-day', date: '2026-03-20' }), { date: '2026-03-26' }));
  it('sla SLA-P-REGISTER from 13:10 → 15:00', () =>
    assert.deepEqual(rulesSla({ timer: 'SLA-P-REGISTER', from: '2026-03-20T13:10:00+05:00' }), {
      timer: 'SLA-P-REGISTER',
      from: '2026-03-20T13:10:00+05:00',
      dueAt: '2026-03-20T15:00:00+05:00',
    }));
  it('sla SLA-P-REGISTER from 19:00 → Mar 26 09:30', () =>
    assert.equal(rulesSla({ timer: 'SLA-P-REGISTER', from: '2026-03-20T19:00:00+05:00' }).dueAt, '2026-03-26T09:30:00+05:00'));
  it('sla SLA-P-ANALYSE from 17:45 → Mar 26 10:15', () =>
    assert.equal(rulesSla({ timer: 'SLA-P-ANALYSE', from: '2026-03-20T17:45:00+05:00' }).dueAt, '2026-03-26T10:15:00+05:00'));
  it('lead-time etp-owners, start Sat 02:00 → Wed 23:59:59', () =>
    assert.deepEqual(rulesLeadTime({ audience: 'etp-owners', start: '2026-03-28T02:00:00+05:00' }), {
      audience: 'etp-owners',
      start: '2026-03-28T02:00:00+05:00',
      latestNotifyAt: '2026-03-25T23:59:59+05:00',
    }));
});

describe('rulesCalendar', () => {
  it('info explains a moved day off', () =>
    assert.deepEqual(rulesCalendar({ op: 'info', date: '2026-03-24' }), {
      date: '2026-03-24',
      workingDay: false,
      reason: 'day off moved from Saturday 2026-03-21 (Nauryz meiramy)',
    }));
  it('info on a working day', () =>
    assert.deepEqual(rulesCalendar({ op: 'info', date: '2026-08-31' }), {
      date: '2026-08-31',
      workingDay: true,
      reason: 'working day (Monday)',
    }));
  it('add-working-days keeps the wall-clock time and prints Astana time', () =>
    assert.deepEqual(rulesCalendar({ op: 'add-working-days', at: '2026-03-20T14:00:00Z', days: 1 }), { at: '2026-03-26T19:00:00+05:00' }));
  it('rejects an unknown op', () =>
    rejects(() => rulesCalendar({ op: 'holidays', date: '2026-03-20' }), 'op: must be one of info, next-working-day, add-working-days'));
  it('rejects a missing date', () => rejects(() => rulesCalendar({ op: 'info' }), 'date: required'));
  it('rejects a bad date', () => rejects(() => rulesCalendar({ op: 'info', date: '2026-02-30' }), 'date: not a date YYYY-MM-DD'));
  it('rejects a fractional day count', () =>
    rejects(() => rulesCalendar({ op: 'add-working-days', at: '2026-03-20T14:00:00Z', days: 1.5 }), 'days: must be an integer'));
  it('rejects a date-time without offset', () =>
    rejects(
      () => rulesCalendar({ op: 'add-working-days', at: '2026-03-20T14:00:00', days: 1 }),
      'at: not an ISO 8601 date-time with offset',
    ));
  it('rejects an unknown key', () => rejects(() => rulesCalendar({ op: 'info', date: '2026-03-20', tz: 'UTC' }), 'Unrecognized key: "tz"'));
  it('names the field when the answer lies outside the calendar', () =>
    rejects(() => rulesCalendar({ op: 'next-working-day', date: LAST }), `date: ${OUTSIDE}`));
});

describe('rulesSla and rulesLeadTime input errors', () => {
  it('unknown timer and bad date, all at once', () =>
    rejects(
      () => rulesSla({ timer: 'SLA-X', from: 'now' }),
      `timer: must be one of SLA-P-REPORT, SLA-P-REGISTER, SLA-P-ID, SLA-P-ANALYSE, SLA-P-REFUTE, SLA-P-LOW-NOTIFY, SLA-P-MED-HOME, SLA-P-MED-NOTIFY, SLA-P-HIGH-OWNER, SLA-P-HIGH-HOME, SLA-P-HIGH-REPORT, SLA-P-OWNER-MEDHIGH, SLA-E-ETP-REGISTER, SLA-E-ETP-ID, SLA-E-ETP-RESOLVE, SLA-N-REPORT, SLA-N-DESK-VOICE, SLA-N-DESK-MAIL`,
      'from: not an ISO 8601 date-time with offset',
    ));
  it('unknown audience', () =>
    rejects(
      () => rulesLeadTime({ audience: 'everyone', start: '2026-03-28T02:00:00+05:00' }),
      'audience: must be one of portal-users, etp-owners, etp-auth-rotation, etp-requisites',
    ));
  it('not an object', () => assert.throws(() => rulesSla(null), InputError));
});

describe('rulesDeadlines input errors', () => {
  const incident = {
    level: 'medium',
    startedAt: '2026-04-14T10:00:00+05:00',
    confirmedAt: '2026-04-14T11:00:00+05:00',
    resolvedAt: '2026-04-14T15:30:00+05:00',
  };
  it('names the procurement and deadline of a date-time without offset', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          incident,
          procurements: [
            { id: 'A', method: 'auction', deadlines: {} },
            { id: 'B', method: 'competition', deadlines: { acceptanceEnd: '2026-04-14T12:00' } },
          ],
        }),
      'procurements[1].deadlines.acceptanceEnd: not an ISO 8601 date-time with offset',
    ));
  it('reports every problem with its path', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'etp-em',
          incident: { ...incident, level: 'critical' },
          procurements: [{ id: '', method: 'tender', deadlines: { closing: '2026-04-14T12:00:00Z' } }],
          tariffs: [{ id: 'T', validUntil: '14.04.2026' }],
        }),
      'policy: etp-em has no deadline extension rules; must be one of portal-692, energy-366',
      'incident.level: must be one of low, medium, high',
      'procurements[0].id: must not be empty',
      'procurements[0].method: must be one of competition, price-quotations, auction, housing, one-source',
      'procurements[0].deadlines: Unrecognized key: "closing"',
      'tariffs[0].validUntil: not a date YYYY-MM-DD',
    ));
  it('lists the allowed policies when the policy is missing or unknown', () => {
    rejects(() => rulesDeadlines({ incident }), 'policy: required: one of portal-692, energy-366');
    rejects(() => rulesDeadlines({ policy: 'portal', incident }), 'policy: must be one of portal-692, energy-366');
  });
  it('needs an incident or a maintenance window', () =>
    rejects(() => rulesDeadlines({ policy: 'portal-692' }), 'incident: required: give either incident or maintenance'));
  it('not both', () =>
    rejects(
      () => rulesDeadlines({ policy: 'portal-692', incident, maintenance: { startsAt: incident.startedAt, endsAt: incident.resolvedAt } }),
      'maintenance: give either incident or maintenance, not both',
    ));
  it('resolution before start', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          incident: { ...incident, resolvedAt: '2026-04-14T09:00:00+05:00', confirmedAt: '2026-04-14T09:00:00+05:00' },
        }),
      'incident.resolvedAt: is before startedAt',
      'incident.confirmedAt: is before startedAt',
    ));
  it('maintenance end before start', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          maintenance: { startsAt: '2026-04-19T06:00:00+05:00', endsAt: '2026-04-18T22:00:00+05:00' },
        }),
      'maintenance.endsAt: is before startsAt',
    ));
  it('acceptance end before acceptance start', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          incident,
          procurements: [
            {
              id: 'A',
              method: 'competition',
              deadlines: { acceptanceStart: '2026-04-14T12:00:00+05:00', acceptanceEnd: '2026-04-14T11:00:00+05:00' },
            },
          ],
        }),
      'procurements[0].deadlines.acceptanceEnd: is before acceptanceStart',
    ));
  it('duplicate procurement ids', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          incident,
          procurements: [
            { id: 'A', method: 'competition', deadlines: {} },
            { id: 'A', method: 'auction', deadlines: {} },
          ],
        }),
      'procurements[1].id: duplicate id "A"',
    ));
  it('a flag that is not a boolean', () =>
    rejects(
      () => rulesDeadlines({ policy: 'portal-692', incident: { ...incident, forceMajeure: 'yes' } }),
      'incident.forceMajeure: must be true or false',
    ));
  it('a resolution the calendar cannot follow is named', () =>
    rejects(
      () =>
        rulesDeadlines({
          policy: 'portal-692',
          incident: {
            level: 'high',
            startedAt: `${LAST}T10:00:00+05:00`,
            confirmedAt: `${LAST}T10:00:00+05:00`,
            resolvedAt: `${LAST}T12:00:00+05:00`,
          },
          procurements: [{ id: 'A', method: 'auction', deadlines: { auctionBidding: `${LAST}T11:00:00+05:00` } }],
        }),
      `incident.resolvedAt: ${OUTSIDE}`,
    ));
});
