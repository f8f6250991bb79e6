/**
 * Incident, appeal and registry routes (issue items 2, 3, 6, 9). Reads need a viewer token, changes
 * an operator token; `POST /api/v1/appeals` and its attachment upload are public (rate-limited per IP;
 * the upload needs the token the appeal answered with). Every write is audited by the service.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { audit } from '../core/audit.ts';
import { requireRole, type Actor } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError, UnavailableError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import {
  INCIDENT_STATES,
  LEVELS,
  MAX_ATTACHMENT_BYTES,
  clocksView,
  getIncidentRow,
  importProcurements,
  importTariffs,
  incidentView,
  listIncidentRows,
  procurementsFromCsv,
  sniffAttachmentType,
  timelineView,
  type IncidentService,
  type IncidentState,
  type Level,
} from '../incidents/index.ts';
import { consumeBody, parseJsonBody, queryDate, readBodyText, readJson, refuseDeclaredOver } from './http-util.ts';
import { encodeCursor, paged, queryLimit, tupleCursor } from './paging.ts';

export interface IncidentRouteDeps {
  db: () => Db | undefined;
  service: () => IncidentService | undefined;
  /** Where appeal attachments are stored (outside the database), default `./data/attachments`. */
  attachmentsDir: string;
  /** Appeals per IP per window (default 10 per 10 minutes; `incidents.appeals.perIp`). */
  appealRateLimit?: { max: number; windowMs: number };
  /** Appeals per BIN/IIN per window, whatever the address (default 5 per 10 minutes; `incidents.appeals.perBinIin`). */
  binIinRateLimit?: { max: number; windowMs: number };
  now?: () => Date;
}

const MAX_ATTACHMENTS_PER_APPEAL = 10;

/** A fixed-window counter per key; enough to stop a script flooding the public form. */
export class RateLimiter {
  private readonly hits = new Map<string, { n: number; resetAt: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  /** Seconds to wait, or 0 when allowed (and counted). */
  take(key: string, now: number): number {
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
    const h = this.hits.get(key);
    if (!h || h.resetAt <= now) {
      this.hits.set(key, { n: 1, resetAt: now + this.windowMs });
      return 0;
    }
    if (h.n >= this.max) return Math.ceil((h.resetAt - now) / 1000);
    h.n++;
    return 0;
  }
}

/**
 * The key an appeal counts under per BIN/IIN: one organisation flooding from many addresses is
 * counted by the BIN/IIN it gives (check digit right or not). Only 12 digits make a key: anything
 * else is refused by the appeal's schema anyway, and kept as a key it let each request park up to a
 * body's worth of text (256 KB) in the limiter's memory for the whole window.
 */
export function binIinLimitKey(body: unknown): string | undefined {
  const v = body !== null && typeof body === 'object' ? (body as { binIin?: unknown }).binIin : undefined;
  if (typeof v !== 'string') return undefined;
  const bin = v.trim();
  return /^\d{12}$/.test(bin) ? bin : undefined;
}

const actorOf = (ctx: Context) => {
  const a = ctx.state.actor as Actor;
  return { id: a.id, ip: ctx.ip };
};

function oneOf<T extends string>(ctx: Context, name: string, values: readonly T[]): T | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new InputError(`must be one of ${values.join(', ')}`, name);
  return v as T;
}

