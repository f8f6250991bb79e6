/**
 * The notice subject of an incident (kind `incident`, id = the incident id), for the notice editor.
 * TODO: switch to `noticeSubjectForIncident` of collector/incident-notices.ts once it lands (issue #6).
 * The incident's facts (level, times, extensions, affected lots) always come from the incident; the
 * operator's words (description) and the phase come from the stored notice when there is one.
 */
import { formatAstana } from '../../core/time.ts';
import type { getIncidentRow } from '../../incidents/index.ts';
import type { NoticeSubject } from '../../notices/index.ts';
import type { KuzetServices } from '../services.ts';

type Row = NonNullable<Awaited<ReturnType<typeof getIncidentRow>>>;
type StoredExtension = { subject: string; announcement?: string; lot?: string; deadline: string; original: string | null; extended: string; rule: string };
type Stored = { latest?: string } & Record<string, { extensions?: StoredExtension[]; affected?: { announcement: string; lot?: string }[] }>;

const iso = (d: Date | null) => (d ? formatAstana(new Date(d)) : undefined);

export function incidentNoticeSubject(s: KuzetServices, row: Row, reporterEmails: string[], existing: NoticeSubject | undefined, published: boolean): NoticeSubject {
  const cfg = s.config();
  const system = row.system ?? existing?.system ?? Object.keys(cfg.systems)[0] ?? 'portal';
  const modules = row.module && (cfg.systems[system]?.modules ?? []).includes(row.module) ? [row.module] : [];
  const ended = row.state === 'resolved' || row.state === 'closed';
  const phase = ended ? 'resolved' : existing && published ? (existing.phase === 'resolved' ? 'updated' : existing.phase === 'opened' ? 'updated' : existing.phase) : 'opened';
  const ext = (row.extensions ?? {}) as Stored;
  const latest = ext.latest ? ext[ext.latest] : undefined;
  const level = row.level ?? row.proposed_level ?? undefined;
  const subject = {
    kind: 'incident',
    id: row.id,
    system,
    modules,
    policy: row.policy,
    ...(level ? { level } : {}),
    phase,
    description: existing?.description ?? { ru: row.title, kk: row.title },
    startedAt: iso(row.started_at),
    ...(row.confirmed_at ? { confirmedAt: iso(row.confirmed_at) } : {}),
    ...(row.planned_fix_at ? { plannedFixAt: iso(row.planned_fix_at) } : {}),
    ...(row.actual_fix_at ? { resolvedAt: iso(row.actual_fix_at) } : {}),
    extensions: (latest?.extensions ?? []).map((e) => ({ subject: e.announcement ? `${e.announcement}${e.lot ? `/${e.lot}` : ''}` : e.subject, deadline: e.deadline, original: e.original, extended: e.extended, rule: e.rule })),
    affected: (latest?.affected ?? []).map((a) => ({ announcement: a.announcement, ...(a.lot ? { lot: a.lot } : {}) })),
    contacts: existing?.contacts ?? [],
    recipients: [...new Set(reporterEmails)].map((email) => ({ email, role: 'reporter' as const })),
    unplanned: false,
  };
  return subject as NoticeSubject;
}
