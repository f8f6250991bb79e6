import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAstana, parseDateTime } from '../../core/time.ts';
import { isWorkingTime, nextOpeningMs } from './business-time.ts';
import {
  DUTIES,
  DUTY_IDS,
  SLA_TIMERS,
  SLA_TIMER_IDS,
  checkClockExtension,
  clockExtensionLimitMs,
  reportLateness,
  slaDueAt,
  type SlaTimerId,
} from './sla.ts';

const at = (s: string) => parseDateTime(s);
const due = (id: SlaTimerId, from: string) => formatAstana(slaDueAt(id, at(from)));

// [timer, from, due, why]; 2026-04-14 is a Tuesday, 2026-03-20 a Friday before Nauryz (Mar 21–25 off).
const TABLE: [SlaTimerId, string, string, string][] = [
  // working minutes, portal contact centre 09:00–13:00, 14:30–18:30
  ['SLA-P-REGISTER', '2026-03-20T13:10:00+05:00', '2026-03-20T15:00:00+05:00', 'in lunch: from 14:30'],
  ['SLA-P-REGISTER', '2026-03-20T19:00:00+05:00', '2026-03-26T09:30:00+05:00', 'after hours before Nauryz: next opening Mar 26'],
  ['SLA-P-REGISTER', '2026-04-14T12:30:00+05:00', '2026-04-14T13:00:00+05:00', 'ends exactly at lunch'],
  ['SLA-P-REGISTER', '2026-04-14T12:31:00+05:00', '2026-04-14T14:31:00+05:00', 'a minute later crosses lunch'],
  ['SLA-P-REGISTER', '2026-04-14T14:29:59+05:00', '2026-04-14T15:00:00+05:00', 'last second of lunch'],
  ['SLA-P-REGISTER', '2026-04-14T14:30:00+05:00', '2026-04-14T15:00:00+05:00', 'end of lunch'],
  ['SLA-P-REGISTER', '2026-04-14T08:59:00+05:00', '2026-04-14T09:30:00+05:00', 'before opening'],
  ['SLA-P-REGISTER', '2026-04-14T09:00:00+05:00', '2026-04-14T09:30:00+05:00', 'at opening'],
  ['SLA-P-REGISTER', '2026-04-14T18:00:00+05:00', '2026-04-14T18:30:00+05:00', 'ends exactly at closing'],
  ['SLA-P-REGISTER', '2026-04-14T18:01:00+05:00', '2026-04-15T09:01:00+05:00', 'a minute later runs into the next day'],
  ['SLA-P-REGISTER', '2026-04-18T11:00:00+05:00', '2026-04-20T09:30:00+05:00', 'Saturday: Monday opening'],
  ['SLA-P-ANALYSE', '2026-03-20T17:45:00+05:00', '2026-03-26T10:15:00+05:00', '45 min on Friday, 75 on Thursday'],
  ['SLA-P-ANALYSE', '2026-04-14T12:00:00+05:00', '2026-04-14T15:30:00+05:00', 'lunch skipped'],
  ['SLA-P-ANALYSE', '2026-04-14T11:00:00+05:00', '2026-04-14T13:00:00+05:00', 'ends at lunch'],
  // working minutes, ETP contact centre 09:00–20:00, no lunch
  ['SLA-E-ETP-REGISTER', '2026-04-14T13:10:00+05:00', '2026-04-14T13:25:00+05:00', 'no lunch break'],
  ['SLA-E-ETP-REGISTER', '2026-04-14T19:45:00+05:00', '2026-04-14T20:00:00+05:00', 'ends at closing'],
  ['SLA-E-ETP-REGISTER', '2026-04-14T19:50:00+05:00', '2026-04-15T09:05:00+05:00', 'runs into the next day'],
  ['SLA-E-ETP-REGISTER', '2026-03-22T12:00:00+05:00', '2026-03-26T09:15:00+05:00', 'holiday'],
  // clock minutes
  ['SLA-P-REPORT', '2026-03-21T23:30:00+05:00', '2026-03-22T00:30:00+05:00', '1 hour, clock time'],
  ['SLA-P-ID', '2026-03-21T23:30:00+05:00', '2026-03-22T00:30:00+05:00', '60 minutes on a holiday night'],
  ['SLA-P-REFUTE', '2026-04-14T13:10:00+05:00', '2026-04-14T13:40:00+05:00', 'lunch does not matter'],
  ['SLA-P-LOW-NOTIFY', '2026-04-14T18:20:00+05:00', '2026-04-14T18:50:00+05:00', 'after hours does not matter'],
  ['SLA-P-MED-HOME', '2026-04-14T10:00:00+05:00', '2026-04-14T11:00:00+05:00', '60 minutes'],
  ['SLA-P-MED-NOTIFY', '2026-04-14T23:30:00+05:00', '2026-04-15T00:30:00+05:00', '60 minutes over midnight'],
  ['SLA-P-HIGH-OWNER', '2026-04-14T10:00:00+05:00', '2026-04-14T10:05:00+05:00', 'immediately: 5 minutes'],
  ['SLA-P-HIGH-HOME', '2026-04-14T10:00:00+05:00', '2026-04-14T10:30:00+05:00', '30 minutes'],
  ['SLA-P-OWNER-MEDHIGH', '2026-04-14T12:58:00+05:00', '2026-04-14T13:03:00+05:00', 'immediately: 5 minutes'],
  ['SLA-E-ETP-ID', '2026-04-14T19:30:00+05:00', '2026-04-14T21:30:00+05:00', '2 hours'],
  // 18:30 of the first working day after the Astana date of resolution
  ['SLA-P-HIGH-REPORT', '2026-04-14T23:59:59+05:00', '2026-04-15T18:30:00+05:00', 'last second of Tuesday'],
  ['SLA-P-HIGH-REPORT', '2026-04-15T00:00:00+05:00', '2026-04-16T18:30:00+05:00', 'first second of Wednesday'],
  ['SLA-P-HIGH-REPORT', '2026-04-14T19:00:00Z', '2026-04-16T18:30:00+05:00', 'Astana date, not the UTC date'],
  ['SLA-P-HIGH-REPORT', '2026-03-20T10:00:00+05:00', '2026-03-26T18:30:00+05:00', 'over Nauryz'],
  // start moved to the next opening, then + 3 working days at the same wall-clock time
  ['SLA-E-ETP-RESOLVE', '2026-04-14T10:00:00+05:00', '2026-04-17T10:00:00+05:00', 'within working time'],
  ['SLA-E-ETP-RESOLVE', '2026-04-14T19:59:00+05:00', '2026-04-17T19:59:00+05:00', 'last minute of working time'],
  ['SLA-E-ETP-RESOLVE', '2026-04-14T20:00:00+05:00', '2026-04-20T09:00:00+05:00', 'at closing: from Wed 09:00, over the weekend'],
  ['SLA-E-ETP-RESOLVE', '2026-03-21T12:00:00+05:00', '2026-03-31T09:00:00+05:00', 'on a holiday: from Mar 26 09:00'],
  ['SLA-E-ETP-RESOLVE', '2026-04-14T08:00:00+05:00', '2026-04-17T09:00:00+05:00', 'before opening'],
  // end of the 3rd working day after the date of detection
  ['SLA-N-REPORT', '2026-03-20T10:00:00+05:00', '2026-03-30T23:59:59+05:00', '26, 27, 30 March'],
  ['SLA-N-REPORT', '2026-04-14T23:59:00+05:00', '2026-04-17T23:59:59+05:00', 'from the date, not the time'],
  // energy support desk 09:00–18:30, no lunch: 18:30 of the working day whose opening comes next (003 §19.2–19.4)
  [
    'SLA-N-DESK-MAIL',
    '2026-05-09T10:00:00+05:00',
    '2026-05-12T18:30:00+05:00',
    'digest example: Saturday May 9 (holiday), Monday May 11 its day off',
  ],
  ['SLA-N-DESK-MAIL', '2026-04-14T10:00:00+05:00', '2026-04-14T18:30:00+05:00', 'in working hours: the same day'],
  ['SLA-N-DESK-MAIL', '2026-04-14T13:30:00+05:00', '2026-04-14T18:30:00+05:00', 'no lunch break at the energy desk'],
  ['SLA-N-DESK-MAIL', '2026-04-14T09:00:00+05:00', '2026-04-14T18:30:00+05:00', 'at opening'],
  ['SLA-N-DESK-MAIL', '2026-04-14T18:29:59+05:00', '2026-04-14T18:30:00+05:00', 'last second of working hours'],
  ['SLA-N-DESK-MAIL', '2026-04-14T18:30:00+05:00', '2026-04-15T18:30:00+05:00', 'at closing: the next working day'],
  ['SLA-N-DESK-MAIL', '2026-04-14T23:50:00+05:00', '2026-04-15T18:30:00+05:00', 'late evening'],
  ['SLA-N-DESK-MAIL', '2026-04-15T00:10:00+05:00', '2026-04-15T18:30:00+05:00', 'just past midnight: that working day has not begun yet'],
  ['SLA-N-DESK-MAIL', '2026-04-14T08:59:00+05:00', '2026-04-14T18:30:00+05:00', 'before opening on a working day: that day'],
  ['SLA-N-DESK-MAIL', '2026-04-14T18:45:00Z', '2026-04-15T18:30:00+05:00', 'Astana time, not UTC: 23:45 in Astana'],
  ['SLA-N-DESK-MAIL', '2026-03-20T19:00:00+05:00', '2026-03-26T18:30:00+05:00', 'Friday evening before Nauryz (Mar 21–25 off)'],
  ['SLA-N-DESK-MAIL', '2026-03-23T11:00:00+05:00', '2026-03-26T18:30:00+05:00', 'on Nauryz'],
  ['SLA-N-DESK-MAIL', '2026-05-06T19:00:00+05:00', '2026-05-08T18:30:00+05:00', 'over May 7 (holiday)'],
  ['SLA-N-DESK-MAIL', '2026-12-31T20:00:00+05:00', '2027-01-05T18:30:00+05:00', 'over New Year (Jan 1–2 off, Jan 3–4 weekend)'],
  ['SLA-N-DESK-VOICE', '2026-04-14T19:00:00+05:00', '2026-04-15T18:30:00+05:00', 'after hours: next working day'],
  ['SLA-N-DESK-VOICE', '2026-04-17T20:00:00+05:00', '2026-04-20T18:30:00+05:00', 'Friday evening: Monday'],
  ['SLA-N-DESK-VOICE', '2026-04-18T12:00:00+05:00', '2026-04-20T18:30:00+05:00', 'Saturday: Monday'],
  ['SLA-N-DESK-VOICE', '2026-04-15T07:30:00+05:00', '2026-04-15T18:30:00+05:00', 'early morning: that working day'],
  ['SLA-N-DESK-VOICE', '2026-03-21T10:00:00+05:00', '2026-03-26T18:30:00+05:00', 'Nauryz weekend and moved days off'],
  ['SLA-N-DESK-VOICE', '2026-05-26T22:00:00+05:00', '2026-05-28T18:30:00+05:00', 'the evening before Kurban Ait (May 27)'],
];

