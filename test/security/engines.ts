/**
 * The security suite's bed on either engine: the drills' bed (test/drills/harness.ts: a real
 * `kuzet start` process, the simulated portal, local SMTP and Slack) on PostgreSQL as it is, or on
 * PGlite in the bed's own data directory (DATABASE_URL unset; the tokens are created there before
 * kuzet opens it, as one process at a time may). Not a test file.
 */
import { join } from 'node:path';
import { createToken } from '../../core/auth.ts';
import { migrate, openDb } from '../../core/db.ts';
import { isValidBinIin } from '../../incidents/index.ts';
import { call, startBed, type Bed, type BedOptions } from '../drills/harness.ts';

export const ENGINES = ['postgres', 'pglite'] as const;
export type Engine = (typeof ENGINES)[number];

export async function startEngineBed(engine: Engine, o: BedOptions = {}): Promise<Bed> {
  const bed = await startBed(o);
  if (engine === 'postgres') return bed;
  delete bed.env.DATABASE_URL;
  const db = await openDb({ dataDir: join(bed.dir, 'data'), schema: bed.env.DATABASE_SCHEMA });
  try {
    await migrate(db);
    const operator = (await createToken(db, { role: 'operator', name: 'security operator', actor: 'system:test' })).token;
    const viewer = (await createToken(db, { role: 'viewer', name: 'security viewer', actor: 'system:test' })).token;
    return Object.assign(bed, { operator, viewer });
  } finally {
    await db.close();
  }
}

/** `n` distinct valid BIN/IINs (12 digits with their check digit), from `seed`. */
export function validBins(n: number, seed = 85_010_130_000): string[] {
  const out: string[] = [];
  for (let i = seed; out.length < n; i++) {
    const first11 = String(i).padStart(11, '0');
    for (let d = 0; d <= 9; d++) {
      if (isValidBinIin(`${first11}${d}`)) {
        out.push(`${first11}${d}`);
        break;
      }
    }
  }
  return out;
}

let nextBin = 0;
const BINS = validBins(2_000, 60_010_100_000);

/** An appeal body valid in every field, detected a minute ago (Astana time), each with a BIN/IIN of its own (the per-BIN limit is not what these tests are about). */
export function appealBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const at = new Date(Date.now() - 60_000 + 5 * 3_600_000).toISOString().slice(0, 19);
  return {
    organisation: 'ТОО Тест',
    binIin: BINS[nextBin++ % BINS.length],
    email: 'buyer@test.kz',
    phone: '+7 701 123 45 67',
    description: 'поиск не работает',
    detectedAt: `${at}+05:00`,
    ...extra,
  };
}

/** Every incident kuzet lists (following its cursor). */
export async function allIncidents(bed: Bed): Promise<{ id: string; system: string | null; module: string | null }[]> {
  const out: { id: string; system: string | null; module: string | null }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await call(bed.url, 'GET', `/api/v1/incidents?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: bed.viewer,
    });
    if (r.status !== 200) throw new Error(`GET /api/v1/incidents: ${r.status} ${r.text}`);
    const body = r.json as { items: { id: string; system: string | null; module: string | null }[]; nextCursor?: string };
    out.push(...body.items);
    if (!body.nextCursor) return out;
    cursor = body.nextCursor;
  }
  return out;
}

/** The first configured system that has modules, and its modules (from GET /api/v1/systems). */
export async function systemWithModules(bed: Bed): Promise<{ id: string; modules: string[]; ids: string[] }> {
  const r = await call(bed.url, 'GET', '/api/v1/systems', { token: bed.viewer });
  const systems = (r.json as { systems: { id: string; modules: string[] }[] }).systems;
  const s = systems.find((x) => x.modules.length > 1) ?? systems[0];
  if (!s) throw new Error('no system configured');
  return { id: s.id, modules: s.modules, ids: systems.map((x) => x.id) };
}
