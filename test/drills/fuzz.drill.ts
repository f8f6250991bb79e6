/**
 * Fuzzing (fast-check): random and mutated requests against every route kuzet mounts — found by
 * reading the route registrations in the source folders, so a route added tomorrow is fuzzed tomorrow — and
 * random arguments to every pure CLI command. Promises checked: no 5xx and no dropped connection; a
 * 400 or 422 names the field; an appeal attachment whose content lies about its type is refused; an
 * oversized body is refused before it has all been sent.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildProgram } from '../../cli/main.ts';
import { ConfigError, InputError } from '../../core/errors.ts';
import { call, startBed, type Bed } from './harness.ts';

export interface Route {
  method: string;
  path: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;
/** Where routes are registered: the API and every capability that mounts its own. */
const ROUTE_FOLDERS = ['api', 'app', 'console', 'etp', 'journal', 'meta', 'notices', 'collector'];

/** Every `router.<method>('path'` in the folders that mount routes (tests aside); template paths are expanded by hand. */
export function discoverRoutes(): Route[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) files.push(f);
    }
  };
  for (const folder of ROUTE_FOLDERS) walk(join(ROOT, folder));
  const out = new Map<string, Route>();
  const re = /router\.(get|post|put|patch|delete)\(\s*(['`])([^'`]+)\2/g;
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(re)) {
      const method = (m[1] as string).toUpperCase();
      const path = m[3] as string;
      const paths = path.includes('${name}')
        ? ['calendar', 'sla', 'lead-time', 'deadlines'].map((n) => path.replace('${name}', n))
        : path.includes('${')
          ? []
          : [path];
      for (const p of paths) out.set(`${method} ${p}`, { method, path: p });
    }
  }
  return [...out.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

const iso = (ms: number) => `${new Date(ms + 5 * 3_600_000).toISOString().slice(0, 19)}+05:00`;

/** Valid bodies to mutate, by path suffix; anything else gets random JSON. */
function samples(ids: { incident: string; appeal: string; notice: string }): [RegExp, unknown][] {
  const now = Date.now();
  const incidentNotice = {
    kind: 'incident',
    id: ids.incident,
    system: 'portal',
    modules: ['search'],
    policy: 'portal-692',
    level: 'medium',
    phase: 'opened',
    description: { ru: 'Сбой', kk: 'Іркіліс' },
    startedAt: iso(now - 3_600_000),
    confirmedAt: iso(now - 60_000),
    plannedFixAt: iso(now + 7_200_000),
    affected: [],
    recipients: [],
  };
  return [
    [
      /\/appeals$/,
      {
        organisation: 'ТОО Ромашка',
        binIin: '850101300005',
        email: 'buyer@romashka.kz',
        phone: '+7 701 123 45 67',
        description: 'ошибка 500',
        detectedAt: iso(now - 60_000),
      },
    ],
    [/\/transition$/, { to: 'analysing' }],
    [/\/incidents\/:id$/, { plannedFixAt: iso(now + 3_600_000), reason: 'учения' }],
    [/\/link$/, { incidentId: ids.incident }],
    [/\/notices(\/preview)?$/, incidentNotice],
    [
      /\/maintenance$/,
      {
        system: 'portal',
        modules: ['search'],
        startsAt: iso(now + 10 * 86_400_000),
        endsAt: iso(now + 10 * 86_400_000 + 3_600_000),
        description: { ru: 'Работы', kk: 'Жұмыстар' },
        responsible: [{ name: 'Иванов', role: 'инженер', phone: '+7 701 111 2233', email: 'i@operator.kz' }],
        procurements: [],
      },
    ],
    [/\/acknowledgements$/, { incidentId: ids.incident, email: 'a@b.kz', system: 'portal' }],
    [/\/rules\/calendar$/, { op: 'info', date: '2026-03-20' }],
    [/\/rules\/sla$/, { timer: 'SLA-P-REGISTER', from: iso(now) }],
    [/\/rules\/lead-time$/, { audience: 'portal-users', start: iso(now + 86_400_000) }],
    [
      /\/rules\/deadlines$/,
      { kind: 'incident', policy: 'portal-692', startedAt: iso(now - 3_600_000), resolvedAt: iso(now), procurements: [] },
    ],
    [/\/procurements$/, { procurements: [] }],
    [/\/tariffs$/, { tariffs: [] }],
    [/\/etps$/, { id: 'etp-gamma', name: 'ЭТП Гамма' }],
    [/\/subscribe$/, { email: 'sub@example.kz', lang: 'ru' }],
  ];
}

/** Mutations of a valid body: drop a key, replace a value, add an unknown key, or change its type. */
function mutated(sample: unknown): fc.Arbitrary<unknown> {
  if (!sample || typeof sample !== 'object' || Array.isArray(sample)) return fc.jsonValue();
  const obj = sample as Record<string, unknown>;
  const keys = Object.keys(obj);
  const weird = fc.oneof(
    fc.jsonValue(),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      '1e309',
      'null',
      'constructor',
      '__proto__',
      '2026-02-30T25:61:00+05:00',
      '<script>alert(1)</script>',
      '../../etc/passwd',
      'x'.repeat(5000),
      '\u0000',
      '🙂',
    ),
    fc.integer(),
    fc.double(),
    fc.constant(null),
  );
  return fc.oneof(
    fc.constant(obj),
    keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(obj).filter(([x]) => x !== k))) : fc.constant(obj),
    keys.length ? fc.tuple(fc.constantFrom(...keys), weird).map(([k, v]) => ({ ...obj, [k]: v })) : fc.constant(obj),
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), weird).map(([k, v]) => ({ ...obj, [k]: v })),
    fc.constant(keys),
  );
}

interface FuzzRequest {
  method: string;
  path: string;
  auth: 'operator' | 'viewer' | 'none' | 'garbage';
  contentType: string | null;
  body: string | undefined;
}

function requestArb(routes: Route[], ids: { incident: string; appeal: string; notice: string }): fc.Arbitrary<FuzzRequest> {
  const sampleFor = samples(ids);
  const param = fc.oneof(
    fc.constantFrom(
      ids.incident,
      ids.appeal,
      ids.notice,
      'SLA-P-REGISTER',
      'portal',
      'search',
      'http',
      '1',
      '0',
      '-1',
      '999999999999999999999',
      'etp-alpha',
      'screenshot.png',
      'users',
      'constructor',
      '__proto__',
      'toString',
    ),
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  );
  const queryKeys = ['from', 'to', 'limit', 'cursor', 'lang', 'format', 'system', 'level', 'state', 'name', 'token', 'next', 'q'];
  const queryVal = fc.oneof(
    fc.constantFrom(
      '2026-03-20',
      '2026-03-20T10:00:00+05:00',
      'ru',
      'kk',
      'csv',
      'pdf',
      'html',
      'xlsx',
      'docx',
      '10',
      '-5',
      '1000000',
      'portal',
      'medium',
      'open',
      '',
    ),
    fc.string({ maxLength: 30 }),
  );
  return fc
    .record({
      route: fc.constantFrom(...routes),
      params: fc.array(param, { minLength: 4, maxLength: 4 }),
      query: fc.dictionary(fc.constantFrom(...queryKeys), queryVal, { maxKeys: 4 }),
      auth: fc.constantFrom('operator', 'operator', 'operator', 'viewer', 'none', 'garbage') as fc.Arbitrary<FuzzRequest['auth']>,
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/csv',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'image/png',
        null,
      ),
      bodyKind: fc.constantFrom('mutated', 'mutated', 'json', 'text', 'none'),
      seed: fc.integer(),
      text: fc.string({ unit: 'grapheme', maxLength: 500 }),
    })
    .chain((r) => {
      const sample = sampleFor.find(([re]) => re.test(r.route.path))?.[1];
      const bodyArb: fc.Arbitrary<string | undefined> =
        r.bodyKind === 'none'
          ? fc.constant(undefined)
          : r.bodyKind === 'text'
            ? fc.constant(r.text)
            : r.bodyKind === 'json'
              ? fc.jsonValue().map((v) => JSON.stringify(v))
              : mutated(sample).map((v) => JSON.stringify(v));
      return bodyArb.map((body) => {
        let i = 0;
        const path = r.route.path.replace(/:[a-zA-Z]+/g, () => encodeURIComponent(r.params[i++ % 4] as string));
        const qs = new URLSearchParams(r.query as Record<string, string>).toString();
        return {
          method: r.route.method,
          path: `${path}${qs ? `?${qs}` : ''}`,
          auth: r.auth,
          contentType: r.route.method === 'GET' ? null : r.contentType,
          body: r.route.method === 'GET' ? undefined : body,
        };
      });
    }) as fc.Arbitrary<FuzzRequest>;
}

interface Sent {
  status: number;
  body: string;
}

function send(bed: Bed, r: FuzzRequest, ip: string): Promise<Sent> {
  const token =
    r.auth === 'operator'
      ? bed.operator
      : r.auth === 'viewer'
        ? bed.viewer
        : r.auth === 'garbage'
          ? 'kzt_not_a_real_token_at_all'
          : undefined;
  return new Promise((resolve) => {
    const req = request(
      `${bed.url}${r.path}`,
      {
        method: r.method,
        headers: {
          'x-forwarded-for': ip,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(r.contentType ? { 'content-type': r.contentType } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
        res.on('error', () => resolve({ status: 0, body: 'response error' }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(r.body);
  });
}

const namesAField = (body: string) => {
  try {
    const e = (JSON.parse(body) as { error?: { field?: string; issues?: { field?: string }[] } }).error;
    return Boolean(e?.field) || Boolean(e?.issues?.length && e.issues.every((i) => i.field));
  } catch {
    return false;
  }
};

export interface FuzzReport {
  routes: number;
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  dropped: string[];
  unnamed4xx: string[];
  cli: { runs: number; unexpected: string[]; unnamed: string[] };
  lyingAttachments: { tried: number; refused: number; accepted: string[] };
  oversized: { tried: number; cutEarly: number; saw413: number; problems: string[]; notes: string[] };
  seconds: number;
}

/** Random arguments to the pure CLI commands, in this process: bad input must be exit 2 naming the field. */
async function fuzzCli(runs: number, seed: number, dir: string): Promise<FuzzReport['cli']> {
  const unexpected: string[] = [];
  const unnamed: string[] = [];
  const input = join(dir, 'cli-input.json');
  const dt = fc.oneof(
    fc.constantFrom(
      '2026-03-20',
      '2026-03-20T09:30:00+05:00',
      '2026-13-01',
      '2026-02-29',
      '2024-02-29T00:00:00Z',
      '',
      '-1',
      'tomorrow',
      '2026-03-20T09:30:00',
    ),
    fc.string({ maxLength: 30 }),
  );
  const argsArb = fc.oneof(
    fc.tuple(fc.constantFrom('info', 'next-working-day'), dt).map(([c, d]) => ['calendar', c, d]),
    fc
      .tuple(dt, fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.string({ maxLength: 8 })))
      .map(([d, n]) => ['calendar', 'add-working-days', d, n]),
    fc
      .tuple(fc.oneof(fc.constantFrom('SLA-P-REGISTER', 'SLA-P-MED-HOME', 'nope'), fc.string({ maxLength: 20 })), dt)
      .map(([t, d]) => ['sla', '--timer', t, '--from', d]),
    fc
      .tuple(
        fc.oneof(fc.constantFrom('portal-users', 'etp-owners', 'etp-auth-rotation', 'etp-requisites'), fc.string({ maxLength: 20 })),
        dt,
      )
      .map(([a, d]) => ['lead-time', '--audience', a, '--start', d]),
    fc
      .tuple(fc.constantFrom('deadlines', 'etp-streak'), fc.oneof(fc.jsonValue(), fc.string({ maxLength: 200 })))
      .map(([c, v]) => [c, '--input', typeof v === 'string' ? `!${v}` : JSON.stringify(v)]),
    fc.array(fc.string({ maxLength: 15 }), { maxLength: 5 }),
  );
  const cases = fc.sample(argsArb, { numRuns: runs, seed });
  const outW = process.stdout.write.bind(process.stdout);
  const errW = process.stderr.write.bind(process.stderr);
  for (const args0 of cases) {
    let args = args0;
    if (args[2] === '--input') {
      const raw = args[3] as string;
      writeFileSync(input, raw.startsWith('!') ? raw.slice(1) : raw);
      args = [args[0] as string, '--input', input];
    }
    let err = '';
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((err += String(s)), true)) as typeof process.stderr.write;
    try {
      await (await buildProgram()).parseAsync(['node', 'kuzet', ...args]);
    } catch (e) {
      if (e instanceof InputError) {
        if (!e.issues.every((i) => i.field)) unnamed.push(`${JSON.stringify(args)}: ${e.message}`);
      } else if (
        !(e instanceof ConfigError) &&
        (e as { name?: string }).name !== 'CommanderError' &&
        !(e as { code?: string }).code?.startsWith('commander.')
      ) {
        unexpected.push(`${JSON.stringify(args)}: ${(e as Error).message}`);
      }
    } finally {
      process.stdout.write = outW;
      process.stderr.write = errW;
    }
    void err;
  }
  return { runs: cases.length, unexpected, unnamed };
}

/** Attachments whose declared content type lies about the bytes. */
async function lyingAttachments(bed: Bed): Promise<FuzzReport['lyingAttachments']> {
  const a = await call(bed.url, 'POST', '/api/v1/appeals', {
    body: {
      organisation: 'ТОО Тест',
      binIin: '850101300005',
      email: 'x@y.kz',
      phone: '+7 701 000 00 00',
      description: 'вложения',
      detectedAt: iso(Date.now() - 60_000),
    },
    ip: '10.250.0.1',
  });
  const accepted: string[] = [];
  const lies: [string, Buffer][] = [
    ['image/png', Buffer.from('<html><script>alert(1)</script></html>')],
    ['image/jpeg', Buffer.from('MZ\x90\x00\x03\x00\x00\x00 this is a windows executable', 'binary')],
    ['application/pdf', Buffer.from('#!/bin/sh\nrm -rf /\n')],
    ['image/png', Buffer.from('%PDF-1.4\n%lie\n')],
    ['text/plain', Buffer.from('\x89PNG\r\n\x1a\n fake', 'binary')],
    ['application/pdf', Buffer.from('PK\x03\x04 a zip pretending', 'binary')],
  ];
  let refused = 0;
  for (const [type, bytes] of lies) {
    const res = await fetch(`${bed.url}${a.json.attachmentsUrl}?name=x`, {
      method: 'POST',
      headers: { 'content-type': type, 'x-upload-token': a.json.uploadToken, 'x-forwarded-for': '10.250.0.1' },
      body: new Uint8Array(bytes),
    });
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) refused++;
    else accepted.push(`${type} with ${JSON.stringify(bytes.subarray(0, 12).toString('latin1'))}… → ${res.status} ${text.slice(0, 200)}`);
  }
  return { tried: lies.length, refused, accepted };
}

/** Streams a body far over the limit without declaring its length; the answer must come before it is all sent. */
async function oversized(bed: Bed, paths0: { path: string; headers: Record<string, string> }[]): Promise<FuzzReport['oversized']> {
  const problems: string[] = [];
  const notes: string[] = [];
  let cutEarly = 0;
  let saw413 = 0;
  const total = 64 * 1024 * 1024;
  const paths = paths0.flatMap((p) => [
    { ...p, declared: false },
    { ...p, declared: true },
  ]);
  for (const p of paths) {
    const r = await new Promise<{ status: number; sentAtAnswer: number }>((resolve) => {
      let sent = 0;
      let answered = false;
      const req = request(
        `${bed.url}${p.path}`,
        {
          method: 'POST',
          headers: { ...p.headers, ...(p.declared ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }) },
        },
        (res) => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, sentAtAnswer: sent });
          res.resume();
          req.destroy();
        },
      );
      req.on('error', () => {
        if (!answered) resolve({ status: 0, sentAtAnswer: sent });
      });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      // Starts like a PNG, so an attachment endpoint judges it by its size, not its type.
      const first = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), chunk.subarray(16)]);
      const pump = () => {
        while (!answered && sent < total) {
          const c = sent === 0 ? first : chunk;
          sent += c.length;
          if (!req.write(c)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    // Cut early: refused (413) or the socket closed long before the 64 MB were sent. Whether the client
    // got to read the 413 first is reported apart: a server that stops reading may reset the socket first.
    const mb = (r.sentAtAnswer / 1048576).toFixed(1);
    if ((r.status === 413 || r.status === 0) && r.sentAtAnswer < total / 2) cutEarly++;
    else problems.push(`${p.path}: ${r.status} after ${mb} MB sent`);
    if (r.status === 413) saw413++;
    else if (r.status === 0)
      notes.push(`${p.path}${p.declared ? ' (declared length)' : ''}: connection closed after ${mb} MB, the 413 not read by the client`);
  }
  return { tried: paths.length, cutEarly, saw413, problems, notes };
}

export async function runFuzz(o: { runs: number; cliRuns?: number; seed?: number; say?: (l: string) => void }): Promise<FuzzReport> {
  const t0 = Date.now();
  const say = o.say ?? (() => undefined);
  const bed = await startBed();
  try {
    const kuzet = bed.spawnKuzet('start');
    await bed.waitReady();
    // Real ids so that handlers go past their lookups.
    const ap = await call(bed.url, 'POST', '/api/v1/appeals', {
      body: {
        organisation: 'ТОО Фазз',
        binIin: '850101300005',
        email: 'f@z.kz',
        phone: '+7 701 000 00 01',
        description: 'fuzz',
        detectedAt: iso(Date.now() - 60_000),
      },
      ip: '10.251.0.1',
    });
    const nt = await call(bed.url, 'POST', '/api/v1/notices', {
      token: bed.operator,
      body: samples({ incident: ap.json.incidentId, appeal: '', notice: '' }).find(([re]) => re.test('/api/v1/notices'))?.[1],
    });
    const ids = { incident: String(ap.json.incidentId), appeal: String(ap.json.appealId), notice: String(nt.json?.notice?.id ?? 'ntc_x') };
    const routes = discoverRoutes();
    say(`fuzz: ${routes.length} routes, ${o.runs} requests`);
    const reqs = fc.sample(requestArb(routes, ids), { numRuns: o.runs, seed: o.seed ?? 7 });
    const byStatus: Record<string, number> = {};
    const serverErrors: string[] = [];
    const dropped: string[] = [];
    const unnamed4xx: string[] = [];
    let next = 0;
    const worker = async (w: number) => {
      while (next < reqs.length) {
        const i = next++;
        const r = reqs[i] as FuzzRequest;
        const res = await send(bed, r, `10.${w}.${(i >> 8) & 255}.${i & 255}`);
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        const what = `${r.method} ${r.path} [${r.auth}, ${r.contentType ?? 'no type'}] ${r.body === undefined ? '' : r.body.slice(0, 300)} → ${res.status} ${res.body.slice(0, 300)}`;
        if (res.status >= 500) serverErrors.push(what);
        else if (res.status === 0) dropped.push(what);
        else if ((res.status === 400 || res.status === 422) && !namesAField(res.body)) unnamed4xx.push(what);
        if ((i + 1) % 1000 === 0) say(`  ${i + 1}/${reqs.length}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    const lying = await lyingAttachments(bed);
    const appealForUpload = await call(bed.url, 'POST', '/api/v1/appeals', {
      body: {
        organisation: 'ТОО Большой',
        binIin: '850101300005',
        email: 'b@y.kz',
        phone: '+7 701 000 00 02',
        description: 'большое вложение',
        detectedAt: iso(Date.now() - 60_000),
      },
      ip: '10.252.0.1',
    });
    const big = await oversized(bed, [
      { path: '/api/v1/appeals', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.253.0.1' } },
      { path: '/api/v1/notices', headers: { 'content-type': 'application/json', authorization: `Bearer ${bed.operator}` } },
      { path: '/api/v1/rules/deadlines', headers: { 'content-type': 'application/json' } },
      {
        path: `${appealForUpload.json.attachmentsUrl}?name=big.png`,
        headers: { 'content-type': 'image/png', 'x-upload-token': appealForUpload.json.uploadToken, 'x-forwarded-for': '10.252.0.1' },
      },
    ]);
    const cli = await fuzzCli(o.cliRuns ?? Math.max(100, Math.floor(o.runs / 10)), o.seed ?? 7, bed.dir);
    if (kuzet.child.exitCode !== null) serverErrors.push(`kuzet exited with ${kuzet.child.exitCode}`);
    return {
      routes: routes.length,
      requests: reqs.length,
      byStatus,
      serverErrors,
      dropped,
      unnamed4xx,
      cli,
      lyingAttachments: lying,
      oversized: big,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await bed.close();
  }
}
