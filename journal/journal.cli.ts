/**
 * `kuzet journal`, `kuzet extract` and `kuzet availability` (docs/rules.md §9). Bad options exit 2
 * naming the option (`--from: must not be after --to`). The journal and the extract read the
 * incident store of the configured database (`storage` of `-c FILE`, or `DATABASE_URL` /
 * `DATABASE_SCHEMA`) unless `--input FILE.json` gives the entries; availability reads `check_results`.
 * Maintenance windows come from the notices' table unless `--maintenance FILE.json` gives them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { resolveChecks, type KuzetConfig } from '../core/config.ts';
import { configuredDb, migrate, openDb, type Db } from '../core/db.ts';
import { InputError, KuzetError, issuesFromZod } from '../core/errors.ts';
import { astanaDayTimeToMs, epochDay, formatAstana, tryParseDateTimeMs } from '../core/time.ts';
import { EXTRACT_FORMATS, renderExtract } from './extract.ts';
import { JOURNAL_FORMATS, parseFormat, parseLang, renderJournal } from './render.ts';
import { LEVEL_IDS } from './labels.ts';
import { STATES, checkPeriod, parseEntries, parseExtractInput } from './model.ts';
import { AVAILABILITY_FORMATS, availabilityBody } from './render-availability.ts';
import { computeAvailability, type AvailabilityReport, type MaintenanceWindow } from './availability.ts';
import { loadSeries } from './availability.repo.ts';
import { incidentSpan, loadExtractInput, loadJournalEntries, loadMaintenanceWindows } from './journal.repo.ts';

export interface JournalCliDeps {
  /** The configuration of `-c FILE` (or the default), as the other commands load it. */
  loadConfig: (configOption: string | undefined) => KuzetConfig;
  /** The environment (`DATABASE_URL`, `DATABASE_SCHEMA`); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** The clock for the extract's open incidents and SLA clocks; the host's by default. */
  now?: () => Date;
}

/** Opens the configured database (read by the journal, the extract and availability), runs `fn`, closes it. */
async function withDb<T>(
  deps: JournalCliDeps,
  configOption: string | undefined,
  fn: (db: Db, config: KuzetConfig) => Promise<T>,
): Promise<T> {
  const config = deps.loadConfig(configOption);
  const env = deps.env ?? process.env;
  const db = await openDb(configuredDb(config.storage, env));
  try {
    // A database never started by kuzet has no tables yet: the same migrations as `kuzet start` (idempotent).
    await migrate(db);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

function readJson(path: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, option);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, option);
  }
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T | undefined {
  return value === undefined ? undefined : parseFormat(value, allowed, option);
}

function writeOut(path: string, body: Buffer | string): void {
  try {
    writeFileSync(path, body);
  } catch (e) {
    throw new InputError(`cannot write: ${(e as Error).message}`, '--out');
  }
  process.stdout.write(`${JSON.stringify({ out: path, bytes: Buffer.byteLength(body) })}\n`);
}

const windowsSchema = z.array(
  z.strictObject({
    system: z.string().min(1),
    modules: z.array(z.string().min(1)).optional(),
    start: z.string().refine((s) => tryParseDateTimeMs(s) !== undefined, 'not an ISO 8601 date-time with offset'),
    end: z.string().refine((s) => tryParseDateTimeMs(s) !== undefined, 'not an ISO 8601 date-time with offset'),
  }),
);

/** Maintenance windows from a JSON file: `[{system, modules?, start, end}]`. */
export function parseWindows(input: unknown, option = '--maintenance'): MaintenanceWindow[] {
  const r = windowsSchema.safeParse(input);
  if (!r.success)
    throw new InputError(
      issuesFromZod(r.error.issues).map((i) => ({ ...i, field: `${option}${i.field.startsWith('[') ? '' : ' '}${i.field}` })),
    );
  return r.data.map((w, i) => {
    const start = tryParseDateTimeMs(w.start) as number;
    const end = tryParseDateTimeMs(w.end) as number;
    if (end <= start) throw new InputError('end must be after start', `${option}[${i}].end`);
    return { system: w.system, modules: w.modules, start, end };
  });
}

