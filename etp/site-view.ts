/**
 * The ETP part of the status site (000 App.7 §3, §49): the list of authorised ETPs with their
 * connection state (a disconnection with its date and time). The site (notices/site) reads it through
 * the `etpRegistry` source the composition root hands it, with the rest of the site's parts, never per request.
 */
import type { Queryable } from '../core/db.ts';
import { formatAstana } from '../core/time.ts';
import type { SiteEtp } from '../notices/index.ts';
import { listEtpRecords } from './registry.ts';

export async function queryRegistry(db: Queryable): Promise<SiteEtp[]> {
  return (await listEtpRecords(db)).map((e) => ({
    id: e.id,
    name: e.name,
    connection: e.state,
    since: e.stateSinceMs === null ? null : formatAstana(e.stateSinceMs),
  }));
}
