/** The registry's statements: ETP entries read and written whole (etp/registry.ts validates and audits). */
import type { Queryable } from '../core/db.ts';
import type { Etp, EtpService, EtpState } from './etp.types.ts';

interface EtpRow {
  id: string;
  name: string;
  owner: Etp['owner'];
  domain: string | null;
  ips: string[];
  services: EtpService[];
  state: EtpState;
  state_since: Date | string | null;
  auth_rotations: string[];
  min_failure_minutes: number;
  source: 'config' | 'api';
  version: number;
}

const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

function fromRow(r: EtpRow): Etp {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    domain: r.domain,
    ips: r.ips,
    services: r.services,
    state: r.state,
    stateSinceMs: ms(r.state_since),
    authRotations: r.auth_rotations,
    minFailureMinutes: Number(r.min_failure_minutes),
    source: r.source,
    version: r.version,
  };
}

const COLUMNS = 'id, name, owner, domain, ips, services, state, state_since, auth_rotations, min_failure_minutes, source, version';

export async function listEtpRecords(db: Queryable): Promise<Etp[]> {
  return (await db.query<EtpRow>(`SELECT ${COLUMNS} FROM etps ORDER BY id`)).map(fromRow);
}

export async function getEtp(db: Queryable, id: string, forUpdate = false): Promise<Etp | undefined> {
  const r = (await db.query<EtpRow>(`SELECT ${COLUMNS} FROM etps WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]))[0];
  return r ? fromRow(r) : undefined;
}

/** Inserts or replaces the whole entry. */
export async function writeEtp(tx: Queryable, e: Etp): Promise<void> {
  await tx.query(
    `INSERT INTO etps (id, name, owner, domain, ips, services, state, state_since, auth_rotations, min_failure_minutes, source, version, updated_at)
     VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6::jsonb, $7, $8, $9::jsonb, $10, $11, $12, now())
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, owner = EXCLUDED.owner, domain = EXCLUDED.domain, ips = EXCLUDED.ips,
       services = EXCLUDED.services, state = EXCLUDED.state, state_since = EXCLUDED.state_since, auth_rotations = EXCLUDED.auth_rotations,
       min_failure_minutes = EXCLUDED.min_failure_minutes, source = EXCLUDED.source, version = EXCLUDED.version, updated_at = now()`,
    [
      e.id,
      e.name,
      JSON.stringify(e.owner),
      e.domain,
      JSON.stringify(e.ips),
      JSON.stringify(e.services),
      e.state,
      e.stateSinceMs === null ? null : new Date(e.stateSinceMs).toISOString(),
      JSON.stringify(e.authRotations),
      e.minFailureMinutes,
      e.source,
      e.version,
    ],
  );
}
