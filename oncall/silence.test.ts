import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckPlace, Mute } from './mutes.ts';
import { muteOf } from './mutes.ts';
import { silenceOf, type MaintenanceWindow } from './silence.ts';

const mute = (id: string, scope: Mute['scope'], subject: string): Mute => ({
  id,
  scope,
  subject,
  system: subject.split('/')[0] as string,
  reason: `reason ${id}`,
  startsAt: '2026-12-03T10:00:00+05:00',
  endsAt: '2026-12-03T12:00:00+05:00',
  by: 'tok_1',
  state: 'active',
  endedAt: null,
  endedBy: null,
});
const place = (key: string): CheckPlace | undefined => {
  const [system, target, check] = key.split('/');
  if (!system || !target || !check) return undefined;
  return { key, system, target, module: target === 'home2' ? 'homepage' : target };
};
const AT = Date.parse('2026-12-03T06:00:00Z');
const win = (o: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 'mw_1',
  system: 'portal',
  modules: ['search'],
  start: AT - 60_000,
  end: AT + 60_000,
  ...o,
});
const incident = (o: { source?: string; module?: string; checks?: string[] } = {}) => ({
  source: o.source ?? 'monitoring',
  system: 'portal',
  module: o.module ?? 'homepage',
  checks: o.checks ?? ['portal/homepage/http'],
});

describe('is this alert silenced, and why', () => {
  const table: [string, ReturnType<typeof incident>, Mute[], MaintenanceWindow[], string | undefined][] = [
    ['nothing muted', incident(), [], [], undefined],
    ['its one failing check muted', incident(), [mute('m1', 'check', 'portal/homepage/http')], [], 'mute m1'],
    ['its target muted', incident(), [mute('m2', 'target', 'portal/homepage')], [], 'mute m2'],
    ['its module muted', incident({ checks: [] }), [mute('m3', 'module', 'portal/homepage')], [], 'mute m3'],
    [
      'one of two failing checks muted: the other still alerts',
      incident({ checks: ['portal/homepage/http', 'portal/home2/http'] }),
      [mute('m1', 'check', 'portal/homepage/http')],
      [],
      undefined,
    ],
    [
      'both failing checks muted, by check and by target',
      incident({ checks: ['portal/homepage/http', 'portal/home2/http'] }),
      [mute('m1', 'check', 'portal/homepage/http'), mute('m2', 'target', 'portal/home2')],
      [],
      'mute m1',
    ],
    ['another module muted', incident(), [mute('m4', 'module', 'portal/search')], [], undefined],
    ['same module id in another system', incident(), [mute('m5', 'module', 'etp1/homepage')], [], undefined],
    [
      'an appeal opened it: never silenced',
      incident({ source: 'appeal' }),
      [mute('m3', 'module', 'portal/homepage')],
      [win({ modules: [] })],
      undefined,
    ],
    ['maintenance of its module now', incident({ module: 'search', checks: ['portal/search/http'] }), [], [win()], 'maintenance mw_1'],
    ['maintenance of the whole system', incident(), [], [win({ modules: [] })], 'maintenance mw_1'],
    ['maintenance of another module', incident(), [], [win()], undefined],
    ['maintenance not begun yet', incident(), [], [win({ modules: [], start: AT + 1 })], undefined],
    ['maintenance just ended', incident(), [], [win({ modules: [], end: AT })], undefined],
  ];
  for (const [name, inc, mutes, windows, expected] of table) {
    it(name, () => {
      const v = silenceOf(inc, mutes, windows, AT, place);
      assert.equal(v ? `${v.kind} ${v.id}` : undefined, expected);
    });
  }

  it('says why: the mute reason, its end and who muted', () => {
    assert.deepEqual(silenceOf(incident(), [mute('m1', 'check', 'portal/homepage/http')], [], AT, place), {
      kind: 'mute',
      id: 'm1',
      scope: 'check',
      subject: 'portal/homepage/http',
      reason: 'reason m1',
      until: '2026-12-03T12:00:00+05:00',
      by: 'tok_1',
    });
    assert.deepEqual(silenceOf(incident(), [], [win({ modules: [] })], AT, place), {
      kind: 'maintenance',
      id: 'mw_1',
      until: '2026-12-03T11:01:00+05:00',
    });
  });

  it('a check shows the most specific mute covering it', () => {
    const mutes = [
      mute('mod', 'module', 'portal/homepage'),
      mute('tgt', 'target', 'portal/homepage'),
      mute('chk', 'check', 'portal/homepage/http'),
    ];
    assert.equal(muteOf(mutes, place('portal/homepage/http') as CheckPlace)?.id, 'chk');
    assert.equal(muteOf(mutes, place('portal/homepage/tls') as CheckPlace)?.id, 'tgt');
    assert.equal(muteOf(mutes, place('portal/home2/http') as CheckPlace)?.id, 'mod');
    assert.equal(muteOf(mutes, place('portal/search/http') as CheckPlace), undefined);
  });
});
