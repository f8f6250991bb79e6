/**
 * The current state of every configured check, per region: fed live by the ingestor, seeded from the
 * database at start, so `/api/v1/status` answers from memory even while the database is slow.
 */
import type { KuzetConfig } from '../core/config.ts';
import { formatAstana } from '../core/time.ts';
import type { LiveSink } from './ingest.ts';
import type { CheckStateRow, KeyedResult } from './results.repo.ts';

interface Entry {
  ok: boolean;
  latencyMs: number;
  errorKind: string | null;
  message: string;
  at: Date;
  since: Date;
  /** `at` and `since` in Astana time, formatted on the first snapshot that shows them (snapshots come every few seconds, results once an interval). */
  atText?: string;
  sinceText?: string;
}

/** One configured check in one region with its newest result, if any: {@link StatusBoard.current}. */
export interface BoardRegion {
  systemId: string;
  targetId: string;
  module: string | null;
  key: string;
  region: string;
  latest: Readonly<Pick<Entry, 'ok' | 'latencyMs' | 'errorKind' | 'message' | 'at' | 'since'>> | undefined;
}

export class StatusBoard implements LiveSink {
  private readonly entries = new Map<string, Entry>();

  private static id(key: string, region: string) {
    return `${key}\u0000${region}`;
  }

  seed(rows: readonly CheckStateRow[]): void {
    for (const r of rows)
      this.entries.set(StatusBoard.id(r.checkKey, r.region), {
        ok: r.ok,
        latencyMs: r.latencyMs,
        errorKind: r.errorKind,
        message: r.message,
        at: r.at,
        since: r.since,
      });
  }

  push(r: KeyedResult): void {
    const id = StatusBoard.id(r.key, r.region);
    const prev = this.entries.get(id);
    if (prev && prev.at > r.at) return;
    this.entries.set(id, {
      ok: r.ok,
      latencyMs: r.latencyMs,
      errorKind: r.errorKind,
      message: r.message,
      at: r.at,
      since: prev && prev.ok === r.ok ? prev.since : r.at,
    });
  }

  /**
   * Every configured check in each of its regions with its newest result, as stored (dates, not
   * text): for code that scans the whole board every few seconds (meta-monitoring) without building
   * the status document.
   */
  *current(cfg: KuzetConfig): Generator<BoardRegion> {
    for (const [systemId, sys] of Object.entries(cfg.systems))
      for (const t of sys.targets)
        for (const c of t.checks) {
          const key = `${systemId}/${t.id}/${c.id}`;
          for (const region of c.regions ?? [cfg.regions[0]!])
            yield {
              systemId,
              targetId: t.id,
              module: t.module ?? null,
              key,
              region,
              latest: this.entries.get(StatusBoard.id(key, region)),
            };
        }
  }

  /** The status document of the API: systems → targets → checks → regions. */
  snapshot(cfg: KuzetConfig, now: Date) {
    let up = 0;
    let down = 0;
    let unknown = 0;
    const systems = Object.entries(cfg.systems).map(([sysId, sys]) => ({
      id: sysId,
      name: sys.name,
      kind: sys.kind,
      policy: sys.policy,
      /** The modules' kk/ru names: the public site names modules by them (#17 item 14). */
      moduleNames: sys.moduleNames,
      targets: sys.targets.map((t) => ({
        id: t.id,
        module: t.module ?? null,
        service: t.service ?? null,
        environment: t.environment,
        checks: t.checks.map((c) => {
          const key = `${sysId}/${t.id}/${c.id}`;
          const regions = (c.regions ?? [cfg.regions[0]!]).map((region) => {
            const e = this.entries.get(StatusBoard.id(key, region));
            return e
              ? // A run kuzet could not make (errorKind internal) says nothing of the system: unknown, with its reason.
                {
                  region,
                  status: e.ok ? 'up' : e.errorKind === 'internal' ? 'unknown' : 'down',
                  ok: e.ok,
                  latencyMs: e.latencyMs,
                  errorKind: e.errorKind,
                  message: e.message,
                  at: (e.atText ??= formatAstana(e.at)),
                  since: (e.sinceText ??= formatAstana(e.since)),
                }
              : { region, status: 'unknown', ok: null, latencyMs: null, errorKind: null, message: 'no result yet', at: null, since: null };
          });
          const status = regions.some((r) => r.status === 'down') ? 'down' : regions.every((r) => r.status === 'up') ? 'up' : 'unknown';
          if (status === 'up') up++;
          else if (status === 'down') down++;
          else unknown++;
          return { id: c.id, key, type: c.type, intervalSeconds: c.intervalMs / 1000, status, regions };
        }),
      })),
    }));
    return { at: formatAstana(now), summary: { up, down, unknown }, systems };
  }
}
