/**
 * Incident events → the on-call engineers and the public (issue #6 with #5's events; docs/rules.md
 * §4, §6). A consumer of the incident event queue that, for every event, reconciles what must exist
 * with what the incident is now, so a replayed or reordered event changes nothing twice:
 *
 * - `incident.registered`: an alert to the on-call channels (Slack first) and a draft notice;
 * - confirmed as medium or high: the notice is published in Kazakh and Russian (status site, feeds,
 *   e-mail to owners, the reporting users and the suppliers of the affected procurements), which
 *   meets SLA-P-MED-HOME / SLA-P-HIGH-HOME, SLA-P-MED-NOTIFY, SLA-P-HIGH-OWNER, SLA-P-OWNER-MEDHIGH;
 *   confirmed as low: the reporting user is told the level and planned fix (SLA-P-LOW-NOTIFY);
 * - a new planned fix time: the notice is re-published as `updated` (001 §14.1–14.2);
 * - resolved: the notice is re-published as `resolved` with the actual fix time and the extensions;
 * - `sla.warning` / `sla.breached` and the daily digest: alerts to the on-call channels;
 * - a delivery that gave up (dead letter): an alert through the other channels.
 *
 * Every delivery has a key derived from the incident and the fact it tells, so a replay inserts nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import client from 'prom-client';
import { audit } from '../core/audit.ts';
import type { Queryable, Db } from '../core/db.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { withTimeout } from '../core/redis.ts';
import { formatAstana } from '../core/time.ts';
import { DEFAULT_POLICY_ID, getIncidentRow, type IncidentEvent, type IncidentRow, type IncidentRuntime } from '../incidents/index.ts';
import { fanOut, type DeliveryRow, insertDeliveries } from './delivery.ts';
import { parseSubject, type Lang, type NoticeSubject, type Phase, type Recipient } from './model.ts';
import { LEVEL_TEXT, contentHash, templateData } from './content.ts';
import {
  CLOCKS_MET_BY_PUBLISH,
  LOW_FIXED_CLOCK,
  LOW_NOTIFY_CLOCK,
  OWNER_UNIT_CLOCK,
  incidentSubject,
  noticePhase,
  ownerUnitEmails,
  type IncidentNames,
} from './incident-subject.ts';
import { moduleNamesOf, systemOf, type KuzetConfig } from '../core/config.ts';
import type { NoticeRuntime } from './runtime.ts';
import * as repo from './incident-notice.repo.ts';
import { acknowledgedAlert, ackAction, alertEvidence, levelText, viaText, type ScreenshotLinks } from './incident-alerts.ts';
import type { MessageAction } from './channels/index.ts';
import type { RenderedNotice } from './langs.ts';

/** How an on-call row goes out besides its texts: not through one channel, with buttons, replacing the thread's first message. */
interface OncallOptions {
  exceptChannel?: string | undefined;
  actions?: readonly MessageAction[] | undefined;
  replaceParent?: { texts: RenderedNotice } | undefined;
}

/** What the incident→notice bridge uses of a running kuzet. */
export interface IncidentNoticeDeps {
  config(): KuzetConfig;
  db(): Db;
  publicUrl(): string;
  incidents: Pick<IncidentRuntime, 'service' | 'subscribe'>;
  notices: Pick<NoticeRuntime, 'deliveries' | 'service' | 'templates' | 'onDead'>;
  /** Whether an incident's on-call alert is silenced (a mute, a maintenance window) and why; it records its decision (oncall/silence.ts). */
  silencer?: { check(r: IncidentRow, alertKey: string): Promise<unknown> };
  /** Signed share links of the evidence's screenshots, for the on-call alert (omitted: the alert names none). */
  screenshots?: ScreenshotLinks;
}

/** The payload of the `clock.extended` change (incidents/store/clock-extension.ts). */
type ClockExtendedPayload = { timer?: string; dueAt?: string; originalDueAt?: string; reason?: string };

/** Who the audit log and the notice history name for what this part does by itself. */
export const INCIDENT_NOTICES_ACTOR = { id: 'system:incident-notices' } as const;

