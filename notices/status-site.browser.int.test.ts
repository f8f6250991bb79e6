/**
 * The real Chromium renders /status and the embedded widget; `<script>`, `onerror=` and `onload=`
 * payloads placed in an incident description and a system name are shown as text and never run.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createApi } from '../api/server.ts';
import { Metrics } from '../collector/metrics.ts';
import { StatusBoard } from '../collector/status.ts';
import { parseConfig } from '../core/config.ts';
import { migrate, openDb, type Db } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { PROBES } from '../probes/index.ts';
import { NoticeRuntime } from './runtime.ts';

const PAYLOAD = `<script>window.__pwned='script'</script><img src=x onerror="window.__pwned='onerror'">"><svg onload="window.__pwned='onload'">`;
let browser: Browser;
let db: Db;
let rt: NoticeRuntime;
let api: Server;
let portal: Server;
let base = '';
let portalUrl = '';

const listen = (s: Server) =>
  new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

before(async () => {
  const cfg = parseConfig(
    JSON.stringify({ systems: { portal: { name: `Портал ${PAYLOAD}`, kind: 'portal', policy: 'portal-692', modules: ['search'] } } }),
    PROBES,
    {},
  );
  db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  const status = new StatusBoard();
  rt = new NoticeRuntime({
    db: () => db,
    config: () => cfg,
    log: silentLogger,
    board: () => status.snapshot(cfg, new Date()),
    publicUrl: () => base,
  });
  const { notice } = await rt.service.upsert(
    {
      kind: 'incident',
      id: 'INC-XSS-1',
      system: 'portal',
      modules: ['search'],
      policy: 'portal-692',
      level: 'high',
      phase: 'opened',
      description: { ru: `Сбой ${PAYLOAD}`, kk: `Іркіліс ${PAYLOAD}` },
      affected: [{ announcement: PAYLOAD }],
    },
    { id: 'test:operator' },
  );
  await rt.service.publish(notice.id, { id: 'test:operator' });
  await rt.start();
  api = createApi({
    config: () => cfg,
    db: () => db,
    metrics: new Metrics(),
    status,
    readiness: async () => [],
    log: silentLogger,
    notices: { db: () => db, notices: () => rt },
  }).listen();
  await new Promise<void>((r) => api.once('listening', () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  await rt.site.refresh();
  // The portal's homepage, on another origin, embedding the widget.
  portal = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><html><body><h1>Портал</h1><div id="kuzet"><script src="${base}/status/widget.js" data-lang="ru"></script></div></body></html>`,
    );
  });
  portalUrl = await listen(portal);
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
  await rt?.close();
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  await new Promise<void>((r) => (portal ? portal.close(() => r()) : r()));
  await db?.close();
});

test('/status renders the payloads as text in both languages and runs none of them', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  try {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    for (const lang of ['kk', 'ru']) {
      const res = await page.goto(`${base}/status?lang=${lang}`, { waitUntil: 'load', timeout: 60_000 });
      assert.equal(res?.status(), 200);
      const text = await page.locator('[data-notice]').first().innerText({ timeout: 30_000 });
      assert.ok(text.includes(PAYLOAD), `the payload is shown as text: ${text.slice(0, 300)}`);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null), null);
      assert.equal(await page.locator('script').count(), 0);
      assert.equal(await page.locator('main img, main svg').count(), 0);
      // The hashed stylesheet applies under the CSP.
      assert.equal(
        await page
          .locator('.notice.active')
          .first()
          .evaluate((el) => getComputedStyle(el).borderLeftStyle),
        'solid',
      );
    }
    assert.deepEqual(dialogs, []);
  } finally {
    await page.close();
  }
});

test('the widget embedded in the portal homepage shows the active notice and runs no payload', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(portalUrl, { waitUntil: 'load', timeout: 60_000 });
    const frame = page.frameLocator('#kuzet iframe');
    const link = frame.locator('.notice a').first();
    const title = await link.innerText({ timeout: 30_000 });
    assert.match(title, /Технический сбой/);
    assert.ok(title.includes(PAYLOAD));
    assert.equal(await frame.locator('script, img, svg').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null), null);
    const frames = page.frames();
    for (const f of frames)
      assert.equal(await f.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null).catch(() => null), null);
  } finally {
    await page.close();
  }
});
