/** What meta-monitoring takes from the running kuzet, and the watcher's live state it shares with its routes. */
import type { Redis } from 'ioredis';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import type { Metrics, StatusBoard, Heartbeat } from '../collector/index.ts';
import type { NoticeRuntime } from '../notices/index.ts';
import type { SilenceReport } from './silence.ts';

export interface MetaDeps {
  config(): KuzetConfig;
  db(): Db;
  log: Logger;
  /** The registry the meta metrics are registered on. */
  metrics: Pick<Metrics, 'registry'>;
  /** The live board: the newest result and probe error of every check. */
  status: Pick<StatusBoard, 'snapshot' | 'current'>;
  /** Alerts are queued on its deliveries (absent until Redis is reached). */
  notices: Pick<NoticeRuntime, 'deliveries'>;
  /** The Redis connection once reached (undefined before and while it is away at start). */
  redis(): Redis | undefined;
  /** Redis key prefix of this installation. */
  prefix(): string;
  /** Names of the dependencies that are not reachable now; the dead-man's switch is pinged only when empty. */
  readiness(): Promise<string[]>;
}

/** The watcher's live state, read by `GET /api/v1/meta/silent` (mounted before the watcher starts). */
export interface MetaState {
  startedAt: number;
  lastEvalAt: number | null;
  report: SilenceReport | null;
  heartbeats: Heartbeat[];
  lastError: string | null;
}

export const newMetaState = (now: number): MetaState => ({
  startedAt: now,
  lastEvalAt: null,
  report: null,
  heartbeats: [],
  lastError: null,
});
