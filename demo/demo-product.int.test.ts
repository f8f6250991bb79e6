/**
 * The demo behaves like the product (issue #21 item 8), run as a user runs it: `npx kuzet demo` in
 * the repository. `kuzet reload` applies an edited demo config (a new check is up within 10 s) or says
 * plainly that it did not; SIGHUP applies it too; an account made in the console while the demo runs
 * signs in, and the injected fault stays (no restart); a second process on the demo's PGlite directory
 * fails at once naming the demo's PID; SIGINT to the npx process stops the demo and every process it
 * started (checked with ps).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { REDIS_URL, dropRedisPrefix, freePort, runCli, tempDir, uniqueName, waitFor } from '../test/support.ts';
import { redisConnection } from '../core/redis.ts';
import { reloadReport, requestReload } from '../core/reload-protocol.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const ENV = { DATABASE_URL: '', DATABASE_SCHEMA: '', KUZET_DEMO_TOKEN: '', KUZET_DEMO_PASSWORD: '' };

/** Every process below `root` (by parent PID), from `ps`. */
function descendants(root: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='])
    .toString()
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] as string }));
  const out: { pid: number; args: string }[] = [];
  const walk = (p: number) => rows.filter((r) => r.ppid === p).forEach((r) => (out.push({ pid: r.pid, args: r.args }), walk(r.pid)));
  walk(root);
  return out;
}

/** The PIDs of `pids` still alive (ps exits 1 when none is). */
function alive(pids: number[]): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-p', pids.join(',')], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

interface Started {
  npx: ChildProcess;
  out: () => string;
  line: (label: string) => string;
}

