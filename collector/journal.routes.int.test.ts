import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { parseConfig } from '../core/config.ts';
import { createLogger } from '../core/log.ts';
import { ENTRIES } from '../incidents/journal/fixtures.test-support.ts';
import { PROBES } from '../probes/index.ts';
import { errorMiddleware } from './http-util.ts';
import { registerJournalRoutes } from './journal.routes.ts';

describe('GET /api/v1/journal', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = new Koa();
    const router = new Router();
    app.use(errorMiddleware(createLogger({ level: 'silent' })));
    registerJournalRoutes(router, { loadEntries: async () => ENTRIES, config: () => parseConfig('{}', PROBES), db: () => undefined });
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('answers each format with its content type and file name', async () => {
    const res = await fetch(`${base}/api/v1/journal?from=2026-01-01&to=2026-12-31&format=xlsx&lang=kk`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="journal_2026-01-01_2026-12-31_kk.xlsx"');
    const html = await fetch(`${base}/api/v1/journal?from=2026-03-01&to=2026-03-31&format=html`);
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(((await html.text()).match(/<td>/g) ?? []).length, 16);
  });

  it('refuses bad input naming the field', async () => {
    for (const [q, field] of [
      ['from=2026-02-01&to=2026-01-01', 'from'],
      ['format=odt', 'format'],
      ['lang=en', 'lang'],
    ] as const) {
      const res = await fetch(`${base}/api/v1/journal?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(((await res.json()) as { error: { field: string } }).error.field, field);
    }
  });
});
