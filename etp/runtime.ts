/**
 * The ETP registry, failure-day ledger and decisions over HTTP and in the background (issue #7).
 *
 * Routes (reads need a viewer token, changes an operator token; every change audited):
 *   GET   /api/v1/etps                  ETPs with connection state and streak
 *   GET   /api/v1/etps/:id              registry entry, ledger, events, decisions, clock and freshness evidence
 *   POST  /api/v1/etps                  a new ETP (not in kuzet.yaml)
 *   PATCH /api/v1/etps/:id              change registry fields
 *   POST  /api/v1/etps/:id/episodes     record a failure episode kuzet's checks did not see; recomputes
 *   POST  /api/v1/etps/:id/decision     disconnect at a date and time, or keep, with a reason
 *
 * The background part seeds the registry from the config, recomputes every ETP's ledger on a
 * schedule and soon after any incident change, sends the warnings (streak 5–7) and the threshold
 * event (8) to the operator and the ETP owner once per ETP and date, and keeps the ETP metrics.
 */
import type Router from '@koa/router';
import client from 'prom-client';
import type { Context } from 'koa';
import { requireRole, type Actor } from '../core/auth.ts';
import { systemOf, type KuzetConfig, ETP_STATES } from '../core/config.ts';
import type { Db, Queryable } from '../core/db.ts';
import { NotFoundError, UnavailableError, InputError } from '../core/errors.ts';
import { METRIC_CATALOGUE } from '../core/metric-catalogue.ts';
import { formatAstana, formatEpochDay } from '../core/time.ts';
import { COUNTED_SERVICES, THRESHOLD_STREAK, type StreakEvent } from './streaks.ts';
import { DEFAULT_LEDGER_WINDOW_DAYS, episodeInput, eventJson, recomputeLedger, recordEpisode, type OrderTarget, type RecomputeResult } from './ledger.ts';
import { ETP_TEMPLATES_DIR, ETP_TIME_RULE } from './time-sync.ts';
import { createEtp, inputIssues, listEtpRecords, requireEtp, seedFromConfig, updateEtp, type Etp } from './registry.ts';
import { decisionJson, recordDecision, type DecisionOutcome } from './decision.ts';
import { etpDetail, failingRuns, latestResults, listEtps } from './view.ts';
import { NoticeTemplates, fanOut, insertDeliveries, type DeliveryRow } from '../notices/index.ts';
import { readJson, pageOfList } from '../api/index.ts';
import type { ApiExtension, BackgroundPart, KuzetServices } from '../app/services.ts';

/** How often every ledger is recomputed from the evidence (and the registry re-seeded from the config). */
export const LEDGER_EVERY_MS = 5 * 60_000;
/** How often the incident outbox is looked at; a new event there recomputes the ledgers soon. */
export const INCIDENT_POLL_MS = 10_000;

/** The config targets checking an ETP's counted services (`orders`), with the module their incidents are filed under. */
export function orderTargetsOf(cfg: KuzetConfig, etp: Etp): OrderTarget[] {
  const sys = systemOf(cfg, etp.id); // an ETP id from the registry (an API body): own properties only
  const fromConfig = (sys?.targets ?? []).filter((t) => t.service && COUNTED_SERVICES.includes(t.service)).map((t) => ({ target: t.id, module: t.module ?? t.id }));
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
      streak: new client.Gauge({ name: c.etpFailureStreak.name, help: c.etpFailureStreak.help, labelNames: c.etpFailureStreak.labels, registers: [registry] }),
      connection: new client.Gauge({ name: c.etpConnected.name, help: c.etpConnected.help, labelNames: c.etpConnected.labels, registers: [registry] }),
    };
    metricsOf.set(registry, m);
  }
  return m;
}

/** The ETP owner's contacts with an e-mail address. */
export function ownerEmails(etp: Etp): { email: string }[] {
  return etp.owner.contacts.filter((c) => c.email).map((c) => ({ email: c.email as string }));
}

/** The notice of a decision to the operator's channels and the owner (§49: the disconnection is sent to the owner). */
export function decisionNotices(templates: NoticeTemplates, cfg: KuzetConfig, o: DecisionOutcome): DeliveryRow[] {
  const d = decisionJson(o.decision);
  const data = { etp: o.after.id, etpName: o.after.name, reason: d.reason, disconnectAt: d.disconnectAt ?? '', thresholdReachedOn: d.thresholdReachedOn ?? '' };
  const name = o.decision.decision === 'disconnect' ? 'etp-disconnected' : 'etp-kept';
  const texts = templates.render('etp-em', name, (lang) => ({ lang, ...data }));
  return fanOut(`etp:${o.after.id}:decision:${o.decision.id}`, { threadKey: `etp:${o.after.id}:streak`, texts, data: { kind: 'etp.decision', ...d } }, cfg.notifications.channels, ownerEmails(o.after));
}