describe('SLA timers', () => {
  for (const [id, from, expected, why] of TABLE) {
    it(`${id} from ${from} → ${expected} (${why})`, () => assert.equal(due(id, from), expected));
  }
  it('the table covers every timer id', () => {
    assert.deepEqual(new Set(TABLE.map((r) => r[0])), new Set(SLA_TIMER_IDS));
  });
  it('every timer id is defined once, in a policy, with a source point', () => {
    assert.deepEqual([...SLA_TIMERS.keys()].sort(), [...SLA_TIMER_IDS].sort());
    for (const t of SLA_TIMERS.values()) assert.match(t.source, /^00\d /);
  });
});

describe('business time', () => {
  it('is open at opening, closed at closing and during lunch', () => {
    assert.equal(isWorkingTime('portal-contact-centre', at('2026-04-14T09:00:00+05:00').getTime()), true);
    assert.equal(isWorkingTime('portal-contact-centre', at('2026-04-14T13:00:00+05:00').getTime()), false);
    assert.equal(isWorkingTime('portal-contact-centre', at('2026-04-14T18:30:00+05:00').getTime()), false);
    assert.equal(isWorkingTime('etp-contact-centre', at('2026-04-14T13:00:00+05:00').getTime()), true);
    assert.equal(isWorkingTime('energy-support', at('2026-03-24T10:00:00+05:00').getTime()), false);
  });
  it('finds the next opening', () => {
    assert.equal(formatAstana(nextOpeningMs('energy-support', at('2026-04-14T18:30:00+05:00').getTime())), '2026-04-15T09:00:00+05:00');
    assert.equal(
      formatAstana(nextOpeningMs('portal-contact-centre', at('2026-04-14T13:30:00+05:00').getTime())),
      '2026-04-14T14:30:00+05:00',
    );
  });
});

