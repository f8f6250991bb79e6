/**
 * One stored run by id, with its evidence: `GET /api/v1/runs/:id` (the result, its observations and
 * download URLs of its artifacts) and `GET /api/v1/runs/:id/artifacts/:name` (the file itself).
 *
 * A file is served only when the run lists it by that name and its real path lies inside the
 * artifacts directory: the name in the URL and the path in the database are never trusted alone.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import type Router from '@koa/router';
import type { Db } from '../core/db.ts';
import { InputError, NotFoundError, UnavailableError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import { getResult } from './results.store.ts';

export interface RunRoutesDeps {
  db: () => Db | undefined;
  /** Root of the browser checks' artifacts (default of the probe: `./artifacts`). */
  artifactsDir: string;
}

interface StoredArtifact {
  name: string;
  path: string;
  bytes: number;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CONTENT_TYPES: Record<string, string> = { png: 'image/png', zip: 'application/zip', json: 'application/json', txt: 'text/plain; charset=utf-8' };

export function registerRunRoutes(router: Router, deps: RunRoutesDeps): void {
  const load = async (rawId: string | undefined) => {
    if (!rawId || !/^\d{1,18}$/.test(rawId)) throw new InputError('a run id: the `id` of a result', 'id');
    const db = deps.db();
    if (!db) throw new UnavailableError('the database is not open yet');
    const run = await getResult(db, rawId);
    if (!run) throw new NotFoundError(`no run ${rawId}; ids are the \`id\` of results in GET /api/v1/checks/:id/results`);
    return { run, artifacts: storedArtifacts(run.observations) };
  };

  router.get('/api/v1/runs/:id', async (ctx) => {
    const { run, artifacts } = await load(ctx.params.id);
    const id = run.id;
    ctx.body = {
      ...run,
      at: formatAstana(run.at),
      // Paths on the worker's disk are not the client's business; the URL is.
      artifacts: artifacts.map((a) => ({ name: a.name, bytes: a.bytes, url: `/api/v1/runs/${id}/artifacts/${encodeURIComponent(a.name)}` })),
    };
  });

  router.get('/api/v1/runs/:id/artifacts/:name', async (ctx) => {
    const name = ctx.params.name ?? '';
    if (!SAFE_NAME.test(name)) throw new InputError('an artifact name such as screenshot.png', 'name');
    const { artifacts } = await load(ctx.params.id);
    const artifact = artifacts.find((a) => a.name === name);
    if (!artifact) throw new NotFoundError(`run ${ctx.params.id ?? ''} has no artifact "${name}"`);
    const file = await insideRoot(deps.artifactsDir, artifact.path);
    if (!file) throw new NotFoundError(`artifact "${name}" of run ${ctx.params.id ?? ''} is gone (removed by retention) or not under the artifacts directory`);
    ctx.type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    ctx.set('Content-Disposition', `attachment; filename="${name}"`);
    ctx.length = file.size;
    ctx.body = createReadStream(file.path);
  });
}

function storedArtifacts(observations: Record<string, unknown> | null): StoredArtifact[] {
  const list = observations?.artifacts;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is StoredArtifact =>
      typeof a === 'object' && a !== null && typeof a.name === 'string' && SAFE_NAME.test(a.name) && typeof a.path === 'string' && typeof a.bytes === 'number',
  );
}

/** The real path of `path` (relative paths are under `root`) when it is a file inside `root`; else undefined. */
async function insideRoot(root: string, path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const realRoot = await realpath(resolve(root));
    const real = await realpath(isAbsolute(path) ? path : resolve(realRoot, path));
    if (!real.startsWith(realRoot + sep)) return undefined;
    const s = await stat(real);
    return s.isFile() ? { path: real, size: s.size } : undefined;
  } catch {
    return undefined;
  }
}
