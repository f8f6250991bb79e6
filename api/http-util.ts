/**
 * Small Koa helpers shared by every route: JSON errors, body reading with a size cap.
 */
import type { Context, Next } from 'koa';
import { formatPath, InputError, KuzetError } from '../core/errors.ts';
import { parseInstant } from '../core/instant.ts';
import { RateLimitedError } from '../core/rate-limit.ts';
import type { Logger } from '../core/log.ts';

/** Turns every error into `{error:{code,message,field?}}`; never a stack trace. */
export function errorMiddleware(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `no route ${ctx.method} ${ctx.path}` } };
      }
    } catch (e) {
      if (e instanceof KuzetError) {
        ctx.status = e.status;
        if (e instanceof RateLimitedError) ctx.set('Retry-After', String(e.retryAfterSeconds));
        // A problem with the body as a whole (wrong type, unknown top-level key) names the body itself.
        const field = e.field || (e.code === 'invalid_input' && e.status < 500 ? 'body' : undefined);
        ctx.body = {
          error: {
            code: e.code,
            message: e.message,
            ...(field ? { field } : {}),
            ...(e instanceof InputError && e.issues.length > 1 ? { issues: e.issues } : {}),
          },
        };
      } else {
        const status = (e as { status?: number }).status;
        if (typeof status === 'number' && status >= 400 && status < 500) {
          ctx.status = status;
          ctx.body = { error: { code: 'invalid_input', message: (e as Error).message, field: 'body' } };
        } else {
          log.error({ err: (e as Error).message, stack: (e as Error).stack, path: ctx.path }, 'request failed');
          ctx.status = 500;
          ctx.body = { error: { code: 'internal', message: 'internal error; see the server log' } };
        }
      }
    }
  };
}

/**
 * Reads the body chunk by chunk. A throw from `onChunk` refuses the body: reading stops, the error
 * answer goes out and the connection closes after it (destroying the socket at once, as leaving a
 * `for await` loop does, would leave the answer nowhere to go).
 */
export function consumeBody(ctx: Context, onChunk: (chunk: Buffer) => void): Promise<void> {
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      req.off('data', data);
      req.off('end', end);
      req.off('error', fail);
    };
    const data = (c: Buffer) => {
      try {
        onChunk(c);
      } catch (e) {
        cleanup();
        closeAfterAnswer(ctx);
        reject(e);
      }
    };
    const end = () => {
      cleanup();
      resolve();
    };
    const fail = (e: Error) => {
      cleanup();
      reject(e);
    };
    req.on('data', data);
    req.on('end', end);
    req.on('error', fail);
  });
}

/** How long, and how much more, a refused body is read and thrown away once the answer is out. */
const LINGER_MS = 3_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * Refuses the rest of a body. The answer goes out first; then what the client still sends is read and
 * discarded for a moment (a lingering close): closing at once, with its bytes unread, resets the TCP
 * connection, and the reset makes most clients drop the 413 they were sent. A client that keeps sending
 * past {@link LINGER_MS} or {@link LINGER_BYTES} is cut off.
 */
