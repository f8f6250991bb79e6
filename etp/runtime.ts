/**
 * The ETP side of a running kuzet (issue #7): the registry seeded from the config, every ETP's ledger
 * recomputed (serialised so two never race on one ledger), the warnings, threshold event and decision
 * notices queued, the ETP metrics kept. The routes (etp/etp.routes.ts), the background part
 * (etp/etp.part.ts) and the console share one `EtpRuntime`.
 */
import client from 'prom-client';
import { systemOf, type KuzetConfig, ETP_STATES } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { NotFoundError, UnavailableError, InputError } from '../core/errors.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { COUNTED_SERVICES, type StreakEvent } from './streaks.ts';
import {
  DEFAULT_LEDGER_WINDOW_DAYS,
  episodeInput,
  eventJson,
  recomputeLedger,
  recordEpisode,
  type OrderTarget,
  type RecomputeResult,
} from './ledger.ts';
import { ETP_TEMPLATES_DIR } from './time-sync.ts';
import { createEtp, inputIssues, listEtpRecords, requireEtp, seedFromConfig, updateEtp, type Etp, type RegistryActor } from './registry.ts';
import { recordDecision, type DecisionOutcome } from './decision.ts';
import { etpDetail, listEtps, type EtpSummary } from './view.ts';
import { latestOutboxId } from './evidence.repo.ts';
import { timeEvidence } from './time-evidence.ts';
import { decisionNotices, streakNotices } from './etp.notices.ts';
import { NoticeTemplates, insertDeliveries, type DeliveryRow } from '../notices/index.ts';

export { decisionNotices, ownerEmails } from './etp.notices.ts';

/** What the ETP runtime uses of a running kuzet, and nothing more. */
export interface EtpDeps {
  config(): KuzetConfig;
  db(): Db;
  log: Logger;
  now(): Date;
  /** Where the ETP gauges are registered. */
  metrics: { readonly registry: client.Registry };
  /** The status site (its ETP list is refreshed on a change) and the delivery queue (absent until Redis is reached). */
  notices: { readonly site: { invalidate(): void }; readonly deliveries?: { enqueue(rows: DeliveryRow[]): Promise<unknown> } | undefined };
  /** The detector's threshold, shown beside a clock offset (runs to open an incident). */
  incidents: { readonly detector: { readonly config: { readonly failuresToOpen: number } } };
  /** The InfluxDB history sink, when configured. */
  influx?: { pushEtp(p: { etp: string; streakDays: number; state: string; at: Date }): void } | undefined;
}

/** The config targets checking an ETP's counted services (`orders`), with the module their incidents are filed under. */
export function orderTargetsOf(cfg: KuzetConfig, etp: Etp): OrderTarget[] {
  const sys = systemOf(cfg, etp.id); // an ETP id from the registry (an API body): own properties only
  const fromConfig = (sys?.targets ?? [])
    .filter((t) => t.service && COUNTED_SERVICES.includes(t.service))
    .map((t) => ({ target: t.id, module: t.module ?? t.id }));
  const fromRegistry = etp.services
    .filter((s) => COUNTED_SERVICES.includes(s.service) && s.target !== null && !fromConfig.some((c) => c.target === s.target))
    .map((s) => {
      const t = sys?.targets.find((x) => x.id === s.target);
      return { target: s.target as string, module: t?.module ?? (s.target as string) };
    });
  return [...fromConfig, ...fromRegistry];
}

interface EtpMetrics {
  streak: client.Gauge;
  connection: client.Gauge;
}

const metricsOf = new WeakMap<client.Registry, EtpMetrics>();

function etpMetrics(registry: client.Registry): EtpMetrics {
  let m = metricsOf.get(registry);
  if (!m) {
    const c = METRIC_CATALOGUE;
    m = {
      streak: new client.Gauge({
        name: c.etpFailureStreak.name,
        help: c.etpFailureStreak.help,
        labelNames: c.etpFailureStreak.labels,
        registers: [registry],
      }),
      connection: new client.Gauge({
        name: c.etpConnected.name,
        help: c.etpConnected.help,
        labelNames: c.etpConnected.labels,
        registers: [registry],
      }),
    };
    metricsOf.set(registry, m);
  }
  return m;
}

