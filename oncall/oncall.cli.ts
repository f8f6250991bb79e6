/**
 * `kuzet oncall`, `kuzet mute`, `kuzet unmute`, `kuzet mutes` (issue #21 items 2–3).
 *
 *   kuzet oncall [schedule] [--at 2026-12-07T09:00:00+05:00] [--days 14] [--json]
 *   kuzet mute check portal/homepage/http --reason "flapping, vendor ticket 123" --for 2h
 *   kuzet mute module portal/search --reason "…" --until 2026-12-03T18:00:00+05:00
 *   kuzet unmute mute_1a2b3c4d5e6f · kuzet mutes [--all]
 *
 * `oncall` reads the configuration only. The mute commands write to the database of the config (or
 * `--data-dir`), or, with `--url` and a token (`--token` or KUZET_TOKEN), go through a running kuzet's
 * API: a running `kuzet demo` holds its PGlite directory, so that is the way to mute there. Every
 * mute is audited, from the CLI as `system:cli`, through the API as the token.
 */
import type { Command } from 'commander';
import type { KuzetConfig } from '../core/config.ts';
import { InputError, KuzetError } from '../core/errors.ts';
import { formatAstana, parseDateTimeMs } from '../core/time.ts';
import type { Mute, MuteService } from './mutes.ts';
import type { ScheduleNow, ShiftView } from './views.ts';

type Ctx = { loadConfig: (configPath: string | undefined) => KuzetConfig };
type Remote = { url?: string; token?: string };
type DbOpts = { config?: string; dataDir?: string } & Remote;

const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);

function sourceText(v: ShiftView): string {
  const s = v.source;
  if (s.kind === 'layer') return `layer ${s.layer}`;
  if (s.kind === 'override') return `override${s.reason ? ` (${s.reason})` : ''}`;
  return `holiday ${s.date}${s.layer ? `, layer ${s.layer}` : ''}`;
}

const shiftLine = (v: ShiftView) => `${v.person.name} <${v.person.email}>  ${v.start} → ${v.end}  [${sourceText(v)}]`;

function scheduleText(s: ScheduleNow): string {
  const head = `${s.id}${s.name ? ` (${s.name})` : ''}`;
  const now = s.onCall ? shiftLine(s.onCall) : 'nobody on call';
  const next = s.next ? `\n  next: ${shiftLine(s.next)}` : '';
  return `${head}\n  now:  ${now}${next}`;
}

function daysOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 92) throw new InputError('a whole number of days from 1 to 92', 'days');
  return n;
}

async function oncallAction(ctx: Ctx, schedule: string | undefined, o: { config?: string; at?: string; days?: number; json?: boolean }) {
  const { onCallView, scheduleNow, shiftView } = await import('./views.ts');
  const { shiftsBetween, UnknownScheduleError } = await import('./rota.ts');
  const oncall = ctx.loadConfig(o.config).oncall;
  const at = o.at === undefined ? Date.now() : parseDateTimeMs(o.at, 'at');
  if (schedule === undefined) {
    const v = onCallView(oncall, at);
    if (o.json) return print(v);
    if (v.schedules.length === 0) return void process.stdout.write('no on-call schedules in the configuration (oncall.schedules)\n');
    return void process.stdout.write(`at ${v.at}\n${v.schedules.map(scheduleText).join('\n')}\n`);
  }
  const s = oncall.schedules.find((x) => x.id === schedule);
  if (!s)
    throw new UnknownScheduleError(
      schedule,
      oncall.schedules.map((x) => x.id),
    );
  const shifts = shiftsBetween(oncall, s.id, at, at + (o.days ?? 14) * 86_400_000).map(shiftView);
  if (o.json) return print({ at: formatAstana(at), ...scheduleNow(oncall, s, at), shifts });
  process.stdout.write(`${scheduleText(scheduleNow(oncall, s, at))}\n  shifts:\n${shifts.map((x) => `    ${shiftLine(x)}`).join('\n')}\n`);
}

