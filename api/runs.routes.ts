/**
 * One stored run by id, with its evidence: `GET /api/v1/runs/:id` (the result, its observations and
 * download URLs of its artifacts) and `GET /api/v1/runs/:id/artifacts/:name` (the file itself).
 *
 * A file is served only when the run lists it by that name and its real path lies inside the
 * artifacts directory: the name in the URL and the path in the database are never trusted alone.
 *
 * Runs hold page contents (screenshots, traces), so both need a viewer token (or a console session).
 * To show one artifact to someone without a token, the run's answer carries a `shareUrl` per
 * artifact: signed, valid for {@link SHARE_LINK_MS}, for that one file only.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { requireRole } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError, UnavailableError } from '../core/errors.ts';
import { checkSignedPath, serverKey, signPath } from '../core/signed-link.ts';
import { formatAstana } from '../core/time.ts';
import { getResult } from '../collector/index.ts';
import { screenshotUrls } from './incidents.routes.ts';

export interface RunRoutesDeps {
  db: () => Db | undefined;
  /** Root of the browser checks' artifacts (default of the probe: `./artifacts`). */
  artifactsDir: string;
  now?: () => Date;
}

/** How long a shared artifact link holds. */
export const SHARE_LINK_MS = 24 * 3_600_000;
const SHARE_KEY = 'artifact-links';

interface StoredArtifact {
  name: string;
  path: string;
  bytes: number;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  zip: 'application/zip',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

export function registerRunRoutes(router: Router, deps: RunRoutesDeps): void {
  const now = deps.now ?? (() => new Date());
  const viewer = requireRole(deps.db, 'viewer');
  const db = () => {
    const d = deps.db();
    if (!d) throw new UnavailableError('the database is not open yet');
    return d;
  };
  /** A valid signed link stands in for the token, for its own path only. */
  const viewerOrSignedLink = async (ctx: Context, next: Next) => {
    const { expires, sig } = ctx.query;
    if (expires === undefined && sig === undefined) return viewer(ctx, next);
    if (typeof expires !== 'string' || typeof sig !== 'string')
      throw new KuzetError('forbidden', 'a shared link needs one `expires` and one `sig`', { status: 403 });
    const verdict = checkSignedPath(await serverKey(db(), SHARE_KEY), ctx.path, expires, sig, now());
    if (verdict !== 'ok')
      throw new KuzetError(
        'forbidden',
        verdict === 'expired' ? 'this shared link has expired; ask for a new one' : 'this shared link is not valid',
        { status: 403 },
      );
    return next();
  };
  const load = async (rawId: string | undefined) => {
    if (!rawId || !/^\d{1,18}$/.test(rawId)) throw new InputError('a run id: the `id` of a result', 'id');
    const db = deps.db();
    if (!db) throw new UnavailableError('the database is not open yet');
    const run = await getResult(db, rawId);
    if (!run) throw new NotFoundError(`no run ${rawId}; ids are the \`id\` of results in GET /api/v1/checks/:id/results`);
    return { run, artifacts: storedArtifacts(run.observations) };
  };

  router.get('/api/v1/runs/:id', viewer, async (ctx) => {
    const { run, artifacts } = await load(ctx.params.id);
    const id = run.id;
    const key = await serverKey(db(), SHARE_KEY);
    const expiresAt = new Date(now().getTime() + SHARE_LINK_MS);
    // Paths on the worker's disk are not the client's business; the URL is.
    const { artifacts: _paths, ...observations } = run.observations ?? {};
    ctx.body = {
      ...run,
      observations: run.observations ? observations : null,
      at: formatAstana(run.at),
      artifacts: artifacts.map((a) => {
        const url = `/api/v1/runs/${id}/artifacts/${encodeURIComponent(a.name)}`;
        return { name: a.name, bytes: a.bytes, url, shareUrl: signPath(key, url, expiresAt), shareExpiresAt: formatAstana(expiresAt) };
      }),
    };
  });

  router.get('/api/v1/runs/:id/artifacts/:name', viewerOrSignedLink, async (ctx) => {
    const name = ctx.params.name ?? '';
    if (!SAFE_NAME.test(name)) throw new InputError('an artifact name such as screenshot.png', 'name');
    const { artifacts } = await load(ctx.params.id);
    const artifact = artifacts.find((a) => a.name === name);
    if (!artifact) throw new NotFoundError(`run ${ctx.params.id ?? ''} has no artifact "${name}"`);
    const file = await insideRoot(deps.artifactsDir, artifact.path);
    if (!file)
      throw new NotFoundError(
        `artifact "${name}" of run ${ctx.params.id ?? ''} is gone (removed by retention) or not under the artifacts directory`,
      );
    ctx.type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    ctx.set('Content-Disposition', `attachment; filename="${name}"`);
    ctx.length = file.size;
    ctx.body = createReadStream(file.path);
  });
}

/** A run's observations as clients see them: artifacts by name and URL, never by their path on the worker's disk. */
export function publicObservations(runId: string, observations: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!observations) return null;
  const { artifacts: _paths, ...rest } = observations;
  const artifacts = storedArtifacts(observations);
  return artifacts.length === 0
    ? rest
    : {
        ...rest,
        artifacts: artifacts.map((a) => ({
          name: a.name,
          bytes: a.bytes,
          url: `/api/v1/runs/${runId}/artifacts/${encodeURIComponent(a.name)}`,
        })),
      };
}

function storedArtifacts(observations: Record<string, unknown> | null): StoredArtifact[] {
  const list = observations?.artifacts;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is StoredArtifact =>
      typeof a === 'object' &&
      a !== null &&
      typeof a.name === 'string' &&
      SAFE_NAME.test(a.name) &&
      typeof a.path === 'string' &&
      typeof a.bytes === 'number',
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

/**
 * Signed links (paths, valid {@link SHARE_LINK_MS}) to the screenshots an incident's evidence names: the
 * on-call alert carries them, so the engineers see the failed page without signing in (issue #21 item 4).
 */
export async function sharedScreenshotLinks(
  db: Db,
  evidence: Record<string, unknown>,
  now: Date,
): Promise<{ check: string; url: string; hours: number }[]> {
  const shots = await screenshotUrls(db, evidence);
  if (shots.length === 0) return [];
  const key = await serverKey(db, SHARE_KEY);
  const expiresAt = new Date(now.getTime() + SHARE_LINK_MS);
  return shots.map((s) => ({ check: s.check, url: signPath(key, s.url, expiresAt), hours: SHARE_LINK_MS / 3_600_000 }));
}
