/**
 * The console in the real Chromium on a full `kuzet demo`: an operator signs in, takes an incident
 * registered from an appeal (whose description carries a stored XSS payload, shown as text and never
 * run) through analysing to confirmed as high with a planned fix time while the SLA clocks count
 * down, edits and publishes the notice side by side in Kazakh and Russian, sees it on /status, and
 * resolves it while a second tab follows over server-sent events without a reload. A viewer gets 403
 * on admin pages, a form without its CSRF token gets 403, and no page violates the CSP. Screenshots of
 * the main pages go to artifacts/console-screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { silentLogger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { dropRedisPrefix, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { startDemo, type DemoHandle } from '../demo/run.ts';
import { createUser } from './users.repo.ts';

const PAYLOAD = `<script>window.__pwned='script'</script><img src=x onerror="window.__pwned='onerror'">"><svg onload="window.__pwned='onload'">`;
const PASSWORD = 'a long enough console password';
const SHOTS = new URL('../artifacts/console-screenshots/', import.meta.url).pathname;

let demo: DemoHandle;
let browser: Browser;
const dir = tempDir();
const prefix = uniqueName('kzconsolebr');
const cspViolations: string[] = [];
const dialogs: string[] = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
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
  for (const [username, role] of [
    ['olga', 'operator'],
    ['viktor', 'viewer'],
    ['adil', 'admin'],
  ] as const)
    await createUser(demo.kuzet.db, { username, role, password: PASSWORD }, { id: 'test' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
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

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.setDefaultTimeout(15_000);
  return page;
}

async function signIn(ctx: BrowserContext, username: string): Promise<Page> {
  const page = watch(await ctx.newPage());
  await page.goto(`${demo.kuzet.url}/console/incidents`);
  assert.match(page.url(), /\/console\/login\?next=%2Fconsole%2Fincidents$/);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/console\/incidents$/), page.click('button[type=submit]')]);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

test('an operator runs an incident from the console in Chromium', { timeout: 240_000 }, async () => {
  const base = demo.kuzet.url;
  const detectedAt = formatAstana(Date.now() - 5 * 60_000);
  const appeal = await fetch(`${base}/api/v1/appeals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organisation: `ТОО ${PAYLOAD}`,
      binIin: '850101300005',
      email: 'buyer@romashka.kz',
      phone: '+7 701 123 45 67',
      description: `Поиск не работает ${PAYLOAD}`,
      detectedAt,
      system: 'portal',
      module: 'search',
    }),
  });
  assert.equal(appeal.status, 201);
  const { incidentId } = (await appeal.json()) as { incidentId: string };

  // A procurement whose acceptance ends inside the failure window: confirming as high extends it (EX-H-ACCEPT).
  const proc = await fetch(`${base}/api/v1/procurements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.operatorToken}` },
    body: JSON.stringify([
      {
        announcement: '15555555-1',
        lot: '1',
        method: 'competition',
        system: 'portal',
        module: 'search',
        deadlines: { acceptanceEnd: formatAstana(Date.now() + 3_600_000) },
      },
    ]),
  });
  assert.equal(proc.status, 200, await proc.clone().text());

  // Sign-in page, in Kazakh by default and in Russian on request.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const login = watch(await ctx.newPage());
  await login.goto(`${base}/console`);
  assert.match(await login.locator('h1').innerText(), /Кіру/);
  await login.goto(`${base}/console/login?lang=ru`);
  assert.match(await login.locator('h1').innerText(), /Вход/);
  await shot(login, '01-login');
  await login.close();

  const page = await signIn(ctx, 'olga');
  await shot(page, '03-incidents');
  await page.goto(`${base}/console`);
  await page.locator('[data-check]').first().waitFor();
  await shot(page, '02-board');

  // The incident page: the appeal's payload is text, and nothing ran.
  await page.click(`a[href="/console/incidents/${incidentId}"]`);
  const description = await page.locator('[data-appeal-description]').innerText();
  assert.ok(description.includes(PAYLOAD), description);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null), null);
  assert.equal(await page.locator('main img[src="x"], main svg').count(), 0, 'no element was injected');

  await Promise.all([page.waitForURL(/done=transitioned/), page.click('[data-transition=analysing] button[type=submit]')]);
  assert.equal(await page.locator('[data-state]').getAttribute('data-state'), 'analysing');

  // The confirm form preselects the proposed level (issue #21 item 5).
  const form = page.locator('[data-transition=confirmed]');
  const proposed = (await page.locator('[data-proposed-level]').getAttribute('data-proposed-level')) ?? '';
  assert.ok(proposed, 'the appeal has a proposed level');
  assert.equal(await form.locator('select[name=level]').inputValue(), proposed, 'the proposed level is preselected');
  // A planned fix before the failure start is refused in the form, in the page's language, keeping what was typed.
  const early = formatAstana(Date.parse(detectedAt) - 3_600_000).slice(0, 16);
  await form.locator('select[name=level]').selectOption('high');
  await form.locator('input[name=levelReason]').fill('поиск недоступен всем пользователям');
  await form.locator('select[name=kind]').selectOption('third-party-conditions');
  await form.locator('input[name=plannedFixAt]').fill(early);
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.equal(await page.locator('[data-error]').count(), 0, 'not an error page');
  assert.equal(await page.locator('[data-state]').getAttribute('data-state'), 'analysing');
  const refusedForm = page.locator('[data-transition=confirmed]');
  const before = (await page.getAttribute('html', 'lang')) === 'ru' ? /раньше начала сбоя/ : /іркілістің басталуынан ерте/;
  assert.match(await refusedForm.locator('[data-field-error=plannedFixAt]').innerText(), before);
  assert.equal(await refusedForm.locator('input[name=plannedFixAt]').inputValue(), early);
  assert.equal(await refusedForm.locator('input[name=levelReason]').inputValue(), 'поиск недоступен всем пользователям');
  assert.equal(await refusedForm.locator('select[name=level]').inputValue(), 'high');
  await shot(page, '04a-refused-form');

  // Confirm as high with a planned fix in two hours (Astana wall clock in the datetime-local field).
  const planned = formatAstana(Date.now() + 2 * 3_600_000).slice(0, 16);
  await form.locator('select[name=level]').selectOption('high');
  await form.locator('input[name=levelReason]').fill('поиск недоступен всем пользователям');
  await form.locator('select[name=kind]').selectOption('third-party-conditions');
  await form.locator('input[name=plannedFixAt]').fill(planned);
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.equal(await page.locator('[data-error]').count(), 0, await page.locator('main').innerText());
  assert.equal(await page.locator('[data-state]').getAttribute('data-state'), 'confirmed');
  assert.equal(await page.locator('[data-planned-fix]').innerText(), `${planned}:00+05:00`);
  const ext = await page.locator('#incident-extensions').innerText();
  assert.match(ext, /15555555-1 1\s+acceptanceEnd/);
  assert.match(ext, /EX-H-ACCEPT/);
  // The SLA clocks count down in the page, without a reload.
  const countdown = page.locator('[data-clock] .countdown').first();
  const t1 = await countdown.innerText();
  assert.match(t1, /\d\d:\d\d:\d\d/);
  await page.waitForFunction((before) => document.querySelector('[data-clock] .countdown')?.textContent !== before, t1, { timeout: 5000 });
  await shot(page, '04-incident');

  // The notice: edit both languages, preview side by side, publish.
  await page.click(`a[href="/console/notices/edit?incident=${incidentId}"]`);
  await page.fill('#n-kk', 'Іздеу модулінде техникалық іркіліс. Жұмыс жүргізілуде.');
  await page.fill('#n-ru', 'Технический сбой модуля поиска. Ведутся работы по устранению.');
  await page.click('button[value=preview]');
  await page.locator('[data-preview-ru]').waitFor();
  assert.match(await page.locator('[data-preview-ru]').innerText(), /Технический сбой модуля поиска/);
  assert.match(await page.locator('[data-preview-kk]').innerText(), /Іздеу модулінде/);
  await shot(page, '05-notice-editor');
  await Promise.all([page.waitForURL(/done=published/), page.click('button[value=publish]')]);
  assert.match(await page.locator('main').innerText(), /1/);

  // Public /status shows it.
  const status = watch(await ctx.newPage());
  await waitFor(
    async () => {
      await status.goto(`${base}/status?lang=ru`);
      return (
        (await status.locator('[data-notice]').count()) > 0 &&
        (await status.locator('main, body').first().innerText()).includes('Технический сбой модуля поиска')
      );
    },
    { what: 'the notice on /status', timeoutMs: 15_000, intervalMs: 500 },
  );
  await status.close();

  // A second tab follows the incident live; resolving it in the first changes the second without a reload.
  const follower = watch(await ctx.newPage());
  // The page's script opens the event stream on its own time (slow on a loaded machine): wait for the
  // stream's answer, then give the feed (one tick a second) time to take its first fingerprint.
  const streamOpen = follower.waitForResponse((r) => new URL(r.url()).pathname === '/console/events', { timeout: 30_000 });
  await follower.goto(`${base}/console/incidents/${incidentId}`);
  await follower.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  assert.equal((await streamOpen).status(), 200);
  await follower.waitForTimeout(1500); // the feed's first fingerprint is its baseline
  await page.goto(`${base}/console/incidents/${incidentId}`);
  const resolve = page.locator('[data-transition=resolved]');
  // The actual fix time is prefilled with now (Astana), to the minute.
  const prefilled = await resolve.locator('input[name=actualFixAt]').inputValue();
  assert.ok(Math.abs(Date.parse(`${prefilled}:00+05:00`) - Date.now()) < 5 * 60_000, prefilled);
  await resolve.locator('textarea[name=causeKk]').fill('теңгергіштің істен шығуы');
  await resolve.locator('textarea[name=causeRu]').fill('отказ балансировщика');
  await resolve.locator('textarea[name=measuresKk]').fill('теңгергіш қайта іске қосылды');
  await resolve.locator('textarea[name=measuresRu]').fill('балансировщик перезапущен');
  // The public notice as it will read, before anything is published (issue #21 item 6).
  await Promise.all([page.waitForNavigation(), resolve.locator('button[value=preview]').click()]);
  const preview = page.locator('[data-resolved-preview]');
  assert.match(await preview.locator('[data-preview-kk]').innerText(), /теңгергіштің істен шығуы[\s\S]*теңгергіш қайта іске қосылды/);
  assert.match(await preview.locator('[data-preview-ru]').innerText(), /отказ балансировщика[\s\S]*балансировщик перезапущен/);
  assert.equal(await page.locator('[data-state]').getAttribute('data-state'), 'confirmed', 'a preview changes nothing');
  await shot(page, '06a-resolve-preview');
  await Promise.all([
    page.waitForURL(/done=transitioned/),
    page.locator('[data-transition=resolved] button[type=submit]:not([value=preview])').click(),
  ]);
  assert.equal(await page.locator('[data-state]').getAttribute('data-state'), 'resolved');
  await follower.waitForFunction(() => document.querySelector('[data-state]')?.getAttribute('data-state') === 'resolved', undefined, {
    timeout: 10_000,
  });
  assert.equal(
    await follower.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    true,
    'updated in place, not reloaded',
  );

  // Maintenance: the lead-time verdict per audience, then planning.
  await page.goto(`${base}/console/maintenance`);
  await page.fill('#m-start', formatAstana(Date.now() + 30 * 86_400_000).slice(0, 16));
  await page.fill('#m-end', formatAstana(Date.now() + 30 * 86_400_000 + 3_600_000).slice(0, 16));
  await page.fill('#m-ru', 'Обновление СУБД');
  await page.fill('#m-resp', 'Иванов И.И.');
  await page.click('button[value=verdict]');
  await page.locator('[data-verdicts]').waitFor();
  assert.equal(await page.locator('[data-audience=portal-users]').count(), 1);
  await shot(page, '06-maintenance');
  await Promise.all([page.waitForNavigation(), page.click('button[value=plan]')]);
  assert.equal(await page.locator('[data-error]').count(), 0, await page.locator('main').innerText());
  assert.match(await page.locator('[role=status]').innerText(), /MW-\d{8}-[0-9a-f]{6}/);
  assert.equal(await page.locator('#windows tbody tr').count(), 1);

  // A form whose CSRF token was removed is refused, and nothing happens.
  await page.evaluate(() => document.querySelectorAll('input[name=_csrf]').forEach((e) => e.remove()));
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/logout') && r.request().method() === 'POST'),
    page.click('form[action="/console/logout"] button'),
  ]);
  assert.equal(refused.status(), 403);
  assert.match(await page.locator('[data-error]').innerText(), /CSRF/);
  assert.equal((await page.goto(`${base}/console`))?.status(), 200, 'still signed in');

  // Incidents list filters.
  await page.goto(`${base}/console/incidents?state=resolved`);
  assert.equal(await page.locator(`[data-incident="${incidentId}"]`).count(), 1);
  await page.goto(`${base}/console/incidents?state=registered`);
  assert.equal(await page.locator(`[data-incident="${incidentId}"]`).count(), 0);
  const today = detectedAt.slice(0, 10); // the failure's Astana day
  await page.goto(`${base}/console/incidents?level=high&from=${today}&to=${today}`);
  assert.equal(await page.locator(`[data-incident="${incidentId}"]`).count(), 1);
  await page.goto(`${base}/console/incidents?from=2020-01-01&to=2020-12-31`);
  assert.equal(await page.locator(`[data-incident="${incidentId}"]`).count(), 0);
  const badDay = await page.goto(`${base}/console/incidents?from=yesterday`);
  assert.equal(badDay?.status(), 400);
  assert.match(await page.locator('[data-error]').innerText(), /from: not a date YYYY-MM-DD/);

  // The ETP registry with streaks, and a decision recorded from its form (audited as the operator).
  await page.goto(`${base}/console/etps`);
  assert.deepEqual((await page.locator('[data-etp]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-etp')))).sort(), [
    'etp-alpha',
    'etp-beta',
  ]);
  // The demo replays 8 failure days of etp-alpha's orders service: its streak and the threshold's decision date show.
  const alpha = await page.locator('[data-etp=etp-alpha]').innerText();
  assert.match(alpha, /макс\. 8/, alpha);
  assert.match(alpha, /\d{4}-\d{2}-\d{2}/, 'threshold date and decision due date');
  const decision = page.locator('[data-etp-card=etp-alpha] form[data-decision-form]');
  await decision.locator('select[name=decision]').selectOption('keep');
  await decision.locator('input[name=reason]').fill('перебои устранены владельцем');
  await Promise.all([page.waitForURL(/done=saved/), decision.locator('button[type=submit]').click()]);
  assert.match(await page.locator('[data-etp-card=etp-alpha]').innerText(), /перебои устранены владельцем/);

  for (const [path, name] of [
    ['/console/etps', '07-etps'],
    ['/console/journal', '08-journal'],
    ['/console/notices', '09-notices'],
  ] as const) {
    await page.goto(`${base}${path}`);
    await shot(page, name);
  }
  await ctx.close();

  // Admin pages for an admin; 403 for a viewer, who also sees no transition forms.
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const a = await signIn(admin, 'adil');
  for (const [path, name] of [
    ['/console/users', '10-users'],
    ['/console/tokens', '11-tokens'],
    ['/console/audit', '12-audit'],
  ] as const) {
    const r = await a.goto(`${base}${path}`);
    assert.equal(r?.status(), 200, path);
    await shot(a, name);
  }
  assert.match(await a.locator('[data-audit]').innerText(), /user:olga/);
  await admin.close();

  const viewer = await browser.newContext();
  const v = await signIn(viewer, 'viktor');
  const denied = await v.goto(`${base}/console/users`);
  assert.equal(denied?.status(), 403);
  assert.match(await v.locator('[data-error]').innerText(), /viewer role may not do this; admin is required/);
  await v.goto(`${base}/console/incidents/${incidentId}`);
  assert.equal(await v.locator('[data-transition]').count(), 0);
  await viewer.close();

  assert.deepEqual(cspViolations, []);
  assert.deepEqual(dialogs, []);
});
