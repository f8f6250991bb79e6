/**
 * The `meta_silences` episodes (one per silent group, open until it is heard again) and the outbox
 * backlog the watcher reports: the meta-monitoring's SQL, in one place.
 */
import { audit } from '../core/audit.ts';
import type { Queryable } from '../core/db.ts';

export interface EpisodeRow {
  id: string;
  grp: string;
  scope: string;
  region: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  detail: unknown;
}

/** Episodes open now, newest first (at most 100). */
export function listOpenEpisodes(db: Queryable): Promise<EpisodeRow[]> {
  return db.query<EpisodeRow>('SELECT * FROM meta_silences WHERE ended_at IS NULL ORDER BY started_at DESC, id LIMIT 100');
}

/** Every episode open now, in no order: the watcher compares them with what is silent. */
export function allOpenEpisodes(db: Queryable): Promise<EpisodeRow[]> {
  return db.query<EpisodeRow>('SELECT * FROM meta_silences WHERE ended_at IS NULL');
}

/** Episodes open now or ended in the last 7 days, newest first (at most 200). */
export function listRecentEpisodes(db: Queryable): Promise<EpisodeRow[]> {
  return db.query<EpisodeRow>(
    "SELECT * FROM meta_silences WHERE ended_at IS NULL OR ended_at > now() - interval '7 days' ORDER BY started_at DESC LIMIT 200",
  );
}

/** Opens an episode and audits it; false when it is open already (another process raised it). */
export async function insertEpisode(
  tx: Queryable,
  e: { id: string; group: string; scope: string; region: string; startedAt: Date; detail: unknown; deliveries: number },
): Promise<boolean> {
  const r = await tx.query<{ id: string }>(
    'INSERT INTO meta_silences (id, grp, scope, region, started_at, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING id',
    [e.id, e.group, e.scope, e.region, e.startedAt.toISOString(), JSON.stringify(e.detail)],
  );
  if (r.length === 0) return false;
  await audit(tx, {
    actor: 'system:meta',
    action: 'meta.silent.raise',
    subject: e.id,
    after: { group: e.group, deliveries: e.deliveries },
  });
  return true;
}

/** Ends an open episode and audits it; false when it had ended already. */
export async function endEpisode(tx: Queryable, id: string, at: Date): Promise<boolean> {
  const r = await tx.query<{ id: string }>('UPDATE meta_silences SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id', [
    id,
    at.toISOString(),
  ]);
  if (r.length === 0) return false;
  await audit(tx, { actor: 'system:meta', action: 'meta.silent.resolve', subject: id });
  return true;
}

/** Keeps an open episode's view of its group current (which checks and workers are silent). */
export async function updateEpisodeDetail(db: Queryable, id: string, detail: unknown): Promise<void> {
  await db.query('UPDATE meta_silences SET detail = $2::jsonb WHERE id = $1', [id, JSON.stringify(detail)]);
}

/** Outbox events not yet published. */
export async function outboxBacklog(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(rows[0]?.n ?? 0);
}