function closeAfterAnswer(ctx: Context): void {
  const req = ctx.req;
  req.pause();
  ctx.set('Connection', 'close');
  ctx.res.once('finish', () => {
    let discarded = 0;
    const cut = () => req.destroy();
    const timer = setTimeout(cut, LINGER_MS);
    timer.unref();
    req.on('data', (c: Buffer) => {
      discarded += c.length;
      if (discarded > LINGER_BYTES) cut();
    });
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}

/** Refuses, before reading any of it, a body whose declared length is over `limit`: `tooLarge` is thrown. */
export function refuseDeclaredOver(ctx: Context, limit: number, tooLarge: () => Error): void {
  if (Number(ctx.get('content-length') || 0) <= limit) return;
  closeAfterAnswer(ctx);
  throw tooLarge();
}

/** Reads a body of at most `limit` bytes as UTF-8; past the limit a 413 goes out and the connection closes. */
export async function readBodyText(ctx: Context, limit: number): Promise<string> {
  const tooLarge = () => new KuzetError('invalid_input', `body larger than ${limit} bytes`, { status: 413 });
  refuseDeclaredOver(ctx, limit, tooLarge);
  const chunks: Buffer[] = [];
  let size = 0;
  await consumeBody(ctx, (chunk) => {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body of at most `limit` bytes; stops reading as soon as the limit is passed (413). */
export async function readJson(ctx: Context, limit = 1_048_576): Promise<unknown> {
  const text = await readBodyText(ctx, limit);
  if (text.trim() === '') throw new InputError('a JSON body is required', 'body');
  return parseJsonBody(text);
}

/**
 * Parses a JSON body and refuses what no database column can hold: PostgreSQL's text and JSONB take no
 * NUL character (`\u0000`), and its UTF-8 encoding no lone surrogate (`\ud800` without its pair). Both
 * are valid JSON, so the parser lets them through; left there they reach an INSERT and come back as a
 * 500 (PostgreSQL) or are stored mangled (PGlite). Refused here, once for every route, naming the field.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, 'body');
  }
  const bad = unstorableAt(value, []);
  if (bad) throw new InputError(bad.message, bad.path.length === 0 ? 'body' : formatPath(bad.path));
  return value;
}

/** A form body (`%00` decodes to NUL) is refused like a JSON one: 400 naming the field. */
export function refuseUnstorableFields<T extends Record<string, string>>(fields: T): T {
  const bad = unstorableAt(fields, []);
  if (bad) throw new InputError(bad.message, formatPath(bad.path));
  return fields;
}

// A NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- the NUL is what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(s: string): string | undefined {
  const m = UNSTORABLE.exec(s);
  if (!m) return undefined;
  return m[0] === '\u0000'
    ? 'must not contain a NUL character (\\u0000)'
    : 'must not contain a lone UTF-16 surrogate (not valid Unicode text)';
}

/** A place in a body: its parent's place and its own key or index (a path is built only for the one reported). */
type Place = { up: Place | undefined; at: string | number } | undefined;
const pathOf = (place: Place): (string | number)[] => {
  const out: (string | number)[] = [];
  for (let p = place; p; p = p.up) out.push(p.at);
  return out.reverse();
};

/**
 * The path and problem of the first string (value or key) in `v` that cannot be stored, depth first.
 * Walked with a stack of its own, not by recursion: JSON.parse takes any depth, and a body of a few
 * hundred kilobytes of `[` overflowed the call stack (a 500 instead of an answer).
 */
export function unstorableAt(v: unknown, path: (string | number)[]): { path: (string | number)[]; message: string } | undefined {
  let root: Place;
  for (const at of path) root = { up: root, at };
  // An item is a value to look into, or an object's key to check before its value.
  const todo: ({ value: unknown; place: Place } | { key: string; place: Place })[] = [{ value: v, place: root }];
  for (let item = todo.pop(); item; item = todo.pop()) {
    if ('key' in item) {
      const kp = problemOf(item.key);
      if (kp)
        return { path: [...pathOf(item.place), item.key.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD')], message: `a key ${kp}` };
      continue;
    }
    const x = item.value;
    if (typeof x === 'string') {
      const p = problemOf(x);
      if (p) return { path: pathOf(item.place), message: p };
    } else if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) todo.push({ value: x[i], place: { up: item.place, at: i } });
    } else if (x !== null && typeof x === 'object') {
      const entries = Object.entries(x);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, y] = entries[i]!;
        todo.push({ value: y, place: { up: item.place, at: k } }, { key: k, place: item.place });
      }
    }
  }
  return undefined;
}

/** Parses a strict ISO 8601 instant (a real date, an explicit offset) from the query, naming the parameter when it is not one. */
export function queryDate(ctx: Context, name: string, fallback: Date): Date {
  const v = ctx.query[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new InputError('give it once', name);
  const r = parseInstant(v);
  if (!r.ok) throw new InputError(r.reason, name);
  return new Date(r.ms);
}

export function queryInt(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const v = ctx.query[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max) throw new InputError(`an integer from ${min} to ${max}`, name);
  return n;
}