const SOURCE_TEXT: Record<Lang, Record<string, string>> = {
  ru: { monitoring: 'мониторинг kuzet', appeal: 'обращение пользователя' },
  kk: { monitoring: 'kuzet мониторингі', appeal: 'пайдаланушының өтініші' },
};

/** The reporting users of an incident (its own appeals and the appeals linked to it) and the suppliers of the procurements it affects. */
async function recipientsOf(db: Queryable, r: IncidentRow, subject: NoticeSubject): Promise<Recipient[]> {
  const out: Recipient[] = [];
  const seen = new Set<string>();
  const add = (email: string | null | undefined, role: Recipient['role']) => {
    if (!email || seen.has(email.toLowerCase())) return;
    seen.add(email.toLowerCase());
    out.push({ email, role });
  };
  for (const a of await repo.reporterEmails(db, r.id)) add(a.email, 'reporter');
  const ids = subject.affected.map((a) => `${a.announcement}/${a.lot ?? ''}`);
  if (ids.length > 0) {
    const rows = await repo.procurementSuppliers(db, ids);
    for (const p of rows) for (const s of p.suppliers ?? []) add(s.email, 'supplier');
  }
  return out;
}

/** How notices name the incident's system and module: their configured names (kk/ru), never config ids. */
function namesOf(cfg: KuzetConfig, r: Pick<IncidentRow, 'system' | 'module'>): IncidentNames {
  const sys = systemOf(cfg, r.system);
  return { systemName: sys?.name ?? r.system ?? '—', module: moduleNamesOf(sys, r.module) };
}

/** The incident's notice subject in `phase`, with its reporters and suppliers as e-mail recipients. */
async function subjectOf(db: Queryable, cfg: KuzetConfig, r: IncidentRow, phase: Phase): Promise<NoticeSubject> {
  const draft = incidentSubject(r, phase, [], namesOf(cfg, r));
  return { ...draft, recipients: await recipientsOf(db, r, draft) };
}

/** The subject an incident's notice has now, or null when no notice is due. Exported for the console's notice editor. */
export async function noticeSubjectForIncident(
  s: Pick<IncidentNoticeDeps, 'db' | 'config'>,
  incidentId: string,
  /** The incident as it would be after a change not yet made (the console's preview of the resolved notice, issue #21 item 6). */
  change: Partial<IncidentRow> = {},
): Promise<NoticeSubject | null> {
  const stored = await getIncidentRow(s.db(), incidentId);
  if (!stored || !systemOf(s.config(), stored.system)) return null;
  const r = { ...stored, ...change };
  return subjectOf(s.db(), s.config(), r, noticePhase(r) ?? 'opened');
}

export class IncidentNotices {
  constructor(private readonly s: IncidentNoticeDeps) {}

  private channels() {
    return this.s.config().notifications.channels;
  }

  private systemName(system: string | null): string {
    return systemOf(this.s.config(), system)?.name || system || '—';
  }

  /** The module's name in `lang`, or null when it has none configured (the id is never shown). */
  private moduleName(system: string | null, module: string | null, lang: Lang): string | null {
    return namesOf(this.s.config(), { system, module }).module?.[lang] ?? null;
  }

  /** Stores and queues on-call rows (chat channels and the e-mail channels' own `to`). */
  private async oncall(
    event: string,
    threadKey: string,
    template: string,
    policy: string,
    data: (lang: Lang) => Record<string, unknown>,
    payloadData: Record<string, unknown>,
    opts: OncallOptions = {},
  ): Promise<DeliveryRow[]> {
    const texts = this.s.notices.templates.render(policy, template, data);
    const channels = this.channels().filter((c) => c.id !== opts.exceptChannel);
    const extra = {
      ...(opts.actions ? { actions: opts.actions } : {}),
      ...(opts.replaceParent ? { replaceParent: opts.replaceParent } : {}),
    };
    const rows = fanOut(event, { threadKey, texts, data: payloadData, ...extra }, channels, [], { chat: true });
    return this.store(rows, 'notice.alert', event, { template });
  }

