/**
 * The rules commands: `calendar`, `sla`, `lead-time`, `deadlines`, `etp-streak` (pure functions of
 * their input, printed as JSON) and `ntp`. Definitions only at the top: an action imports the rules
 * it evaluates when it runs, so these commands start in well under a second.
 */
import { Option, type Command } from 'commander';
import { InputError, KuzetError, issuesFromZod } from '../core/errors.ts';
import { printJson, readJsonInput, timeoutOption } from './common.ts';

// The rules engine alone (incidents/pure.ts), not the incident store the main face brings.
const incidentRules = () => import('../incidents/pure.ts');

/** `calendar`: the Kazakhstan working calendar (info, next-working-day, add-working-days). */
export function registerCalendar(program: Command): void {
  const cal = program.command('calendar').description('Kazakhstan working calendar (docs/rules.md §2)');
  cal
    .command('info <date>')
    .description('is DATE a working day, and why')
    .action(async (date: string) => printJson((await incidentRules()).rulesCalendar({ op: 'info', date })));
  cal
    .command('next-working-day <date>')
    .description('first working day strictly after DATE')
    .action(async (date: string) => printJson((await incidentRules()).rulesCalendar({ op: 'next-working-day', date })));
  cal
    .command('add-working-days <datetime> <n>')
    .description('DATETIME plus N working days, keeping the wall-clock time')
    .action(async (at: string, n: string) =>
      printJson((await incidentRules()).rulesCalendar({ op: 'add-working-days', at, days: /^-?\d+$/.test(n) ? Number(n) : n })),
    );
}

/** The rules commands on JSON input or options: `sla`, `lead-time`, `deadlines`, `etp-streak`. */
export function registerRules(program: Command): void {
  program
    .command('sla')
    .description('due time of an SLA timer (docs/rules.md §4)')
    .requiredOption('--timer <id>', 'timer id, e.g. SLA-P-REGISTER')
    .requiredOption('--from <datetime>', 'start, ISO 8601 with offset')
    .action(async (o: { timer: string; from: string }) => printJson((await incidentRules()).rulesSla(o)));

  program
    .command('lead-time')
    .description('latest allowed notification before works start (docs/rules.md §6)')
    .requiredOption('--audience <audience>', 'portal-users | etp-owners | etp-auth-rotation | etp-requisites')
    .requiredOption('--start <datetime>', 'start of the works, ISO 8601 with offset')
    .action(async (o: { audience: string; start: string }) => printJson((await incidentRules()).rulesLeadTime(o)));

  program
    .command('deadlines')
    .description('deadline extensions for an incident or maintenance window (docs/rules.md §5)')
    .requiredOption('-i, --input <file>', 'input JSON file, or - for stdin')
    .addOption(
      new Option('--format <format>', 'json, or text: the table a procurement officer reads').choices(['json', 'text']).default('json'),
    )
    .addOption(new Option('--lang <lang>', 'language of the text table').choices(['ru', 'kk']).default('ru'))
    .action(async (o: { input: string; format: 'json' | 'text'; lang: 'ru' | 'kk' }) => {
      process.stdout.write((await import('./deadlines.ts')).deadlinesCommandOutput(readJsonInput(o.input), o));
    });

  program
    .command('etp-streak')
    .description('failure days, streaks and the disconnection threshold of an ETP (docs/rules.md §7)')
    .requiredOption('-i, --input <file>', 'input JSON file, or - for stdin')
    .action(async (o: { input: string }) => printJson((await import('../etp/pure.ts')).rulesEtpStreak(readJsonInput(o.input))));
}

/** One run of the `ntp` check kind, without thresholds or clock correction: the measurement is the answer. */
async function measureNtp(server: string, timeoutMs: number) {
  const probe = (await import('../probes/index.ts')).PROBES.ntp;
  const parsed = probe.schema.safeParse({ server, correctClock: false });
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error.issues));
  const outcome = await probe.run(parsed.data, { signal: AbortSignal.timeout(timeoutMs), timeoutMs, region: 'cli' });
  const o = outcome.observations;
  if (!o || !('offsetMs' in o)) {
    const why = outcome.errorKind === 'timeout' ? `no answer within ${timeoutMs} ms` : outcome.message.replace(/^\S+: /, '');
    throw new KuzetError('unavailable', `NTP server ${server} gave no usable answer: ${why}`);
  }
  return { server: o.server, offsetMs: o.offsetMs, delayMs: o.delayMs, stratum: o.stratum, refId: o.refId };
}

/** `ntp`: one SNTP measurement of kuzet's clock. */
export function registerNtp(program: Command): void {
  program
    .command('ntp')
    .description("measure kuzet's clock against an NTP server with one SNTP query (docs/rules.md §8)")
    .option('--server <host[:port]>', 'NTP server', 'ntp.nic.kz')
    .addOption(new Option('--timeout <ms>', 'how long to wait for the answer').default(3000).argParser(timeoutOption))
    .action(async (o: { server: string; timeout: number }) => printJson(await measureNtp(o.server, o.timeout)));
}
