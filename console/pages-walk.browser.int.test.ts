/**
 * Every public and console page, signed in as an admin, in Kazakh and in Russian, in the real
 * Chromium on a full `kuzet demo` with data (an open and a resolved incident, a published notice, a
 * maintenance window, users, tokens, ETPs, the journal, the audit log) — issue #21 item 5:
 * - axe-core (WCAG 2.0/2.1 A and AA rules) finds no violation;
 * - no English is left in the page: every word of its text (and of its placeholders, titles, labels
 *   and buttons) is Kazakh or Russian, an id (it has a digit, `@`, `/`, `:` or `_`, or is an
 *   all-capitals code such as SLA or CL-P-LOW), a config id or user name of the test bed, or one of
 *   a few proper nouns; raw machine evidence and user-entered text are marked `translate="no"` and
 *   not read (they are shown as they came), and so is text marked `lang="en"` (today only the rules
 *   engine's extension notes on the incident page, which have no Kazakh or Russian words yet);
 * - no catalogue key shows instead of its words (a key of console/i18n.ts rendered as text).
 * Which pages: every GET route the router serves under /console and /status (KuzetHandle.routes()),
 * each either visited or named below with why it is not an HTML page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { startDemo, type DemoHandle } from '../demo/run.ts';
import { FIELD_WORDS, LABELS, TERMS, TIMELINE_ACTIONS } from './i18n.ts';
import { createUser } from './users.repo.ts';

const PASSWORD = 'a long enough console password';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = new URL('../artifacts/console-screenshots/', import.meta.url).pathname;

/** GET routes that are not pages, and why. */
const NOT_PAGES: Record<string, string> = {
  '/console/static/:name': 'the console’s script and stylesheet',
  '/console/events': 'the live feed (server-sent events)',
  '/console/audit.csv': 'a CSV download',
  '/console/incidents/:id/screenshots/:n': 'a PNG',
  '/console/incidents/:id/timeline.:format': 'a CSV or PDF download (console/incident-tools.int.test.ts)',
  '/console/login/oidc': 'a redirect to the SSO provider',
  '/console/login/oidc/callback': 'the SSO provider’s answer',
  '/status.json': 'JSON',
  '/status.rss': 'a feed',
  '/status.atom': 'a feed',
  '/status/widget.js': 'a script',
  '/status/subscribe/confirm': 'answers a token from an e-mail (a one-line bilingual page)',
  '/status/unsubscribe': 'answers a token from an e-mail (a one-line bilingual page)',
};

/** Latin words a page may show on purpose: the deadlines page names the CLI command `kuzet deadlines` in its note. */
const KNOWN_LEFTOVERS: Record<string, readonly string[]> = { '/console/deadlines': ['deadlines'] };

/** Proper nouns and codes kept as they are in both languages. */
const PROPER = new Set(['kuzet', 'e-mail', 'kk', 'ru', 'rss', 'atom', 'json', 'csv', 'pdf', 'xlsx', 'docx', 'html', 'sso', 'api', 'ip']);

let demo: DemoHandle;
let browser: Browser;
const dir = tempDir();
const prefix = uniqueName('kzwalk');
let openId = '';
let resolvedId = '';

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(`${demo.kuzet.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.operatorToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function appeal(module: string, description: string): Promise<string> {
  const r = await fetch(`${demo.kuzet.url}/api/v1/appeals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organisation: 'ТОО Ромашка',
      binIin: '850101300005',
      email: 'buyer@romashka.kz',
      phone: '+7 701 123 45 67',
      description,
      detectedAt: formatAstana(Date.now() - 20 * 60_000),
      system: 'portal',
      module,
    }),
  });
  assert.equal(r.status, 201);
  return ((await r.json()) as { incidentId: string }).incidentId;
}