  /** Stores the rows not stored yet (a replay finds them all there and does nothing), audits and queues them. */
  private async store(all: DeliveryRow[], action: string, subject: string, after: Record<string, unknown>): Promise<DeliveryRow[]> {
    if (all.length === 0) return all;
    const rows = await this.s.db().transaction(async (tx) => {
      const have = await repo.storedDeliveryKeys(
        tx,
        all.map((r) => r.key),
      );
      const fresh = all.filter((r) => !have.has(r.key));
      if (fresh.length === 0) return fresh;
      await insertDeliveries(tx, fresh);
      await audit(tx, { actor: INCIDENT_NOTICES_ACTOR.id, action, subject, after: { ...after, deliveries: fresh.length } });
      return fresh;
    });
    await this.s.notices.deliveries?.enqueue(rows).catch(() => undefined);
    return rows;
  }

  /** Handles one incident event; idempotent by the facts it tells. */
  async handle(e: IncidentEvent): Promise<void> {
    switch (e.type) {
      case 'incident.registered':
        if (e.incidentId) await this.registered(e.incidentId);
        return;
      case 'sla.warning':
      case 'sla.breached':
        if (e.incidentId) await this.slaAlert(e);
        return;
      case 'digest.daily':
        await this.digest(e);
        return;
      default:
        if (e.incidentId && (e.payload as { change?: string }).change === 'clock.extended')
          await this.clockExtended(e.incidentId, e.payload as ClockExtendedPayload);
        if (e.incidentId && (e.payload as { change?: string }).change === 'acknowledged') await this.acknowledged(e.incidentId, e.payload);
        if (e.incidentId) await this.proposalChanged(e.incidentId);
        if (e.incidentId) await this.reconcile(e.incidentId);
    }
  }

  /** The console's page of the incident, when kuzet knows its public URL. */
  private consoleUrl(id: string): string | null {
    const base = this.s.publicUrl();
    return base ? `${base}/console/incidents/${id}` : null;
  }

  /** The alert: what broke (evidence, screenshot link, proposed level and reasons), the console link, and the Acknowledge button. */
  private async registered(id: string): Promise<void> {
    const r = await getIncidentRow(this.s.db(), id);
    if (!r) return;
    // Issue #21 item 3: the one silence check; a silenced alert is not sent (recorded on the timeline), the notice duties still run.
    if (await this.s.silencer?.check(r, `incident:${id}:registered`)) return this.reconcile(id);
    const facts = await alertEvidence(r, this.s.publicUrl(), this.s.screenshots);
    await this.oncall(
      `incident:${id}:registered`,
      `incident:${id}`,
      'oncall-registered',
      r.policy,
      (lang) => ({
        id,
        systemName: this.systemName(r.system),
        module: this.moduleName(r.system, r.module, lang),
        sourceText: SOURCE_TEXT[lang][r.source] ?? r.source,
        startedAt: formatAstana(new Date(r.started_at)),
        cause: r.probable_cause,
        proposedLevelText: r.proposed_level ? LEVEL_TEXT[lang][r.proposed_level] : null,
        ...facts,
        consoleUrl: this.consoleUrl(id),
      }),
      {
        kind: 'incident.registered',
        incidentId: id,
        system: r.system,
        module: r.module,
        probableCause: r.probable_cause,
        proposedLevel: r.proposed_level,
        evidence: facts.evidence,
      },
      { actions: ackAction(id) },
    );
    await this.reconcile(id);
  }

  /** Acknowledged: a reply in the alert's thread, and the alert itself shows who took it instead of its button. */
  private async acknowledged(
    id: string,
    p: { by?: string; byName?: string | null; at?: string; via?: string; note?: string | null },
  ): Promise<void> {
    const r = await getIncidentRow(this.s.db(), id);
    if (!r) return;
    const data = (lang: Lang) => ({
      id,
      by: p.byName ? `${p.byName} (${p.by ?? ''})` : (p.by ?? ''),
      viaText: viaText(lang, p.via ?? ''),
      at: (p.at ?? '').slice(0, 19).replace('T', ' '),
      note: p.note ?? null,
      consoleUrl: this.consoleUrl(id),
    });
    const alert = await repo.deliveryTextsOf(this.s.db(), `incident:${id}:registered`);
    const ackTexts = this.s.notices.templates.render(r.policy, 'oncall-acknowledged', data);
    await this.oncall(
      `incident:${id}:acknowledged`,
      `incident:${id}`,
      'oncall-acknowledged',
      r.policy,
      data,
      { kind: 'incident.acknowledged', incidentId: id, by: p.by ?? null, via: p.via ?? null },
      alert ? { replaceParent: { texts: acknowledgedAlert(alert.texts, ackTexts) } } : {},
    );
  }

