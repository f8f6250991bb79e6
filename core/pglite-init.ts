/**
 * A new PGlite data directory is initialised (initdb) in a short-lived child process. initdb inside the
 * serving process grows its WebAssembly heap to ~650 MB, and a WebAssembly memory never shrinks: the
 * process then kept ~375 MB resident with 1,000 checks, against ~155 MB for PGlite opened on an
 * existing directory (issue #19 goal 3; measured figures in the pipeline bench).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Runs initdb for `dataDir` in a child process unless the directory already holds a database. */
export async function initPgliteApart(dataDir: string, postgresqlconf: readonly string[]): Promise<void> {
  if (dataDir.startsWith('memory://') || existsSync(join(dataDir, 'PG_VERSION'))) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const code = `const { PGlite } = await import(${JSON.stringify(pglite)});
await (await PGlite.create(${JSON.stringify(dataDir)}, { postgresqlconf: ${JSON.stringify(postgresqlconf)} })).close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (status !== 0) throw new Error(`initialising the PGlite data directory ${dataDir} failed: ${stderr.trim().slice(-500)}`);
}
