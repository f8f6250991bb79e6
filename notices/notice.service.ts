/**
 * Notices and maintenance windows in the database: drafts, preview, versioned publication with the
 * history kept, re-publication when a published field changes (001 §14.1–14.2), and the deliveries of
 * each version written in the same transaction (see delivery.ts). Every write is audited.
 */
import { randomBytes } from 'node:crypto';
import { audit } from '../core/audit.ts';
import { systemOf, type KuzetConfig } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import { formatAstana } from '../core/time.ts';
import { contentHash, legacyContentHash, noticeClocks, templateData, type NoticeClock } from './content.ts';
import { fanOut, insertDeliveries, type DeliveryRow, type EmailRecipient } from './delivery.ts';
import { maintenanceSubject, planMaintenance, type MaintenancePlan } from './maintenance.ts';
import { maintenanceInputSchema, parseSubject, parseWith, type NoticeSubject, type Phase } from './model.ts';
import * as repo from './notice.repo.ts';
import type { NoticeRow, VersionRow } from './notice.repo.ts';
import type { NoticeTemplates, RenderedNotice } from './templates.ts';

export interface ActorRef {
  id: string;
  ip?: string | null | undefined;
}

export interface NoticeVersion {
  version: number;
  phase: Phase;
  publishedAt: string;
  publishedBy: string;
  texts: RenderedNotice;
  clocks: NoticeClock[];
  subject: NoticeSubject;
}

export interface NoticeView {
  id: string;
  kind: string;
  subjectId: string;
  system: string;
  active: boolean;
  publishedVersion: number;
  /** A draft differs from the last published version. */
  unpublishedChanges: boolean;
  subject: NoticeSubject;
  versions: NoticeVersion[];
}

export interface NoticeServiceDeps {
  db: () => Db;
  templates: NoticeTemplates;
  config: () => KuzetConfig;
  now?: () => Date;
  /** Queues the rows' jobs after commit; rows stay pending for the sweeper if this fails. */
  enqueue?: (rows: DeliveryRow[]) => Promise<void>;
  /** Schedules a planned window's jobs. */
  schedule?: (windowId: string, plan: MaintenancePlan) => Promise<void>;
  /** Public base URL of the status site, for unsubscribe links. */
  publicUrl?: () => string;
  /** Something the status site shows changed. */
  onChange?: () => void;
}

const ENDED: readonly Phase[] = ['resolved', 'maintenance-completed'];

/** A notice without its versions. */
/**
 * Whether the draft is what was last published. A hash stored before hashes sorted their keys is
 * recognised too (the parsed subject hashes to it the old way), so an upgrade re-publishes nothing.
 */
function draftIsPublished(row: NoticeRow): boolean {
  if (row.published_hash === null) return false;
  if (row.published_hash === row.content_hash) return true;
  try {
    return row.published_hash === legacyContentHash(parseSubject(row.subject));
  } catch {
    return false; // a subject the current schema refuses is no old hash's match
  }
}
const summaryOf = (row: NoticeRow): Omit<NoticeView, 'versions'> => ({
  id: row.id,
  kind: row.subject_kind,
  subjectId: row.subject_id,
  system: row.system,
  active: row.active,
  publishedVersion: row.published_version,
  unpublishedChanges: !draftIsPublished(row),
  subject: row.subject,
});

