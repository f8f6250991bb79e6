/**
 * The status site's cache: every output is built once per change and kept as bytes with its ETag,
 * so serving is a map lookup. The database parts (notices, maintenance, uptime) are read with a
 * timeout; when the database is slow or down the last good parts stay and the page says so.
 * Component status comes from the StatusBoard (memory) on every refresh.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../core/db.ts';
import type { Logger } from '../../core/log.ts';
import { formatAstana } from '../../core/time.ts';
import type { Lang } from '../model.ts';
import { renderAtom, renderHtml, renderJson, renderRss, renderWidget, renderWidgetScript, SITE_LANGS } from './render.ts';
import { queryServiceUptime, queryUptime, type ServiceUptimeRow, type SiteEtp, type UptimeRow } from './site.repo.ts';
import { buildSnapshot, UPTIME_DAYS, type BoardDoc, type SiteMaintenance, type SiteNotice, type Snapshot } from './snapshot.ts';

export interface SiteEntry {
  body: Buffer;
  etag: string;
  type: string;
}

export interface SiteSources {
  board: () => BoardDoc;
  notices: () => Promise<SiteNotice[]>;
  maintenance: () => Promise<SiteMaintenance[]>;
  db: () => Queryable | undefined;
  /** The ETP registry as the site lists it (etp/ provides it); without it the ETPs are the configured systems of kind `etp`. */
  etpRegistry?: ((db: Queryable) => Promise<SiteEtp[]>) | undefined;
}

export type Variant = `html-${Lang}` | `widget-${Lang}` | `rss-${Lang}` | `atom-${Lang}` | 'json' | 'widget.js';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

export class StatusSite {
  private entries = new Map<Variant, SiteEntry>();
  private notices: SiteNotice[] = [];
  private maintenance: SiteMaintenance[] = [];
  private uptime: UptimeRow[] = [];
  private uptimeAt = 0;
  private registry: SiteEtp[] | undefined;
  private serviceUptime: ServiceUptimeRow[] | undefined;
  private dirty = true;
  private stale = false;
  private lastHash = '';
  private snapshot: Snapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly src: SiteSources,
    private readonly o: {
      now?: () => Date;
      log?: Logger;
      baseUrl?: () => string;
      dbTimeoutMs?: number;
      refreshMs?: number;
      uptimeEveryMs?: number;
    } = {},
  ) {}

  get(v: Variant): SiteEntry | undefined {
    return this.entries.get(v);
  }

  current(): Snapshot | undefined {
    return this.snapshot;
  }

  /** Something changed (a notice published, a window planned): rebuild soon, reading the database. */
  invalidate(): void {
    this.dirty = true;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, 50);
    this.pending.unref();
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.o.refreshMs ?? 5_000);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
  }

  /** One refresh at a time; a call during one waits for it and then runs again if needed. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing.then(() => (this.dirty ? this.refresh() : undefined));
    this.refreshing = this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const now = this.o.now?.() ?? new Date();
    const timeout = this.o.dbTimeoutMs ?? 2_000;
    const db = this.src.db();
    let stale = false;
    if (this.dirty || this.stale) {
      this.dirty = false;
      try {
        [this.notices, this.maintenance] = await withTimeout(Promise.all([this.src.notices(), this.src.maintenance()]), timeout);
      } catch (e) {
        stale = true;
        this.dirty = true;
        this.o.log?.warn({ err: (e as Error).message }, 'status site: the database did not answer; serving the last known notices');
      }
      if (db && this.src.etpRegistry) {
        try {
          this.registry = await withTimeout(this.src.etpRegistry(db), timeout);
        } catch (e) {
          stale = true;
          this.dirty = true;
          this.o.log?.warn({ err: (e as Error).message }, 'status site: the ETP registry was not read; serving the last known list');
        }
      }
    }
    if (db && now.getTime() - this.uptimeAt > (this.o.uptimeEveryMs ?? 300_000)) {
      try {
        this.uptime = await withTimeout(queryUptime(db, new Date(now.getTime() - UPTIME_DAYS * 86_400_000)), timeout);
        const serviceTargets = this.src
          .board()
          .systems.flatMap((sys) => sys.targets.filter((t) => t.service).map((t) => ({ system: sys.id, target: t.id })));
        this.serviceUptime = await withTimeout(
          queryServiceUptime(db, new Date(now.getTime() - UPTIME_DAYS * 86_400_000), serviceTargets),
          timeout,
        );
        this.uptimeAt = now.getTime();
      } catch (e) {
        stale = true;
        this.o.log?.warn({ err: (e as Error).message }, 'status site: uptime history not refreshed');
      }
    }
    this.stale = stale;
    const input = {
      board: this.src.board(),
      notices: this.notices,
      maintenance: this.maintenance,
      uptime: this.uptime,
      stale,
      registry: this.registry,
      serviceUptime: this.serviceUptime,
    };
    const hash = createHash('sha1').update(JSON.stringify(input)).update(formatAstana(now).slice(0, 10)).digest('hex');
    if (hash === this.lastHash && this.entries.size > 0) return;
    this.lastHash = hash;
    const snap = buildSnapshot({ ...input, now, generatedAt: formatAstana(now) });
    this.snapshot = snap;
    const base = this.o.baseUrl?.() ?? '';
    const next = new Map<Variant, SiteEntry>();
    const put = (v: Variant, type: string, text: string) => {
      const body = Buffer.from(text, 'utf8');
      next.set(v, { body, type, etag: `"${createHash('sha1').update(body).digest('base64url')}"` });
    };
    for (const lang of SITE_LANGS) {
      put(`html-${lang}`, 'text/html; charset=utf-8', renderHtml(snap, lang));
      put(`widget-${lang}`, 'text/html; charset=utf-8', renderWidget(snap, lang, `${base}/status?lang=${lang}`));
      put(`rss-${lang}`, 'application/rss+xml; charset=utf-8', renderRss(snap, lang, base));
      put(`atom-${lang}`, 'application/atom+xml; charset=utf-8', renderAtom(snap, lang, base));
    }
    put('json', 'application/json; charset=utf-8', renderJson(snap));
    put('widget.js', 'text/javascript; charset=utf-8', renderWidgetScript());
    this.entries = next;
  }
}

/** `?lang=kk|ru`, then Accept-Language by quality, then Kazakh (the state language). */
export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'kk' || query === 'ru') return query;
  const prefs = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { lang: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((p) => (p.lang === 'kk' || p.lang === 'ru') && p.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (prefs[0]?.lang as Lang | undefined) ?? 'kk';
}