before(async () => {
  demo = await startDemo({
    port: 0,
    portalPort: 0,
    dataDir: join(dir.path, 'data'),
    artifactsDir: join(dir.path, 'artifacts'),
    redisPrefix: prefix,
    log: silentLogger,
    env: {},
  });
  await demo.kuzet.redisReady;
  await createUser(demo.kuzet.db, { username: 'adil', role: 'admin', password: PASSWORD }, { id: 'test' });
  const modules = demo.config.systems.portal?.modules ?? [];
  resolvedId = await appeal(modules[0] as string, 'поиск не работает');
  openId = await appeal(modules[1] as string, 'главная не открывается');
  const planned = formatAstana(Date.now() + 3_600_000);
  for (const id of [resolvedId, openId]) {
    await api('POST', `/api/v1/incidents/${id}/transition`, { to: 'analysing' });
    await api('POST', `/api/v1/incidents/${id}/transition`, {
      to: 'confirmed',
      level: 'high',
      levelReason: 'недоступно всем пользователям',
      kind: 'third-party-conditions',
      plannedFixAt: planned,
    });
  }
  await api('POST', `/api/v1/incidents/${resolvedId}/transition`, {
    to: 'resolved',
    actualFixAt: formatAstana(Date.now() - 60_000),
    cause: { kk: 'дерекқор дискісі толып қалды', ru: 'переполнен диск базы данных' },
    measures: { kk: 'диск тазартылды', ru: 'диск очищен' },
  });
  await api('POST', '/api/v1/maintenance', {
    system: 'portal',
    startsAt: formatAstana(Date.now() + 30 * 86_400_000),
    endsAt: formatAstana(Date.now() + 30 * 86_400_000 + 3_600_000),
    description: { kk: 'ДҚБЖ жаңарту', ru: 'Обновление СУБД' },
    responsible: [{ name: 'Иванов И.И.' }],
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    timeout: 60_000,
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
  await dropRedisPrefix(prefix);
  dir.remove();
});

/** The concrete URLs of the page routes, every GET route accounted for. */
function pageUrls(): string[] {
  const urls: Record<string, string[]> = {
    '/console': ['/console'],
    '/console/incidents': ['/console/incidents', '/console/incidents?q=%D0%B4%D0%B8%D1%81%D0%BA'],
    '/console/incidents/:id': [`/console/incidents/${openId}`, `/console/incidents/${resolvedId}`],
    '/console/notices/edit': [`/console/notices/edit?incident=${openId}`],
    '/status': ['/status'],
    '/status/widget': ['/status/widget'],
  };
  const routes = demo.kuzet
    .routes()
    .filter((r) => r.method === 'GET' && (r.path === '/console' || r.path.startsWith('/console/') || r.path.startsWith('/status')));
  const out: string[] = [];
  for (const r of routes) {
    if (r.path in NOT_PAGES) continue;
    const concrete = urls[r.path] ?? (r.path.includes(':') ? undefined : [r.path]);
    assert.ok(concrete, `the walk does not know how to visit ${r.path}: add it to the walk or to NOT_PAGES with why`);
    out.push(...concrete);
  }
  return [...new Set(out)];
}

/** Words that may stand in Latin letters: proper nouns, and the test bed's config ids and user names. */
function allowedWords(): Set<string> {
  const cfg = demo.config as unknown as Record<string, unknown>;
  const ids = new Set<string>(PROPER);
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string' && /^(id|name|module|target|check|region|kind|type|policy)$/.test(key))
      for (const w of v.split(/[^\p{L}\d-]+/u)) ids.add(w.toLowerCase());
    if (Array.isArray(v)) for (const x of v) walk(x, key === 'modules' || key === 'regions' ? 'id' : key);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        for (const w of k.split(/[^\p{L}\d-]+/u)) ids.add(w.toLowerCase()); // map keys are ids (systems, targets, checks)
        walk(x, k);
      }
  };
  walk(cfg);
  for (const u of ['adil', 'olga']) ids.add(u);
  return ids;
}

/** Every catalogue key (console/i18n.ts), which must never show instead of its words. */
const KEYS = new Set(
  [LABELS.ru, TERMS.ru, TIMELINE_ACTIONS.ru, FIELD_WORDS.ru].flatMap((t) => Object.keys(t)).filter((k) => /[A-Z.]/.test(k) && k.length > 3),
);

