/** Incident events → on-call alerts and notices (issue #6). Placeholder: filled in by the wiring commit. */
import type { BackgroundPart, KuzetServices } from './services.ts';

export async function startIncidentNotices(_s: KuzetServices): Promise<BackgroundPart> {
  return { close: async () => undefined };
}
