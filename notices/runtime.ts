/**
 * The notices runtime: the service, the status site cache, subscriptions, and — once Redis is there —
 * the delivery queue and the maintenance schedule (BullMQ delayed jobs). app/start.ts wires it.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { audit } from '../core/audit.ts';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { formatAstana } from '../core/time.ts';
import { slaDueAt } from '../incidents/index.ts';
import { closeEmailTransports } from './channels/index.ts';
import { templateData } from './content.ts';
import { Deliveries, fanOut, insertDeliveries, type DeliveryOptions, type DeliveryRow } from './delivery.ts';
import type { MaintenancePlan } from './maintenance.ts';
import { parseWith, type Lang } from './model.ts';
import { NoticeService, type ActorRef } from './notice.service.ts';
import type { BoardDoc } from './site/snapshot.ts';
import { StatusSite, type SiteSources } from './site/status-site.ts';
import { Subscriptions } from './subscriptions.ts';
import { NoticeTemplates } from './templates.ts';
import { z } from 'zod';

export const SCHEDULE_QUEUE = 'notice-schedule';

/** A delivery that failed for good. */
export interface DeadLetter {
  key: string;
  channel: string;
  recipient: string;
  error: string;
}

export interface NoticeRuntimeOptions {
  db: () => Db;
  config: () => KuzetConfig;
  log: Logger;
  board: () => BoardDoc;
  now?: () => Date;
  publicUrl?: () => string;
  templatesDir?: string;
  delivery?: Partial<Pick<DeliveryOptions, 'attempts' | 'backoffMs' | 'lockDurationMs' | 'sweepEveryMs' | 'concurrency' | 'onDead'>>;
  site?: { dbTimeoutMs?: number; refreshMs?: number };
  /** The ETP registry for the status site's ETP list (etp/'s `queryRegistry`). */
  etpRegistry?: SiteSources['etpRegistry'];
}

const ackSchema = z.strictObject({
  incidentId: z.string().min(1).max(100),
  email: z.email('must be an e-mail address'),
  system: z.string().min(1),
  description: z.string().max(2000).optional(),
  registeredAt: z.string().optional(),
});

export class NoticeRuntime {
  readonly templates: NoticeTemplates;
  readonly service: NoticeService;
  readonly site: StatusSite;
  readonly subscriptions: Subscriptions;
  deliveries: Deliveries | undefined;
  private scheduleQueue: Queue | undefined;
  private scheduleWorker: Worker | undefined;
  private scheduleConn: Redis | undefined;
  private readonly deadListeners: ((row: DeadLetter) => Promise<void>)[] = [];

  constructor(private readonly o: NoticeRuntimeOptions) {
    this.templates = new NoticeTemplates(o.templatesDir);
    const enqueue = async (rows: DeliveryRow[]) => {
      await this.deliveries?.enqueue(rows);
    };
    this.site = new StatusSite(
      {
        board: o.board,
        systemNames: () => Object.fromEntries(Object.entries(o.config().systems).map(([id, sys]) => [id, sys.names])),
        db: () => o.db(),
        etpRegistry: o.etpRegistry,
        notices: async () =>
          (await this.service.published(new Date((o.now?.() ?? new Date()).getTime() - 7 * 86_400_000))).map((n) => ({
            id: n.id,
            active: n.active,
            kind: n.version.subject.kind,
            system: n.version.subject.system,
            phase: n.version.phase,
            level: n.version.subject.level ?? null,
            version: n.version.version,
            publishedAt: n.version.publishedAt,
            texts: n.version.texts,
            history: n.history,
          })),
        maintenance: async () =>
          (await this.service.listMaintenance({ from: o.now?.() ?? new Date() })).map((m) => ({
            id: m.id,
            system: m.system,
            modules: (m.input as { modules?: string[] }).modules ?? [],
            startsAt: new Date(Date.parse(m.startsAt)).toISOString(),
            endsAt: new Date(Date.parse(m.endsAt)).toISOString(),
            phase: m.phase,
            unplanned: m.unplanned,
          })),
      },
      { now: o.now, log: o.log, baseUrl: o.publicUrl, ...o.site },
    );
    this.service = new NoticeService({
      db: o.db,
      templates: this.templates,
      config: o.config,
      now: o.now,
      enqueue,
      publicUrl: o.publicUrl,
      onChange: () => this.site.invalidate(),
      schedule: (id, plan) => this.schedule(id, plan),
    });
    this.subscriptions = new Subscriptions({
      db: o.db,
      config: o.config,
      templates: this.templates,
      enqueue,
      publicUrl: o.publicUrl,
      now: o.now,
    });
  }

  /** Calls `listener` for every delivery that gave up (a dead letter), e.g. to alert the on-call engineers through another channel. */
  onDead(listener: (row: DeadLetter) => Promise<void>): void {
    this.deadListeners.push(listener);
  }

