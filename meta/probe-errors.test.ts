/** Checks kuzet could not run become one kuzet.probe-error group per region and module, with the reason (issue #16 item 9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findProbeErrors, type CurrentResult } from './silence.ts';
import { alertName, placeNamesOf, resolvedTexts, silentTexts } from './texts.ts';

const NAMED = {
  systems: { portal: { name: 'Портал', moduleNames: { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } } } },
} as unknown as Parameters<typeof placeNamesOf>[0];
const t0 = Date.parse('2026-03-26T11:00:00+05:00');

const t = Date.parse('2026-03-26T10:00:00+05:00');
const row = (key: string, module: string, ok: boolean, errorKind: string | null, since = t): CurrentResult => ({
  key,
  region: 'astana',
  system: 'portal',
  module,
  ok,
  errorKind,
  message: errorKind === 'internal' ? 'Chromium was not found at /usr/bin/chromium; install it (apt-get install chromium)' : 'HTTP 500',
  at: t + 60_000,
  since,
});

describe('findProbeErrors', () => {
  it('groups internal results per module; real failures and successes are not kuzet’s fault', () => {
    const groups = findProbeErrors([
      row('portal/search-journey/browser', 'search', false, 'internal', t + 1000),
      row('portal/search-journey2/browser', 'search', false, 'internal', t),
      row('portal/search/http', 'search', false, 'http-status'),
      row('portal/home/http', 'home', true, null),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.group, g.scope, g.checks.map((c) => c.key), g.lastHeard]),
      [['probe/astana/portal/search', 'probe', ['portal/search-journey/browser', 'portal/search-journey2/browser'], t]],
    );
    assert.match(groups[0]?.reason ?? '', /Chromium was not found/);
  });

  it('the alert is kuzet.probe-error, names the module by its names (ids after), the reason, and says it is not downtime', () => {
    const [g] = findProbeErrors([row('portal/search-journey/browser', 'search', false, 'internal')]);
    const texts = silentTexts(g!, 'ep1', placeNamesOf(NAMED));
    assert.equal(alertName('probe'), 'kuzet.probe-error');
    assert.match(
      texts.ru.title,
      /^kuzet\.probe-error: регион astana, «Поиск объявлений» \(portal\/search\): kuzet не может выполнить проверки \(1\), их состояние неизвестно: Chromium was not found/,
    );
    assert.match(texts.ru.text, /не засчитывается/);
    assert.match(texts.kk.title, /^kuzet\.probe-error: astana өңірі, «Хабарландыруларды іздеу» \(portal\/search\): .*белгісіз/);
  });

  it('a module the config does not name is its system by name; a system gone from the config keeps its ids', () => {
    const name = (module: string, system = 'portal') =>
      silentTexts(
        { ...findProbeErrors([row(`${system}/${module}-journey/browser`, module, false, 'internal')])[0]!, system },
        'ep1',
        placeNamesOf(NAMED),
      ).ru.title;
    assert.match(name('lots'), /регион astana, Портал \(portal\/lots\): kuzet/);
    assert.match(name('search', 'gone'), /регион astana, gone\/search: kuzet/);
  });

  it('the resolution names the module too', () => {
    const [g] = findProbeErrors([row('portal/search-journey/browser', 'search', false, 'internal')]);
    const t = resolvedTexts(g!, 'ep1', new Date(t0), placeNamesOf(NAMED));
    assert.equal(t.ru.title, 'kuzet.silent снят: регион astana, «Поиск объявлений» (portal/search) (probe/astana/portal/search)');
    assert.equal(t.kk.title, 'kuzet.silent алынды: astana өңірі, «Хабарландыруларды іздеу» (portal/search) (probe/astana/portal/search)');
  });
});
