/**
 * The ETP registry, failure-day ledger and decisions over HTTP and in the background (issue #7).
 * Placeholder until that lands: mounts nothing, runs nothing.
 */
import type { ApiExtension, BackgroundPart, KuzetServices } from './services.ts';

export function etpExtension(_s: KuzetServices): ApiExtension {
  return () => undefined;
}

export async function startEtpPart(_s: KuzetServices): Promise<BackgroundPart> {
  return { close: async () => undefined };
}