export class NoticeService {
  private readonly now: () => Date;
  constructor(private readonly d: NoticeServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  private systemName(system: string): string {
    return systemOf(this.d.config(), system)?.name ?? system;
  }

  private checkSystem(s: NoticeSubject): void {
    const sys = systemOf(this.d.config(), s.system);
    if (!sys) throw new InputError(`unknown system "${s.system}"; systems are listed by GET /api/v1/systems`, 'system');
    s.modules.forEach((m, i) => {
      if (sys.modules.length > 0 && !sys.modules.includes(m))
        throw new InputError(`module "${m}" is not in systems.${s.system}.modules`, `modules[${i}]`);
    });
  }

  /** Renders every language of `subject` as version `version`: all or nothing. */
  render(subject: NoticeSubject, version: number): RenderedNotice {
    const moduleNames = systemOf(this.d.config(), subject.system)?.moduleNames;
    return this.d.templates.render(subject.policy, subject.phase, (lang) =>
      templateData(subject, lang, { systemName: this.systemName(subject.system), version, moduleNames }),
    );
  }

  /** Preview of a subject (stored or not), without publishing anything. */
  async preview(input: unknown): Promise<{ texts: RenderedNotice; clocks: NoticeClock[]; version: number }> {
    const subject = parseSubject(input);
    this.checkSystem(subject);
    const row = await this.row(this.d.db(), subject.kind, subject.id);
    const version = (row?.published_version ?? 0) + 1;
    return { texts: this.render(subject, version), clocks: noticeClocks(subject, null), version };
  }

  private async row(q: Queryable, kind: string, subjectId: string): Promise<NoticeRow | undefined> {
    return repo.noticeBySubject(q, kind, subjectId);
  }

  /**
   * Stores the subject as the notice's draft. When the notice was published and a published field
   * changed, the change is published (and notified) at once as a new version.
   */
  async upsert(input: unknown, actor: ActorRef): Promise<{ notice: NoticeView; republished: boolean }> {
    const subject = parseSubject(input);
    this.checkSystem(subject);
    const hash = contentHash(subject);
    // Render before storing: a broken template stops the change with nothing stored.
    this.render(subject, 1);
    const id = await this.d.db().transaction(async (tx) => {
      const before = await this.row(tx, subject.kind, subject.id);
      const noticeId = before?.id ?? `ntc_${randomBytes(6).toString('hex')}`;
      await repo.upsertNotice(tx, { id: noticeId, subject, hash, at: this.now() });
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: before ? 'notice.update' : 'notice.create',
        subject: noticeId,
        before: before?.subject,
        after: subject,
      });
      return noticeId;
    });
    const current = await this.getRow(id);
    if (current.published_version > 0 && !draftIsPublished(current)) {
      return { notice: await this.publish(id, actor), republished: true };
    }
    return { notice: await this.get(id), republished: false };
  }

  private async getRow(id: string): Promise<NoticeRow> {
    const row = await repo.noticeById(this.d.db(), id);
    if (!row) throw new NotFoundError(`no notice "${id}"`);
    return row;
  }

  /**
   * Publishes the draft as a new version: renders both languages first (a template failure stops here
   * with nothing stored), then stores the version, its deliveries and the audit entry in one transaction.
   * Publishing an unchanged draft again is a no-op returning the notice.
   */
  async publish(id: string, actor: ActorRef, opts: { remind?: boolean } = {}): Promise<NoticeView> {
    const row = await this.getRow(id);
    if (row.published_version > 0 && draftIsPublished(row) && !opts.remind) return this.get(id);
    const subject = row.subject;
    const version = opts.remind ? row.published_version : row.published_version + 1;
    const texts = this.render(subject, version);
    const at = this.now();
    const clocks = noticeClocks(subject, at);
    const event = opts.remind ? `notice:${id}:v${version}:remind:${at.getTime()}` : `notice:${id}:v${version}`;
    const rows = fanOut(
      event,
      {
        threadKey: id,
        texts,
        data: {
          notice: id,
          version,
          kind: subject.kind,
          subjectId: subject.id,
          system: subject.system,
          phase: subject.phase,
          level: subject.level ?? null,
          publishedAt: formatAstana(at),
        },
      },
      this.d.config().notifications.channels,
      await this.emailRecipients(subject),
    );
    await this.d.db().transaction(async (tx) => {
      const cur = await repo.lockPublishedVersion(tx, id);
      if (!opts.remind) {
        if (cur !== row.published_version)
          throw new KuzetError('conflict', 'the notice was published meanwhile; reload and try again', { status: 409 });
        const templates = {
          kk: this.d.templates.resolve(subject.policy, subject.phase, 'kk'),
          ru: this.d.templates.resolve(subject.policy, subject.phase, 'ru'),
        };
        await repo.insertVersion(tx, { noticeId: id, version, subject, texts, clocks, templates, at, by: actor.id });
        await repo.markPublished(tx, id, version, !ENDED.includes(subject.phase), at);
      }
      await insertDeliveries(tx, rows);
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: opts.remind ? 'notice.remind' : 'notice.publish',
        subject: id,
        after: { version, phase: subject.phase, deliveries: rows.length, clocks },
      });
    });
    this.d.onChange?.();
    await this.d.enqueue?.(rows).catch(() => undefined);
    return this.get(id);
  }

  /** Who gets the notice by e-mail besides the channels' own `to` (on-call): owners, contacts, ETP owners, the subject's recipients, subscribers. */
  private async emailRecipients(s: NoticeSubject): Promise<EmailRecipient[]> {
    const cfg = this.d.config();
    const sys = systemOf(cfg, s.system);
    const out: EmailRecipient[] = [];
    const add = (email: string | undefined, extra: Partial<EmailRecipient> = {}) => email && out.push({ email, ...extra });
    for (const r of s.recipients) add(r.email);
    for (const c of [...(sys?.owners ?? []), ...(sys?.contacts ?? [])]) add(c.email);
    const etpConcerned = s.kind === 'maintenance' && (sys?.kind === 'etp' || s.modules.includes('eshop'));
    if (etpConcerned) for (const other of Object.values(cfg.systems)) if (other.kind === 'etp') for (const o of other.owners) add(o.email);
    const subs = await repo.confirmedSubscribers(this.d.db(), s.system);
    const base = this.d.publicUrl?.() ?? '';
    for (const sub of subs) add(sub.email, { unsubscribeUrl: `${base}/status/unsubscribe?token=${encodeURIComponent(sub.token)}` });
    return out;
  }

  async get(id: string): Promise<NoticeView> {
    const row = await this.getRow(id);
    const versions = await repo.versionsOf(this.d.db(), id);
    return {
      id: row.id,
      kind: row.subject_kind,
      subjectId: row.subject_id,
      system: row.system,
      active: row.active,
      publishedVersion: row.published_version,
      unpublishedChanges: !draftIsPublished(row),
      subject: row.subject,
      versions: versions.map((v) => ({
        version: v.version,
        phase: v.phase,
        publishedAt: formatAstana(new Date(v.published_at)),
        publishedBy: v.published_by,
        texts: v.texts,
        clocks: v.clocks,
        subject: v.subject,
      })),
    };
  }

  /** The notice of one incident or maintenance window, without its versions; undefined when there is none. */
  async bySubject(kind: string, subjectId: string): Promise<Omit<NoticeView, 'versions'> | undefined> {
    const row = await this.row(this.d.db(), kind, subjectId);
    return row && summaryOf(row);
  }

  async list(opts: { active?: boolean } = {}): Promise<Omit<NoticeView, 'versions'>[]> {
    const rows = await repo.listNotices(this.d.db(), opts.active);
    return rows.map(summaryOf);
  }

  /**
   * One page of notices, the latest change first. A position is (updated_at in microseconds, id): the
   * microseconds keep two changes in one millisecond apart.
   */
  async listPage(o: {
    active?: boolean | undefined;
    limit: number;
    after?: readonly [number, string] | undefined;
  }): Promise<{ items: Omit<NoticeView, 'versions'>[]; next?: [number, string] }> {
    const rows = await repo.noticesPage(this.d.db(), o);
    const page = rows.slice(0, o.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summaryOf),
      ...(rows.length > o.limit && last ? { next: [Number(last.pos), last.id] as [number, string] } : {}),
    };
  }

  /** One page of maintenance windows ending at or after `from`, by start; a position is (starts_at in microseconds, id). */
  async listMaintenancePage(o: { from: Date; limit: number; after?: readonly [number, string] | undefined }) {
    const rows = await repo.maintenancePage(this.d.db(), o);
    const page = rows.slice(0, o.limit);
    const last = page[page.length - 1];
    return {
      items: await Promise.all(page.map((r) => this.maintenance(r.id))),
      ...(rows.length > o.limit && last ? { next: [Number(last.pos), last.id] as [number, string] } : {}),
    };
  }

  /** The latest published version of every notice published since `since`, for the status site. */
  async published(since: Date): Promise<
    {
      id: string;
      active: boolean;
      version: NoticeVersion;
      history: { version: number; publishedAt: string; title: { kk: string; ru: string } }[];
    }[]
  > {
    const db = this.d.db();
    const notices = await repo.publishedNotices(db, since);
    if (notices.length === 0) return [];
    const versions = await repo.versionsOfMany(
      db,
      notices.map((n) => n.id),
    );
    return notices.map((n) => {
      const vs = versions.filter((v) => v.notice_id === n.id);
      const v = vs[0] as VersionRow;
      return {
        id: n.id,
        active: n.active,
        version: {
          version: v.version,
          phase: v.phase,
          publishedAt: formatAstana(new Date(v.published_at)),
          publishedBy: v.published_by,
          texts: v.texts,
          clocks: v.clocks,
          subject: v.subject,
        },
        history: vs.map((x) => ({
          version: x.version,
          publishedAt: formatAstana(new Date(x.published_at)),
          title: { kk: x.texts.kk.title, ru: x.texts.ru.title },
        })),
      };
    });
  }

  // ---- maintenance ----

  /**
   * `POST /api/v1/maintenance`: plans the window, publishes its notice at once (the operator asked),
   * flags it as unplanned works when its lead time has passed, and schedules reminder and phase jobs.
   */
  async planMaintenance(input: unknown, actor: ActorRef): Promise<{ id: string; plan: MaintenancePlan; notice: NoticeView }> {
    const v = parseWith(maintenanceInputSchema, input);
    const sys = systemOf(this.d.config(), v.system);
    if (!sys) throw new InputError(`unknown system "${v.system}"; systems are listed by GET /api/v1/systems`, 'system');
    const facts = { id: v.system, policy: sys.policy, modules: sys.modules };
    const now = this.now();
    const plan = planMaintenance(v, facts, now);
    const id = `MW-${formatAstana(now).slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
    const subject = maintenanceSubject(id, v, facts, plan);
    // Render before storing: a broken template stops the planning with nothing stored.
    this.render(subject, 1);
    const { notice } = await this.upsert(subject, actor);
    await this.d.db().transaction(async (tx) => {
      await repo.insertMaintenanceWindow(tx, {
        id,
        system: v.system,
        input: v,
        plan,
        startsAt: v.startsAt,
        endsAt: v.endsAt,
        phase: 'maintenance-planned',
        noticeId: notice.id,
        by: actor.id,
      });
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: 'maintenance.plan',
        subject: id,
        after: { input: v, verdicts: plan.verdicts, unplanned: plan.unplanned },
      });
    });
    const published = await this.publish(notice.id, actor);
    await this.d.schedule?.(id, plan);
    return { id, plan, notice: published };
  }

  async maintenance(id: string) {
    const row = await repo.maintenanceWindow(this.d.db(), id);
    if (!row) throw new NotFoundError(`no maintenance window "${id}"`);
    return {
      id: row.id,
      system: row.system,
      phase: row.phase,
      unplanned: row.unplanned,
      startsAt: formatAstana(new Date(row.starts_at)),
      endsAt: formatAstana(new Date(row.ends_at)),
      plan: row.plan,
      input: row.input,
      noticeId: row.notice_id,
    };
  }

  async listMaintenance(opts: { from?: Date } = {}) {
    const rows = await repo.maintenanceWindowIds(this.d.db(), opts.from ?? new Date(0));
    return Promise.all(rows.map((r) => this.maintenance(r.id)));
  }

  /** A scheduled job of a window: `remind` re-sends the current version, `start`/`complete` move its phase. */
  async maintenanceJob(
    id: string,
    kind: 'announce' | 'remind' | 'start' | 'complete',
    actor: ActorRef = { id: 'system:notices' },
  ): Promise<void> {
    const w = await this.maintenance(id);
    const notice = await this.get(w.noticeId);
    if (kind === 'announce') {
      await this.publish(notice.id, actor);
      return;
    }
    if (kind === 'remind') {
      if (w.phase === 'maintenance-planned') await this.publish(notice.id, actor, { remind: true });
      return;
    }
    const phase: Phase = kind === 'start' ? 'maintenance-started' : 'maintenance-completed';
    if (w.phase === phase || (kind === 'start' && w.phase === 'maintenance-completed')) return;
    await this.d.db().transaction(async (tx) => {
      await repo.setMaintenancePhase(tx, id, phase);
      await audit(tx, {
        actor: actor.id,
        ip: actor.ip,
        action: `maintenance.${kind}`,
        subject: id,
        before: { phase: w.phase },
        after: { phase },
      });
    });
    await this.upsert({ ...notice.subject, phase }, actor);
  }
}