/** The page's words a reader sees: text nodes and the attributes read aloud or shown, skipping `translate="no"`. */
// A string, not a function: the test runner's transform would name inner functions with a helper the page does not have.
const READABLE_TEXT = `(() => {
  const out = [];
  const skip = (el) => !!(el && el.closest('[translate="no"], [lang="en"], script, style, noscript, template'));
  const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = tw.nextNode(); n; n = tw.nextNode()) if (!skip(n.parentElement)) out.push(n.textContent || '');
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  out.push(document.title);
  return out.join('\\n');
})()`;
const readableText = (page: Page) => page.evaluate(READABLE_TEXT) as Promise<string>;

/** The English words left in a text (see the file's head for what counts as a word that may stay). */
export function englishLeftovers(text: string, allowed: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const raw of text.split(/[\s,;()«»"'“”„·•→–—!?[\]{}|<>=+*]+/u)) {
    const w = raw.replace(/^[.:\-/]+|[.:\-/]+$/g, '');
    if (!/[A-Za-z]/.test(w) || /[\p{Script=Cyrillic}]/u.test(w)) continue;
    if (/[\d@/:_]/.test(w)) continue; // an id, a time, an address, a path
    if (/^[A-Z]{2,}(-[A-Z]+)*$/.test(w) && w.length <= 24) continue; // a code: SLA, CL-P-LOW, ETP-DISCONNECT-DAYS
    if (w.length < 2 || allowed.has(w.toLowerCase())) continue;
    found.add(w);
  }
  return [...found];
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${demo.kuzet.url}/console/login`);
  await page.fill('#username', 'adil');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/console$/), page.click('button[type=submit]')]);
}

test(
  'every public and console page in kk and ru: 0 axe-core WCAG 2.1 AA violations, no English left, no catalogue key shown',
  { timeout: 600_000 },
  async () => {
    const urls = pageUrls();
    const allowed = allowedWords();
    const problems: string[] = [];
    // axe-core is injected into the page; the context lets it past the pages' CSP (the pages' own CSP is tested elsewhere).
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page);
    const pages = [...urls, '/console/login'];
    for (const lang of ['kk', 'ru'] as const) {
      for (const path of pages) {
        if (path === '/console/login') {
          await page.goto(`${demo.kuzet.url}/console/logout-page-does-not-exist?lang=${lang}`);
          await ctx.clearCookies();
        }
        const url = `${demo.kuzet.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
        const res = await page.goto(url, { waitUntil: 'load' });
        const where = `${lang} ${path}`;
        if (!res || res.status() >= 400) {
          problems.push(`${where}: HTTP ${res?.status()}`);
          continue;
        }
        assert.equal(await page.getAttribute('html', 'lang'), lang, where);
        const text = await readableText(page);
        const english = englishLeftovers(text, allowed).filter((w) => !(KNOWN_LEFTOVERS[path] ?? []).includes(w));
        if (english.length) problems.push(`${where}: English left: ${english.join(', ')}`);
        const keys = [...KEYS].filter((k) => new RegExp(`(^|[^\\p{L}.])${k.replace(/\./g, '\\.')}($|[^\\p{L}])`, 'u').test(text));
        if (keys.length) problems.push(`${where}: catalogue keys shown: ${keys.join(', ')}`);
        await page.evaluate(AXE);
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
            }
          ).axe;
          const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return r.violations.map((v) => `${v.id} (${v.nodes.length}: ${JSON.stringify(v.nodes[0]?.target)})`);
        });
        if (violations.length) problems.push(`${where}: axe: ${violations.join('; ')}`);
        if (path === `/console/incidents/${resolvedId}`)
          await page.screenshot({ path: join(SHOTS, `walk-incident-${lang}.png`), fullPage: true });
      }
      await signIn(page);
    }
    await ctx.close();
    assert.deepEqual(problems, [], problems.join('\n'));
  },
);
