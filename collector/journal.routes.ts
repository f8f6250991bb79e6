/**
 * `GET /api/v1/journal?from&to&format&lang[&system&level&state]` (the journal as a file) and
 * `GET /api/v1/availability?from&to` (JSON). Entries come from `loadEntries`, to be wired to the
 * incident store; roles (viewer) are not enforced yet: the API has no roles today.
 */
import type Router from '@koa/router';
import type { KuzetConfig } from '../core/config.ts';
import { resolveChecks } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { ApiExtension, BackgroundPart, KuzetServices } from './services.ts';
import { UnavailableError } from '../core/errors.ts';
import { astanaDayTimeToMs } from '../core/time.ts';
import {
  JOURNAL_FORMATS,
  LEVEL_IDS,
  STATES,
  checkPeriod,
  computeAvailability,
  loadSeries,
  parseFormat,
  parseLang,
  renderJournal,
  type JournalEntry,
  type JournalFilters,
  type MaintenanceWindow,
} from '../incidents/journal/index.ts';

export interface JournalRouteDeps {
  loadEntries: (filters: JournalFilters) => Promise<readonly JournalEntry[]>;
  config: () => KuzetConfig;
  db: () => Db | undefined;
  /** Announced maintenance windows in a period (none until the notices store lands). */
  maintenance?: (from: number, to: number) => Promise<readonly MaintenanceWindow[]>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function registerJournalRoutes(router: Router, deps: JournalRouteDeps): void {
  router.get('/api/v1/journal', async (ctx) => {
    const q = ctx.query;
    const period = { from: str(q.from), to: str(q.to) };
    checkPeriod(period);
    const format = parseFormat(str(q.format) ?? 'html', JOURNAL_FORMATS, 'format');
    const lang = parseLang(str(q.lang) ?? 'ru', 'lang');
    const level = q.level === undefined ? undefined : parseFormat(str(q.level), LEVEL_IDS, 'level');
    const state = q.state === undefined ? undefined : parseFormat(str(q.state), STATES, 'state');
    const filters: JournalFilters = { ...period, system: str(q.system), level, state };
    const r = await renderJournal(await deps.loadEntries(filters), { format, lang, period, filters });
    ctx.type = r.contentType;
    ctx.set('Content-Disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${r.fileName}"`);
    ctx.body = r.body;
  });

  router.get('/api/v1/availability', async (ctx) => {
    const { fromDay, toDay } = checkPeriod({ from: str(ctx.query.from), to: str(ctx.query.to) });
    if (fromDay === undefined || toDay === undefined) {
      checkPeriod({ from: str(ctx.query.from) ?? '', to: str(ctx.query.to) ?? '' });
    }
    const db = deps.db();
    if (!db) throw new UnavailableError('the database is not open yet');
    const cfg = deps.config();
    const checks = resolveChecks(cfg).map((c) => ({ key: c.key, system: c.system, module: c.module ?? null, etp: cfg.systems[c.system]?.kind === 'etp', intervalMs: c.check.intervalMs }));
    const from = astanaDayTimeToMs(fromDay as number, 0);
    const to = astanaDayTimeToMs((toDay as number) + 1, 0);
    const maintenance = deps.maintenance ? await deps.maintenance(from, to) : [];
    ctx.body = computeAvailability({ from, to, series: await loadSeries(db, checks, new Date(from), new Date(to)), maintenance });
  });
}

/** Mounts the journal routes on a running kuzet (issue #8). Placeholder: not mounted until entries come from the incident store and the viewer role is enforced. */
export function journalExtension(_s: KuzetServices): ApiExtension {
  return () => undefined;
}

/** Background part of the journal (issue #8): the yearly January reminder to prepare the extract. Placeholder: runs nothing yet. */
export async function startJournalPart(_s: KuzetServices): Promise<BackgroundPart> {
  return { close: async () => undefined };
}
