/**
 * Watching the watcher (issue #11): heartbeats, silent-checker alerts, self-metrics.
 * Placeholder until that lands: mounts nothing, runs nothing.
 */
import type { ApiExtension, BackgroundPart, KuzetServices } from '../services.ts';

export function metaExtension(_s: KuzetServices): ApiExtension {
  return () => undefined;
}

export async function startMeta(_s: KuzetServices): Promise<BackgroundPart> {
  return { close: async () => undefined };
}
