/**
 * Issue #8's "done when": a year of demo incidents, made through the real incident store on
 * PostgreSQL — monitoring-detected ones from failing check results fed to the detector the way
 * ingestion does, user appeals through the appeal form, operator transitions, an appeal linked to a
 * monitoring incident — read back by `kuzet journal` and `kuzet extract` from the database and
 * rendered in every format and both languages; LibreOffice opens the DOCX and XLSX; pdftotext finds
 * the Kazakh letters. Plus the availability report over HTTP from stored check results, with a
 * maintenance window planned through the notices store excluded and shown apart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { parse as parseYaml, stringify } from 'yaml';
import { createToken } from '../core/auth.ts';
import { parseConfig, resolveChecks, type KuzetConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { FAILURE_KIND_IDS, IncidentDetector, IncidentService, topologyFromConfig, type ActorRef } from '../incidents/index.ts';
import { HOSTILE } from './fixtures.test-support.ts';
import { HEADERS } from './labels.ts';
import { loadExtractInput, loadJournalEntries } from './journal.repo.ts';
import { summarizeExtract } from './extract.ts';
import type { JournalEntry } from './model.ts';
import { NoticeRuntime } from '../notices/index.ts';
import { PROBES } from '../probes/index.ts';
import { PG_URL, dropPgSchema, tempDir, uniqueName } from '../test/support.ts';
import { createApi } from '../api/server.ts';
import { registerJournalCommands } from './journal.cli.ts';
import { demoConfigYaml } from '../demo/run.ts';
import { journalExtension } from './journal.routes.ts';
import { Metrics } from '../collector/metrics.ts';
import { insertResults, type KeyedResult } from '../collector/results.repo.ts';
import { StatusBoard } from '../collector/status.ts';

const MIN = 60_000;
const at = (s: string) => Date.parse(s);
const BINS = ['990340000004', '880101300010', '850101300005'];
const LEVELS = ['low', 'medium', 'high'] as const;
const OPERATOR_NAME = 'Серікова Ә. Н.';

/** The demo's systems (portal and two ETPs), with results kept in a test database. */
function demoConfig(dir: string): KuzetConfig {
  const yaml = demoConfigYaml('http://127.0.0.1:9', {
    dataDir: 'memory://',
    artifactsDir: dir,
    intervalSeconds: 60,
    redisPrefix: 'unused',
    port: 0,
  });
  return parseConfig(yaml, PROBES, {});
}

function textOf(pdf: string): string {
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' });
}

