/**
 * `kuzet user …`: console accounts from the command line (the first admin has to come from here).
 *
 *   kuzet user add alice --role admin [--name "Alice A."] [--generate]   password from stdin, a hidden prompt, or generated and printed once
 *   kuzet user list · role alice operator · disable alice · enable alice · unlock alice · passwd alice · sign-out alice
 *
 * `--data-dir` opens another PGlite directory than the config's (`./data/demo` for `kuzet demo`; the
 * demo must be stopped meanwhile: PGlite has one process at a time).
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { parseRole, ROLES } from '../core/auth.ts';
import type { KuzetConfig } from '../core/config.ts';
import { configuredDb, migrate, openDb, type Db } from '../core/db.ts';
import { InputError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import { createUser, listUsers, setDisabled, setPassword, setRole, signOutEverywhere, unlockUser } from './users.repo.ts';

type Ctx = { loadConfig: (configPath: string | undefined) => KuzetConfig };
type DbOpts = { config?: string; dataDir?: string };

const ACTOR = { id: 'system:cli' };

async function withDb<T>(ctx: Ctx, o: DbOpts, fn: (db: Db) => Promise<T>): Promise<T> {
  const config = ctx.loadConfig(o.config);
  const db = await openDb(configuredDb(config.storage, process.env, o.dataDir));
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks twice on the terminal without echoing. */
async function promptPassword(): Promise<string> {
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      let muted = false;
      const out = new Writable({ write: (chunk, _enc, cb) => (muted ? cb() : process.stderr.write(chunk, () => cb())) });
      const rl = createInterface({ input: process.stdin, output: out, terminal: true });
      rl.question(q, (a) => {
        rl.close();
        process.stderr.write('\n');
        resolve(a);
      });
      muted = true;
    });
  const a = await ask('password: ');
  const b = await ask('again: ');
  if (a !== b) throw new InputError('the two entries differ', 'password');
  return a;
}

async function passwordFrom(o: { generate?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (o.generate) return { password: randomBytes(18).toString('base64url'), generated: true };
  return { password: process.stdin.isTTY ? await promptPassword() : await readStdin(), generated: false };
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

export function registerConsoleCommands(program: Command, ctx: Ctx): void {
  const user = program.command('user').description('console accounts (sign-in at /console/login)');
  const common = (c: Command) =>
    c
      .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
      .option('--data-dir <dir>', 'PGlite data directory instead of the config’s (e.g. ./data/demo)');

  common(
    user
      .command('add <username>')
      .description('create an account; the password comes from stdin, a hidden prompt, or --generate (printed once)')
      .requiredOption('--role <role>', ROLES.join(' | '))
      .option('--name <name>', 'full name')
      .option('--generate', 'generate a password and print it once'),
  ).action(async (username: string, o: DbOpts & { role: string; name?: string; generate?: boolean }) => {
    const role = parseRole(o.role, ROLES);
    const { password, generated } = await passwordFrom(o);
    const u = await withDb(ctx, o, (db) => createUser(db, { username, role, name: o.name, password }, ACTOR));
    print({ username: u.username, role: u.role, name: u.name, ...(generated ? { password } : {}) });
  });

  common(user.command('list').description('accounts with role and state')).action(async (o: DbOpts) => {
    const users = await withDb(ctx, o, (db) => listUsers(db));
    for (const u of users)
      print({
        username: u.username,
        role: u.role,
        name: u.name,
        createdAt: formatAstana(u.createdAt),
        disabled: u.disabledAt !== null,
        lockedUntil: u.lockedUntil ? formatAstana(u.lockedUntil) : null,
        sso: u.sso,
      });
  });

  common(user.command('role <username> <role>').description('change the role (audited, 003 §34)')).action(
    async (username: string, role: string, o: DbOpts) => {
      const u = await withDb(ctx, o, (db) => setRole(db, username, parseRole(role, ROLES), ACTOR));
      print({ username: u.username, role: u.role });
    },
  );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    common(
      user.command(`${name} <username>`).description(disabled ? 'disable the account and end its sessions' : 'enable the account'),
    ).action(async (username: string, o: DbOpts) => {
      const u = await withDb(ctx, o, (db) => setDisabled(db, username, disabled, ACTOR, new Date()));
      print({ username: u.username, disabled: u.disabledAt !== null });
    });
  }

  common(user.command('unlock <username>').description('clear a sign-in lock-out')).action(async (username: string, o: DbOpts) => {
    await withDb(ctx, o, (db) => unlockUser(db, username, ACTOR));
    print({ username, unlocked: true });
  });

  common(
    user
      .command('passwd <username>')
      .description('set a new password (stdin, prompt or --generate); ends every session')
      .option('--generate', 'generate a password and print it once'),
  ).action(async (username: string, o: DbOpts & { generate?: boolean }) => {
    const { password, generated } = await passwordFrom(o);
    await withDb(ctx, o, (db) => setPassword(db, username, password, ACTOR, new Date()));
    print({ username, ...(generated ? { password } : {}) });
  });

  common(user.command('sign-out <username>').description('end every session of the account (sign out everywhere)')).action(
    async (username: string, o: DbOpts) => {
      const n = await withDb(ctx, o, (db) => signOutEverywhere(db, username, ACTOR, new Date()));
      print({ username, sessionsEnded: n });
    },
  );
}
