/**
 * The console's incident tools (issue #21 items 5, 6) over HTTP on a real kuzet (PGlite, Redis): text
 * search over incidents (number, module name in either language, cause text; `%`, `_`, NUL and
 * `__proto__` are plain text or a clear 400), the timeline exported as CSV (parsed back) and PDF
 * (its text read by pdftotext, a page rendered to PNG by pdftoppm for a look), and the resolve form
 * that takes the cause and measures in both languages, previews the public notice without storing
 * anything, and refuses one language with the field named in the page's language.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../core/config.ts';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { parseCsv } from '../incidents/index.ts';
import { PROBES } from '../probes/index.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { startKuzet, type KuzetHandle } from '../app/start.ts';
import { createUser } from './users.repo.ts';

const PASSWORD = 'correct horse battery staple';
const SHOTS = new URL('../artifacts/console-screenshots/', import.meta.url).pathname;

/** Keeps the session cookie, never follows redirects, sends forms. */
class Session {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string) {}
  async req(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [k, ...v] = (c.split(';')[0] as string).split('=');
      if (v.join('=') === '') this.cookies.delete(k as string);
      else this.cookies.set(k as string, v.join('='));
    }
    const body = Buffer.from(await res.arrayBuffer());
    const text = body.toString('utf8');
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1] as string;
    return { status: res.status, headers: res.headers, text, body };
  }
  get = (path: string) => this.req('GET', path);
  post = (path: string, form: Record<string, string>) => this.req('POST', path, { _csrf: this.csrf, ...form });
}

