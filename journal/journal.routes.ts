/**
 * The journal on a running kuzet (docs/rules.md §9, issue #8):
 * `GET /api/v1/journal?from&to&format&lang[&system&level&state]` (the journal as a file),
 * `GET /api/v1/journal/extract?year&lang&format` (the annual extract, 001 §21) and
 * `GET /api/v1/availability?from&to[&format]`, all for the viewer role; entries come from the
 * incident store, maintenance windows from the notices store. The background part schedules the
 * yearly January reminder to prepare the extract, sent to the operator's channels.
 */
import type Router from '@koa/router';
import type { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import type { Context, Middleware } from 'koa';
import { audit } from '../core/audit.ts';
import { requireRole } from '../core/auth.ts';
import { type KuzetConfig, resolveChecks } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { InputError, UnavailableError } from '../core/errors.ts';
import { astanaDayTimeToMs, epochDay } from '../core/time.ts';
import { AVAILABILITY_CONTENT_TYPES, AVAILABILITY_FORMATS, availabilityBody } from './render-availability.ts';
import { EXTRACT_FORMATS, renderExtract } from './extract.ts';
import { EXTRACT_REMINDER_JOB, EXTRACT_REMINDER_SCHEDULE, extractReminder } from './reminder.ts';
import { JOURNAL_FORMATS, parseFormat, parseLang, renderJournal } from './render.ts';
import { LEVEL_IDS, type Lang } from './labels.ts';
import { STATES, checkPeriod, type ExtractInput, type JournalEntry, type JournalFilters } from './model.ts';
import { computeAvailability, type MaintenanceWindow } from './availability.ts';
import { loadExtractInput, loadJournalEntries } from './journal.repo.ts';
import { loadSeries } from './availability.repo.ts';
import { fanOut, insertDeliveries, type DeliveryRow, type NoticeService } from '../notices/index.ts';

export interface JournalRouteDeps {
  loadEntries: (filters: JournalFilters, lang: Lang) => Promise<readonly JournalEntry[]>;
  config: () => KuzetConfig;
  db: () => Db | undefined;
  /** Announced maintenance windows overlapping `[from, to)` (epoch ms). */
  maintenance?: (from: number, to: number) => Promise<readonly MaintenanceWindow[]>;
  /** The annual extract's input for a year (absent: the extract route answers 503). */
  loadExtract?: (year: number, lang: Lang, maintenance: readonly MaintenanceWindow[]) => Promise<ExtractInput>;
  /** Middleware run before every route (the viewer role on a running kuzet). */
  guard?: Middleware;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `attachment; filename="…"`: the names are ASCII already (journalFileName). */
const disposition = (inline: boolean, fileName: string) => `${inline ? 'inline' : 'attachment'}; filename="${fileName}"`;

const journalFile = (deps: JournalRouteDeps) => async (ctx: Context) => {
  const q = ctx.query;
  const period = { from: str(q.from), to: str(q.to) };
  checkPeriod(period);
  const format = parseFormat(str(q.format) ?? 'html', JOURNAL_FORMATS, 'format');
  const lang = parseLang(str(q.lang) ?? 'ru', 'lang');
  const level = q.level === undefined ? undefined : parseFormat(str(q.level), LEVEL_IDS, 'level');
  const state = q.state === undefined ? undefined : parseFormat(str(q.state), STATES, 'state');
  const filters: JournalFilters = { ...period, system: str(q.system), level, state };
  const r = await renderJournal(await deps.loadEntries(filters, lang), { format, lang, period, filters });
  ctx.type = r.contentType;
  ctx.set('Content-Disposition', disposition(format === 'html', r.fileName));
  ctx.body = r.body;
};

const extractFile = (deps: JournalRouteDeps) => async (ctx: Context) => {
  const year = str(ctx.query.year);
  if (year === undefined || !/^\d{4}$/.test(year)) throw new InputError('a year YYYY', 'year');
  const lang = parseLang(str(ctx.query.lang) ?? 'ru', 'lang');
  const format = parseFormat(str(ctx.query.format) ?? 'pdf', EXTRACT_FORMATS, 'format');
  if (!deps.loadExtract) throw new UnavailableError('the extract needs the incident store');
  const y = Number(year);
  const from = astanaDayTimeToMs(epochDay(y, 1, 1), 0);
  const to = astanaDayTimeToMs(epochDay(y + 1, 1, 1), 0);
  const maintenance = deps.maintenance ? await deps.maintenance(from, to) : [];
  const r = await renderExtract(await deps.loadExtract(y, lang, maintenance), { format, lang });
  ctx.type = r.contentType;
  ctx.set('Content-Disposition', disposition(false, r.fileName));
  ctx.body = r.body;
};

const availability = (deps: JournalRouteDeps) => async (ctx: Context) => {
  const from0 = str(ctx.query.from);
  const to0 = str(ctx.query.to);
  if (from0 === undefined) throw new InputError('required: a date YYYY-MM-DD', 'from');
  if (to0 === undefined) throw new InputError('required: a date YYYY-MM-DD', 'to');
  const { fromDay, toDay } = checkPeriod({ from: from0, to: to0 });
  const format = parseFormat(str(ctx.query.format) ?? 'json', AVAILABILITY_FORMATS, 'format');
  const db = deps.db();
  if (!db) throw new UnavailableError('the database is not open yet');
  const cfg = deps.config();
  const checks = resolveChecks(cfg).map((c) => ({
    key: c.key,
    system: c.system,
    module: c.module ?? null,
    etp: cfg.systems[c.system]?.kind === 'etp',
    intervalMs: c.check.intervalMs,
  }));
  const from = astanaDayTimeToMs(fromDay as number, 0);
  const to = astanaDayTimeToMs((toDay as number) + 1, 0);
  const maintenance = deps.maintenance ? await deps.maintenance(from, to) : [];
  const report = computeAvailability({ from, to, series: await loadSeries(db, checks, new Date(from), new Date(to)), maintenance });
  ctx.type = AVAILABILITY_CONTENT_TYPES[format];
  if (format !== 'json') ctx.set('Content-Disposition', disposition(false, `availability_${from0}_${to0}.${format}`));
  ctx.body = format === 'json' ? report : await availabilityBody(report, format);
};

export function registerJournalRoutes(router: Router, deps: JournalRouteDeps): void {
  const guard: Middleware = deps.guard ?? ((_ctx, next) => next());
  router.get('/api/v1/journal', guard, journalFile(deps));
  router.get('/api/v1/journal/extract', guard, extractFile(deps));
  router.get('/api/v1/availability', guard, availability(deps));
}

/** What the journal uses of a running kuzet: the database, the config, the clock, and the notices' maintenance windows. */
export interface JournalDeps {
  config(): KuzetConfig;
  db(): Db;
  now(): Date;
  notices: { readonly service: Pick<NoticeService, 'listMaintenance'> };
}

/** What the yearly reminder uses: the operator's channels, the outbox and the delivery queue (absent until Redis is reached). */
export interface ReminderDeps {
  config(): KuzetConfig;
  db(): Db;
  log: Logger;
  notices: { readonly deliveries?: { enqueue(rows: DeliveryRow[]): Promise<unknown> } | undefined };
}

/** What the journal's background part uses: the reminder's needs, the clock, and Redis under the installation's prefix. */
export interface JournalPartDeps extends ReminderDeps {
  now(): Date;
  /** The Redis connection once reached (undefined before). */
  redis(): Redis | undefined;
  prefix(): string;
}

/** Announced maintenance windows from the notices store that overlap `[from, to)`. */
export async function maintenanceFromNotices(s: Pick<JournalDeps, 'notices'>, from: number, to: number): Promise<MaintenanceWindow[]> {
  const windows = await s.notices.service.listMaintenance({ from: new Date(from) });
  return windows
    .map((w) => ({
      system: w.system,
      modules: (w.input as { modules?: string[] } | null)?.modules ?? [],
      start: Date.parse(w.startsAt),
      end: Date.parse(w.endsAt),
    }))
    .filter((w) => w.start < to && w.end > from);
}

/** Mounts the journal routes on a running kuzet (issue #8): entries from the incident store, the viewer role required. */
export function journalExtension(s: JournalDeps): (app: unknown, router: Router) => void {
  return (_app, router) =>
    registerJournalRoutes(router, {
      loadEntries: (filters, lang) => loadJournalEntries(s.db(), filters, lang),
      loadExtract: (year, lang, maintenance) => loadExtractInput(s.db(), year, { now: s.now(), lang, maintenance }),
      config: () => s.config(),
      db: () => s.db(),
      maintenance: (from, to) => maintenanceFromNotices(s, from, to),
      guard: requireRole(() => s.db(), 'viewer'),
    });
}

/** The journal's BullMQ queue (under the installation's prefix): the yearly extract reminder. */
export const JOURNAL_QUEUE = 'journal';

/**
 * Sends the reminder to prepare the extract to the operator's channels (Slack, webhooks and the
 * e-mail channels' own recipients: no public subscribers) through the notices' delivery outbox,
 * once per year (the delivery keys carry the year), audited.
 */
export async function sendExtractReminder(s: ReminderDeps, now: Date): Promise<{ year: number; deliveries: string[] }> {
  const r = extractReminder(now);
  const event = `journal.extract-reminder:${r.year}`;
  const rows = fanOut(
    event,
    { threadKey: event, texts: r.texts, data: { kind: 'journal.extract-reminder', year: r.year, rule: '001 §21' } },
    s.config().notifications.channels,
    [],
    { chat: true },
  );
  await s.db().transaction(async (tx) => {
    await insertDeliveries(tx, rows);
    await audit(tx, {
      actor: 'system:journal',
      action: 'journal.extract-reminder',
      subject: String(r.year),
      after: { subject: r.subject, deliveries: rows.map((x) => x.key) },
      at: now,
    });
  });
  await s.notices.deliveries?.enqueue(rows);
  s.log.info({ year: r.year, deliveries: rows.length }, r.subject);
  return { year: r.year, deliveries: rows.map((x) => x.key) };
}

/** Background part of the journal (issue #8): the yearly reminder, a BullMQ job scheduler at 09:00 Astana time on January 10. */
export async function startJournalPart(s: JournalPartDeps): Promise<{ close(): Promise<void> }> {
  const redis = s.redis();
  if (!redis) return { close: async () => undefined };
  const queue = new Queue(JOURNAL_QUEUE, { connection: redis, prefix: s.prefix() });
  queue.on('error', () => undefined);
  await queue.upsertJobScheduler(
    EXTRACT_REMINDER_JOB,
    { ...EXTRACT_REMINDER_SCHEDULE },
    {
      name: EXTRACT_REMINDER_JOB,
      opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 10, removeOnFail: 20 },
    },
  );
  const connection = redis.duplicate();
  connection.on('error', () => undefined);
  const worker = new Worker(
    JOURNAL_QUEUE,
    async (job) => {
      if (job.name === EXTRACT_REMINDER_JOB) return sendExtractReminder(s, s.now());
      return undefined;
    },
    { connection, prefix: s.prefix() },
  );
  worker.on('error', () => undefined);
  worker.on('failed', (job, err) => s.log.warn({ job: job?.name, err: err.message }, 'journal job failed'));
  return {
    close: async () => {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
