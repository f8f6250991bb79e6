import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { contentHash, noticeClocks, templateData } from './content.ts';
import { planMaintenance, maintenanceSubject } from './maintenance.ts';
import { maintenanceInputSchema, parseSubject, parseWith, PHASES } from './model.ts';
import { DEFAULT_TEMPLATE_DIR, NoticeTemplates, TemplateError } from './templates.ts';

const portal = { id: 'portal', policy: 'portal-692' as const, modules: ['homepage', 'search', 'eshop'] };
const etp = { id: 'etp1', policy: 'etp-em' as const, modules: ['orders'] };
const mInput = (over: Record<string, unknown> = {}) =>
  parseWith(maintenanceInputSchema, {
    system: 'portal',
    modules: ['search'],
    startsAt: '2026-03-28T09:00:00+05:00',
    endsAt: '2026-03-28T13:00:00+05:00',
    description: { ru: 'Обновление поиска', kk: 'Іздеуді жаңарту' },
    responsible: [{ name: 'Иванов И.', phone: '+7 701 000 0000', email: 'ivanov@example.kz' }],
    procurements: [
      { id: 'A-1', method: 'competition', deadlines: { acceptanceEnd: '2026-03-28T10:00:00+05:00' } },
      { id: 'A-2', method: 'competition', deadlines: { acceptanceEnd: '2026-03-30T10:00:00+05:00' } },
    ],
    ...over,
  });

describe('maintenance lead times (docs/rules.md §6)', () => {
  const cases: { name: string; system: typeof portal | typeof etp; now: string; unplanned: boolean; audiences: string[] }[] = [
    {
      name: 'portal users, announced 3 days ahead',
      system: portal,
      now: '2026-03-25T10:00:00+05:00',
      unplanned: false,
      audiences: ['portal-users'],
    },
    {
      name: 'portal users, last allowed second (2 calendar days strictly between)',
      system: portal,
      now: '2026-03-25T23:59:59+05:00',
      unplanned: false,
      audiences: ['portal-users'],
    },
    {
      name: 'portal users, one second late',
      system: portal,
      now: '2026-03-26T00:00:00+05:00',
      unplanned: true,
      audiences: ['portal-users'],
    },
    {
      name: 'ETP owners, 2 working days: Thu 26, Fri 27 → by Wed 25',
      system: etp,
      now: '2026-03-25T23:00:00+05:00',
      unplanned: false,
      audiences: ['etp-owners'],
    },
    { name: 'ETP owners, Thursday is too late', system: etp, now: '2026-03-26T08:00:00+05:00', unplanned: true, audiences: ['etp-owners'] },
    { name: 'already started', system: portal, now: '2026-03-28T10:00:00+05:00', unplanned: true, audiences: ['portal-users'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planMaintenance(mInput({ system: c.system.id }), c.system, new Date(c.now));
      assert.equal(plan.unplanned, c.unplanned, plan.reasons.join('; '));
      assert.deepEqual(
        plan.verdicts.map((v) => v.audience),
        c.audiences,
      );
      if (c.unplanned) assert.ok(plan.reasons.length > 0);
    });
  }
  test('e-shop works concern ETP owners too', () => {
    const plan = planMaintenance(mInput({ modules: ['eshop'] }), portal, new Date('2026-03-20T10:00:00+05:00'));
    assert.deepEqual(
      plan.verdicts.map((v) => v.audience),
      ['portal-users', 'etp-owners'],
    );
    assert.equal(plan.verdicts[1]?.latestNotifyAt, '2026-03-25T23:59:59+05:00');
  });
  test('EX-MAINT shifts deadlines inside the window by its length; jobs scheduled', () => {
    const plan = planMaintenance(mInput(), portal, new Date('2026-03-20T10:00:00+05:00'));
    assert.equal(plan.extensions.length, 1);
    assert.equal(plan.extensions[0]?.subject, 'A-1');
    assert.equal(plan.extensions[0]?.rule, 'EX-MAINT');
    assert.equal(plan.extensions[0]?.extended, new Date('2026-03-28T14:00:00+05:00').toISOString());
    assert.deepEqual(
      plan.jobs.map((j) => j.kind),
      ['announce', 'remind', 'start', 'complete'],
    );
  });
  test('bad input names the field', () => {
    assert.throws(() => mInput({ endsAt: '2026-03-28T08:00:00+05:00' }), /endsAt: must be after startsAt/);
    assert.throws(() => mInput({ startsAt: 'tomorrow' }), /startsAt: not an ISO 8601/);
    assert.throws(() => mInput({ responsible: [] }), /responsible: at least one/);
    assert.throws(
      () => planMaintenance(mInput({ procurements: [{ id: 'x', method: 'nope', deadlines: {} }] }), portal, new Date()),
      /procurements\[0\]\.method/,
    );
  });
});