describe('console incident tools', () => {
  let k: KuzetHandle;
  const prefix = uniqueName('kzconsoletools');
  const dir = tempDir();
  let o: Session;
  let searchId = '';
  let homeId = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const config = parseConfig(
      JSON.stringify({
        redis: { prefix },
        storage: { dataDir: 'memory://' },
        systems: {
          portal: {
            name: 'Портал',
            kind: 'portal',
            policy: 'portal-692',
            modules: ['search', 'homepage'],
            moduleNames: { search: { kk: 'Хабарландыруларды іздеу', ru: 'Поиск объявлений' } },
          },
        },
      }),
      PROBES,
      {},
    );
    k = await startKuzet({
      config,
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      workers: false,
      env: {},
      artifactsDir: join(dir.path, 'a'),
    });
    await createUser(k.db, { username: 'oleg', role: 'operator', password: PASSWORD }, { id: 'test' });
    const appeal = async (module: string, description: string) => {
      const r = await fetch(`${k.url}/api/v1/appeals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          organisation: 'ТОО Ромашка',
          binIin: '850101300005',
          email: 'buyer@romashka.kz',
          phone: '+7 701 123 45 67',
          description,
          detectedAt: formatAstana(Date.now() - 30 * 60_000),
          system: 'portal',
          module,
        }),
      });
      assert.equal(r.status, 201);
      return ((await r.json()) as { incidentId: string }).incidentId;
    };
    searchId = await appeal('search', 'поиск не работает');
    homeId = await appeal('homepage', 'главная не открывается');
    o = new Session(k.url);
    await o.get('/console/login');
    assert.equal((await o.post('/console/login', { username: 'oleg', password: PASSWORD })).status, 303);
    await o.get(`/console/incidents/${searchId}?lang=ru`);
    assert.equal((await o.post(`/console/incidents/${searchId}/transition`, { to: 'analysing' })).status, 303);
    const confirmed = await o.post(`/console/incidents/${searchId}/transition`, {
      to: 'confirmed',
      level: 'medium',
      levelReason: 'поиск недоступен',
      kind: 'third-party-conditions',
      plannedFixAt: formatAstana(Date.now() + 3_600_000).slice(0, 16),
    });
    assert.equal(confirmed.status, 303, confirmed.text.slice(0, 500));
  });

  after(async () => {
    await k?.close();
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  const resolveForm = (over: Record<string, string> = {}) => ({
    to: 'resolved',
    actualFixAt: formatAstana(Date.now() - 60_000).slice(0, 16),
    causeKk: 'дерекқор дискісі толып қалды',
    causeRu: 'переполнен диск базы данных',
    measuresKk: 'диск тазартылды, ескі журналдар жойылды',
    measuresRu: 'диск очищен, старые журналы удалены',
    ...over,
  });

  it('takes the cause and measures in both languages: one missing is refused in the form; the preview shows the public notice and stores nothing', async () => {
    await o.get(`/console/incidents/${searchId}?lang=ru`);
    const oneLanguage = await o.post(`/console/incidents/${searchId}/transition`, resolveForm({ causeKk: '' }));
    assert.equal(oneLanguage.status, 400);
    assert.match(oneLanguage.text, /data-field-error="causeKk">обязательное поле/);
    assert.match(oneLanguage.text, /переполнен диск базы данных<\/textarea>/, 'the input is kept');
    const preview = await o.post(`/console/incidents/${searchId}/transition`, resolveForm({ op: 'preview' }));
    assert.equal(preview.status, 200);
    const kk = /data-preview-kk>([^<]*)</.exec(preview.text)?.[1] ?? '';
    const ru = /data-preview-ru>([^<]*)</.exec(preview.text)?.[1] ?? '';
    assert.match(kk, /дерекқор дискісі толып қалды/);
    assert.match(kk, /Қабылданған шаралар: диск тазартылды/);
    assert.doesNotMatch(kk, /переполнен/);
    assert.match(ru, /переполнен диск базы данных/);
    assert.match(ru, /Принятые меры: диск очищен/);
    const row = await k.db.query<{ state: string; cause: string | null }>('SELECT state, cause FROM incidents WHERE id = $1', [searchId]);
    assert.deepEqual(row[0], { state: 'confirmed', cause: null }, 'a preview stores nothing');
    const done = await o.post(`/console/incidents/${searchId}/transition`, resolveForm());
    assert.equal(done.status, 303, done.text.slice(0, 500));
    const stored = await k.db.query('SELECT cause, cause_kk, measures, measures_kk FROM incidents WHERE id = $1', [searchId]);
    assert.deepEqual(stored[0], {
      cause: 'переполнен диск базы данных',
      cause_kk: 'дерекқор дискісі толып қалды',
      measures: 'диск очищен, старые журналы удалены',
      measures_kk: 'диск тазартылды, ескі журналдар жойылды',
    });
    const kkPage = (await o.get(`/console/incidents/${searchId}?lang=kk`)).text;
    assert.match(kkPage, /data-cause>дерекқор дискісі толып қалды</);
  });

  it('finds incidents by number, by the module’s name in either language and by the cause text; wildcards and odd input are plain text', async () => {
    const found = async (q: string) => {
      const r = await o.get(`/console/incidents?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      return [...r.text.matchAll(/<tr data-incident="([^"]+)">/g)].map((m) => m[1]);
    };
    assert.deepEqual(await found(searchId), [searchId]);
    assert.deepEqual(await found(homeId.toLowerCase()), [homeId]);
    assert.deepEqual(await found('іздеу'), [searchId], 'the Kazakh module name');
    assert.deepEqual(await found('Поиск объявлений'), [searchId], 'the Russian module name, every word');
    assert.deepEqual(await found('ДИСК переполнен'), [searchId], 'the Russian cause, any case');
    assert.deepEqual(await found('толып'), [searchId], 'the Kazakh cause');
    assert.deepEqual((await found('homepage')).sort(), [homeId]);
    assert.deepEqual((await found('')).sort(), [homeId, searchId].sort(), 'no text: every incident');
    for (const q of ['%', '_', '\\', "' OR 1=1 --", '__proto__', 'constructor']) assert.deepEqual(await found(q), [], q);
    const nul = await o.get('/console/incidents?q=a%00b');
    assert.equal(nul.status, 400, 'a NUL is refused (by the HTTP layer, before any query)');
    assert.match(nul.text, /NUL/);
    assert.equal((await o.get('/console/incidents?q=a&q=b')).status, 400, 'one search text');
  });

  it('exports the timeline as CSV and PDF, in the page’s language, as the page shows it', async () => {
    const csv = await o.get(`/console/incidents/${searchId}/timeline.csv?lang=ru`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', new RegExp(`${searchId}-timeline-ru\\.csv`));
    assert.equal(csv.text.charCodeAt(0), 0xfeff, 'a BOM for spreadsheets');
    const rows = parseCsv(csv.text.slice(1)).filter((r) => r.length > 1);
    assert.deepEqual(rows[0], ['Когда', 'Кто', 'IP-адрес', 'Действие', 'Подробности', 'Код действия']);
    const byAction = new Map(rows.slice(1).map((r) => [r[5], r]));
    assert.deepEqual(
      [...byAction.keys()].filter((a) => a?.startsWith('transition.')),
      ['transition.analysing', 'transition.confirmed', 'transition.resolved'],
    );
    const resolved = byAction.get('transition.resolved') as string[];
    assert.equal(resolved[1], 'oleg');
    assert.equal(resolved[3], 'Сбой устранён');
    assert.match(resolved[0] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00$/, 'Astana time');
    assert.match(resolved[4] as string, /Причины \(рус\.\): переполнен диск базы данных/);
    assert.match(resolved[4] as string, /Причины \(каз\.\): дерекқор дискісі толып қалды/);
    assert.equal(byAction.get('registered')?.[1], 'пользователь (обращение)');

    const pdf = await o.get(`/console/incidents/${searchId}/timeline.pdf?lang=kk`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const file = join(dir.path, 'timeline.pdf');
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
    for (const words of [searchId, 'Хронология', 'Іркіліс жойылды', 'Іркіліс расталды', 'дерекқор дискісі толып қалды', 'oleg'])
      assert.ok(text.includes(words), words);
    // A page as an image, to look at (artifacts/console-screenshots/timeline-pdf-1.png).
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(SHOTS, 'timeline-pdf')]);
  });
});
