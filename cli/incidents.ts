/**
 * Incident commands of the `kuzet` CLI: `kuzet token create --role operator|viewer [--name N]` prints
 * the new API token once (only its hash is stored).
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createToken, parseRole } from '../core/auth.ts';
import { loadConfigFile, parseConfig } from '../core/config.ts';
import { configuredDb, migrate, openDb } from '../core/db.ts';
import { PROBES } from '../probes/index.ts';

export function registerIncidentCommands(program: Command): void {
  const token = program.command('token').description('API tokens (Bearer) for the incident API');
  token
    .command('create')
    .description('create a token and print it once: viewer reads, operator also transitions and edits')
    .requiredOption('--role <role>', 'operator | viewer')
    .option('--name <name>', 'who or what the token is for')
    .option('-c, --config <file>', 'configuration file (default ./kuzet.yaml if present)')
    .action(async (o: { role: string; name?: string; config?: string }) => {
      const role = parseRole(o.role);
      const path = o.config ? resolve(o.config) : existsSync('kuzet.yaml') ? resolve('kuzet.yaml') : undefined;
      const config = path ? loadConfigFile(path, PROBES) : parseConfig('{}', PROBES);
      const db = await openDb(configuredDb(config.storage));
      try {
        await migrate(db);
        const t = await createToken(db, { role, name: o.name, actor: 'system:cli' });
        process.stdout.write(`${JSON.stringify({ id: t.id, role: t.role, token: t.token })}\n`);
      } finally {
        await db.close();
      }
    });
}
