/**
 * What a running kuzet offers to the parts mounted on it (console, ETP registry, meta-monitoring):
 * one object built by app/start.ts, so a part takes what it needs without app.ts knowing it.
 */
import type { Redis } from 'ioredis';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import type { IncidentRuntime } from '../incidents/index.ts';
import type { NoticeRuntime } from '../notices/index.ts';
import type { InfluxSink, Metrics, StatusBoard } from '../collector/index.ts';

export interface KuzetServices {
  config(): KuzetConfig;
  db(): Db;
  log: Logger;
  metrics: Metrics;
  status: StatusBoard;
  incidents: IncidentRuntime;
  notices: NoticeRuntime;
  /** The Redis connection once reached (undefined before and while it is away at start). */
  redis(): Redis | undefined;
  /** Redis key prefix of this installation (BullMQ queues, streams). */
  prefix(): string;
  /** Names of the dependencies that are not reachable now, with the reason; empty when ready. */
  readiness(): Promise<string[]>;
  now(): Date;
  /** The base URL kuzet serves on (set once the server listens). */
  publicUrl(): string;
  /** Where browser journeys keep screenshots and traces. */
  artifactsDir: string;
  /** The InfluxDB history sink, when `influx` is configured. */
  influx?: InfluxSink | undefined;
}

/** Defined by api/ (re-exported here while parts still import it from this file). */
export type { ApiExtension } from '../api/index.ts';

/** A background part started once Redis is reached; `close` is awaited on shutdown. */
export interface BackgroundPart {
  close(): Promise<void>;
}
