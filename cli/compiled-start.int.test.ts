/**
 * `kuzet start` from the compiled code alone: a tree laid out like the Docker image's runtime stage
 * (package.json, bin/, dist/ — no TypeScript sources) starts on the embedded defaults (PGlite in a
 * temporary directory, a fresh Redis prefix, port 0) and serves its API and the pages whose templates,
 * views and static files are copied beside the compiled modules. Builds dist/ once unless this
 * checkout's is fresh (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropRedisPrefix, tempDir, uniqueName } from '../test/support.ts';
import { compiledTree, REPO, type CompiledTree } from './compiled.test-support.ts';

/** Resolves with the URL of the "listening on" log line, or rejects with what the process printed. */
function listening(p: ChildProcess, timeoutMs: number): Promise<{ url: string; line: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const seen = (d: Buffer) => {
      out += d.toString();
      const m = /kuzet listening on (http:\/\/[^\s]+)[^\n]*/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, line: m[0] });
      }
    };
    p.stdout?.on('data', seen);
    p.stderr?.on('data', seen);
    p.on('exit', (code) => reject(new Error(`kuzet start exited ${code}:\n${out}`)));
  });
}

describe('kuzet start from dist/', { timeout: 600_000 }, () => {
  let tree: CompiledTree;
  const dir = tempDir();
  const prefix = uniqueName('kuzet_dist');
  let kuzet: ChildProcess | undefined;

  before(() => {
    tree = compiledTree();
  });
  after(async () => {
    if (kuzet && kuzet.exitCode === null) {
      const exited = new Promise((r) => kuzet?.once('exit', r));
      kuzet.kill('SIGTERM');
      await exited;
    }
    tree?.remove();
    dir.remove();
    await dropRedisPrefix(prefix);
  });

  it('serves /healthz, the status API, the status page and the console from the compiled code', async () => {
    const config = join(dir.path, 'kuzet.yaml');
    writeFileSync(config, `storage: { dataDir: "${join(dir.path, 'data')}" }\nredis: { prefix: ${prefix} }\n`);
    const env = { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', REDIS_URL: '', PORT: '' };
    kuzet = spawn(process.execPath, [tree.bin, 'start', '--config', config, '--port', '0'], { cwd: dir.path, env, stdio: 'pipe' });
    const { url, line } = await listening(kuzet, 240_000);
    assert.match(line, /code: compiled dist\//, `dist/ ${tree.dist}: ${line}`);

    const get = async (path: string) => {
      const r = await fetch(`${url}${path}`);
      return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
    };
    const health = await get('/healthz');
    assert.equal(health.status, 200, health.body);
    const status = await get('/api/v1/status');
    assert.equal(status.status, 200, status.body);
    assert.ok('summary' in (JSON.parse(status.body) as object), status.body);
    // Handlebars templates (notices/site), console views and static files: read beside the compiled modules.
    const page = await get('/status?lang=ru');
    assert.equal(page.status, 200, page.body);
    assert.match(page.type, /text\/html/);
    const login = await get('/console/login');
    assert.equal(login.status, 200, login.body);
    assert.match(login.body, /<form/);
    const css = await get('/console/static/console.css');
    assert.equal(css.status, 200);
    assert.ok(css.body.length > 100);
  });

  it("loads a TypeScript journey (the checkout's journeys/*.ts) although the compiled code runs on plain Node", () => {
    const config = join(dir.path, 'journey.yaml');
    const journey = join(REPO, 'journeys/portal-search.journey.ts');
    writeFileSync(
      config,
      `systems:\n  portal:\n    name: Portal\n    kind: portal\n    policy: portal-692\n    targets:\n      - id: search\n        module: public\n` +
        `        checks:\n          - { id: journey-search, type: browser, interval: 5m, timeout: 60s, journey: "${journey}", baseUrl: "http://127.0.0.1:9/" }\n`,
    );
    const r = spawnSync(process.execPath, [tree.bin, 'check-config', '--config', config], { cwd: dir.path, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /does not compile or load/);
  });
});
