import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInstant } from './instant.ts';

describe('parseInstant', () => {
  const ok: [string, string][] = [
    ['2026-03-26T09:00:00+05:00', '2026-03-26T04:00:00.000Z'],
    ['2026-03-26T09:00+05:00', '2026-03-26T04:00:00.000Z'],
    ['2026-02-28T23:59:59.5Z', '2026-02-28T23:59:59.500Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ];
  for (const [text, iso] of ok) it(`${text} → ${iso}`, () => assert.deepEqual(parseInstant(text), { ok: true, ms: Date.parse(iso) }));
  const bad: [string, RegExp][] = [
    ['2026-02-30T10:00:00+05:00', /no such date: 2026-02-30/],
    ['2026-02-29T10:00:00Z', /no such date/],
    ['2026-13-01T10:00:00Z', /no such date/],
    ['2026-03-26T09:00:00', /with an offset/],
    ['2026-03-26', /with an offset/],
    ['2026-03-26T24:00:00Z', /no such time/],
    ['2026-03-26T09:00:00+15:00', /no such offset/],
    ['26.03.2026', /with an offset/],
  ];
  for (const [text, reason] of bad)
    it(`${text} is refused`, () => {
      const r = parseInstant(text);
      assert.equal(r.ok, false);
      assert.match((r as { reason: string }).reason, reason);
    });
});
