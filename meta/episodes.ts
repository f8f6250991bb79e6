/** How silent groups and stored episodes are shown: to the API, the console and the alerts' texts. */
import type { Queryable } from '../core/db.ts';
import { formatAstana } from '../core/time.ts';
import { listOpenEpisodes, type EpisodeRow } from './meta.repo.ts';
import type { SilentGroup } from './silence.ts';
import { silentSubject, type PlaceNames, type SilentGroupShape } from './texts.ts';

const iso = (v: Date | string | null) => (v === null ? null : formatAstana(v instanceof Date ? v : new Date(v)));

export const episodeView = (r: EpisodeRow) => ({
  id: r.id,
  group: r.grp,
  scope: r.scope,
  region: r.region,
  startedAt: iso(r.started_at),
  endedAt: iso(r.ended_at),
  detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as unknown) : r.detail,
});

/** What a stored episode is about, from the group view kept with it. */
export function episodeShape(r: EpisodeRow): SilentGroupShape & { group: string } {
  const d = (episodeView(r).detail ?? {}) as Partial<SilentGroupShape>;
  return {
    group: r.grp,
    scope: r.scope,
    region: r.region,
    system: d.system,
    module: d.module,
    workers: Array.isArray(d.workers) ? d.workers : [],
    checks: Array.isArray(d.checks) ? d.checks : [],
    reason: typeof d.reason === 'string' ? d.reason : undefined,
  };
}

/**
 * The `kuzet.silent` episodes open now, newest first, with what each is about in Kazakh and Russian
 * (modules by their configured names, see {@link placeNamesOf}): the console's board shows them
 * beside the monitored systems (and apart from their incidents).
 */
export async function openSilences(
  db: Queryable,
  names?: PlaceNames,
): Promise<{ id: string; group: string; scope: string; region: string; startedAt: string; subject: Record<'kk' | 'ru', string> }[]> {
  const rows = await listOpenEpisodes(db);
  return rows.map((r) => ({
    id: r.id,
    group: r.grp,
    scope: r.scope,
    region: r.region,
    startedAt: episodeView(r).startedAt as string,
    subject: silentSubject(episodeShape(r), names),
  }));
}

/** A silent group as the API shows it, and as it is kept with its episode. */
export function groupView(g: SilentGroup) {
  return {
    group: g.group,
    scope: g.scope,
    region: g.region,
    ...(g.system ? { system: g.system, module: g.module } : {}),
    lastHeard: formatAstana(new Date(g.lastHeard)),
    thresholdSeconds: g.thresholdMs / 1000,
    workers: g.workers.map((w) => ({ id: w.id, host: w.host, lastBeat: formatAstana(new Date(w.lastBeat)) })),
    checks: g.checks.map((c) => ({ key: c.key, lastResult: c.lastResult === null ? null : formatAstana(new Date(c.lastResult)) })),
    ...(g.reason ? { reason: g.reason } : {}),
  };
}