describe('notice templates', () => {
  const templates = new NoticeTemplates();
  const moduleNames = { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } };
  const subject = parseSubject({
    kind: 'incident',
    id: 'INC-2026-0042',
    system: 'portal',
    modules: ['search'],
    policy: 'portal-692',
    level: 'medium',
    phase: 'opened',
    description: { ru: 'Поиск объявлений недоступен', kk: 'Хабарландыруларды іздеу қолжетімсіз' },
    startedAt: '2026-03-26T09:00:00+05:00',
    confirmedAt: '2026-03-26T09:20:00+05:00',
    plannedFixAt: '2026-03-26T12:00:00+05:00',
    extensions: [
      {
        subject: 'A-1',
        deadline: 'acceptanceEnd',
        original: '2026-03-26T10:00:00+05:00',
        extended: '2026-03-26T13:00:00+05:00',
        rule: 'EX-M-ACCEPT',
      },
    ],
    affected: [{ announcement: '12345', lot: '1' }],
  });
  test('every phase renders in both languages with all fields', () => {
    for (const phase of PHASES) {
      const s = { ...subject, phase, resolvedAt: '2026-03-26T11:00:00.000Z', endsAt: '2026-03-26T12:00:00.000Z' };
      const out = templates.render('portal-692', phase, (lang) => templateData(s, lang, { systemName: 'Портал', version: 2 }));
      assert.ok(out.kk.title && out.ru.title, phase);
      assert.match(out.ru.text, /INC-2026-0042/);
      assert.match(out.kk.text, /INC-2026-0042/);
      assert.match(out.ru.text, /12345\/1/);
    }
    const opened = templates.render('portal-692', 'opened', (lang) =>
      templateData(subject, lang, { systemName: 'Портал', version: 1, moduleNames }),
    );
    // Modules by their human names in each language, never by config ids (issue #17 item 14).
    assert.match(opened.ru.text, /Модули: «Поиск объявлений»/);
    assert.match(opened.kk.text, /Модульдер: «Хабарландыруларды іздеу»/);
    for (const l of ['ru', 'kk'] as const) assert.doesNotMatch(`${opened[l].title}\n${opened[l].text}`, /search/);
    const unnamed = templates.render('portal-692', 'opened', (lang) => templateData(subject, lang, { systemName: 'Портал', version: 1 }));
    for (const l of ['ru', 'kk'] as const) assert.doesNotMatch(`${unnamed[l].title}\n${unnamed[l].text}`, /search|Модул/);
    assert.match(opened.ru.title, /уровень критичности: средний/);
    assert.match(opened.kk.title, /күрделілік деңгейі: орташа/);
    assert.match(opened.ru.text, /Плановое время и дата устранения: 2026-03-26 12:00/);
    assert.match(opened.kk.text, /Хабарландыруларды іздеу қолжетімсіз/);
    assert.match(opened.ru.text, /A-1: окончание приема заявок 2026-03-26 10:00 → 2026-03-26 13:00 \(EX-M-ACCEPT\)/);
    assert.match(opened.kk.text, /Жоюдың жоспарлы уақыты мен күні: 2026-03-26 12:00 \(Астана қаласының уақыты бойынша\)/);
    assert.match(opened.kk.text, /Сатып алуды ұзарту мерзімі: 2026-03-26 13:00 күні мен уақытына дейін/);
    assert.match(opened.kk.text, /A-1: өтінімдерді қабылдауды аяқтау 2026-03-26 10:00 → 2026-03-26 13:00 \(EX-M-ACCEPT\)/);
    const resolved = templates.render('portal-692', 'resolved', (lang) =>
      templateData({ ...subject, phase: 'resolved', resolvedAt: '2026-03-26T11:00:00+05:00' }, lang, { systemName: 'Портал', version: 3 }),
    );
    assert.equal(resolved.kk.title, 'Техникалық іркіліс жойылды: Портал, күрделілік деңгейі: орташа');
    assert.match(resolved.kk.text, /Нақты жою күні мен уақыты: 2026-03-26 11:00/);
    assert.match(resolved.kk.text, /Сатып алуды ұзарту фактісі: сатып алу мерзімдері ұзартылды/);
  });
  test('a broken template stops the render with its name and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuzet-tpl-'));
    try {
      cpSync(DEFAULT_TEMPLATE_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'default/opened.kk.hbs'), 'Title\nline two\n{{#if hasModules}}\n{{modulez}}\n{{/if}}\n');
      const t = new NoticeTemplates(dir);
      assert.throws(
        () => t.render('portal-692', 'opened', (lang) => templateData(subject, lang, { systemName: 'P', version: 1, moduleNames })),
        (e: unknown) => e instanceof TemplateError && e.template === 'default/opened.kk.hbs' && e.line === 4,
      );
      writeFileSync(join(dir, 'default/opened.ru.hbs'), 'Title\n{{#if x}\n');
      assert.throws(
        () => t.renderOne('portal-692', 'opened', 'ru', templateData(subject, 'ru', { systemName: 'P', version: 1 })),
        (e: unknown) => e instanceof TemplateError && /opened\.ru\.hbs line 2/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('ETP maintenance uses its own policy template; unplanned works say so with contacts', () => {
    const plan = planMaintenance(mInput({ system: 'etp1', procurements: [] }), etp, new Date('2026-03-27T10:00:00+05:00'));
    const s = maintenanceSubject('MW-1', mInput({ system: 'etp1', procurements: [] }), etp, plan);
    const out = templates.render('etp-em', s.phase, (lang) => templateData(s, lang, { systemName: 'ЭТП', version: 1 }));
    assert.match(out.ru.title, /Внеплановые/);
    assert.match(out.kk.title, /Жоспардан тыс/);
    assert.match(out.ru.text, /Иванов И\., тел\. \+7 701 000 0000, ivanov@example\.kz/);
  });
  test('content hash changes with published fields only; SLA clocks met at publication', () => {
    assert.equal(contentHash(subject), contentHash({ ...subject, recipients: [{ email: 'a@b.kz', role: 'supplier' }] }));
    assert.notEqual(contentHash(subject), contentHash({ ...subject, plannedFixAt: '2026-03-26T13:00:00.000Z' }));
    // The same content with its nested keys in another order (as JSONB gives it back) is the same content.
    const reordered = JSON.parse(
      JSON.stringify(subject, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as typeof subject;
    assert.notDeepEqual(Object.keys(reordered.affected[0] ?? {}), Object.keys(subject.affected[0] ?? {}));
    assert.equal(contentHash(reordered), contentHash(subject));
    const [clock] = noticeClocks(subject, new Date('2026-03-26T10:15:00+05:00'));
    assert.equal(clock?.timer, 'SLA-P-MED-HOME');
    assert.equal(clock?.dueAt, '2026-03-26T10:20:00+05:00');
    assert.equal(clock?.met, true);
    assert.equal(noticeClocks({ ...subject, level: 'high' }, new Date('2026-03-26T10:15:00+05:00'))[0]?.met, false);
  });
});