/** Calls a running kuzet's API with the token; an API error is the same error here (400 → exit 2). */
async function callApi(r: Remote, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = r.token ?? process.env.KUZET_TOKEN;
  if (!token) throw new InputError('required with --url: an operator token (--token or KUZET_TOKEN)', 'token');
  const res = await fetch(`${(r.url as string).replace(/\/+$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const out = (await res.json()) as { error?: { code: string; message: string; field?: string } };
  if (res.ok) return out;
  const e = out.error ?? { code: 'internal', message: `HTTP ${res.status}` };
  if (res.status === 400) throw new InputError(e.message.replace(/^[^:]+: /, ''), e.field);
  throw new KuzetError('unavailable', `${res.status}: ${e.message}`);
}

/** Runs `fn` on the MuteService of the config's database (or `--data-dir`). */
async function withMutes<T>(ctx: Ctx, o: DbOpts, fn: (m: MuteService) => Promise<T>): Promise<T> {
  const [{ configuredDb, migrate, openDb }, { MuteService }] = await Promise.all([import('../core/db.ts'), import('./mutes.ts')]);
  const config = ctx.loadConfig(o.config);
  const db = await openDb(configuredDb(config.storage, process.env, o.dataDir));
  try {
    await migrate(db);
    return await fn(new MuteService({ db: () => db, config: () => config, now: () => new Date() }));
  } finally {
    await db.close();
  }
}

const CLI_ACTOR = { id: 'system:cli' };

function muteLine(m: Mute): string {
  return `${m.id}  ${m.scope} ${m.subject}  ${m.state} until ${m.endsAt}  by ${m.by}: ${m.reason}`;
}

function remoteOptions(c: Command): Command {
  return c
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .option('--data-dir <dir>', "PGlite directory other than the config's")
    .option('--url <url>', 'a running kuzet (e.g. http://127.0.0.1:8080): go through its API instead of the database')
    .option('--token <token>', 'operator token for --url (default: KUZET_TOKEN)');
}

function registerMute(program: Command, ctx: Ctx): void {
  remoteOptions(
    program
      .command('mute')
      .description('mute a check, target or module for a while, with a reason')
      .argument('<scope>', 'check | target | module')
      .argument('<subject>', 'system/target/check, system/target or system/module')
      .requiredOption('--reason <text>', 'why (shown wherever the check appears)')
      .option('--for <duration>', 'how long: 30m, 2h, …')
      .option('--until <date-time>', 'or until when, ISO 8601 with offset'),
  ).action(async (scope: string, subject: string, o: DbOpts & { reason: string; for?: string; until?: string }) => {
    if (!['check', 'target', 'module'].includes(scope)) throw new InputError('must be one of check, target, module', 'scope');
    const input = {
      [scope]: subject,
      reason: o.reason,
      ...(o.for === undefined ? {} : { for: o.for }),
      ...(o.until === undefined ? {} : { until: o.until }),
    };
    const m = o.url
      ? ((await callApi(o, 'POST', '/api/v1/mutes', input)) as Mute)
      : await withMutes(ctx, o, (s) => s.mute(input, CLI_ACTOR));
    process.stdout.write(`${muteLine(m)}\n`);
  });
}

function registerUnmute(program: Command, ctx: Ctx): void {
  remoteOptions(program.command('unmute').description('end a mute now').argument('<id>', 'the mute id (mute_…)')).action(
    async (id: string, o: DbOpts) => {
      const m = o.url
        ? ((await callApi(o, 'DELETE', `/api/v1/mutes/${encodeURIComponent(id)}`)) as Mute)
        : await withMutes(ctx, o, (s) => s.unmute(id, CLI_ACTOR));
      process.stdout.write(`${muteLine(m)}\n`);
    },
  );
}

function registerMutes(program: Command, ctx: Ctx): void {
  remoteOptions(program.command('mutes').description('the mutes in force'))
    .option('--all', 'also mutes that ended in the last 7 days')
    .option('--json', 'JSON instead of lines')
    .action(async (o: DbOpts & { all?: boolean; json?: boolean }) => {
      const list = o.url
        ? ((await callApi(o, 'GET', `/api/v1/mutes${o.all ? '?all=1' : ''}`)) as { mutes: Mute[] }).mutes
        : await withMutes(ctx, o, (s) => (o.all ? s.recent() : s.active()));
      if (o.json) print({ mutes: list });
      else process.stdout.write(list.length === 0 ? 'no mutes\n' : `${list.map(muteLine).join('\n')}\n`);
    });
}

export function registerOncallCommands(program: Command, ctx: Ctx): void {
  program
    .command('oncall')
    .description('who is on call now in every schedule, or one schedule and its shifts')
    .argument('[schedule]', 'a schedule id of oncall.schedules')
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .option('--at <date-time>', 'ISO 8601 with offset (default now)')
    .option('--days <n>', 'with a schedule: the shifts of the next n days (default 14)', daysOption)
    .option('--json', 'JSON instead of text')
    .action((schedule: string | undefined, o: { config?: string; at?: string; days?: number; json?: boolean }) =>
      oncallAction(ctx, schedule, o),
    );
  registerMute(program, ctx);
  registerUnmute(program, ctx);
  registerMutes(program, ctx);
}