/** `npx kuzet demo …` in the repository, until it prints that it runs. */
async function startNpxDemo(args: string[]): Promise<Started> {
  const npx = spawn('npx', ['kuzet', 'demo', ...args], { cwd: ROOT, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  npx.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npx.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(() => out.includes('kuzet demo is running') || npx.exitCode !== null, { what: 'the demo to start', timeoutMs: 180_000 });
  assert.equal(npx.exitCode, null, `the demo exited: ${err.slice(-2000)}`);
  const line = (label: string) => {
    const m = new RegExp(`^  ${label}:\\s+(.*)$`, 'm').exec(out);
    assert.ok(m, `the demo prints its ${label}: ${out}`);
    return m[1] as string;
  };
  return { npx, out: () => out, line };
}

describe('npx kuzet demo behaves like the product', () => {
  const dir = tempDir();
  const prefix = uniqueName('kzdemoprod');
  const dataDir = join(dir.path, 'data', 'demo');
  const configFile = join(dir.path, 'data', 'kuzet-demo.yaml');
  let demo: Started;
  let api: string;
  let sim: string;
  let demoPid: number;

  before(async () => {
    const [port, portalPort] = [await freePort(), await freePort()];
    demo = await startNpxDemo([
      '--port',
      String(port),
      '--portal-port',
      String(portalPort),
      '--data-dir',
      dataDir,
      '--redis-prefix',
      prefix,
    ]);
    api = demo.line('kuzet API').replace(/\/api\/v1\/status$/, '');
    sim = demo.line('simulated portal').replace(/\/$/, '');
    demoPid = Number(/kill -HUP (\d+)/.exec(demo.line('its config'))?.[1]);
    assert.ok(demoPid > 0, demo.line('its config'));
  });
  after(async () => {
    // Whatever a failed test left running: by PID, never by name.
    const left = demo?.npx.pid ? [demo.npx.pid, ...descendants(demo.npx.pid).map((p) => p.pid)] : [];
    for (const pid of alive(left)) process.kill(pid, 'SIGKILL');
    await dropRedisPrefix(prefix);
    dir.remove();
  });

  type Status = { systems: { id: string; targets: { id: string; checks: { id: string; status: string }[] }[] }[] };
  const checkStatus = async (target: string) => {
    const s = (await (await fetch(`${api}/api/v1/status`)).json()) as Status;
    return s.systems.find((x) => x.id === 'portal')?.targets.find((t) => t.id === target)?.checks[0]?.status;
  };
  const editConfig = (fn: (doc: { systems: { portal: { targets: unknown[] } } }) => void) => {
    const doc = parse(readFileSync(configFile, 'utf8')) as { systems: { portal: { targets: { id: string }[] } } };
    fn(doc);
    writeFileSync(configFile, stringify(doc));
  };
  const reloadCli = (config = configFile) => runCli(['reload', '-c', config], { env: ENV });

  it('kuzet reload applies a newly added check within 10 s and says what it applied', async () => {
    assert.equal(demo.line('its config').startsWith(`edit ${configFile}, then npx kuzet reload -c ${configFile}`), true);
    editConfig((doc) =>
      doc.systems.portal.targets.push({
        id: 'reload-probe',
        name: 'added by a reload',
        module: 'homepage',
        checks: [{ id: 'http', type: 'http', interval: '5s', timeout: '3s', url: `${sim}/`, expectStatus: 200 }],
      }),
    );
    const t0 = Date.now();
    const r = await reloadCli();
    const answered = Date.now() - t0;
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, `applied: kuzet demo (PID ${demoPid}): 1 check(s) added (portal/reload-probe/http)\n`);
    await waitFor(async () => (await checkStatus('reload-probe')) === 'up', {
      what: 'the new check up',
      timeoutMs: 10_000 - (Date.now() - t0),
    }).catch(async (e: Error) => {
      const results = await (await fetch(`${api}/api/v1/checks/portal/reload-probe/http/results`)).text();
      throw new Error(
        `${e.message}: status ${await checkStatus('reload-probe')}, results ${results.slice(0, 300)}, after ${Date.now() - t0} ms (kuzet reload answered after ${answered} ms)`,
      );
    });
  });

  it('an invalid edit is refused in so many words, and the running config stays', async () => {
    const good = readFileSync(configFile, 'utf8');
    editConfig((doc) => doc.systems.portal.targets.push({ id: 'broken', module: 'homepage', checks: [{ id: 'x', type: 'http' }] }));
    try {
      // The CLI validates the file first and asks no process: exit 2 naming the field.
      const r = await reloadCli();
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^systems\.portal\.targets\[\d+\]\.checks\[0\]\.url: /m);
      assert.equal(r.stdout, '');
      // Asked anyway (another kuzet's reload, an older CLI), the demo refuses and says why.
      const conn = redisConnection(REDIS_URL);
      try {
        const asked = await requestReload(conn, prefix, 10_000);
        assert.equal(asked.listeners, 1);
        assert.equal(asked.replies[0]?.applied, false);
        assert.match(asked.replies[0]?.message ?? '', /^the config file is not valid, the running config stays: .*url/);
        assert.equal(reloadReport(asked, REDIS_URL, 10_000).exitCode, 1);
        assert.match(reloadReport(asked, REDIS_URL, 10_000).text, new RegExp(`^NOT applied: kuzet demo \\(PID ${demoPid}\\): `));
      } finally {
        conn.disconnect();
      }
    } finally {
      writeFileSync(configFile, good);
    }
    assert.equal(await checkStatus('reload-probe'), 'up');
  });

  it('a reload no process hears is not a success', async () => {
    const other = join(dir.path, 'other.yaml');
    writeFileSync(other, stringify({ redis: { prefix: uniqueName('kznobody') } }));
    const r = await reloadCli(other);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^not reloaded: no kuzet process listens on Redis \S+ with key prefix "kznobody_/);
  });

  it('SIGHUP applies the edited config too', async () => {
    editConfig(
      (doc) => (doc.systems.portal.targets = doc.systems.portal.targets.filter((t) => (t as { id: string }).id !== 'reload-probe')),
    );
    process.kill(demoPid, 'SIGHUP');
    await waitFor(async () => (await checkStatus('reload-probe')) === undefined, { what: 'the check gone', timeoutMs: 10_000 });
  });

  it('an operator account is made in the console while the demo runs; the fault stays injected', async () => {
    const fault = await fetch(`${sim}/__fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'contracts', fault: 'http-500' }),
    });
    assert.equal(fault.status, 200);
    const [admin, password] =
      /\(admin (\S+) \/ (\S+); more accounts at \/console\/users\)/.exec(demo.line('operator console'))?.slice(1) ?? [];
    assert.ok(admin && password, demo.line('operator console'));
    const jar = new Map<string, string>();
    const req = async (method: string, path: string, form?: Record<string, string>) => {
      const res = await fetch(`${api}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      for (const c of res.headers.getSetCookie()) {
        const [k, ...v] = (c.split(';')[0] as string).split('=');
        if (v.join('=') === '') jar.delete(k as string);
        else jar.set(k as string, v.join('='));
      }
      return { status: res.status, text: await res.text() };
    };
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const signIn = async (username: string, pw: string) => {
      jar.clear();
      const page = await req('GET', '/console/login');
      return req('POST', '/console/login', { _csrf: csrf(page.text), username, password: pw });
    };
    assert.equal((await signIn(admin, password)).status, 303);
    const users = await req('GET', '/console/users');
    const made = await req('POST', '/console/users', {
      _csrf: csrf(users.text),
      username: 'olga',
      role: 'operator',
      password: 'a long operator passphrase 42',
    });
    assert.equal(made.status, 200, made.text.slice(0, 500));
    assert.match(made.text, /data-username="olga"/);
    assert.equal((await signIn('olga', 'a long operator passphrase 42')).status, 303);
    const faults = (await (await fetch(`${sim}/__fault`)).json()) as unknown;
    assert.match(JSON.stringify(faults), /"contracts"[^}]*http-500|http-500[^}]*"contracts"/);
  });

  it('a second process on the demo PGlite directory fails at once naming the demo PID', async () => {
    const r = await runCli(['user', 'list', '--data-dir', dataDir], { env: ENV });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: the PGlite data directory ${dataDir} is in use by PID ${demoPid} \\(`));
  });

  it('SIGINT to the npx process stops the demo and every process it started', async () => {
    const npxPid = demo.npx.pid as number;
    // The journey's Chromium runs every 20 s: wait until it is among the children, so they are really checked.
    const tree = await waitFor(
      () => {
        const d = descendants(npxPid);
        return d.some((p) => /chrom/i.test(p.args)) ? d : undefined;
      },
      { what: "the journey's Chromium under the demo", timeoutMs: 90_000 },
    );
    assert.ok(tree.some((p) => p.pid === demoPid));
    const exited = new Promise<number | null>((r) => demo.npx.once('exit', (code) => r(code)));
    process.kill(npxPid, 'SIGINT');
    await waitFor(async () => demo.npx.exitCode !== null || demo.npx.signalCode !== null, { what: 'npx to exit', timeoutMs: 40_000 });
    await exited;
    const left = await waitFor(() => (alive(tree.map((p) => p.pid)).length === 0 ? [] : undefined), {
      what: `no process of the demo left (${tree.map((p) => `${p.pid} ${p.args.slice(0, 60)}`).join('; ')})`,
      timeoutMs: 10_000,
    }).catch(() => alive(tree.map((p) => p.pid)));
    assert.deepEqual(left, []);
  });
});
