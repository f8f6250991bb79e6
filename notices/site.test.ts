import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fanOut } from './delivery.ts';
import { renderAtom, renderHtml, renderRss, renderWidget, STATUS_CSP } from './site/render.ts';
import { buildSnapshot, type BoardDoc } from './site/snapshot.ts';
import { pickLang } from './site/status-site.ts';

test('language: ?lang, then Accept-Language by quality, then Kazakh', () => {
  const cases: [unknown, string | undefined, string][] = [
    [undefined, undefined, 'kk'],
    ['ru', 'kk', 'ru'],
    ['kk', 'ru', 'kk'],
    ['en', 'ru-RU,ru;q=0.9', 'ru'],
    [undefined, 'en-US, ru;q=0.5, kk;q=0.8', 'kk'],
    [undefined, 'kk;q=0, ru;q=0.1', 'ru'],
    [undefined, 'de, fr', 'kk'],
  ];
  for (const [q, h, want] of cases) assert.equal(pickLang(q, h), want, `${String(q)} ${h}`);
});

const board: BoardDoc = {
  systems: [
    {
      id: 'portal',
      name: 'Портал',
      kind: 'portal',
      policy: 'portal-692',
      targets: [
        { id: 'home', module: 'homepage', service: null, checks: [{ status: 'up' }] },
        { id: 'search', module: 'search', service: null, checks: [{ status: 'down' }, { status: 'up' }] },
      ],
    },
    {
      id: 'etp1',
      name: 'ЭТП',
      kind: 'etp',
      policy: 'etp-em',
      targets: [
        { id: 'orders', module: 'orders', service: 'orders', checks: [{ status: 'up' }] },
        { id: 'orders-test', module: 'orders-test', service: 'test-orders', environment: 'test', checks: [{ status: 'unknown' }] },
      ],
    },
  ],
};
const now = new Date('2026-03-28T10:00:00+05:00');

test('snapshot: module and system status, maintenance, services, ETPs, 90 days of uptime', () => {
  const s = buildSnapshot({
    board,
    notices: [],
    maintenance: [
      {
        id: 'MW-1',
        system: 'etp1',
        modules: ['orders-test'],
        startsAt: '2026-03-28T04:00:00.000Z',
        endsAt: '2026-03-28T06:00:00.000Z',
        phase: 'maintenance-started',
        unplanned: false,
      },
      {
        id: 'MW-old',
        system: 'portal',
        modules: [],
        startsAt: '2026-03-20T04:00:00.000Z',
        endsAt: '2026-03-20T06:00:00.000Z',
        phase: 'maintenance-completed',
        unplanned: false,
      },
    ],
    uptime: [
      { system: 'portal', day: '2026-03-28', ok: 99, total: 100 },
      { system: 'portal', day: '2026-03-27', ok: 100, total: 100 },
    ],
    now,
    stale: false,
    generatedAt: '2026-03-28T10:00:00+05:00',
  });
  assert.deepEqual(s.systems[0]?.modules, [
    { id: 'homepage', status: 'up' },
    { id: 'search', status: 'down' },
  ]);
  assert.equal(s.systems[0]?.status, 'down');
  assert.equal(s.systems[1]?.modules[1]?.status, 'maintenance');
  assert.equal(s.systems[1]?.status, 'maintenance');
  assert.deepEqual(
    s.maintenance.map((m) => [m.id, m.ongoing]),
    [['MW-1', true]],
  );
  assert.deepEqual(
    s.services.map((x) => [x.service, x.environment]),
    [
      ['orders', 'productive'],
      ['test-orders', 'test'],
    ],
  );
  assert.deepEqual(s.etps, [{ id: 'etp1', name: 'ЭТП', names: { kk: 'ЭТП', ru: 'ЭТП' }, status: 'maintenance' }]);
  assert.equal(s.lateSince, null);
  assert.equal(s.uptime[0]?.days.length, 90);
  assert.equal(s.uptime[0]?.days.at(-1)?.date, '2026-03-28');
  assert.equal(s.uptime[0]?.days.at(-1)?.ratio, 99);
  assert.equal(s.uptime[0]?.availability, 99.5);
  assert.equal(s.uptime[1]?.availability, null);
});