const tooLarge = () => new KuzetError('invalid_input', `an attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, { status: 413, field: 'attachment' });

/**
 * Streams an attachment to a temporary file: refused by its declared size before reading, by its
 * first bytes before anything is written, and as soon as it passes the limit.
 */
async function receiveAttachment(ctx: Context, dir: string): Promise<{ tmp: string; bytes: number; sha256: string; type: string; ext: string }> {
  refuseDeclaredOver(ctx, MAX_ATTACHMENT_BYTES, tooLarge);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.upload-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let out: WriteStream | undefined;
  let kind: { type: string; ext: string } | undefined;
  let size = 0;
  const start = (h: Buffer) => {
    kind = sniffAttachmentType(h);
    if (!kind) throw new KuzetError('invalid_input', 'an attachment must be an image (PNG, JPEG, GIF, WEBP) or a PDF; its content is neither', { status: 415, field: 'attachment' });
    // A declared type that is not what the bytes are is a lie: refused, not silently re-labelled.
    const said = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
    if (said && said !== 'application/octet-stream' && said !== kind.type) throw new KuzetError('invalid_input', `Content-Type says ${said} but the content is ${kind.type}`, { status: 415, field: 'content-type' });
    out = createWriteStream(tmp, { flags: 'wx' });
    // A write still in flight when the upload is refused fails on the destroyed stream: expected, not a crash.
    out.on('error', () => undefined);
    out.write(h);
  };
  try {
    await consumeBody(ctx, (c) => {
      size += c.length;
      if (size > MAX_ATTACHMENT_BYTES) throw tooLarge();
      hash.update(c);
      if (out) out.write(c);
      else {
        head = Buffer.concat([head, c]);
        if (head.length >= 16) start(head);
      }
    });
    if (!out) {
      if (size === 0) throw new InputError('the attachment is empty', 'attachment');
      start(head);
    }
    await new Promise<void>((res, rej) => (out as WriteStream).end((e?: Error | null) => (e ? rej(e) : res())));
  } catch (e) {
    out?.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  const k = kind as { type: string; ext: string };
  return { tmp, bytes: size, sha256: hash.digest('hex'), type: k.type, ext: k.ext };
}

export function registerIncidentRoutes(router: Router, deps: IncidentRouteDeps): void {
  const now = deps.now ?? (() => new Date());
  const viewer = requireRole(deps.db, 'viewer');
  const operator = requireRole(deps.db, 'operator');
  const limiter = new RateLimiter(deps.appealRateLimit?.max ?? 10, deps.appealRateLimit?.windowMs ?? 600_000);
  const binLimiter = new RateLimiter(deps.binIinRateLimit?.max ?? 5, deps.binIinRateLimit?.windowMs ?? 600_000);
  const db = () => {
    const d = deps.db();
    if (!d) throw new UnavailableError('the database is not open yet');
    return d;
  };
  const service = () => {
    const s = deps.service();
    if (!s) throw new UnavailableError('the incident service is not running yet');
    return s;
  };
  const attachmentsDir = resolve(deps.attachmentsDir);

  router.get('/api/v1/incidents', viewer, async (ctx) => {
    const state = oneOf<IncidentState>(ctx, 'state', INCIDENT_STATES);
    const level = oneOf<Level>(ctx, 'level', LEVELS);
    const system = typeof ctx.query.system === 'string' ? ctx.query.system : undefined;
    const from = ctx.query.from === undefined ? undefined : queryDate(ctx, 'from', now()).getTime();
    const to = ctx.query.to === undefined ? undefined : queryDate(ctx, 'to', now()).getTime();
    if (from !== undefined && to !== undefined && from > to) throw new InputError('must not be after "to"', 'from');
    const limit = queryLimit(ctx);
    const after = tupleCursor(ctx, ['number', 'string'] as const);
    const rows = await listIncidentRows(db(), { system, level, state, from, to, limit: limit + 1, after: after ? { startedAt: after[0], id: after[1] } : undefined });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    ctx.body = { items: items.map(listView), ...(rows.length > limit && last ? { nextCursor: encodeCursor([new Date(last.started_at).getTime(), last.id]) } : {}) };
  });

  router.get('/api/v1/incidents/:id', viewer, async (ctx) => {
    const id = ctx.params.id as string;
    const row = await getIncidentRow(db(), id);
    if (!row) throw new NotFoundError(`no incident ${id}`);
    const appeals = await db().query<{ id: string; organisation: string; bin_iin: string; email: string; phone: string; description: string; detected_at: Date; received_at: Date }>(
      'SELECT id::text AS id, organisation, bin_iin, email, phone, description, detected_at, received_at FROM appeals WHERE incident_id = $1 OR linked_incident_id = $1 ORDER BY appeals.id',
      [id],
    );
    const view = listView(row);
    ctx.body = {
      ...view,
      evidence: { ...view.evidence, screenshotUrls: await screenshotUrls(db(), row.evidence) },
      clocks: await clocksView(db(), id, now().getTime()),
      extensions: row.extensions,
      timeline: await timelineView(db(), id),
      // A flood attaches every appeal about the module here (appeal-attach.ts): counted and listed.
      appealCount: appeals.length,
      appeals: appeals.map((a) => ({ ...a, detected_at: undefined, received_at: undefined, detectedAt: formatAstana(new Date(a.detected_at)), receivedAt: formatAstana(new Date(a.received_at)) })),
    };
  });

  router.post('/api/v1/incidents/:id/transition', operator, async (ctx) => {
    const row = await service().transition(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { ...incidentView(row), extensions: row.extensions };
  });

  router.post('/api/v1/incidents/:id/consequences', operator, async (ctx) => {
    const r = await service().recordConsequence(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.status = 201;
    ctx.body = { consequence: r.consequence, ...incidentView(r.row), extensions: r.row.extensions };
  });

  router.patch('/api/v1/incidents/:id', operator, async (ctx) => {
    const row = await service().updatePlannedFix(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { ...incidentView(row), extensions: row.extensions };
  });

  router.post('/api/v1/incidents/:id/clocks/:timer/met', operator, async (ctx) => {
    const text = await readBodyText(ctx, 4096);
    const body: unknown = text.trim() ? parseJsonBody(text) : {};
    await service().markClockMet(ctx.params.id as string, ctx.params.timer as string, body, actorOf(ctx));
    ctx.body = { clocks: await clocksView(db(), ctx.params.id as string, now().getTime()) };
  });

  // SLA-E-ETP-RESOLVE (000 App.4 §1.5): once, to at most the original due + 15 calendar days; the user and the operator are told.
  router.post('/api/v1/incidents/:id/clocks/:timer/extend', operator, async (ctx) => {
    const extension = await service().extendClock(ctx.params.id as string, ctx.params.timer as string, await readJson(ctx), actorOf(ctx));
    ctx.body = { extension, clocks: await clocksView(db(), ctx.params.id as string, now().getTime()) };
  });

  router.post('/api/v1/appeals', async (ctx) => {
    const wait = limiter.take(ctx.ip, now().getTime());
    if (wait > 0) {
      ctx.set('Retry-After', String(wait));
      throw new KuzetError('rate_limited', `too many appeals from this address; try again in ${wait} s`, { status: 429 });
    }
    const body = await readJson(ctx, 256 * 1024);
    const bin = binIinLimitKey(body);
    const binWait = bin ? binLimiter.take(bin, now().getTime()) : 0;
    if (binWait > 0) {
      ctx.set('Retry-After', String(binWait));
      throw new KuzetError('rate_limited', `too many appeals with this BIN/IIN; try again in ${binWait} s`, { status: 429, field: 'binIin' });
    }
    const r = await service().registerAppeal(body, ctx.ip);
    ctx.status = 201;
    ctx.body = { ...r, attachmentsUrl: `/api/v1/appeals/${r.appealId}/attachments` };
  });

  router.post('/api/v1/appeals/:id/attachments', async (ctx) => {
    const appealId = ctx.params.id as string;
    if (!/^\d{1,18}$/.test(appealId)) throw new NotFoundError(`no appeal ${appealId}`);
    const token = ctx.get('x-upload-token');
    const a = (await db().query<{ upload_token_hash: string; incident_id: string; n: string | number }>('SELECT upload_token_hash, incident_id, (SELECT count(*) FROM appeal_attachments WHERE appeal_id = $1) AS n FROM appeals WHERE id = $1', [appealId]))[0];
    if (!a) throw new NotFoundError(`no appeal ${appealId}`);
    const given = createHash('sha256').update(token).digest();
    if (!token || !timingSafeEqual(given, Buffer.from(a.upload_token_hash, 'hex'))) throw new KuzetError('unauthorized', 'X-Upload-Token must be the uploadToken the appeal was answered with', { status: 401 });
    if (Number(a.n) >= MAX_ATTACHMENTS_PER_APPEAL) throw new InputError(`an appeal takes at most ${MAX_ATTACHMENTS_PER_APPEAL} attachments`, 'attachment');
    const name = typeof ctx.query.name === 'string' && ctx.query.name.trim() ? ctx.query.name.trim().slice(0, 200) : 'attachment';
    const dir = join(attachmentsDir, appealId);
    const f = await receiveAttachment(ctx, dir);
    const path = join(dir, `${f.sha256}.${f.ext}`);
    await rename(f.tmp, path);
    try {
      const at = now();
      await db().transaction(async (tx) => {
        await tx.query('INSERT INTO appeal_attachments (appeal_id, name, type, bytes, sha256, path, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [appealId, name, f.type, f.bytes, f.sha256, path, at.toISOString()]);
        await tx.query('INSERT INTO incident_timeline (incident_id, at, actor, ip, action, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [a.incident_id, at.toISOString(), 'public:appeal', ctx.ip, 'attachment.added', JSON.stringify({ name, type: f.type, bytes: f.bytes, sha256: f.sha256 })]);
        await audit(tx, { actor: 'public:appeal', ip: ctx.ip, action: 'appeal.attachment', subject: appealId, after: { name, type: f.type, bytes: f.bytes, sha256: f.sha256 } });
      });
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    ctx.status = 201;
    ctx.body = { name, type: f.type, bytes: f.bytes, sha256: f.sha256 };
  });

  router.get('/api/v1/appeals/:id', viewer, async (ctx) => {
    const id = ctx.params.id as string;
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no appeal ${id}`);
    const a = (await db().query<Record<string, unknown>>('SELECT id::text AS id, incident_id, organisation, bin_iin, email, phone, description, detected_at, received_at, ip, linked_incident_id, channel FROM appeals WHERE id = $1', [id]))[0];
    if (!a) throw new NotFoundError(`no appeal ${id}`);
    const files = await db().query<{ name: string; type: string; bytes: string | number; sha256: string; at: Date }>('SELECT name, type, bytes, sha256, at FROM appeal_attachments WHERE appeal_id = $1 ORDER BY id', [id]);
    ctx.body = {
      ...a,
      detected_at: formatAstana(new Date(a.detected_at as Date)),
      received_at: formatAstana(new Date(a.received_at as Date)),
      attachments: files.map((x) => ({ ...x, bytes: Number(x.bytes), at: formatAstana(new Date(x.at)) })),
    };
  });

  router.post('/api/v1/appeals/:id/link', operator, async (ctx) => {
    if (!/^\d{1,18}$/.test(ctx.params.id as string)) throw new NotFoundError(`no appeal ${ctx.params.id as string}`);
    ctx.body = await service().linkAppeal(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
  });

  router.post('/api/v1/procurements', operator, async (ctx) => {
    const csv = ctx.is('text/csv', 'application/csv') !== false && ctx.is('text/csv', 'application/csv') !== null;
    const items = csv ? procurementsFromCsv(await readBodyText(ctx, 64 * 1024 * 1024)) : await readJson(ctx, 64 * 1024 * 1024);
    const body = !csv && items && typeof items === 'object' && !Array.isArray(items) && 'procurements' in items ? (items as { procurements: unknown }).procurements : items;
    ctx.body = await importProcurements(db(), body, actorOf(ctx), now());
  });

  router.get('/api/v1/procurements', viewer, async (ctx) => {
    const limit = queryLimit(ctx);
    const after = tupleCursor(ctx, ['string'] as const);
    const rows = await db().query<{ id: string }>(`SELECT id, announcement, lot, method, system, module, affected, deadlines, suppliers FROM procurements ${after ? 'WHERE id > $2' : ''} ORDER BY id LIMIT $1`, after ? [limit + 1, after[0]] : [limit + 1]);
    const items = rows.slice(0, limit).map(({ id: _id, ...p }) => p);
    ctx.body = paged({ items, next: rows.length > limit ? [rows[limit - 1]!.id] : undefined });
  });

  router.post('/api/v1/tariffs', operator, async (ctx) => {
    const items = await readJson(ctx, 16 * 1024 * 1024);
    const body = items && typeof items === 'object' && !Array.isArray(items) && 'tariffs' in items ? (items as { tariffs: unknown }).tariffs : items;
    ctx.body = await importTariffs(db(), body, actorOf(ctx), now());
  });
}