/** The store a command read, as a user would name it. */
function storeName(config: KuzetConfig, env: NodeJS.ProcessEnv): string {
  const o = configuredDb(config.storage, env);
  if (o.databaseUrl) return `PostgreSQL (DATABASE_URL${o.schema ? `, schema ${o.schema}` : ''})`;
  const dir = o.dataDir ?? './data';
  return dir.startsWith('memory://') ? 'PGlite in memory' : `PGlite in ${resolve(dir)}`;
}

/**
 * No journal rows: a store with no incident at all is most likely the wrong store (`./data` instead of
 * the demo's), so nothing is written and the command fails saying so (issue #21 item 9); a store with
 * incidents outside the period writes the empty form and says what the store holds.
 */
async function sayWhyEmpty(db: Db, store: string, f: { from: string; to: string }): Promise<void> {
  const span = await incidentSpan(db);
  if (span.count === 0)
    throw new KuzetError(
      'not_found',
      `no journal written: the store (${store}) holds no incidents. The stopped demo's store is read with -c data/kuzet-demo.yaml ` +
        '(while the demo runs: GET /api/v1/journal with its token); an empty form on purpose: --input with []',
    );
  const when = (d: Date | null) => (d ? formatAstana(d) : '—');
  process.stderr.write(
    `warning: no incident received from ${f.from} to ${f.to} matches; the journal has no rows ` +
      `(the store, ${store}, holds ${span.count}, received from ${when(span.first)} to ${when(span.last)})\n`,
  );
}

export function registerJournalCommands(program: Command, deps: JournalCliDeps): void {
  registerJournal(program, deps);
  registerExtract(program, deps);
  registerAvailability(program, deps);
}

/** `kuzet journal`: the journal in the prescribed form, from the database or `--input`. */
function registerJournal(program: Command, deps: JournalCliDeps): void {
  program
    .command('journal')
    .description('the journal of failure appeals in the prescribed form (docs/rules.md §9)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (Astana)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (Astana)')
    .requiredOption('--format <format>', JOURNAL_FORMATS.join('|'))
    .option('--lang <lang>', 'ru|kk', 'ru')
    .requiredOption('--out <file>', 'output file')
    .option('-i, --input <file>', 'journal entries JSON instead of the database, or - for stdin')
    .option('-c, --config <file>', 'configuration file (its storage is the database read)')
    .option('--system <id>', 'only this system')
    .option('--level <level>', LEVEL_IDS.join('|'))
    .option('--state <state>', STATES.join('|'))
    .action(
      async (o: {
        from: string;
        to: string;
        format: string;
        lang: string;
        out: string;
        input?: string;
        config?: string;
        system?: string;
        level?: string;
        state?: string;
      }) => {
        checkPeriod({ from: o.from, to: o.to }, '--');
        const format = parseFormat(o.format, JOURNAL_FORMATS, '--format');
        const lang = parseLang(o.lang, '--lang');
        const level = oneOf(o.level, LEVEL_IDS, '--level');
        const state = oneOf(o.state, STATES, '--state');
        const filters = { from: o.from, to: o.to, system: o.system, level, state };
        const entries = o.input
          ? parseEntries(readJson(o.input, '--input'))
          : await withDb(deps, o.config, async (db, config) => {
              const found = await loadJournalEntries(db, filters, lang);
              if (found.length === 0) await sayWhyEmpty(db, storeName(config, deps.env ?? process.env), filters);
              return found;
            });
        const r = await renderJournal(entries, {
          format,
          lang,
          period: { from: o.from, to: o.to },
          filters: { system: o.system, level, state },
        });
        writeOut(o.out, r.body);
      },
    );
}