/**
 * The ETP side of a running kuzet: one per process, shared by the routes, the background part and
 * the console. Recomputations are serialised so two never race on one ledger.
 */
export class EtpRuntime {
  readonly templates = new NoticeTemplates(ETP_TEMPLATES_DIR);
  private seeded: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private lastStates = '';
  private pendingRows: DeliveryRow[] = [];

  constructor(private readonly d: EtpDeps) {}

  private db(): Db {
    const db = this.d.db();
    if (!db) throw new UnavailableError('the database is not open yet');
    return db;
  }

  /** Seeds the registry from the config once (again after `reseed`). */
  ensureSeeded(): Promise<void> {
    // A failed first seeding (the database away) is tried again by the next caller.
    this.seeded ??= this.reseed().catch((e: unknown) => {
      this.seeded = undefined;
      throw e;
    });
    return this.seeded;
  }

  async reseed(): Promise<void> {
    const written = await seedFromConfig(this.db(), this.d.config());
    if (written.length > 0) {
      this.d.log.info({ etps: written }, 'ETP registry seeded from the config');
      this.d.notices.site.invalidate();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Recomputes one ETP's ledger as of `now` (default kuzet's now), sending what is new. */
  recompute(etpId: string, now?: Date): Promise<RecomputeResult> {
    return this.serial(async () => {
      await this.ensureSeeded();
      const db = this.db();
      const etp = await requireEtp(db, etpId);
      const at = now ?? this.d.now();
      const cfg = this.d.config();
      // Never re-derive days whose check results retention has already deleted: they stay as stored.
      const windowDays = Math.min(DEFAULT_LEDGER_WINDOW_DAYS, cfg.storage.retentionDays);
      const r = await recomputeLedger(db, etp, orderTargetsOf(cfg, etp), at.getTime(), {
        windowDays,
        onNotify: (tx, events, days) => this.notifyEvents(tx, etp, events, days),
      });
      for (const e of r.newEvents)
        this.d.log.info(
          { etp: etp.id, ...eventJson(e), notified: r.toNotify.includes(e) },
          e.type === 'threshold' ? 'ETP disconnection threshold reached' : 'ETP failure streak warning',
        );
      return r;
    });
  }

  /** Re-seeds, recomputes every ETP and refreshes the metrics. A failing ETP does not stop the others. */
  async recomputeAll(): Promise<RecomputeResult[]> {
    await this.reseed();
    const out: RecomputeResult[] = [];
    for (const e of await listEtpRecords(this.db())) {
      try {
        out.push(await this.recompute(e.id));
      } catch (err) {
        this.d.log.warn({ etp: e.id, err: (err as Error).message }, 'ETP ledger recomputation failed');
      }
    }
    await this.refreshMetrics();
    return out;
  }

  /** Sets the ETP metrics; a connection change made elsewhere (the CLI, another process) also refreshes the status site. */
  async refreshMetrics(): Promise<void> {
    const m = etpMetrics(this.d.metrics.registry);
    const at = this.d.now();
    const etps = await listEtps(this.db(), at);
    for (const e of etps) {
      m.streak.set({ etp: e.id }, e.currentStreak);
      for (const state of ETP_STATES) m.connection.set({ etp: e.id, state }, e.state === state ? 1 : 0);
      this.d.influx?.pushEtp({ etp: e.id, streakDays: e.currentStreak, state: e.state, at });
    }
    const states = JSON.stringify(etps.map((e) => [e.id, e.name, e.state, e.stateSince]));
    if (this.lastStates !== '' && states !== this.lastStates) this.d.notices.site.invalidate();
    this.lastStates = states;
  }

  /** Warnings and the threshold event, stored in the ledger's transaction; queued after it commits. */
  private async notifyEvents(tx: Queryable, etp: Etp, events: StreakEvent[], days: number[]): Promise<void> {
    const rows = streakNotices(this.templates, this.d.config(), etp, events, days);
    await insertDeliveries(tx, rows);
    // Rows are queued after the transaction commits; the delivery sweeper picks up any a crash left behind.
    this.pendingRows.push(...rows);
  }

  private async flush(): Promise<void> {
    const rows = this.pendingRows.splice(0);
    if (rows.length > 0)
      await this.d.notices.deliveries
        ?.enqueue(rows)
        .catch((e: unknown) => this.d.log.warn({ err: (e as Error).message }, 'ETP notices not queued yet; the delivery sweeper will'));
  }

  async decide(etpId: string, input: unknown, actor: RegistryActor): Promise<DecisionOutcome> {
    await this.ensureSeeded();
    const rows: DeliveryRow[] = [];
    const outcome = await recordDecision(this.db(), etpId, input, actor, this.d.now(), async (tx, o) => {
      rows.push(...decisionNotices(this.templates, this.d.config(), o));
      await insertDeliveries(tx, rows);
    });
    await this.d.notices.deliveries?.enqueue(rows).catch(() => undefined);
    if (outcome.decision.decision === 'disconnect') this.d.notices.site.invalidate();
    await this.refreshMetrics();
    return outcome;
  }

  /** `GET /api/v1/etps`: every ETP with its connection state and streak. */
  async list(): Promise<EtpSummary[]> {
    await this.ensureSeeded();
    return listEtps(this.db(), this.d.now());
  }

  /** `GET /api/v1/etps/:id`: the detail plus the clock, NTP and freshness evidence from the latest check results. */
  async detail(id: string) {
    await this.ensureSeeded();
    const db = this.db();
    const d = await etpDetail(db, id, this.d.now());
    if (!d) throw new NotFoundError(`no ETP "${id}"`);
    return { ...d, time: await timeEvidence(db, this.d.config(), id, this.d.incidents.detector.config.failuresToOpen) };
  }

  /** `POST /api/v1/etps`: a new ETP; the status site and the metrics follow. */
  async create(input: unknown, actor: RegistryActor): Promise<Etp> {
    await this.ensureSeeded();
    const e = await createEtp(this.db(), input, actor, this.d.now());
    await this.afterRegistryChange();
    return e;
  }

  /** `PATCH /api/v1/etps/:id`: registry fields changed; the status site and the metrics follow. */
  async update(id: string, input: unknown, actor: RegistryActor): Promise<Etp> {
    await this.ensureSeeded();
    const e = await updateEtp(this.db(), id, input, actor, this.d.now());
    await this.afterRegistryChange();
    return e;
  }

  private async afterRegistryChange(): Promise<void> {
    this.d.notices.site.invalidate();
    await this.refreshMetrics();
  }

  async addEpisode(etpId: string, input: unknown, actor: RegistryActor) {
    await this.ensureSeeded();
    const r = episodeInput.safeParse(input);
    if (!r.success) throw new InputError(inputIssues(r.error.issues));
    const etp = await requireEtp(this.db(), etpId);
    const id = await recordEpisode(
      this.db(),
      etp,
      { service: r.data.service, startMs: r.data.start, endMs: r.data.end, source: 'operator', note: r.data.note ?? null },
      actor,
    );
    const ledger = await this.recompute(etpId);
    await this.flush();
    await this.refreshMetrics();
    return { id, counted: COUNTED_SERVICES.includes(r.data.service), ledger };
  }

  /** Queues the notices of recomputations since the last call. */
  async afterRecompute(): Promise<void> {
    await this.flush();
  }

  /** The newest incident outbox event (null while empty): a change there moves failure days. */
  outboxPosition(): Promise<string | null> {
    return latestOutboxId(this.d.db());
  }

  /** Logs a failed background run. */
  warn(err: unknown, msg: string): void {
    this.d.log.warn({ err: (err as Error).message }, msg);
  }
}

const runtimes = new WeakMap<EtpDeps, EtpRuntime>();

/** The ETP runtime of a running kuzet (created on first use, one per deps object). */
export function etpRuntime(d: EtpDeps): EtpRuntime {
  let r = runtimes.get(d);
  if (!r) {
    r = new EtpRuntime(d);
    runtimes.set(d, r);
  }
  return r;
}
