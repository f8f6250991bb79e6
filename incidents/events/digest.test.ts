import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAstana, parseDateTimeMs } from '../../core/time.ts';
import { digestDue } from './digest.ts';

const at = (s: string) => parseDateTimeMs(s);
const view = (s: string) => {
  const d = digestDue(at(s));
  return d && `${d.date} ${formatAstana(d.from)} ${formatAstana(d.to)}`;
};

describe('daily digest schedule', () => {
  const table: [string, string | undefined][] = [
    ['2026-03-26T08:59:59+05:00', undefined],
    // Thu after Nauryz (Mar 23–25 off, 21–22 weekend): covers from the previous working day, Fri 20
    ['2026-03-26T09:00:00+05:00', '2026-03-26 2026-03-20T00:00:00+05:00 2026-03-26T00:00:00+05:00'],
    ['2026-03-28T10:00:00+05:00', undefined], // Saturday
    ['2026-03-30T09:30:00+05:00', '2026-03-30 2026-03-27T00:00:00+05:00 2026-03-30T00:00:00+05:00'], // Monday covers Fri–Sun
    ['2026-03-31T09:00:00+05:00', '2026-03-31 2026-03-30T00:00:00+05:00 2026-03-31T00:00:00+05:00'],
    ['2026-05-27T09:00:00+05:00', undefined], // Kurban Ait
  ];
  for (const [now, want] of table) it(`${now}`, () => assert.equal(view(now), want));
});