test('the public page names modules by their configured kk/ru names, not by config ids (#17 item 14)', () => {
  const named: BoardDoc = {
    systems: [{ ...board.systems[0]!, moduleNames: { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } } }],
  };
  const s = buildSnapshot({
    board: named,
    notices: [],
    maintenance: [],
    uptime: [],
    now,
    stale: false,
    generatedAt: '2026-03-28T10:00:00+05:00',
  });
  assert.deepEqual(s.systems[0]?.modules[1], {
    id: 'search',
    status: 'down',
    name: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' },
  });
  const ru = renderHtml(s, 'ru');
  const kk = renderHtml(s, 'kk');
  assert.match(ru, /<li><span class="dot down"><\/span>Поиск объявлений: /);
  assert.match(kk, /<li><span class="dot down"><\/span>Хабарландыруларды іздеу: /);
  assert.doesNotMatch(ru, /<\/span>search: /);
  // A module the config names in no language keeps its id (the only name there is).
  assert.match(ru, /<\/span>homepage: /);
});

test('the Kazakh page uses the Kazakh system name, the Russian page the Russian one, module names likewise (#21 item 9)', () => {
  const named: BoardDoc = {
    systems: [
      { ...board.systems[0]!, moduleNames: { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } } },
      board.systems[1]!,
    ],
  };
  const s = buildSnapshot({
    board: named,
    notices: [],
    maintenance: [
      {
        id: 'MW-2',
        system: 'portal',
        modules: [],
        startsAt: '2026-03-29T04:00:00.000Z',
        endsAt: '2026-03-29T06:00:00.000Z',
        phase: 'planned',
        unplanned: false,
      },
    ],
    uptime: [],
    now,
    stale: false,
    generatedAt: '2026-03-28T10:00:00+05:00',
    systemNames: {
      portal: { kk: 'Мемлекеттік сатып алу веб-порталы', ru: 'Веб-портал государственных закупок' },
      etp1: { kk: 'Бір ЭСА', ru: 'ЭТП Один' },
    },
  });
  const kk = renderHtml(s, 'kk');
  const ru = renderHtml(s, 'ru');
  assert.match(kk, /<h3><span class="dot down"><\/span>Мемлекеттік сатып алу веб-порталы<\/h3>/);
  assert.match(ru, /<h3><span class="dot down"><\/span>Веб-портал государственных закупок<\/h3>/);
  assert.match(kk, /<\/span>Хабарландыруларды іздеу: техникалық іркіліс/);
  assert.match(ru, /<\/span>Поиск объявлений: технический сбой/);
  // Maintenance, the ETP list, uptime and the subscription list name systems in the page's language too.
  assert.match(kk, /<p class="">Мемлекеттік сатып алу веб-порталы: 2026-03-29/);
  assert.match(kk, /<li data-etp="etp1"><span class="dot unknown"><\/span>Бір ЭСА: /);
  assert.match(ru, /<li data-etp="etp1"><span class="dot unknown"><\/span>ЭТП Один: /);
  assert.match(kk, /<option value="portal">Мемлекеттік сатып алу веб-порталы<\/option>/);
  assert.match(kk, /<p>Бір ЭСА: —<\/p>/);
  for (const russianOnly of ['Портал', 'ЭТП Один', 'Поиск объявлений', 'Веб-портал']) assert.ok(!kk.includes(russianOnly), russianOnly);
  for (const kazakhOnly of ['Бір ЭСА', 'Хабарландыруларды', 'веб-порталы']) assert.ok(!ru.includes(kazakhOnly), kazakhOnly);
  // A system the config names in no language keeps its one name on both pages.
  const plain = buildSnapshot({ board, notices: [], maintenance: [], uptime: [], now, stale: false, generatedAt: '' });
  assert.match(renderHtml(plain, 'kk'), /<h3><span class="dot down"><\/span>Портал<\/h3>/);
});

