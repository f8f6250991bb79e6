/**
 * The on-call part of a running kuzet (issue #21 items 2–3), built by app/start.ts: its API routes,
 * the mutes, and the alert silencer the incident→notice bridge asks before it alerts.
 */
import type Router from '@koa/router';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { MuteService } from './mutes.ts';
import { registerOncallRoutes } from './oncall.routes.ts';
import { AlertSilencer, type MaintenanceWindow } from './silence.ts';

export interface OncallPartDeps {
  db(): Db;
  config(): KuzetConfig;
  now(): Date;
  publicUrl(): string;
  /** Announced maintenance windows covering the instant (the notices store's). */
  maintenance(at: number): Promise<readonly MaintenanceWindow[]>;
}

export interface OncallPart {
  mutes: MuteService;
  silencer: AlertSilencer;
  /** Mounts the routes on the HTTP app (an `extensions` entry of api/'s createApi). */
  extension: (app: unknown, router: Router) => void;
  /** The mute in force over each muted check, for the check lists (API, console). */
  checkMutes(): Promise<Map<string, { id: string; reason: string; endsAt: string; by: string }>>;
}

export function createOncallPart(d: OncallPartDeps): OncallPart {
  const mutes = new MuteService(d);
  return {
    mutes,
    silencer: new AlertSilencer(d),
    extension: (_app, router) => registerOncallRoutes(router, { ...d, mutes }),
    checkMutes: () => mutes.byCheck(),
  };
}

/** The notices store's maintenance windows as the silencer reads them. */
export async function maintenanceCovering(
  list: (o: { from?: Date }) => Promise<{ id: string; system: string; startsAt: string; endsAt: string; input: unknown }[]>,
  at: number,
): Promise<MaintenanceWindow[]> {
  const windows = await list({ from: new Date(at) });
  return windows
    .map((w) => ({
      id: w.id,
      system: w.system,
      modules: (w.input as { modules?: string[] } | null)?.modules ?? [],
      start: Date.parse(w.startsAt),
      end: Date.parse(w.endsAt),
    }))
    .filter((w) => w.start <= at && at < w.end);
}