/** `kuzet extract`: the annual extract for the owner (001 §21). */
function registerExtract(program: Command, deps: JournalCliDeps): void {
  program
    .command('extract')
    .description('the annual extract of the journal for the owner (001 §21)')
    .requiredOption('--year <yyyy>', 'the year')
    .option('--lang <lang>', 'ru|kk', 'ru')
    .requiredOption('--format <format>', EXTRACT_FORMATS.join('|'))
    .requiredOption('--out <file>', 'output file')
    .option('-i, --input <file>', 'extract input JSON (entries, details, downtime, sla) instead of the database, or - for stdin')
    .option('-c, --config <file>', 'configuration file (its storage is the database read)')
    .option('--maintenance <file>', 'announced maintenance windows JSON instead of the database: [{system, modules?, start, end}]')
    .option('--head <name>', 'head of the operator, for the signature block')
    .option('--responsible <name>', 'responsible person of the technical administration department')
    .option('--letter-ref <text>', 'the cover letter number and date')
    .action(
      async (o: {
        year: string;
        lang: string;
        format: string;
        out: string;
        input?: string;
        config?: string;
        maintenance?: string;
        head?: string;
        responsible?: string;
        letterRef?: string;
      }) => {
        if (!/^\d{4}$/.test(o.year)) throw new InputError('a year YYYY', '--year');
        const format = parseFormat(o.format, EXTRACT_FORMATS, '--format');
        const lang = parseLang(o.lang, '--lang');
        const year = Number(o.year);
        const given = o.maintenance ? parseWindows(readJson(o.maintenance, '--maintenance')) : undefined;
        const people = { headOfOperator: o.head, responsiblePerson: o.responsible, letterRef: o.letterRef };
        const input = o.input
          ? parseExtractInput(
              {
                ...(readJson(o.input, '--input') as object),
                ...Object.fromEntries(Object.entries(people).filter(([, v]) => v !== undefined)),
              },
              year,
            )
          : await withDb(deps, o.config, async (db) => {
              const from = astanaDayTimeToMs(epochDay(year, 1, 1), 0);
              const to = astanaDayTimeToMs(epochDay(year + 1, 1, 1), 0);
              const maintenance = given ?? (await loadMaintenanceWindows(db, from, to));
              return loadExtractInput(db, year, { now: (deps.now ?? (() => new Date()))(), lang, maintenance, ...people });
            });
        const r = await renderExtract(input, { format, lang });
        writeOut(o.out, r.body);
      },
    );
}

/** `kuzet availability`: uptime per system, module and ETP from check results, maintenance apart. */
function registerAvailability(program: Command, deps: JournalCliDeps): void {
  program
    .command('availability')
    .description('uptime per system, module and ETP per day and month from check results, maintenance apart')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (Astana)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (Astana)')
    .option('--format <format>', 'json|csv|xlsx', 'json')
    .option('--out <file>', 'output file (required for xlsx; stdout otherwise)')
    .option('--maintenance <file>', 'announced maintenance windows JSON instead of the database: [{system, modules?, start, end}]')
    .option('-c, --config <file>', 'configuration file')
    .action(async (o: { from: string; to: string; format: string; out?: string; maintenance?: string; config?: string }) => {
      const { fromDay, toDay } = checkPeriod({ from: o.from, to: o.to }, '--');
      const format = parseFormat(o.format, AVAILABILITY_FORMATS, '--format');
      if (format === 'xlsx' && !o.out) throw new InputError('required for xlsx', '--out');
      const given = o.maintenance ? parseWindows(readJson(o.maintenance, '--maintenance')) : undefined;
      const from = astanaDayTimeToMs(fromDay as number, 0);
      const to = astanaDayTimeToMs((toDay as number) + 1, 0);
      const report: AvailabilityReport = await withDb(deps, o.config, async (db, config) => {
        const checks = resolveChecks(config).map((c) => ({
          key: c.key,
          system: c.system,
          module: c.module ?? null,
          etp: config.systems[c.system]?.kind === 'etp',
          intervalMs: c.check.intervalMs,
        }));
        const maintenance = given ?? (await loadMaintenanceWindows(db, from, to));
        return computeAvailability({ from, to, series: await loadSeries(db, checks, new Date(from), new Date(to)), maintenance });
      });
      const body = await availabilityBody(report, format);
      if (o.out) writeOut(o.out, body);
      else process.stdout.write(body);
    });
}