  /** Starts the status site's refresh loop (its first build reads the database). */
  async start(): Promise<void> {
    await this.site.refresh();
    this.site.start();
  }

  /** Starts delivery and the maintenance schedule on this Redis. */
  async attachRedis(connection: Redis, prefix: string): Promise<void> {
    const onDead = (row: DeadLetter) => {
      this.o.delivery?.onDead?.(row);
      for (const l of this.deadListeners)
        void l(row).catch((e: unknown) => this.o.log.error({ err: (e as Error).message, key: row.key }, 'dead-letter alert failed'));
    };
    this.deliveries = new Deliveries({
      db: this.o.db(),
      connection,
      prefix,
      channels: () => this.o.config().notifications.channels,
      log: this.o.log,
      ...this.o.delivery,
      onDead,
    });
    this.deliveries.start();
    this.scheduleQueue = new Queue(SCHEDULE_QUEUE, { connection, prefix });
    this.scheduleQueue.on('error', () => undefined);
    this.scheduleConn = connection.duplicate();
    this.scheduleConn.on('error', () => undefined);
    this.scheduleWorker = new Worker(
      SCHEDULE_QUEUE,
      async (job) => {
        const { windowId, kind } = job.data as { windowId: string; kind: 'announce' | 'remind' | 'start' | 'complete' };
        await this.service.maintenanceJob(windowId, kind);
      },
      { connection: this.scheduleConn, prefix },
    );
    this.scheduleWorker.on('error', () => undefined);
    await this.deliveries.sweep().catch(() => undefined);
  }

  private async schedule(windowId: string, plan: MaintenancePlan): Promise<void> {
    if (!this.scheduleQueue) return;
    const now = (this.o.now?.() ?? new Date()).getTime();
    await this.scheduleQueue.addBulk(
      plan.jobs
        .filter((j) => j.kind !== 'announce')
        .map((j) => ({
          name: j.kind,
          data: { windowId, kind: j.kind },
          opts: {
            jobId: `${windowId}-${j.kind}`,
            delay: Math.max(0, Date.parse(j.at) - now),
            attempts: 5,
            backoff: { type: 'exponential', delay: 10_000 },
            removeOnComplete: true,
            removeOnFail: 100,
          },
        })),
    );
  }

  /** The jobs scheduled for a window (for the API and tests). */
  async scheduled(windowId: string): Promise<{ kind: string; runAt: string }[]> {
    if (!this.scheduleQueue) return [];
    const out: { kind: string; runAt: string }[] = [];
    for (const kind of ['remind', 'start', 'complete']) {
      const job = await this.scheduleQueue.getJob(`${windowId}-${kind}`);
      if (job) out.push({ kind, runAt: formatAstana(job.timestamp + (job.opts.delay ?? 0)) });
    }
    return out;
  }

  /** Acknowledgement e-mail with the incident id to the reporting user, first in the queue (SLA-P-ID: 60 minutes from registration). */
  async acknowledge(input: unknown, actor: ActorRef): Promise<{ key: string; dueAt: string }> {
    const v = parseWith(ackSchema, input);
    const cfg = this.o.config();
    const sys = Object.hasOwn(cfg.systems, v.system) ? cfg.systems[v.system] : undefined;
    if (!sys) throw new InputError(`unknown system "${v.system}"; systems are listed by GET /api/v1/systems`, 'system');
    const registered = v.registeredAt ? new Date(v.registeredAt) : (this.o.now?.() ?? new Date());
    const subject = {
      kind: 'incident' as const,
      id: v.incidentId,
      system: v.system,
      modules: [],
      policy: sys.policy,
      phase: 'opened' as const,
      description: { ru: v.description ?? '' },
      extensions: [],
      affected: [],
      contacts: [],
      recipients: [],
      unplanned: false,
    };
    const texts = this.templates.render(sys.policy, 'ack', (lang: Lang) => ({
      ...templateData(subject, lang, { systemName: sys.name, version: 1 }),
      description: v.description ?? null,
    }));
    const rows = fanOut(
      `ack:${v.incidentId}`,
      { threadKey: `ack:${v.incidentId}`, texts, data: { kind: 'acknowledgement', incidentId: v.incidentId } },
      cfg.notifications.channels,
      [{ email: v.email, oncall: true }],
      { chat: false },
    );
    await this.o.db().transaction(async (tx) => {
      await insertDeliveries(tx, rows);
      await audit(tx, { actor: actor.id, ip: actor.ip, action: 'notice.acknowledge', subject: v.incidentId, after: { email: v.email } });
    });
    await this.deliveries?.enqueue(rows).catch(() => undefined);
    return { key: rows[0]?.key ?? '', dueAt: formatAstana(slaDueAt('SLA-P-ID', registered)) };
  }

  async close(): Promise<void> {
    this.site.close();
    await this.scheduleWorker?.close();
    await this.scheduleQueue?.close();
    this.scheduleConn?.disconnect();
    await this.deliveries?.close();
    closeEmailTransports();
  }
}
