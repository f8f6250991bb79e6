/** The on-call pages' own reads (pages.ts): what the incident page shows beside the incident itself. */
import type { Queryable } from '../core/db.ts';

export interface IncidentAppealRow {
  id: string;
  incident_id: string;
  linked_incident_id: string | null;
  organisation: string;
  bin_iin: string;
  email: string;
  phone: string;
  description: string;
  received_at: Date;
  channel: string;
}

/** The appeals of an incident: those that opened it and those linked to it, in the order received. */
export function incidentAppeals(db: Queryable, incidentId: string): Promise<IncidentAppealRow[]> {
  return db.query<IncidentAppealRow>(
    'SELECT id::text AS id, incident_id, linked_incident_id, organisation, bin_iin, email, phone, description, received_at, channel FROM appeals WHERE incident_id = $1 OR linked_incident_id = $1 ORDER BY appeals.id',
    [incidentId],
  );
}
