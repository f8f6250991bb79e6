/**
 * One query layer over two engines: PGlite (embedded Postgres in WASM, the default, data in a directory)
 * and PostgreSQL (`DATABASE_URL`). Both take the same SQL with `$1` parameters and the same migrations.
 *
 * Written by hand as a thin facade rather than an ORM: kuzet's SQL is plain Postgres, both drivers
 * already speak it, and the facade is the seam the contract tests run every store against.
 */
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { KuzetError, UnavailableError } from './errors.ts';
import { withPgliteLock } from './pglite-lock.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { initPgliteApart } from './pglite-init.ts';
import { PGLITE_CONF, useBaselineWasmCompiler } from './pglite-memory.ts';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Inside a transaction: runs `fn` once the transaction has committed (never after a rollback).
   * Absent on the database itself, where every statement commits on its own.
   */
  afterCommit?(fn: () => void): void;
}

/** A transaction's queries, and what runs once it has committed. */
function txQueryable(run: <R>(sql: string, params?: unknown[]) => Promise<R[]>): { tx: Queryable; committed(): void } {
  const hooks: (() => void)[] = [];
  return {
    tx: { query: run, afterCommit: (fn) => void hooks.push(fn) },
    committed: () => {
      for (const h of hooks) {
        try {
          h();
        } catch {
          // a hook is a notification: its failure is not the transaction's
        }
      }
    },
  };
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; a throw rolls everything back. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Cheap liveness probe for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** `postgres://…`; when absent, PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** PostgreSQL schema to work in (created if missing); isolates test runs. */
  schema?: string | undefined;
}

/**
 * Which database this process uses — the one place that decides: `DATABASE_URL` (PostgreSQL) over
 * the config's `storage.databaseUrl`, else PGlite in `storage.dataDir` (or `dataDir`, a command's
 * `--data-dir`); `DATABASE_SCHEMA` over `storage.schema` (tests run each in a schema of their own).
 * An empty variable counts as set: `DATABASE_URL=` chooses PGlite whatever the config says.
 */
export function configuredDb(
  storage: { databaseUrl?: string | undefined; dataDir: string; schema?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
  dataDir?: string,
): DbOptions {
  return {
    databaseUrl: env.DATABASE_URL ?? storage.databaseUrl,
    dataDir: dataDir ?? storage.dataDir,
    schema: env.DATABASE_SCHEMA ?? storage.schema,
  };
}

export async function openDb(opts: DbOptions): Promise<Db> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts.schema)
    : withPgliteLock(opts.dataDir ?? './data', (d) => openPglite(d, opts.schema));
}

async function openPglite(dataDir: string, schema: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // Postgres' default 128 MB of shared buffers would be resident in the WASM heap; see pglite-memory.ts.
  await initPgliteApart(dataDir, PGLITE_CONF);
  useBaselineWasmCompiler();
  const lite = await PGlite.create(dataDir, { postgresqlconf: [...PGLITE_CONF] });
  if (schema) {
    await lite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; SET search_path TO ${quoteIdent(schema)}`);
  }
  // PGlite runs one statement at a time; a queue keeps a transaction from interleaving with other queries.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    engine: 'pglite',
    query: <T>(sql: string, params?: unknown[]) => serial(async () => (await lite.query<T>(sql, params)).rows),
    transaction: async <T>(fn: (tx: Queryable) => Promise<T>) => {
      let done: (() => void) | undefined;
      const out = await serial(() =>
        lite.transaction(async (ltx) => {
          const t = txQueryable(async <R>(sql: string, params?: unknown[]) => (await ltx.query<R>(sql, params)).rows);
          done = t.committed;
          return fn(t.tx);
        }),
      );
      done?.();
      return out;
    },
    ping: () => serial(async () => void (await lite.query('SELECT 1'))),
    close: () => serial(() => lite.close()),
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  if (schema) {
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } catch (e) {
      await pool.end();
      throw new UnavailableError(`PostgreSQL at DATABASE_URL is unreachable: ${(e as Error).message}`, e);
    }
  }
  return {
    engine: 'postgres',
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // A server lost while the client is checked out emits 'error' on the client itself; unheard, it kills the process.
      let lost: Error | undefined;
      const onLost = (e: Error) => void (lost = e);
      client.on('error', onLost);
      try {
        await client.query('BEGIN');
        const t = txQueryable(async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[]);
        const out = await fn(t.tx);
        await client.query('COMMIT');
        t.committed();
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.off('error', onLost);
        client.release(lost);
      }
    },
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Applies every pending migration in one transaction: all or nothing. An advisory lock keeps two
 * processes starting at once from racing. Returns the versions applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(742001)');
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        try {
          for (const stmt of m.statements) await tx.query(stmt);
        } catch (e) {
          throw new KuzetError(
            'migration_failed',
            `migration ${m.version} (${m.name}) failed: ${(e as Error).message}; nothing was applied`,
            { cause: e },
          );
        }
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(m.version);
      }
      return applied;
    });
  } catch (e) {
    if (e instanceof KuzetError) throw e;
    throw new KuzetError('migration_failed', `migrations failed: ${(e as Error).message}; nothing was applied`, { cause: e });
  }
}
