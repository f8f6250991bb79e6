import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from './errors.ts';
import {
  NOT_DATE_TIME,
  astanaDate,
  astanaEpochDay,
  astanaOffsetMinutes,
  astanaParts,
  astanaWallClockToMs,
  civilFromEpochDay,
  epochDay,
  formatAstana,
  fromAstanaWallClock,
  parseDate,
  parseDateTime,
  tryParseDateDay,
  tryParseDateTimeMs,
  weekdayOfEpochDay,
} from './time.ts';

describe('parseDateTime', () => {
  const accepted: [string, string][] = [
    ['2026-03-20T13:10:00+05:00', '2026-03-20T08:10:00.000Z'],
    ['2026-03-20T13:10+05:00', '2026-03-20T08:10:00.000Z'],
    ['2026-03-20T08:10:00Z', '2026-03-20T08:10:00.000Z'],
    ['2026-03-20T08:10:00.250Z', '2026-03-20T08:10:00.250Z'],
    ['2026-03-20T03:10:00-05:00', '2026-03-20T08:10:00.000Z'],
    ['2024-02-29T23:59:59+06:00', '2024-02-29T17:59:59.000Z'],
  ];
  for (const [text, iso] of accepted) {
    it(`accepts ${text}`, () => assert.equal(parseDateTime(text).toISOString(), iso));
  }
  const rejected = [
    '2026-03-20T13:10:00', // no offset: would depend on the host's zone
    '2026-03-20',
    '2026-03-20 13:10:00+05:00',
    '2026-02-29T10:00:00+05:00',
    '2026-13-01T10:00:00+05:00',
    '2026-03-20T24:00:00+05:00',
    '2026-03-20T10:60:00+05:00',
    '2026-03-20T10:00:00+0500',
    'yesterday',
    '',
  ];
  for (const text of rejected) {
    it(`rejects ${JSON.stringify(text)} with the field named`, () => {
      assert.equal(tryParseDateTimeMs(text), undefined);
      assert.throws(
        () => parseDateTime(text, 'incident.startedAt'),
        (e: unknown) =>
          e instanceof InputError && e.message === `incident.startedAt: ${NOT_DATE_TIME}` && e.issues[0]?.field === 'incident.startedAt',
      );
    });
  }
});

describe('parseDate', () => {
  it('parses YYYY-MM-DD', () => assert.deepEqual(parseDate('2028-02-29'), { year: 2028, month: 2, day: 29 }));
  for (const bad of ['2026-02-29', '2026-3-1', '2026-03-01T00:00:00Z', '26-03-01']) {
    it(`rejects ${bad}`, () => {
      assert.equal(tryParseDateDay(bad), undefined);
      assert.throws(() => parseDate(bad, 'tariffs[0].validUntil'), /tariffs\[0\]\.validUntil: not a date YYYY-MM-DD/);
    });
  }
});

describe('formatAstana', () => {
  const table: [string, string][] = [
    ['2026-03-20T08:10:00Z', '2026-03-20T13:10:00+05:00'],
    ['2026-03-20T19:00:00Z', '2026-03-21T00:00:00+05:00'],
    ['2024-02-29T17:59:59Z', '2024-02-29T23:59:59+06:00'],
    ['2024-02-29T18:00:00Z', '2024-02-29T23:00:00+05:00'],
    ['2024-02-29T19:00:00Z', '2024-03-01T00:00:00+05:00'],
    ['2023-12-31T18:00:00Z', '2024-01-01T00:00:00+06:00'],
    ['2026-03-20T08:10:00.999Z', '2026-03-20T13:10:00+05:00'],
  ];
  for (const [utc, astana] of table) {
    it(`${utc} → ${astana}`, () => assert.equal(formatAstana(new Date(utc)), astana));
  }
});

describe('wall clock', () => {
  it('builds an instant from Astana parts', () => {
    assert.equal(fromAstanaWallClock({ year: 2026, month: 3, day: 26, hour: 9, minute: 30 }).toISOString(), '2026-03-26T04:30:00.000Z');
    assert.equal(fromAstanaWallClock({ year: 2024, month: 1, day: 15, hour: 9 }).toISOString(), '2024-01-15T03:00:00.000Z');
  });
  it('takes the first occurrence of the repeated hour of 2024-02-29', () => {
    assert.equal(formatAstana(astanaWallClockToMs({ year: 2024, month: 2, day: 29, hour: 23, minute: 30 })), '2024-02-29T23:30:00+06:00');
    assert.equal(formatAstana(astanaWallClockToMs({ year: 2024, month: 3, day: 1, hour: 0, minute: 30 })), '2024-03-01T00:30:00+05:00');
  });
  it('gives the Astana date, not the UTC date', () => {
    assert.equal(astanaDate(new Date('2026-03-27T21:00:00Z')), '2026-03-28');
    assert.equal(astanaDate(new Date('2026-03-27T18:59:59Z')), '2026-03-27');
  });
  it('gives parts with the ISO weekday', () => {
    assert.deepEqual(astanaParts(new Date('2026-03-28T21:00:00Z')), {
      year: 2026,
      month: 3,
      day: 29,
      hour: 2,
      minute: 0,
      second: 0,
      millisecond: 0,
      weekday: 7,
      offsetMinutes: 300,
    });
  });
});

