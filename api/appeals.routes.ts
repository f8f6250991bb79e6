/**
 * Appeal routes: `POST /api/v1/appeals` and its attachment upload are public (rate-limited per IP
 * and per BIN/IIN; the upload needs the token the appeal answered with); reading an appeal needs a
 * viewer token, linking it to an incident an operator token. Every write is audited.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'koa';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import {
  MAX_ATTACHMENT_BYTES,
  appealUploadState,
  getAppealRow,
  insertAppealAttachment,
  listAppealAttachments,
  sniffAttachmentType,
  type IncidentService,
} from '../incidents/index.ts';
import { consumeBody, readJson, refuseDeclaredOver } from './http-util.ts';
import { actorOf, type Handler } from './route.ts';

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

/** What the appeal handlers use: the database and the incident service (each throws 503 while not running), the clock, the limiters. */
export interface AppealHandlerDeps {
  db: () => Db;
  service: () => IncidentService;
  now: () => Date;
  /** Absolute directory of the stored attachments. */
  attachmentsDir: string;
  perIp: RateLimiter;
  perBinIin: RateLimiter;
}

const tooLarge = () =>
  new KuzetError('invalid_input', `an attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, {
    status: 413,
    field: 'attachment',
  });

/** An appeal id as the URL gives it, or 404 (ids are bigint: anything else names no appeal). */
function appealIdOf(ctx: Context & { params: Record<string, string> }): string {
  const id = ctx.params.id as string;
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no appeal ${id}`);
  return id;
}

function refuseOverLimit(ctx: Context, wait: number, message: string, field?: string): void {
  if (wait <= 0) return;
  ctx.set('Retry-After', String(wait));
  throw new KuzetError('rate_limited', `${message}; try again in ${wait} s`, { status: 429, ...(field ? { field } : {}) });
}

/** POST /api/v1/appeals (public). */
export const registerAppeal =
  (d: AppealHandlerDeps): Handler =>
  async (ctx) => {
    refuseOverLimit(ctx, d.perIp.take(ctx.ip, d.now().getTime()), 'too many appeals from this address');
    const body = await readJson(ctx, 256 * 1024);
    const bin = binIinLimitKey(body);
    refuseOverLimit(ctx, bin ? d.perBinIin.take(bin, d.now().getTime()) : 0, 'too many appeals with this BIN/IIN', 'binIin');
    const r = await d.service().registerAppeal(body, ctx.ip);
    ctx.status = 201;
    ctx.body = { ...r, attachmentsUrl: `/api/v1/appeals/${r.appealId}/attachments` };
  };

/**
 * Streams an attachment to a temporary file: refused by its declared size before reading, by its
 * first bytes before anything is written, and as soon as it passes the limit.
 */
async function receiveAttachment(
  ctx: Context,
  dir: string,
): Promise<{ tmp: string; bytes: number; sha256: string; type: string; ext: string }> {
  refuseDeclaredOver(ctx, MAX_ATTACHMENT_BYTES, tooLarge);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.upload-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let out: WriteStream | undefined;
  let kind: { type: string; ext: string } | undefined;
  let size = 0;
  const start = (h: Buffer) => {
    kind = attachmentKind(ctx, h);
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

/** The attachment's kind from its first bytes; refused when they are no image or PDF, or not what Content-Type says. */
function attachmentKind(ctx: Context, head: Buffer): { type: string; ext: string } {
  const kind = sniffAttachmentType(head);
  if (!kind)
    throw new KuzetError('invalid_input', 'an attachment must be an image (PNG, JPEG, GIF, WEBP) or a PDF; its content is neither', {
      status: 415,
      field: 'attachment',
    });
  // A declared type that is not what the bytes are is a lie: refused, not silently re-labelled.
  const said = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  if (said && said !== 'application/octet-stream' && said !== kind.type)
    throw new KuzetError('invalid_input', `Content-Type says ${said} but the content is ${kind.type}`, {
      status: 415,
      field: 'content-type',
    });
  return kind;
}

/** The appeal an upload is for, once its upload token is checked and it has room for one more file. */
async function uploadTarget(ctx: Context, db: Db, appealId: string): Promise<{ incidentId: string }> {
  const token = ctx.get('x-upload-token');
  const a = await appealUploadState(db, appealId);
  if (!a) throw new NotFoundError(`no appeal ${appealId}`);
  const given = createHash('sha256').update(token).digest();
  if (!token || !timingSafeEqual(given, Buffer.from(a.upload_token_hash, 'hex')))
    throw new KuzetError('unauthorized', 'X-Upload-Token must be the uploadToken the appeal was answered with', { status: 401 });
  if (Number(a.n) >= MAX_ATTACHMENTS_PER_APPEAL)
    throw new InputError(`an appeal takes at most ${MAX_ATTACHMENTS_PER_APPEAL} attachments`, 'attachment');
  return { incidentId: a.incident_id };
}

/** POST /api/v1/appeals/:id/attachments (public, with the appeal's upload token). */
export const uploadAttachment =
  (d: AppealHandlerDeps): Handler =>
  async (ctx) => {
    const appealId = appealIdOf(ctx);
    const { incidentId } = await uploadTarget(ctx, d.db(), appealId);
    const name = typeof ctx.query.name === 'string' && ctx.query.name.trim() ? ctx.query.name.trim().slice(0, 200) : 'attachment';
    const dir = join(d.attachmentsDir, appealId);
    const f = await receiveAttachment(ctx, dir);
    const path = join(dir, `${f.sha256}.${f.ext}`);
    await rename(f.tmp, path);
    try {
      await d.db().transaction((tx) =>
        insertAppealAttachment(tx, {
          appealId,
          incidentId,
          name,
          type: f.type,
          bytes: f.bytes,
          sha256: f.sha256,
          path,
          at: d.now(),
          ip: ctx.ip,
        }),
      );
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    ctx.status = 201;
    ctx.body = { name, type: f.type, bytes: f.bytes, sha256: f.sha256 };
  };

/** GET /api/v1/appeals/:id (viewer). */
export const getAppeal =
  (d: AppealHandlerDeps): Handler =>
  async (ctx) => {
    const id = appealIdOf(ctx);
    const a = await getAppealRow(d.db(), id);
    if (!a) throw new NotFoundError(`no appeal ${id}`);
    const files = await listAppealAttachments(d.db(), id);
    ctx.body = {
      ...a,
      detected_at: formatAstana(new Date(a.detected_at as Date)),
      received_at: formatAstana(new Date(a.received_at as Date)),
      attachments: files.map((x) => ({ ...x, bytes: Number(x.bytes), at: formatAstana(new Date(x.at)) })),
    };
  };

/** POST /api/v1/appeals/:id/link (operator). */
export const linkAppeal =
  (d: AppealHandlerDeps): Handler =>
  async (ctx) => {
    const id = appealIdOf(ctx);
    ctx.body = await d.service().linkAppeal(id, await readJson(ctx), actorOf(ctx));
  };