  /** The proposed level changed since the on-call engineers were told (medium → high when more checks fail): a reply in the thread. */
  private async proposalChanged(id: string): Promise<void> {
    const told = await repo.toldProposedLevel(this.s.db(), id);
    if (told === undefined) return; // no alert yet: the alert will tell the level it finds
    const r = await getIncidentRow(this.s.db(), id);
    if (!r || !r.proposed_level || r.proposed_level === told.level) return;
    const to = r.proposed_level;
    await this.oncall(
      `incident:${id}:proposal:${told.updates + 1}:${to}`,
      `incident:${id}`,
      'oncall-proposal',
      r.policy,
      (lang) => ({
        id,
        fromText: levelText(lang, told.level),
        toText: levelText(lang, to),
        proposalRule: r.proposal?.rule ?? null,
        proposalReasons: r.proposal?.reasons ?? [],
        consoleUrl: this.consoleUrl(id),
      }),
      { kind: 'incident.proposal', incidentId: id, proposedLevel: to, previousLevel: told.level },
    );
  }

  private async slaAlert(e: IncidentEvent): Promise<void> {
    const p = e.payload as { id?: string; timer?: string; dueAt?: string };
    const r = await getIncidentRow(this.s.db(), e.incidentId as string);
    if (!r || !p.timer) return;
    const breached = e.type === 'sla.breached';
    await this.oncall(
      `incident:${r.id}:${e.type}:${p.timer}:${p.dueAt ?? ''}`,
      `incident:${r.id}`,
      'oncall-sla',
      r.policy,
      () => ({ id: r.id, timer: p.timer, dueAt: p.dueAt ?? '', breached }),
      { kind: e.type, incidentId: r.id, timer: p.timer, dueAt: p.dueAt ?? null },
    );
  }

  private async digest(e: IncidentEvent): Promise<void> {
    const p = e.payload as {
      date?: string;
      incidents?: { id: string; system: string | null; module: string | null; state: string; level: string | null }[];
      failedResults?: { count: number }[];
    };
    const incidents = (lang: Lang) =>
      (p.incidents ?? []).map((i) => ({
        id: i.id,
        system: this.systemName(i.system),
        module: this.moduleName(i.system, i.module, lang),
        state: i.state,
        level: i.level ?? null,
      }));
    const failedCount = (p.failedResults ?? []).reduce((n, f) => n + f.count, 0);
    await this.oncall(
      `digest:${p.date ?? e.key}`,
      `digest:${p.date ?? e.key}`,
      'oncall-digest',
      DEFAULT_POLICY_ID,
      (lang) => ({ date: p.date ?? '', incidentCount: p.incidents?.length ?? 0, failedCount, incidents: incidents(lang) }),
      { kind: 'digest.daily', date: p.date ?? null },
    );
  }