describe('properties', () => {
  it('epoch days round-trip and agree with Date.UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (d) => {
        const c = civilFromEpochDay(d);
        assert.equal(epochDay(c.year, c.month, c.day), d);
        assert.equal(Date.UTC(c.year, c.month - 1, c.day) / 86_400_000, d);
        assert.equal(weekdayOfEpochDay(d), ((new Date(d * 86_400_000).getUTCDay() + 6) % 7) + 1);
      }),
    );
  });

  it('the offset table agrees with Intl Asia/Almaty', () => {
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Almaty', timeZoneName: 'longOffset' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        const name = fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
        const m = /GMT\+(\d{2}):(\d{2})/.exec(name);
        assert.ok(m, name);
        assert.equal(astanaOffsetMinutes(ms), Number(m[1]) * 60 + Number(m[2]));
      }),
      { numRuns: 500 },
    );
  });

  it('format → parse is the identity to the second, and wall clock → instant → wall clock too', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2005, 0, 1), max: Date.UTC(2035, 0, 1) }), (ms) => {
        const s = Math.floor(ms / 1000) * 1000;
        assert.equal(parseDateTime(formatAstana(s)).getTime(), s);
        const p = astanaParts(s);
        assert.equal(astanaEpochDay(astanaWallClockToMs(p)), astanaEpochDay(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the host zone (runs under any TZ)', () => {
    // Whatever TZ the runner set, these are fixed facts.
    assert.equal(formatAstana(Date.UTC(2026, 0, 1, 0, 0, 0)), '2026-01-01T05:00:00+05:00');
    assert.equal(astanaDate(Date.UTC(2026, 0, 1, 19, 0, 0)), '2026-01-02');
  });
});

describe('the hand-written parser agrees with the ISO 8601 grammar it implements', () => {
  // The reference: the regular expression the parser replaced, plus calendar validity.
  const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
  function reference(text: string): number | undefined {
    const m = RE.exec(text);
    if (!m) return undefined;
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((k) => Number(m[k]));
    const sec = m[6] === undefined ? 0 : Number(m[6]);
    const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
    const zone = m[8] as string;
    if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return undefined;
    const off = zone === 'Z' ? 0 : (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * (zone[0] === '-' ? -1 : 1);
    const utc = Date.UTC(y as number, (mo as number) - 1, d as number, h as number, mi as number, sec, ms);
    const back = new Date(utc);
    if (
      back.getUTCFullYear() !== y ||
      back.getUTCMonth() + 1 !== mo ||
      back.getUTCDate() !== d ||
      (h as number) > 23 ||
      (mi as number) > 59 ||
      sec > 59
    )
      return undefined;
    return utc - off * 60_000;
  }
  const piece = fc.constantFrom(
    '2026',
    '2024',
    '1999',
    '-',
    '-02',
    '-29',
    '-30',
    '-13',
    '-12',
    '-31',
    '-1',
    'T',
    't',
    ' ',
    '00',
    '12',
    '23',
    '24',
    ':',
    ':00',
    ':59',
    ':60',
    '.',
    '.5',
    '.123456789',
    '.1234567890',
    'Z',
    'z',
    '+05:00',
    '-03:30',
    '+0500',
    '+24:00',
    '+05:60',
    '',
  );
  it('on generated strings', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        (text) => {
          assert.equal(tryParseDateTimeMs(text), reference(text), text);
        },
      ),
      { numRuns: 20_000 },
    );
  });
  it('on well-formed strings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2099, 0, 1) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, off) => {
          const text = new Date(ms + off * 60_000)
            .toISOString()
            .replace(
              'Z',
              `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`,
            );
          assert.equal(tryParseDateTimeMs(text), ms, text);
          assert.equal(reference(text), ms, text);
        },
      ),
    );
  });
});