describe('late user reports (informational)', () => {
  const table: ['SLA-P-REPORT' | 'SLA-N-REPORT', string, string, boolean, number][] = [
    ['SLA-P-REPORT', '2026-04-14T10:00:00+05:00', '2026-04-14T11:00:00+05:00', false, 0],
    ['SLA-P-REPORT', '2026-04-14T10:00:00+05:00', '2026-04-14T11:00:01+05:00', true, 1],
    ['SLA-P-REPORT', '2026-04-14T10:00:00+05:00', '2026-04-14T12:30:00+05:00', true, 90],
    ['SLA-N-REPORT', '2026-03-20T10:00:00+05:00', '2026-03-30T23:59:59+05:00', false, 0],
    ['SLA-N-REPORT', '2026-03-20T10:00:00+05:00', '2026-03-31T00:00:00+05:00', true, 1],
  ];
  for (const [timer, detected, reported, late, by] of table) {
    it(`${timer}: detected ${detected}, reported ${reported} → ${late ? `late by ${by} min` : 'on time'}`, () => {
      const r = reportLateness(timer, at(detected), at(reported));
      assert.equal(r.late, late);
      assert.equal(r.lateByMinutes, by);
    });
  }
});

// SLA-E-ETP-RESOLVE may be extended once, to at most the original due + 15 calendar days, same wall-clock time (000 App.4 §1.5).
describe('clock extensions (SLA-E-ETP-RESOLVE)', () => {
  const ms = (s: string) => at(s).getTime();
  const EXT: [string, { original: string; current?: string; extensions?: number; requested: string }, string | null][] = [
    ['within the bound', { original: '2026-04-17T10:00:00+05:00', requested: '2026-04-24T10:00:00+05:00' }, null],
    [
      'exactly the bound: original + 15 calendar days',
      { original: '2026-04-17T10:00:00+05:00', requested: '2026-05-02T10:00:00+05:00' },
      null,
    ],
    [
      'a second past the bound',
      { original: '2026-04-17T10:00:00+05:00', requested: '2026-05-02T10:00:01+05:00' },
      'dueAt: must be at most the original due time + 15 calendar days, 2026-05-02T10:00:00+05:00 (000 App.4 §1.5)',
    ],
    [
      'calendar days: holidays count (Nauryz inside)',
      { original: '2026-03-20T19:00:00+05:00', requested: '2026-04-04T19:00:00+05:00' },
      null,
    ],
    [
      'calendar days: holidays count, one day too many',
      { original: '2026-03-20T19:00:00+05:00', requested: '2026-04-05T19:00:00+05:00' },
      'dueAt: must be at most the original due time + 15 calendar days, 2026-04-04T19:00:00+05:00 (000 App.4 §1.5)',
    ],
    ['over New Year, Astana wall-clock kept', { original: '2026-12-24T09:00:00+05:00', requested: '2027-01-08T09:00:00+05:00' }, null],
    [
      'not later than the current due time',
      { original: '2026-04-17T10:00:00+05:00', requested: '2026-04-17T10:00:00+05:00' },
      'dueAt: must be later than the current due time 2026-04-17T10:00:00+05:00',
    ],
    [
      'a second extension',
      {
        original: '2026-04-17T10:00:00+05:00',
        current: '2026-04-20T10:00:00+05:00',
        extensions: 1,
        requested: '2026-04-21T10:00:00+05:00',
      },
      'timer: SLA-E-ETP-RESOLVE may be extended once (000 App.4 §1.5); it was extended already, to 2026-04-20T10:00:00+05:00',
    ],
  ];
  for (const [why, c, expected] of EXT) {
    it(why, () => {
      const p = checkClockExtension('SLA-E-ETP-RESOLVE', {
        originalDue: ms(c.original),
        currentDue: ms(c.current ?? c.original),
        extensions: c.extensions ?? 0,
        requested: ms(c.requested),
      });
      assert.equal(p ? `${p.field}: ${p.message}` : null, expected);
    });
  }
  it('other timers cannot be extended', () => {
    const p = checkClockExtension('SLA-P-REGISTER', { originalDue: 0, currentDue: 0, extensions: 0, requested: 1 });
    assert.equal(p?.field, 'timer');
    assert.equal(p?.message, 'SLA-P-REGISTER cannot be extended; only SLA-E-ETP-RESOLVE can');
    assert.equal(clockExtensionLimitMs('SLA-P-REGISTER', 0), null);
  });
});

describe('untimed duties', () => {
  it('SLA-P-LOW-FIXED is a duty of portal-692 with its source point, not a timer', () => {
    assert.deepEqual([...DUTIES.keys()], [...DUTY_IDS]);
    assert.equal(DUTIES.get('SLA-P-LOW-FIXED')?.policy, 'portal-692');
    assert.match(DUTIES.get('SLA-P-LOW-FIXED')?.source ?? '', /^002 §15\.3/);
    assert.equal((SLA_TIMER_IDS as readonly string[]).includes('SLA-P-LOW-FIXED'), false);
  });
});
