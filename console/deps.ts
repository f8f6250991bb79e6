/**
 * What the console needs from a running kuzet, and nothing more: the composition root (app/start.ts)
 * builds one `ConsoleDeps`; each console module names its own part of it (`PagesDeps`, `AdminDeps`,
 * `SsoDeps`, `SecurityDeps`, `LiveDeps`) in its signature.
 */
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import type { StatusBoard } from '../collector/index.ts';
import type { EtpDetail } from '../etp/index.ts';
import type { IncidentRuntime } from '../incidents/index.ts';
import type { NoticeRuntime } from '../notices/index.ts';
import type { MuteService } from '../oncall/index.ts';

/** The incident changes an operator makes from the console (the same service, checks and audit as the API). */
export type ConsoleIncidentService = Pick<
  IncidentRuntime['service'],
  'transition' | 'updatePlannedFix' | 'recordConsequence' | 'markClockMet' | 'extendClock' | 'linkAppeal' | 'acknowledge'
>;

/** The notice editor's and maintenance planner's calls. */
export type ConsoleNoticeService = Pick<
  NoticeRuntime['service'],
  'list' | 'get' | 'preview' | 'upsert' | 'publish' | 'listMaintenance' | 'planMaintenance'
>;

/** The ETP runtime's part the ETP page uses (seeding the registry from the config, the detail, a decision). */
export interface ConsoleEtp {
  ensureSeeded(): Promise<void>;
  detail(id: string): Promise<EtpDetail>;
  decide(etpId: string, input: unknown, actor: { id: string; ip?: string | null | undefined }): Promise<unknown>;
}

export interface ConsoleDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
  log: Logger;
  /** The base URL kuzet serves on (set once the server listens): SSO redirect and sign-out addresses. */
  publicUrl(): string;
  /** Where browser journeys keep screenshots: the only place an incident's screenshot is served from. */
  artifactsDir: string;
  status: Pick<StatusBoard, 'snapshot'>;
  incidents: { readonly service: ConsoleIncidentService };
  notices: { readonly service: ConsoleNoticeService };
  /** The running ETP runtime (shared with the ETP API, so one ledger and one notice queue). */
  etp(): ConsoleEtp;
  /** Mutes (issue #21 item 3), through the same service as the API; absent: the board shows none and the page cannot mute. */
  oncall?: { mutes: Pick<MuteService, 'mute' | 'unmute' | 'recent' | 'byCheck'> };
}
