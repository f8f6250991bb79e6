/**
 * The `kuzet` command line. JSON commands print JSON on stdout and exit 0; bad input exits 2 with
 * the offending field on stderr; a failure of a dependency exits 1.
 *
 * Only the command being run is loaded (cli/commands.ts lists every command and how to load it);
 * `kuzet --help` lists them all without loading any. To add a command, see cli/commands.ts.
 */
import { Command, CommanderError, Help } from 'commander';
import { ConfigError, InputError } from '../core/errors.ts';
import { COMMANDS, commandName, type CommandEntry } from './commands.ts';

function newProgram(): Command {
  return new Command('kuzet')
    .description('Monitoring, incidents and availability for the state procurement web portal and its ETPs')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** The command a command line names: `kuzet NAME …` or `kuzet help NAME` (the program has no options of its own but help). */
export function commandNameOf(args: readonly string[]): string | undefined {
  const [first, second] = args.filter((a) => !a.startsWith('-'));
  return first === 'help' ? second : first;
}

/** Loads an entry's group into a scratch program configured like the real one and takes its command out. */
async function loadCommand(entry: CommandEntry): Promise<Command> {
  const scratch = newProgram();
  (await entry.load())(scratch);
  const cmd = scratch.commands.find((c) => c.name() === commandName(entry));
  if (!cmd) throw new Error(`cli/commands.ts: the loader of "${entry.term}" registers no command ${commandName(entry)}`);
  return cmd;
}

/**
 * The program for `args` (the command line after `node kuzet`): the named command is loaded, every other
 * one is listed by its term and description only. Without `args`, every command is loaded.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const wanted = args === undefined ? undefined : commandNameOf(args);
  const program = newProgram();
  const listed = new Map<Command, string>();
  program.configureHelp({
    subcommandTerm(this: Help, cmd: Command) {
      return listed.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  for (const entry of COMMANDS) {
    if (args === undefined || commandName(entry) === wanted) program.addCommand(await loadCommand(entry));
    else listed.set(program.command(commandName(entry)).description(entry.description), entry.term);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

/** Prints an error the way a user needs it and returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof ConfigError) {
    for (const i of e.issues) process.stderr.write(`${i.field}: ${i.message}\n`);
    return 2;
  }
  if (e instanceof InputError) {
    for (const i of e.issues) process.stderr.write(`error: ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
    return 2;
  }
  process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
  return 1;
}