/**
 * The evidence as the API shows it: screenshots are the worker's paths on its disk, which are not a
 * reader's business (issue #16); they are referenced by run and artifact name (`screenshotUrls`) only.
 */
export function publicEvidence(evidence: unknown): Record<string, unknown> {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return {};
  const { screenshots, details, ...rest } = evidence as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (Array.isArray(screenshots)) out.screenshotCount = screenshots.length;
  if (Array.isArray(details)) {
    out.details = details.map((d) => {
      if (!d || typeof d !== 'object') return d;
      const { screenshots: shots, ...keep } = d as Record<string, unknown>;
      return Array.isArray(shots) ? { ...keep, screenshotCount: shots.length } : keep;
    });
  }
  return out;
}

const listView = (row: Parameters<typeof incidentView>[0]) => {
  const view = incidentView(row);
  return { ...view, evidence: publicEvidence(view.evidence) };
};

/**
 * The evidence keeps screenshots as the worker's paths; a reader needs URLs. Each path is found among
 * the failed runs of its check in the evidence's failure window and served by GET /api/v1/runs/:id/artifacts/:name.
 */
export async function screenshotUrls(db: Db, evidence: Record<string, unknown>): Promise<{ check: string; run: string; name: string; url: string }[]> {
  const details = Array.isArray(evidence.details) ? (evidence.details as { key?: unknown; firstFailureAt?: unknown; lastFailureAt?: unknown; screenshots?: unknown }[]) : [];
  const out: { check: string; run: string; name: string; url: string }[] = [];
  for (const d of details) {
    const shots = Array.isArray(d.screenshots) ? d.screenshots.filter((x): x is string => typeof x === 'string') : [];
    if (shots.length === 0 || typeof d.key !== 'string' || typeof d.firstFailureAt !== 'string' || typeof d.lastFailureAt !== 'string') continue;
    const runs = await db.query<{ id: string; artifacts: { name?: string; path?: string }[] | null }>(
      "SELECT id::text AS id, observations->'artifacts' AS artifacts FROM check_results WHERE check_key = $1 AND at BETWEEN $2 AND $3 AND NOT ok ORDER BY at",
      [d.key, new Date(d.firstFailureAt).toISOString(), new Date(new Date(d.lastFailureAt).getTime() + 1000).toISOString()],
    );
    for (const shot of shots) {
      for (const r of runs) {
        const a = (Array.isArray(r.artifacts) ? r.artifacts : []).find((x) => (x.path ?? x.name) === shot && typeof x.name === 'string');
        if (a?.name) {
          out.push({ check: d.key, run: r.id, name: a.name, url: `/api/v1/runs/${r.id}/artifacts/${encodeURIComponent(a.name)}` });
          break;
        }
      }
    }
  }
  return out;
}
