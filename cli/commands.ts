/**
 * Every top-level `kuzet` command, in the order `kuzet --help` lists them. `kuzet --help` prints this
 * list without loading any command; `kuzet NAME …` (or `kuzet help NAME`) loads only NAME's group.
 * That keeps start-up short: a rules command never loads the server, the database or the browser.
 *
 * Adding a command: write `registerX(program)` (commander definitions; keep its heavy imports inside
 * the action, or in a module only the action imports), then add one line here: the term and the
 * description `kuzet --help` shows, and a `load` that imports the module with `registerX` (through
 * the folder's face, `../<folder>/index.ts`). cli/commands.test.ts fails until the line matches the
 * registration. A new option of an existing command needs no change here.
 */
import type { Command } from 'commander';
import type { KuzetConfig } from '../core/config.ts';

export interface CommandEntry {
  /** What `kuzet --help` shows on the left: the name, then `[options]` when it has any, then its arguments. */
  term: string;
  description: string;
  /** Imports the group that registers this command (it may register others; only this one is kept). */
  load: () => Promise<(program: Command) => void>;
}

const server = () => import('./server.commands.ts').then((m) => m.registerServerCommands);
const rules = () => import('./rules.commands.ts').then((m) => m.registerRules);
/** A folder's command group that reads the configuration of `-c FILE` the way every command does. */
type ConfigGroup = (program: Command, ctx: { loadConfig: (option: string | undefined) => KuzetConfig }) => void;
const withConfig = async (face: Promise<ConfigGroup>) => {
  const [register, { configContext }] = await Promise.all([face, import('./config.ts')]);
  return (program: Command) => register(program, configContext);
};
const journal = () => withConfig(import('../journal/index.ts').then((m) => m.registerJournalCommands));
const oncall = () => withConfig(import('../oncall/index.ts').then((m) => m.registerOncallCommands));

export const COMMANDS: readonly CommandEntry[] = [
  {
    term: 'start [options]',
    description: 'run API, scheduler, ingestion and workers in one process (PGlite in ./data unless DATABASE_URL is set)',
    load: server,
  },
  {
    term: 'worker [options]',
    description: 'run check workers only; any number share one Redis and each due run executes once',
    load: server,
  },
  { term: 'migrate [options]', description: 'apply pending database migrations and exit', load: server },
  {
    term: 'check-config [options]',
    description: 'validate the configuration; prints ok or every error with its path (exit 2)',
    load: server,
  },
  {
    term: 'doctor [options]',
    description:
      'what kuzet needs on this machine (browser, fonts, Redis, database, SMTP, Slack, NTP): found, or the command that fixes it; exit 1 when something needed is missing',
    load: server,
  },
  {
    term: 'reload [options]',
    description:
      'tell every kuzet process sharing the Redis prefix to re-read its configuration; prints what each applied, exit 1 when any did not',
    load: server,
  },
  { term: 'demo [options]', description: 'start the simulated portal and ETPs with kuzet watching them', load: server },
  {
    term: 'calendar',
    description: 'Kazakhstan working calendar (docs/rules.md §2)',
    load: () => import('./rules.commands.ts').then((m) => m.registerCalendar),
  },
  { term: 'sla [options]', description: 'due time of an SLA timer (docs/rules.md §4)', load: rules },
  { term: 'lead-time [options]', description: 'latest allowed notification before works start (docs/rules.md §6)', load: rules },
  {
    term: 'deadlines [options]',
    description: 'deadline extensions for an incident or maintenance window (docs/rules.md §5)',
    load: rules,
  },
  {
    term: 'etp-streak [options]',
    description: 'failure days, streaks and the disconnection threshold of an ETP (docs/rules.md §7)',
    load: rules,
  },
  {
    term: 'ntp [options]',
    description: "measure kuzet's clock against an NTP server with one SNTP query (docs/rules.md §8)",
    load: () => import('./rules.commands.ts').then((m) => m.registerNtp),
  },
  {
    term: 'token',
    description: 'API tokens (Bearer) for the incident API',
    load: () => import('./incidents.ts').then((m) => m.registerIncidentCommands),
  },
  { term: 'journal [options]', description: 'the journal of failure appeals in the prescribed form (docs/rules.md §9)', load: journal },
  { term: 'extract [options]', description: 'the annual extract of the journal for the owner (001 §21)', load: journal },
  {
    term: 'availability [options]',
    description: 'uptime per system, module and ETP per day and month from check results, maintenance apart',
    load: journal,
  },
  {
    term: 'etp',
    description: 'ETP registry, failure-day ledger and disconnection decisions (docs/rules.md §7)',
    load: () => withConfig(import('../etp/index.ts').then((m) => m.registerEtpCommands)),
  },
  {
    term: 'oncall [options] [schedule]',
    description: 'who is on call now in every schedule, or one schedule and its shifts',
    load: oncall,
  },
  { term: 'mute [options] <scope> <subject>', description: 'mute a check, target or module for a while, with a reason', load: oncall },
  { term: 'unmute [options] <id>', description: 'end a mute now', load: oncall },
  { term: 'mutes [options]', description: 'the mutes in force', load: oncall },
  {
    term: 'user',
    description: 'console accounts (sign-in at /console/login)',
    load: () => withConfig(import('../console/index.ts').then((m) => m.registerConsoleCommands)),
  },
];

export const commandName = (entry: CommandEntry): string => entry.term.split(' ')[0] as string;