const actorOf = (ctx: Context) => ({ id: (ctx.state.actor as Actor).id, ip: ctx.ip });

/**
 * The ETP side of a running kuzet: one per services object, shared by the routes and the background
 * part. Recomputations are serialised so two never race on one ledger.
 */
export class EtpRuntime {
  readonly templates = new NoticeTemplates(ETP_TEMPLATES_DIR);
  private seeded: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly s: KuzetServices) {}

  private db(): Db {
    const db = this.s.db();
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
    const written = await seedFromConfig(this.db(), this.s.config());
    if (written.length > 0) {
      this.s.log.info({ etps: written }, 'ETP registry seeded from the config');
      this.s.notices.site.invalidate();
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
      const at = now ?? this.s.now();
      const cfg = this.s.config();
      // Never re-derive days whose check results retention has already deleted: they stay as stored.
      const windowDays = Math.min(DEFAULT_LEDGER_WINDOW_DAYS, cfg.storage.retentionDays);
      const r = await recomputeLedger(db, etp, orderTargetsOf(cfg, etp), at.getTime(), { windowDays, onNotify: (tx, events, days) => this.notifyEvents(tx, etp, events, days) });
      for (const e of r.newEvents) this.s.log.info({ etp: etp.id, ...eventJson(e), notified: r.toNotify.includes(e) }, e.type === 'threshold' ? 'ETP disconnection threshold reached' : 'ETP failure streak warning');
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
        this.s.log.warn({ etp: e.id, err: (err as Error).message }, 'ETP ledger recomputation failed');
      }
    }
    await this.refreshMetrics();
    return out;
  }

  private lastStates = '';

  /** Sets the ETP metrics; a connection change made elsewhere (the CLI, another process) also refreshes the status site. */
  async refreshMetrics(): Promise<void> {
    const m = etpMetrics(this.s.metrics.registry);
    const at = this.s.now();
    const etps = await listEtps(this.db(), at);
    for (const e of etps) {
      m.streak.set({ etp: e.id }, e.currentStreak);
      for (const state of ETP_STATES) m.connection.set({ etp: e.id, state }, e.state === state ? 1 : 0);
      this.s.influx?.pushEtp({ etp: e.id, streakDays: e.currentStreak, state: e.state, at });
    }
    const states = JSON.stringify(etps.map((e) => [e.id, e.name, e.state, e.stateSince]));
    if (this.lastStates !== '' && states !== this.lastStates) this.s.notices.site.invalidate();
    this.lastStates = states;
  }

  private recipients(etp: Etp) {
    return ownerEmails(etp);
  }

  /** Warnings and the threshold event to the operator (chat channels, on-call e-mail) and the owner's contacts. */
  private async notifyEvents(tx: Queryable, etp: Etp, events: StreakEvent[], days: number[]): Promise<void> {
    const rows: DeliveryRow[] = [];
    for (const e of events) {
      const base = { etp: etp.id, etpName: etp.name, date: formatEpochDay(e.day), streak: e.streak, daysLeft: Math.max(0, THRESHOLD_STREAK - e.streak), failureDays: days.filter((d) => d > e.day - e.streak && d <= e.day).map(formatEpochDay).join(', ') };
      const name = e.type === 'threshold' ? 'etp-threshold' : 'etp-streak-warning';
      const data = e.type === 'threshold' ? { ...base, decisionDueBy: formatAstana(e.decisionDueByMs), rule: 'ETP-DISCONNECT-DECISION' } : { ...base, rule: 'ETP-DISCONNECT-DAYS' };
      const texts = this.templates.render('etp-em', name, (lang) => ({ lang, ...data }));
      const event = `etp:${etp.id}:${e.type}:${formatEpochDay(e.day)}`;
      rows.push(...fanOut(event, { threadKey: `etp:${etp.id}:streak`, texts, data: { kind: `etp.${e.type}`, ...eventJson(e), etp: etp.id } }, this.s.config().notifications.channels, this.recipients(etp)));
    }
    await insertDeliveries(tx, rows);
    this.afterCommit(rows);
  }

  private pendingRows: DeliveryRow[] = [];

  /** Rows are queued after the transaction commits; the delivery sweeper picks up any a crash left behind. */
  private afterCommit(rows: DeliveryRow[]) {
    this.pendingRows.push(...rows);
  }

  private async flush(): Promise<void> {
    const rows = this.pendingRows.splice(0);
    if (rows.length > 0) await this.s.notices.deliveries?.enqueue(rows).catch((e: unknown) => this.s.log.warn({ err: (e as Error).message }, 'ETP notices not queued yet; the delivery sweeper will'));
  }

  async decide(etpId: string, input: unknown, actor: { id: string; ip?: string | null | undefined }): Promise<DecisionOutcome> {
    await this.ensureSeeded();
    const rows: DeliveryRow[] = [];
    const outcome = await recordDecision(this.db(), etpId, input, actor, this.s.now(), async (tx, o) => {
      rows.push(...decisionNotices(this.templates, this.s.config(), o));
      await insertDeliveries(tx, rows);
    });
    await this.s.notices.deliveries?.enqueue(rows).catch(() => undefined);
    if (outcome.decision.decision === 'disconnect') this.s.notices.site.invalidate();
    await this.refreshMetrics();
    return outcome;
  }

  /** `GET /api/v1/etps/:id`: the detail plus the clock, NTP and freshness evidence from the latest check results. */
  async detail(id: string) {
    await this.ensureSeeded();
    const db = this.db();
    const d = await etpDetail(db, id, this.s.now());
    if (!d) throw new NotFoundError(`no ETP "${id}"`);
    return { ...d, time: await this.timeEvidence(db, id) };
  }

  private async timeEvidence(db: Queryable, etpId: string) {
    const cfg = this.s.config();
    const checks = Object.entries(cfg.systems).flatMap(([system, sys]) => sys.targets.flatMap((t) => t.checks.map((c) => ({ key: `${system}/${t.id}/${c.id}`, system, target: t, check: c }))));
    const own = checks.filter((c) => c.system === etpId);
    const dateChecks = own.filter((c) => c.check.type === 'http-date');
    const freshChecks = own.filter((c) => c.check.type === 'freshness');
    const ntpChecks = checks.filter((c) => c.check.type === 'ntp');
    const latest = new Map((await latestResults(db, [...dateChecks, ...freshChecks, ...ntpChecks].map((c) => c.key))).map((r) => [r.key, r]));
    const runsToOpen = this.s.incidents.detector.config.failuresToOpen;
    const clockOffset = [];
    for (const c of dateChecks) {
      const r = latest.get(c.key);
      const runs = r ? await failingRuns(db, c.key) : 0;
      const module = c.target.module ?? c.target.id;
      const open = await db.query<{ id: string }>("SELECT id FROM incidents WHERE system = $1 AND module = $2 AND state IN ('registered', 'analysing', 'confirmed') ORDER BY registered_at DESC LIMIT 1", [etpId, module]);
      clockOffset.push({
        check: c.key,
        at: r?.at ?? null,
        ok: r?.ok ?? null,
        offsetMs: (r?.observations?.offsetMs as number | undefined) ?? null,
        uncertaintyMs: (r?.observations?.uncertaintyMs as number | undefined) ?? null,
        kuzetClockCorrectionMs: (r?.observations?.kuzetClockCorrectionMs as number | null | undefined) ?? null,
        maxOffsetMs: (c.check.settings.maxOffsetMs as number | undefined) ?? null,
        message: r?.message ?? null,
        runsBeyondThreshold: runs,
        runsToOpenIncident: runsToOpen,
        incident: open[0]?.id ?? null,
        rule: ETP_TIME_RULE.id,
      });
    }
    return {
      rule: ETP_TIME_RULE,
      clockOffset,
      ntp: ntpChecks.map((c) => {
        const r = latest.get(c.key);
        const o = r?.observations ?? {};
        return { check: c.key, at: r?.at ?? null, ok: r?.ok ?? null, server: o.server ?? (c.check.settings.server as string | undefined) ?? null, offsetMs: o.offsetMs ?? null, delayMs: o.delayMs ?? null, stratum: o.stratum ?? null, refId: o.refId ?? null, message: r?.message ?? null };
      }),
      freshness: freshChecks.map((c) => {
        const r = latest.get(c.key);
        const o = r?.observations ?? {};
        return { check: c.key, service: c.target.service ?? null, at: r?.at ?? null, ok: r?.ok ?? null, timestamp: o.timestamp ?? null, ageSeconds: o.ageSeconds ?? null, maxAgeSeconds: o.maxAgeSeconds ?? null, message: r?.message ?? null };
      }),
    };
  }

  async addEpisode(etpId: string, input: unknown, actor: { id: string; ip?: string | null | undefined }) {
    await this.ensureSeeded();
    const r = episodeInput.safeParse(input);
    if (!r.success) throw new InputError(inputIssues(r.error.issues));
    const etp = await requireEtp(this.db(), etpId);
    const id = await recordEpisode(this.db(), etp, { service: r.data.service, startMs: r.data.start, endMs: r.data.end, source: 'operator', note: r.data.note ?? null }, actor);
    const ledger = await this.recompute(etpId);
    await this.flush();
    await this.refreshMetrics();
    return { id, counted: COUNTED_SERVICES.includes(r.data.service), ledger };
  }

  /** Queues the notices of recomputations since the last call. */
  async afterRecompute(): Promise<void> {
    await this.flush();
  }
}

