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
import {
  buildSnapshot,
  UPTIME_DAYS,
  type BoardDoc,
  type LocalName,
  type SiteMaintenance,
  type SiteNotice,
  type Snapshot,
} from './snapshot.ts';

/** One output of the site as bytes, with its validators. */
export interface SiteEntry {
  body: Buffer;
  /**
   * A weak tag of what the output shows: the hash of its text with the "changed at" stamp left out, so
   * it changes exactly when the content does, and two instances showing the same state agree on it.
   */
  etag: string;
  type: string;
  /** When this output's content last changed (whole seconds): its `Last-Modified` and the stamp it shows. */
  lastModified: Date;
}

export interface SiteSources {
  board: () => BoardDoc;
  notices: () => Promise<SiteNotice[]>;
  maintenance: () => Promise<SiteMaintenance[]>;
  db: () => Queryable | undefined;
  /** Systems' public names in Kazakh and Russian (config `systems.<id>.names`). */
  systemNames?: () => Readonly<Record<string, LocalName | undefined>>;
  /** The ETP registry as the site lists it (etp/ provides it); without it the ETPs are the configured systems of kind `etp`. */
  etpRegistry?: ((db: Queryable) => Promise<SiteEtp[]>) | undefined;
}

export type Variant = `html-${Lang}` | `widget-${Lang}` | `rss-${Lang}` | `atom-${Lang}` | 'json' | 'widget.js';

/** How each output is written from a snapshot; `stamped` outputs show `generatedAt` (the widget shows no time). */
interface Output {
  variant: Variant;
  type: string;
  stamped: boolean;
  render: (s: Snapshot) => string;
}

function outputs(base: string): Output[] {
  const html = 'text/html; charset=utf-8';
  return [
    ...SITE_LANGS.flatMap((lang): Output[] => [
      { variant: `html-${lang}`, type: html, stamped: true, render: (s) => renderHtml(s, lang) },
      { variant: `widget-${lang}`, type: html, stamped: false, render: (s) => renderWidget(s, lang, `${base}/status?lang=${lang}`) },
      { variant: `rss-${lang}`, type: 'application/rss+xml; charset=utf-8', stamped: true, render: (s) => renderRss(s, lang, base) },
      { variant: `atom-${lang}`, type: 'application/atom+xml; charset=utf-8', stamped: true, render: (s) => renderAtom(s, lang, base) },
    ]),
    { variant: 'json', type: 'application/json; charset=utf-8', stamped: true, render: renderJson },
    { variant: 'widget.js', type: 'text/javascript; charset=utf-8', stamped: false, render: () => renderWidgetScript() },
  ];
}

/** The stamp an output is hashed with: a fixed instant, so the tag depends on the content alone. */
const KEY_STAMP = formatAstana(0);
const digest = (text: string) => createHash('sha1').update(text).digest('base64url');

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
  private contentKey = '';
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
    // The database may have taken seconds: whether results are late is judged at the end of the reads.
    this.rebuild(this.o.now?.() ?? new Date(), stale);
  }

  /**
   * Rebuilds the outputs whose content changed since the last refresh. The time of a refresh is not
   * content: an output keeps its bytes, tag and stamp until what it shows changes (a status, a
   * notice, a day of uptime, results starting or stopping to arrive, the database answering or not).
   */
  private rebuild(now: Date, stale: boolean): void {
    const content = buildSnapshot({
      board: this.src.board(),
      notices: this.notices,
      maintenance: this.maintenance,
      uptime: this.uptime,
      stale,
      registry: this.registry,
      serviceUptime: this.serviceUptime,
      systemNames: this.src.systemNames?.(),
      now,
      generatedAt: KEY_STAMP,
    });
    const base = this.o.baseUrl?.() ?? '';
    const key = digest(JSON.stringify(content) + base);
    if (key === this.contentKey && this.entries.size > 0) return;
    this.contentKey = key;
    const changedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const next = new Map<Variant, SiteEntry>();
    for (const out of outputs(base)) {
      const keyText = out.render(content);
      const etag = `W/"${digest(keyText)}"`;
      const prev = this.entries.get(out.variant);
      if (prev?.etag === etag) {
        next.set(out.variant, prev);
        continue;
      }
      const text = out.stamped ? out.render({ ...content, generatedAt: formatAstana(changedAt) }) : keyText;
      next.set(out.variant, { body: Buffer.from(text, 'utf8'), type: out.type, etag, lastModified: changedAt });
    }
    this.entries = next;
    const json = next.get('json');
    this.snapshot = { ...content, generatedAt: formatAstana(json?.lastModified ?? changedAt) };
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