/** Runs a journal command with the database in `env`; resolves undefined or the error. */
async function cli(env: NodeJS.ProcessEnv, now: Date, ...args: string[]): Promise<unknown> {
  const p = new Command('kuzet').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerJournalCommands(p, { loadConfig: () => parseConfig('{}', PROBES, {}), env, now: () => now });
  try {
    await p.parseAsync(['node', 'kuzet', ...args]);
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('a year of demo incidents: journal and extract from the incident store', { timeout: 600_000 }, () => {
  const dir = tempDir('kuzet-journal-year-');
  const schema = uniqueName('kzjyear');
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
  const cfg = demoConfig(dir.path);
  let db: Db;
  let clock = at('2026-01-01T00:00:00+05:00');
  const now = () => new Date(clock);
  let actor: ActorRef;
  /** What the script did, to check the journal against. */
  const made: {
    id: string;
    source: 'monitoring' | 'user';
    month: number;
    level: string | null;
    state: 'resolved' | 'refuted' | 'confirmed' | 'open' | 'linked';
    module: string;
    downMinutes?: number;
    start?: number;
  }[] = [];
  const year = 2026;
  const endOfYear = new Date('2027-01-10T09:00:00+05:00');

  before(async () => {
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    actor = { id: (await createToken(db, { role: 'operator', name: OPERATOR_NAME })).id, ip: '192.0.2.10' };
    // The year's script has each appeal open its own incident (some linked by the operator), as with
    // incidents.appeals.attach: false; attaching to the open incident of its module is tested in incidents/store.
    const topology = () => ({ ...topologyFromConfig(cfg), appealAttachWindowMs: () => null });
    const service = new IncidentService({ db, topology, now });
    const detector = new IncidentDetector({ db, topology, now });
    await detector.load();
    const portal = resolveChecks(cfg).filter((c) => c.system === 'portal' && c.check.type === 'http' && c.module);
    const modules = [...new Set(portal.map((c) => c.module as string))];

    /** Results of a module's checks every minute from `from` for `minutes`, stored and handed to the detector as ingestion does. */
    const feed = async (module: string, from: number, minutes: number, ok: boolean) => {
      for (let i = 0; i < minutes; i++) {
        const t = from + i * MIN;
        const batch: KeyedResult[] = portal
          .filter((c) => c.module === module)
          .flatMap((c) =>
            c.regions.map((region) => ({
              key: c.key,
              system: c.system,
              target: c.target,
              check: c.check.id,
              region,
              ok,
              latencyMs: ok ? 120 : 3000,
              errorKind: ok ? null : ('http-status' as const),
              message: ok ? 'ok' : 'HTTP 500',
              at: new Date(t),
            })),
          );
        clock = t + 2_000;
        await insertResults(db, batch);
        await detector.handle(batch.map((r) => ({ ...r, errorKind: r.errorKind ?? null })));
      }
    };
    const step = async (id: string, t: number, body: Record<string, unknown>) => {
      clock = t;
      await service.transition(id, body, actor);
    };

    for (let month = 1; month <= 12; month++) {
      const mm = String(month).padStart(2, '0');
      const t0 = at(`${year}-${mm}-10T10:00:00+05:00`);
      const module = modules[month % modules.length] as string;
      const level = LEVELS[month % 3] as (typeof LEVELS)[number];
      const kind = FAILURE_KIND_IDS[month % FAILURE_KIND_IDS.length];
      const down = 20 + month * 5;

      // Monitoring: the module fails for `down` minutes, then answers again.
      await feed(module, t0, down, false);
      await feed(module, t0 + down * MIN, 3, true);
      const mon = (
        await db.query<{ id: string; started_at: Date }>(
          "SELECT id, started_at FROM incidents WHERE source = 'monitoring' ORDER BY received_at DESC, id DESC LIMIT 1",
        )
      )[0];
      assert.ok(mon && !made.some((x) => x.id === mon.id), `month ${month}: the detector opened an incident`);
      const start = mon.started_at.getTime();
      await step(mon.id, t0 + down * MIN + 5 * MIN, { to: 'analysing' });
      if (month === 6) {
        await step(mon.id, t0 + down * MIN + 10 * MIN, {
          to: 'refuted',
          evidence: 'Сбой на стороне провайдера пользователя; проба повторена из второго региона',
        });
        made.push({ id: mon.id, source: 'monitoring', month, level: null, state: 'refuted', module });
      } else {
        await step(mon.id, t0 + down * MIN + 10 * MIN, {
          to: 'confirmed',
          level,
          levelReason: 'Оценка дежурного инженера по охвату сбоя',
          kind,
          plannedFixAt: new Date(t0 + (down + 60) * MIN).toISOString(),
        });
        if (month === 12) made.push({ id: mon.id, source: 'monitoring', month, level, state: 'confirmed', module, start });
        else {
          await step(mon.id, t0 + down * MIN + 30 * MIN, {
            to: 'resolved',
            actualFixAt: new Date(t0 + down * MIN).toISOString(),
            cause: { kk: `${module} модулі түйінінің істен шығуы`, ru: `Отказ узла модуля ${module}` },
            measures: { kk: 'Түйін қайта іске қосылды, резервке ауыстырылды', ru: 'Перезапуск узла, переключение на резерв' },
            decision: 'Подтвердить сбой',
          });
          await step(mon.id, t0 + down * MIN + 60 * MIN, { to: 'closed', recommendations: 'Резервирование узла; мониторинг очереди' });
          made.push({ id: mon.id, source: 'monitoring', month, level, state: 'resolved', module, downMinutes: down, start });
        }
      }

      // A user's appeal about the same module.
      clock = t0 + 20 * MIN;
      const ap = await service.registerAppeal(
        {
          organisation: `ТОО «Әділет Құрылыс ${month}» әғқңөұүһі`,
          binIin: BINS[month % BINS.length],
          email: `buyer${month}@example.kz`,
          phone: '+7 701 000 00 00',
          description: month === 3 ? HOSTILE : `Модуль ${module} не отвечает (ошибка 500)`,
          detectedAt: new Date(t0 + 5 * MIN).toISOString(),
          system: 'portal',
          module,
        },
        '192.0.2.77',
      );
      if (month % 2 === 0 && month !== 6) {
        clock = t0 + 40 * MIN;
        await service.linkAppeal(ap.appealId, { incidentId: mon.id }, actor);
        made.push({ id: ap.incidentId, source: 'user', month, level, state: 'linked', module });
      } else if (month === 11) {
        made.push({ id: ap.incidentId, source: 'user', month, level: null, state: 'open', module });
      } else {
        await step(ap.incidentId, t0 + 45 * MIN, { to: 'analysing' });
        if (month % 4 === 1) {
          await step(ap.incidentId, t0 + 60 * MIN, { to: 'refuted', evidence: 'Истек срок действия ключа ЭЦП пользователя' });
          made.push({ id: ap.incidentId, source: 'user', month, level: null, state: 'refuted', module });
        } else {
          await step(ap.incidentId, t0 + 60 * MIN, {
            to: 'confirmed',
            level: 'low',
            levelReason: 'Сбой затронул одного пользователя',
            kind: 'third-party-conditions',
            plannedFixAt: new Date(t0 + 120 * MIN).toISOString(),
          });
          await step(ap.incidentId, t0 + 90 * MIN, {
            to: 'resolved',
            actualFixAt: new Date(t0 + 80 * MIN).toISOString(),
            cause: { kk: 'Байланыс операторындағы іркіліс', ru: 'Сбой у оператора связи' },
            measures: { kk: 'Байланыс операторына өтініш', ru: 'Обращение к оператору связи' },
          });
          made.push({ id: ap.incidentId, source: 'user', month, level: 'low', state: 'resolved', module });
        }
      }
    }
    // An appeal of the next year stays out of this year's journal.
    clock = at('2027-01-04T09:00:00+05:00');
    await service.registerAppeal(
      {
        organisation: 'ТОО Следующий год',
        binIin: BINS[0],
        email: 'x@example.kz',
        phone: '+7 701 000 00 01',
        description: 'январь',
        detectedAt: '2027-01-04T08:55:00+05:00',
        system: 'portal',
      },
      null,
    );
  });

  after(async () => {
    await db?.close();
    await dropPgSchema(schema);
    dir.remove();
  });

  it('the journal has one row per incident of the year, monitoring and appeals, with the operator’s decisions', async () => {
    const rows = await loadJournalEntries(db, { from: `${year}-01-01`, to: `${year}-12-31` }, 'ru');
    assert.equal(rows.length, made.length);
    assert.deepEqual(rows.map((r) => r.number).sort(), made.map((m) => m.id).sort());
    const byId = new Map(rows.map((r) => [r.number, r]));
    for (const m of made) {
      const r = byId.get(m.id) as JournalEntry;
      assert.equal(r.source, m.source, m.id);
      assert.equal(r.confirmed, m.state === 'refuted' ? false : m.state === 'open' ? null : true, `${m.id} ${m.state}`);
      assert.equal(r.level, m.state === 'refuted' || m.state === 'open' ? null : m.level, m.id);
      if (m.state !== 'open' && m.state !== 'linked') assert.equal(r.acceptedBy, OPERATOR_NAME, m.id);
      if (m.state === 'linked') assert.match(r.decision, /^Обращение связано с INC-2026-\d{6}/);
      if (m.source === 'user') assert.match(r.organisation, /^ТОО «Әділет Құрылыс \d+» әғқңөұүһі$/);
      else assert.equal(r.organisation, 'АО «Центр электронных финансов»');
      if (m.state === 'resolved' && m.downMinutes !== undefined)
        assert.equal(r.resolvedAt!.getTime() - at(`${year}-${String(m.month).padStart(2, '0')}-10T10:00:00+05:00`), m.downMinutes * MIN);
    }
    // Filters: level, state, system; the kk rows word kuzet's own descriptions in Kazakh.
    const high = await loadJournalEntries(db, { from: `${year}-01-01`, to: `${year}-12-31`, level: 'high' }, 'ru');
    assert.deepEqual(
      high.map((r) => r.number).sort(),
      made
        .filter((m) => m.level === 'high' && m.state !== 'refuted' && m.state !== 'open')
        .map((m) => m.id)
        .sort(),
    );
    const refuted = await loadJournalEntries(db, { from: `${year}-01-01`, to: `${year}-12-31`, state: 'refuted' }, 'ru');
    assert.equal(refuted.length, made.filter((m) => m.state === 'refuted').length);
    assert.equal((await loadJournalEntries(db, { from: `${year}-01-01`, to: `${year}-12-31`, system: 'etp-alpha' }, 'ru')).length, 0);
    const march = await loadJournalEntries(db, { from: `${year}-03-01`, to: `${year}-03-31` }, 'kk');
    assert.equal(march.length, 2);
    assert.match(march.find((r) => r.source === 'monitoring')!.description, /^kuzet мониторингімен анықталды/);
    assert.equal(march.find((r) => r.source === 'user')!.description, HOSTILE);
  });

  it('the extract sums the year from the store: levels, downtime per module with maintenance cut out, SLA clocks, a section per medium/high incident', async () => {
    const first = made.find((m) => m.month === 1 && m.source === 'monitoring')!;
    const mw = { system: 'portal', modules: [first.module], start: first.start! + 5 * MIN, end: first.start! + 15 * MIN };
    const input = await loadExtractInput(db, year, { now: endOfYear, lang: 'ru', maintenance: [mw] });
    const { summary } = summarizeExtract(input);
    assert.equal(summary.entries, made.length);
    assert.equal(summary.refuted, made.filter((m) => m.state === 'refuted').length);
    assert.deepEqual(
      input.details.map((d) => d.number).sort(),
      made
        .filter((m) => m.source === 'monitoring' && (m.level === 'medium' || m.level === 'high') && m.state !== 'refuted')
        .map((m) => m.id)
        .sort(),
    );
    // Downtime by hand: each resolved monitoring incident from its first failure to its fix; December's is still open at the year's end.
    // A confirmed appeal about the same module (failure from its detection at t0+5 to its fix at t0+80) overlaps the monitoring incident: counted once.
    const expected = new Map<string, number>();
    for (let month = 1; month <= 12; month++) {
      const t0 = at(`${year}-${String(month).padStart(2, '0')}-10T10:00:00+05:00`);
      const spans: [number, number, string][] = [];
      for (const m of made.filter((x) => x.month === month)) {
        if (m.source === 'monitoring' && m.state !== 'refuted')
          spans.push([m.start!, m.state === 'confirmed' ? at('2027-01-01T00:00:00+05:00') : m.start! + m.downMinutes! * MIN, m.module]);
        if (m.source === 'user' && m.state === 'resolved') spans.push([t0 + 5 * MIN, t0 + 80 * MIN, m.module]);
      }
      if (spans.length === 0) continue;
      const minutes = (Math.max(...spans.map((x) => x[1])) - Math.min(...spans.map((x) => x[0]))) / MIN;
      expected.set(spans[0]![2], (expected.get(spans[0]![2]) ?? 0) + minutes);
    }
    expected.set(first.module, (expected.get(first.module) ?? 0) - 10);
    for (const d of input.downtime.filter((x) => x.system === 'portal' && x.module))
      assert.equal(d.downtimeMinutes, Math.round(expected.get(d.module!)!), d.module!);
    assert.equal(input.downtime.find((d) => d.module === first.module)!.maintenanceMinutes, 10);
    assert.ok(input.sla.length > 0 && input.sla.every((s) => s.met + s.breached > 0));
    assert.ok(input.sla.some((s) => s.met > 0));
  });

  it(
    'kuzet journal and kuzet extract read the database: every format in both languages; LibreOffice opens the DOCX and XLSX; pdftotext keeps the Kazakh letters',
    { timeout: 400_000 },
    async () => {
      const files: string[] = [];
      for (const lang of ['ru', 'kk'] as const) {
        for (const format of ['html', 'pdf', 'xlsx', 'docx', 'csv']) {
          const out = join(dir.path, `journal-${lang}.${format}`);
          assert.equal(
            await cli(
              env,
              endOfYear,
              'journal',
              '--from',
              `${year}-01-01`,
              '--to',
              `${year}-12-31`,
              '--format',
              format,
              '--lang',
              lang,
              '--out',
              out,
            ),
            undefined,
            `${lang} ${format}`,
          );
          files.push(out);
        }
        for (const format of ['pdf', 'docx']) {
          const out = join(dir.path, `extract-${lang}.${format}`);
          assert.equal(
            await cli(
              env,
              endOfYear,
              'extract',
              '--year',
              String(year),
              '--lang',
              lang,
              '--format',
              format,
              '--out',
              out,
              '--head',
              'Ахметов А. А.',
              '--responsible',
              OPERATOR_NAME,
            ),
            undefined,
            `extract ${lang} ${format}`,
          );
          files.push(out);
        }
      }
      for (const f of files) assert.ok(readFileSync(f).length > 500, f);

      // XLSX read back: the 16 Kazakh headers in order, one row per incident, the numbers and the Astana times as printed.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(dir.path, 'journal-kk.xlsx'));
      const ws = wb.worksheets[0]!;
      const headerRow = ws.getRow(
        [...Array(ws.rowCount).keys()].map((i) => i + 1).find((i) => String(ws.getRow(i).getCell(2).value ?? '') === HEADERS.kk[1])!,
      );
      assert.deepEqual(
        HEADERS.kk.map((_, i) => String(headerRow.getCell(i + 1).value)),
        [...HEADERS.kk],
      );
      const dataRows: ExcelJS.Row[] = [];
      ws.eachRow((row, n) => {
        // Column 1 is the sequence number alone; the incident's number opens column 6.
        if (n > headerRow.number && /^№ INC-\d{4}-\d{6}$/m.test(String(row.getCell(6).value ?? ''))) dataRows.push(row);
      });
      assert.equal(dataRows.length, made.length);
      assert.deepEqual(dataRows.map((r) => /^№ (INC-\S+)$/m.exec(String(r.getCell(6).value))![1]).sort(), made.map((m) => m.id).sort());
      assert.deepEqual(
        dataRows.map((r) => r.getCell(1).value),
        made.map((_, i) => String(i + 1)),
      );
      assert.ok(dataRows.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(String(r.getCell(4).value))));

      // CSV and HTML: every incident once; appeal text escaped.
      const csv = readFileSync(join(dir.path, 'journal-ru.csv'), 'utf8');
      for (const m of made) assert.equal(csv.split(`№ ${m.id}\n`).length, 2, m.id);
      const html = readFileSync(join(dir.path, 'journal-kk.html'), 'utf8');
      assert.ok(!html.includes('<script>alert(1)</script>') && html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      for (const m of made) assert.ok(html.includes(`№ ${m.id}\n`), m.id);
      // The cause and measures in the journal's language (issue #21 item 6).
      assert.ok(html.includes('Байланыс операторындағы іркіліс') && !html.includes('Сбой у оператора связи'));
      assert.ok(csv.includes('Сбой у оператора связи') && !csv.includes('Байланыс операторындағы іркіліс'));

      // PDF (pdfkit): the Kazakh letters and the incident numbers survive.
      for (const f of ['journal-kk.pdf', 'extract-kk.pdf']) {
        const t = textOf(join(dir.path, f));
        assert.ok(t.includes('әғқңөұүһі'), f);
      }
      const flat = textOf(join(dir.path, 'journal-ru.pdf')).replace(/\s+/g, '');
      for (const m of made) assert.ok(flat.includes(m.id), m.id);

      // LibreOffice headless opens the DOCX and XLSX and converts them (one start for all of them).
      const lo = ['journal-kk.docx', 'journal-kk.xlsx', 'extract-kk.docx', 'extract-ru.docx', 'journal-ru.xlsx'].map((f) =>
        join(dir.path, f),
      );
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${dir.path}/lo`, '--headless', '--convert-to', 'pdf', '--outdir', join(dir.path, 'lo-out'), ...lo],
        { stdio: 'pipe', timeout: 300_000 },
      );
      for (const f of lo) {
        const pdf = join(
          dir.path,
          'lo-out',
          f
            .split('/')
            .pop()!
            .replace(/\.(docx|xlsx)$/, '.pdf'),
        );
        assert.ok(existsSync(pdf), pdf);
      }
      const loJournal = textOf(join(dir.path, 'lo-out', 'journal-kk.pdf'));
      assert.ok(loJournal.includes('әғқңөұүһі'));
      const loExtract = textOf(join(dir.path, 'lo-out', 'extract-kk.pdf')).replace(/\s+/g, ' ');
      assert.ok(loExtract.includes('Ахметов А. А.'));
      assert.ok(loExtract.includes(made.find((m) => m.level === 'high' && m.source === 'monitoring')!.id));
    },
  );

  it('an empty period gives a valid empty journal from the database', async () => {
    const out = join(dir.path, 'empty.xlsx');
    assert.equal(
      await cli(env, endOfYear, 'journal', '--from', '2025-01-01', '--to', '2025-12-31', '--format', 'xlsx', '--lang', 'ru', '--out', out),
      undefined,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    let rows = 0;
    wb.worksheets[0]!.eachRow((row) => void (/^№ INC-/.test(String(row.getCell(6).value ?? '')) && rows++));
    assert.equal(rows, 0);
  });
});

describe('availability over HTTP from stored check results, announced maintenance excluded', () => {
  const dir = tempDir('kuzet-avail-');
  const schema = uniqueName('kzavail');
  let db: Db;
  let server: Server;
  let base: string;
  let viewer: string;
  let notices: NoticeRuntime;

  before(async () => {
    const doc = parseYaml(
      demoConfigYaml('http://127.0.0.1:9', {
        dataDir: 'memory://',
        artifactsDir: dir.path,
        intervalSeconds: 60,
        redisPrefix: 'unused',
        port: 0,
      }),
    ) as Record<string, unknown>;
    const cfg = parseConfig(stringify(doc), PROBES, {});
    db = await openDb({ databaseUrl: PG_URL, schema });
    await migrate(db);
    viewer = (await createToken(db, { role: 'viewer', name: 'ministry' })).token;
    const planningNow = new Date('2026-02-01T10:00:00+05:00');
    notices = new NoticeRuntime({
      db: () => db,
      config: () => cfg,
      log: silentLogger,
      board: () => new StatusBoard().snapshot(cfg, planningNow),
      now: () => planningNow,
    });
    // Works on search, 02:00–04:00 on 10 March, announced five weeks ahead through the notices store.
    await notices.service.planMaintenance(
      {
        system: 'portal',
        modules: ['search'],
        startsAt: '2026-03-10T02:00:00+05:00',
        endsAt: '2026-03-10T04:00:00+05:00',
        description: { ru: 'Обновление поискового индекса', kk: 'Іздеу индексін жаңарту' },
        responsible: [{ name: 'Иванов Иван', role: 'дежурный инженер', phone: '+7 701 111 2233', email: 'ivanov@operator.kz' }],
      },
      { id: 'test:operator' },
    );
    // A day of results every minute: search fails 02:00–03:00 (inside the works) and 10:00–11:00; lots never fails.
    const checks = resolveChecks(cfg).filter(
      (c) => c.system === 'portal' && c.check.type === 'http' && (c.module === 'search' || c.module === 'lots'),
    );
    assert.equal(checks.length, 2);
    const day0 = Date.parse('2026-03-10T00:00:00+05:00');
    const rows: KeyedResult[] = [];
    for (let i = 0; i < 1440; i++) {
      for (const c of checks) {
        const down = c.module === 'search' && ((i >= 120 && i < 180) || (i >= 600 && i < 660));
        rows.push({
          key: c.key,
          system: 'portal',
          target: c.target,
          check: c.check.id,
          region: 'astana',
          ok: !down,
          latencyMs: 100,
          errorKind: down ? 'http-status' : null,
          message: '',
          at: new Date(day0 + i * MIN),
        });
      }
    }
    await insertResults(db, rows);
    const services = {
      config: () => cfg,
      db: () => db,
      log: silentLogger,
      metrics: new Metrics(),
      status: new StatusBoard(),
      notices,
      now: () => new Date('2026-03-11T09:00:00+05:00'),
    };
    const app = createApi({
      config: () => cfg,
      db: () => db,
      metrics: services.metrics,
      status: services.status,
      readiness: async () => [],
      log: silentLogger,
      extensions: [journalExtension(services)],
    });
    server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await notices.close();
    await db.close();
    await dropPgSchema(schema);
    dir.remove();
  });

  const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('needs the viewer role', async () => {
    assert.equal((await get('/api/v1/availability?from=2026-03-10&to=2026-03-10')).status, 401);
    assert.equal((await get('/api/v1/journal?from=2026-03-10&to=2026-03-10')).status, 401);
    assert.equal((await get('/api/v1/availability?from=2026-03-10&to=2026-03-10', 'kzt_not_a_token_at_all')).status, 401);
  });

  it('by hand: search 1260 min up, 60 min down, 120 min maintenance (the failing hour inside the works is not downtime)', async () => {
    const res = await get('/api/v1/availability?from=2026-03-10&to=2026-03-10', viewer);
    assert.equal(res.status, 200);
    type G = {
      system: string;
      module: string | null;
      total: { upMs: number; downMs: number; maintenanceMs: number; availabilityPct: number };
      mttrMinutes: number | null;
    };
    const r = (await res.json()) as { modules: G[]; systems: G[]; maintenance: { system: string; modules: string[]; minutes: number }[] };
    const search = r.modules.find((g) => g.module === 'search')!;
    assert.deepEqual([search.total.upMs / MIN, search.total.downMs / MIN, search.total.maintenanceMs / MIN], [1260, 60, 120]);
    assert.equal(search.total.availabilityPct, 95.455); // 1260 / 1320
    assert.equal(search.mttrMinutes, 60);
    const lots = r.modules.find((g) => g.module === 'lots')!;
    assert.deepEqual([lots.total.upMs / MIN, lots.total.downMs, lots.total.maintenanceMs, lots.total.availabilityPct], [1440, 0, 0, 100]);
    const portal = r.systems.find((g) => g.system === 'portal')!;
    assert.equal(portal.total.availabilityPct, 97.826); // (1260 + 1440) / (1320 + 1440)
    assert.deepEqual(
      r.maintenance.map((m) => [m.system, m.modules, m.minutes]),
      [['portal', ['search'], 120]],
    );
  });

  it('CSV and XLSX with their content types and file names; bad input names the field', async () => {
    const csv = await get('/api/v1/availability?from=2026-03-10&to=2026-03-10&format=csv', viewer);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(csv.headers.get('content-disposition'), 'attachment; filename="availability_2026-03-10_2026-03-10.csv"');
    assert.match(await csv.text(), /"module","portal","search","2026-03-10","1260","60","120","95.455"/);
    const xlsx = await get('/api/v1/availability?from=2026-03-10&to=2026-03-10&format=xlsx', viewer);
    assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    for (const [q, field] of [
      ['to=2026-03-10', 'from'],
      ['from=2026-03-11&to=2026-03-10', 'from'],
      ['from=2026-03-10&to=2026-03-10&format=pdf', 'format'],
    ] as const) {
      const res = await get(`/api/v1/availability?${q}`, viewer);
      assert.equal(res.status, 400, q);
      assert.equal(((await res.json()) as { error: { field: string } }).error.field, field, q);
    }
  });
});