const runtimes = new WeakMap<KuzetServices, EtpRuntime>();

/** The ETP runtime of a running kuzet (created on first use). */
export function etpRuntime(s: KuzetServices): EtpRuntime {
  let r = runtimes.get(s);
  if (!r) {
    r = new EtpRuntime(s);
    runtimes.set(s, r);
  }
  return r;
}

export function etpExtension(s: KuzetServices): ApiExtension {
  const rt = etpRuntime(s);
  const viewer = requireRole(() => s.db(), 'viewer');
  const operator = requireRole(() => s.db(), 'operator');
  return (_app, router: Router) => {
    router.get('/api/v1/etps', viewer, async (ctx) => {
      await rt.ensureSeeded();
      // Paged like every list (issue #16 item 7); `etps` stays for clients of the first version.
      const page = pageOfList(ctx, await listEtps(s.db(), s.now()), (e) => e.id);
      ctx.body = { ...page, etps: page.items };
    });
    router.get('/api/v1/etps/:id', viewer, async (ctx) => {
      ctx.body = await rt.detail(ctx.params.id as string);
    });
    router.post('/api/v1/etps', operator, async (ctx) => {
      await rt.ensureSeeded();
      const e = await createEtp(s.db(), await readJson(ctx), actorOf(ctx), s.now());
      s.notices.site.invalidate();
      await rt.refreshMetrics();
      ctx.status = 201;
      ctx.body = await rt.detail(e.id);
    });
    router.patch('/api/v1/etps/:id', operator, async (ctx) => {
      await rt.ensureSeeded();
      await updateEtp(s.db(), ctx.params.id as string, await readJson(ctx), actorOf(ctx), s.now());
      s.notices.site.invalidate();
      await rt.refreshMetrics();
      ctx.body = await rt.detail(ctx.params.id as string);
    });
    router.post('/api/v1/etps/:id/episodes', operator, async (ctx) => {
      const r = await rt.addEpisode(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
      ctx.status = 201;
      ctx.body = { id: r.id, counted: r.counted, newEvents: r.ledger.newEvents.map(eventJson), etp: await rt.detail(ctx.params.id as string) };
    });
    router.post('/api/v1/etps/:id/decision', operator, async (ctx) => {
      const o = await rt.decide(ctx.params.id as string, await readJson(ctx), actorOf(ctx));
      ctx.status = 201;
      ctx.body = { decision: decisionJson(o.decision), etp: await rt.detail(o.after.id) };
    });
  };
}

export async function startEtpPart(s: KuzetServices, o: { everyMs?: number; pollMs?: number } = {}): Promise<BackgroundPart> {
  const rt = etpRuntime(s);
  let running: Promise<unknown> = Promise.resolve();
  // undefined until the first look; null while the outbox is empty.
  let lastOutboxId: string | null | undefined;
  let closed = false;
  const run = () => {
    if (closed) return;
    running = running
      .then(() => rt.recomputeAll())
      .then(() => rt.afterRecompute())
      .catch((e: unknown) => s.log.warn({ err: (e as Error).message }, 'ETP ledger run failed'));
  };
  // Incident changes (registered, recovered, refuted…) move failure days: look for new outbox events.
  const poll = async () => {
    const r = await s.db().query<{ id: string | null }>('SELECT max(id)::text AS id FROM outbox');
    const id = r[0]?.id ?? null;
    if (lastOutboxId !== undefined && id !== lastOutboxId) run();
    lastOutboxId = id;
  };
  run();
  await running;
  await poll().catch(() => undefined);
  const every = setInterval(run, o.everyMs ?? LEDGER_EVERY_MS);
  every.unref();
  const watcher = setInterval(() => void poll().catch(() => undefined), o.pollMs ?? INCIDENT_POLL_MS);
  watcher.unref();
  return {
    async close() {
      closed = true;
      clearInterval(every);
      clearInterval(watcher);
      await running;
    },
  };
}
