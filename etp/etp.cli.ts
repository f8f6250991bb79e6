/**
 * `kuzet etp list|show|decide` against the database (issue #7): the registry (seeded from the
 * config first), the ledger and the decisions, as JSON. A decision made here is audited as the CLI
 * user and its notices go into the delivery outbox, which a running kuzet's sweeper sends.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { KuzetConfig } from '../core/config.ts';
import { configuredDb, migrate, openDb, type Db } from '../core/db.ts';
import { InputError, NotFoundError } from '../core/errors.ts';
import { ETP_TEMPLATES_DIR } from './time-sync.ts';
import { decisionJson, recordDecision } from './decision.ts';
import { etpDetail, listEtps } from './view.ts';
import { etpJson, seedFromConfig } from './registry.ts';
import { NoticeTemplates, insertDeliveries } from '../notices/index.ts';
import { decisionNotices } from './etp.notices.ts';

async function withDb<T>(cfg: KuzetConfig, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(configuredDb(cfg.storage));
  try {
    await migrate(db);
    await seedFromConfig(db, cfg);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const OPTION_OF: Record<string, string> = {
  disconnectAt: '--at',
  thresholdDate: '--threshold-date',
  decision: '--decision',
  reason: '--reason',
};

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

export function registerEtpCommands(program: Command, ctx: { loadConfig: (configPath: string | undefined) => KuzetConfig }): void {
  const etp = program.command('etp').description('ETP registry, failure-day ledger and disconnection decisions (docs/rules.md §7)');
  etp
    .command('list')
    .description('every ETP with its connection state, current streak and pending decision')
    .option('-c, --config <file>', 'configuration file')
    .action(async (o: { config?: string }) => {
      const cfg = ctx.loadConfig(o.config);
      await withDb(cfg, async (db) => print({ etps: await listEtps(db, new Date()) }));
    });
  etp
    .command('show <id>')
    .description('one ETP: registry entry, failure days, streak, events with decision dates, decisions')
    .option('-c, --config <file>', 'configuration file')
    .action(async (id: string, o: { config?: string }) => {
      const cfg = ctx.loadConfig(o.config);
      await withDb(cfg, async (db) => {
        const d = await etpDetail(db, id, new Date());
        if (!d) throw new NotFoundError(`no ETP "${id}"`);
        print(d);
      });
    });
  etp
    .command('decide <id>')
    .description(
      'record the decision once the threshold is reached: --decision disconnect --at DATETIME, or --decision keep; always --reason',
    )
    .requiredOption('--decision <decision>', 'disconnect | keep')
    .option('--at <datetime>', 'disconnection date and time, ISO 8601 with offset (for disconnect)')
    .requiredOption('--reason <text>', 'why')
    .option('--threshold-date <date>', 'the threshold date decided on (default the latest)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (id: string, o: { decision: string; at?: string; reason: string; thresholdDate?: string; config?: string }) => {
      const cfg = ctx.loadConfig(o.config);
      const templates = new NoticeTemplates(ETP_TEMPLATES_DIR);
      await withDb(cfg, async (db) => {
        const input = {
          decision: o.decision,
          reason: o.reason,
          ...(o.at !== undefined ? { disconnectAt: o.at } : {}),
          ...(o.thresholdDate !== undefined ? { thresholdDate: o.thresholdDate } : {}),
        };
        const out = await recordDecision(db, id, input, { id: `cli:${userInfo().username}`, ip: null }, new Date(), async (tx, outcome) => {
          await insertDeliveries(tx, decisionNotices(templates, cfg, outcome));
        }).catch((e: unknown) => {
          // Name the option the user typed, not the API field.
          if (e instanceof InputError) throw new InputError(e.issues.map((i) => ({ ...i, field: OPTION_OF[i.field] ?? i.field })));
          throw e;
        });
        print({ decision: decisionJson(out.decision), etp: etpJson(out.after) });
      });
    });
}