  /** Brings the incident's notice and its duties in line with the incident as it is now. */
  async reconcile(id: string): Promise<void> {
    const db = this.s.db();
    const r = await getIncidentRow(db, id);
    if (!r || !r.system || !systemOf(this.s.config(), r.system)) return; // an appeal without a system has no homepage notice
    const svc = this.s.notices.service;
    await this.ownerUnitNotify(r);
    const existing = await svc.bySubject('incident', id);
    const phase = noticePhase(r);
    if (phase === null) {
      // Registered or analysing: a draft the operator can preview; refuted: nothing is published.
      if (!existing && (r.state === 'registered' || r.state === 'analysing'))
        await svc.upsert(await subjectOf(db, this.s.config(), r, 'opened'), INCIDENT_NOTICES_ACTOR);
      return;
    }
    if (r.level === 'low') {
      if (r.state === 'confirmed') await this.lowNotify(r);
      else if (r.state === 'resolved' || r.state === 'closed') await this.lowFixed(r);
      return;
    }
    if (r.level !== 'medium' && r.level !== 'high') return;
    let subject = await subjectOf(db, this.s.config(), r, phase);
    if (phase === 'opened' && existing && existing.publishedVersion > 0) {
      // Published already: the same facts stay `opened`; changed facts go out as `updated`. Both sides are
      // parsed before hashing: the stored subject comes back from JSONB with its keys reordered
      // (description {kk, ru}), which would otherwise hash as a change and re-publish at once.
      const same = contentHash(parseSubject({ ...existing.subject, phase: 'opened' })) === contentHash(parseSubject(subject));
      subject = same ? existing.subject : { ...subject, phase: 'updated' };
    }
    // The same subject already published (a replayed or unrelated event): nothing to store, nothing to send.
    const unchanged =
      existing &&
      existing.publishedVersion > 0 &&
      !existing.unpublishedChanges &&
      isDeepStrictEqual(parseSubject(subject), existing.subject);
    if (!unchanged) {
      const out = await svc.upsert(subject, INCIDENT_NOTICES_ACTOR);
      if (out.notice.publishedVersion === 0 || out.notice.unpublishedChanges) await svc.publish(out.notice.id, INCIDENT_NOTICES_ACTOR);
    }
    await this.meetClocks(r, CLOCKS_MET_BY_PUBLISH[r.level]);
  }

  /**
   * 001 §19 (SLA-P-OWNER-MEDHIGH): once the incident runs that clock (medium/high proposed on receipt,
   * or confirmed), the owner's IT and security unit is told by e-mail, and that message alone meets it.
   * Without a configured unit (`owners` with `role: it-security`) nothing is sent and the clock breaches.
   */
  private async ownerUnitNotify(r: IncidentRow): Promise<void> {
    const db = this.s.db();
    const running = await repo.runningClock(db, r.id, OWNER_UNIT_CLOCK);
    if (running.length === 0) return;
    const sys = systemOf(this.s.config(), r.system);
    const to = ownerUnitEmails(sys?.owners ?? []);
    if (to.length === 0) return;
    const names = namesOf(this.s.config(), r);
    const level = r.level ?? r.proposed_level;
    const description = incidentSubject(r, 'opened', [], names).description;
    const texts = this.s.notices.templates.render(r.policy, 'owner-unit', (lang) => ({
      id: r.id,
      systemName: names.systemName,
      moduleName: names.module?.[lang] ?? null,
      levelText: level ? LEVEL_TEXT[lang][level] : null,
      description: lang === 'kk' ? description.kk : description.ru,
      receivedAt: formatAstana(new Date(r.received_at)).slice(0, 16).replace('T', ' '),
      sourceText: SOURCE_TEXT[lang][r.source] ?? r.source,
    }));
    const rows = fanOut(
      `incident:${r.id}:owner-unit`,
      { threadKey: `incident:${r.id}`, texts, data: { kind: 'owner-unit', incidentId: r.id, level } },
      this.channels(),
      to.map((email) => ({ email, oncall: true })),
      { chat: false },
    );
    if (rows.length === 0) return; // no e-mail channel: the message cannot go, the clock stays running
    await this.store(rows, 'notice.owner-unit', r.id, { recipients: to.length, level });
    await this.meetClocks(r, [OWNER_UNIT_CLOCK]);
  }