test('results that stop arriving show as late, with the time of the last one; a check never run is not late', () => {
  const at = (isoAstana: string) => [{ at: isoAstana }];
  const live: BoardDoc = {
    systems: [
      {
        id: 'portal',
        name: 'Портал',
        kind: 'portal',
        policy: 'portal-692',
        targets: [
          // 30 s interval: late after 2 × 30 s + 60 s = 2 minutes.
          {
            id: 'home',
            module: 'homepage',
            service: null,
            checks: [{ status: 'up', intervalSeconds: 30, regions: at('2026-03-28T09:58:30+05:00') }],
          },
          {
            id: 'search',
            module: 'search',
            service: null,
            checks: [{ status: 'down', intervalSeconds: 30, regions: at('2026-03-28T09:50:00+05:00') }],
          },
          { id: 'lots', module: 'lots', service: null, checks: [{ status: 'unknown', intervalSeconds: 30, regions: [{ at: null }] }] },
        ],
      },
    ],
  };
  const snap = (n: Date) => buildSnapshot({ board: live, notices: [], maintenance: [], uptime: [], now: n, stale: false, generatedAt: '' });
  const s = snap(now);
  assert.deepEqual(
    s.systems[0]?.modules.map((m) => [m.id, m.status, m.lateSince]),
    [
      ['homepage', 'up', undefined],
      // The last known status stays (a failing module is not hidden); the page says since when it is not new.
      ['search', 'down', '2026-03-28T09:50:00+05:00'],
      ['lots', 'unknown', undefined],
    ],
  );
  assert.equal(s.lateSince, '2026-03-28T09:50:00+05:00');
  const ru = renderHtml(s, 'ru');
  assert.match(ru, /нет новых результатов проверок с <time>2026-03-28T09:50:00\+05:00<\/time>/);
  assert.match(renderHtml(s, 'kk'), /жаңа тексеру нәтижелері <time>2026-03-28T09:50:00\+05:00<\/time> бастап келмеді/);
  // At 10:00:30 the homepage's result of 09:58:30 is exactly two minutes old: not late yet; a second later it is.
  assert.equal(snap(new Date('2026-03-28T10:00:30+05:00')).systems[0]?.modules[0]?.lateSince, undefined);
  assert.equal(snap(new Date('2026-03-28T10:00:31+05:00')).systems[0]?.modules[0]?.lateSince, '2026-03-28T09:58:30+05:00');
  // Everything on time: the page says the checks run, and shows no time of a refresh.
  const onTime = buildSnapshot({
    board: live,
    notices: [],
    maintenance: [],
    uptime: [],
    now: new Date('2026-03-28T09:50:10+05:00'),
    stale: false,
    generatedAt: '',
  });
  assert.equal(onTime.lateSince, null);
  assert.match(renderHtml(onTime, 'ru'), /проверки идут по расписанию/);
});

test('every output escapes any notice text (property)', () => {
  const hostile = fc.string({
    unit: fc.constantFrom('<', '>', '&', '"', "'", 'a', 'ы', ' ', '\n', 's', 'c', 'r', 'i', 'p', 't', '=', '/'),
  });
  fc.assert(
    fc.property(hostile, hostile, (title, text) => {
      const t = `<script>${title}`;
      const s = buildSnapshot({
        board,
        notices: [
          {
            id: 'n1',
            active: true,
            kind: 'incident',
            system: 'portal',
            phase: 'opened',
            level: 'high',
            version: 1,
            publishedAt: '2026-03-28T10:00:00+05:00',
            texts: { kk: { title: t, text }, ru: { title: t, text: `<img onerror=x>${text}` } },
            history: [],
          },
        ],
        maintenance: [],
        uptime: [],
        now,
        stale: false,
        generatedAt: '2026-03-28T10:00:00+05:00',
      });
      for (const out of [
        renderHtml(s, 'kk'),
        renderHtml(s, 'ru'),
        renderWidget(s, 'ru', '/status'),
        renderRss(s, 'ru', ''),
        renderAtom(s, 'kk', ''),
      ]) {
        assert.ok(!out.includes('<script>'), 'no raw <script>');
        assert.ok(!out.includes('<img'), 'no raw <img');
      }
    }),
    { numRuns: 200 },
  );
  assert.doesNotMatch(STATUS_CSP, /unsafe-inline|script-src/);
});

test('fan-out: one key per (event, channel, recipient), on-call first, duplicates folded', () => {
  const rows = fanOut(
    'notice:n1:v2',
    { threadKey: 'n1', texts: { kk: { title: 'a', text: '' }, ru: { title: 'b', text: '' } }, data: {} },
    [
      { id: 'slack', type: 'slack', token: 't', channel: '#oncall' },
      { id: 'mail', type: 'email', smtpUrl: 'smtp://x', from: 'k@x.kz', to: ['oncall@x.kz'] },
      { id: 'mail2', type: 'email', smtpUrl: 'smtp://y', from: 'k@x.kz', to: ['boss@x.kz'] },
      { id: 'hook', type: 'webhook', url: 'http://h/', secret: '0123456789abcdef' },
    ],
    [{ email: 'Owner@x.kz' }, { email: 'owner@x.kz' }, { email: 'ONCALL@x.kz' }, { email: 'sub@x.kz', unsubscribeUrl: 'http://s/u' }],
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.payload.priority]),
    [
      ['notice:n1:v2|slack|#oncall', 1],
      ['notice:n1:v2|mail|oncall@x.kz', 1],
      ['notice:n1:v2|mail|Owner@x.kz', 5],
      ['notice:n1:v2|mail|sub@x.kz', 5],
      ['notice:n1:v2|mail2|boss@x.kz', 1],
      ['notice:n1:v2|hook|http://h/', 3],
    ],
  );
  assert.equal(rows.find((r) => r.recipient === 'sub@x.kz')?.payload.unsubscribeUrl, 'http://s/u');
});