  /**
   * 001 §13.1: the reporting users learn the level and the planned fix time. One message reaches them
   * all, so it meets SLA-P-LOW-NOTIFY for the incident and for every appeal attached to it.
   */
  private async lowNotify(r: IncidentRow): Promise<void> {
    const duties = await repo.runningClockCopies(this.s.db(), r.id, LOW_NOTIFY_CLOCK);
    const subject = await subjectOf(this.s.db(), this.s.config(), r, 'opened');
    const reporters = subject.recipients.filter((x) => x.role === 'reporter');
    if (reporters.length > 0) {
      const sys = systemOf(this.s.config(), r.system);
      const texts = this.s.notices.templates.render(r.policy, 'level-notify', (lang) =>
        templateData(subject, lang, { systemName: sys?.name ?? r.system ?? '', version: 1, moduleNames: sys?.moduleNames }),
      );
      const planned = r.planned_fix_at ? new Date(r.planned_fix_at).getTime() : 0;
      const rows = fanOut(
        `incident:${r.id}:level-notify:${r.level}:${planned}`,
        { threadKey: `incident:${r.id}`, texts, data: { kind: 'level-notify', incidentId: r.id, level: r.level } },
        this.channels(),
        reporters.map((x) => ({ email: x.email })),
        { chat: false },
      );
      await this.store(rows, 'notice.level-notify', r.id, { recipients: reporters.length, level: r.level });
    }
    await this.meetClocks(
      r,
      duties.map((d) => d.timer),
    );
  }

  /**
   * 002 §15.3 (new §13.3, SLA-P-LOW-FIXED): after the fix of a low failure, the reporting users are told
   * by e-mail that the works are finished and the failure is fixed. Untimed: the duty is done once the
   * message is queued, for the incident and for every appeal attached to it (one message reaches them all).
   */
  private async lowFixed(r: IncidentRow): Promise<void> {
    const db = this.s.db();
    const duties = await repo.runningClockCopies(db, r.id, LOW_FIXED_CLOCK);
    const subject = await subjectOf(db, this.s.config(), r, 'resolved');
    const reporters = subject.recipients.filter((x) => x.role === 'reporter');
    if (reporters.length === 0) return;
    const sys = systemOf(this.s.config(), r.system);
    const texts = this.s.notices.templates.render(r.policy, 'low-fixed', (lang) =>
      templateData(subject, lang, { systemName: sys?.name ?? r.system ?? '', version: 1, moduleNames: sys?.moduleNames }),
    );
    const rows = fanOut(
      `incident:${r.id}:low-fixed`,
      { threadKey: `incident:${r.id}`, texts, data: { kind: 'low-fixed', incidentId: r.id, level: r.level } },
      this.channels(),
      reporters.map((x) => ({ email: x.email })),
      { chat: false },
    );
    if (rows.length === 0) return; // no e-mail channel: the duty stays not done
    await this.store(rows, 'notice.low-fixed', r.id, { recipients: reporters.length, resolvedAt: subject.resolvedAt ?? null });
    await this.meetClocks(
      r,
      duties.map((d) => d.timer),
    );
  }

  /**
   * 000 App.4 §1.5: an extended decision deadline is told to the user (the appeal's e-mail) and to the
   * operator (the on-call channels), in one fan-out keyed by the clock, so a replay sends nothing twice.
   */
  private async clockExtended(id: string, p: ClockExtendedPayload): Promise<void> {
    const r = await getIncidentRow(this.s.db(), id);
    if (!r || !p.timer || !p.dueAt) return;
    const human = (iso: string | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');
    const texts = this.s.notices.templates.render(r.policy, 'clock-extended', () => ({
      id,
      timer: p.timer,
      systemName: this.systemName(r.system),
      originalDueAt: human(p.originalDueAt),
      dueAt: human(p.dueAt),
      reason: p.reason ?? '',
    }));
    // The clock is one appeal's: its own copy (`…@appeal-17`) or the incident's, which the appeal that opened it runs.
    // Every other user of a flood attached to the incident has a decision clock of their own, not extended.
    const appealId = /@appeal-(\d+)$/.exec(p.timer)?.[1] ?? null;
    const users = (await repo.appealUserEmail(this.s.db(), id, appealId)).map((a) => ({ email: a.email, oncall: true }));
    const rows = fanOut(
      `incident:${id}:clock-extended:${p.timer}`,
      {
        threadKey: `incident:${id}`,
        texts,
        data: { kind: 'clock.extended', incidentId: id, timer: p.timer, dueAt: p.dueAt, originalDueAt: p.originalDueAt ?? null },
      },
      this.channels(),
      users,
      { chat: true },
    );
    await this.store(rows, 'notice.clock-extended', id, { timer: p.timer, dueAt: p.dueAt, users: users.length });
  }

  private async meetClocks(r: IncidentRow, timers: readonly string[]): Promise<void> {
    const running = await repo.runningClocksOf(this.s.db(), r.id, timers);
    for (const c of running) {
      try {
        await this.s.incidents.service.markClockMet(r.id, c.timer, {}, INCIDENT_NOTICES_ACTOR);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e; // met meanwhile
      }
    }
  }

  /** A delivery that gave up: tell the on-call engineers through every other channel. Alerts about alerts are not sent. */
  async deadLetter(row: { key: string; channel: string; recipient: string; error: string }): Promise<void> {
    if (row.key.startsWith('dead:')) return;
    await this.oncall(
      `dead:${row.key}`,
      'kuzet:dead-letters',
      'oncall-dead-letter',
      DEFAULT_POLICY_ID,
      () => ({ channel: row.channel, recipient: row.recipient, error: row.error }),
      { kind: 'delivery.dead', key: row.key, channel: row.channel },
      { exceptChannel: row.channel },
    );
  }
}

/**
 * Gauges and counters read from the database at scrape time (a stalled database keeps the last values).
 * Registered at start (app.ts), before Redis is reached; the counters carry their known label sets at 0.
 */
export function registerNoticeMetrics(s: { db(): Queryable; config(): KuzetConfig; metrics: { registry: client.Registry } }): void {
  const registry = s.metrics.registry;
  const c = METRIC_CATALOGUE;
  const q = async <T>(read: (db: Queryable) => Promise<T[]>): Promise<T[] | undefined> => {
    try {
      return await withTimeout(read(s.db()), 1000);
    } catch {
      return undefined;
    }
  };
  if (!registry.getSingleMetric(c.incidentsOpen.name)) {
    new client.Gauge({
      name: c.incidentsOpen.name,
      help: c.incidentsOpen.help,
      labelNames: [...c.incidentsOpen.labels],
      registers: [registry],
      async collect() {
        const rows = await q(repo.openIncidentCounts);
        if (!rows) return;
        this.reset();
        for (const r of rows) this.set({ system: r.system, level: r.level, state: r.state }, Number(r.n));
      },
    });
    new client.Counter({
      name: c.noticeDeliveries.name,
      help: c.noticeDeliveries.help,
      labelNames: [...c.noticeDeliveries.labels],
      registers: [registry],
      async collect() {
        const rows = await q(repo.deliveryOutcomeCounts);
        if (!rows) return;
        this.reset();
        for (const ch of s.config().notifications.channels)
          for (const outcome of ['sent', 'dead']) this.inc({ channel: ch.id, outcome }, 0);
        for (const r of rows) this.inc({ channel: r.channel, outcome: r.state }, Number(r.n));
      },
    });
    new client.Gauge({
      name: c.noticeDeadLetters.name,
      help: c.noticeDeadLetters.help,
      labelNames: [...c.noticeDeadLetters.labels],
      registers: [registry],
      async collect() {
        const rows = await q(repo.deadLetterCounts);
        if (!rows) return;
        this.reset();
        for (const ch of s.config().notifications.channels) this.set({ channel: ch.id }, 0);
        for (const r of rows) this.set({ channel: r.channel }, Number(r.n));
      },
    });
    new client.Counter({
      name: c.noticeDeadlines.name,
      help: c.noticeDeadlines.help,
      labelNames: [...c.noticeDeadlines.labels],
      registers: [registry],
      async collect() {
        const rows = await q(repo.noticeDeadlineOutcomes);
        if (!rows) return;
        this.reset();
        for (const outcome of ['met', 'breached']) this.inc({ outcome }, 0);
        for (const r of rows) this.inc({ outcome: r.outcome }, Number(r.n));
      },
    });
  }
}

/** Subscribes the consumer to the incident events and the dead letters; started by app/start.ts. */
export async function startIncidentNotices(s: IncidentNoticeDeps): Promise<{ handler: IncidentNotices; close(): Promise<void> }> {
  const handler = new IncidentNotices(s);
  s.incidents.subscribe('notices', (e) => handler.handle(e));
  s.notices.onDead((row) => handler.deadLetter(row));
  return { handler, close: async () => undefined };
}
